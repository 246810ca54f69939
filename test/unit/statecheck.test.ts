import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossCallState } from '../../src/core/verify/statecheck';

const original = `import { x } from './x';
const LIMIT = 10;
let calls = 0;
export function count(xs: number[]): number {
  calls++;
  let n = 0;
  for (const v of xs) if (v < LIMIT) n++;
  return n;
}
`;

void test('a module-level memo written by the candidate is cross-call state', () => {
  const cand = original.replace(
    'export function count',
    'const memo = new Map<string, number>();\nexport function count',
  ).replace('  let n = 0;', '  const k = xs.join(); if (memo.has(k)) return memo.get(k)!;\n  let n = 0;').replace('  return n;', '  memo.set(k, n);\n  return n;');
  const reason = crossCallState('m.ts', original, cand, 'count');
  assert.ok(reason);
  assert.match(reason, /'memo' \(written by count\)/);
});

void test('state written through a helper the target calls is found too', () => {
  const cand = original.replace(
    'export function count',
    'const seen: number[] = [];\nfunction remember(v: number) { seen.push(v); }\nexport function count',
  ).replace('  return n;', '  remember(n);\n  return n;');
  assert.match(crossCallState('m.ts', original, cand, 'count') ?? '', /'seen' \(written by remember\)/);
});

void test('state the original already writes, locals that shadow module names, and read-only tables are fine', () => {
  // `calls` is written by the original too; `LIMIT` is only read; the local `memo` shadows nothing module-level.
  const cand = original
    .replace('export function count', 'const TABLE = [1, 2, 3];\nexport function count')
    .replace('  let n = 0;', '  const memo = new Map<number, boolean>(); memo.set(1, true);\n  let n = TABLE.length - 3;');
  assert.equal(crossCallState('m.ts', original, cand, 'count'), null);
});

void test('lazy module-level initialisation counts as cross-call state', () => {
  const cand = original
    .replace('export function count', 'let cachedLimit: number | undefined;\nexport function count')
    .replace('  let n = 0;', '  if (cachedLimit === undefined) cachedLimit = LIMIT;\n  let n = 0;');
  assert.match(crossCallState('m.ts', original, cand, 'count') ?? '', /cachedLimit/);
});
