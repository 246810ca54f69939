/**
 * Verdicts on real function shapes and real variants (test/fixtures/verdicts): the cases where a
 * naive differential tester says "faster" about wrong code, refuses correct code, or cannot
 * measure at all. No assertion depends on timing: a correct variant must be verified (faster or
 * not-faster), never which of the two.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { runHotpath } from '../../src/core/pipeline';
import { extractTarget } from '../../src/core/target/extract';
import type { Report } from '../../src/core/report/report';
import { byOrigin } from '../support/report-helpers';

const FIX = resolve(__dirname, '../fixtures/verdicts');
const variant = (f: string): { origin: string; source: string } => ({ origin: f, source: readFileSync(join(FIX, f), 'utf8') });

/** The target's own text with one comment line inside its body: an A/A candidate. */
function aaCopy(file: string, name: string): { origin: string; source: string } {
  const t = extractTarget(join(FIX, file), { name });
  const at = t.text.indexOf('{') + 1;
  return { origin: 'A/A', source: t.text.slice(0, at) + '\n    // A/A copy' + t.text.slice(at) };
}

async function run(file: string, name: string, variants: { origin: string; source: string }[]): Promise<Report> {
  return runHotpath({ file: join(FIX, file), selector: { name }, variants, tests: { enabled: false } });
}

const VERIFIED = ['faster', 'not-faster'];

void test('escaper: double-escaping is incorrect on a minimal input holding the branched-on character; a correct variant is verified; a swallowed write is unsafe', { timeout: 300_000 }, async () => {
  const r = await run('escape.js', 'escapeHtml', [variant('escape.double.js'), variant('escape.fast.js'), variant('escape.writes.js')]);
  const double = byOrigin(r, 'escape.double.js');
  assert.equal(double.verdict, 'incorrect', double.reason);
  assert.ok(double.counterexample, 'has a counterexample');
  assert.match(double.counterexample.input, /[<>]/, 'the input holds a character the original branches on');
  assert.ok(double.counterexample.input.length <= 8, `shrunk: ${double.counterexample.input}`);
  assert.match(double.counterexample.actual, /&amp;(lt|gt);/);

  const fast = byOrigin(r, 'escape.fast.js');
  assert.ok(VERIFIED.includes(fast.verdict), `${fast.verdict}: ${fast.reason}`);
  assert.ok(fast.coverage && fast.coverage.inputs > 0, 'states how many inputs it was compared on');
  assert.ok(fast.coverage.original, 'original branch coverage measured');
  assert.equal(fast.coverage.original.uncovered.filter((u) => u.kind !== 'function').length, 0, JSON.stringify(fast.coverage.original.uncovered));

  const writes = byOrigin(r, 'escape.writes.js');
  assert.equal(writes.verdict, 'unsafe', writes.reason);
  assert.deepEqual(writes.denied.map((d) => [d.kind, d.resource]), [['fs-write', '/tmp/hotpath-escape-log.txt']]);
  assert.match(writes.reason, /tried to write '\/tmp\/hotpath-escape-log\.txt'/);
  assert.equal(existsSync('/tmp/hotpath-escape-log.txt'), false, 'nothing reached the disk');
});

void test('parser with quoting: a variant that ends a quoted field at a doubled quote is incorrect', { timeout: 300_000 }, async () => {
  const r = await run('csv.ts', 'parseCsvLine', [variant('csv.noescape.ts')]);
  const c = byOrigin(r, 'csv.noescape.ts');
  assert.equal(c.verdict, 'incorrect', c.reason);
  assert.match(c.counterexample?.input ?? '', /"/);
});

void test('tokenizer: a variant that splits decimals is incorrect (its module-level sticky regex is not a cache)', { timeout: 300_000 }, async () => {
  const r = await run('tokens.ts', 'tokenize', [variant('tokens.nodot.ts')]);
  const c = byOrigin(r, 'tokens.nodot.ts');
  assert.equal(c.verdict, 'incorrect', c.reason);
  assert.match(c.counterexample?.input ?? '', /\.|_/);
});

void test('numeric thresholds: an off-by-one lookup is caught at a boundary', { timeout: 300_000 }, async () => {
  const r = await run('grade.ts', 'grade', [variant('grade.offbyone.ts')]);
  const c = byOrigin(r, 'grade.offbyone.ts');
  assert.equal(c.verdict, 'incorrect', c.reason);
  assert.match(c.counterexample?.input ?? '', /^\(?(60|70|80|90|100)\)?$/);
});

void test('module-level code: a lookup table is verified and lands in the diff; clock and prototype tampering are unsafe with what was touched', { timeout: 300_000 }, async () => {
  const r = await run('hex.ts', 'hexValue', [variant('hex.table.ts'), variant('hex.clock.ts'), variant('hex.proto.ts')]);
  const table = byOrigin(r, 'hex.table.ts');
  assert.ok(VERIFIED.includes(table.verdict), `${table.verdict}: ${table.reason}`);
  assert.match(table.diff, /^\+const T = new Int8Array\(128\)\.fill\(-1\);$/m);
  assert.match(table.diff, /^\+Object\.freeze\(T\.buffer\);$/m);

  const clock = byOrigin(r, 'hex.clock.ts');
  assert.equal(clock.verdict, 'unsafe', clock.reason);
  assert.ok(clock.tampered.some((t) => /performance\.now/.test(t)), JSON.stringify(clock.tampered));

  const proto = byOrigin(r, 'hex.proto.ts');
  assert.equal(proto.verdict, 'unsafe', proto.reason);
  assert.ok(proto.tampered.some((t) => /Array\.prototype\.indexOf/.test(t)), JSON.stringify(proto.tampered));
});

void test('Math.random: a function and a method whose instance draws random numbers get a verdict against their own copy', { timeout: 300_000 }, async () => {
  for (const name of ['estimateQuarterCircle', 'KMeansStart.assign']) {
    const r = await run('montecarlo.ts', name, [aaCopy('montecarlo.ts', name)]);
    const c = byOrigin(r, 'A/A');
    assert.equal(c.verdict, 'not-faster', `${name}: ${c.verdict}: ${c.reason}`);
  }
});

void test('exponential and factorial cost: inputs are sized to the original, and the copy gets a verdict', { timeout: 300_000 }, async () => {
  for (const name of ['countSubsets', 'permutations']) {
    const r = await run('subsets.ts', name, [aaCopy('subsets.ts', name)]);
    const c = byOrigin(r, 'A/A');
    assert.equal(c.verdict, 'not-faster', `${name}: ${c.verdict}: ${c.reason}`);
    assert.ok(c.sizes.length > 0, `${name}: benchmarked`);
  }
});
