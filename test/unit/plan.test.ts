import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plannedRounds } from '../../src/core/pipeline';
import { needsReplication } from '../../src/core/benchmark/stage';

void test('confirmation rounds: few for a clear win, many near the threshold or when the pilot is noisy', () => {
  const clear = plannedRounds(8, 0.1, 1.05);
  const near = plannedRounds(1.12, 0.05, 1.05);
  const noisy = plannedRounds(1.5, 0.3, 1.05);
  assert.ok(clear <= 6, `clear win: ${clear}`);
  assert.ok(near > 12, `near the threshold: ${near}`);
  assert.ok(noisy > plannedRounds(1.5, 0.05, 1.05), 'more spread, more rounds');
  // At or below the threshold the pilot cannot size anything: the caller uses its maximum.
  assert.equal(plannedRounds(1.02, 0.01, 1.05), Number.MAX_SAFE_INTEGER);
  assert.equal(plannedRounds(2, Number.POSITIVE_INFINITY, 1.05), Number.MAX_SAFE_INTEGER);
});

void test('a faster confirmation close to the threshold is replicated; a clear win and a non-claim are not', () => {
  const ci = (low: number) => ({ estimate: low * 1.2, low, high: low * 1.4, confidence: 0.95 });
  assert.equal(needsReplication('faster', ci(1.08), 1.05), true, 'an A/A-like 1.08 lower bound');
  assert.equal(needsReplication('faster', ci(1.3), 1.05), true);
  assert.equal(needsReplication('faster', ci(1.4), 1.05), false, 'a clear win stays cheap');
  assert.equal(needsReplication('not-faster', ci(1.08), 1.05), false);
  assert.equal(needsReplication('faster', ci(1.4), 1.2), true, 'relative to the threshold');
});
