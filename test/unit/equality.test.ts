import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOutcomes, encodedEqual } from '../../src/core/verify/equality';
import type { CallOutcome, Encoded } from '../../src/core/types';

const num = (v: number | 'NaN' | 'Infinity' | '-Infinity' | '-0'): Encoded => ({ t: 'number', v });
const str = (v: string): Encoded => ({ t: 'string', v });
const arr = (...items: (Encoded | null)[]): Encoded => ({ t: 'array', items });
const obj = (entries: [string, Encoded][], ctor: string | null = 'Object'): Encoded => ({ t: 'object', ctor, entries });
const ret = (value: Encoded, args: Encoded[] = []): CallOutcome => ({ kind: 'returned', value, args });
const err = (ctor: string, message: string): Encoded => ({ t: 'error', ctor, name: ctor, message });
const threw = (error: Encoded, args: Encoded[] = []): CallOutcome => ({ kind: 'threw', error, args });

void test('numbers: NaN equals NaN, -0 differs from 0', () => {
  assert.ok(encodedEqual(num('NaN'), num('NaN')));
  assert.ok(!encodedEqual(num(0), num('-0')));
  assert.ok(encodedEqual(num(1.5), num(1.5)));
  assert.ok(!encodedEqual(num(1), str('1')));
});

void test('arrays: order matters, holes differ from undefined', () => {
  assert.ok(encodedEqual(arr(num(1), num(2)), arr(num(1), num(2))));
  assert.ok(!encodedEqual(arr(num(1), num(2)), arr(num(2), num(1))));
  assert.ok(!encodedEqual(arr(null), arr({ t: 'undefined' })));
  assert.ok(encodedEqual(arr(null, num(1)), arr(null, num(1))));
  assert.ok(!encodedEqual({ t: 'array', items: [], extra: [['x', num(1)]] }, arr()));
});

void test('plain objects: key order ignored, constructor names matter', () => {
  assert.ok(encodedEqual(obj([['a', num(1)], ['b', num(2)]]), obj([['b', num(2)], ['a', num(1)]])));
  assert.ok(!encodedEqual(obj([['a', num(1)]]), obj([['a', num(1)]], 'Foo')));
  assert.ok(!encodedEqual(obj([]), obj([], null)));
  assert.ok(!encodedEqual(obj([['a', num(1)]]), obj([['a', num(1)], ['b', { t: 'undefined' }]])));
});

void test('Map and Set: insertion order is significant', () => {
  const m1: Encoded = { t: 'map', entries: [[str('a'), num(1)], [str('b'), num(2)]] };
  const m2: Encoded = { t: 'map', entries: [[str('b'), num(2)], [str('a'), num(1)]] };
  assert.ok(encodedEqual(m1, structuredClone(m1)));
  assert.ok(!encodedEqual(m1, m2));
  assert.ok(!encodedEqual({ t: 'set', items: [num(1), num(2)] }, { t: 'set', items: [num(2), num(1)] }));
});

void test('errors, typed arrays, truncated and refs', () => {
  assert.ok(encodedEqual(err('TypeError', 'x'), err('TypeError', 'x')));
  assert.ok(!encodedEqual(err('TypeError', 'x'), err('RangeError', 'x')));
  assert.ok(!encodedEqual(err('TypeError', 'x'), err('TypeError', 'y')));
  assert.ok(encodedEqual(err('TypeError', 'x'), err('TypeError', 'y'), { errorMessages: 'ctor-only' }));
  assert.ok(!encodedEqual({ t: 'typed', ctor: 'Uint8Array', v: '1,2' }, { t: 'typed', ctor: 'Int8Array', v: '1,2' }));
  assert.ok(encodedEqual({ t: 'truncated', hash: 'h1', preview: 'a' }, { t: 'truncated', hash: 'h1', preview: 'b' }));
  assert.ok(!encodedEqual({ t: 'truncated', hash: 'h1', preview: 'a' }, { t: 'truncated', hash: 'h2', preview: 'a' }));
  assert.ok(encodedEqual({ t: 'ref', depth: 1 }, { t: 'ref', depth: 1 }));
  assert.ok(!encodedEqual({ t: 'ref', depth: 1 }, { t: 'ref', depth: 2 }));
});

void test('compareOutcomes: return value differences carry a path', () => {
  const e = ret(arr(obj([['name', str('a')]]), obj([['name', str('b')]])));
  const a = ret(arr(obj([['name', str('a')]]), obj([['name', str('c')]])));
  const d = compareOutcomes(e, a);
  assert.ok(d);
  assert.equal(d.aspect, 'return value');
  assert.equal(d.path, '[1].name');
  assert.deepEqual(d.expected, str('b'));
  assert.deepEqual(d.actual, str('c'));
  assert.equal(compareOutcomes(e, structuredClone(e)), null);
  const m = compareOutcomes(
    ret({ t: 'map', entries: [[str('k'), num(1)]] }),
    ret({ t: 'map', entries: [[str('k'), num(2)]] }),
  );
  assert.equal(m?.path, ".get('k')");
  const q = compareOutcomes(ret(obj([['a b', num(1)]])), ret(obj([['a b', num(2)]])));
  assert.equal(q?.path, '["a b"]');
});

void test('compareOutcomes: kinds, errors, arguments after the call, timeouts', () => {
  const d1 = compareOutcomes(ret(num(1)), threw(err('TypeError', 'boom')));
  assert.equal(d1?.aspect, 'threw instead of returning');
  const d2 = compareOutcomes(threw(err('TypeError', 'boom')), ret(num(1)));
  assert.equal(d2?.aspect, 'returned instead of throwing');
  const d3 = compareOutcomes(threw(err('TypeError', 'a')), threw(err('TypeError', 'b')));
  assert.equal(d3?.aspect, 'thrown error');
  assert.equal(compareOutcomes(threw(err('TypeError', 'a')), threw(err('TypeError', 'a'))), null);
  const d4 = compareOutcomes(ret(num(1), [arr(num(3), num(1)), num(0)]), ret(num(1), [arr(num(1), num(3)), num(0)]));
  assert.equal(d4?.aspect, 'argument 1 after the call');
  assert.equal(d4?.path, '[0]');
  const d5 = compareOutcomes(ret(num(1), [num(0), arr(num(1))]), ret(num(1), [num(0), arr()]));
  assert.equal(d5?.aspect, 'argument 2 after the call');
  assert.equal(d5?.path, '');
  const d6 = compareOutcomes(ret(num(1)), { kind: 'timeout' });
  assert.equal(d6?.aspect, 'timed out');
  assert.equal(d6?.actual, null);
  assert.equal(compareOutcomes({ kind: 'timeout' }, ret(num(1))), null);
});
