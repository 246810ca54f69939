/**
 * The sandbox must work on Node 22+ too, where the permission flag is `--permission` and some
 * internals differ. CI installs a Node 22 binary from the npm registry (.ci/run) and points
 * HOTPATH_TEST_NODE22 at it; elsewhere this test is skipped unless that variable is set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Report } from '../../src/core/report/report';

const ROOT = resolve(__dirname, '../..');
const node22 = process.env.HOTPATH_TEST_NODE22;
const required = process.env.CI === 'true';

void test('Node 22: doctor shows the permission model, and check gives the right verdicts', { skip: !node22 && !required ? 'HOTPATH_TEST_NODE22 not set' : false, timeout: 120_000 }, () => {
  assert.ok(node22 && existsSync(node22), 'CI must provide a Node 22 binary in HOTPATH_TEST_NODE22');
  const version = spawnSync(node22, ['--version'], { encoding: 'utf8' }).stdout.trim();
  assert.match(version, /^v2[2-9]\./);
  const doctor = spawnSync(process.execPath, [join(ROOT, 'bin/hotpath.js'), 'doctor', '--node', node22], { encoding: 'utf8' });
  assert.equal(doctor.status, 0, doctor.stderr);
  assert.match(doctor.stdout, /permission model/);
  assert.match(doctor.stdout, /network guards/);
  const fix = join(ROOT, 'test/fixtures/cli');
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/hotpath.js'), 'check', join(fix, 'intersect.ts'), '--function', 'intersect', '--variant', join(fix, 'intersect.wrong.ts'), '--variant', join(fix, 'intersect.mutates.ts'), '--node', node22, '--json'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.environment.node, version);
  assert.deepEqual(report.candidates.map((c) => c.verdict), ['incorrect', 'incorrect']);
});
