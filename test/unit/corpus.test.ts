/**
 * The benchmark corpus (bench/functions/): every hand-written fast variant must behave exactly
 * like its original (return value or thrown error, argument state after the call, key order,
 * prototypes, -0 vs 0, NaN) on hand-picked edge inputs and a few hundred seeded random inputs,
 * and every wrong variant must differ from the original on the input its meta.json documents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const CORPUS = resolve(__dirname, '../../bench/functions');
const RANDOM_INPUTS = 300;

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32) and small generators
// ---------------------------------------------------------------------------------------------

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  array<T>(maxLen: number, f: () => T): T[] {
    return Array.from({ length: this.int(0, maxLen) }, f);
  }
}

const EDGE_NUMBERS = [0, -0, 1, -1, 2, 0.5, -2.75, 0.1, 0.2, 0.1 + 0.2, 1e21, -1e21, 2 ** 53, 2 ** 51, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity];
const EDGE_STRINGS = ['', 'a', 'A', ' ', 'héllo', 'Élan', 'e\u0301', '日本語', '👍🏽', '\uD83D', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '0', '10', '42', 'NaN', 'a b', 'line1\nline2', ' \t\n'];
const WORDS = ['apple', 'Apple', 'banana', 'cherry', 'zoe', 'Zoe', 'ärger', 'Ökonom', 'o’neil', 'de la cruz', 'a-b', 'ab', 'x'];
const DATE_STRINGS = ['2020-01-01', '2020-01-01T00:00:00Z', '2020-06-15T12:30:00+02:00', '2021-02-29', 'Jan 5, 2020', '2019-12-31T23:59:59.999Z', '', 'not a date', '1970-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '+275760-09-13T00:00:00.001Z', '2020-01-01T00:00', '0', '2024'];

function num(r: Rng): number {
  const x = r.next();
  if (x < 0.45) return r.int(-5, 5);
  if (x < 0.65) return r.int(-1000, 1000);
  if (x < 0.8) return Math.round((r.next() * 20 - 10) * 100) / 100;
  return r.pick(EDGE_NUMBERS);
}
function str(r: Rng): string {
  const x = r.next();
  if (x < 0.35) return r.pick(['a', 'b', 'c', 'ab', 'ba']);
  if (x < 0.6) return r.pick(WORDS);
  if (x < 0.8) return r.pick(EDGE_STRINGS);
  let s = '';
  for (let i = r.int(0, 8); i > 0; i--) s += String.fromCharCode(r.int(32, 126));
  return s;
}
/** Text made of words, spaces (single and double), newlines and the odd tab. */
function text(r: Rng): string {
  const parts: string[] = [];
  for (let i = r.int(0, 25); i > 0; i--) {
    parts.push(r.bool(0.7) ? r.pick(['the', 'The', 'THE', 'cat', 'a', 'dog', 'constructor', '__proto__', 'toString', 'é', 'über', 'x'.repeat(r.int(1, 12))]) : str(r));
    parts.push(r.pick([' ', ' ', ' ', '  ', '\n', '\t', ' \n ']));
  }
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Canonical form for comparison: keeps key order, prototypes (structurally), -0, NaN, Maps, Sets
// ---------------------------------------------------------------------------------------------

function canon(v: unknown, depth = 0): unknown {
  if (depth > 20) return '<deep>';
  if (typeof v !== 'object' || v === null) return typeof v === 'function' ? `<function ${(v as { name?: string }).name ?? ''}>` : v;
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [canon(k, depth + 1), canon(x, depth + 1)]) };
  if (v instanceof Set) return { set: [...v].map((x) => canon(x, depth + 1)) };
  if (v instanceof Date) return { date: v.getTime() };
  if (v instanceof Error) return { error: v.constructor.name, message: v.message };
  const proto: unknown = Object.getPrototypeOf(v);
  const protoDesc = proto === Object.prototype ? 'Object' : proto === Array.prototype ? 'Array' : proto === null ? 'null' : canon(proto, depth + 1);
  const own = Reflect.ownKeys(v).map((k) => {
    const d = Object.getOwnPropertyDescriptor(v, k) as PropertyDescriptor;
    return [String(k), d.enumerable, 'value' in d ? canon(d.value, depth + 1) : '<accessor>'];
  });
  return { proto: protoDesc, own };
}

interface Outcome {
  result: unknown;
  args: unknown;
}

type Fn = (...args: unknown[]) => unknown;

async function run(f: Fn, args: unknown[]): Promise<Outcome> {
  let result: unknown;
  try {
    const r = f(...args);
    result = r instanceof Promise ? { resolved: canon(await r) } : { returned: canon(r) };
  } catch (e) {
    result = { threw: canon(e) };
  }
  return { result, args: canon(args) };
}

// ---------------------------------------------------------------------------------------------
// The corpus: per function, edge inputs, a random input generator and the documented wrong input
// ---------------------------------------------------------------------------------------------

type Args = () => unknown[];

interface Case {
  dir: string;
  edges: Args[];
  random: (r: Rng) => unknown[];
  wrongOn?: Args;
}

interface Product {
  brand: string;
  name: string;
  price: number;
}

const user = (name: string) => ({ name, email: `${name}@example.com` });

const CASES: Case[] = [
  {
    dir: 'count-pairs-with-sum',
    edges: [
      () => [[], 0],
      () => [[1], 2],
      () => [[1, 1], 2],
      () => [[1, 2, 2, 3], 4],
      () => [[2, 2, 2, 2], 4],
      () => [[0, -0, 0, -0], 0],
      () => [[3, 1, 2, 1, 3], 4],
      () => [[0.1, 0.2], 0.1 + 0.2],
      () => [[0.1, 0.2], 0.3],
      () => [[-0, 0], 0],
      () => [[-0, -0], -0],
      () => [[0, 0], -0],
      () => [[NaN, 1, NaN], NaN],
      () => [[Infinity, -Infinity, 1], NaN],
      () => [[Infinity, 1, Infinity], Infinity],
      () => [[2 ** 52, 1, 2 ** 52], 2 ** 53],
      () => [[2 ** 53, 1, 2], 2 ** 53 + 2],
      () => [[2 ** 51, 2 ** 51], 2 ** 52],
      () => [[-(2 ** 51), -(2 ** 51)], -(2 ** 52)],
      () => [[1, 2, 3], 1e21],
      () => [[5, 5, 5], 10.5],
      () => [[1e21, -1e21, 1], 1],
    ],
    random: (r) => {
      const fractional = r.bool(0.3);
      const nums = r.array(30, () => (fractional ? num(r) : r.int(-10, 10)));
      const target = r.bool(0.8) && nums.length > 1 ? (r.pick(nums) + r.pick(nums)) : num(r);
      return [nums, target];
    },
    wrongOn: () => [[0.1, 0.2], 0.1 + 0.2],
  },
  {
    dir: 'unique-by-id',
    edges: [
      () => [[]],
      () => [[{ id: 1, name: 'a' }]],
      () => [[{ id: NaN, name: 'a' }, { id: NaN, name: 'b' }, { id: 1, name: 'c' }]],
      () => [[{ id: -0, name: 'a' }, { id: 0, name: 'b' }]],
      () => [[{ id: 0, name: 'a' }, { id: -0, name: 'b' }, { id: -0, name: 'c' }]],
      () => [[{ id: Infinity, name: 'a' }, { id: Infinity, name: 'b' }, { id: -Infinity, name: 'c' }]],
      () => [[{ id: 2 ** 53, name: 'a' }, { id: 2 ** 53 + 1, name: 'b' }]],
    ],
    random: (r) => [r.array(40, () => ({ id: r.bool(0.7) ? r.int(0, 8) : num(r), name: str(r) }))],
    wrongOn: () => [[{ id: NaN, name: 'a' }, { id: NaN, name: 'b' }]],
  },
  {
    dir: 'count-words',
    edges: [
      () => [''],
      () => ['   '],
      () => ['constructor'],
      () => ['__proto__ __proto__ a'],
      () => ['toString hasOwnProperty valueOf'],
      () => ['The the THE tHe'],
      () => ['b 10 a 2 0 b 2'],
      () => ['İstanbul istanbul ß SS'],
      () => ['héllo\the\u0301llo\nHÉLLO'],
      () => ['👍🏽 👍🏽 \uD83D'],
      () => ['\u00a0a\u2003b\ufeffc'],
    ],
    random: (r) => [text(r)],
    wrongOn: () => ['constructor'],
  },
  {
    dir: 'count-in-date-range',
    edges: [
      () => [[], '2020-01-01', '2021-01-01'],
      () => [DATE_STRINGS.slice(), '2020-01-01', '2021-01-01'],
      () => [DATE_STRINGS.slice(), '', '2021-01-01'],
      () => [DATE_STRINGS.slice(), '1970-01-01', '+275760-09-13T00:00:00.000Z'],
      () => [DATE_STRINGS.slice(), '2021-01-01', '2020-01-01'],
      () => [['2020-01-01', '2020-01-01'], '2020-01-01', '2020-01-01'],
      () => [['__proto__', 'constructor'], 'a', 'b'],
    ],
    random: (r) => [r.array(30, () => (r.bool(0.8) ? r.pick(DATE_STRINGS) : str(r))), r.pick(DATE_STRINGS), r.pick(DATE_STRINGS)],
  },
  {
    dir: 'format-prices',
    edges: [
      () => [[]],
      () => [[0, -0, 1, -1, 0.5, 1.005, 2.675, 0.125, 1234567.891, -1234.5]],
      () => [[NaN, Infinity, -Infinity, 1e21, -1e21, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** 53 + 2]],
    ],
    random: (r) => [r.array(10, () => num(r))],
    wrongOn: () => [[-0]],
  },
  {
    dir: 'wrap-text',
    edges: [
      () => ['', 10],
      () => [' ', 10],
      () => ['a', 0],
      () => ['a b c', 0],
      () => ['a b c', NaN],
      () => ['a b c', Infinity],
      () => ['a b c', -Infinity],
      () => ['aa bb cc', 5],
      () => ['aa bb cc', 5.5],
      () => ['ab\ncd ef', 5],
      () => ['ab\n cd', 5],
      () => ['ab \ncd', 5],
      () => ['\n\n a', 3],
      () => ['a  b   c', 3],
      () => ['👍🏽 👍🏽 👍🏽', 9],
      () => ['the quick brown fox jumps over the lazy dog', 10],
    ],
    random: (r) => [text(r), r.bool(0.8) ? r.int(0, 20) : num(r)],
    wrongOn: () => ['ab\ncd ef', 5],
  },
  {
    dir: 'index-by-id',
    edges: [
      () => [[]],
      () => [[{ id: '__proto__', name: 'a', age: 1 }]],
      () => [[{ id: 'constructor', name: 'a', age: 1 }, { id: 'toString', name: 'b', age: -0 }]],
      () => [[{ id: 'b', name: 'a', age: 1 }, { id: '10', name: 'b', age: 2 }, { id: '2', name: 'c', age: 3 }, { id: 'a', name: 'd', age: 4 }, { id: 'b', name: 'e', age: NaN }]],
      () => [[{ id: '', name: '', age: 0 }, { id: '-0', name: '', age: 0 }, { id: '01', name: '', age: 0 }, { id: '4294967295', name: '', age: 0 }]],
    ],
    random: (r) => [r.array(30, () => ({ id: r.bool(0.6) ? r.pick(['a', 'b', '1', '0', '__proto__', 'constructor']) : str(r), name: str(r), age: num(r) }))],
    wrongOn: () => [[{ id: '__proto__', name: 'a', age: 1 }]],
  },
  {
    dir: 'collect-tags',
    edges: [
      () => [[]],
      () => [[{ title: 't', tags: [] }]],
      () => [[{ title: 't', tags: ['__proto__', 'constructor', '__proto__'] }, { title: 'u', tags: ['constructor', 'a'] }]],
      () => [[{ title: 't', tags: ['b', 'a', 'B', 'A', 'ä', '10', '9', ''] }, { title: 'u', tags: ['', '9', 'x'] }]],
    ],
    random: (r) => [r.array(20, () => ({ title: str(r), tags: r.array(6, () => str(r)) }))],
  },
  {
    dir: 'max-non-adjacent-sum',
    edges: [
      () => [[]],
      () => [[NaN]],
      () => [[-0]],
      () => [[-0, -0]],
      () => [[-1, -2, -3]],
      () => [[5, 1, 1, 5]],
      () => [[Infinity, -Infinity, Infinity]],
      () => [[-Infinity, Infinity]],
      () => [[0.1, 0.7, 0.2, 0.3, 0.6]],
      () => [[1e21, 1, -1e21, 1]],
      () => [[Number.MAX_VALUE, 0, Number.MAX_VALUE]],
    ],
    random: (r) => [r.array(18, () => num(r))],
    wrongOn: () => [[NaN]],
  },
  {
    dir: 'sort-by-display-name',
    edges: [
      () => [[]],
      () => [[{ first: 'a', last: 'Élan' }, { first: 'a', last: 'Zoe' }]],
      () => [[{ first: 'b', last: 'x' }, { first: 'a', last: 'X' }, { first: 'A', last: 'x' }, { first: 'a', last: 'x' }]],
      () => [['de la Cruz', 'Delacruz', 'O’Neil', 'ONeil', "O'Neil", 'öz', 'Oz', 'Ozz', '', ' ', 'ß', 'ss', 'İ', 'i', '10', '9', '👍🏽'].map((last, i) => ({ first: String(i % 3), last }))],
    ],
    random: (r) => [r.array(40, () => ({ first: r.bool(0.5) ? r.pick(['a', 'A', 'b']) : str(r), last: r.bool(0.6) ? r.pick(WORDS) : str(r) }))],
    wrongOn: () => [[{ first: 'a', last: 'Élan' }, { first: 'a', last: 'Zoe' }]],
  },
  {
    dir: 'summarize-paid-orders',
    edges: [
      () => [[]],
      () => [[{ id: 1, status: 'pending', amount: 5 }]],
      () => [[{ id: 1, status: 'paid', amount: -0 }]],
      () => [[{ id: 1, status: 'paid', amount: -0 }, { id: 2, status: 'paid', amount: -0 }]],
      () => [[{ id: 1, status: 'paid', amount: NaN }, { id: 2, status: 'paid', amount: 1 }]],
      () => [[{ id: 1, status: 'paid', amount: Infinity }, { id: 2, status: 'paid', amount: -Infinity }]],
      () => [[{ id: 1, status: 'paid', amount: 0.1 }, { id: 2, status: 'refunded', amount: 9 }, { id: 3, status: 'paid', amount: 0.2 }]],
      () => [[{ id: 1, status: 'paid', amount: 0 }, { id: 2, status: 'paid', amount: -0 }]],
    ],
    random: (r) => [r.array(40, () => ({ id: r.int(0, 100), status: r.pick(['paid', 'pending', 'refunded']), amount: num(r) }))],
    wrongOn: () => [[{ id: 1, status: 'paid', amount: -0 }]],
  },
  {
    dir: 'total-price-async',
    edges: [
      () => [[], new Map()],
      () => [[{ sku: 'a', qty: 2 }], new Map([['a', 0.1]])],
      () => [[{ sku: '__proto__', qty: 1 }, { sku: 'constructor', qty: 1 }], new Map([['__proto__', 3]])],
      () => [[{ sku: 'a', qty: -0 }], new Map([['a', 5]])],
      () => [[{ sku: 'x', qty: Infinity }], new Map()],
      () => [[{ sku: 'a', qty: 1 }, { sku: 'b', qty: 1 }], new Map([['a', NaN], ['b', 1]])],
    ],
    random: (r) => [r.array(30, () => ({ sku: str(r), qty: num(r) })), new Map(r.array(10, () => [str(r), num(r)] as [string, number]))],
  },
  {
    dir: 'load-profiles-async',
    edges: [
      () => [[], new Map()],
      () => [[-0], new Map([[0, user('a')]])],
      () => [[1, 2, 1], new Map([[1, user('a')]])],
      () => [[1, 0.5, 2], new Map([[1, user('a')]])],
      () => [[NaN], new Map([[NaN, user('a')]])],
      () => [[Infinity], new Map()],
      () => [[2 ** 53], new Map([[2 ** 53, user('big')]])],
    ],
    random: (r) => [r.array(20, () => (r.bool(0.9) ? r.int(-3, 8) : num(r))), new Map(r.array(8, () => [r.bool(0.9) ? r.int(-3, 8) : num(r), user(str(r))] as [number, { name: string; email: string }]))],
    wrongOn: () => [[-0], new Map([[0, user('a')]])],
  },
  {
    dir: 'mat-mul',
    edges: [
      () => [[], []],
      () => [[[1, 2]], []],
      () => [[], [[1, 2]]],
      () => [[[]], [[]]],
      () => [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],
      () => [[[1, 2, 3]], [[1], [2]]],
      () => [[[1]], [[1, 2], [3]]],
      () => [[[1, 2], [3]], [[1, 2], [3, 4]]],
      () => [[[-0, -0]], [[0], [0]]],
      () => [[[-0]], [[-0]]],
      () => [[[NaN, Infinity]], [[0, 1], [1, 0]]],
      () => [[[0.1, 0.2, 0.3]], [[1], [1], [1]]],
    ],
    random: (r) => {
      const rows = r.int(0, 5);
      const inner = r.int(0, 5);
      const cols = r.int(0, 5);
      const ragged = r.bool(0.3);
      const a = Array.from({ length: rows }, () => Array.from({ length: ragged ? r.int(0, inner + 1) : inner }, () => num(r)));
      const b = Array.from({ length: ragged ? r.int(0, inner + 1) : inner }, () => Array.from({ length: ragged ? r.int(0, cols + 1) : cols }, () => num(r)));
      return [a, b];
    },
  },
  {
    dir: 'filter-allowed',
    edges: [
      () => [[], new Set()],
      () => [[NaN], new Set([NaN])],
      () => [[-0, 0], new Set([0])],
      () => [[0, -0], new Set([-0])],
      () => [[1, 1, 2, 1], new Set([1])],
      () => [[Infinity, -Infinity], new Set([-Infinity])],
      () => [[1, 2, 3], new Set()],
    ],
    random: (r) => [r.array(30, () => (r.bool(0.8) ? r.int(-3, 5) : num(r))), new Set(r.array(8, () => (r.bool(0.8) ? r.int(-3, 5) : num(r))))],
    wrongOn: () => [[NaN], new Set([NaN])],
  },
  {
    dir: 'group-by-brand',
    edges: [
      () => [[]],
      () => [[{ brand: 'constructor', name: 'x', price: 1 }]],
      () => [[{ brand: '__proto__', name: 'x', price: 1 }, { brand: 'a', name: 'y', price: 2 }, { brand: '__proto__', name: 'z', price: 3 }]],
      () => [[{ brand: 'toString', name: 'x', price: 1 }, { brand: 'toString', name: 'y', price: 2 }]],
      () => [[{ brand: 'b', name: 'x', price: 1 }, { brand: '10', name: 'y', price: 2 }, { brand: '2', name: 'z', price: 3 }, { brand: 'b', name: 'w', price: 4 }]],
      () => [[{ brand: '__proto__', name: 'x', price: 1 }, { brand: 'length', name: 'y', price: 2 }, { brand: '0', name: 'z', price: 3 }, { brand: 'push', name: 'w', price: 4 }]],
    ],
    random: (r) => [r.array(30, (): Product => ({ brand: r.bool(0.6) ? r.pick(['a', 'b', 'c', '1', '__proto__', 'constructor', 'length']) : str(r), name: str(r), price: num(r) }))],
    wrongOn: () => [[{ brand: 'constructor', name: 'x', price: 1 }]],
  },
];

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

interface Meta {
  function: string;
  file: string;
  kind: string;
  expectedSpeedup: string;
  wrongDiffersOn: string | null;
}

function readMeta(dir: string): Meta {
  return JSON.parse(readFileSync(join(CORPUS, dir, 'meta.json'), 'utf8')) as Meta;
}

async function load(dir: string, base: 'original' | 'fast' | 'wrong', name: string): Promise<Fn | null> {
  const ext = readMeta(dir).file.endsWith('.js') ? 'js' : 'ts';
  const file = join(CORPUS, dir, `${base}.${ext}`);
  if (!existsSync(file)) return null;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const f = mod[name];
  assert.equal(typeof f, 'function', `${file} exports ${name}`);
  return f as Fn;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

void test('corpus: every directory has a case here, a meta.json and the files it names', () => {
  const dirs = readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  assert.deepEqual(dirs, CASES.map((c) => c.dir).sort());
  assert.ok(dirs.length >= 12);
  let js = 0;
  let wrong = 0;
  for (const dir of dirs) {
    const meta = readMeta(dir);
    assert.ok(existsSync(join(CORPUS, dir, meta.file)), `${dir}/${meta.file}`);
    const ext = meta.file.endsWith('.js') ? 'js' : 'ts';
    if (ext === 'js') js++;
    assert.ok(existsSync(join(CORPUS, dir, `fast.${ext}`)), `${dir}/fast.${ext}`);
    const hasWrong = existsSync(join(CORPUS, dir, `wrong.${ext}`));
    if (hasWrong) wrong++;
    assert.equal(hasWrong, meta.wrongDiffersOn !== null, `${dir}: wrongDiffersOn matches the presence of wrong.${ext}`);
    assert.equal(hasWrong, CASES.find((c) => c.dir === dir)?.wrongOn !== undefined, `${dir}: a wrongOn input is given here`);
    assert.ok(meta.kind && meta.expectedSpeedup && meta.function);
  }
  assert.ok(js >= 3, 'at least 3 JS originals');
  assert.ok(wrong >= 4, 'at least 4 wrong variants');
});

for (const c of CASES) {
  void test(`corpus: ${c.dir}: fast matches the original; wrong differs where documented`, async () => {
    const meta = readMeta(c.dir);
    const original = await load(c.dir, 'original', meta.function);
    const fast = await load(c.dir, 'fast', meta.function);
    const wrong = await load(c.dir, 'wrong', meta.function);
    assert.ok(original && fast);
    const inputs: Args[] = [...c.edges];
    for (let i = 0; i < RANDOM_INPUTS; i++) {
      const seed = (0x5eed + i * 7919) >>> 0;
      inputs.push(() => c.random(new Rng(seed)));
    }
    for (const [i, make] of inputs.entries()) {
      const expected = await run(original, make());
      const actual = await run(fast, make());
      assert.deepStrictEqual(actual, expected, `${c.dir}: input #${i} (${i < c.edges.length ? 'edge' : 'random'})`);
    }
    if (wrong && c.wrongOn) {
      const expected = await run(original, c.wrongOn());
      const actual = await run(wrong, c.wrongOn());
      assert.notDeepStrictEqual(actual, expected, `${c.dir}: wrong variant should differ on its documented input`);
    }
  });
}
