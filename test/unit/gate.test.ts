import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeGate } from '../../src/core/project-tests/session';
import type { TestCaseResult } from '../../src/core/project-tests/types';

const k = (file: string, name: string) => `${file}\u0000${name}`;
const r = (file: string, name: string, status: TestCaseResult['status'], message: string | null = null): TestCaseResult => ({ file, name, status, message });

void test('gate: every test that passed on the original must pass with the candidate', () => {
  const mustPass = new Set([k('a.test.js', 'adds'), k('a.test.js', 'records one metric per call')]);
  const baseline = new Set([...mustPass, k('a.test.js', 'already broken')]);
  const ok = judgeGate([r('a.test.js', 'adds', 'passed'), r('a.test.js', 'records one metric per call', 'passed'), r('a.test.js', 'already broken', 'failed', 'x')], mustPass, baseline, 5);
  assert.equal(ok.status, 'passed');
  assert.equal(ok.passed, 2);
  assert.deepEqual(ok.failed, [], 'a test the original already failed does not count against the candidate');

  const bad = judgeGate([r('a.test.js', 'adds', 'passed'), r('a.test.js', 'records one metric per call', 'failed', 'expected 1, got 0')], mustPass, baseline, 5);
  assert.equal(bad.status, 'failed');
  assert.deepEqual(bad.failed, [{ file: 'a.test.js', name: 'records one metric per call', message: 'expected 1, got 0' }]);
});

void test('gate: a baseline test that no longer runs, or a new suite failure, fails the candidate', () => {
  const mustPass = new Set([k('a.test.js', 'adds')]);
  const missing = judgeGate([], mustPass, mustPass, 1);
  assert.equal(missing.status, 'failed');
  assert.match(missing.failed[0]!.message ?? '', /did not run/);
  const suite = judgeGate([r('a.test.js', 'adds', 'passed'), r('a.test.js', '', 'failed', 'SyntaxError: Unexpected token')], mustPass, mustPass, 1);
  assert.equal(suite.status, 'failed');
  assert.equal(suite.failed[0]!.name, '(test file)');
});
