#!/usr/bin/env node
/**
 * Installs the fixture projects' dependencies (test/fixtures/projects/*) from their committed
 * lockfiles: `npm ci --no-audit --no-fund --ignore-scripts` in each fixture whose node_modules
 * is missing or older than its package-lock.json. Idempotent; needs only the npm registry.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'projects');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let failed = false;

for (const name of existsSync(root) ? readdirSync(root).sort() : []) {
  const dir = join(root, name);
  const lock = join(dir, 'package-lock.json');
  if (!existsSync(lock)) continue;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  if (Object.keys(deps).length === 0) continue; // nothing to install (node:test fixtures)
  // npm ci writes node_modules/.package-lock.json last: its mtime marks a complete install.
  const marker = join(dir, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) continue;
  process.stderr.write(`setup-fixtures: npm ci in ${name}\n`);
  let r = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) {
    // npm 11's `ci` rejects lockfiles whose platform-specific optional packages (rollup's, esbuild's)
    // were resolved on another platform; `install` honours the same lockfile and fills them in.
    process.stderr.write(`setup-fixtures: npm ci failed in ${name}; trying npm install with the same lockfile\n`);
    r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  }
  if (r.status !== 0) {
    process.stderr.write(`setup-fixtures: npm ci failed in ${name} (exit ${r.status ?? r.signal})\n`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
