import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { bundleVariant } from '../../src/core/build/bundle';
import { extractTarget } from '../../src/core/target/extract';
import { applyCandidate, parseCandidate } from '../../src/core/candidates/substitute';
import { CancelledError } from '../../src/core/errors';
import { TARGET_EXPORT } from '../../src/core/sandbox/protocol';
import type { TargetFunction } from '../../src/core/types';

const PROJ = path.join(__dirname, '..', 'fixtures', 'extract', 'proj');
const out = mkdtempSync(path.join(tmpdir(), 'hotpath-bundle-test-'));
after(() => rmSync(out, { recursive: true, force: true }));
const load = createRequire(__filename);

let n = 0;
async function bundleOf(target: TargetFunction, text = target.fileText) {
  const outFile = path.join(out, `b${n++}.cjs`);
  return bundleVariant({ file: target.file, text, targetName: target.name, moduleKind: target.context.moduleKind, language: target.language, outFile });
}

function loadTarget(file: string): (...args: unknown[]) => unknown {
  const mod = load(file) as Record<string, unknown>;
  const fn = mod[TARGET_EXPORT];
  assert.equal(typeof fn, 'function');
  return fn as (...args: unknown[]) => unknown;
}

void test('an unexported TS target with a local import, a package and an interface', async () => {
  const t = extractTarget(path.join(PROJ, 'main.ts'), { name: 'sumSquares' });
  assert.equal(t.exported, false);
  const r = await bundleOf(t);
  assert.ok(r.ok, r.ok ? '' : r.error);
  const code = readFileSync(r.outFile, 'utf8');
  assert.ok(code.includes('function square('), 'the local module is bundled in');
  assert.ok(code.includes('node_modules/tiny-pad/index.js'), 'the package is bundled in');
  assert.ok(!code.includes('__name('), 'no keepNames wrappers: they would cost time inside hot code');
  assert.ok(!/require\(["']tiny-pad["']\)/.test(code));
  const fn = loadTarget(r.outFile);
  assert.equal(fn([1, 2, 3], { width: 5 }), '   14');
});

void test('a substituted candidate goes through the same bundling', async () => {
  const t = extractTarget(path.join(PROJ, 'main.ts'), { name: 'sumSquares' });
  const p = parseCandidate(t, 'function sumSquares(xs: number[], opts: Options): string {\n  return pad(String(xs.reduce((a, x) => a + x * x, 0)), opts.width) + "!";\n}');
  assert.ok(p.ok);
  const r = await bundleOf(t, applyCandidate(t, p.candidate));
  assert.ok(r.ok);
  assert.equal(loadTarget(r.outFile)([1, 2, 3], { width: 3 }), ' 14!');
});

void test('a CommonJS module with module.exports = fn', async () => {
  const t = extractTarget(path.join(PROJ, 'cjs.js'), { name: 'padAll' });
  assert.equal(t.context.moduleKind, 'cjs');
  const r = await bundleOf(t);
  assert.ok(r.ok, r.ok ? '' : r.error);
  const mod = load(r.outFile) as ((xs: string[]) => string[]) & Record<string, unknown>;
  assert.deepEqual(mod(['a']), ['  a'], 'the module keeps its own export');
  assert.deepEqual(loadTarget(r.outFile)(['ab', 'c']), [' ab', '  c']);
});

void test('an unresolvable import is a one-line error with file:line:col', async () => {
  const t = extractTarget(path.join(PROJ, 'broken-import.mjs'), { name: 'useIt' });
  const r = await bundleOf(t);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.ok(!r.error.includes('\n'));
  assert.match(r.error, /broken-import\.mjs:1:25: Could not resolve "\.\/does-not-exist"/);
});

void test('TypeScript syntax in a .js file is a build error', async () => {
  const t = extractTarget(path.join(PROJ, 'cjs.js'), { name: 'padAll' });
  const r = await bundleOf(t, t.fileText.replace('function padAll(xs)', 'function padAll(xs: string[])'));
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error, /cjs\.js:3:19: Expected "\)" but found ":"/);
});

void test('a cancelled signal throws CancelledError', async () => {
  const t = extractTarget(path.join(PROJ, 'main.ts'), { name: 'sumSquares' });
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(
    bundleVariant({ file: t.file, text: t.fileText, targetName: t.name, moduleKind: 'esm', language: 'typescript', outFile: path.join(out, 'x.cjs'), signal: ac.signal }),
    CancelledError,
  );
});
