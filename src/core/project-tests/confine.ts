/**
 * Runs one command (a node script) confined like the sandbox runner, but for a whole test
 * runner (and, without the permission model, for the coverage replay of the original): node's permission model with the given read/write directories, optional workers /
 * child processes, the OS network namespace when available, a scrubbed environment, a
 * wall-clock timeout, an RSS cap, abort, and SIGKILL of the whole process group on every end path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { oneLine } from '../errors';
import { silentLogger, type Logger } from '../logger';
import { nodeInfo, networkNamespacePrefix, type NodeInfo } from '../sandbox/nodeinfo';
import { CappedText, killGroup, looksLikeHeapOom, readRssMb, rssLimitMb, trackGroup, untrackGroup } from '../sandbox/spawn';
import { SandboxError } from '../errors';

export interface ConfinedOptions {
  nodePath: string;
  /** Arguments after the node flags: the script and its arguments. */
  args: string[];
  cwd: string;
  /** Directories (or files) the process may read. */
  readPaths: string[];
  /** Directories the process may write. */
  writePaths: string[];
  allowWorker?: boolean;
  allowChildProcess?: boolean;
  /** Native addons (.node files). */
  allowAddons?: boolean;
  /**
   * false: no permission model at all (readPaths, writePaths and the allow* options are then
   * ignored). Only for the coverage replay of the user's ORIGINAL function (coverage.ts): V8
   * coverage needs the inspector, which the permission model blocks. Default true.
   */
  permissionModel?: boolean;
  /** The whole environment of the child (nothing is inherited). */
  env: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
  signal?: AbortSignal;
  logger?: Logger;
  outputLimitBytes?: number;
  /** Skip the OS network namespace even when available. */
  noNetworkNamespace?: boolean;
}

export interface ConfinedRun {
  end: 'exited' | 'timeout' | 'memory' | 'aborted' | 'spawn-error';
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Last few KiB of stdout and stderr (kept even past the output cap). */
  tail: string;
  wallMs: number;
  peakRssMb: number | null;
  /** Whether the OS network namespace was used. */
  networkNamespace: boolean;
}

/** The permission-model flags for the given read/write paths (repeated flags: Node 20.x and 22+ both accept them). */
export function confinedPermissionArgs(info: NodeInfo, o: Pick<ConfinedOptions, 'readPaths' | 'writePaths' | 'allowWorker' | 'allowChildProcess' | 'allowAddons'>): string[] {
  const args: string[] = [info.permissionFlag];
  for (const p of o.readPaths) args.push(`--allow-fs-read=${p}`);
  for (const p of o.writePaths) args.push(`--allow-fs-write=${p}`);
  if (o.allowWorker) args.push('--allow-worker');
  if (o.allowChildProcess) args.push('--allow-child-process');
  if (o.allowAddons) args.push('--allow-addons');
  return args;
}

/** Runs the command and resolves once it has exited and its pipes are drained (or a kill). Throws SandboxError only when node itself is unusable. */
export async function runConfined(o: ConfinedOptions): Promise<ConfinedRun> {
  const logger = o.logger ?? silentLogger;
  for (const p of [...o.readPaths, ...o.writePaths]) {
    if (p.includes(',')) throw new SandboxError(`The path '${p}' contains a comma, which the permission flags cannot express.`);
  }
  const info = await nodeInfo(o.nodePath);
  const ns = o.noNetworkNamespace ? null : await networkNamespacePrefix(info.path);
  const permission = o.permissionModel === false ? [] : confinedPermissionArgs(info, o);
  const nodeArgs = [...permission, `--max-old-space-size=${Math.max(32, Math.floor(o.memoryMb))}`, '--no-warnings', ...o.args];
  const command = ns ? (ns[0] as string) : info.path;
  const args = ns ? [...ns.slice(1), info.path, ...nodeArgs] : nodeArgs;
  const started = performance.now();
  if (o.signal?.aborted) {
    return { end: 'aborted', exitCode: null, signal: null, stdout: '', stderr: '', tail: '', wallMs: 0, peakRssMb: null, networkNamespace: ns !== null };
  }
  logger.debug(`tests: ${command} ${args.join(' ')}`);
  const limit = o.outputLimitBytes ?? 256 * 1024;
  const stdout = new CappedText(limit);
  const stderr = new CappedText(limit);
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  } catch (e) {
    logger.warn(`tests: spawn failed: ${oneLine(e)}`);
    return { end: 'spawn-error', exitCode: null, signal: null, stdout: '', stderr: oneLine(e), tail: oneLine(e), wallMs: 0, peakRssMb: null, networkNamespace: ns !== null };
  }
  const pid = child.pid;
  if (pid !== undefined) trackGroup(pid);
  let end: ConfinedRun['end'] | null = null;
  let peakRssMb: number | null = null;

  return new Promise<ConfinedRun>((resolve) => {
    let exited = false;
    let resolved = false;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    const timers: NodeJS.Timeout[] = [];
    const kill = (why: NonNullable<typeof end>): void => {
      if (end === null) end = why;
      if (pid !== undefined) killGroup(pid, child);
    };
    const onAbort = (): void => kill('aborted');
    const finish = (): void => {
      if (resolved) return;
      resolved = true;
      for (const t of timers) clearTimeout(t);
      clearInterval(rssTimer);
      o.signal?.removeEventListener('abort', onAbort);
      if (pid !== undefined) {
        killGroup(pid);
        untrackGroup(pid);
      }
      let finalEnd = end ?? 'exited';
      if (finalEnd === 'exited' && looksLikeHeapOom(exitCode, exitSignal, stderr.tail)) finalEnd = 'memory';
      resolve({
        end: finalEnd,
        exitCode,
        signal: exitSignal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        tail: `${tailOf(stdout)}\n${tailOf(stderr)}`.trim(),
        wallMs: performance.now() - started,
        peakRssMb,
        networkNamespace: ns !== null,
      });
    };
    timers.push(setTimeout(() => kill('timeout'), Math.max(1, o.timeoutMs)));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const rssLimit = rssLimitMb(o.memoryMb);
    const rssTimer = setInterval(() => {
      if (pid === undefined || exited) return;
      const rss = readRssMb(pid);
      if (rss === null) return;
      if (peakRssMb === null || rss > peakRssMb) peakRssMb = rss;
      if (rss > rssLimit) {
        logger.debug(`tests: RSS ${rss.toFixed(0)} MiB over ${rssLimit} MiB: killing`);
        kill('memory');
      }
    }, 50);
    child.stdout?.on('data', (b: Buffer) => stdout.push(b));
    child.stderr?.on('data', (b: Buffer) => stderr.push(b));
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);
    child.on('error', (e) => {
      logger.warn(`tests: child error: ${oneLine(e)}`);
      if (pid === undefined) {
        if (end === null) end = 'spawn-error';
        exited = true;
        finish();
      }
    });
    child.on('exit', (code, sig) => {
      exited = true;
      exitCode = code;
      exitSignal = sig;
      // Kill whatever else is left in the group, then wait for the pipes, but not forever.
      if (pid !== undefined) killGroup(pid);
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish();
        }, 2000),
      );
    });
    child.on('close', () => {
      if (exited) finish();
    });
  });
}

/** The last 4 KiB of a stream's output, decoded as UTF-8 (CappedText keeps its tail as latin1). */
function tailOf(t: CappedText): string {
  return Buffer.from(t.tail, 'latin1').toString('utf8');
}
