import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import { isDeepStrictEqual } from 'node:util';
import {
  describeSizeMeaning,
  functionKind,
  generateBenchInputs,
  generateVerifyInputs,
  inputsAreScalarOnly,
  sizeLadder,
} from '../../src/core/inputs/inputs';
import { FN_MARKER } from '../../src/core/sandbox/protocol';
import type { ParamInfo, TypeSchema } from '../../src/core/types';

const P = (name: string, type: TypeSchema, extra: Partial<ParamInfo> = {}): ParamInfo => ({ name, typeText: null, type, optional: false, rest: false, ...extra });
const NUM: TypeSchema = { kind: 'number' };
const STR: TypeSchema = { kind: 'string' };
const numArr: TypeSchema = { kind: 'array', element: NUM };

function firstArgs(rows: unknown[][], i = 0): unknown[] {
  return rows.filter((r) => r.length > i).map((r) => r[i]);
}
const has = (xs: unknown[], v: unknown) => xs.some((x) => Object.is(x, v));

/** Every object reachable from the rows, with the row it belongs to. */
function objectsByRow(rows: unknown[][]): Map<object, number> {
  const seen = new Map<object, number>();
  const walk = (v: unknown, row: number) => {
    if (typeof v !== 'object' || v === null) return;
    const prev = seen.get(v);
    if (prev !== undefined) {
      assert.equal(prev, row, 'an object is shared between two argument lists');
      return;
    }
    seen.set(v, row);
    if (v instanceof Map) {
      for (const [k, x] of v) {
        walk(k, row);
        walk(x, row);
      }
    }
    else if (v instanceof Set) for (const x of v) walk(x, row);
    else if (!ArrayBuffer.isView(v) && !(v instanceof Date)) for (const x of Object.values(v)) walk(x, row);
  };
  rows.forEach((r, i) => walk(r, i));
  return seen;
}

void test('verify inputs are deterministic, serializable and never share objects', () => {
  const params = [P('xs', numArr), P('m', { kind: 'map', key: STR, value: NUM }), P('r', { kind: 'record', value: NUM })];
  const a = generateVerifyInputs(params, { seed: 7 });
  const b = generateVerifyInputs(params, { seed: 7 });
  const c = generateVerifyInputs(params, { seed: 8 });
  assert.ok(isDeepStrictEqual(a, b));
  assert.ok(!isDeepStrictEqual(a, c));
  assert.ok(a.length >= 120);
  const round = deserialize(serialize(a)) as unknown[][];
  assert.ok(isDeepStrictEqual(round, a));
  objectsByRow(a);
});

void test('number edges are always present', () => {
  const xs = firstArgs(generateVerifyInputs([P('x', NUM)], { seed: 1 }));
  for (const v of [0, -0, 1, -1, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 0.5, -2.75, 1e-7, 1e21, -1e21]) {
    assert.ok(has(xs, v), `missing ${String(v)}`);
  }
  const ints = firstArgs(generateVerifyInputs([P('i', { kind: 'number', integer: true })], { seed: 1 }));
  assert.ok(ints.every((v) => Number.isInteger(v)), 'integer-hinted values are integers');
});

void test('string edges are always present', () => {
  const xs = firstArgs(generateVerifyInputs([P('s', STR), P('t', STR)], { seed: 2 }));
  for (const v of ['', 'a', 'a'.repeat(100), 'héllo', '日本語', '👍🏽', 'e\u0301', '__proto__', 'constructor', 'toString', ' \t\n', '42']) {
    assert.ok(xs.includes(v), `missing ${JSON.stringify(v)}`);
  }
  assert.ok(xs.every((v) => typeof v === 'string'));
});

void test('array edges: empty, single, duplicates, sorted, reversed, NaN and -0 elements, length <= 50', () => {
  const rows = generateVerifyInputs([P('xs', numArr), P('k', NUM)], { seed: 3 });
  const arrs = firstArgs(rows) as number[][];
  assert.ok(arrs.every((a) => Array.isArray(a) && a.length <= 50 && a.every((x) => typeof x === 'number')));
  assert.ok(arrs.some((a) => a.length === 0));
  assert.ok(arrs.some((a) => a.length === 1));
  assert.ok(arrs.some((a) => a.length >= 3 && a.every((x) => Object.is(x, a[0]))), 'all equal');
  assert.ok(arrs.some((a) => a.length >= 5 && new Set(a).size < a.length && new Set(a).size > 1), 'duplicates');
  const sortedAsc = (a: number[]) => a.every((x, i) => i === 0 || (a[i - 1] as number) <= x);
  const sortedDesc = (a: number[]) => a.every((x, i) => i === 0 || (a[i - 1] as number) >= x);
  assert.ok(arrs.some((a) => a.length >= 8 && sortedAsc(a) && new Set(a).size > 2));
  assert.ok(arrs.some((a) => a.length >= 8 && sortedDesc(a) && new Set(a).size > 2));
  assert.ok(arrs.some((a) => a.some((x) => Number.isNaN(x))));
  assert.ok(arrs.some((a) => a.some((x) => Object.is(x, -0))));
  assert.ok(arrs.some((a) => a.length === 50));
  // Related scalars: the second argument is sometimes an element of the array.
  assert.ok(rows.some((r) => Array.isArray(r[0]) && (r[0] as number[]).length > 3 && (r[0] as number[]).includes(r[1] as number)));
});

void test('objects, records, maps, sets, dates, bigints, typed arrays, unions, tuples', () => {
  const params: ParamInfo[] = [
    P('o', { kind: 'object', properties: [{ name: 'id', type: NUM, optional: false }, { name: 'tag', type: { kind: 'union', options: [STR, { kind: 'undefined' }] }, optional: true }] }),
    P('r', { kind: 'record', value: NUM }),
    P('m', { kind: 'map', key: NUM, value: STR }),
    P('s', { kind: 'set', element: NUM }),
    P('d', { kind: 'date' }),
    P('b', { kind: 'bigint' }),
    P('ta', { kind: 'typedArray', name: 'Float64Array' }),
    P('u', { kind: 'union', options: [NUM, STR, { kind: 'null' }] }),
    P('t', { kind: 'tuple', elements: [STR, NUM] }),
  ];
  const rows = generateVerifyInputs(params, { seed: 4 });
  const col = (i: number) => firstArgs(rows, i);
  const objs = col(0) as Record<string, unknown>[];
  assert.ok(objs.some((o) => !('tag' in o)), 'optional property missing');
  assert.ok(objs.some((o) => 'tag' in o && o.tag === undefined), 'optional property undefined');
  assert.ok(objs.some((o) => typeof o.tag === 'string'), 'optional property present');
  const recs = col(1) as Record<string, unknown>[];
  assert.ok(recs.some((r) => Object.keys(r).length === 0));
  const protoRec = recs.find((r) => Object.prototype.hasOwnProperty.call(r, '__proto__'));
  assert.ok(protoRec, "a record with an own '__proto__' key");
  assert.equal(Object.getPrototypeOf(protoRec), Object.prototype);
  const back = deserialize(serialize(protoRec)) as object;
  assert.ok(Object.prototype.hasOwnProperty.call(back, '__proto__'), 'the own __proto__ key survives v8.serialize');
  const maps = col(2) as Map<unknown, unknown>[];
  assert.ok(maps.every((m) => m instanceof Map));
  assert.ok(maps.some((m) => m.size === 0) && maps.some((m) => m.size === 1) && maps.some((m) => [...m.keys()].some((k) => Number.isNaN(k))));
  const sets = col(3) as Set<unknown>[];
  assert.ok(sets.some((s) => s.size === 0) && sets.some((s) => s.size === 1) && sets.some((s) => s.size === 2));
  const dates = col(4) as Date[];
  assert.ok(dates.some((d) => d.getTime() === 0) && dates.some((d) => d.getTime() < 0) && dates.some((d) => Number.isNaN(d.getTime())));
  const bigs = col(5);
  assert.ok(has(bigs, 0n) || bigs.includes(0n));
  assert.ok(bigs.includes(-1n) && bigs.includes(2n ** 64n));
  const tas = col(6) as Float64Array[];
  assert.ok(tas.every((t) => t instanceof Float64Array) && tas.some((t) => t.length === 0) && tas.some((t) => t.some((x) => Number.isNaN(x))));
  const us = col(7);
  assert.ok(us.some((u) => typeof u === 'number') && us.some((u) => typeof u === 'string') && us.includes(null));
  const ts = col(8) as unknown[][];
  assert.ok(ts.every((t) => Array.isArray(t) && t.length === 2 && typeof t[0] === 'string' && typeof t[1] === 'number'));
});

void test('optional parameters are sometimes omitted; rest parameters get 0..3 values', () => {
  const rows = generateVerifyInputs([P('xs', numArr), P('cmp', { kind: 'union', options: [{ kind: 'function' }, { kind: 'undefined' }] }, { optional: true, typeText: '(a: number, b: number) => number' })], { seed: 5 });
  assert.ok(rows.some((r) => r.length === 1));
  assert.ok(rows.some((r) => r.length === 2 && typeof r[1] === 'object'));
  const fn = rows.find((r) => r.length === 2 && r[1] !== undefined)?.[1] as Record<string, unknown>;
  assert.deepEqual(fn, { [FN_MARKER]: 'compare' });
  const rest = generateVerifyInputs([P('sep', STR), P('parts', { kind: 'array', element: STR }, { rest: true })], { seed: 5 });
  const restCounts = new Set(rest.map((r) => r.length - 1));
  for (const n of [0, 1, 2, 3]) assert.ok(restCounts.has(n), `rest with ${n} values`);
  assert.ok(Math.max(...restCounts) <= 3);
  assert.ok(rest.every((r) => r.every((x) => typeof x === 'string')));
});

void test('function kinds from type text and names', () => {
  assert.equal(functionKind({ name: 'f', typeText: '(a: T, b: T) => number' }), 'compare');
  assert.equal(functionKind({ name: 'f', typeText: '(x: T) => boolean' }), 'predicate');
  assert.equal(functionKind({ name: 'f', typeText: '(acc: number, x: T) => number' }), 'sum');
  assert.equal(functionKind({ name: 'keyFn', typeText: null }), 'key');
  assert.equal(functionKind({ name: 'f', typeText: '(x: T) => string' }), 'key');
  assert.equal(functionKind({ name: 'fn', typeText: '(x: T) => U' }), 'identity');
  assert.equal(functionKind({ name: 'comparator', typeText: null }), 'compare');
});

void test('untyped parameters: a varied mix, consistent within an argument list', () => {
  const rows = generateVerifyInputs([P('a', { kind: 'unknown' }), P('b', { kind: 'unknown' })], { seed: 6 });
  const kind = (v: unknown): string => (v === null || v === undefined ? 'nullish' : Array.isArray(v) ? 'array' : typeof v);
  const kinds = new Set(rows.map((r) => kind(r[0])));
  for (const k of ['number', 'string', 'array', 'object', 'nullish']) assert.ok(kinds.has(k), `no ${k}`);
  const same = rows.filter((r) => kind(r[0]) === kind(r[1])).length;
  assert.ok(same / rows.length > 0.75, `${same}/${rows.length} consistent`);
  // A name guess narrows an untyped parameter.
  const n = generateVerifyInputs([P('n', { kind: 'unknown' })], { seed: 6 });
  assert.ok(n.every((r) => typeof r[0] === 'number'));
  assert.ok(inputsAreScalarOnly([P('n', { kind: 'unknown' })]));
});

void test('scalar-only signatures keep random magnitudes small (edges still covered once)', () => {
  const rows = generateVerifyInputs([P('n', { kind: 'number', integer: true })], { seed: 9 });
  const xs = firstArgs(rows) as number[];
  assert.ok(has(xs, Number.MAX_SAFE_INTEGER));
  const big = xs.filter((x) => Math.abs(x) > 1000).length;
  assert.ok(big <= 10, `${big} large values`);
});

void test('bench inputs: arrays of length size with duplicates, distinct lists, deterministic', () => {
  const params = [P('xs', numArr)];
  const rows = generateBenchInputs(params, 1024, { seed: 1, count: 8 });
  assert.equal(rows.length, 8);
  for (const [xs] of rows as number[][][]) {
    assert.ok(xs && xs.length === 1024);
    assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 1024));
    assert.ok(new Set(xs).size < 1024, 'some duplicates');
  }
  assert.equal(new Set(rows.map((r) => JSON.stringify(r))).size, 8);
  assert.ok(isDeepStrictEqual(rows, generateBenchInputs(params, 1024, { seed: 1, count: 8 })));
  objectsByRow(rows);
});

void test('bench inputs: strings, maps, sets, objects and scalars', () => {
  const s = generateBenchInputs([P('text', STR), P('needle', STR)], 500, { seed: 2, count: 4 });
  for (const [t, n] of s as string[][]) {
    assert.equal(t?.length, 500);
    assert.ok(n !== undefined && n.length >= 1 && n.length <= 12);
  }
  const words = generateBenchInputs([P('words', { kind: 'array', element: STR })], 200, { seed: 2, count: 2 });
  const w = words[0]?.[0] as string[];
  assert.equal(w.length, 200);
  assert.ok(w.every((x) => /^[a-z]{3,12}$/.test(x)));
  assert.ok(new Set(w).size < 200);
  const ms = generateBenchInputs([P('m', { kind: 'map', key: STR, value: NUM }), P('s', { kind: 'set', element: NUM })], 300, { seed: 3, count: 2 });
  assert.equal((ms[0]?.[0] as Map<unknown, unknown>).size, 300);
  assert.equal((ms[0]?.[1] as Set<unknown>).size, 300);
  const users = generateBenchInputs(
    [P('users', { kind: 'array', element: { kind: 'object', properties: [{ name: 'id', type: NUM, optional: false }, { name: 'name', type: STR, optional: false }] } })],
    100,
    { seed: 4, count: 2 },
  );
  const u = users[0]?.[0] as { id: number; name: string }[];
  assert.equal(u.length, 100);
  assert.equal(new Set(u.map((x) => x.id)).size, 100, 'ids are unique');
  const fib = generateBenchInputs([P('n', { kind: 'number', integer: true })], 30, { seed: 5, count: 4 });
  const ns = fib.map((r) => r[0] as number);
  assert.ok(ns.every((n) => n <= 30 && n >= 27), String(ns));
  assert.ok(new Set(ns).size > 1);
  const pow = generateBenchInputs([P('n', { kind: 'bigint' })], 100, { seed: 5, count: 2 });
  assert.equal(typeof pow[0]?.[0], 'bigint');
  const flag = generateBenchInputs([P('flag', { kind: 'boolean' })], 16, { seed: 5, count: 5 });
  assert.equal(flag.length, 5);
});

void test('size meaning and ladder', () => {
  assert.equal(describeSizeMeaning([P('xs', numArr), P('k', NUM)]), 'array length (xs)');
  assert.equal(describeSizeMeaning([P('s', STR)]), 'string length (s)');
  assert.equal(describeSizeMeaning([P('n', { kind: 'number', integer: true })]), 'value of n');
  assert.equal(describeSizeMeaning([P('m', { kind: 'map', key: STR, value: NUM })]), 'map entries (m)');
  assert.equal(describeSizeMeaning([P('sep', STR), P('parts', { kind: 'array', element: STR }, { rest: true })]), 'number of arguments (parts)');
  assert.ok(inputsAreScalarOnly([P('a', NUM), P('b', NUM)]));
  assert.ok(!inputsAreScalarOnly([P('a', NUM), P('s', STR)]));
  const ladder = sizeLadder();
  assert.ok(ladder.length >= 5 && ladder.every((x, i) => i === 0 || x > (ladder[i - 1] as number)));
  const mag = sizeLadder([P('n', NUM)]);
  assert.ok((mag[0] as number) < (ladder[0] as number));
});

// ---------------------------------------------------------------------------------------------
// Structured text, length-related integers, pairwise coverage
// ---------------------------------------------------------------------------------------------

/** Greedy word wrap (words separated by single spaces; a word may contain '\n'). */
function wrapReference(text: string, width: number): string {
  let out = '';
  for (const w of text.split(' ')) {
    const last = out.split('\n').pop() ?? '';
    out += last.length === 0 ? w : last.length + 1 + w.length <= width ? ` ${w}` : `\n${w}`;
  }
  return out;
}

/** A plausible "fast" wrap that forgets that a word can contain a newline. */
function wrapForgetsNewlines(text: string, width: number): string {
  let out = '';
  let lineLen = 0;
  for (const w of text.split(' ')) {
    if (lineLen === 0) {
      out += w;
      lineLen = w.length;
    } else if (lineLen + 1 + w.length <= width) {
      out += ` ${w}`;
      lineLen += 1 + w.length;
    } else {
      out += `\n${w}`;
      lineLen = w.length;
    }
  }
  return out;
}

void test('verify strings include structured text: words of all lengths, separators, newlines inside words', () => {
  const strs = firstArgs(generateVerifyInputs([P('text', STR), P('width', NUM)], { seed: 11 })) as string[];
  assert.ok(strs.every((s) => typeof s === 'string'));
  const tokens = (s: string) => s.split(/[\s,;.-]+/).filter(Boolean);
  assert.ok(strs.some((s) => /\S\n\S/.test(s) && / \S/.test(s.slice(s.indexOf('\n')))), 'a newline inside a space-separated word, more words after it');
  assert.ok(strs.some((s) => s.includes('\t')), 'tabs');
  assert.ok(strs.some((s) => s.includes('\r\n')), 'CRLF');
  assert.ok(strs.some((s) => s.includes('  ')), 'double spaces (empty tokens)');
  assert.ok(strs.some((s) => /^[ \n\t,;.-]\S/.test(s)), 'a leading separator');
  assert.ok(strs.some((s) => /\S[ \n\t,;.-]$/.test(s)), 'a trailing separator');
  assert.ok(strs.some((s) => /[,;]/.test(s) && tokens(s).length >= 3), 'punctuation separators');
  assert.ok(strs.some((s) => tokens(s).some((t) => t.length > 12)), 'words longer than typical widths');
  assert.ok(strs.some((s) => tokens(s).length >= 3 && tokens(s).some((t) => t.length === 1)), 'one-letter words in text');
  assert.ok(strs.some((s) => tokens(s).some((t) => /^\d+$/.test(t)) && tokens(s).some((t) => /^[A-Z]/.test(t))), 'digits and capitals');
  assert.ok(strs.some((s) => /[^\u0020-\u007e\s]/.test(s) && tokens(s).length >= 3), 'Unicode words in text');
  assert.ok(strs.some((s) => tokens(s).length >= 4 && new Set(tokens(s)).size < tokens(s).length), 'repeated words');
});

void test('integers next to a string are drawn around its token, line and total lengths', () => {
  const rows = generateVerifyInputs([P('text', STR), P('width', NUM)], { seed: 12 });
  const related = rows.filter(([s, w]) => {
    if (typeof s !== 'string' || typeof w !== 'number' || s.length < 5) return false;
    const lens = [s.length, ...s.split(/[\s,;.-]+/).map((t) => t.length), ...s.split('\n').map((l) => l.length)];
    return lens.some((l) => Math.abs(l - w) <= 1) && w > 1;
  });
  assert.ok(related.length >= 20, `${related.length} widths at a boundary of the text`);
  // The same for an integer next to an array: around its length.
  const arrRows = generateVerifyInputs([P('xs', numArr), P('k', { kind: 'number', integer: true })], { seed: 12 });
  const near = arrRows.filter(([xs, k]) => Array.isArray(xs) && xs.length > 3 && typeof k === 'number' && Math.abs(xs.length - k) <= 1);
  assert.ok(near.length >= 5, `${near.length} indices around the array length`);
  // The integer may come first.
  const first = generateVerifyInputs([P('count', { kind: 'number', integer: true }), P('xs', numArr)], { seed: 12 });
  assert.ok(first.filter(([k, xs]) => Array.isArray(xs) && xs.length > 3 && k === xs.length).length >= 3);
});

void test('a wrap that forgets newlines inside words is caught for every seed', () => {
  const params = [P('text', STR), P('width', NUM)];
  for (let seed = 1; seed <= 25; seed++) {
    const rows = generateVerifyInputs(params, { seed });
    const caught = rows.filter(([t, w]) => wrapReference(t as string, w as number) !== wrapForgetsNewlines(t as string, w as number));
    assert.ok(caught.length > 0, `seed ${seed}: not caught in ${rows.length} lists`);
  }
});

void test('pairwise coverage: leading edge classes of every two parameters meet; the total stays bounded', () => {
  const rows = generateVerifyInputs([P('x', NUM), P('s', STR), P('flag', { kind: 'boolean' })], { seed: 13 });
  for (const x of [0, -0, 1, -1, NaN, 0.5]) {
    for (const s of ['', 'a', ' ', '__proto__']) assert.ok(rows.some((r) => Object.is(r[0], x) && r[1] === s), `(${String(x)}, ${JSON.stringify(s)})`);
    for (const b of [true, false]) assert.ok(rows.some((r) => Object.is(r[0], x) && r[2] === b), `(${String(x)}, ${b})`);
  }
  // Edge arrays meet edge sets: NaN in both.
  const sets = generateVerifyInputs([P('ids', numArr), P('allowed', { kind: 'set', element: NUM })], { seed: 13 });
  assert.ok(sets.some(([a, s]) => Array.isArray(a) && a.some((x) => Number.isNaN(x)) && s instanceof Set && [...s].some((x) => Number.isNaN(x))));
  const obj: TypeSchema = { kind: 'object', properties: [{ name: 'id', type: NUM, optional: false }, { name: 'name', type: STR, optional: true }] };
  for (const params of [
    [P('x', NUM)],
    [P('text', STR), P('width', NUM)],
    [P('a', NUM), P('b', STR), P('c', { kind: 'boolean' }), P('d', numArr)],
    [P('xs', numArr), P('k', { kind: 'number', integer: true }), P('s', STR), P('t', STR), P('u', NUM), P('o', obj)],
    [P('a', { kind: 'unknown' }), P('b', { kind: 'unknown' })],
    [P('m', { kind: 'map', key: STR, value: NUM }), P('xs', { kind: 'array', element: obj })],
  ]) {
    const n = generateVerifyInputs(params, { seed: 14 }).length;
    assert.ok(n >= 90 && n <= 210, `${params.map((p) => p.name).join(',')}: ${n} lists`);
  }
});

void test('pairwise rows keep huge and infinite scalars out (a loop to n would time out on each)', () => {
  const rows = generateVerifyInputs([P('s', STR), P('n', { kind: 'number', integer: true })], { seed: 15 });
  const huge = rows.filter((r) => typeof r[1] === 'number' && Math.abs(r[1]) > 1e6).length;
  assert.ok(huge <= 8, `${huge} huge n`);
});

void test('arrays of objects: several objects share an id that equality treats specially', () => {
  const item: TypeSchema = { kind: 'object', properties: [{ name: 'id', type: NUM, optional: false }, { name: 'name', type: STR, optional: false }, { name: 'status', type: { kind: 'union', options: [{ kind: 'literal', value: 'paid' }, { kind: 'literal', value: 'open' }] }, optional: false }] };
  const arrs = firstArgs(generateVerifyInputs([P('items', { kind: 'array', element: item })], { seed: 16 })) as Record<string, unknown>[][];
  const sharing = (pred: (v: unknown) => boolean) => arrs.some((a) => a.length >= 2 && a.every((o) => pred(o.id)));
  assert.ok(sharing((v) => Number.isNaN(v)), 'all ids NaN');
  assert.ok(sharing((v) => Object.is(v, -0)), 'all ids -0');
  assert.ok(arrs.some((a) => a.length >= 2 && a.every((o) => o.name === '__proto__')), "all names '__proto__'");
  assert.ok(arrs.some((a) => a.length >= 1 && a.every((o) => o.status === 'paid')), "all status 'paid'");
  assert.ok(arrs.some((a) => a.length === 1 && Object.is(a[0]?.id, -0)), 'a single object with id -0 (diagonal reaches every number edge)');
});

// ---------------------------------------------------------------------------------------------
// Benchmark inputs: speed, vocabularies, searches
// ---------------------------------------------------------------------------------------------

const NESTED: TypeSchema = {
  kind: 'array',
  element: {
    kind: 'object',
    properties: [
      { name: 'id', type: STR, optional: false },
      { name: 'name', type: STR, optional: false },
      { name: 'category', type: STR, optional: false },
      { name: 'price', type: NUM, optional: false },
      { name: 'tags', type: { kind: 'array', element: STR }, optional: false },
      { name: 'meta', type: { kind: 'record', value: numArr }, optional: true },
      { name: 'owner', type: { kind: 'object', properties: [{ name: 'name', type: STR, optional: false }, { name: 'scores', type: numArr, optional: false }] }, optional: false },
    ],
  },
};

function bestMs(f: () => void, reps = 2): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

void test('bench inputs: nested object arrays are generated fast and in linear time', () => {
  const params = [P('items', NESTED)];
  generateBenchInputs(params, 1024, { seed: 1, count: 2 }); // warm up
  const big = bestMs(() => {
    const rows = generateBenchInputs(params, 16384, { seed: 1, count: 4 });
    assert.equal((rows[0]?.[0] as unknown[]).length, 16384);
  });
  // Generous: about 0.3 s on a quiet machine (it took several seconds before compiled generators).
  assert.ok(big < 2000, `4 lists of 16384 nested objects took ${big.toFixed(0)} ms`);
  const small = bestMs(() => generateBenchInputs(params, 2048, { seed: 2, count: 4 }), 3);
  const perElementRatio = big / 16384 / (small / 2048);
  assert.ok(perElementRatio < 4, `cost per element grew ${perElementRatio.toFixed(2)}x from 2048 to 16384 elements`);
  const o = (generateBenchInputs(params, 64, { seed: 3, count: 1 })[0]?.[0] as Record<string, unknown>[])[0] as Record<string, unknown>;
  assert.equal(typeof o.id, 'string');
  assert.ok(Array.isArray(o.tags) && (o.tags as unknown[]).length >= 1 && (o.tags as unknown[]).length <= 6);
  assert.ok(typeof o.owner === 'object' && Array.isArray((o.owner as Record<string, unknown>).scores));
});

void test('bench inputs: categorical fields stay small, names and keys scale with size, other strings ~sqrt(size)', () => {
  const S = (name: string) => ({ name, type: STR, optional: false });
  const prod: TypeSchema = { kind: 'array', element: { kind: 'object', properties: [S('brand'), S('status'), S('category'), S('color'), S('name')] } };
  const distinct = (n: number) => {
    const xs = generateBenchInputs([P('products', prod)], n, { seed: 5, count: 1 })[0]?.[0] as Record<string, string>[];
    return (k: string) => new Set(xs.map((x) => x[k])).size;
  };
  const small = distinct(256);
  const large = distinct(16384);
  assert.ok(large('status') <= 8 && large('category') <= 8, 'categorical fields keep a small vocabulary');
  assert.ok(large('brand') >= 16384 / 8, `brand: ${large('brand')} values`);
  assert.ok(large('name') >= 16384 / 8, `name: ${large('name')} values`);
  assert.ok(large('brand') > 8 * small('brand'));
  // Generic strings: many groups, growing like the square root of the size.
  assert.ok(large('color') >= 128 && large('color') <= 1024, `color: ${large('color')} values at 16384`);
  assert.ok(small('color') >= 16 && small('color') <= 64, `color: ${small('color')} values at 256`);
});

void test('bench inputs: searched scalars are absent in half the lists and elsewhere at a random position', () => {
  const n = 4096;
  const positions = (rows: unknown[][], find: (row: unknown[]) => number) => rows.map(find);
  const check = (found: number[], what: string) => {
    const absent = found.filter((i, r) => r % 2 === 0 && i === -1).length;
    assert.equal(absent, found.length / 2, `${what}: absent in every other list (${found.join(' ')})`);
    const present = found.filter((_, r) => r % 2 === 1);
    assert.ok(present.every((i) => i >= 0), `${what}: present in the others`);
    const mean = present.reduce((a, b) => a + b, 0) / present.length;
    assert.ok(mean > n / 8, `${what}: found late enough on average (${mean.toFixed(0)})`);
  };
  const nums = generateBenchInputs([P('nums', numArr), P('target', NUM)], n, { seed: 6, count: 16 });
  check(positions(nums, (r) => (r[0] as number[]).indexOf(r[1] as number)), 'number target');
  const user: TypeSchema = { kind: 'array', element: { kind: 'object', properties: [{ name: 'id', type: STR, optional: false }, { name: 'name', type: STR, optional: false }] } };
  const users = generateBenchInputs([P('users', user), P('userId', STR)], n, { seed: 6, count: 16 });
  check(positions(users, (r) => (r[0] as { id: string }[]).findIndex((u) => u.id === r[1])), 'id in objects');
  // The scalar may come first.
  const first = generateBenchInputs([P('x', NUM), P('xs', numArr)], n, { seed: 6, count: 16 });
  check(positions(first, (r) => (r[1] as number[]).indexOf(r[0] as number)), 'x before xs');
  const text = generateBenchInputs([P('text', STR), P('needle', STR)], n, { seed: 6, count: 16 });
  const idx = text.map((r) => (r[0] as string).indexOf(r[1] as string));
  assert.ok(idx.every((i, r) => (r % 2 === 0 ? i === -1 : i >= 0)), idx.join(' '));
  // A scalar that is not searched for keeps its ordinary values.
  const k = generateBenchInputs([P('xs', numArr), P('k', { kind: 'number', integer: true })], n, { seed: 6, count: 4 });
  assert.ok(k.every((r) => typeof r[1] === 'number' && (r[1] as number) <= 100));
});
