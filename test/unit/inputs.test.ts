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
} from '../../src/core/inputs';
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
