/**
 * The size of an argument list, the quantity a function's running time grows with: the number
 * of elements and characters of every collection and string in it (receivers of instance
 * methods included), or, when every parameter is a scalar (fib(n), isPrime(n)), the magnitude of
 * its numbers. Verification runs the original on its inputs in ascending size and never grows
 * past the size at which a call becomes slow (see VerifyJob.cost), so functions of exponential
 * or factorial cost are verified on every size they can handle, never beyond.
 *
 * Enters: argument lists (as the runner receives them) and whether the signature is scalar-only.
 * Leaves: one non-negative number per list.
 */
import { FN_MARKER } from '../sandbox/protocol';

const MAX_DEPTH = 8;
const CAP = 1e9;

function bulk(v: unknown, depth: number, budget: { left: number }): number {
  if (budget.left-- <= 0) return 0;
  if (typeof v === 'string') return v.length;
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return 0;
  if (FN_MARKER in (v as object)) return 0;
  let n = 0;
  if (Array.isArray(v)) {
    n += v.length;
    for (const x of v) n += bulk(x, depth + 1, budget);
  } else if (v instanceof Map) {
    n += v.size;
    for (const [k, x] of v) n += bulk(k, depth + 1, budget) + bulk(x, depth + 1, budget);
  } else if (v instanceof Set) {
    n += v.size;
    for (const x of v) n += bulk(x, depth + 1, budget);
  } else if (ArrayBuffer.isView(v)) {
    n += (v as unknown as ArrayLike<unknown>).length ?? 0;
  } else if (!(v instanceof Date)) {
    const keys = Object.keys(v);
    n += keys.length;
    for (const k of keys) n += bulk((v as Record<string, unknown>)[k], depth + 1, budget);
  }
  return Math.min(n, CAP);
}

function magnitude(v: unknown, depth: number): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.min(Math.abs(Math.trunc(v)), CAP) : CAP;
  if (typeof v === 'bigint') return Math.min(Number(v < 0n ? -v : v), CAP);
  if (v !== null && typeof v === 'object' && depth < 2 && !Array.isArray(v)) {
    // An instance method's receiver marker: its fields or constructor arguments.
    let n = 0;
    for (const x of Object.values(v as Record<string, unknown>)) n += magnitude(x, depth + 1);
    return Math.min(n, CAP);
  }
  if (Array.isArray(v) && depth < 2) return Math.min(v.reduce<number>((a, x) => a + magnitude(x, depth + 1), 0), CAP);
  return 0;
}

/** The size of one argument list (see the header). */
export function inputCost(args: readonly unknown[], scalarOnly: boolean): number {
  if (scalarOnly) return Math.min(args.reduce<number>((a, x) => a + magnitude(x, 0), 0), CAP);
  const budget = { left: 100_000 };
  return Math.min(args.reduce<number>((a, x) => a + bulk(x, 0, budget), 0), CAP);
}

/** Indices of `sizes` in ascending size (stable: equal sizes keep their order). */
export function ascendingOrder(sizes: readonly number[]): number[] {
  return sizes.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
}
