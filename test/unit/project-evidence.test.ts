/**
 * The project's own tests, end to end through runHotpath on the fixture projects (installed from
 * the registry by scripts/setup-fixtures.mjs): captured calls join verification and reveal bugs
 * generated inputs miss, the suite gates every would-be `faster` candidate, and methods with
 * `this` state are optimized with the receiver's state checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runHotpath } from '../../src/core/pipeline';
import type { Report } from '../../src/core/report/report';

const PROJECTS = resolve(__dirname, '../fixtures/projects');
const VARIANTS = resolve(__dirname, '../fixtures/project-variants');
const variant = (file: string) => ({ origin: file, source: readFileSync(join(VARIANTS, file), 'utf8') });
const show = (r: Report) => JSON.stringify({ notes: r.notes, tests: r.tests, candidates: r.candidates.map((c) => [c.origin, c.verdict, c.reason, c.tests]) }, null, 1);

void test('Jest (CommonJS): a candidate that passes differential testing but fails a project test is rejected with that test', { timeout: 600_000 }, async () => {
  const report = await runHotpath({
    file: join(PROJECTS, 'jest-cjs/src/summarize.js'),
    selector: { name: 'summarize' },
    variants: [variant('summarize.fast.js'), variant('summarize.nometrics.js')],
  });
  const t = report.tests;
  assert.ok(t, show(report));
  assert.equal(t.runner, 'jest');
  assert.deepEqual(t.files.map((f) => f.file), ['test/summarize.test.js'], 'only the test file that imports the module, not format.test.js');
  assert.ok(t.files[0]!.calls >= 8, `the tests call summarize at least 8 times (got ${t.files[0]!.calls})`);
  assert.equal(t.totalCalls, t.files[0]!.calls);
  assert.ok(t.captured >= 6, show(report));
  assert.ok(t.passing >= 6 && t.excluded.length === 0, show(report));
  assert.ok(report.verification.sources.some((s) => /captured from the project's tests/.test(s)), report.verification.sources.join('; '));

  const fast = report.candidates.find((c) => c.origin === 'summarize.fast.js')!;
  const noMetrics = report.candidates.find((c) => c.origin === 'summarize.nometrics.js')!;
  assert.equal(fast.verdict, 'faster', show(report));
  assert.equal(fast.tests?.status, 'passed');
  assert.ok(fast.workload && fast.workload.calls === t.captured, 'the captured calls form the real-workload benchmark');
  // Same return values and arguments on every input (the metric lives in another module), so only the suite can tell.
  assert.equal(noMetrics.verdict, 'incorrect', show(report));
  assert.match(noMetrics.reason, /records one metric per call/);
  assert.equal(noMetrics.tests?.status, 'failed');
  assert.deepEqual(noMetrics.tests?.failed.map((f) => f.name), ['summarize > records one metric per call']);
  assert.match(noMetrics.tests?.failed[0]?.message ?? '', /3/);
});

void test('node:test (ESM): calls captured from the tests reveal a bug; without running them, their literal arguments still do', { timeout: 600_000 }, async () => {
  const file = join(PROJECTS, 'node-test-esm/src/duration.js');
  const withTests = await runHotpath({ file, selector: { name: 'parseDuration' }, variants: [variant('duration.lastunit.js')] });
  assert.equal(withTests.tests?.runner, 'node-test', show(withTests));
  assert.deepEqual(withTests.tests?.files.map((f) => f.file), ['test/duration.test.js', 'test/timeout.test.js']);
  const c = withTests.candidates[0]!;
  assert.equal(c.verdict, 'incorrect', show(withTests));
  // The counterexample is a combined duration, which only the tests' calls contain.
  assert.match(c.counterexample?.input ?? '', /\d+(h|m|s|ms)\d+(h|m|s|ms)/, JSON.stringify(c.counterexample));

  const without = await runHotpath({ file, selector: { name: 'parseDuration' }, variants: [variant('duration.lastunit.js')], tests: { enabled: false } });
  assert.equal(without.tests, null);
  assert.ok(without.notes.some((n) => /--no-tests/.test(n)), without.notes.join('\n'));
  // The test files are not run, but their calls' literal arguments ('1h30m', '2h5m10s') are read
  // as examples (call-sites.ts), and same-shape variants of them reach the bug too.
  const w = without.candidates[0]!;
  assert.equal(w.verdict, 'incorrect', `the tests' literal arguments find the bug: ${w.reason}`);
  assert.match(w.counterexample?.input ?? '', /\d+(h|m|s|ms)\d+(h|m|s|ms)/, JSON.stringify(w.counterexample));
});

void test('Vitest (TypeScript, ESM): a method over `this` state is optimized; one that reorders `this` is incorrect', { timeout: 600_000 }, async () => {
  const report = await runHotpath({
    file: join(PROJECTS, 'vitest-ts/src/histogram.ts'),
    selector: { name: 'Histogram.countAbove' },
    variants: [variant('histogram.loop.ts'), variant('histogram.sorts.ts')],
  });
  const t = report.tests;
  assert.equal(t?.runner, 'vitest', show(report));
  // histogram.test.ts calls it directly and latency.test.ts through slowShare; strings.test.ts does not import it.
  assert.deepEqual(t?.files.map((f) => f.file), ['test/histogram.test.ts', 'test/latency.test.ts'], show(report));
  assert.ok((t?.captured ?? 0) >= 4, show(report));
  const loop = report.candidates.find((c) => c.origin === 'histogram.loop.ts')!;
  assert.equal(loop.verdict, 'faster', show(report));
  assert.equal(loop.tests?.status, 'passed');
  const sorts = report.candidates.find((c) => c.origin === 'histogram.sorts.ts')!;
  assert.equal(sorts.verdict, 'incorrect', show(report));
  assert.match(`${sorts.counterexample?.aspect} ${sorts.reason}`, /this|return value/);
});

void test('Mocha (ESM): the selected spec runs as the gate and the report lists it with its calls', { timeout: 600_000 }, async () => {
  const report = await runHotpath({
    file: join(PROJECTS, 'mocha-esm/src/words.js'),
    selector: { name: 'topWords' },
    // An equivalent rewording (`??` for `||` on match()): verified against the captured calls too.
    variants: [{ origin: 'same', source: readFileSync(join(PROJECTS, 'mocha-esm/src/words.js'), 'utf8').replace('|| []', '?? []') }],
    tests: { glob: 'test/**/*.spec.js' },
  });
  const t = report.tests;
  assert.equal(t?.runner, 'mocha', show(report));
  assert.equal(t?.selection, '--tests test/**/*.spec.js');
  assert.deepEqual(t?.files, [{ file: 'test/words.spec.js', calls: 4 }]);
  assert.equal(t?.passing, 4);
  assert.ok(report.verification.sources.some((s) => /^4 captured/.test(s)), report.verification.sources.join('; '));
  assert.notEqual(report.candidates[0]!.verdict, 'incorrect', report.candidates[0]!.reason);
  assert.ok(report.notes.every((n) => !/could not be used/.test(n)), report.notes.join('\n'));
});
