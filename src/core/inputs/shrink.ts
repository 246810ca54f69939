/**
 * Counterexample shrinking: smaller versions of a failing argument list (shorter arrays and
 * strings, fewer Map/Set entries, simpler nested values), tried smallest first. Types are
 * kept: an array stays an array, numbers are never changed (-0 or NaN may be the point).
 */
import { serialize } from 'node:v8';
import { FN_MARKER, NEW_MARKER, THIS_MARKER } from '../sandbox/protocol';

/** Keys of the generator's markers (functions, receivers, instances): never shrunk. */
const MARKER_KEYS: ReadonlySet<string> = new Set([FN_MARKER, NEW_MARKER, THIS_MARKER, 'name']);

function clone<T>(v: T): T {
  return structuredClone(v);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

/** Indices to drop, for a collection of length n: all, halves, quarters, then single elements. */
function dropPlans(n: number): [number, number][] {
  if (n === 0) return [];
  const plans: [number, number][] = [[0, n]];
  if (n >= 2) {
    const h = Math.floor(n / 2);
    plans.push([0, h], [h, n]);
  }
  if (n >= 8) {
    const q = Math.floor(n / 4);
    for (let i = 0; i < 4; i++) plans.push([i * q, i === 3 ? n : (i + 1) * q]);
  }
  if (n <= 16) for (let i = 0; i < n; i++) plans.push([i, i + 1]);
  return plans;
}

/** Smaller versions of one value, each a fresh copy. */
export function reduceValue(v: unknown, depth = 0): unknown[] {
  if (depth > 3) return [];
  const out: unknown[] = [];
  if (typeof v === 'string') {
    for (const [a, b] of dropPlans(v.length)) out.push(v.slice(0, a) + v.slice(b));
    return out;
  }
  if (Array.isArray(v)) {
    for (const [a, b] of dropPlans(v.length)) out.push([...v.slice(0, a), ...v.slice(b)].map(clone));
    if (v.length <= 6) {
      v.forEach((el, j) => {
        for (const r of reduceValue(el, depth + 1)) {
          const copy = v.map(clone);
          copy[j] = r;
          out.push(copy);
        }
      });
    }
    return out;
  }
  if (v instanceof Map) {
    const entries = [...v.entries()];
    for (const [a, b] of dropPlans(entries.length)) out.push(new Map([...entries.slice(0, a), ...entries.slice(b)].map(clone)));
    return out;
  }
  if (v instanceof Set) {
    const items = [...v];
    for (const [a, b] of dropPlans(items.length)) out.push(new Set([...items.slice(0, a), ...items.slice(b)].map(clone)));
    return out;
  }
  if (isPlainObject(v)) {
    const isMarker = FN_MARKER in v || NEW_MARKER in v || THIS_MARKER in v;
    for (const k of Object.keys(v)) {
      if (isMarker && MARKER_KEYS.has(k)) continue;
      for (const r of reduceValue(v[k], depth + 1)) {
        const copy = clone(v);
        Object.defineProperty(copy, k, { value: r, writable: true, enumerable: true, configurable: true });
        out.push(copy);
      }
    }
  }
  return out;
}

function size(args: unknown[]): number {
  try {
    return serialize(args).length;
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}

/** Smaller argument lists than `args`, smallest first, at most `max`. */
export function reductions(args: unknown[], max = 80): unknown[][] {
  const out: unknown[][] = [];
  args.forEach((a, i) => {
    for (const r of reduceValue(a)) {
      const copy = args.map(clone);
      copy[i] = r;
      out.push(copy);
    }
  });
  const base = size(args);
  const sized = out.map((a) => ({ a, n: size(a) })).filter((x) => x.n < base);
  sized.sort((x, y) => x.n - y.n);
  // Drop duplicates (the same reduction reached two ways).
  const seen = new Set<string>();
  const unique: unknown[][] = [];
  for (const x of sized) {
    const key = serialize(x.a).toString('base64');
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(x.a);
    if (unique.length >= max) break;
  }
  return unique;
}
