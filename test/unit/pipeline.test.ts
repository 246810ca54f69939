/** runHotpath end to end on behaviours the CLI tests do not reach. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { runHotpath } from '../../src/core/pipeline';
import type { CandidateReport } from '../../src/core/report/report';
import { byOrigin } from '../support/report-helpers';

const FIX = resolve(__dirname, '../fixtures/pipeline');

void test('inputs on which the original itself hangs are dropped and counted, not blamed on candidates', { timeout: 240_000 }, async () => {
  const report = await runHotpath({
    file: join(FIX, 'hangs.ts'),
    selector: { name: 'maxOf' },
    variants: [{ origin: 'fast', source: readFileSync(join(FIX, 'hangs.fast.ts'), 'utf8') }],
    callTimeoutMs: 500,
  });
  assert.ok(report.verification.droppedForTimeout >= 1, JSON.stringify(report.verification));
  assert.ok(report.notes.some((n) => /dropped because the original itself exceeded the 500 ms per-call limit/.test(n)), report.notes.join('\n'));
  const c = report.candidates[0]!;
  assert.notEqual(c.verdict, 'timeout', c.reason);
  assert.notEqual(c.verdict, 'incorrect', c.reason);
});

void test('--inputs: user argument lists join verification, and generate(size, random) feeds the benchmark', { timeout: 240_000 }, async () => {
  const report = await runHotpath({
    file: join(FIX, 'scale.ts'),
    selector: { name: 'scaleAll' },
    variants: [
      { origin: 'wrong', source: readFileSync(join(FIX, 'scale.wrong.ts'), 'utf8') },
      { origin: 'loop', source: readFileSync(join(FIX, 'scale.loop.ts'), 'utf8') },
    ],
    inputsModule: join(FIX, 'scale.inputs.mjs'),
  });
  assert.ok(report.verification.sources.some((s) => /^2 from .*scale\.inputs\.mjs$/.test(s)), JSON.stringify(report.verification.sources));
  assert.ok(report.notes.some((n) => /No type information for 'values', 'factor'/.test(n)), report.notes.join('\n'));
  const wrong = byOrigin(report, 'wrong');
  assert.equal(wrong.verdict, 'incorrect', wrong.reason);
  assert.match(wrong.counterexample?.input ?? '', /-0|-3/);
  const loop = byOrigin(report, 'loop');
  assert.ok(['faster', 'not-faster'].includes(loop.verdict), loop.reason);
  assert.ok(loop.sizes.length > 0, 'benchmarked');
  assert.ok(report.notes.some((n) => /Benchmarks use .*scale\.inputs\.mjs.* generate\(size, random\)/.test(n)), report.notes.join('\n'));
});

void test('candidate state is data: pending and verified phases stream while a run works, the report holds only decided candidates', { timeout: 240_000 }, async () => {
  const EX = resolve(__dirname, '../../examples');
  const events: CandidateReport[] = [];
  const report = await runHotpath({
    file: join(EX, 'dedupe.ts'),
    selector: { name: 'dedupe' },
    variants: [
      { origin: 'fast', source: readFileSync(join(EX, 'dedupe.fast.ts'), 'utf8') },
      { origin: 'wrong', source: readFileSync(join(EX, 'dedupe.wrong.ts'), 'utf8') },
      { origin: 'copy', source: readFileSync(join(EX, 'dedupe.ts'), 'utf8') },
    ],
    tests: { enabled: false },
    onProgress: (e) => {
      if (e.kind === 'candidate') events.push(e.candidate);
    },
  });
  // While undecided a candidate has no verdict (never a placeholder 'error'), and says what it waits for.
  const undecided = events.filter((c) => c.phase !== 'decided');
  assert.ok(undecided.length > 0);
  for (const c of undecided) {
    assert.equal(c.verdict, null, JSON.stringify(c));
    assert.ok(c.waitingFor, `${c.id} says what it waits for`);
  }
  const fastEvents = events.filter((c) => c.origin === 'fast');
  assert.deepEqual([...new Set(fastEvents.map((c) => c.phase))], ['pending', 'verified', 'decided'], 'the fast variant is built, verified, then decided');
  assert.ok(fastEvents.some((c) => c.phase === 'verified' && c.waitingFor === 'benchmark'));
  // The final report: every candidate decided, with the step that decided it.
  assert.ok(report.candidates.every((c) => c.phase === 'decided' && c.verdict !== null && c.waitingFor === null));
  const by = (o: string) => byOrigin(report, o);
  assert.equal(by('wrong').verdict, 'incorrect');
  assert.equal(by('wrong').decidedAt, 'verification');
  assert.equal(by('copy').verdict, 'not-faster');
  assert.equal(by('copy').decidedAt, 'identical');
  assert.ok(['screening', 'confirmation'].includes(by('fast').decidedAt), by('fast').decidedAt);
});
