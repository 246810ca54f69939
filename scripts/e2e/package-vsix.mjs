// Packages the extension as a platform-specific VSIX with @vscode/vsce.
//
// The engine needs `typescript` and `esbuild` at run time (external in dist/extension.js);
// esbuild is a devDependency of the repo (the CLI build tool) and ships a native binary per
// platform, so the VSIX is built from a staging copy whose package.json declares exactly those
// two as dependencies and whose node_modules holds only them (and this platform's esbuild
// binary). Contents are then filtered by the .vscodeignore allowlist.
// usage: node scripts/build.mjs && node scripts/e2e/package-vsix.mjs [--target linux-x64]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const argTarget = process.argv.indexOf('--target');
const target = argTarget > 0 ? process.argv[argTarget + 1] : `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const f of ['dist/extension.js', 'dist/runner.js', 'dist/coverage-runner.js']) {
  if (!existsSync(join(root, f))) { console.error(`${f} missing: run node scripts/build.mjs first`); process.exit(2); }
}

const stage = join(root, '.vscode-runtime', 'vsix-stage');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const copy = (rel) => { if (existsSync(join(root, rel))) cpSync(join(root, rel), join(stage, rel), { recursive: true }); };
for (const f of ['README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md', '.vscodeignore', 'dist/extension.js', 'dist/runner.js', 'dist/coverage-runner.js', 'media']) copy(f);

const esbuildPkg = JSON.parse(readFileSync(join(root, 'node_modules/esbuild/package.json'), 'utf8'));
const tsPkg = JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8'));
const ESBUILD_PLATFORM = { 'linux-armhf': 'linux-arm', 'alpine-x64': 'linux-x64', 'alpine-arm64': 'linux-arm64' };
const platformPkg = `@esbuild/${ESBUILD_PLATFORM[target] ?? target}`;
copy('node_modules/typescript/package.json');
copy('node_modules/typescript/LICENSE.txt');
copy('node_modules/typescript/lib/typescript.js');
copy('node_modules/esbuild');
rmSync(join(stage, 'node_modules/esbuild/bin'), { recursive: true, force: true }); // the JS API finds the platform package
const installedPlatform = join(root, 'node_modules', platformPkg);
if (existsSync(installedPlatform) && JSON.parse(readFileSync(join(installedPlatform, 'package.json'), 'utf8')).version === esbuildPkg.version) {
  copy(`node_modules/${platformPkg}`);
} else {
  // Another platform's VSIX: fetch that platform's esbuild binary package from the npm registry.
  const tmp = join(stage, '.pack');
  mkdirSync(tmp, { recursive: true });
  const tgz = execFileSync('npm', ['pack', `${platformPkg}@${esbuildPkg.version}`, '--pack-destination', tmp, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  const dest = join(stage, 'node_modules', platformPkg);
  mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-xzf', join(tmp, tgz), '-C', dest, '--strip-components=1']);
  rmSync(tmp, { recursive: true, force: true });
}

const staged = { ...pkg };
delete staged.scripts;
delete staged.devDependencies;
delete staged.bin;
delete staged.private;
staged.dependencies = { typescript: tsPkg.version, esbuild: esbuildPkg.version };
writeFileSync(join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n');

const out = join(root, `${pkg.name}-${pkg.version}-${target}.vsix`);
const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
execFileSync(process.execPath, [vsce, 'package', '--target', target, '--out', out, '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links'], {
  cwd: stage,
  stdio: 'inherit',
});
// A stable name for the UI test and CI (this machine's platform only).
if (argTarget < 0) cpSync(out, join(root, `${pkg.name}.vsix`));
const list = execFileSync(process.execPath, [vsce, 'ls', '--tree'], { cwd: stage, encoding: 'utf8' }).trim();
console.log(list);
console.log(`VSIX: ${out} (${(statSync(out).size / 1024 / 1024).toFixed(2)} MiB)`);
