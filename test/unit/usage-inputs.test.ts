/**
 * Inputs for code without types: parameter types inferred from their use, literals from the
 * project's own calls, callbacks shaped by their signature, and benchmarks that fall back to
 * verification inputs when no generated input can build the receiver. Real sandbox runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractTarget } from '../../src/core/target/extract';
import { callSiteLiterals } from '../../src/core/inputs/call-sites';
import { generateTargetBenchInputs, generateTargetVerifyInputs } from '../../src/core/inputs/inputs';
import { sameShape } from '../../src/core/inputs/values';
import { createRng } from '../../src/core/rng';
import { runHotpath } from '../../src/core/pipeline';
import { FN_MARKER } from '../../src/core/sandbox/protocol';
import type { TypeSchema } from '../../src/core/types';

const FIX = resolve(__dirname, '../fixtures/usage');
const VERSION = join(FIX, 'version.js');
const LEVELS = join(FIX, 'levels.js');

const kinds = (s: TypeSchema | undefined): string[] => (s?.kind === 'union' ? s.options.map((o) => o.kind).sort() : [s?.kind ?? 'none']);

void test('untyped JS constructor parameters are typed from their use (TypeScript inference plus string methods)', () => {
  const t = extractTarget(VERSION, { name: 'Version.compare' });
  const [text, options] = t.ctorParams ?? [];
  // `text instanceof Version` and `text.trim()`: a Version or a string (an optional's undefined kept as TS infers it).
  assert.ok(kinds(text?.type).includes('string'), JSON.stringify(text));
  assert.ok(kinds(text?.type).includes('instance'), JSON.stringify(text));
  assert.match(text?.inferred ?? '', /Version/);
  assert.match(text?.inferred ?? '', /string/);
  // `options.loose`: an object with that property.
  assert.equal(options?.type.kind === 'union' ? options.type.options.find((o) => o.kind === 'object')?.kind : options?.type.kind, 'object');
  // The method's own parameter: `other instanceof Version` makes an instance of the same class,
  // whose constructor arguments are the receiver's inferred ones (not unknown).
  const other = t.params[0]!;
  const inst = other.type.kind === 'union' ? other.type.options.find((o) => o.kind === 'instance') : other.type;
  assert.equal(inst?.kind, 'instance');
  if (inst?.kind === 'instance') assert.ok(inst.args.some((a) => kinds(a).includes('string')), JSON.stringify(inst.args));
});

void test("the project's own calls give literal examples: new Version('0.0.0') elsewhere in the package", () => {
  const t = extractTarget(VERSION, { name: 'Version.format' });
  const lits = callSiteLiterals(t);
  assert.deepEqual([...(lits.examples ?? [])].sort(), ['0.0.0', '1.0.0-rc1']);
  // Variants of the same shape: digits change, punctuation and length of the digit runs stay.
  const rng = createRng(7);
  const variants = Array.from({ length: 50 }, () => sameShape('1.0.0-rc1', rng));
  for (const v of variants) assert.match(v, /^\d\.\d\.\d-[a-z]{2}\d$/);
  assert.ok(new Set(variants).size > 10, 'the variants differ');
  // Benchmark pools now build receivers: most generated constructor strings parse as versions.
  const lists = generateTargetBenchInputs(t, 64, { seed: 1, count: 32, examples: lits.examples });
  const texts = lists.map((l) => (l[0] as { args: unknown[] }).args[0]).filter((x): x is string => typeof x === 'string');
  assert.ok(texts.filter((x) => /^\d+\.\d+\.\d+(-\w+)?$/.test(x)).length >= 4, JSON.stringify(texts));
});

void test('a callback inside an options object follows its signature: (value) => boolean is a predicate', () => {
  const t = extractTarget(join(FIX, 'options.ts'), { name: 'countEnabled' });
  const opts = t.params[1]!.type;
  assert.equal(opts.kind, 'object');
  const enabled = opts.kind === 'object' ? opts.properties.find((p) => p.name === 'enabled') : undefined;
  const fn = enabled?.type.kind === 'union' ? enabled.type.options.find((o) => o.kind === 'function') : undefined;
  assert.deepEqual(fn, { kind: 'function', returns: 'boolean', arity: 1 });
  const markers = generateTargetVerifyInputs(t, { seed: 3 })
    .map((l) => (l[1] as { enabled?: unknown } | undefined)?.enabled)
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && FN_MARKER in e);
  assert.ok(markers.length > 0, 'some inputs pass a callback');
  for (const m of markers) assert.equal(m[FN_MARKER], 'predicate');
});

void test('A/A on methods of an untyped parsing class gets a measured verdict (receivers built from call-site examples)', async () => {
  const t = extractTarget(VERSION, { name: 'Version.compare' });
  const report = await runHotpath({ file: VERSION, selector: { name: 'Version.compare' }, variants: [{ origin: 'A/A', source: t.text.replace('(', '(/* copy */') }], tests: { enabled: false } });
  const c = report.candidates[0]!;
  assert.equal(c.verdict, 'not-faster', c.reason);
  assert.ok(c.speedup, `measured: ${c.reason}`);
  assert.ok(report.verification.inputs - report.verification.originalThrew >= 5, JSON.stringify(report.verification));
});

void test('no generated benchmark input builds the receiver: the benchmark runs on verification inputs, and says so', async () => {
  const t = extractTarget(LEVELS, { name: 'Level.score' });
  assert.deepEqual(callSiteLiterals(t).examples, []);
  const report = await runHotpath({ file: LEVELS, selector: { name: 'Level.score' }, variants: [{ origin: 'A/A', source: t.text.replace('(', '(/* copy */') }], tests: { enabled: false } });
  const c = report.candidates[0]!;
  assert.equal(c.verdict, 'not-faster', c.reason);
  assert.ok(c.sizes.length > 0, `benchmarked: ${c.reason}`);
  assert.ok(
    report.notes.some((n) => /Benchmarks use \d+ of the verification inputs on which the original returned/.test(n)),
    report.notes.join('\n'),
  );
});

void test("a callback nested in a receiver's constructor options reaches it as a function (markers replaced at any depth)", async () => {
  const file = join(FIX, 'options.ts');
  const t = extractTarget(file, { name: 'Filter.count' });
  const report = await runHotpath({ file, selector: { name: 'Filter.count' }, variants: [{ origin: 'A/A', source: t.text.replace('(', '(/* copy */') }], tests: { enabled: false } });
  const c = report.candidates[0]!;
  assert.equal(c.verdict, 'not-faster', c.reason);
  assert.ok(c.speedup, `measured: ${c.reason}`);
  // Generated benchmark inputs built the receivers: no fallback to verification inputs.
  assert.ok(!report.notes.some((n) => /Benchmarks use \d+ of the verification inputs/.test(n)), report.notes.join('\n'));
  // Receivers whose options hold the callback ran (a marker object left in place would throw in the constructor).
  // Left in place, a marker object is neither a boolean nor a function: countEnabled throws on it.
  assert.ok(report.verification.originalThrew <= report.verification.inputs / 20, JSON.stringify(report.verification));
  assert.match(c.coverage?.summary ?? '', /every branch of both versions ran/);
});

void test('inference follows edits to other files (the shared parse cache is keyed by their modification)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-usage-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"name":"t","private":true}');
    writeFileSync(join(dir, 'b.ts'), 'export function up(s: string): string {\n  return s;\n}\n');
    const a = join(dir, 'a.ts');
    writeFileSync(a, "import { up } from './b';\n\nexport function f(x) {\n  return up(x);\n}\n");
    assert.deepEqual(extractTarget(a, { name: 'f' }).params[0]?.type, { kind: 'string' });
    writeFileSync(join(dir, 'b.ts'), 'export function up(n: number, extra = 0): number {\n  return n + extra;\n}\n');
    assert.deepEqual(extractTarget(a, { name: 'f' }).params[0]?.type, { kind: 'number' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
