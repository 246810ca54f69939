/**
 * Turns any JavaScript value into the plain, JSON-safe `Encoded` form (see types.ts) so the
 * parent can compare and display what a call returned or left in its arguments.
 *
 * Pure and usable in-process (tests, parent) as well as inside the sandbox runner. Every
 * built-in this module relies on is captured when the module is evaluated, which inside the
 * runner happens before any user or candidate code loads, so patching `Object.keys` or
 * `Map.prototype.forEach` later does not change how values are encoded.
 *
 * `encodeValue` never throws: a getter or proxy trap that throws is encoded as the error it
 * threw, and anything the walker cannot handle becomes a `truncated` node.
 */
import { createHash } from 'node:crypto';
import { types as utilTypes, inspect } from 'node:util';
import type { Encoded } from '../types';
import { AIsArray, DateGetTime, JSONStringify, MapForEach, OGetDesc, OGetProto, OKeys, ObjectProto, RApply, SetForEach, StringCtor, SymbolToString } from './primordials';

// ---- captured built-ins -------------------------------------------------------------------
const OIs = Object.is;
const hasOwn = Object.prototype.hasOwnProperty;
const DateToISO = Date.prototype.toISOString;
const RegExpToString = RegExp.prototype.toString;
const BigIntToString = BigInt.prototype.toString;
const MathCeil = Math.ceil;
const typedArrayProto = OGetProto(Uint8Array.prototype) as object;
const typedLengthGetter = OGetDesc(typedArrayProto, 'length')?.get;
const typedTagGetter = OGetDesc(typedArrayProto, Symbol.toStringTag)?.get;
const abByteLengthGetter = OGetDesc(ArrayBuffer.prototype, 'byteLength')?.get;
const Uint8ArrayCtor = Uint8Array;
const DataViewBufferGetter = OGetDesc(DataView.prototype, 'buffer')?.get;
const DataViewOffsetGetter = OGetDesc(DataView.prototype, 'byteOffset')?.get;
const DataViewLengthGetter = OGetDesc(DataView.prototype, 'byteLength')?.get;
const {
  isDate,
  isRegExp,
  isMap,
  isSet,
  isPromise,
  isNativeError,
  isTypedArray,
  isArrayBuffer,
  isSharedArrayBuffer,
  isDataView,
  isBoxedPrimitive,
  isNumberObject,
  isStringObject,
  isBooleanObject,
  isBigIntObject,
  isSymbolObject,
} = utilTypes;
const NumberValueOf = Number.prototype.valueOf;
const StringValueOf = String.prototype.valueOf;
const BooleanValueOf = Boolean.prototype.valueOf;
const BigIntValueOf = BigInt.prototype.valueOf;
const SymbolValueOf = Symbol.prototype.valueOf;
const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
/**
 * Node's timer handles (what setTimeout/setInterval/setImmediate return). Their fields hold the
 * event loop's clock (`_idleStart`, the timer list's `expiry`), which differs between any two
 * runs: a handle is encoded as what it is, opaque, never by those fields.
 */
type Ctor = abstract new (...args: never[]) => object;
const TIMER_CLASSES: Ctor[] = (() => {
  const out: Ctor[] = [];
  try {
    const t = setTimeout(() => undefined, 0);
    out.push((OGetProto(t) as { constructor: Ctor }).constructor);
    clearTimeout(t);
    const i = setImmediate(() => undefined);
    out.push((OGetProto(i) as { constructor: Ctor }).constructor);
    clearImmediate(i);
  } catch {
    // not in Node: nothing to recognise
  }
  return out;
})();
function isTimerHandle(v: object): boolean {
  for (const C of TIMER_CLASSES) if (v instanceof C) return true;
  return false;
}
const inspectFn = inspect;

export interface EncodeOptions {
  /** Upper bound on encoded nodes before the whole value becomes `truncated` (default 5000). */
  maxNodes?: number;
  /** Upper bound on nesting depth before the whole value becomes `truncated` (default 48). */
  maxDepth?: number;
}

const DEFAULT_MAX_NODES = 5000;
const DEFAULT_MAX_DEPTH = 48;
/** Limits of the full canonical walk used for the hash of a truncated value. */
const CANON_MAX_NODES = 1_000_000;
const CANON_MAX_DEPTH = 2000;
const PREVIEW_CHARS = 200;

class Overflow {
  constructor(readonly why: string) {}
}

interface WalkState {
  nodes: number;
  maxNodes: number;
  maxDepth: number;
  /** Ancestors of the value being encoded, outermost first. */
  stack: unknown[];
  /** Full (hash) mode: overflow becomes a marker node instead of aborting. */
  full: boolean;
}

function encodeNumber(n: number): Encoded {
  if (n !== n) return { t: 'number', v: 'NaN' };
  if (n === Infinity) return { t: 'number', v: 'Infinity' };
  if (n === -Infinity) return { t: 'number', v: '-Infinity' };
  if (n === 0 && OIs(n, -0)) return { t: 'number', v: '-0' };
  return { t: 'number', v: n };
}

function safeString(v: unknown): string {
  try {
    if (typeof v === 'symbol') return RApply(SymbolToString, v, []) as string;
    return StringCtor(v);
  } catch {
    return '[unprintable]';
  }
}

function ctorNameOf(v: object): string | null {
  try {
    const proto = OGetProto(v) as object | null;
    if (proto === null) return null;
    if (proto === ObjectProto) return 'Object';
    const desc = OGetDesc(proto, 'constructor');
    const ctor: unknown = desc && 'value' in desc ? desc.value : undefined;
    if (typeof ctor === 'function') {
      const nd = OGetDesc(ctor, 'name');
      const name: unknown = nd && 'value' in nd ? nd.value : undefined;
      if (typeof name === 'string' && name !== '') return name;
    }
    return 'Object';
  } catch {
    return 'Object';
  }
}

function readProp(obj: object, key: PropertyKey): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: (obj as Record<PropertyKey, unknown>)[key] };
  } catch (error) {
    return { ok: false, error };
  }
}

function encodeThrown(e: unknown, st: WalkState, depth: number): Encoded {
  try {
    if (e !== null && typeof e === 'object' && isNativeError(e)) return encodeError(e, st);
    return walk(e, st, depth);
  } catch (inner) {
    if (inner instanceof Overflow) throw inner;
    return { t: 'error', ctor: 'Error', name: 'Error', message: '[unencodable thrown value]' };
  }
}

function encodeError(e: object, _st: WalkState): Encoded {
  const name = readProp(e, 'name');
  const message = readProp(e, 'message');
  return {
    t: 'error',
    ctor: ctorNameOf(e) ?? 'Error',
    name: name.ok ? safeString(name.value) : '[throwing getter]',
    message: message.ok ? safeString(message.value) : '[throwing getter]',
  };
}

function bytesToHex(bytes: Uint8Array, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    s += (b < 16 ? '0' : '') + RApply(NumberToString, b, [16]);
  }
  return s;
}
const NumberToString = Number.prototype.toString;

function countNodes(st: WalkState, n: number): boolean {
  st.nodes += n;
  if (st.nodes > st.maxNodes) {
    if (st.full) return false;
    throw new Overflow('too large');
  }
  return true;
}

function overflowMarker(): Encoded {
  return { t: 'truncated', hash: 'overflow', preview: '' };
}

function walk(v: unknown, st: WalkState, depth: number): Encoded {
  switch (typeof v) {
    case 'undefined':
      return { t: 'undefined' };
    case 'boolean':
      return { t: 'boolean', v };
    case 'number':
      return encodeNumber(v);
    case 'bigint':
      return { t: 'bigint', v: RApply(BigIntToString, v, []) as string };
    case 'string':
      if (!countNodes(st, MathCeil(v.length / 256))) return overflowMarker();
      return { t: 'string', v };
    case 'symbol':
      return { t: 'symbol', v: RApply(SymbolToString, v, []) as string };
    case 'function': {
      const nd = readProp(v, 'name');
      return { t: 'function', name: nd.ok && typeof nd.value === 'string' ? nd.value : '' };
    }
    default:
      break;
  }
  if (v === null) return { t: 'null' };
  const obj = v as object;
  // Back-reference to an ancestor (cycle).
  const stack = st.stack;
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i] === obj) return { t: 'ref', depth: stack.length - i };
  }
  if (!countNodes(st, 1)) return overflowMarker();
  if (depth >= st.maxDepth) {
    if (st.full) return overflowMarker();
    throw new Overflow('too deep');
  }
  stack.push(obj);
  try {
    return walkObject(obj, st, depth);
  } finally {
    stack.pop();
  }
}

function walkEntries(obj: object, st: WalkState, depth: number, skipIndices: boolean): [string, Encoded][] {
  const out: [string, Encoded][] = [];
  let keys: string[];
  try {
    keys = OKeys(obj);
  } catch (e) {
    return [['[keys threw]', encodeThrown(e, st, depth + 1)]];
  }
  for (const k of keys) {
    if (skipIndices && isIndexKey(k)) continue;
    const r = readProp(obj, k);
    out.push([k, r.ok ? walk(r.value, st, depth + 1) : encodeThrown(r.error, st, depth + 1)]);
  }
  return out;
}

function isIndexKey(k: string): boolean {
  if (k === '') return false;
  const c = k.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  if (k.length > 1 && c === 48) return false;
  for (let i = 1; i < k.length; i++) {
    const d = k.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return k.length < 10 || +k < 4294967295;
}

function walkObject(obj: object, st: WalkState, depth: number): Encoded {
  if (AIsArray(obj)) {
    const arr = obj as unknown[];
    let len: number;
    try {
      len = arr.length;
    } catch {
      len = 0;
    }
    if (!countNodes(st, 0) || len > st.maxNodes - st.nodes + 1) {
      if (st.full) return overflowMarker();
      throw new Overflow('too large');
    }
    const items: (Encoded | null)[] = [];
    for (let i = 0; i < len; i++) {
      let present: boolean;
      try {
        present = RApply(hasOwn, arr, [i]) as boolean;
      } catch {
        present = false;
      }
      if (!present) {
        items.push(null);
        continue;
      }
      const r = readProp(arr, i);
      items.push(r.ok ? walk(r.value, st, depth + 1) : encodeThrown(r.error, st, depth + 1));
    }
    const extra = walkEntries(arr, st, depth, true);
    return extra.length > 0 ? { t: 'array', items, extra } : { t: 'array', items };
  }
  if (isTypedArray(obj)) {
    const ctor = ctorNameOf(obj) ?? (typedTagGetter ? safeString(RApply(typedTagGetter, obj, [])) : 'TypedArray');
    const len = typedLengthGetter ? (RApply(typedLengthGetter, obj, []) as number) : 0;
    if (!countNodes(st, MathCeil(len / 16))) return overflowMarker();
    const parts: string[] = [];
    for (let i = 0; i < len; i++) {
      const x = (obj as unknown as ArrayLike<unknown>)[i];
      parts.push(typeof x === 'number' && x === 0 && OIs(x, -0) ? '-0' : safeString(x));
    }
    return { t: 'typed', ctor, v: parts.join(',') };
  }
  if (isArrayBuffer(obj) || isSharedArrayBuffer(obj)) {
    const len = abByteLengthGetter && isArrayBuffer(obj) ? (RApply(abByteLengthGetter, obj, []) as number) : (obj as ArrayBuffer).byteLength;
    if (!countNodes(st, MathCeil(len / 32))) return overflowMarker();
    return { t: 'typed', ctor: ctorNameOf(obj) ?? 'ArrayBuffer', v: bytesToHex(new Uint8ArrayCtor(obj as ArrayBuffer), len) };
  }
  if (isDataView(obj)) {
    const buf = DataViewBufferGetter ? (RApply(DataViewBufferGetter, obj, []) as ArrayBuffer) : (obj as DataView).buffer;
    const off = DataViewOffsetGetter ? (RApply(DataViewOffsetGetter, obj, []) as number) : 0;
    const len = DataViewLengthGetter ? (RApply(DataViewLengthGetter, obj, []) as number) : 0;
    if (!countNodes(st, MathCeil(len / 32))) return overflowMarker();
    return { t: 'typed', ctor: 'DataView', v: bytesToHex(new Uint8ArrayCtor(buf, off, len), len) };
  }
  if (isDate(obj)) {
    const time = RApply(DateGetTime, obj, []) as number;
    return { t: 'date', v: time !== time ? 'Invalid Date' : (RApply(DateToISO, obj, []) as string) };
  }
  if (isRegExp(obj)) {
    let s: string;
    try {
      s = RApply(RegExpToString, obj, []) as string;
    } catch {
      s = '/[unprintable]/';
    }
    return { t: 'regexp', v: s };
  }
  if (isMap(obj)) {
    const entries: [Encoded, Encoded][] = [];
    RApply(MapForEach, obj, [
      (value: unknown, key: unknown) => {
        entries.push([walk(key, st, depth + 1), walk(value, st, depth + 1)]);
      },
    ]);
    return { t: 'map', entries };
  }
  if (isSet(obj)) {
    const items: Encoded[] = [];
    RApply(SetForEach, obj, [
      (value: unknown) => {
        items.push(walk(value, st, depth + 1));
      },
    ]);
    return { t: 'set', items };
  }
  if (isPromise(obj)) return { t: 'promise' };
  if (isTimerHandle(obj)) return { t: 'object', ctor: ctorNameOf(obj) ?? 'Timeout', entries: [] };
  if (isNativeError(obj)) return encodeError(obj, st);
  const ctor = ctorNameOf(obj);
  const entries = walkEntries(obj, st, depth, false);
  if (isBoxedPrimitive(obj)) {
    let prim: unknown;
    try {
      if (isNumberObject(obj)) prim = RApply(NumberValueOf, obj, []);
      else if (isStringObject(obj)) prim = RApply(StringValueOf, obj, []);
      else if (isBooleanObject(obj)) prim = RApply(BooleanValueOf, obj, []);
      else if (isBigIntObject(obj)) prim = RApply(BigIntValueOf, obj, []);
      else if (isSymbolObject(obj)) prim = RApply(SymbolValueOf, obj, []);
    } catch {
      prim = undefined;
    }
    entries.unshift(['[[PrimitiveValue]]', walk(prim, st, depth + 1)]);
  }
  return { t: 'object', ctor, entries };
}

function previewOf(v: unknown): string {
  try {
    const s = inspectFn(v, { depth: 2, maxArrayLength: 8, maxStringLength: 80, breakLength: Infinity, customInspect: false, getters: false });
    return s.length > PREVIEW_CHARS ? s.slice(0, PREVIEW_CHARS) + '…' : s;
  } catch {
    return '[unprintable]';
  }
}

/** sha256 (hex) of a full canonical serialization of `v` (bounded at 1e6 nodes). */
export function canonicalHash(v: unknown): string {
  try {
    const st: WalkState = { nodes: 0, maxNodes: CANON_MAX_NODES, maxDepth: CANON_MAX_DEPTH, stack: [], full: true };
    return sha256Hex(JSONStringify(walk(v, st, 0)));
  } catch (e) {
    // Stack overflow on absurd nesting and the like: hash what can still be described.
    return sha256Hex('unhashable:' + safeString(e instanceof Error ? e.message : e) + ':' + previewOf(v));
  }
}

/** Encodes any value into the plain `Encoded` form. Never throws. */
export function encodeValue(v: unknown, opts?: EncodeOptions): Encoded {
  const maxNodes = opts?.maxNodes ?? DEFAULT_MAX_NODES;
  const maxDepth = opts?.maxDepth ?? DEFAULT_MAX_DEPTH;
  const st: WalkState = { nodes: 0, maxNodes, maxDepth, stack: [], full: false };
  try {
    return walk(v, st, 0);
  } catch (e) {
    if (e instanceof Overflow) return { t: 'truncated', hash: canonicalHash(v), preview: previewOf(v) };
    // Anything unexpected (stack overflow inside a trap, ...): still a value, never a throw.
    return { t: 'truncated', hash: canonicalHash(v), preview: '[unencodable: ' + safeString(e instanceof Error ? e.message : e).slice(0, 120) + ']' };
  }
}

/** sha256 (hex) over the encodings of `values`, in order. Equal checksums mean equal encodings. */
export function checksumOf(values: unknown[], opts?: EncodeOptions): string {
  const h = createHash('sha256');
  for (let i = 0; i < values.length; i++) {
    h.update(JSONStringify(encodeValue(values[i], opts)));
    h.update('\n');
  }
  return h.digest('hex');
}

/** sha256 (hex) over already encoded values, in order; `checksumOf(vs) === checksumOfEncoded(vs.map(encodeValue))`. */
export function checksumOfEncoded(values: Encoded[]): string {
  const h = createHash('sha256');
  for (let i = 0; i < values.length; i++) {
    h.update(JSONStringify(values[i]));
    h.update('\n');
  }
  return h.digest('hex');
}
