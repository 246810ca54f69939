/**
 * Facts about the `node` binary that runs sandboxed code and about the OS layer around it,
 * each detected once and cached.
 *
 * Inside VS Code `process.execPath` is Electron, not node, and Electron has been reported to
 * ignore `--permission`; so the sandbox always runs a real node binary, checked here.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { SandboxError } from '../errors';

export interface NodeInfo {
  /** Absolute path of the binary (as reported by the binary itself). */
  path: string;
  /** e.g. '20.20.2' */
  version: string;
  major: number;
  minor: number;
  /** '--experimental-permission' (Node 20.0 – 22.12, 23.0 – 23.4) or '--permission' (22.13+, 23.5+). */
  permissionFlag: '--permission' | '--experimental-permission';
}

/** The PATH given to sandboxed processes (and to the probes here): system directories only. */
export const MINIMAL_PATH = '/usr/local/bin:/usr/bin:/bin';

interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  error: NodeJS.ErrnoException | null;
}

function run(file: string, args: string[], timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', env: { PATH: process.env.PATH ?? MINIMAL_PATH, LANG: 'C' }, windowsHide: true, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const c = (error as { code?: unknown } | null)?.code;
        const code = !error ? 0 : typeof c === 'number' ? c : null;
        resolve({ code, stdout: String(stdout), stderr: String(stderr), error: error as NodeJS.ErrnoException | null });
      },
    );
  });
}

/** The permission flag for a node version, or null when the version has no permission model. */
export function permissionFlagFor(major: number, minor: number): NodeInfo['permissionFlag'] | null {
  if (major < 20) return null;
  if (major === 20 || major === 21) return '--experimental-permission';
  if (major === 22) return minor >= 13 ? '--permission' : '--experimental-permission';
  if (major === 23) return minor >= 5 ? '--permission' : '--experimental-permission';
  return '--permission';
}

const infoCache = new Map<string, Promise<NodeInfo>>();

/**
 * Checks that `bin` is a working node binary (not Electron) with a permission model, and
 * returns its facts. Cached per `bin`. Throws SandboxError with one clear line otherwise.
 */
export function nodeInfo(bin: string): Promise<NodeInfo> {
  let p = infoCache.get(bin);
  if (!p) {
    p = probeNode(bin);
    infoCache.set(bin, p);
    p.catch(() => infoCache.delete(bin));
  }
  return p;
}

async function probeNode(bin: string): Promise<NodeInfo> {
  const script = 'process.stdout.write(JSON.stringify({v:process.versions.node,e:process.versions.electron||null,p:process.execPath}))';
  const r = await run(bin, ['-e', script], 15_000);
  if (r.error && (r.error.code === 'ENOENT' || r.error.code === 'EACCES')) {
    throw new SandboxError(`Cannot run node at '${bin}' (${r.error.code}): install Node.js >= 20 or set the node path in the settings.`);
  }
  let parsed: { v?: unknown; e?: unknown; p?: unknown } | null = null;
  try {
    parsed = JSON.parse(r.stdout) as { v?: unknown; e?: unknown; p?: unknown };
  } catch {
    parsed = null;
  }
  if (r.code !== 0 || !parsed || typeof parsed.v !== 'string' || typeof parsed.p !== 'string') {
    throw new SandboxError(`'${bin}' did not behave like node (exit ${String(r.code)}): set the node path to a real Node.js >= 20 binary.`);
  }
  if (parsed.e) {
    throw new SandboxError(`'${bin}' is Electron ${String(parsed.e)}, not node: set the node path to a real Node.js >= 20 binary.`);
  }
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(parsed.v);
  const major = m ? Number(m[1]) : 0;
  const minor = m ? Number(m[2]) : 0;
  const flag = permissionFlagFor(major, minor);
  if (!flag) {
    throw new SandboxError(`node ${parsed.v} at '${parsed.p}' has no permission model: Node.js >= 20 is required.`);
  }
  return { path: parsed.p, version: parsed.v, major, minor, permissionFlag: flag };
}

/**
 * Resolves the node binary to run sandboxed code with: `preferred` if given, else `node` on
 * PATH. Never `process.execPath` implicitly (it is Electron inside VS Code). Returns an
 * absolute path; throws SandboxError (one line) if the binary is missing or not node >= 20.
 */
export async function resolveNodePath(preferred?: string): Promise<string> {
  const bin = preferred && preferred.trim() !== '' ? preferred.trim() : 'node';
  const info = await nodeInfo(bin);
  return info.path;
}

/**
 * The node flags that confine the child: permission model with fs reads limited to `jobDir`
 * (which holds the runner, the bundle and the inputs), nothing else allowed.
 */
export function permissionArgs(info: NodeInfo, jobDir: string): string[] {
  if (info.major < 22 || (info.major === 22 && info.minor < 13) || (info.major === 23 && info.minor < 5)) {
    // Node 20/21: --allow-fs-read takes a comma-separated list, so a comma in the path would split it.
    if (jobDir.includes(',')) throw new SandboxError(`The job directory '${jobDir}' contains a comma, which node ${info.version} cannot express in --allow-fs-read.`);
  }
  return [info.permissionFlag, `--allow-fs-read=${jobDir}`];
}

// ---- OS layer: network namespace ------------------------------------------------------------

function findOnPath(name: string): string | null {
  const dirs = (process.env.PATH ?? MINIMAL_PATH).split(path.delimiter).concat(MINIMAL_PATH.split(':'));
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

const unshareCache = new Map<string, Promise<string[] | null>>();

/**
 * The command prefix that puts the child in a fresh network namespace (no interfaces but a
 * down loopback), e.g. ['/usr/bin/unshare', '--net', '--map-root-user'], or null when that
 * does not work here (not Linux, no unshare, user namespaces disabled). `unshare` execs node
 * in place, so the child's pid and process group are node's own. Detected once per node binary
 * by running `<unshare...> <node> -e 0`.
 */
export function networkNamespacePrefix(nodePath: string): Promise<string[] | null> {
  let p = unshareCache.get(nodePath);
  if (!p) {
    p = detectUnshare(nodePath);
    unshareCache.set(nodePath, p);
  }
  return p;
}

async function detectUnshare(nodePath: string): Promise<string[] | null> {
  if (process.platform !== 'linux') return null;
  const unshare = findOnPath('unshare');
  if (!unshare) return null;
  const variants: string[][] = [['--net', '--map-root-user']];
  if (typeof process.getuid === 'function' && process.getuid() === 0) variants.push(['--net']);
  for (const v of variants) {
    const r = await run(unshare, [...v, nodePath, '-e', 'process.stdout.write("ok")'], 10_000);
    if (r.code === 0 && r.stdout === 'ok') return [unshare, ...v];
  }
  return null;
}
