/**
 * Argument lists in the sandbox child: read from the job's inputs file, function markers
 * replaced by pure functions, deep-copied for each call, and promises settled with a time limit.
 * Everything it relies on is captured when the module is evaluated, before user code loads.
 */
import { readFileSync } from 'node:fs';
import * as v8 from 'node:v8';
import { FN_MARKER } from './protocol';
import { AIsArray, DateGetTime, ErrorCtor, MapForEach, OCreate, ODefineProp, OGetDesc, OGetProto, OKeys, ObjectProto, RApply, SetForEach, StringCtor } from './primordials';

const v8Serialize = v8.serialize;
const v8Deserialize = v8.deserialize;
const setTimeoutC = globalThis.setTimeout;
const clearTimeoutC = globalThis.clearTimeout;
const PromiseC = Promise;
const MapSet = Map.prototype.set;
const SetAdd = Set.prototype.add;
const WeakSetC = WeakSet;
const WeakSetHas = WeakSet.prototype.has;
const WeakSetAdd = WeakSet.prototype.add;
const isTypedArrayView = (v: unknown): boolean => ArrayBuffer.isView(v) && !(v instanceof DataView);

const FN_FACTORIES: Record<string, () => unknown> = {
  identity: () => (x: unknown) => x,
  compare: () => (a: never, b: never) => (a < b ? -1 : a > b ? 1 : 0),
  predicate: () => (x: unknown) => {
    const s = StringCtor(x);
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
    return ((h >>> 3) & 1) === 0;
  },
  key: () => (x: unknown) => StringCtor(x).length % 7,
  sum: () => (acc: number, x: unknown) => acc + (typeof x === 'number' ? x : StringCtor(x).length),
};

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || AIsArray(v)) return false;
  const p = OGetProto(v) as object | null;
  return p === null || p === Object.prototype;
}

function fnFromMarker(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  const keys = OKeys(v);
  if (keys.length !== 1 || keys[0] !== FN_MARKER) return v;
  const kind = v[FN_MARKER];
  const f = typeof kind === 'string' ? FN_FACTORIES[kind] : undefined;
  return f ? f() : v;
}

/** How deep inside an argument function markers are replaced (options objects, constructor arguments of receivers and instances). */
const MAX_MARKER_DEPTH = 8;

/**
 * Replaces FN_MARKER objects with their functions, at any depth up to MAX_MARKER_DEPTH inside
 * arrays and plain objects: an option's callback (`{ enabled: (q) => boolean }`) inside the
 * constructor arguments of a receiver is three levels down. Objects reached twice are walked once.
 */
function rehydrate(args: unknown[]): unknown[] {
  const seen = new WeakSetC<object>();
  const walk = (container: unknown, depth: number): void => {
    if (depth > MAX_MARKER_DEPTH || container === null || typeof container !== 'object' || RApply(WeakSetHas, seen, [container])) return;
    RApply(WeakSetAdd, seen, [container]);
    if (AIsArray(container)) {
      const a = container as unknown[];
      // Holes stay holes: a sparse array must reach the function as it was generated.
      for (let j = 0; j < a.length; j++) {
        if (!(j in a)) continue;
        const r = fnFromMarker(a[j]);
        if (r !== a[j]) a[j] = r;
        else walk(r, depth + 1);
      }
    } else if (isPlainObject(container)) {
      // By descriptor: an own '__proto__' key is data, and assigning to it would set the prototype.
      for (const k of OKeys(container)) {
        const d = OGetDesc(container, k);
        if (!d || !('value' in d)) continue;
        const r = fnFromMarker(d.value);
        if (r !== d.value) ODefineProp(container, k, { value: r, writable: true, enumerable: true, configurable: true });
        else walk(r, depth + 1);
      }
    }
  };
  for (let i = 0; i < args.length; i++) {
    const a = fnFromMarker(args[i]);
    args[i] = a;
    walk(a, 0);
  }
  return args;
}

/** Reads a v8-serialized `unknown[][]` file and re-serializes each argument list on its own. */
export function loadArgLists(file: string): Buffer[] {
  const all = v8Deserialize(readFileSync(file)) as unknown;
  if (!AIsArray(all)) throw new ErrorCtor('inputs file does not hold an array of argument lists');
  const out: Buffer[] = [];
  for (const item of all) {
    if (!AIsArray(item)) throw new ErrorCtor('inputs file holds a non-array argument list');
    out.push(v8Serialize(item));
  }
  return out;
}

export function freshArgs(buf: Buffer): unknown[] {
  return rehydrate(v8Deserialize(buf) as unknown[]);
}

export const MapC = Map;
const SetC = Set;
const DateC = Date;
const TypedSlice = (Object.getPrototypeOf(Uint8Array.prototype) as { slice: () => unknown }).slice;

/**
 * A deep copy of a deserialized input, much cheaper than v8.deserialize for the common shapes
 * (arrays, plain objects, Map, Set, Date, typed arrays); shared references and cycles are kept
 * as shared references and cycles, as v8 serialization keeps them. Anything else goes through
 * v8 serialization. Functions (rehydrated markers) are shared: they are pure.
 */
export function fastClone(v: unknown, seen: Map<object, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  const hit = seen.get(v);
  if (hit !== undefined) return hit;
  if (AIsArray(v)) {
    const n = v.length;
    const out = new Array<unknown>(n);
    seen.set(v, out);
    for (let i = 0; i < n; i++) {
      const e: unknown = v[i];
      if (e === null || typeof e !== 'object') {
        if (e !== undefined || i in v) out[i] = e;
      } else out[i] = fastClone(e, seen);
    }
    return out;
  }
  const proto = OGetProto(v) as unknown;
  if (proto === ObjectProto || proto === null) {
    const out = (proto === null ? OCreate(null) : {}) as Record<string, unknown>;
    seen.set(v, out);
    const rec = v as Record<string, unknown>;
    for (const k of OKeys(rec)) {
      const val = fastClone(rec[k], seen);
      if (k === '__proto__') ODefineProp(out, k, { value: val, writable: true, enumerable: true, configurable: true });
      else out[k] = val;
    }
    return out;
  }
  if (v instanceof MapC) {
    const out = new MapC<unknown, unknown>();
    seen.set(v, out);
    RApply(MapForEach, v, [(val: unknown, key: unknown) => RApply(MapSet, out, [fastClone(key, seen), fastClone(val, seen)])]);
    return out;
  }
  if (v instanceof SetC) {
    const out = new SetC<unknown>();
    seen.set(v, out);
    RApply(SetForEach, v, [(val: unknown) => RApply(SetAdd, out, [fastClone(val, seen)])]);
    return out;
  }
  if (v instanceof DateC) {
    const out = new DateC(RApply(DateGetTime, v, []) as number);
    seen.set(v, out);
    return out;
  }
  if (isTypedArrayView(v)) {
    const out = RApply(TypedSlice, v, []);
    seen.set(v, out);
    return out;
  }
  const out = v8Deserialize(v8Serialize(v)) as unknown;
  seen.set(v, out);
  return out;
}

export function isThenable(v: unknown): { then: (a: (x: unknown) => void, b: (e: unknown) => void) => unknown } | null {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return null;
  let then: unknown;
  try {
    then = (v as { then?: unknown }).then;
  } catch {
    return null;
  }
  return typeof then === 'function' ? { then: (a, b) => RApply(then as (...x: unknown[]) => unknown, v, [a, b]) } : null;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown } | { timeout: true };

export function settle(t: { then: (a: (x: unknown) => void, b: (e: unknown) => void) => unknown }, timeoutMs: number): Promise<Settled> {
  return new PromiseC<Settled>((resolve) => {
    let done = false;
    const timer = setTimeoutC(() => {
      if (!done) {
        done = true;
        resolve({ timeout: true });
      }
    }, timeoutMs);
    const finish = (s: Settled): void => {
      if (done) return;
      done = true;
      clearTimeoutC(timer);
      resolve(s);
    };
    try {
      t.then(
        (value) => finish({ ok: true, value }),
        (error) => finish({ ok: false, error }),
      );
    } catch (error) {
      finish({ ok: false, error });
    }
  });
}
