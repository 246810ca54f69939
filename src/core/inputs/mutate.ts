/**
 * Mutation of argument lists toward given literals, for coverage-guided verification: when a
 * branch of the original or of a candidate has never run, new inputs are made from the existing
 * ones by inserting the literals of that branch's condition into strings, setting numbers to
 * its boundaries, growing and shrinking collections (to its lengths, or by halving and
 * doubling), and adding or removing the properties it looks up.
 *
 * Enters: argument lists (runner format: receiver markers and function markers stay intact),
 * the literals to aim at, a seeded Rng. Leaves: new argument lists (the inputs are not
 * modified). A mutation never changes a value's type: strings stay strings, integers integers,
 * arrays keep elements like their own.
 */
import { FN_MARKER, NEW_MARKER, THIS_MARKER } from '../sandbox/protocol';
import type { Rng } from '../rng';
import type { Literals } from './literals';

type Leaf =
  | { kind: 'string'; get: () => string; set: (v: string) => void }
  | { kind: 'number'; get: () => number; set: (v: number) => void }
  | { kind: 'boolean'; get: () => boolean; set: (v: boolean) => void }
  | { kind: 'array'; get: () => unknown[]; set: (v: unknown[]) => void }
  | { kind: 'object'; get: () => Record<string, unknown> };

const MAX_LEAVES = 300;
const MAX_DEPTH = 5;
const MAX_GROWN_LENGTH = 400;

function deepClone(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(deepClone);
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [deepClone(k), deepClone(x)]));
  if (v instanceof Set) return new Set([...v].map(deepClone));
  if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice();
  const out: Record<string, unknown> = Object.getPrototypeOf(v) === null ? Object.create(null) : {};
  for (const k of Object.keys(v)) {
    Object.defineProperty(out, k, { value: deepClone((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

/** Every mutable position of an argument list (markers are entered, never replaced). */
function leaves(list: unknown[]): Leaf[] {
  const out: Leaf[] = [];
  const visit = (holder: Record<string | number, unknown>, key: string | number, depth: number): void => {
    if (out.length >= MAX_LEAVES) return;
    const v = holder[key];
    if (typeof v === 'string') out.push({ kind: 'string', get: () => holder[key] as string, set: (x) => (holder[key] = x) });
    else if (typeof v === 'number') out.push({ kind: 'number', get: () => holder[key] as number, set: (x) => (holder[key] = x) });
    else if (typeof v === 'boolean') out.push({ kind: 'boolean', get: () => holder[key] as boolean, set: (x) => (holder[key] = x) });
    else if (Array.isArray(v)) {
      out.push({ kind: 'array', get: () => holder[key] as unknown[], set: (x) => (holder[key] = x) });
      if (depth < MAX_DEPTH) for (let i = 0; i < v.length && i < 64; i++) visit(v as unknown as Record<number, unknown>, i, depth + 1);
    } else if (isPlain(v)) {
      if (FN_MARKER in v) return;
      if (NEW_MARKER in v) {
        // A generated instance: mutate its constructor arguments, never the marker.
        if (depth < MAX_DEPTH) visit(v, 'args', depth + 1);
        return;
      }
      if (THIS_MARKER in v) {
        // A receiver: mutate its fields or constructor arguments, never the marker.
        const inner = (v as { props?: unknown; args?: unknown }).props !== undefined ? 'props' : 'args';
        if (depth < MAX_DEPTH) visit(v, inner, depth + 1);
        return;
      }
      out.push({ kind: 'object', get: () => holder[key] as Record<string, unknown> });
      if (depth < MAX_DEPTH) for (const k of Object.keys(v).slice(0, 32)) visit(v, k, depth + 1);
    }
  };
  for (let i = 0; i < list.length; i++) visit(list as unknown as Record<number, unknown>, i, 0);
  return out;
}

function stillThere(leaf: Leaf): boolean {
  const v: unknown = leaf.get();
  switch (leaf.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return typeof v === leaf.kind;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isPlain(v);
  }
}

function token(lits: Literals, rng: Rng): string | null {
  const pool = lits.chars.length + lits.strings.length;
  if (pool === 0) return null;
  return rng.int(0, pool - 1) < lits.chars.length ? rng.pick(lits.chars) : rng.pick(lits.strings);
}

function mutateString(s: string, lits: Literals, rng: Rng): string {
  const t = token(lits, rng);
  const r = rng.next();
  if (t !== null && r < 0.55) {
    const piece = rng.bool(0.25) ? t + t : t;
    const at = rng.bool(0.2) ? 0 : rng.bool(0.2) ? s.length : rng.int(0, s.length);
    return s.slice(0, at) + piece + s.slice(at);
  }
  if (t !== null && r < 0.7) return rng.bool(0.5) ? t : t + t;
  if (r < 0.85 && s.length > 0) {
    const a = rng.int(0, s.length - 1);
    return s.slice(0, a) + s.slice(rng.int(a + 1, s.length));
  }
  return s.length > 0 && s.length < 2000 ? s + s : s + (t ?? 'a');
}

function mutateNumber(n: number, lits: Literals, rng: Rng): number {
  const integer = Number.isInteger(n);
  const pool = integer ? lits.numbers.filter((x) => Number.isInteger(x)) : lits.numbers;
  const r = rng.next();
  if (pool.length > 0 && r < 0.6) return rng.pick(pool);
  if (r < 0.75) return n + (rng.bool() ? 1 : -1);
  if (r < 0.85) return -n;
  if (r < 0.95) return 0;
  return integer ? n * 2 : n / 2;
}

function mutateArray(a: unknown[], lits: Literals, rng: Rng): unknown[] {
  const r = rng.next();
  if (lits.lengths.length > 0 && r < 0.4 && a.length > 0) return resize(a, rng.pick(lits.lengths), rng);
  if (r < 0.55) return a.slice(0, rng.int(0, Math.max(0, a.length - 1)));
  if (r < 0.7 && a.length > 0) return resize(a, Math.min(MAX_GROWN_LENGTH, a.length * 2 + 1), rng);
  if (r < 0.85 && a.length > 0) {
    const out = a.slice();
    const i = rng.int(0, out.length - 1);
    out.splice(rng.int(0, out.length), 0, deepClone(out[i]));
    return out;
  }
  return a.slice().reverse();
}

/** `a` at length `n`: cut, or grown with copies of its own elements (so element types stay). */
function resize(a: unknown[], n: number, rng: Rng): unknown[] {
  const len = Math.max(0, Math.min(MAX_GROWN_LENGTH, n));
  if (len <= a.length) return a.slice(0, len);
  const out = a.slice();
  while (out.length < len) out.push(deepClone(a[rng.int(0, a.length - 1)]));
  return out;
}

function mutateObject(o: Record<string, unknown>, lits: Literals, rng: Rng): void {
  const keys = Object.keys(o);
  if (lits.props.length > 0 && (keys.length === 0 || rng.bool(0.6))) {
    const p = rng.pick(lits.props);
    if (p in o && rng.bool(0.5)) {
      delete o[p];
      return;
    }
    const like = keys.length > 0 ? deepClone(o[rng.pick(keys)]) : rng.bool() ? 1 : 'x';
    Object.defineProperty(o, p, { value: like, enumerable: true, writable: true, configurable: true });
    return;
  }
  if (keys.length > 0) delete o[rng.pick(keys)];
}

/**
 * `count` new argument lists, each a copy of one of `bases` with 1–3 mutations toward `lits`.
 * Returns fewer when the bases offer nothing to mutate.
 */
export function mutateArgLists(bases: readonly unknown[][], lits: Literals, count: number, rng: Rng): unknown[][] {
  const out: unknown[][] = [];
  if (bases.length === 0) return out;
  for (let attempt = 0; out.length < count && attempt < count * 3; attempt++) {
    const list = deepClone(rng.pick(bases)) as unknown[];
    const ls = leaves(list);
    if (ls.length === 0) continue;
    const n = rng.int(1, 3);
    for (let k = 0; k < n; k++) {
      const leaf = rng.pick(ls);
      // An earlier mutation of this list may have shortened an array or replaced an object that
      // held this leaf: mutate only leaves that are still there with their kind.
      if (!stillThere(leaf)) continue;
      switch (leaf.kind) {
        case 'string':
          leaf.set(mutateString(leaf.get(), lits, rng));
          break;
        case 'number':
          leaf.set(mutateNumber(leaf.get(), lits, rng));
          break;
        case 'boolean':
          leaf.set(!leaf.get());
          break;
        case 'array':
          leaf.set(mutateArray(leaf.get(), lits, rng));
          break;
        case 'object':
          mutateObject(leaf.get(), lits, rng);
          break;
      }
    }
    out.push(list);
  }
  return out;
}
