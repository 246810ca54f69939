/**
 * Input generation from parameter schemas: adversarial argument lists for verification and
 * realistic, size-controlled argument lists for benchmarking.
 *
 * Every value is plain data that survives v8.serialize: a parameter of function type becomes
 * `{ [FN_MARKER]: kind }` (see sandbox/protocol.ts), which the runner replaces with a pure
 * function. Generation is deterministic for a seed. Argument lists never share objects with
 * each other (each value is built or cloned for its own list), since mutation by one call
 * must not leak into another input.
 *
 * Values respect the declared types: a `number[]` never contains holes or strings, because a
 * counterexample on an input the caller can never pass would not be believable. Untyped
 * (`unknown`) parameters get a varied mix, biased by what the parameter's name suggests.
 */
import { FN_MARKER, type FnMarkerKind } from './sandbox/protocol';
import { createRng, type Rng } from './rng';
import type { ParamInfo, PropertySchema, TypedArrayName, TypeSchema } from './types';

// ---------------------------------------------------------------------------------------------
// Schema helpers
// ---------------------------------------------------------------------------------------------

const INT_NAMES = /^(n|k|i|j|m|count|size|len|length|limit|index|idx|steps|depth|times|digits|num|number|rows|cols|width|height|places|precision|amount)$/i;
const NUM_NAMES = /^(x|y|z|max|min|lo|hi|low|high|start|end|from|to|base|exp|exponent|power|rate|ratio|threshold|total|factor|step|radius|celsius|fahrenheit)$/i;
const NUM_ARRAY_NAMES = /^(arr|array|list|items|nums|numbers|values|vals|xs|ys|data|elements|scores|prices|ints|integers|weights|costs|heights|a?rr\d?|nums\d|list\d|arr[A-Z]\w*)$/;
const STR_ARRAY_NAMES = /^(words|strings|strs|names|lines|tokens|keys|labels|tags|ids)$/i;
const STR_NAMES = /^(s|s\d|str|str\d|string|text|word|name|line|input|sentence|prefix|suffix|pattern|needle|haystack|sub|substr|substring|char|ch|sep|separator|delimiter|delim|email|url|path|query|source|src|html|csv|json|message|msg|title|s1|s2|t)$/i;
const FN_NAMES = /^(fn|func|f|callback|cb|compare|comparator|cmp|compareFn|predicate|pred|test|mapper|mapFn|reducer|iteratee|keyFn|getKey|keyOf|selector|by)$/i;
const OBJ_NAMES = /^(obj|object|dict|record|counts|freq|frequencies|lookup|table|hash)$/i;

const UNKNOWN: TypeSchema = { kind: 'unknown' };

/** What an untyped parameter's name suggests it holds, if anything. */
export function guessSchemaFromName(name: string): TypeSchema | null {
  if (INT_NAMES.test(name)) return { kind: 'number', integer: true };
  if (NUM_NAMES.test(name)) return { kind: 'number' };
  if (NUM_ARRAY_NAMES.test(name)) return { kind: 'array', element: { kind: 'number' } };
  if (STR_ARRAY_NAMES.test(name)) return { kind: 'array', element: { kind: 'string' } };
  if (STR_NAMES.test(name)) return { kind: 'string' };
  if (FN_NAMES.test(name)) return { kind: 'function' };
  if (OBJ_NAMES.test(name)) return { kind: 'record', value: { kind: 'number', integer: true } };
  return null;
}

/** The schema a parameter is generated from: its type, or a name-based guess for untyped parameters. */
function effectiveSchema(p: ParamInfo): TypeSchema {
  if (p.type.kind === 'unknown') return guessSchemaFromName(p.name) ?? UNKNOWN;
  return p.type;
}

/** The schema of one value of a rest parameter (`...xs: T[]` is described as T[]). */
function restElement(p: ParamInfo): TypeSchema {
  const s = effectiveSchema(p);
  if (s.kind === 'array') return s.element;
  if (s.kind === 'unknown') return guessSchemaFromName(p.name.replace(/s$/, '')) ?? UNKNOWN;
  return s;
}

/** The schema without null/undefined options (what an optional parameter is "really"). */
function stripNullish(s: TypeSchema): TypeSchema {
  if (s.kind !== 'union') return s;
  const opts = s.options.filter((o) => o.kind !== 'null' && o.kind !== 'undefined');
  if (opts.length === 0) return s;
  if (opts.length === 1) return opts[0] as TypeSchema;
  return { kind: 'union', options: opts };
}

function isScalarSchema(s: TypeSchema): boolean {
  switch (s.kind) {
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'literal':
    case 'null':
    case 'undefined':
    case 'function':
      return true;
    case 'union':
      return s.options.every(isScalarSchema);
    default:
      return false;
  }
}

function isMagnitudeSchema(s: TypeSchema): boolean {
  const b = stripNullish(s);
  return b.kind === 'number' || b.kind === 'bigint';
}

/**
 * True when no parameter is a collection or a string: every parameter is a number, bigint,
 * boolean, literal, null/undefined or callback (untyped parameters count by their name guess).
 * Then the benchmark size is the magnitude of the first numeric argument.
 */
export function inputsAreScalarOnly(params: readonly ParamInfo[]): boolean {
  return params.every((p) => !p.rest && isScalarSchema(effectiveSchema(p)));
}

// ---------------------------------------------------------------------------------------------
// Function markers
// ---------------------------------------------------------------------------------------------

function arrowArity(text: string): number | null {
  const m = /^\s*(?:<[^>]*>\s*)?\(([^()]*)\)\s*=>/.exec(text);
  if (!m) return null;
  const inner = (m[1] ?? '').trim();
  return inner === '' ? 0 : inner.split(',').length;
}

/** Which pure function stands in for a callback parameter, from its type text and name. */
export function functionKind(p: Pick<ParamInfo, 'name' | 'typeText'>): FnMarkerKind {
  const text = (p.typeText ?? '').replace(/\s+/g, ' ');
  const name = p.name;
  const ret = /=>\s*([A-Za-z_$][\w$]*|\{|\[)?[^=>]*$/.exec(text)?.[1] ?? '';
  const arity = arrowArity(text);
  const paramNames = /^\s*(?:<[^>]*>\s*)?\(([^()]*)\)/.exec(text)?.[1] ?? '';
  if (/^(compare|comparator|cmp|compareFn|sorter|order)/i.test(name)) return 'compare';
  if (/^(pred|predicate|test|filter|is[A-Z]|where|matches|should)/.test(name)) return 'predicate';
  if (/^(reducer|reduce|combine|accumulate|fold|merge)/i.test(name)) return 'sum';
  if (/^(key|keyFn|getKey|keyOf|keySelector|by|groupBy|hash|selector)/i.test(name)) return 'key';
  if (ret === 'boolean') return 'predicate';
  if (/\b(acc|accumulator|prev|previous|total|sum|memo|carry)\b/i.test(paramNames)) return 'sum';
  if (ret === 'number' && arity === 2) return 'compare';
  if (ret === 'string' || ret === 'PropertyKey' || ret === 'number') return 'key';
  if (text === '' && /^(fn|f|func|callback|cb|mapper|mapFn|iteratee)$/i.test(name)) return 'identity';
  return 'identity';
}

function marker(kind: FnMarkerKind): Record<string, FnMarkerKind> {
  return { [FN_MARKER]: kind };
}

// ---------------------------------------------------------------------------------------------
// Cloning and keys (plain data only)
// ---------------------------------------------------------------------------------------------

/** An own enumerable data property, even for keys like '__proto__'. */
function defineOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  // Assignment is much faster; only '__proto__' would hit an inherited setter instead.
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

function clone(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(clone);
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [clone(k), clone(x)]));
  if (v instanceof Set) return new Set([...v].map(clone));
  if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice();
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) defineOwn(out, k, clone((v as Record<string, unknown>)[k]));
  return out;
}

/**
 * A canonical text of a value, for de-duplicating argument lists (-0, NaN, bigint, Map, ...
 * distinct). `budget` bounds the work on huge values: past it the text covers only a prefix of
 * the value, which is enough to tell random benchmark inputs apart.
 */
function keyOf(v: unknown, budget: { left: number } = { left: Infinity }): string {
  if (budget.left-- <= 0) return '…';
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? 'n-0' : `n${v}`;
    case 'string':
      return `s${JSON.stringify(v.length > 256 && budget.left < Infinity ? v.slice(0, 256) + v.length : v)}`;
    case 'bigint':
      return `b${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'undefined':
      return 'u';
    case 'object':
      break;
    default:
      return `?${String(v)}`;
  }
  if (v === null) return 'N';
  const parts: string[] = [];
  const each = (xs: Iterable<unknown>, f: (x: unknown) => string): string => {
    for (const x of xs) {
      if (budget.left <= 0) {
        parts.push('…');
        break;
      }
      parts.push(f(x));
    }
    return parts.join(',');
  };
  if (Array.isArray(v)) return `[${each(v, (x) => keyOf(x, budget))}]`;
  if (v instanceof Date) return `D${v.getTime()}`;
  if (v instanceof Map) return `M${v.size}{${each(v, (e) => { const [k, x] = e as [unknown, unknown]; return `${keyOf(k, budget)}=>${keyOf(x, budget)}`; })}}`;
  if (v instanceof Set) return `S${v.size}{${each(v, (x) => keyOf(x, budget))}}`;
  if (ArrayBuffer.isView(v)) {
    return `${(v as object).constructor.name}(${each(Array.from(v as unknown as ArrayLike<number | bigint>), (x) => keyOf(x, budget))})`;
  }
  return `{${each(Object.keys(v), (k) => `${JSON.stringify(k)}:${keyOf((v as Record<string, unknown>)[k as string], budget)}`)}}`;
}

// ---------------------------------------------------------------------------------------------
// Primitive pools
// ---------------------------------------------------------------------------------------------

const CONSONANTS: readonly string[] = [...'bcdfghjklmnprstvwz'];
const VOWELS: readonly string[] = [...'aeiou'];

function word(rng: Rng, min = 3, max = 12): string {
  const len = rng.int(min, max);
  let s = '';
  for (let i = 0; i < len; i++) s += i % 2 === 0 ? rng.pick(CONSONANTS) : rng.pick(VOWELS);
  return s;
}

function numberEdges(integer: boolean): number[] {
  const common = [0, -0, 1, -1, 2, 3, 7, 10, -42, 100, 255, 256, 1023, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53 + 2];
  if (integer) return common;
  return [
    ...common,
    0.5,
    -2.75,
    1e-7,
    0.1 + 0.2,
    123456.789,
    1e21,
    -1e21,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.EPSILON,
    NaN,
    Infinity,
    -Infinity,
  ];
}

const STRING_EDGES: readonly string[] = [
  '',
  'a',
  'Z',
  ' ',
  'a'.repeat(100),
  'héllo',
  '日本語',
  '👍🏽',
  'e\u0301',
  'ab\u0000c',
  '\uD83D',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  ' \t\n',
  '  padded  ',
  '42',
  '-3.5',
  '0',
  '1e3',
  'NaN',
  'null',
  'Hello, World!',
  'aAbBcC',
  'racecar',
  'abcabcabc',
  'a,b,,c',
  'line1\nline2',
];

function randomString(rng: Rng): string {
  const r = rng.next();
  if (r < 0.3) return word(rng, 1, 10);
  if (r < 0.55) {
    // A small alphabet makes repeats, palindromes and substring matches likely.
    const len = rng.int(0, 12);
    let s = '';
    for (let i = 0; i < len; i++) s += rng.pick(['a', 'b', 'a', 'b', 'c']);
    return s;
  }
  if (r < 0.75) {
    const len = rng.int(0, 16);
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(rng.int(32, 126));
    return s;
  }
  if (r < 0.85) {
    const parts = ['é', 'ß', 'ü', '日', '本', '👍', '🏽', '👨‍👩‍👧', 'a', ' ', 'İ', 'ﬀ'];
    const len = rng.int(1, 6);
    let s = '';
    for (let i = 0; i < len; i++) s += rng.pick(parts);
    return s;
  }
  if (r < 0.93) return `${word(rng, 2, 6)} ${word(rng, 2, 8)}${rng.bool() ? ` ${word(rng, 1, 5)}` : ''}`;
  return rng.pick(STRING_EDGES);
}

function randomNumber(rng: Rng, integer: boolean): number {
  const r = rng.next();
  if (r < 0.4) return rng.int(-10, 10);
  if (r < 0.6) return rng.int(0, 100);
  if (r < 0.75) return rng.int(-1000, 1000);
  if (r < 0.82) return rng.int(-1e9, 1e9);
  if (!integer && r < 0.95) return Math.round((rng.next() * 200 - 100) * 100) / 100;
  return rng.pick(numberEdges(integer));
}

function randomBigInt(rng: Rng): bigint {
  const r = rng.next();
  if (r < 0.7) return BigInt(rng.int(-1000, 1000));
  if (r < 0.9) return BigInt(rng.int(-1e9, 1e9)) * BigInt(rng.int(1, 1e9));
  return rng.pick([0n, 1n, -1n, 2n ** 64n, -(2n ** 63n)]);
}

function dateEdges(): Date[] {
  return [
    new Date(0),
    new Date(-1),
    new Date(Date.UTC(2020, 0, 1)),
    new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999)),
    new Date(Date.UTC(1969, 11, 31, 23, 59, 59)),
    new Date(-62198755200000),
    new Date(8.64e15),
    new Date(-8.64e15),
    new Date(NaN),
  ];
}

const TYPED_RANGES: Record<TypedArrayName, { edges: (number | bigint)[]; lo: number; hi: number; big?: boolean; float?: boolean }> = {
  Int8Array: { edges: [-128, 127, 0, -1, 1], lo: -128, hi: 127 },
  Uint8Array: { edges: [0, 255, 1, 128], lo: 0, hi: 255 },
  Uint8ClampedArray: { edges: [0, 255, 1, 128], lo: 0, hi: 255 },
  Int16Array: { edges: [-32768, 32767, 0, -1], lo: -32768, hi: 32767 },
  Uint16Array: { edges: [0, 65535, 1], lo: 0, hi: 65535 },
  Int32Array: { edges: [-(2 ** 31), 2 ** 31 - 1, 0, -1], lo: -1e6, hi: 1e6 },
  Uint32Array: { edges: [0, 2 ** 32 - 1, 1], lo: 0, hi: 1e6 },
  Float32Array: { edges: [0, -0, NaN, Infinity, -Infinity, 0.1, 1e-45, 3.4e38], lo: -1000, hi: 1000, float: true },
  Float64Array: { edges: [0, -0, NaN, Infinity, -Infinity, 0.1, Number.MIN_VALUE, Number.MAX_VALUE], lo: -1000, hi: 1000, float: true },
  BigInt64Array: { edges: [0n, -1n, 1n, -(2n ** 63n), 2n ** 63n - 1n], lo: -1e6, hi: 1e6, big: true },
  BigUint64Array: { edges: [0n, 1n, 2n ** 64n - 1n], lo: 0, hi: 1e6, big: true },
};

function makeTyped(name: TypedArrayName, values: (number | bigint)[]): unknown {
  const Ctor = (globalThis as unknown as Record<string, new (src: (number | bigint)[]) => unknown>)[name];
  if (!Ctor) return values;
  return new Ctor(values);
}

function typedValue(name: TypedArrayName, rng: Rng, lo?: number, hi?: number): number | bigint {
  const r = TYPED_RANGES[name];
  const l = lo ?? r.lo;
  const h = hi ?? r.hi;
  if (r.big) return BigInt(rng.int(l, h));
  if (r.float) return Math.round((l + rng.next() * (h - l)) * 1000) / 1000;
  return rng.int(Math.max(l, r.lo), Math.min(h, r.hi));
}

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
      return marker(fnKind);
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
    case 'array': {
      if (depth >= MAX_DEPTH) return [];
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
        const key = rng.bool(0.1) ? rng.pick(['__proto__', 'constructor', '0', '10', '', 'a b']) : rng.bool(0.5) ? rng.pick(['a', 'b', 'c', 'd']) : word(rng, 1, 6);
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
      return marker('identity');
    case 'date':
      return new Date(0);
    case 'typedArray':
      return makeTyped(s.name, []);
    case 'union':
      return minimalValue(s.options[0] ?? UNKNOWN);
    case 'tuple':
      return s.elements.map(minimalValue);
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
        defineOwn(o, rng.pick(['a', 'b', 'id', 'name', 'value', word(rng, 1, 6)]), rng.bool() ? randomNumber(rng, true) : randomString(rng));
      }
      return o;
    }
    case 'nullish':
      return rng.bool() ? null : undefined;
    case 'boolean':
      return rng.bool();
  }
}

function unknownEdges(f: Flavor): unknown[] {
  switch (f) {
    case 'number':
      return numberEdges(false);
    case 'string':
      return STRING_EDGES.slice();
    case 'numArray':
      return [[], [0], [1, 1], [3, 1, 2], [5, 4, 3, 2, 1], [NaN, 1, NaN], [0, -0], [1.5, -2, 1e21]];
    case 'strArray':
      return [[], [''], ['a', 'a'], ['b', 'a', 'c'], ['héllo', '日本', '👍🏽'], ['__proto__', 'constructor']];
    case 'object':
      return [{}, { a: 1 }, { a: 1, b: 'x' }, JSON.parse('{"__proto__": 1, "x": 2}') as unknown, { length: 2, 0: 'a', 1: 'b' }];
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
    case 'string':
      return STRING_EDGES.slice();
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
      return [marker(fnKind)];
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
  out.push(drawMany(el, 50, rng, depth + 1));
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
    const k = Math.min(30, Math.max(...lists.map((l) => l.length)));
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
  /** Argument lists wanted (default 120). More are returned when edge coverage needs them. */
  count?: number;
}

/**
 * Adversarial argument lists for differential testing. Every edge value of every parameter
 * appears at least once (edge lists are laid out diagonally across parameters, then once more
 * in a shuffled pairing when room allows), the rest are random combinations in which related
 * parameters are sometimes tied together (a target drawn from the array, an index within its
 * length, a substring of the other string). Trailing optional parameters are sometimes
 * omitted; rest parameters get 0–3 values. Duplicate argument lists are dropped.
 */
export function generateVerifyInputs(params: readonly ParamInfo[], opts: VerifyInputOptions): unknown[][] {
  const count = Math.max(1, Math.floor(opts.count ?? 120));
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

  const edgeArg = (i: number, k: number, perm: number[] | null): unknown => {
    const plan = plans[i] as Plan;
    if (plan.mixed) {
      const [f, idx] = flatUnknown[k % flatUnknown.length] as [Flavor, number];
      const list = flavorEdges.get(f) as unknown[];
      const j = mixedIdx.indexOf(i);
      return clone(list[(idx + j) % list.length]);
    }
    const list = edgeLists[i] as unknown[];
    const at = perm ? (perm[k % perm.length] as number) : k % list.length;
    return clone(list[at]);
  };
  const edgeRow = (k: number, perms: (number[] | null)[] | null): unknown[] => {
    const row: unknown[] = [];
    plans.forEach((p, i) => {
      const v = edgeArg(i, k, perms ? (perms[i] ?? null) : null);
      if (p.param.rest) {
        // The edge value plus 0–2 random ones (an empty rest list comes up in the random rows).
        row.push(v);
        for (let j = 0; j < k % 3; j++) row.push(randomValue(p.schema, rng, 0, p.fnKind));
      } else row.push(v);
    });
    return row;
  };

  for (let k = 0; k < K; k++) add(edgeRow(k, null));
  if (plans.length > 1 && 2 * K <= 0.7 * count) {
    const perms = plans.map((p, i) => (p.mixed ? null : rng.shuffle(Array.from({ length: lengths[i] ?? 1 }, (_, j) => j))));
    const shuffledK = rng.shuffle(Array.from({ length: K }, (_, j) => j));
    for (const k of shuffledK) add(edgeRow(k, perms));
  }

  // Where trailing optional parameters start (they can be omitted together).
  let firstOmittable = params.length;
  for (let i = params.length - 1; i >= 0; i--) {
    const p = params[i] as ParamInfo;
    if (p.optional || p.rest) firstOmittable = i;
    else break;
  }

  const total = Math.max(count, rows.length + Math.ceil(count / 4));
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

function randomRow(plans: readonly Plan[], rng: Rng): unknown[] {
  const flavor = rng.pick(FLAVORS);
  const values: unknown[] = [];
  const row: unknown[] = [];
  plans.forEach((plan) => {
    let v: unknown;
    if (plan.mixed) v = randomUnknown(rng.bool(0.9) ? flavor : rng.pick(FLAVORS), rng, 0);
    else if (plan.param.rest) {
      const n = rng.int(0, 3);
      const vs = Array.from({ length: n }, () => randomValue(plan.schema, rng, 0, plan.fnKind));
      row.push(...vs);
      values.push(vs);
      return;
    } else if (plan.scalar && (plan.schema.kind === 'number' || rng.bool(0.7))) {
      const base = stripNullish(plan.schema);
      v = relate(plan.schema, randomScalarNumber(rng, base.kind === 'number' && !!base.integer, plan.scalar), values, rng);
    } else {
      v = rng.bool(0.1) ? clone(rng.pick(edgeValues(plan.schema, rng, 0, plan.fnKind))) : randomValue(plan.schema, rng, 0, plan.fnKind);
      v = relate(plan.schema, v, values, rng);
    }
    values.push(v);
    row.push(v);
  });
  return row;
}

/** Ties a scalar argument to an earlier collection argument now and then (a target found in the array, an index in range, a substring). */
function relate(schema: TypeSchema, v: unknown, earlier: readonly unknown[], rng: Rng): unknown {
  const base = stripNullish(schema);
  if (earlier.length === 0 || (base.kind !== 'number' && base.kind !== 'string')) return v;
  const src = rng.pick(earlier);
  if (base.kind === 'number') {
    if (Array.isArray(src) && src.length > 0) {
      if (rng.bool(0.3)) {
        const el: unknown = rng.pick(src);
        if (typeof el === 'number' && (!base.integer || Number.isInteger(el))) return el;
      }
      if (rng.bool(0.2)) return rng.int(-1, src.length);
    }
    if (typeof src === 'string' && rng.bool(0.2)) return rng.int(-1, src.length);
    return v;
  }
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

// ---------------------------------------------------------------------------------------------
// Benchmark inputs
// ---------------------------------------------------------------------------------------------

type SizeRole =
  | { kind: 'magnitude'; index: number; name: string }
  | { kind: 'collections'; first: number; what: string }
  | { kind: 'none' };

function collectionWhat(s: TypeSchema, name: string, rest: boolean): string | null {
  if (rest) return `number of arguments (${name})`;
  const b = stripNullish(s);
  switch (b.kind) {
    case 'array':
      return `array length (${name})`;
    case 'set':
      return `set size (${name})`;
    case 'map':
      return `map entries (${name})`;
    case 'record':
      return `number of keys (${name})`;
    case 'typedArray':
      return `typed array length (${name})`;
    case 'string':
      return `string length (${name})`;
    case 'tuple': {
      for (const [i, e] of b.elements.entries()) {
        const w = collectionWhat(e, `${name}[${i}]`, false);
        if (w && stripNullish(e).kind !== 'string') return w;
      }
      return null;
    }
    case 'object': {
      for (const p of b.properties) {
        const w = collectionWhat(p.type, `${name}.${p.name}`, false);
        if (w && stripNullish(p.type).kind !== 'string') return w;
      }
      return null;
    }
    case 'unknown':
      return `array length (${name})`;
    default:
      return null;
  }
}

function isStringish(s: TypeSchema): boolean {
  return stripNullish(s).kind === 'string';
}

function sizeRole(params: readonly ParamInfo[]): SizeRole {
  if (inputsAreScalarOnly(params)) {
    const schemas = params.map(effectiveSchema);
    let idx = schemas.findIndex((s) => {
      const b = stripNullish(s);
      return b.kind === 'number' && !!b.integer;
    });
    if (idx < 0) idx = schemas.findIndex(isMagnitudeSchema);
    if (idx < 0) return { kind: 'none' };
    return { kind: 'magnitude', index: idx, name: (params[idx] as ParamInfo).name };
  }
  // Non-string collections first; strings carry the size only when nothing else does.
  for (const pass of ['collections', 'strings'] as const) {
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as ParamInfo;
      const s = effectiveSchema(p);
      if ((pass === 'strings') !== (isStringish(s) && !p.rest)) continue;
      const w = collectionWhat(s, p.name, p.rest);
      if (w) return { kind: 'collections', first: i, what: w };
    }
  }
  return { kind: 'none' };
}

/** What the benchmark size means for these parameters: "array length (xs)", "value of n", ... */
export function describeSizeMeaning(params: readonly ParamInfo[]): string {
  const role = sizeRole(params);
  if (role.kind === 'magnitude') return `value of ${role.name}`;
  if (role.kind === 'collections') return role.what;
  return 'none (the inputs do not scale)';
}

/**
 * The default ascending ladder of sizes from which the pipeline picks by probing. For
 * magnitude-sized signatures (fib(n), isPrime(n)) it starts finer, since running time may be
 * exponential in n, and reaches further, since it may be logarithmic or a square root.
 */
export function sizeLadder(params?: readonly ParamInfo[]): number[] {
  if (params && sizeRole(params).kind === 'magnitude') {
    return [4, 8, 12, 16, 20, 24, 28, 32, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];
  }
  return [16, 64, 256, 1024, 4096, 16384, 65536];
}

export interface BenchInputOptions {
  seed: number;
  /** Number of distinct argument lists to produce. */
  count: number;
}

interface BenchCtx {
  rng: Rng;
  /** The collection length for this value, or null for "small". */
  size: number | null;
  /** The benchmark size (element value ranges scale with it). */
  scale: number;
  words: string[];
  row: number;
  /** A running counter for id-like fields (unique across the argument list). */
  ids: { next: number };
  /** Number values of earlier arguments' collections (targets are drawn from them). */
  pool: number[];
  fnKind: FnMarkerKind;
  name: string;
}

const NEEDLE_NAMES = /^(needle|pattern|sub|substr|substring|prefix|suffix|sep|separator|delimiter|delim|char|ch|c|search|query|target|word|token)$/i;

/**
 * `count` distinct, realistic argument lists at one size. Collections (arrays, strings when
 * no other collection exists, Maps, Sets, records, typed arrays, rest arguments) get `size`
 * entries; numbers inside them are integers in [0, size) so duplicates occur; strings inside
 * them are word-like (3–12 letters) from a vocabulary of about size/2 words. Scalars are
 * moderate. When every parameter is a scalar number (fib(n), isPrime(n)), `size` is the
 * magnitude of the first integer argument, jittered downwards by up to ~10% so that the
 * argument lists differ (e.g. 16 and 15 for size 16).
 */
export function generateBenchInputs(params: readonly ParamInfo[], size: number, opts: BenchInputOptions): unknown[][] {
  const count = Math.max(1, Math.floor(opts.count));
  const n = Math.max(0, Math.floor(size));
  const rng = createRng((opts.seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  if (params.length === 0) return Array.from({ length: count }, () => []);
  const role = sizeRole(params);
  const vocab = Array.from({ length: Math.max(4, Math.floor(n / 2)) }, () => word(rng, 3, 12));
  const stringsSized = role.kind === 'collections' && isStringish(effectiveSchema(params[role.first] as ParamInfo));

  const rows: unknown[][] = [];
  const seen = new Set<string>();
  const spread = Math.max(1, Math.floor(n * 0.1) + 1);
  let attempts = 0;
  while (rows.length < count && attempts < count * 4) {
    attempts++;
    const r = rows.length;
    const row: unknown[] = [];
    let firstString: string | null = null;
    const ids = { next: 0 };
    const pool: number[] = [];
    params.forEach((p, i) => {
      const ctx: BenchCtx = { rng, size: null, scale: Math.max(1, n), words: vocab, row: r, ids, pool, fnKind: functionKind(p), name: p.name };
      if (role.kind === 'magnitude' && i === role.index) {
        const m = Math.max(0, n - (attempts - 1) % spread);
        row.push(stripNullish(effectiveSchema(p)).kind === 'bigint' ? BigInt(m) : m);
        return;
      }
      if (p.rest) {
        const el = restElement(p);
        const len = role.kind === 'collections' ? n : rng.int(0, 3);
        for (let j = 0; j < len; j++) row.push(benchValue(stripNullish(el), ctx, role.kind === 'collections'));
        return;
      }
      const s = stripNullish(effectiveSchema(p));
      if (s.kind === 'string') {
        let v: string;
        if (stringsSized && (firstString === null || !NEEDLE_NAMES.test(p.name))) v = text(rng, n, vocab);
        else if (firstString !== null && firstString.length > 0 && rng.bool(0.6)) {
          const len = Math.min(firstString.length, rng.int(1, Math.max(1, Math.min(12, Math.floor(firstString.length / 4) || 1))));
          const a = rng.int(0, firstString.length - len);
          v = firstString.slice(a, a + len);
        } else v = NEEDLE_NAMES.test(p.name) ? rng.pick(vocab).slice(0, rng.int(1, 4)) : rng.pick(vocab);
        if (firstString === null) firstString = v;
        row.push(v);
        return;
      }
      ctx.size = role.kind === 'collections' ? n : null;
      const v = benchValue(s, ctx);
      if (Array.isArray(v) && pool.length === 0) for (const x of v) if (typeof x === 'number') pool.push(x);
      row.push(v);
    });
    const k = keyOf(row, { left: 4096 });
    if (seen.has(k) && attempts < count * 4) continue;
    seen.add(k);
    rows.push(row);
  }
  // Inputs that cannot differ (e.g. f(flag: boolean)) are repeated rather than returning fewer.
  for (let i = 0; rows.length < count && rows.length > 0; i++) rows.push(clone(rows[i % rows.length]) as unknown[]);
  return rows;
}

/** Word-like text of exactly `len` characters. */
function text(rng: Rng, len: number, vocab: readonly string[]): string {
  const parts: string[] = [];
  let total = -1; // n words joined by n - 1 spaces
  while (total < len) {
    const w = rng.pick(vocab);
    parts.push(w);
    total += w.length + 1;
  }
  return parts.join(' ').slice(0, len);
}

function benchNumber(ctx: BenchCtx, integer: boolean, inCollection: boolean): number {
  const { rng } = ctx;
  const name = ctx.name;
  if (inCollection) return rng.int(0, ctx.scale - 1);
  // A value looked up in a collection: found about half the time.
  if (/^(target|x|value|val|needle|key|item|search|elem|element|el|v)$/i.test(name)) {
    return ctx.pool.length > 0 && rng.bool(0.5) ? rng.pick(ctx.pool) : rng.int(0, ctx.scale - 1);
  }
  if (/id$/i.test(name)) return ctx.ids.next++;
  if (/age/i.test(name)) return rng.int(0, 99);
  if (/price|amount|cost|balance|salary|total/i.test(name)) return Math.round(rng.next() * 100000) / 100;
  if (/score|rating|percent/i.test(name)) return rng.int(0, 100);
  if (/year/i.test(name)) return rng.int(1950, 2030);
  if (/lat/i.test(name)) return Math.round((rng.next() * 180 - 90) * 1e4) / 1e4;
  if (/lon|lng/i.test(name)) return Math.round((rng.next() * 360 - 180) * 1e4) / 1e4;
  return rng.int(1, Math.max(2, Math.min(100, ctx.scale)));
}

function benchString(ctx: BenchCtx): string {
  const { rng, name } = ctx;
  if (/email/i.test(name)) return `${rng.pick(ctx.words)}@${word(rng, 4, 8)}.com`;
  if (/url|href|link/i.test(name)) return `https://${word(rng, 4, 8)}.com/${rng.pick(ctx.words)}`;
  if (/^id$|Id$|_id$/.test(name)) return `id-${ctx.row.toString(36)}-${(ctx.ids.next++).toString(36)}`;
  if (/status|type|kind|category|role|state/i.test(name)) return rng.pick(['active', 'inactive', 'pending', 'archived']);
  if (/name/i.test(name)) {
    const w = rng.pick(ctx.words);
    return w.charAt(0).toUpperCase() + w.slice(1);
  }
  if (/date/i.test(name)) return new Date(rng.int(1.5e12, 1.8e12)).toISOString().slice(0, 10);
  return rng.pick(ctx.words);
}

/** A realistic value; `ctx.size` is the length for a collection at this position (null: small). */
function benchValue(s: TypeSchema, ctx: BenchCtx, inCollection = false): unknown {
  const { rng } = ctx;
  const len = ctx.size ?? rng.int(1, 6);
  const smallCtx: BenchCtx = ctx.size === null ? ctx : { ...ctx, size: null };
  switch (s.kind) {
    case 'number':
      return benchNumber(ctx, !!s.integer, inCollection);
    case 'string':
      return benchString(ctx);
    case 'boolean':
      return rng.bool();
    case 'bigint':
      return BigInt(inCollection ? rng.int(0, ctx.scale - 1) : rng.int(1, 1000));
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'literal':
      return s.value;
    case 'function':
      return marker(ctx.fnKind);
    case 'date':
      return new Date(rng.int(1.5e12, 1.8e12));
    case 'typedArray': {
      const r = TYPED_RANGES[s.name];
      return makeTyped(
        s.name,
        Array.from({ length: len }, () => typedValue(s.name, rng, r.float ? 0 : Math.max(r.lo, 0), Math.min(r.hi, Math.max(1, ctx.scale - 1)))),
      );
    }
    case 'union': {
      const main = s.options.find((o) => o.kind !== 'null' && o.kind !== 'undefined' && o.kind !== 'literal') ?? s.options[0];
      if (!main) return undefined;
      if (s.options.every((o) => o.kind === 'literal')) return (rng.pick(s.options) as { value: unknown }).value;
      return benchValue(main, ctx, inCollection);
    }
    case 'tuple':
      return s.elements.map((e) => benchValue(stripNullish(e), { ...ctx, size: stripNullish(e).kind === 'string' ? null : ctx.size }, inCollection));
    case 'array':
      return Array.from({ length: len }, () => benchValue(stripNullish(s.element), smallCtx, true));
    case 'set': {
      const out = new Set<unknown>();
      for (let tries = 0; out.size < len && tries < len * 4 + 10; tries++) out.add(benchValue(stripNullish(s.element), { ...smallCtx, scale: Math.max(ctx.scale * 4, 16) }, true));
      return out;
    }
    case 'map': {
      const out = new Map<unknown, unknown>();
      const key = stripNullish(s.key);
      for (let i = 0, tries = 0; out.size < len && tries < len * 4 + 10; tries++, i++) {
        const k = key.kind === 'string' ? `${rng.pick(ctx.words)}${i}` : benchValue(key, { ...smallCtx, scale: Math.max(ctx.scale * 4, 16) }, true);
        if (!out.has(k)) out.set(k, benchValue(stripNullish(s.value), smallCtx, true));
      }
      return out;
    }
    case 'record': {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < len; i++) defineOwn(o, `${rng.pick(ctx.words)}${i}`, benchValue(stripNullish(s.value), smallCtx, true));
      return o;
    }
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of s.properties) {
        if (p.optional && rng.bool(0.2)) continue;
        const ps = stripNullish(p.type);
        const collection = ps.kind === 'array' || ps.kind === 'set' || ps.kind === 'map' || ps.kind === 'record' || ps.kind === 'typedArray';
        // A top-level object's collection fields carry the size; scalars inside get realistic values by name.
        const sub = ctx.name === p.name && ctx.size === (collection ? ctx.size : null) ? ctx : { ...ctx, name: p.name, size: collection ? ctx.size : null };
        defineOwn(o, p.name, benchValue(ps, sub, false));
      }
      return o;
    }
    case 'unknown': {
      const guess = guessSchemaFromName(ctx.name);
      if (guess && guess.kind !== 'unknown') return benchValue(guess, ctx, inCollection);
      if (inCollection) return rng.int(0, ctx.scale - 1);
      return benchValue({ kind: 'array', element: { kind: 'number', integer: true } }, ctx, inCollection);
    }
  }
}
