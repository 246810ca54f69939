/**
 * The parent side of the sandbox: runs one job in a fresh, confined `node` child process
 * (see runner.ts for the child side, protocol.ts for the job/message shapes).
 *
 * Layers, outermost first:
 * - optional OS network namespace (`unshare --net`), when it works on this machine;
 * - node's permission model: fs reads limited to the job directory, no fs writes, child
 *   processes, workers or addons (the runner refuses to run unless it can confirm this);
 * - the runner's in-process guards (network, process control, determinism, tamper checks);
 * - limits enforced from here: wall-clock timeout, per-call watchdog, V8 heap cap plus an RSS
 *   watch, output caps, and SIGKILL of the whole process group on every end path;
 * - a scrubbed environment (PATH and LANG only; no NODE_OPTIONS, no API keys).
 *
 * Expected outcomes (timeouts, crashes, memory kills, refusals) are data in the SandboxRun;
 * only infrastructure faults (no node binary, runner missing) throw SandboxError.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SandboxError, oneLine } from '../errors';
import { silentLogger, type Logger } from '../logger';
import type { RunnerJob, RunnerMessage, PermissionReport } from './protocol';
import { nodeInfo, permissionArgs, networkNamespacePrefix, MINIMAL_PATH } from './nodeinfo';

// resolveNodePath lives in nodeinfo.ts; re-exported here because callers import it with runSandboxed.
export { resolveNodePath } from './nodeinfo';

export interface SandboxOptions {
  /** A real node binary (see resolveNodePath); never Electron's process.execPath. */
  nodePath: string;
  /** The only directory the child may read; must hold runner.js (see prepareJobDir). */
  jobDir: string;
  /** Wall-clock limit for the whole child, in ms. */
  timeoutMs: number;
  /** Watchdog: kill when a 'call-start' gets no 'call-result' within this many ms (plus a grace of 10% / at least 250 ms for the runner's own async timeout to report first). */
  callTimeoutMs?: number;
  /**
   * Memory limit in MiB: passed as --max-old-space-size, and the parent polls the child's
   * resident set (Linux: /proc/<pid>/status VmRSS, every 50 ms) and kills it when it exceeds
   * `rssLimitMb(memoryMb)` = memoryMb * 1.5 + 64 MiB (the V8 heap cap does not cover
   * Buffers/ArrayBuffers, and V8 itself needs some room above the old-space cap).
   */
  memoryMb: number;
  /** Cap on captured stdout and on captured stderr, each, in bytes (default 64 KiB). Output beyond it is drained and dropped. */
  outputLimitBytes?: number;
  /** Abort: kills the process group at once; the run ends with end 'aborted'. */
  signal?: AbortSignal;
  logger?: Logger;
  /** Called for each runner message as it arrives. */
  onMessage?: (m: RunnerMessage) => void;
  /** Test only: run the runner WITHOUT the permission model (the runner must refuse). */
  unsafeNoPermissionForTest?: boolean;
  /** Skip the OS network namespace even when available (default false). */
  noNetworkNamespace?: boolean;
}

export type SandboxEnd = 'exited' | 'timeout' | 'call-timeout' | 'memory' | 'aborted' | 'spawn-error';

export interface SandboxRun {
  end: SandboxEnd;
  exitCode: number | null;
  signal: string | null;
  messages: RunnerMessage[];
  stdout: string;
  stderr: string;
  outputTruncated: boolean;
  /** Wall-clock time from spawn to exit as seen by the parent, in ms. */
  wallMs: number;
  /** Highest resident set size observed, in MiB (null when it cannot be observed, e.g. not Linux). */
  peakRssMb: number | null;
  /** The call that hung, for end 'call-timeout'. */
  hungCall: { index: number; probe: boolean } | null;
  /** Lines on the message channel without the run's token (written by user code), dropped. */
  forgedLines: number;
  /** The process group id that was used (for diagnostics and tests), null if spawning failed. */
  pgid: number | null;
}

const DEFAULT_OUTPUT_LIMIT = 64 * 1024;
const RSS_POLL_MS = 50;
const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** The RSS limit in MiB that the parent enforces for a given `memoryMb`. */
export function rssLimitMb(memoryMb: number): number {
  return memoryMb * 1.5 + 64;
}

// ---- runner location and job dir ----------------------------------------------------------------

/**
 * Absolute path of a separately bundled child script in dist/ (runner.js, coverage-runner.js):
 * next to this file when running from dist/, else in a dist/ folder above it (under tsx). Null
 * when it is not built.
 */
export function findDistBundle(fileName: string): string | null {
  const candidates: string[] = [path.join(__dirname, fileName)];
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    candidates.push(path.join(dir, 'dist', fileName));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Only the bundle: src/core/sandbox/runner.ts sits next to this file under tsx.
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? null;
}

let runnerSourceCache: string | null = null;

/** Absolute path of the bundled runner (dist/runner.js). Throws SandboxError if it is not built. */
export function findRunnerBundle(): string {
  if (runnerSourceCache && fs.existsSync(runnerSourceCache)) return runnerSourceCache;
  const found = findDistBundle('runner.js');
  if (!found) throw new SandboxError('The sandbox runner (dist/runner.js) is missing: run `npm run build`.');
  runnerSourceCache = found;
  return found;
}

/**
 * Creates `dir` (if needed) and copies the runner into it. Returns the runner's path inside
 * `dir`. The job directory is the only place the child may read.
 */
export function prepareJobDir(dir: string): string {
  const abs = path.resolve(dir);
  fs.mkdirSync(abs, { recursive: true });
  const dest = path.join(abs, 'runner.js');
  fs.copyFileSync(findRunnerBundle(), dest);
  return dest;
}

// ---- live process groups ------------------------------------------------------------------------

const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** SIGKILLs the whole process group of `pid` (falls back to the child itself where groups do not exist). */
export function killGroup(pid: number, child?: ChildProcess): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone already. On platforms without groups, fall back to the child.
    try {
      child?.kill('SIGKILL');
    } catch {
      // ignore
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // ignore
      }
    }
  });
}

/**
 * Registers a detached child's process group so it is killed if this process exits while it runs
 * (for confined spawns outside runSandboxed, e.g. the project-test runner); `untrackGroup` when reaped.
 */
export function trackGroup(pgid: number): void {
  installExitHook();
  liveGroups.add(pgid);
}

export function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

/** Process groups of sandboxed children that are still running (for tests and diagnostics). */
export function liveProcessGroups(): number[] {
  return [...liveGroups];
}

/** Resident set of `pid` in MiB (Linux /proc), null when it cannot be read. */
export function readRssMb(pid: number): number | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(s);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// ---- capped output --------------------------------------------------------------------------------

/** Captured output capped at `limit` bytes, with the last 4 KiB always kept in `tail`. */
export class CappedText {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  /** The last few KiB, always kept (to recognize V8's out-of-memory report after a flood). */
  tail = '';
  constructor(private readonly limit: number) {}
  push(b: Buffer): void {
    if (this.size < this.limit) {
      const take = Math.min(b.length, this.limit - this.size);
      this.chunks.push(take === b.length ? b : b.subarray(0, take));
      this.size += take;
      if (take < b.length) this.truncated = true;
    } else if (b.length > 0) {
      this.truncated = true;
    }
    const t = this.tail + b.subarray(Math.max(0, b.length - 4096)).toString('latin1');
    this.tail = t.length > 4096 ? t.slice(t.length - 4096) : t;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

// ---- run ------------------------------------------------------------------------------------------

/**
 * Runs `job` in a fresh confined node process and resolves when the child has exited and its
 * pipes are drained. Never rejects for outcomes of the code under test; throws SandboxError for
 * infrastructure faults (missing node, missing runner).
 */
export async function runSandboxed(job: RunnerJob, opts: SandboxOptions): Promise<SandboxRun> {
  const logger = opts.logger ?? silentLogger;
  const jobDir = path.resolve(opts.jobDir);
  const runnerPath = path.join(jobDir, 'runner.js');
  if (!fs.existsSync(runnerPath)) prepareJobDir(jobDir);
  const info = await nodeInfo(opts.nodePath);
  const nsPrefix = opts.noNetworkNamespace ? null : await networkNamespacePrefix(info.path);

  const nodeArgs = [
    ...(opts.unsafeNoPermissionForTest ? [] : permissionArgs(info, jobDir)),
    `--max-old-space-size=${Math.max(16, Math.floor(opts.memoryMb))}`,
    '--expose-gc',
    '--no-warnings',
    runnerPath,
  ];
  const command = nsPrefix ? (nsPrefix[0] as string) : info.path;
  const args = nsPrefix ? [...nsPrefix.slice(1), info.path, ...nodeArgs] : nodeArgs;
  const token = randomBytes(18).toString('base64url');
  const payload = JSON.stringify({ ...job, __channel: token });

  if (opts.signal?.aborted) {
    return emptyRun('aborted', 0);
  }

  installExitHook();
  const started = performance.now();
  const outputLimit = opts.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT;
  const stdout = new CappedText(outputLimit);
  const stderr = new CappedText(outputLimit);
  const messages: RunnerMessage[] = [];
  let forgedLines = 0;
  let end: SandboxEnd | null = null;
  let hungCall: { index: number; probe: boolean } | null = null;
  let peakRssMb: number | null = null;

  logger.debug(`sandbox: ${command} ${args.join(' ')}`);
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: jobDir,
      env: { PATH: MINIMAL_PATH, LANG: 'C' },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
  } catch (e) {
    logger.warn(`sandbox: spawn failed: ${oneLine(e)}`);
    return emptyRun('spawn-error', performance.now() - started);
  }

  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);

  return new Promise<SandboxRun>((resolve) => {
    let exited = false;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let resolved = false;
    const timers: NodeJS.Timeout[] = [];
    let callTimer: NodeJS.Timeout | null = null;

    const kill = (why: SandboxEnd): void => {
      if (end === null) end = why;
      if (pid !== undefined) killGroup(pid, child);
    };

    const finish = (): void => {
      if (resolved) return;
      resolved = true;
      for (const t of timers) clearTimeout(t);
      if (callTimer) clearTimeout(callTimer);
      clearInterval(rssTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      // Reap anything left in the group (never leave orphans).
      if (pid !== undefined) {
        killGroup(pid);
        liveGroups.delete(pid);
      }
      if (!skippingLongLine) lineBuf += decoder.end();
      if (lineBuf.length > 0) handleLine(lineBuf);
      let finalEnd: SandboxEnd = end ?? 'exited';
      if (finalEnd === 'exited' && looksLikeHeapOom(exitCode, exitSignal, stderr.tail)) finalEnd = 'memory';
      resolve({
        end: finalEnd,
        exitCode,
        signal: exitSignal,
        messages,
        stdout: stdout.text(),
        stderr: stderr.text(),
        outputTruncated: stdout.truncated || stderr.truncated,
        wallMs: performance.now() - started,
        peakRssMb,
        hungCall,
        forgedLines,
        pgid: pid ?? null,
      });
    };

    // Wall clock.
    timers.push(setTimeout(() => kill('timeout'), Math.max(1, opts.timeoutMs)));

    // Abort.
    const onAbort = (): void => kill('aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    // RSS watch.
    const rssLimit = rssLimitMb(opts.memoryMb);
    const rssTimer = setInterval(() => {
      if (pid === undefined || exited) return;
      const rss = readRssMb(pid);
      if (rss === null) return;
      if (peakRssMb === null || rss > peakRssMb) peakRssMb = rss;
      if (rss > rssLimit) {
        logger.debug(`sandbox: RSS ${rss.toFixed(0)} MiB over ${rssLimit} MiB: killing`);
        kill('memory');
      }
    }, RSS_POLL_MS);

    // Messages on fd 3.
    let lineBuf = '';
    let skippingLongLine = false;
    const handleLine = (line: string): void => {
      if (line.length === 0) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        forgedLines++;
        return;
      }
      if (parsed === null || typeof parsed !== 'object' || (parsed as { c?: unknown }).c !== token) {
        forgedLines++;
        return;
      }
      const m = (parsed as { m?: unknown }).m as RunnerMessage | undefined;
      if (!m || typeof m !== 'object' || typeof (m as { type?: unknown }).type !== 'string') {
        forgedLines++;
        return;
      }
      messages.push(m);
      if (m.type === 'call-start' && opts.callTimeoutMs !== undefined) {
        if (callTimer) clearTimeout(callTimer);
        const at = { index: m.index, probe: m.probe };
        const grace = Math.max(250, opts.callTimeoutMs * 0.1);
        callTimer = setTimeout(() => {
          hungCall = at;
          kill('call-timeout');
        }, opts.callTimeoutMs + grace);
      } else if (m.type === 'call-result' && callTimer) {
        clearTimeout(callTimer);
        callTimer = null;
      }
      try {
        opts.onMessage?.(m);
      } catch (e) {
        logger.warn(`sandbox: onMessage threw: ${oneLine(e)}`);
      }
    };
    const channel = child.stdio[3] as NodeJS.ReadableStream | null | undefined;
    // One decoder for the whole stream: a multi-byte character split across two chunks must be
    // joined, not turned into two replacement characters (values must cross losslessly).
    const decoder = new StringDecoder('utf8');
    channel?.on('data', (chunk: Buffer) => {
      let s = decoder.write(chunk);
      while (s.length > 0) {
        const nl = s.indexOf('\n');
        if (nl < 0) {
          if (!skippingLongLine) {
            lineBuf += s;
            if (lineBuf.length > MAX_LINE_BYTES) {
              lineBuf = '';
              skippingLongLine = true;
              forgedLines++;
            }
          }
          return;
        }
        const part = s.slice(0, nl);
        s = s.slice(nl + 1);
        if (skippingLongLine) {
          skippingLongLine = false;
          continue;
        }
        const line = lineBuf + part;
        lineBuf = '';
        handleLine(line);
      }
    });
    channel?.on('error', () => undefined);
    child.stdout?.on('data', (b: Buffer) => stdout.push(b));
    child.stderr?.on('data', (b: Buffer) => stderr.push(b));
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);

    // The job on stdin.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(payload);

    child.on('error', (e) => {
      logger.warn(`sandbox: child error: ${oneLine(e)}`);
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
      // Kill whatever else is in the group, then wait for the pipes to drain ('close'), but not forever.
      if (pid !== undefined) killGroup(pid);
      timers.push(setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        (channel as unknown as { destroy?: () => void } | null | undefined)?.destroy?.();
        finish();
      }, 2000));
    });
    child.on('close', () => {
      if (exited) finish();
    });
  });
}

/** Whether an exit looks like V8's heap-out-of-memory abort. */
export function looksLikeHeapOom(code: number | null, sig: string | null, tail: string): boolean {
  const crashed = sig === 'SIGABRT' || sig === 'SIGTRAP' || code === 134 || code === 133;
  return crashed && /heap out of memory|Reached heap limit|Allocation failed/i.test(tail);
}

function emptyRun(end: SandboxEnd, wallMs: number): SandboxRun {
  return { end, exitCode: null, signal: null, messages: [], stdout: '', stderr: '', outputTruncated: false, wallMs, peakRssMb: null, hungCall: null, forgedLines: 0, pgid: null };
}

// ---- layers ---------------------------------------------------------------------------------------

const layersCache = new Map<string, Promise<string[]>>();

/**
 * Human names of the sandbox layers active for `nodePath` on this machine, based on a real
 * probe job (the runner tries an fs write, a child process, a worker and a blocked connect).
 * Cached per node path and memory size.
 */
export function sandboxLayers(nodePath: string, memoryMb = 512): Promise<string[]> {
  const key = `${nodePath}\0${memoryMb}`;
  let p = layersCache.get(key);
  if (!p) {
    p = probeLayers(nodePath, memoryMb);
    layersCache.set(key, p);
    p.catch(() => layersCache.delete(key));
  }
  return p;
}

/** Runs a probe job and returns the runner's PermissionReport (null if it did not answer). */
export async function probeSandbox(nodePath: string, memoryMb = 512): Promise<{ run: SandboxRun; report: PermissionReport | null }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-probe-'));
  try {
    prepareJobDir(dir);
    const run = await runSandboxed({ mode: 'probe' }, { nodePath, jobDir: dir, timeoutMs: 15_000, memoryMb });
    const ready = run.messages.find((m): m is Extract<RunnerMessage, { type: 'ready' }> => m.type === 'ready');
    return { run, report: ready ? ready.permissions : null };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function probeLayers(nodePath: string, memoryMb: number): Promise<string[]> {
  const { run, report } = await probeSandbox(nodePath, memoryMb);
  const layers: string[] = [];
  if (!report) {
    const refused = run.messages.find((m) => m.type === 'refused');
    throw new SandboxError(`The sandbox probe failed (${refused && refused.type === 'refused' ? refused.reason : `end ${run.end}, exit ${String(run.exitCode)}`}).`);
  }
  if (report.permissionModel) layers.push('node permission model (fs read: job dir only; no fs write, child processes, workers, addons)');
  if (report.networkGuards) layers.push('network guards in the runner');
  layers.push(`memory cap ${memoryMb} MiB + RSS watch (kill above ${rssLimitMb(memoryMb)} MiB)`);
  layers.push('process-group kill');
  layers.push('scrubbed environment');
  if (report.osNetworkIsolated === true) layers.push('os: network namespace (unshare)');
  return layers;
}
