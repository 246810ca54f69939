/**
 * The lifecycle of one confined child process, shared by the sandbox runner (spawn.ts) and the
 * confined test-runner and coverage commands (confine.ts).
 *
 * Enters: a command line, its environment and working directory, limits (wall clock, memory),
 * an AbortSignal, and hooks for protocol pipes. Leaves: a ProcessResult (how it ended, exit code
 * or signal, capped stdout/stderr, wall time, peak RSS) once the child has exited and its pipes
 * are drained, or two seconds after its exit at the latest.
 *
 * Every end path (exit, wall-clock timeout, RSS over the limit, abort, a hook's kill) SIGKILLs
 * the child's whole process group, and groups still alive when this process exits are killed too.
 */
import { spawn, type ChildProcess, type StdioPipe } from 'node:child_process';
import * as fs from 'node:fs';
import { oneLine } from '../errors';
import type { Logger } from '../logger';

export type ProcessEnd = 'exited' | 'timeout' | 'call-timeout' | 'memory' | 'aborted' | 'spawn-error';

export interface SuperviseOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The whole environment of the child (nothing is inherited). */
  env: Record<string, string>;
  /** Text written to the child's stdin, which is then closed; without it stdin is ignored. */
  stdin?: string;
  /** Pipes after stderr (fd 3, 4, ...) for a protocol channel; handed to onSpawn via child.stdio. */
  extraPipes?: number;
  /** Wall-clock limit for the child, in ms. */
  timeoutMs: number;
  /** The memory limit the RSS watch enforces (rssLimitMb of it). */
  memoryMb: number;
  /** Cap on captured stdout and on captured stderr, each, in bytes. */
  outputLimitBytes: number;
  signal?: AbortSignal;
  logger: Logger;
  /** Prefix of log lines ('sandbox', 'tests'). */
  label: string;
  /** Called once the child is spawned: attach readers to extra pipes; `kill` ends the run with a reason. */
  onSpawn?: (child: ChildProcess, kill: (why: ProcessEnd) => void) => void;
  /** Called once, just before the result is built (flush what a channel reader buffered). */
  onFinish?: () => void;
}

export interface ProcessResult {
  end: ProcessEnd;
  exitCode: number | null;
  signal: string | null;
  stdout: CappedText;
  stderr: CappedText;
  /** From spawn to the end, in ms. */
  wallMs: number;
  /** Highest resident set size observed, in MiB (null when it cannot be observed, e.g. not Linux). */
  peakRssMb: number | null;
  /** The child's pid (= its process group id), null when spawning failed. */
  pid: number | null;
}

const RSS_POLL_MS = 50;
const DRAIN_MS = 2000;

/** The RSS limit in MiB that the parent enforces for a given `memoryMb`. */
export function rssLimitMb(memoryMb: number): number {
  return memoryMb * 1.5 + 64;
}

/** Whether an exit looks like V8's heap-out-of-memory abort. */
export function looksLikeHeapOom(code: number | null, sig: string | null, tail: string): boolean {
  const crashed = sig === 'SIGABRT' || sig === 'SIGTRAP' || code === 134 || code === 133;
  return crashed && /heap out of memory|Reached heap limit|Allocation failed/i.test(tail);
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

/** Process groups of supervised children that are still running (for tests and diagnostics). */
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
  /** The kept tail decoded as UTF-8 (it is kept as latin1). */
  tailText(): string {
    return Buffer.from(this.tail, 'latin1').toString('utf8');
  }
}

// ---- supervise ------------------------------------------------------------------------------------

/** Runs the command under the limits; never rejects (a failed spawn is end 'spawn-error'). */
export function supervise(o: SuperviseOptions): Promise<ProcessResult> {
  const stdout = new CappedText(o.outputLimitBytes);
  const stderr = new CappedText(o.outputLimitBytes);
  const started = performance.now();
  const result = (end: ProcessEnd, extra: Partial<ProcessResult> = {}): ProcessResult => ({
    end,
    exitCode: null,
    signal: null,
    stdout,
    stderr,
    wallMs: performance.now() - started,
    peakRssMb: null,
    pid: null,
    ...extra,
  });
  if (o.signal?.aborted) return Promise.resolve(result('aborted', { wallMs: 0 }));
  installExitHook();
  o.logger.debug(`${o.label}: ${o.command} ${o.args.join(' ')}`);
  const extra: StdioPipe[] = Array.from({ length: o.extraPipes ?? 0 }, () => 'pipe' as const);
  let child: ChildProcess;
  try {
    child = spawn(o.command, o.args, {
      cwd: o.cwd,
      env: o.env,
      detached: true,
      stdio: [o.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', ...extra],
      windowsHide: true,
    });
  } catch (e) {
    o.logger.warn(`${o.label}: spawn failed: ${oneLine(e)}`);
    stderr.push(Buffer.from(oneLine(e)));
    return Promise.resolve(result('spawn-error'));
  }
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);

  return new Promise<ProcessResult>((resolve) => {
    let end: ProcessEnd | null = null;
    let exited = false;
    let resolved = false;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let peakRssMb: number | null = null;
    const timers: NodeJS.Timeout[] = [];

    const kill = (why: ProcessEnd): void => {
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
      // Reap anything left in the group (never leave orphans).
      if (pid !== undefined) {
        killGroup(pid);
        liveGroups.delete(pid);
      }
      try {
        o.onFinish?.();
      } catch (e) {
        o.logger.warn(`${o.label}: onFinish threw: ${oneLine(e)}`);
      }
      let finalEnd: ProcessEnd = end ?? 'exited';
      if (finalEnd === 'exited' && looksLikeHeapOom(exitCode, exitSignal, stderr.tail)) finalEnd = 'memory';
      resolve(result(finalEnd, { exitCode, signal: exitSignal, peakRssMb, pid: pid ?? null }));
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
        o.logger.debug(`${o.label}: RSS ${rss.toFixed(0)} MiB over ${rssLimit} MiB: killing`);
        kill('memory');
      }
    }, RSS_POLL_MS);

    child.stdout?.on('data', (b: Buffer) => stdout.push(b));
    child.stderr?.on('data', (b: Buffer) => stderr.push(b));
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);
    try {
      o.onSpawn?.(child, kill);
    } catch (e) {
      o.logger.warn(`${o.label}: onSpawn threw: ${oneLine(e)}`);
      kill('spawn-error');
    }
    if (o.stdin !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(o.stdin);
    }
    child.on('error', (e) => {
      o.logger.warn(`${o.label}: child error: ${oneLine(e)}`);
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
      timers.push(
        setTimeout(() => {
          for (const s of child.stdio) (s as { destroy?: () => void } | null)?.destroy?.();
          finish();
        }, DRAIN_MS),
      );
    });
    child.on('close', () => {
      if (exited) finish();
    });
  });
}
