// Shared pieces of the code-server based test drivers (see /work/shared/e2e-vscode.md).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CODE_SERVER = process.env.CODE_SERVER || join(ROOT, '.vscode-runtime/cs/node_modules/.bin/code-server');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export function checkRuntime() {
  if (!existsSync(CODE_SERVER) || !existsSync(CHROMIUM)) {
    console.error(`code-server (${CODE_SERVER}) or chromium (${CHROMIUM}) missing: run 'bash scripts/e2e/setup.sh' first.`);
    process.exit(2);
  }
}

const t0 = performance.now();
export const el = () => ((performance.now() - t0) / 1000).toFixed(1) + 's';

export function freePort() {
  return new Promise((r) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
}

/** A fresh temp dir with user-data, extensions and XDG dirs, and user settings. */
export function makeProfile(prefix, settings = {}) {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const ud = join(tmp, 'user-data'), exts = join(tmp, 'extensions');
  for (const d of [join(ud, 'User'), exts, join(tmp, 'xdg-config'), join(tmp, 'xdg-data')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(ud, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'files.hotExit': 'off', 'files.autoSave': 'off', 'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false, 'workbench.enableExperiments': false, 'chat.disableAIFeatures': true,
    'workbench.tips.enabled': false, 'git.enabled': false, 'typescript.tsserver.maxTsServerMemory': 512,
    ...settings,
  }, null, 2));
  writeFileSync(join(tmp, 'config.yaml'), 'auth: none\n');
  const env = { ...process.env, XDG_CONFIG_HOME: join(tmp, 'xdg-config'), XDG_DATA_HOME: join(tmp, 'xdg-data') };
  const common = ['--config', join(tmp, 'config.yaml'), '--user-data-dir', ud, '--extensions-dir', exts];
  return { tmp, ud, exts, env, common, remove: () => { if (!process.env.KEEP_TMP) rmSync(tmp, { recursive: true, force: true }); } };
}

/** Starts code-server detached (own process group) and waits for /healthz. */
export async function startServer(profile) {
  const port = await freePort();
  const server = spawn(CODE_SERVER, [...profile.common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: profile.env });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  const stop = async () => {
    try { process.kill(-server.pid, 'SIGTERM'); } catch {}
    await new Promise((r) => setTimeout(r, 300));
    try { process.kill(-server.pid, 'SIGKILL'); } catch {}
  };
  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch {}
    if (i > 300) { await stop(); throw new Error(`code-server did not start:\n${log}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, authority: `127.0.0.1:${port}`, log: () => log, stop };
}
