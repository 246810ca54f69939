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
import { FN_MARKER, NEW_MARKER, type FnMarkerKind } from '../sandbox/protocol';
import { createRng, type Rng } from '../rng';
import type { ParamInfo, PropertySchema, TargetFunction, TypedArrayName, TypeSchema } from '../types';
import { callPlan } from '../target/methods';
import { isEmptyLiterals, type Literals } from './literals';

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

type InstanceSchema = Extract<TypeSchema, { kind: 'instance' }>;

/** A generated instance of a project class: the runner builds `new C(...args)` (see sandbox/protocol.ts). */
function newMarker(s: InstanceSchema, args: unknown[]): Record<string, unknown> {
  return { [NEW_MARKER]: s.ref, name: s.name, args };
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

// ---------------------------------------------------------------------------------------------
// Literals of the code under test (see literals.ts)
// ---------------------------------------------------------------------------------------------

/**
 * The literals of the current generateVerifyInputs call, or null. Generation is synchronous and
 * not re-entrant, so the generators below read it instead of threading it through every call;
 * with null they draw exactly as they would without literals.
 */
let lits: Literals | null = null;

function hasStringLiterals(): boolean {
  return !!lits && lits.chars.length + lits.strings.length > 0;
}

/** One harvested character (more often) or string. */
function literalToken(rng: Rng): string {
  const l = lits as Literals;
  if (l.strings.length === 0 || (l.chars.length > 0 && rng.bool(0.7))) return rng.pick(l.chars);
  return rng.pick(l.strings);
}

/** `base` with 1–4 harvested tokens inserted at random positions, sometimes repeated or side by side. */
function insertLiterals(base: string, rng: Rng): string {
  let s = base;
  const n = rng.int(1, 4);
  for (let k = 0; k < n; k++) {
    let t = literalToken(rng);
    const r = rng.next();
    if (r < 0.2) t += t;
    else if (r < 0.4) t += literalToken(rng);
    const where = rng.next();
    const at = where < 0.15 ? 0 : where < 0.3 ? s.length : rng.int(0, s.length);
    s = s.slice(0, at) + t + s.slice(at);
  }
  return s;
}

/** A string built around the code's literals: alone, doubled, or inserted into ordinary text. */
function literalString(rng: Rng): string {
  const r = rng.next();
  if (r < 0.12) return literalToken(rng);
  if (r < 0.2) {
    const t = literalToken(rng);
    return t + t;
  }
  const base = r < 0.45 ? word(rng, 1, 8) : r < 0.75 ? structuredText(rng) : plainRandomString(rng);
  return insertLiterals(base, rng);
}

/** Edge strings made of the literals: each alone, doubled, all together, next to letters and spaces. */
function literalStringEdges(): string[] {
  if (!lits) return [];
  const chars = lits.chars.slice(0, 24);
  const strings = lits.strings.slice(0, 12);
  const out: string[] = [...chars, ...strings];
  if (chars.length > 1) out.push(chars.join(''), chars.join('a'), ` ${chars.join(' ')} `);
  for (const c of chars.slice(0, 8)) out.push(c + c, `x${c}y`, `${c}end`, `start${c}`);
  for (const t of strings.slice(0, 4)) out.push(`${t}${t}`, ` ${t} `, `a${t}b`);
  if (chars.length > 0 && strings.length > 0) out.push(strings[0]! + chars[0]!, chars[chars.length - 1]! + strings[strings.length - 1]!);
  return out;
}

/** Harvested numbers, rounded to integers when the schema wants integers. */
function literalNumbers(integer: boolean): number[] {
  if (!lits) return [];
  const out: number[] = [];
  for (const n of lits.numbers) {
    const v = integer ? Math.round(n) : n;
    if (!out.some((x) => Object.is(x, v))) out.push(v);
  }
  return out;
}

/**
 * Edge numbers, most telling first: pairwise coverage (see generateVerifyInputs) pairs only the
 * first few edges of each parameter with the other parameters' edges, so the values that most
 * often expose a wrong variant (-0, NaN, fractions, infinities) come early.
 */
function numberEdges(integer: boolean): number[] {
  const small = [0, -0, 1, -1, ...literalNumbers(integer).filter((n) => !Object.is(n, 0) && !Object.is(n, -0) && n !== 1 && n !== -1)];
  const rest = [2, 3, 7, 10, -42, 100, 255, 256, 1023, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53 + 2];
  if (integer) return [...small, ...rest];
  return [
    ...small,
    NaN,
    0.5,
    Infinity,
    -Infinity,
    -2.75,
    0.1 + 0.2,
    ...rest,
    1e-7,
    123456.789,
    1e21,
    -1e21,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.EPSILON,
  ];
}

/** Edge strings, most telling first (see numberEdges). */
const STRING_EDGES: readonly string[] = [
  '',
  'a',
  ' ',
  '__proto__',
  'Lorem ipsum\ndolor sit amet,  consectetur\tadipiscing elit.',
  'one\ntwo three\nfour five six',
  'héllo',
  'ab cd',
  ' \t\n',
  'a'.repeat(100),
  '  padded  ',
  'Z',
  '日本語',
  '👍🏽',
  'e\u0301',
  'ab\u0000c',
  '\uD83D',
  'constructor',
  'toString',
  'hasOwnProperty',
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
  'one two\r\nthree\r\n',
  'a\tb  c\t\td',
  ' leading and trailing ',
  'x,y;z-w.v',
  'Supercalifragilistic is a long word',
];

// Structured text: tokens joined by separators, so that functions which split, wrap, trim or
// tokenize text see words of every length next to every kind of separator.
const SEPARATORS: readonly string[] = [' ', ' ', ' ', '  ', '\n', '\t', '\r\n', ',', ';', '-', '.', ', ', '. '];
const UNICODE_WORDS: readonly string[] = ['héllo', 'naïve', 'Ünïcode', '日本語', 'Straße', 'ǅemal', 'Ωmega', '👍🏽', 'e\u0301te', 'İstanbul', 'ﬀ', 'çà'];

function textWord(rng: Rng): string {
  const r = rng.next();
  let w: string;
  if (r < 0.6) w = word(rng, 1, 12);
  else if (r < 0.68) w = word(rng, 13, 24); // longer than typical widths and limits
  else if (r < 0.78) w = String(rng.int(0, 10 ** rng.int(1, 5)));
  else if (r < 0.86) w = rng.pick(UNICODE_WORDS);
  else if (r < 0.93) w = `${word(rng, 1, 5)}${rng.int(0, 99)}`;
  else w = rng.pick(['a', 'I', 'x', 'ab', 'of']);
  const c = rng.next();
  if (c < 0.15) return w.charAt(0).toUpperCase() + w.slice(1);
  if (c < 0.2) return w.toUpperCase();
  return w;
}

/**
 * Text made of 0–14 tokens (words of 1–24 characters, digits, Unicode words, repeats of a small
 * per-text vocabulary, sometimes empty) joined by separators from a per-text palette (spaces
 * only, spaces and newlines, or a mix of ' ', '  ', '\n', '\t', '\r\n', ',', ';', '-', '.'),
 * sometimes with a leading or trailing separator.
 */
function structuredText(rng: Rng): string {
  const p = rng.next();
  const palette = p < 0.25 ? [' '] : p < 0.6 ? [' ', ' ', ' ', '\n'] : [' ', ...Array.from({ length: rng.int(1, 4) }, () => rng.pick(SEPARATORS))];
  const vocab = Array.from({ length: rng.int(1, 4) }, () => textWord(rng));
  const n = rng.bool(0.05) ? 0 : rng.int(1, 14);
  let s = rng.bool(0.15) ? rng.pick(palette) : '';
  for (let i = 0; i < n; i++) {
    if (i > 0) s += rng.pick(palette);
    s += rng.bool(0.07) ? '' : rng.bool(0.35) ? rng.pick(vocab) : textWord(rng);
  }
  if (rng.bool(0.15)) s += rng.pick(palette);
  return s;
}

function randomString(rng: Rng): string {
  if (hasStringLiterals() && rng.bool(0.5)) return literalString(rng);
  return plainRandomString(rng);
}

function plainRandomString(rng: Rng): string {
  const r = rng.next();
  if (r < 0.18) return word(rng, 1, 10);
  if (r < 0.34) {
    // A small alphabet makes repeats, palindromes and substring matches likely.
    const len = rng.int(0, 12);
    let s = '';
    for (let i = 0; i < len; i++) s += rng.pick(['a', 'b', 'a', 'b', 'c']);
    return s;
  }
  if (r < 0.44) {
    const len = rng.int(0, 16);
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(rng.int(32, 126));
    return s;
  }
  if (r < 0.5) {
    const parts = ['é', 'ß', 'ü', '日', '本', '👍', '🏽', '👨‍👩‍👧', 'a', ' ', 'İ', 'ﬀ'];
    const len = rng.int(1, 6);
    let s = '';
    for (let i = 0; i < len; i++) s += rng.pick(parts);
    return s;
  }
  if (r < 0.95) return structuredText(rng);
  return rng.pick(STRING_EDGES);
}

function randomNumber(rng: Rng, integer: boolean): number {
  if (lits && lits.numbers.length > 0 && rng.bool(0.25)) return rng.pick(literalNumbers(integer));
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
      return marker('identity');
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
  const previous = lits;
  lits = opts.literals && !isEmptyLiterals(opts.literals) ? opts.literals : null;
  try {
    return generateVerifyRows(params, opts);
  } finally {
    lits = previous;
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
    case 'instance': {
      for (const [i, e] of b.args.entries()) {
        const w = collectionWhat(e, `${name}: new ${b.name}(argument ${i + 1})`, false);
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

/** A value generator for one position of the schema, built once per generateBenchInputs call. */
type Gen = () => unknown;

/** State shared by the compiled generators of one generateBenchInputs call. */
interface BenchEnv {
  rng: Rng;
  /** The benchmark size (element value ranges scale with it). */
  scale: number;
  /** The argument list being built (ids are unique across it). */
  row: number;
  /** A running counter for id-like fields, reset per argument list. */
  nextId: number;
  /** The prefix of string ids in this argument list ('id-<row>-'). */
  idPrefix: string;
  vocabs: Map<string, string[]>;
}

/**
 * A vocabulary of word-like strings (3–12 letters), built once per call:
 * - 'ident': keys, identifiers and names (brand, name, key, tag, word, ...) — about size/2
 *   words, so lookups and group-bys meet many distinct values at every size;
 * - 'generic': other string fields — about 2·√size words, so grouping by such a field gives
 *   many groups (32 at size 256, 512 at 65536) and still many duplicates;
 * - 'keys': the keys of small nested records — 8 words, realistic field-like keys.
 */
function vocabulary(env: BenchEnv, kind: 'ident' | 'generic' | 'keys'): string[] {
  let v = env.vocabs.get(kind);
  if (v) return v;
  const n = env.scale;
  const size = kind === 'ident' ? Math.max(4, Math.floor(n / 2)) : kind === 'generic' ? Math.max(4, Math.round(2 * Math.sqrt(n))) : 8;
  const rng = env.rng;
  v = new Array<string>(size);
  for (let i = 0; i < size; i++) v[i] = word(rng, 3, 12);
  env.vocabs.set(kind, v);
  return v;
}

/** Small realistic vocabularies for categorical fields (a handful of values whatever the size). */
const CATEGORICAL: readonly [RegExp, readonly string[]][] = [
  [/status|state/i, ['active', 'inactive', 'pending', 'archived']],
  [/role/i, ['admin', 'editor', 'viewer', 'guest']],
  [/type|kind|category|genre|department|level|priority|tier/i, ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']],
];
const IDENT_NAMES = /brand|name|key|id$|ids$|tag|word|label|title|code|sku|user|owner|author|customer|vendor|city|country|company|slug|handle|token|term|product|team|host|domain/i;

function compileString(env: BenchEnv, name: string): Gen {
  const { rng } = env;
  if (/email/i.test(name)) {
    const users = vocabulary(env, 'ident');
    const domains = vocabulary(env, 'generic');
    return () => `${rng.pick(users)}@${rng.pick(domains)}.com`;
  }
  if (/url|href|link/i.test(name)) {
    const paths = vocabulary(env, 'ident');
    const domains = vocabulary(env, 'generic');
    return () => `https://${rng.pick(domains)}.com/${rng.pick(paths)}`;
  }
  if (/^id$|Id$|_id$/.test(name)) return () => `${env.idPrefix}${(env.nextId++).toString(36)}`;
  if (/date/i.test(name)) return () => new Date(rng.int(1.5e12, 1.8e12)).toISOString().slice(0, 10);
  for (const [re, values] of CATEGORICAL) if (re.test(name)) return () => rng.pick(values);
  if (/name/i.test(name)) {
    const names = vocabulary(env, 'ident').map((w) => w.charAt(0).toUpperCase() + w.slice(1));
    return () => rng.pick(names);
  }
  const words = vocabulary(env, IDENT_NAMES.test(name) ? 'ident' : 'generic');
  return () => rng.pick(words);
}

const TARGET_NAMES = /^(target|x|value|val|needle|key|item|search|elem|element|el|v)$/i;

function compileNumber(env: BenchEnv, name: string, inCollection: boolean, scale: number): Gen {
  const { rng } = env;
  const hi = Math.max(0, scale - 1);
  if (inCollection || TARGET_NAMES.test(name)) return () => rng.int(0, hi);
  if (/id$/i.test(name)) return () => env.nextId++;
  if (/age/i.test(name)) return () => rng.int(0, 99);
  if (/price|amount|cost|balance|salary|total/i.test(name)) return () => Math.round(rng.next() * 100000) / 100;
  if (/score|rating|percent/i.test(name)) return () => rng.int(0, 100);
  if (/year/i.test(name)) return () => rng.int(1950, 2030);
  if (/lat/i.test(name)) return () => Math.round((rng.next() * 180 - 90) * 1e4) / 1e4;
  if (/lon|lng/i.test(name)) return () => Math.round((rng.next() * 360 - 180) * 1e4) / 1e4;
  const top = Math.max(2, Math.min(100, scale));
  return () => rng.int(1, top);
}

/**
 * An array of `n` generated values. Small arrays are built as literals: packed, with exactly
 * their length as capacity (push would reserve 17 slots for each of millions of small nested
 * arrays, which triples the memory and the garbage-collection time of nested inputs).
 */
function fillArray(n: number, el: Gen): unknown[] {
  switch (n) {
    case 0:
      return [];
    case 1:
      return [el()];
    case 2:
      return [el(), el()];
    case 3:
      return [el(), el(), el()];
    case 4:
      return [el(), el(), el(), el()];
    case 5:
      return [el(), el(), el(), el(), el()];
    case 6:
      return [el(), el(), el(), el(), el(), el()];
    default: {
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(el());
      return out;
    }
  }
}

function isCollectionSchema(s: TypeSchema): boolean {
  return s.kind === 'array' || s.kind === 'set' || s.kind === 'map' || s.kind === 'record' || s.kind === 'typedArray';
}

/**
 * The generator of realistic values of `s`. `size` is the length of a collection at this
 * position (null: small, 1–6); `name` the parameter or property name it is for (values are
 * chosen by name: ids, prices, categories, ...). Everything that depends only on the schema is
 * decided here, once, so generating a value is a tight loop without per-element regex tests,
 * context objects or closures.
 */
function compileBench(s: TypeSchema, env: BenchEnv, name: string, size: number | null, inCollection: boolean, fnKind: FnMarkerKind, scale = env.scale): Gen {
  const { rng } = env;
  const len = size === null ? () => rng.int(1, 6) : () => size;
  switch (s.kind) {
    case 'number':
      return compileNumber(env, name, inCollection, scale);
    case 'string':
      return compileString(env, name);
    case 'boolean':
      return () => rng.bool();
    case 'bigint': {
      const hi = Math.max(0, scale - 1);
      return inCollection ? () => BigInt(rng.int(0, hi)) : () => BigInt(rng.int(1, 1000));
    }
    case 'null':
      return () => null;
    case 'undefined':
      return () => undefined;
    case 'literal': {
      const value = s.value;
      return () => value;
    }
    case 'function':
      return () => marker(fnKind);
    case 'date':
      return () => new Date(rng.int(1.5e12, 1.8e12));
    case 'typedArray': {
      const r = TYPED_RANGES[s.name];
      const Ctor = (globalThis as unknown as Record<string, (new (n: number) => Record<number, number | bigint>) | undefined>)[s.name];
      const lo = r.float ? 0 : Math.max(r.lo, 0);
      const hi = Math.min(r.hi, Math.max(1, scale - 1));
      const name_ = s.name;
      return () => {
        const n = len();
        const vals = new Array<number | bigint>(n);
        for (let i = 0; i < n; i++) vals[i] = typedValue(name_, rng, lo, hi);
        if (!Ctor) return vals;
        const out = new Ctor(n);
        for (let i = 0; i < n; i++) out[i] = vals[i] as number | bigint;
        return out;
      };
    }
    case 'union': {
      if (s.options.every((o) => o.kind === 'literal')) {
        const values = s.options.map((o) => (o as { value: unknown }).value);
        return () => rng.pick(values);
      }
      const main = s.options.find((o) => o.kind !== 'null' && o.kind !== 'undefined' && o.kind !== 'literal') ?? s.options[0];
      if (!main) return () => undefined;
      return compileBench(main, env, name, size, inCollection, fnKind, scale);
    }
    case 'tuple': {
      const gens = s.elements.map((e) => compileBench(stripNullish(e), env, name, stripNullish(e).kind === 'string' ? null : size, inCollection, fnKind, scale));
      return () => gens.map((g) => g());
    }
    case 'instance': {
      const gens = s.args.map((e) => compileBench(stripNullish(e), env, name, stripNullish(e).kind === 'string' ? null : size, inCollection, fnKind, scale));
      return () => newMarker(s, gens.map((g) => g()));
    }
    case 'array': {
      const el = compileBench(stripNullish(s.element), env, name, null, true, fnKind, scale);
      return () => fillArray(len(), el);
    }
    case 'set': {
      const el = compileBench(stripNullish(s.element), env, name, null, true, fnKind, Math.max(scale * 4, 16));
      return () => {
        const n = len();
        const out = new Set<unknown>();
        for (let tries = 0; out.size < n && tries < n * 4 + 10; tries++) out.add(el());
        return out;
      };
    }
    case 'map': {
      const keySchema = stripNullish(s.key);
      const words = keySchema.kind === 'string' ? vocabulary(env, 'ident') : null;
      const key = words ? null : compileBench(keySchema, env, name, null, true, fnKind, Math.max(scale * 4, 16));
      const value = compileBench(stripNullish(s.value), env, name, null, true, fnKind, scale);
      return () => {
        const n = len();
        const out = new Map<unknown, unknown>();
        for (let i = 0, tries = 0; out.size < n && tries < n * 4 + 10; tries++, i++) {
          const k = words ? `${rng.pick(words)}${i}` : (key as Gen)();
          if (!out.has(k)) out.set(k, value());
        }
        return out;
      };
    }
    case 'record': {
      const value = compileBench(stripNullish(s.value), env, name, null, true, fnKind, scale);
      if (size !== null) {
        // A sized record: `size` distinct keys.
        const words = vocabulary(env, 'ident');
        return () => {
          const o: Record<string, unknown> = {};
          for (let i = 0; i < size; i++) defineOwn(o, `${rng.pick(words)}${i}`, value());
          return o;
        };
      }
      // A small nested record: a few keys of a small key set, in a fixed order, so that the
      // engine's hidden classes are shared between records (as they are for real data).
      const keys = vocabulary(env, 'keys');
      return () => {
        const o: Record<string, unknown> = {};
        let any = false;
        for (const k of keys) {
          if (rng.next() < 0.4) {
            o[k] = value();
            any = true;
          }
        }
        if (!any) o[keys[0] as string] = value();
        return o;
      };
    }
    case 'object': {
      const props = s.properties.map((p) => {
        const ps = stripNullish(p.type);
        // A top-level object's collection fields carry the size; scalars inside get realistic values by name.
        const gen = compileBench(ps, env, p.name, isCollectionSchema(ps) ? size : null, false, fnKind, scale);
        return { name: p.name, optional: p.optional, proto: p.name === '__proto__', gen };
      });
      return () => {
        const o: Record<string, unknown> = {};
        for (const p of props) {
          if (p.optional && rng.next() < 0.2) continue;
          if (p.proto) defineOwn(o, p.name, p.gen());
          else o[p.name] = p.gen();
        }
        return o;
      };
    }
    case 'unknown': {
      const guess = guessSchemaFromName(name);
      if (guess && guess.kind !== 'unknown') return compileBench(guess, env, name, size, inCollection, fnKind, scale);
      if (inCollection) {
        const hi = Math.max(0, scale - 1);
        return () => rng.int(0, hi);
      }
      return compileBench({ kind: 'array', element: { kind: 'number', integer: true } }, env, name, size, inCollection, fnKind, scale);
    }
  }
}

const NEEDLE_NAMES = /^(needle|pattern|sub|substr|substring|prefix|suffix|sep|separator|delimiter|delim|char|ch|c|search|query|target|word|token)$/i;
/** Needles that are searched for (not split on or anchored): absent in half the benchmark lists. */
const SEARCHED_NEEDLE_NAMES = /^(needle|pattern|sub|substr|substring|char|ch|c|search|query|target|word|token)$/i;
/** Scalars looked up in a collection argument. */
const SEARCH_NAMES = /^(target|x|value|val|needle|key|item|search|elem|element|el|v|query|word|token|term|id|name|sought|goal|lookup|find)$|[a-z](Id|Key|Name|Value|Target)$/;

/** A scalar parameter searched for in a collection parameter, and where to look. */
interface SearchPlan {
  index: number;
  kind: 'number' | 'string' | 'bigint';
  collection: number;
  /** The element property compared with the scalar (arrays of objects), or null for the elements themselves. */
  prop: string | null;
  /** Map keys or record keys rather than elements. */
  keys: boolean;
}

function searchPlans(params: readonly ParamInfo[]): SearchPlan[] {
  const schemas = params.map((p) => stripNullish(effectiveSchema(p)));
  const collection = schemas.findIndex((s, i) => !(params[i] as ParamInfo).rest && isCollectionSchema(s));
  if (collection < 0) return [];
  const coll = schemas[collection] as TypeSchema;
  const plans: SearchPlan[] = [];
  params.forEach((p, i) => {
    const s = schemas[i] as TypeSchema;
    if (p.rest || i === collection || (s.kind !== 'number' && s.kind !== 'string' && s.kind !== 'bigint') || !SEARCH_NAMES.test(p.name)) return;
    const kind = s.kind;
    if (coll.kind === 'map' || coll.kind === 'record') {
      const keyKind = coll.kind === 'record' ? 'string' : stripNullish(coll.key).kind;
      if (keyKind === kind) plans.push({ index: i, kind, collection, prop: null, keys: true });
      return;
    }
    if (coll.kind === 'typedArray') {
      if (kind === (TYPED_RANGES[coll.name].big ? 'bigint' : 'number')) plans.push({ index: i, kind, collection, prop: null, keys: false });
      return;
    }
    const el = stripNullish((coll as { element: TypeSchema }).element);
    if (el.kind === kind) {
      plans.push({ index: i, kind, collection, prop: null, keys: false });
      return;
    }
    if (el.kind !== 'object') return;
    const same = el.properties.filter((q) => stripNullish(q.type).kind === kind);
    const lower = p.name.toLowerCase();
    const prop =
      same.find((q) => q.name === p.name) ??
      same.find((q) => lower.endsWith(q.name.toLowerCase())) ??
      same.find((q) => /^(id|key|name)$/i.test(q.name)) ??
      same[0];
    if (prop) plans.push({ index: i, kind, collection, prop: prop.name, keys: false });
  });
  return plans;
}

/** The values a search plan compares against, in collection order. */
function searchedValues(plan: SearchPlan, coll: unknown): unknown[] {
  let items: unknown[];
  if (coll instanceof Map) items = [...coll.keys()];
  else if (coll instanceof Set) items = [...coll];
  else if (Array.isArray(coll)) items = coll;
  else if (ArrayBuffer.isView(coll)) items = Array.from(coll as unknown as ArrayLike<unknown>);
  else if (plan.keys && coll && typeof coll === 'object') items = Object.keys(coll);
  else return [];
  if (plan.prop !== null) {
    const prop = plan.prop;
    items = items.map((o) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[prop] : undefined));
  }
  return items.filter((x) => typeof x === plan.kind);
}

/** A value of the plan's kind that `values` does not contain. */
function absentValue(kind: SearchPlan['kind'], values: readonly unknown[], env: BenchEnv): unknown {
  const have = new Set(values);
  const { rng, scale } = env;
  if (kind === 'string') {
    // Generated words never contain 'q' or 'x'.
    for (;;) {
      const w = word(rng, 3, 9);
      const at = rng.int(0, w.length);
      const v = `${w.slice(0, at)}${rng.pick(['q', 'x'])}${w.slice(at)}`;
      if (!have.has(v)) return v;
    }
  }
  let v = rng.int(scale, 2 * scale);
  while (have.has(kind === 'bigint' ? BigInt(v) : v)) v++;
  return kind === 'bigint' ? BigInt(v) : v;
}

/**
 * `count` distinct, realistic argument lists at one size. Collections (arrays, strings when
 * no other collection exists, Maps, Sets, records, typed arrays, rest arguments) get `size`
 * entries; numbers inside them are integers in [0, size) so duplicates occur; strings inside
 * them are word-like (3–12 letters): names, keys and identifiers from a vocabulary of about
 * size/2 words, categorical fields (status, type, category, role, ...) from a handful of
 * values, other strings from about 2·√size words (many groups for group-bys). Scalars are
 * moderate. When every parameter is a scalar number (fib(n), isPrime(n)), `size` is the
 * magnitude of the first integer argument, jittered downwards by up to ~10% so that the
 * argument lists differ (e.g. 16 and 15 for size 16).
 *
 * Searches: a scalar named like a searched value (target, needle, value, x, key, id, name,
 * userId, ...) next to a collection is absent from the collection in every other list (even
 * positions: the worst case, a full scan) and present at a uniformly random position in the
 * others (the first occurrence of an element drawn from a random index), so early-exit
 * searches do not look faster than they are. A searched needle in a sized string (needle,
 * pattern, substring, ...) likewise: absent, or a substring at a random position.
 */
export function generateBenchInputs(params: readonly ParamInfo[], size: number, opts: BenchInputOptions): unknown[][] {
  const count = Math.max(1, Math.floor(opts.count));
  const n = Math.max(0, Math.floor(size));
  const rng = createRng((opts.seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  if (params.length === 0) return Array.from({ length: count }, () => []);
  const role = sizeRole(params);
  const env: BenchEnv = { rng, scale: Math.max(1, n), row: 0, nextId: 0, idPrefix: 'id-0-', vocabs: new Map() };
  const vocab = vocabulary(env, 'ident');
  const stringsSized = role.kind === 'collections' && isStringish(effectiveSchema(params[role.first] as ParamInfo));
  const searches = role.kind === 'collections' ? searchPlans(params) : [];
  const searched = new Set(searches.map((s) => s.index));
  const sized = role.kind === 'collections' ? n : null;
  const gens: (Gen | null)[] = params.map((p, i) => {
    if (role.kind === 'magnitude' && i === role.index) return null;
    const fnKind = functionKind(p);
    if (p.rest) return compileBench(stripNullish(restElement(p)), env, p.name, null, role.kind === 'collections', fnKind);
    const s = stripNullish(effectiveSchema(p));
    if (s.kind === 'string') return null;
    return compileBench(s, env, p.name, sized, false, fnKind);
  });

  const rows: unknown[][] = [];
  const seen = new Set<string>();
  const spread = Math.max(1, Math.floor(n * 0.1) + 1);
  let attempts = 0;
  while (rows.length < count && attempts < count * 4) {
    attempts++;
    const r = rows.length;
    const absent = r % 2 === 0;
    env.row = r;
    env.nextId = 0;
    env.idPrefix = `id-${r.toString(36)}-`;
    const row: unknown[] = [];
    let firstString: string | null = null;
    params.forEach((p, i) => {
      if (role.kind === 'magnitude' && i === role.index) {
        const m = Math.max(0, n - ((attempts - 1) % spread));
        row.push(stripNullish(effectiveSchema(p)).kind === 'bigint' ? BigInt(m) : m);
        return;
      }
      const gen = gens[i];
      if (p.rest) {
        const len = role.kind === 'collections' ? n : rng.int(0, 3);
        for (let j = 0; j < len; j++) row.push((gen as Gen)());
        return;
      }
      if (gen) {
        row.push(gen());
        return;
      }
      // A top-level string.
      let v: string;
      if (searched.has(i)) {
        // Replaced below by a value absent from / present in the collection.
        row.push(rng.pick(vocab));
        return;
      }
      if (stringsSized && (firstString === null || !NEEDLE_NAMES.test(p.name))) v = text(rng, n, vocab);
      else if (firstString !== null && firstString.length > 0 && SEARCHED_NEEDLE_NAMES.test(p.name)) {
        const len = /^(char|ch|c)$/i.test(p.name) ? 1 : Math.min(firstString.length, rng.int(1, Math.max(1, Math.min(12, Math.floor(firstString.length / 4) || 1))));
        if (absent) {
          const hay = firstString;
          v = absentValue('string', [], env) as string;
          if (len === 1) v = rng.pick(['q', 'x', 'Q', 'X', '#']);
          for (let k = 0; hay.includes(v) && k < 50; k++) v = `${v}${rng.pick(['q', 'x'])}`;
        } else {
          const a = rng.int(0, firstString.length - len);
          v = firstString.slice(a, a + len);
        }
      } else if (firstString !== null && firstString.length > 0 && rng.bool(0.6)) {
        const len = Math.min(firstString.length, rng.int(1, Math.max(1, Math.min(12, Math.floor(firstString.length / 4) || 1))));
        const a = rng.int(0, firstString.length - len);
        v = firstString.slice(a, a + len);
      } else v = NEEDLE_NAMES.test(p.name) ? rng.pick(vocab).slice(0, rng.int(1, 4)) : rng.pick(vocab);
      if (firstString === null) firstString = v;
      row.push(v);
    });
    for (const plan of searches) {
      const values = searchedValues(plan, row[plan.collection]);
      if (values.length === 0) continue;
      row[plan.index] = absent ? absentValue(plan.kind, values, env) : values[rng.int(0, values.length - 1)];
    }
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

// ---------------------------------------------------------------------------------------------
// Targets (functions and methods)
// ---------------------------------------------------------------------------------------------

/**
 * Verification argument lists for a target. For instance methods each list starts with a
 * receiver marker built from the class's fields or constructor parameters (see methods.ts),
 * generated together with the arguments so that edge values and pairings cover `this` too.
 */
export function generateTargetVerifyInputs(target: TargetFunction, opts: VerifyInputOptions): unknown[][] {
  const plan = callPlan(target);
  return generateVerifyInputs(plan.params, opts).map(plan.toArgs);
}

/** Benchmark argument lists for a target; the size also sizes the receiver's collections (`this.items`). */
export function generateTargetBenchInputs(target: TargetFunction, size: number, opts: BenchInputOptions): unknown[][] {
  const plan = callPlan(target);
  return generateBenchInputs(plan.params, size, opts).map(plan.toArgs);
}

/** sizeLadder for a target (receiver fields included). */
export function targetSizeLadder(target: TargetFunction): number[] {
  return sizeLadder(callPlan(target).params);
}

/** describeSizeMeaning for a target, naming receiver fields `this.x`. */
export function describeTargetSizeMeaning(target: TargetFunction): string {
  return describeSizeMeaning(callPlan(target).display);
}
