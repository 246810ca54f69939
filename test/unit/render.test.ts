import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderArgs, renderEncoded, renderOutcome, renderValue, renderValueArgs } from '../../src/core/report/render';
import { FN_MARKER } from '../../src/core/sandbox/protocol';
import type { Encoded } from '../../src/core/types';

const num = (v: number | 'NaN' | '-0'): Encoded => ({ t: 'number', v });
const str = (v: string): Encoded => ({ t: 'string', v });

void test('renderEncoded: primitives', () => {
  assert.equal(renderEncoded({ t: 'array', items: [num(1), num(2), num('NaN')] }), '[1, 2, NaN]');
  assert.equal(renderEncoded(num('-0')), '-0');
  assert.equal(renderEncoded(num(-0)), '-0');
  assert.equal(renderEncoded({ t: 'bigint', v: '10' }), '10n');
  assert.equal(renderEncoded(str('héllo')), "'héllo'");
  assert.equal(renderEncoded(str("it's\n\u0000")), "'it\\'s\\n\\x00'");
  assert.equal(renderEncoded(str('\uD83D')), "'\\ud83d'");
  assert.equal(renderEncoded(str('👍🏽')), "'👍🏽'");
  assert.equal(renderEncoded({ t: 'undefined' }), 'undefined');
  assert.equal(renderEncoded({ t: 'function', name: 'f' }), '[Function: f]');
});

void test('renderEncoded: collections and objects', () => {
  assert.equal(renderEncoded({ t: 'map', entries: [[str('a'), num(1)], [str('b'), num(2)]] }), "Map(2) { 'a' => 1, 'b' => 2 }");
  assert.equal(renderEncoded({ t: 'set', items: [num(3)] }), 'Set(1) { 3 }');
  assert.equal(renderEncoded({ t: 'set', items: [] }), 'Set(0) {}');
  assert.equal(renderEncoded({ t: 'date', v: '2020-01-01T00:00:00.000Z' }), 'Date(2020-01-01T00:00:00.000Z)');
  assert.equal(renderEncoded({ t: 'object', ctor: 'Foo', entries: [['x', num(1)]] }), 'Foo { x: 1 }');
  assert.equal(renderEncoded({ t: 'object', ctor: 'Object', entries: [['a b', num(1)], ['c', str('d')]] }), "{ 'a b': 1, c: 'd' }");
  assert.equal(renderEncoded({ t: 'object', ctor: null, entries: [] }), '[Object: null prototype] {}');
  assert.equal(renderEncoded({ t: 'error', ctor: 'TypeError', name: 'TypeError', message: 'msg' }), 'TypeError: msg');
  assert.equal(renderEncoded({ t: 'array', items: [num(1), null, null, num(2), null] }), '[1, <2 empty items>, 2, <1 empty item>]');
  assert.equal(renderEncoded({ t: 'array', items: [{ t: 'ref', depth: 1 }] }), '[[Circular]]');
  assert.equal(renderEncoded({ t: 'truncated', hash: 'x', preview: '[1, 2' }), '[1, 2…');
});

void test('renderEncoded truncates with an ellipsis and stays cheap on huge values', () => {
  const big: Encoded = { t: 'array', items: Array.from({ length: 100000 }, (_, i) => num(i)) };
  const s = renderEncoded(big, 50);
  assert.equal(s.length, 50);
  assert.ok(s.endsWith('…'));
  assert.ok(s.startsWith('[0, 1, 2'));
  assert.equal(renderEncoded(str('x'.repeat(1000)), 10), "'xxxxxxxx…");
});

void test('renderArgs and renderOutcome', () => {
  assert.equal(renderArgs([num(1), str('a')]), "(1, 'a')");
  assert.equal(renderArgs([]), '()');
  const huge: Encoded = { t: 'array', items: Array.from({ length: 1000 }, () => num(7)) };
  const s = renderArgs([huge, num(42)], 100);
  assert.ok(s.length <= 100, s);
  assert.ok(s.endsWith(', 42)'), s);
  assert.equal(renderOutcome({ kind: 'returned', value: num(3), args: [] }), 'returned 3');
  assert.equal(renderOutcome({ kind: 'threw', error: { t: 'error', ctor: 'TypeError', name: 'TypeError', message: 'bad' }, args: [] }), 'threw TypeError: bad');
  assert.equal(renderOutcome({ kind: 'timeout' }), 'timed out');
});

void test('renderValue: plain JS values', () => {
  const own: Record<string, unknown> = {};
  Object.defineProperty(own, '__proto__', { value: 1, enumerable: true, writable: true, configurable: true });
  assert.equal(renderValue([1, -0, NaN, 10n, 'x']), "[1, -0, NaN, 10n, 'x']");
  assert.equal(renderValue(new Map([['a', 1]])), "Map(1) { 'a' => 1 }");
  assert.equal(renderValue(new Set([1, 2])), 'Set(2) { 1, 2 }');
  assert.equal(renderValue(new Date(0)), 'Date(1970-01-01T00:00:00.000Z)');
  assert.equal(renderValue(new Date(NaN)), 'Date(Invalid Date)');
  assert.equal(renderValue(new Uint8Array([1, 2])), 'Uint8Array [1, 2]');
  assert.equal(renderValue(own), '{ __proto__: 1 }');
  assert.equal(renderValue(Object.create(null)), '[Object: null prototype] {}');
  assert.equal(renderValue({ [FN_MARKER]: 'compare' }), '[Function: <compare>]');
  // eslint-disable-next-line no-sparse-arrays
  assert.equal(renderValue([1, , 3]), '[1, <1 empty item>, 3]');
  const cyc: { self?: unknown } = {};
  cyc.self = cyc;
  assert.equal(renderValue(cyc), '{ self: [Circular] }');
  class Point {
    constructor(public x: number) {}
  }
  assert.equal(renderValue(new Point(1)), 'Point { x: 1 }');
  assert.equal(renderValue(new RangeError('r')), 'RangeError: r');
  const bigSet = new Set(Array.from({ length: 5000 }, (_, i) => i));
  const s = renderValue(bigSet, 40);
  assert.ok(s.startsWith('Set(5000) { 0, 1'), s);
  assert.equal(s.length, 40);
  assert.equal(renderValueArgs([[1, 2], 'a']), "([1, 2], 'a')");
});
