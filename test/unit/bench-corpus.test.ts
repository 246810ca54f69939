/**
 * The README's corpus command (npm run bench:corpus on one file of a pinned package): an A/A
 * check of real code must end `not-faster`, and the run writes its results and CORPUS.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

void test('npm run bench:corpus -- --only semver/functions/eq.js: an A/A check of a real package function', { timeout: 300_000 }, () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const command = /^npm run bench:corpus -- --only (\S+) --out \S+$/m.exec(readme);
  assert.ok(command, 'the README shows the command');
  const out = mkdtempSync(join(tmpdir(), 'hotpath-corpus-'));
  try {
    const r = spawnSync('npm', ['run', '--silent', 'bench:corpus', '--', '--only', command[1]!, '--out', out], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const results = JSON.parse(readFileSync(join(out, 'corpus-results.json'), 'utf8')) as { found: number; aa: { id: string; verdict: string; speedup: unknown }[]; errors: unknown[] };
    assert.ok(results.found >= 1);
    assert.deepEqual(results.errors, []);
    const eq = results.aa.find((a) => a.id === 'semver/functions/eq.js:eq');
    assert.ok(eq, JSON.stringify(results.aa));
    assert.equal(eq.verdict, 'not-faster');
    const md = readFileSync(join(out, 'CORPUS.md'), 'utf8');
    assert.match(md, /False verdicts \(faster, incorrect, timeout\): \*\*0\*\*/);
    assert.match(md, /\| semver \| 7\.8\.6 \|/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
