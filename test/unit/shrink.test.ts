import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import { reductions, reduceValue } from '../../src/core/inputs/shrink';

void test('reductions are strictly smaller, smallest first, fresh copies, and keep types', () => {
  const args = [[5, -0, 3, 3, NaN, 9, 1, 2, 8, 7], 'hello world', new Map([['a', 1], ['b', 2]])];
  const before = serialize(args);
  const rs = reductions(args);
  assert.ok(rs.length > 10);
  const sizes = rs.map((r) => serialize(r).length);
  assert.ok(sizes.every((n) => n < before.length));
  assert.deepEqual([...sizes].sort((a, b) => a - b), sizes, 'smallest first');
  for (const r of rs) {
    assert.ok(Array.isArray(r[0]));
    assert.equal(typeof r[1], 'string');
    assert.ok(r[2] instanceof Map);
    assert.notEqual(r[0], args[0], 'copies, not shared objects');
  }
  assert.ok(serialize(args).equals(before), 'the original input is untouched');
  // Numbers are never changed: -0 and NaN survive in reductions that keep them.
  assert.ok(rs.some((r) => (r[0] as number[]).some((x) => Object.is(x, -0))));
});

void test('nested values shrink too, and empty values have no reductions', () => {
  assert.deepEqual(reduceValue(''), []);
  assert.deepEqual(reduceValue([]), []);
  assert.deepEqual(reduceValue(42), []);
  const nested = reduceValue([{ tags: ['a', 'b'] }]);
  assert.ok(nested.some((v) => JSON.stringify(v) === '[{"tags":["a"]}]'), JSON.stringify(nested));
});
