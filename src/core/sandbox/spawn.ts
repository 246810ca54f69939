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
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SandboxError, oneLine } from '../errors';
import { silentLogger, type Logger } from '../logger';
import type { CallReceiver, RunnerJob, RunnerMessage, PermissionReport } from './protocol';
import { nodeInfo, permissionArgs, networkNamespacePrefix, MINIMAL_PATH } from './nodeinfo';
import { rssLimitMb, supervise, type ProcessEnd } from './process';

// resolveNodePath lives in nodeinfo.ts and the process lifecycle in process.ts; re-exported here
// because callers import them with runSandboxed.
export { resolveNodePath } from './nodeinfo';
export { CappedText, killGroup, liveProcessGroups, looksLikeHeapOom, readRssMb, rssLimitMb } from './process';

/** What every sandboxed job of one run needs: the node binary, the job directory, limits, seeds and the run's signal and logger. */
export interface SandboxContext {
  nodePath: string;
  jobDir: string;
  memoryMb: number;
  seed: number;
  frozenNowMs: number;
  signal?: AbortSignal;
  logger: Logger;
  /** Call convention of a method target (absent: a plain function). */
  receiver?: CallReceiver;
}

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

export type SandboxEnd = ProcessEnd;

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
const MAX_LINE_BYTES = 64 * 1024 * 1024;

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

// ---- the message channel --------------------------------------------------------------------------

/**
 * Reads the runner's messages from fd 3: one JSON line `{ c: token, m: message }` each. Lines
 * without the run's token (user code that found the descriptor), unparsable or longer than
 * MAX_LINE_BYTES are dropped and counted.
 */
class ChannelReader {
  forgedLines = 0;
  private buf = '';
  private skippingLongLine = false;
  // One decoder for the whole stream: a multi-byte character split across two chunks must be
  // joined, not turned into two replacement characters (values must cross losslessly).
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly token: string,
    private readonly onMessage: (m: RunnerMessage) => void,
  ) {}

  push(chunk: Buffer): void {
    let s = this.decoder.write(chunk);
    while (s.length > 0) {
      const nl = s.indexOf('\n');
      if (nl < 0) {
        if (!this.skippingLongLine) {
          this.buf += s;
          if (this.buf.length > MAX_LINE_BYTES) {
            this.buf = '';
            this.skippingLongLine = true;
            this.forgedLines++;
          }
        }
        return;
      }
      const part = s.slice(0, nl);
      s = s.slice(nl + 1);
      if (this.skippingLongLine) {
        this.skippingLongLine = false;
        continue;
      }
      const line = this.buf + part;
      this.buf = '';
      this.line(line);
    }
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (!this.skippingLongLine) this.buf += this.decoder.end();
    if (this.buf.length > 0) this.line(this.buf);
    this.buf = '';
  }

  private line(line: string): void {
    if (line.length === 0) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.forgedLines++;
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || (parsed as { c?: unknown }).c !== this.token) {
      this.forgedLines++;
      return;
    }
    const m = (parsed as { m?: unknown }).m as RunnerMessage | undefined;
    if (!m || typeof m !== 'object' || typeof (m as { type?: unknown }).type !== 'string') {
      this.forgedLines++;
      return;
    }
    this.onMessage(m);
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

  const messages: RunnerMessage[] = [];
  let hungCall: { index: number; probe: boolean } | null = null;
  let callTimer: NodeJS.Timeout | null = null;
  let killRun: (why: SandboxEnd) => void = () => undefined;
  const channel = new ChannelReader(token, (m) => {
    messages.push(m);
    if (m.type === 'call-start' && opts.callTimeoutMs !== undefined) {
      // The per-call watchdog.
      if (callTimer) clearTimeout(callTimer);
      const at = { index: m.index, probe: m.probe };
      const grace = Math.max(250, opts.callTimeoutMs * 0.1);
      callTimer = setTimeout(() => {
        hungCall = at;
        killRun('call-timeout');
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
  });

  const run = await supervise({
    command,
    args,
    cwd: jobDir,
    env: { PATH: MINIMAL_PATH, LANG: 'C' },
    stdin: payload,
    extraPipes: 1,
    timeoutMs: opts.timeoutMs,
    memoryMb: opts.memoryMb,
    outputLimitBytes: opts.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT,
    signal: opts.signal,
    logger,
    label: 'sandbox',
    onSpawn: (child, kill) => {
      killRun = kill;
      const fd3 = child.stdio[3] as NodeJS.ReadableStream | null | undefined;
      fd3?.on('data', (chunk: Buffer) => channel.push(chunk));
      fd3?.on('error', () => undefined);
    },
    onFinish: () => {
      if (callTimer) clearTimeout(callTimer);
      channel.end();
    },
  });
  return {
    end: run.end,
    exitCode: run.exitCode,
    signal: run.signal,
    messages,
    stdout: run.stdout.text(),
    stderr: run.stderr.text(),
    outputTruncated: run.stdout.truncated || run.stderr.truncated,
    wallMs: run.wallMs,
    peakRssMb: run.peakRssMb,
    hungCall,
    forgedLines: channel.forgedLines,
    pgid: run.pid,
  };
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
