/**
 * Helpers for tests that read a run's report: finding a candidate by where it came from.
 */
import assert from 'node:assert/strict';

/** The report's candidate whose origin is `origin` (a variant's file name or label); fails the test when there is none. */
export function byOrigin<C extends { origin: string }>(report: { candidates: readonly C[] }, origin: string): C {
  const c = report.candidates.find((x) => x.origin === origin);
  assert.ok(c, `no candidate ${origin} in the report`);
  return c;
}
