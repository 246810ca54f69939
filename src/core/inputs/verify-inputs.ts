/**
 * Verification inputs: adversarial values of every schema (edges, literals, unknown flavours,
 * objects that have and lack looked-up properties) combined into argument lists with pairwise
 * coverage of edge classes, related parameters and length boundaries.
 *
 * Enters: parameters (with schemas), a seed, optional literals. Leaves: argument lists (plain data).
 */
import { type Rng, createRng } from '../rng';
import type { FnMarkerKind } from '../sandbox/protocol';
import type { ParamInfo, PropertySchema, TypeSchema } from '../types';

import { type Literals, isEmptyLiterals } from './literals';
import { UNKNOWN, effectiveSchema, functionKind, functionMarker, inputsAreScalarOnly, isScalarSchema, newMarker, restElement, stripNullish } from './schemas';
import { STRING_EDGES, TYPED_RANGES, clone, dateEdges, defineOwn, hasStringLiterals, insertLiterals, keyOf, literalNumbers, literalStringEdges, lits, makeTyped, numberEdges, randomBigInt, randomNumber, randomString, setLiterals, structuredText, typedValue, word } from './values';

// ---------------------------------------------------------------------------------------------
// Verification values
// ---------------------------------------------------------------------------------------------

const MAX_DEPTH = 4;

function isOrdered(s: TypeSchema): boolean {
  const b = stripNullish(s);
  return b.kind === 'number' || b.kind === 'string' || b.kind === 'bigint';
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** A random value of the schema, adversarial in distribution (small domains, edge values mixed in). */
function randomValue(s: TypeSchema, rng: Rng, depth: number, fnKind: FnMarkerKind = 'identity'): unknown {
  switch (s.kind) {
    case 'number':
      return randomNumber(rng, !!s.integer);
    case 'string':
      return randomString(rng);
    case 'boolean':
      return rng.bool();
    case 'bigint':
      return randomBigInt(rng);
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'literal':
      return s.value;
    case 'function':
      return functionMarker(s, fnKind);
    case 'date':
      return rng.bool(0.05) ? new Date(NaN) : new Date(rng.int(0, 2.2e12));
    case 'typedArray': {
      const len = rng.int(0, 20);
      const r = TYPED_RANGES[s.name];
      return makeTyped(
        s.name,
        Array.from({ length: len }, () => (rng.bool(0.1) ? rng.pick(r.edges) : typedValue(s.name, rng))),
      );
    }
    case 'union':
      return randomValue(rng.pick(s.options), rng, depth, fnKind);
    case 'tuple':
      return s.elements.map((e) => randomValue(e, rng, depth + 1));
    case 'instance':
      return newMarker(s, depth >= MAX_DEPTH ? s.args.map(minimalValue) : s.args.map((e) => randomValue(e, rng, depth + 1)));
    case 'array': {
      if (depth >= MAX_DEPTH) return [];
      if (lits && lits.lengths.length > 0 && rng.bool(0.2)) return drawMany(s.element, Math.min(200, rng.pick(lits.lengths)), rng, depth + 1);
      const r = rng.next();
      const len = r < 0.4 ? rng.int(0, 5) : r < 0.85 ? rng.int(5, 20) : rng.int(20, 50);
      return drawMany(s.element, len, rng, depth + 1);
    }
    case 'set': {
      if (depth >= MAX_DEPTH) return new Set();
      return new Set(drawMany(s.element, rng.int(0, 10), rng, depth + 1));
    }
    case 'map': {
      if (depth >= MAX_DEPTH) return new Map();
      const keys = drawMany(s.key, rng.int(0, 10), rng, depth + 1);
      return new Map(keys.map((k) => [k, randomValue(s.value, rng, depth + 1)]));
    }
    case 'record': {
      const o: Record<string, unknown> = {};
      if (depth >= MAX_DEPTH) return o;
      const n = rng.int(0, 8);
      for (let i = 0; i < n; i++) {
        const looked = lits && lits.props.length > 0 && rng.bool(0.4) ? rng.pick(lits.props) : null;
        const key = looked ?? (rng.bool(0.1) ? rng.pick(['__proto__', 'constructor', '0', '10', '', 'a b']) : rng.bool(0.5) ? rng.pick(['a', 'b', 'c', 'd']) : word(rng, 1, 6));
        defineOwn(o, key, randomValue(s.value, rng, depth + 1));
      }
      return o;
    }
    case 'object':
      return randomObject(s.properties, rng, depth);
    case 'unknown':
      return randomUnknown(rng.pick(FLAVORS), rng, depth);
  }
}

/** `len` values; 40% of the time drawn from a small pool so duplicates are likely. */
function drawMany(el: TypeSchema, len: number, rng: Rng, depth: number): unknown[] {
  if (rng.bool(0.4)) {
    const pool = Array.from({ length: rng.int(1, 4) }, () => randomValue(el, rng, depth));
    return Array.from({ length: len }, () => clone(rng.pick(pool)));
  }
  return Array.from({ length: len }, () => randomValue(el, rng, depth));
}

function randomObject(props: readonly PropertySchema[], rng: Rng, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const p of props) {
    if (p.optional) {
      const r = rng.next();
      if (r < 0.2) continue;
      if (r < 0.3) {
        defineOwn(o, p.name, undefined);
        continue;
      }
    }
    defineOwn(o, p.name, depth >= MAX_DEPTH ? minimalValue(p.type) : randomValue(p.type, rng, depth + 1));
  }
  return o;
}

/** The simplest value of a schema (used below the depth limit). */
function minimalValue(s: TypeSchema): unknown {
  switch (s.kind) {
    case 'number':
      return 0;
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'bigint':
      return 0n;
    case 'null':
      return null;
    case 'undefined':
    case 'unknown':
      return undefined;
    case 'literal':
      return s.value;
    case 'function':
      return functionMarker(s, 'identity');
    case 'date':
      return new Date(0);
    case 'typedArray':
      return makeTyped(s.name, []);
    case 'union':
      return minimalValue(s.options[0] ?? UNKNOWN);
    case 'tuple':
      return s.elements.map(minimalValue);
    case 'instance':
      return newMarker(s, s.args.map(minimalValue));
    case 'array':
      return [];
    case 'set':
      return new Set();
    case 'map':
      return new Map();
    case 'record':
      return {};
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of s.properties) if (!p.optional) defineOwn(o, p.name, minimalValue(p.type));
      return o;
    }
  }
}

type Flavor = 'number' | 'string' | 'numArray' | 'strArray' | 'object' | 'nullish' | 'boolean';
const FLAVORS: readonly Flavor[] = ['number', 'number', 'string', 'string', 'numArray', 'numArray', 'strArray', 'object', 'nullish', 'boolean'];

/**
 * Sometimes (when the code has literals) one of them as the whole value of an untyped parameter:
 * `switch (op) { case '===': ... }` or `if (n === 3)` on a parameter without a type is reached
 * only by that exact value, and a row's shared flavor would rarely draw it. Null otherwise.
 */
function literalAlone(rng: Rng): unknown {
  if (!lits || !rng.bool(0.3)) return null;
  const numbers = lits.numbers;
  // Single characters are harvested apart from longer strings; a `case '>':` needs one alone.
  const strings = [...lits.strings, ...lits.chars.slice(0, 24)];
  if (strings.length === 0 && numbers.length === 0) return null;
  if (numbers.length === 0 || (strings.length > 0 && rng.bool(0.6))) return rng.pick(strings);
  return rng.pick(numbers);
}

function randomUnknown(f: Flavor, rng: Rng, depth: number): unknown {
  switch (f) {
    case 'number':
      return randomNumber(rng, rng.bool(0.6));
    case 'string':
      return randomString(rng);
    case 'numArray':
      return randomValue({ kind: 'array', element: { kind: 'number', integer: rng.bool(0.7) } }, rng, depth);
    case 'strArray':
      return randomValue({ kind: 'array', element: { kind: 'string' } }, rng, depth);
    case 'object': {
      const o: Record<string, unknown> = {};
      const n = rng.int(0, 5);
      for (let i = 0; i < n; i++) {
        const looked = lits && lits.props.length > 0 && rng.bool(0.5) ? rng.pick(lits.props) : null;
        defineOwn(o, looked ?? rng.pick(['a', 'b', 'id', 'name', 'value', word(rng, 1, 6)]), rng.bool() ? randomNumber(rng, true) : randomString(rng));
      }
      return o;
    }
    case 'nullish':
      return rng.bool() ? null : undefined;
    case 'boolean':
      return rng.bool();
  }
}

/** Objects that have each looked-up property (with a few kinds of value), and all of them together. */
function literalPropObjects(): unknown[] {
  if (!lits || lits.props.length === 0) return [];
  const props = lits.props.slice(0, 12);
  const values: unknown[] = [1, 'x', true, null, 0, '', [1]];
  const out: unknown[] = props.map((p, i) => {
    const o: Record<string, unknown> = {};
    defineOwn(o, p, values[i % values.length]);
    return o;
  });
  const all: Record<string, unknown> = {};
  props.forEach((p, i) => defineOwn(all, p, values[(i + 1) % values.length]));
  out.push(all);
  return out;
}

function unknownEdges(f: Flavor): unknown[] {
  switch (f) {
    case 'number':
      return numberEdges(false);
    case 'string':
      // The code's literals right after the simplest strings, as for a typed string.
      return [...STRING_EDGES.slice(0, 3), ...literalStringEdges(), ...STRING_EDGES.slice(3)];
    case 'numArray':
      return [[], [0], [1, 1], [3, 1, 2], [5, 4, 3, 2, 1], [NaN, 1, NaN], [0, -0], [1.5, -2, 1e21]];
    case 'strArray':
      return [[], [''], ['a', 'a'], ['b', 'a', 'c'], ['héllo', '日本', '👍🏽'], ['__proto__', 'constructor']];
    case 'object':
      return [{}, { a: 1 }, { a: 1, b: 'x' }, JSON.parse('{"__proto__": 1, "x": 2}') as unknown, { length: 2, 0: 'a', 1: 'b' }, ...literalPropObjects()];
    case 'nullish':
      return [null, undefined];
    case 'boolean':
      return [true, false];
  }
}

const UNKNOWN_FLAVOR_ORDER: readonly Flavor[] = ['number', 'string', 'numArray', 'strArray', 'object', 'nullish', 'boolean'];

/** Mixed edge values for `unknown` found inside another schema (e.g. `unknown[]`). */
function nestedUnknownEdges(): unknown[] {
  return [0, -0, -1, 1.5, NaN, Infinity, '', 'a', 'héllo', '__proto__', null, undefined, true, false, [], [1, 2], {}, { a: 1 }, 10n];
}

/** Edge values of a schema, freshly built (callers clone before reusing one). */
function edgeValues(s: TypeSchema, rng: Rng, depth: number, fnKind: FnMarkerKind = 'identity'): unknown[] {
  switch (s.kind) {
    case 'number':
      return numberEdges(!!s.integer);
    case 'string': {
      // Generated structured texts go near the front too (pairwise coverage favours the front).
      const texts = Array.from({ length: 6 }, () => structuredText(rng));
      // The code's own literals right after the simplest strings: they decide its branches.
      const literal = literalStringEdges();
      const mixed = hasStringLiterals() ? Array.from({ length: 6 }, () => insertLiterals(structuredText(rng), rng)) : [];
      return [...STRING_EDGES.slice(0, 3), texts[0], ...literal, ...mixed, ...STRING_EDGES.slice(3, 7), texts[1], ...STRING_EDGES.slice(7), ...texts.slice(2)];
    }
    case 'boolean':
      return [false, true];
    case 'bigint':
      return [0n, 1n, -1n, 2n, 10n, 2n ** 64n, -(2n ** 64n), 2n ** 63n - 1n, 12345678901234567890123n];
    case 'null':
      return [null];
    case 'undefined':
      return [undefined];
    case 'literal':
      return [s.value];
    case 'function':
      return [functionMarker(s, fnKind)];
    case 'unknown':
      return nestedUnknownEdges();
    case 'date':
      return dateEdges();
    case 'typedArray': {
      const r = TYPED_RANGES[s.name];
      return [
        makeTyped(s.name, []),
        makeTyped(s.name, [typedValue(s.name, rng)]),
        makeTyped(s.name, r.edges),
        makeTyped(s.name, Array.from({ length: 8 }, () => (r.big ? 0n : 0))),
        makeTyped(s.name, Array.from({ length: 16 }, () => typedValue(s.name, rng))),
      ];
    }
    case 'union': {
      const out: unknown[] = [];
      for (const o of s.options) out.push(...edgeValues(o, rng, depth, fnKind));
      return out;
    }
    case 'tuple': {
      if (s.elements.length === 0) return [[]];
      const lists = s.elements.map((e) => edgeValues(e, rng, depth + 1));
      const k = Math.min(30, Math.max(...lists.map((l) => l.length)));
      const out: unknown[] = [];
      for (let i = 0; i < k; i++) out.push(lists.map((l) => clone(l[i % l.length])));
      return out;
    }
    case 'instance': {
      // Constructor arguments at their edges, a few combinations (as for a tuple).
      const lists = s.args.map((e) => edgeValues(e, rng, depth + 1));
      const k = Math.min(8, Math.max(1, ...lists.map((l) => l.length)));
      const out: unknown[] = [newMarker(s, s.args.map(minimalValue))];
      for (let i = 0; i < k; i++) out.push(newMarker(s, lists.map((l) => clone(l[i % l.length]))));
      return out;
    }
    case 'array':
      return arrayEdges(s.element, rng, depth);
    case 'set': {
      if (depth >= MAX_DEPTH) return [new Set()];
      const a = randomValue(s.element, rng, depth + 1);
      const b = randomValue(s.element, rng, depth + 1);
      const ev = edgeValues(s.element, rng, depth + 1).slice(0, 50);
      const sortedSrc = isOrdered(s.element) ? drawMany(s.element, 8, rng, depth + 1).sort(compareValues) : [];
      return [
        new Set(),
        new Set([a]),
        new Set([clone(a), clone(a), b, clone(a)]),
        new Set(ev),
        new Set(sortedSrc),
        new Set(sortedSrc.slice().reverse()),
      ];
    }
    case 'map': {
      if (depth >= MAX_DEPTH) return [new Map()];
      const k1 = randomValue(s.key, rng, depth + 1);
      const k2 = randomValue(s.key, rng, depth + 1);
      const v = () => randomValue(s.value, rng, depth + 1);
      const keyEdges = edgeValues(s.key, rng, depth + 1).slice(0, 50);
      const valueEdges = edgeValues(s.value, rng, depth + 1).slice(0, 50);
      const entries = keyEdges.map((k): [unknown, unknown] => [k, v()]);
      return [
        new Map(),
        new Map([[k1, v()]]),
        // Duplicate keys in the source: the later value wins, the first position stays.
        new Map([[clone(k1), v()], [k2, v()], [clone(k1), v()]]),
        new Map(entries),
        new Map(entries.map(([k, x]) => [clone(k), clone(x)] as [unknown, unknown]).reverse()),
        new Map(valueEdges.map((x, i) => [i < keyEdges.length ? clone(keyEdges[i]) : randomValue(s.key, rng, depth + 1), x] as [unknown, unknown])),
      ];
    }
    case 'record': {
      const v = () => randomValue(s.value, rng, depth + 1);
      const mk = (keys: string[]): Record<string, unknown> => {
        const o: Record<string, unknown> = {};
        for (const k of keys) defineOwn(o, k, v());
        return o;
      };
      const valueEdges = depth >= MAX_DEPTH ? [] : edgeValues(s.value, rng, depth + 1).slice(0, 40);
      const withEdges: Record<string, unknown> = {};
      valueEdges.forEach((x, i) => defineOwn(withEdges, `k${i}`, x));
      return [
        {},
        mk(['a']),
        mk(['__proto__', 'constructor', 'toString', 'hasOwnProperty']),
        mk(['b', '10', '2', 'a', '0']),
        mk(['', 'a b', 'héllo', '日本']),
        mk(Array.from({ length: 20 }, (_, i) => `key${i}`)),
        withEdges,
      ];
    }
    case 'object':
      return objectEdges(s.properties, rng, depth);
  }
}

function arrayEdges(el: TypeSchema, rng: Rng, depth: number): unknown[] {
  if (depth >= MAX_DEPTH) return [[]];
  const r = () => randomValue(el, rng, depth + 1);
  const a = r();
  const ev = edgeValues(el, rng, depth + 1);
  const out: unknown[] = [[], [a], [clone(a), clone(a)], Array.from({ length: 5 }, () => clone(a)), ev.slice(0, 50).map(clone)];
  // Lengths the code compares with or indexes at.
  for (const len of (lits?.lengths ?? []).slice(0, 8)) if (len <= 200) out.push(Array.from({ length: len }, r));
  // One single-element array per edge value would crowd out the rest; a few, spread out.
  const step = Math.max(1, Math.ceil(ev.length / 6));
  for (let i = 0; i < ev.length; i += step) out.push([clone(ev[i])]);
  if (isOrdered(el)) {
    const src = Array.from({ length: 10 }, r).sort(compareValues);
    out.push(src, src.slice().reverse());
    out.push(Array.from({ length: 50 }, r).sort(compareValues));
  }
  const base = stripNullish(el);
  if (base.kind === 'number') {
    out.push([NaN, 1, NaN], [0, -0, 0], [3, -1, 2, -1, 3]);
    if (!base.integer) out.push([3, -1, Infinity, -Infinity, 2], [1.5, 0.5, -0.25, 1e-7]);
    out.push(Array.from({ length: 30 }, () => rng.int(0, 4)));
  }
  if (base.kind === 'string') out.push(['b', 'a', 'B', 'A', 'ä', '10', '9', ''], ['same', 'same', 'same']);
  if (base.kind === 'object') out.push(...sharedFieldArrays(base.properties, rng, depth + 1));
  out.push(drawMany(el, 50, rng, depth + 1));
  return out;
}

/** Values that equality and keying treat specially, for a property shared by several objects. */
function sharedFieldValues(s: TypeSchema): unknown[] {
  const b = stripNullish(s);
  switch (b.kind) {
    case 'number':
      return b.integer ? [-0, 0] : [NaN, -0];
    case 'string':
      return ['__proto__', '', 'constructor'];
    case 'bigint':
      return [0n];
    case 'union':
      return b.options.every((o) => o.kind === 'literal') ? b.options.map((o) => (o as { value: unknown }).value).slice(0, 3) : [];
    default:
      return [];
  }
}

/**
 * Arrays of 1–4 random objects that all share one property value that equality, hashing or
 * keying treats specially (NaN, -0, '__proto__', '', each literal of a union): dedupe, index
 * and group-by code meets duplicates of exactly those values.
 */
function sharedFieldArrays(props: readonly PropertySchema[], rng: Rng, depth: number): unknown[][] {
  const out: unknown[][] = [];
  for (const p of props.slice(0, 6)) {
    for (const v of sharedFieldValues(p.type)) {
      const len = rng.int(1, 4);
      const arr: unknown[] = [];
      for (let i = 0; i < len; i++) {
        const o = randomObject(props, rng, depth);
        defineOwn(o, p.name, v);
        arr.push(o);
      }
      out.push(arr);
    }
  }
  return out;
}

function objectEdges(props: readonly PropertySchema[], rng: Rng, depth: number): unknown[] {
  if (props.length === 0) return [{}];
  const required = () => {
    const o: Record<string, unknown> = {};
    for (const p of props) if (!p.optional) defineOwn(o, p.name, depth >= MAX_DEPTH ? minimalValue(p.type) : randomValue(p.type, rng, depth + 1));
    return o;
  };
  const out: unknown[] = [];
  out.push(required()); // every optional property missing
  const allPresent: Record<string, unknown> = {};
  for (const p of props) defineOwn(allPresent, p.name, depth >= MAX_DEPTH ? minimalValue(stripNullish(p.type)) : randomValue(stripNullish(p.type), rng, depth + 1));
  out.push(allPresent);
  if (props.some((p) => p.optional)) {
    const undef = required();
    for (const p of props) if (p.optional) defineOwn(undef, p.name, undefined);
    out.push(undef);
  }
  if (depth < MAX_DEPTH) {
    const lists = props.map((p) => edgeValues(p.type, rng, depth + 1));
    // Long enough that every number edge shows up in every numeric property.
    const k = Math.min(40, Math.max(...lists.map((l) => l.length)));
    for (let i = 0; i < k; i++) {
      const o: Record<string, unknown> = {};
      props.forEach((p, j) => {
        const l = lists[j] as unknown[];
        defineOwn(o, p.name, clone(l[(i + j) % l.length]));
      });
      out.push(o);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Argument lists for verification
// ---------------------------------------------------------------------------------------------

interface Plan {
  param: ParamInfo;
  schema: TypeSchema;
  /** Untyped with no name guess: drawn from the row's shared flavor. */
  mixed: boolean;
  fnKind: FnMarkerKind;
  /**
   * A top-level number: random draws stay moderate (a loop to n, `new Array(n)` or `'a'.repeat(n)`
   * would otherwise time out or exhaust memory on most random inputs); in all-scalar signatures
   * (fib(n), sumTo(n)) mostly small, since their running time may be exponential in n. The
   * large edge values are still covered once each.
   */
  scalar: 'magnitude' | 'moderate' | null;
}

function planOf(p: ParamInfo, scalarOnly: boolean): Plan {
  const schema = p.rest ? restElement(p) : effectiveSchema(p);
  const isNum = stripNullish(schema).kind === 'number';
  return { param: p, schema, mixed: schema.kind === 'unknown', fnKind: functionKind(p), scalar: isNum ? (scalarOnly ? 'magnitude' : 'moderate') : null };
}

function randomScalarNumber(rng: Rng, integer: boolean, mode: 'magnitude' | 'moderate'): number {
  if (lits && lits.numbers.length > 0 && rng.bool(0.25)) return rng.pick(literalNumbers(integer));
  const r = rng.next();
  if (mode === 'magnitude') {
    if (r < 0.7) return rng.int(0, 25);
    if (r < 0.85) return rng.int(-10, -1);
    if (r < 0.93 || integer) return rng.int(26, 35);
    return rng.int(0, 40) / 4;
  }
  if (r < 0.45) return rng.int(-10, 10);
  if (r < 0.7) return rng.int(0, 100);
  if (r < 0.9 || integer) return rng.int(-1000, 1000);
  return Math.round((rng.next() * 200 - 100) * 100) / 100;
}

export interface VerifyInputOptions {
  seed: number;
  /** Literals of the code under test (literals.ts): mixed into strings, numbers, lengths and keys. */
  literals?: Literals;
  /**
   * Argument lists wanted (default 120). Pairwise coverage of the parameters' edge values adds
   * up to two thirds more (at most 200 lists in all by default); more are returned only when
   * the edge values alone need them.
   */
  count?: number;
}

/** How many elements/characters a value holds (for keeping expensive edge values out of pairwise rows). */
function bulk(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Set || v instanceof Map) return v.size;
  if (ArrayBuffer.isView(v)) return (v as unknown as ArrayLike<unknown>).length;
  return 0;
}

/**
 * The edge indices of one parameter that take part in pairwise coverage: about `m` of them,
 * two thirds from the front of the (priority-ordered) edge list, the rest spread over the
 * remainder. Large collections are limited to two (an exponential original would time out on
 * every pairing), and huge or infinite top-level numbers are left out (a loop to n would);
 * each of those still appears once on the diagonal.
 */
function pairClasses(values: readonly unknown[], m: number, scalar: boolean): number[] {
  const eligible: number[] = [];
  let big = 0;
  values.forEach((v, i) => {
    if (scalar && typeof v === 'number' && (Math.abs(v) > 1000 || v === Infinity || v === -Infinity)) return;
    if (bulk(v) > 20) {
      if (big >= 2) return;
      big++;
    }
    eligible.push(i);
  });
  if (eligible.length <= m) return eligible;
  const head = Math.ceil((m * 2) / 3);
  const out = eligible.slice(0, head);
  const rest = eligible.slice(head);
  const step = rest.length / (m - head);
  for (let t = 0; t < m - head; t++) out.push(rest[Math.floor(t * step)] as number);
  return out;
}

/**
 * Rows (edge indices per parameter) that cover every pair of classes of two different
 * parameters, or as many as `budget` rows can: a greedy construction (AETG-like) seeded by an
 * uncovered pair, each further parameter taking the class that covers most new pairs.
 * `alreadyCovered` are rows laid out before (the diagonal).
 */
function pairwiseRows(classes: readonly number[][], alreadyCovered: readonly number[][], budget: number, rng: Rng): number[][] {
  const P = classes.length;
  if (P < 2 || budget <= 0) return [];
  const L = Math.max(1, ...classes.flatMap((c) => c)) + 1;
  const key = (i: number, a: number, j: number, b: number): number => (i < j ? ((i * P + j) * L + a) * L + b : ((j * P + i) * L + b) * L + a);
  const member = classes.map((c) => new Set(c));
  const covered = new Set<number>();
  const cover = (row: readonly number[]): void => {
    for (let i = 0; i < P; i++) {
      for (let j = i + 1; j < P; j++) {
        const a = row[i] as number;
        const b = row[j] as number;
        if (a >= 0 && b >= 0 && member[i]?.has(a) && member[j]?.has(b)) covered.add(key(i, a, j, b));
      }
    }
  };
  for (const r of alreadyCovered) cover(r);
  const uncovered: [number, number, number, number][] = [];
  for (let i = 0; i < P; i++) {
    for (let j = i + 1; j < P; j++) {
      for (const a of classes[i] as number[]) for (const b of classes[j] as number[]) if (!covered.has(key(i, a, j, b))) uncovered.push([i, a, j, b]);
    }
  }
  const rows: number[][] = [];
  let cursor = 0;
  const order = rng.shuffle(uncovered);
  while (rows.length < budget) {
    while (cursor < order.length && covered.has(key(...(order[cursor] as [number, number, number, number])))) cursor++;
    if (cursor >= order.length) break;
    const [i, a, j, b] = order[cursor] as [number, number, number, number];
    const row = new Array<number>(P).fill(-1);
    row[i] = a;
    row[j] = b;
    for (const q of rng.shuffle(Array.from({ length: P }, (_, x) => x))) {
      if (row[q] !== -1) continue;
      const cs = classes[q] as number[];
      let best = cs[0] ?? 0;
      let bestGain = -1;
      const start = rng.int(0, Math.max(0, cs.length - 1));
      for (let t = 0; t < cs.length; t++) {
        const c = cs[(start + t) % cs.length] as number;
        let gain = 0;
        for (let o = 0; o < P; o++) if (o !== q && (row[o] as number) >= 0 && !covered.has(key(q, c, o, row[o] as number))) gain++;
        if (gain > bestGain) {
          bestGain = gain;
          best = c;
        }
      }
      row[q] = best;
    }
    cover(row);
    rows.push(row);
  }
  return rows;
}

/**
 * Adversarial argument lists for differential testing, in three parts:
 * - the diagonal: every edge value of every parameter appears at least once (edge lists laid
 *   out side by side);
 * - pairwise rows: for every two parameters, every combination of their leading edge classes
 *   (empty/single/duplicates/NaN/-0/structured text/...) appears together in some row, as far
 *   as a budget allows (a greedy covering array, not a product);
 * - random rows, in which related parameters are tied together: a target drawn from the
 *   array, a substring of the other string, and integers around the lengths in the row (0, 1,
 *   a token's or line's length ± 1, the string's or array's length ± 1), which is where
 *   width/limit/index/count parameters have their boundaries.
 * Trailing optional parameters are sometimes omitted; rest parameters get 0–3 values.
 * Duplicate argument lists are dropped. By default at most about 200 lists.
 */
export function generateVerifyInputs(params: readonly ParamInfo[], opts: VerifyInputOptions): unknown[][] {
  const previous = setLiterals(opts.literals && !isEmptyLiterals(opts.literals) ? opts.literals : null);
  try {
    return generateVerifyRows(params, opts);
  } finally {
    setLiterals(previous);
  }
}

function generateVerifyRows(params: readonly ParamInfo[], opts: VerifyInputOptions): unknown[][] {
  const count = Math.max(1, Math.floor(opts.count ?? 120));
  const cap = Math.round((count * 5) / 3);
  const minRandom = Math.ceil(count / 2);
  const rng = createRng(opts.seed);
  if (params.length === 0) return [[]];
  const plans = params.map((p) => planOf(p, inputsAreScalarOnly(params)));

  const rows: unknown[][] = [];
  const seen = new Set<string>();
  const add = (row: unknown[]): void => {
    const k = `${row.length}|${keyOf(row)}`;
    if (seen.has(k)) return;
    seen.add(k);
    rows.push(row);
  };

  // Edge lists per parameter; untyped parameters without a guess share one flavor per row.
  const mixedIdx = plans.map((p, i) => (p.mixed ? i : -1)).filter((i) => i >= 0);
  const flavorEdges = new Map(UNKNOWN_FLAVOR_ORDER.map((f) => [f, unknownEdges(f)]));
  const flatUnknown: [Flavor, number][] = [];
  for (const f of UNKNOWN_FLAVOR_ORDER) (flavorEdges.get(f) as unknown[]).forEach((_, i) => flatUnknown.push([f, i]));
  const edgeLists = plans.map((p) => (p.mixed ? [] : edgeValues(p.schema, rng, 0, p.fnKind)));
  const lengths = plans.map((p, i) => (p.mixed ? flatUnknown.length : (edgeLists[i] as unknown[]).length));
  const K = Math.max(1, ...lengths);

  const edgeArg = (i: number, k: number): unknown => {
    const plan = plans[i] as Plan;
    if (plan.mixed) {
      const [f, idx] = flatUnknown[k % flatUnknown.length] as [Flavor, number];
      const list = flavorEdges.get(f) as unknown[];
      const j = mixedIdx.indexOf(i);
      return clone(list[(idx + j) % list.length]);
    }
    const list = edgeLists[i] as unknown[];
    return clone(list[k % list.length]);
  };
  // A length-like integer next to a string or collection also gets virtual edge classes (indices
  // past its edge list): a boundary of another argument of the same row (see boundaryValue), so
  // that pairwise coverage pairs every edge string/array with a width/limit/index at its boundaries.
  const hasCollection = plans.some((p) => !p.scalar && !isScalarSchema(p.schema));
  const boundaryClasses = plans.map((p) => (hasCollection && p.scalar && !p.param.rest && planIsLengthish(p) ? BOUNDARIES.length : 0));
  const edgeRow = (ks: readonly number[], variant: number): unknown[] => {
    const slots: unknown[][] = [];
    const late: number[] = [];
    plans.forEach((p, i) => {
      const k = ks[i] as number;
      if (k >= (lengths[i] as number)) {
        late.push(i);
        slots.push([]);
        return;
      }
      const v = edgeArg(i, k);
      // A rest parameter: the edge value plus 0–2 random ones (an empty rest list comes up in the random rows).
      slots.push(p.param.rest ? [v, ...Array.from({ length: variant % 3 }, () => randomValue(p.schema, rng, 0, p.fnKind))] : [v]);
    });
    for (const i of late) {
      const others = slots.filter((s, j) => j !== i && s.length === 1 && isCollectionValue(s[0])).map((s) => s[0]);
      const kind = BOUNDARIES[(ks[i] as number) - (lengths[i] as number)] ?? 'any';
      slots[i] = [others.length > 0 ? boundaryValue(rng.pick(others), rng, kind) : 0];
    }
    return slots.flat(1);
  };

  // Once a shorter edge list wraps around, a huge or infinite scalar is not repeated (each
  // repeat could cost a per-call timeout in a loop to n); a moderate edge stands in.
  const moderate = plans.map((p, i) =>
    p.scalar && !p.mixed ? (edgeLists[i] as unknown[]).flatMap((v, j) => (typeof v === 'number' && (Math.abs(v) > 1000 || v === Infinity || v === -Infinity) ? [] : [j])) : null,
  );
  const diagonal = Array.from({ length: K }, (_, k) =>
    lengths.map((len, i) => {
      const at = k % len;
      const ok = moderate[i];
      return k < len || !ok || ok.length === 0 || ok.includes(at) ? at : (ok[k % ok.length] as number);
    }),
  );
  diagonal.forEach((ks, k) => add(edgeRow(ks, k)));

  const pairBudget = Math.max(0, cap - K - minRandom);
  if (plans.length > 1 && pairBudget > 0) {
    const edgeValuesOf = (i: number): readonly unknown[] => {
      if (!(plans[i] as Plan).mixed) return edgeLists[i] as unknown[];
      const j = mixedIdx.indexOf(i);
      return flatUnknown.map(([f, idx]) => {
        const list = flavorEdges.get(f) as unknown[];
        return list[(idx + j) % list.length];
      });
    };
    const values = plans.map((_, i) => edgeValuesOf(i));
    // The most classes per parameter such that the largest pair product fits the budget.
    const classesFor = (m: number): number[][] =>
      plans.map((p, i) => [
        ...pairClasses(values[i] as unknown[], m, p.scalar !== null),
        ...Array.from({ length: boundaryClasses[i] ?? 0 }, (_, t) => (lengths[i] as number) + t),
      ]);
    let m = 2;
    for (let t = 3; t <= K; t++) {
      const cs = classesFor(t).map((c) => c.length).sort((a, b) => b - a);
      if ((cs[0] ?? 1) * (cs[1] ?? 1) > pairBudget) break;
      m = t;
    }
    const pairs = pairwiseRows(classesFor(m), diagonal, pairBudget, rng);
    pairs.forEach((ks, k) => add(edgeRow(ks, k)));
  }

  // Where trailing optional parameters start (they can be omitted together).
  let firstOmittable = params.length;
  for (let i = params.length - 1; i >= 0; i--) {
    const p = params[i] as ParamInfo;
    if (p.optional || p.rest) firstOmittable = i;
    else break;
  }

  const total = Math.max(count, rows.length + minRandom);
  let attempts = 0;
  let first = true;
  while (rows.length < total && attempts < total * 6) {
    attempts++;
    const row = randomRow(plans, rng);
    if (firstOmittable < params.length && (first || rng.bool(0.15))) {
      const cutAt = first ? firstOmittable : rng.int(firstOmittable, params.length - 1);
      // Only the last parameter can be a rest parameter, so positions before it are 1:1.
      row.length = Math.min(row.length, cutAt);
    }
    first = false;
    add(row);
  }
  return rows;
}

/** Names of numbers that usually count, measure or index something (widths, limits, positions). */
const LENGTHISH_NAMES = /^(n|k|m|i|j)$|count|size|len|length|limit|index|idx|width|height|max|min|cap|chunk|page|pos|offset|start|end|cols?$|columns|rows|num|depth|times|take|skip|step|indent|pad|places|precision|digits|at$|from|to$/i;

function planIsLengthish(plan: Plan): boolean {
  const b = stripNullish(plan.schema);
  return b.kind === 'number' && (!!b.integer || LENGTHISH_NAMES.test(plan.param.name));
}

/** Kinds of boundaries a length-like integer is drawn around (see boundaryValue). */
type Boundary = 'column' | 'token' | 'length' | 'any';
const BOUNDARIES: readonly Boundary[] = ['column', 'token', 'length'];

/**
 * An integer at a boundary of a string or collection, ± 1. For a string: 'column' is where a
 * token ends within its line (the width at which the next word just fits, or just doesn't),
 * 'token' a token's or the longest token's length, 'length' the length of a line or of the
 * whole text, or 0/1. For a collection: 0, 1, -1, its length ± 1 or half of it.
 */
function boundaryValue(src: unknown, rng: Rng, kind: Boundary = 'any'): number {
  const near = (x: number): number => x + rng.int(-1, 1);
  if (typeof src !== 'string') {
    const L = bulk(src);
    return rng.pick([0, 1, -1, L - 1, L, L + 1, Math.floor(L / 2), L - 1, L, L + 1]);
  }
  const k = kind !== 'any' ? kind : rng.pick<Boundary>(['column', 'column', 'token', 'length']);
  const lines = src.split(/\r?\n/);
  const line = rng.pick(lines);
  if (k === 'column') {
    const ends: number[] = [];
    const re = /[^\s,;.-]+/g;
    for (let mt = re.exec(line); mt; mt = re.exec(line)) ends.push(mt.index + mt[0].length);
    if (ends.length > 0) return near(rng.pick(ends));
  }
  if (k === 'column' || k === 'token') {
    const tokens = src.split(/[\s,;.-]+/).filter((t) => t.length > 0);
    if (tokens.length > 0) return near(rng.bool(0.7) ? rng.pick(tokens).length : Math.max(...tokens.map((x) => x.length)));
  }
  const r = rng.next();
  if (r < 0.4) return near(line.length);
  if (r < 0.8) return near(src.length);
  return rng.int(0, 1);
}

function isCollectionValue(v: unknown): boolean {
  return typeof v === 'string' || Array.isArray(v) || v instanceof Set || v instanceof Map || ArrayBuffer.isView(v);
}

/**
 * One random argument list. Scalar numbers are drawn last, so that they can be tied to any
 * string or collection of the row, before or after them.
 */
function randomRow(plans: readonly Plan[], rng: Rng): unknown[] {
  const flavor = rng.pick(FLAVORS);
  const values: unknown[] = new Array<unknown>(plans.length);
  const slots: unknown[][] = plans.map(() => []);
  const scalarLater: number[] = [];
  plans.forEach((plan, i) => {
    let v: unknown;
    if (plan.mixed) v = literalAlone(rng) ?? randomUnknown(rng.bool(0.9) ? flavor : rng.pick(FLAVORS), rng, 0);
    else if (plan.param.rest) {
      const n = rng.int(0, 3);
      const vs = Array.from({ length: n }, () => randomValue(plan.schema, rng, 0, plan.fnKind));
      slots[i] = vs;
      values[i] = vs;
      return;
    } else if (plan.scalar && (plan.schema.kind === 'number' || rng.bool(0.7))) {
      scalarLater.push(i);
      return;
    } else {
      v = rng.bool(0.1) ? clone(rng.pick(edgeValues(plan.schema, rng, 0, plan.fnKind))) : randomValue(plan.schema, rng, 0, plan.fnKind);
      v = relate(plan.schema, v, values.slice(0, i), rng);
    }
    values[i] = v;
    slots[i] = [v];
  });
  for (const i of scalarLater) {
    const plan = plans[i] as Plan;
    const base = stripNullish(plan.schema);
    const integer = base.kind === 'number' && !!base.integer;
    let v: unknown = randomScalarNumber(rng, integer, plan.scalar ?? 'moderate');
    const others = values.filter((x, j) => j !== i && isCollectionValue(x));
    if (others.length > 0) {
      const src = rng.pick(others);
      if (Array.isArray(src) && src.length > 0 && rng.bool(0.3)) {
        const el: unknown = rng.pick(src);
        if (typeof el === 'number' && (!integer || Number.isInteger(el))) v = el;
      } else if (rng.bool(planIsLengthish(plan) ? 0.6 : 0.2)) v = boundaryValue(src, rng);
    }
    values[i] = v;
    slots[i] = [v];
  }
  return slots.flat(1);
}

/** Ties a string argument to an earlier string or array argument now and then (a substring, an element). */
function relate(schema: TypeSchema, v: unknown, earlier: readonly unknown[], rng: Rng): unknown {
  const base = stripNullish(schema);
  const sources = earlier.filter((x) => x !== undefined);
  if (sources.length === 0 || base.kind !== 'string') return v;
  const src = rng.pick(sources);
  if (typeof src === 'string' && src.length > 0 && rng.bool(0.3)) {
    const a = rng.int(0, src.length - 1);
    return src.slice(a, rng.int(a, src.length));
  }
  if (Array.isArray(src) && src.length > 0 && rng.bool(0.3)) {
    const el: unknown = rng.pick(src);
    if (typeof el === 'string') return el;
  }
  return v;
}
