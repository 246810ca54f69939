/** runHotpath end to end on behaviours the CLI tests do not reach. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { runHotpath } from '../../src/core/pipeline';

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
  const wrong = report.candidates.find((c) => c.origin === 'wrong')!;
  assert.equal(wrong.verdict, 'incorrect', wrong.reason);
  assert.match(wrong.counterexample?.input ?? '', /-0|-3/);
  const loop = report.candidates.find((c) => c.origin === 'loop')!;
  assert.ok(['faster', 'not-faster'].includes(loop.verdict), loop.reason);
  assert.ok(loop.sizes.length > 0, 'benchmarked');
  assert.ok(report.notes.some((n) => /Benchmarks use .*scale\.inputs\.mjs.* generate\(size, random\)/.test(n)), report.notes.join('\n'));
});
