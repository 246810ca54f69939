/**
 * Values of input generation: cloning and keys of plain data, word and text pools, the literals of
 * the code under test mixed into strings and numbers, edge strings and numbers, and random
 * primitives, dates and typed arrays.
 */
import type { Rng } from '../rng';
import type { TypedArrayName } from '../types';

import type { Literals } from './literals';

// ---------------------------------------------------------------------------------------------
// Cloning and keys (plain data only)
// ---------------------------------------------------------------------------------------------

/** An own enumerable data property, even for keys like '__proto__'. */
export function defineOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  // Assignment is much faster; only '__proto__' would hit an inherited setter instead.
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

export function clone(v: unknown): unknown {
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
export function keyOf(v: unknown, budget: { left: number } = { left: Infinity }): string {
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

export function word(rng: Rng, min = 3, max = 12): string {
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
export let lits: Literals | null = null;

/** Sets the literals the generators read (null: none); returns the previous ones. */
export function setLiterals(next: Literals | null): Literals | null {
  const previous = lits;
  lits = next;
  return previous;
}

export function hasStringLiterals(): boolean {
  return !!lits && lits.chars.length + lits.strings.length > 0;
}

/** One harvested character (more often) or string. */
function literalToken(rng: Rng): string {
  const l = lits as Literals;
  if (l.strings.length === 0 || (l.chars.length > 0 && rng.bool(0.7))) return rng.pick(l.chars);
  return rng.pick(l.strings);
}

/** `base` with 1–4 harvested tokens inserted at random positions, sometimes repeated or side by side. */
export function insertLiterals(base: string, rng: Rng): string {
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
export function literalStringEdges(): string[] {
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
export function literalNumbers(integer: boolean): number[] {
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
export function numberEdges(integer: boolean): number[] {
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
export const STRING_EDGES: readonly string[] = [
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
export function structuredText(rng: Rng): string {
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

export function randomString(rng: Rng): string {
  const examples = lits?.examples;
  if (examples?.length && rng.bool(0.3)) return rng.bool(0.3) ? rng.pick(examples) : sameShape(rng.pick(examples), rng);
  if (hasStringLiterals() && rng.bool(0.5)) return literalString(rng);
  return plainRandomString(rng);
}

/**
 * A string of the same shape as `s`: its digits replaced by random digits and, sometimes, its
 * letters by random letters of the same case (a version '0.0.0-0' gives '4.1.7-3', a date
 * '2024-01-31' gives '7391-58-06'), punctuation kept. Parsers that accept the example mostly
 * accept these, and they take the branches that compare the parts.
 */
export function sameShape(s: string, rng: Rng): string {
  const letters = rng.bool(0.3);
  let out = '';
  for (const ch of s) {
    if (ch >= '0' && ch <= '9') out += String(rng.bool(0.4) ? rng.int(0, 2) : rng.int(0, 9));
    else if (letters && ch >= 'a' && ch <= 'z') out += String.fromCharCode(97 + rng.int(0, 25));
    else if (letters && ch >= 'A' && ch <= 'Z') out += String.fromCharCode(65 + rng.int(0, 25));
    else out += ch;
  }
  return out;
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

export function randomNumber(rng: Rng, integer: boolean): number {
  if (lits && lits.numbers.length > 0 && rng.bool(0.25)) return rng.pick(literalNumbers(integer));
  const r = rng.next();
  if (r < 0.4) return rng.int(-10, 10);
  if (r < 0.6) return rng.int(0, 100);
  if (r < 0.75) return rng.int(-1000, 1000);
  if (r < 0.82) return rng.int(-1e9, 1e9);
  if (!integer && r < 0.95) return Math.round((rng.next() * 200 - 100) * 100) / 100;
  return rng.pick(numberEdges(integer));
}

export function randomBigInt(rng: Rng): bigint {
  const r = rng.next();
  if (r < 0.7) return BigInt(rng.int(-1000, 1000));
  if (r < 0.9) return BigInt(rng.int(-1e9, 1e9)) * BigInt(rng.int(1, 1e9));
  return rng.pick([0n, 1n, -1n, 2n ** 64n, -(2n ** 63n)]);
}

export function dateEdges(): Date[] {
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

export const TYPED_RANGES: Record<TypedArrayName, { edges: (number | bigint)[]; lo: number; hi: number; big?: boolean; float?: boolean }> = {
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

export function makeTyped(name: TypedArrayName, values: (number | bigint)[]): unknown {
  const Ctor = (globalThis as unknown as Record<string, new (src: (number | bigint)[]) => unknown>)[name];
  if (!Ctor) return values;
  return new Ctor(values);
}

export function typedValue(name: TypedArrayName, rng: Rng, lo?: number, hi?: number): number | bigint {
  const r = TYPED_RANGES[name];
  const l = lo ?? r.lo;
  const h = hi ?? r.hi;
  if (r.big) return BigInt(rng.int(l, h));
  if (r.float) return Math.round((l + rng.next() * (h - l)) * 1000) / 1000;
  return rng.int(Math.max(l, r.lo), Math.min(h, r.hi));
}
