/**
 * Benchmarking: the unit of replication is a fresh process. A round runs every arm once, each
 * in its own new `node` process, in a random order; per round and size we keep each arm's
 * median per-call time, and the decision statistics (stats.ts) are computed over rounds in the
 * parent. Screening uses few rounds for all arms; the decision on a candidate is made on fresh
 * confirmation rounds alone (no winner's curse, no running until significant).
 */
import type { BenchJob, Denial, RunnerMessage } from '../sandbox/protocol';
import { runSandboxed, type SandboxContext } from '../sandbox/spawn';
import { median } from './stats';
import { createRng } from '../rng';
import { throwIfAborted } from '../errors';

/** The sandbox settings of the run's benchmark processes. */
export type BenchContext = SandboxContext;

export interface SizePool {
  size: number;
  /** v8-serialized argument lists (distinct inputs of that size). */
  inputsFile: string;
}

export interface BenchTiming {
  warmupMs: number;
  timeMs: number;
  minSampleNs: number;
  maxCalls: number;
}

export interface ArmSize {
  medianNs: number;
  /** Time to prepare one call (its input's clone, its receiver), in ns. */
  prepNs: number;
  samples: number;
  checksum: string;
  checksumCalls: number;
  totalCalls: number;
}

/**
 * Why a benchmark process failed. The code's own doing: 'threw' (an error while measured),
 * 'memory', 'timeout', 'clock' (its claimed times exceed the process's wall time: the clock was
 * tampered with), 'load' (it failed to load). The measurement's: 'refused' (the sandbox would not
 * start), 'harness' (the runner failed), 'crashed' (the process ended without a result).
 */
export type ArmFailureKind = 'threw' | 'memory' | 'timeout' | 'clock' | 'load' | 'refused' | 'harness' | 'crashed';

export interface ArmFailure {
  kind: ArmFailureKind;
  /** One clause for a sentence: 'it exceeded the memory limit while benchmarking'. */
  reason: string;
}

export type ArmResult =
  | { ok: true; sizes: Map<number, ArmSize>; tampers: string[]; denials: Denial[]; wallMs: number }
  | ({ ok: false; sizes: Map<number, ArmSize>; wallMs: number } & ArmFailure);

/** Runs one fresh process that measures `bundle` at each size. */
export async function measureArm(
  bundle: string,
  pools: SizePool[],
  timing: BenchTiming,
  ctx: BenchContext,
  opts: { processTimeoutMs?: number; stopAboveNs?: number } = {},
): Promise<ArmResult> {
  const job: BenchJob = {
    mode: 'bench',
    bundle,
    seed: ctx.seed,
    frozenNowMs: ctx.frozenNowMs,
    sizes: pools.map((p) => ({ size: p.size, inputsFile: p.inputsFile })),
    warmupMs: timing.warmupMs,
    timeMs: timing.timeMs,
    minSampleNs: timing.minSampleNs,
    maxCalls: timing.maxCalls,
    ...(ctx.receiver && ctx.receiver !== 'none' ? { receiver: ctx.receiver } : {}),
  };
  const sizes = new Map<number, ArmSize>();
  const tampers = new Set<string>();
  const denials = new Map<string, Denial>();
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  let stoppedEarly = false;
  let benchError: string | null = null;
  const onMessage = (m: RunnerMessage) => {
    if (m.type === 'bench-result') {
      const perCall = median(m.samplesNs);
      sizes.set(m.size, {
        medianNs: perCall,
        prepNs: m.prepNsPerCall ?? 0,
        samples: m.samplesNs.length,
        checksum: m.checksum,
        checksumCalls: m.checksumCalls,
        totalCalls: m.totalCalls,
      });
      for (const t of m.tampers) tampers.add(t.what);
      for (const d of m.denials ?? []) denials.set(`${d.kind}\u0000${d.api}\u0000${d.resource ?? ''}`, d);
      if (opts.stopAboveNs !== undefined && perCall > opts.stopAboveNs) {
        stoppedEarly = true;
        controller.abort();
      }
    } else if (m.type === 'bench-error') {
      benchError ??= `at size ${m.size}: ${m.error}`;
    } else if (m.type === 'loaded') {
      for (const t of m.tampers) tampers.add(t.what);
      for (const d of m.denials ?? []) denials.set(`${d.kind}\u0000${d.api}\u0000${d.resource ?? ''}`, d);
    }
  };
  const budgetMs = pools.length * (timing.warmupMs + timing.timeMs) * 3 + 10_000;
  let run;
  try {
    run = await runSandboxed(job, {
      nodePath: ctx.nodePath,
      jobDir: ctx.jobDir,
      timeoutMs: opts.processTimeoutMs ?? budgetMs,
      memoryMb: ctx.memoryMb,
      signal: controller.signal,
      logger: ctx.logger,
      onMessage,
    });
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
  }
  throwIfAborted(ctx.signal);
  if (stoppedEarly) return { ok: true, sizes, tampers: [...tampers], denials: [...denials.values()], wallMs: run.wallMs };
  for (const m of run.messages) {
    if (m.type === 'load-error') return { ok: false, kind: 'load', reason: `it failed to load: ${m.error}`, sizes, wallMs: run.wallMs };
    if (m.type === 'refused') return { ok: false, kind: 'refused', reason: `the sandbox refused to run it: ${m.reason}`, sizes, wallMs: run.wallMs };
    if (m.type === 'fatal') return { ok: false, kind: 'harness', reason: `the benchmark harness failed: ${m.error}`, sizes, wallMs: run.wallMs };
  }
  if (benchError) return { ok: false, kind: 'threw', reason: `it failed while benchmarking ${benchError}`, sizes, wallMs: run.wallMs };
  const done = run.messages.some((m) => m.type === 'done');
  if (!done) {
    if (run.end === 'memory') return { ok: false, kind: 'memory', reason: 'it exceeded the memory limit while benchmarking', sizes, wallMs: run.wallMs };
    if (run.end === 'timeout') return { ok: false, kind: 'timeout', reason: 'the benchmark process exceeded its time limit', sizes, wallMs: run.wallMs };
    return { ok: false, kind: 'crashed', reason: `the benchmark process ended early (${run.signal ?? `exit code ${String(run.exitCode)}`})`, sizes, wallMs: run.wallMs };
  }
  // The child's clock was captured before any user code loaded; still, its claimed sampling
  // time can never exceed the wall time the parent saw for the whole process.
  let claimedNs = 0;
  for (const m of run.messages) {
    if (m.type === 'bench-result') for (const s of m.samplesNs) claimedNs += s * m.callsPerSample;
  }
  if (claimedNs / 1e6 > run.wallMs * 1.05 + 5) {
    return {
      ok: false,
      kind: 'clock',
      reason: `its measured times (${(claimedNs / 1e6).toFixed(0)} ms) exceed the process's wall time (${run.wallMs.toFixed(0)} ms): the clock was tampered with`,
      sizes,
      wallMs: run.wallMs,
    };
  }
  return { ok: true, sizes, tampers: [...tampers], denials: [...denials.values()], wallMs: run.wallMs };
}

export interface RoundsResult {
  /** Per arm (by key), indexed by round, per size: median per-call ns (undefined where the arm did not run). */
  perArm: Map<string, (Map<number, number> | undefined)[]>;
  /** Per arm, the first successful measurement of each size (checksums). */
  firstSizes: Map<string, Map<number, ArmSize>>;
  /** Arms that failed, with why (they are dropped from later rounds). */
  failures: Map<string, ArmFailure>;
  tampers: Map<string, string[]>;
  /** Accesses the sandbox denied each arm while it was measured. */
  denials: Map<string, Denial[]>;
  wallMs: number;
  /** Wall time of each arm's processes, summed over rounds, in ms. */
  armWallMs: Map<string, number>;
}

/**
 * Runs `rounds` rounds; in each, every (still healthy) arm is measured in a fresh process, in
 * an order shuffled per round.
 */
export async function runRounds(
  arms: { key: string; bundle: string }[],
  pools: SizePool[],
  rounds: number,
  timing: BenchTiming,
  ctx: BenchContext,
  onRound?: (round: number, total: number) => void,
): Promise<RoundsResult> {
  const rng = createRng(ctx.seed ^ 0x5eed);
  const perArm = new Map<string, (Map<number, number> | undefined)[]>(arms.map((a) => [a.key, []]));
  const firstSizes = new Map<string, Map<number, ArmSize>>();
  const failures = new Map<string, ArmFailure>();
  const tampers = new Map<string, string[]>();
  const denials = new Map<string, Denial[]>();
  const armWallMs = new Map<string, number>();
  let wallMs = 0;
  for (let r = 0; r < rounds; r++) {
    throwIfAborted(ctx.signal);
    onRound?.(r + 1, rounds);
    const order = rng.shuffle(arms.filter((a) => !failures.has(a.key)));
    for (const arm of order) {
      const res = await measureArm(arm.bundle, pools, timing, ctx);
      wallMs += res.wallMs;
      armWallMs.set(arm.key, (armWallMs.get(arm.key) ?? 0) + res.wallMs);
      if (!res.ok) {
        failures.set(arm.key, { kind: res.kind, reason: res.reason });
        continue;
      }
      if (res.tampers.length) tampers.set(arm.key, res.tampers);
      if (res.denials.length) denials.set(arm.key, [...(denials.get(arm.key) ?? []), ...res.denials]);
      const row = new Map<number, number>();
      for (const [size, m] of res.sizes) row.set(size, m.medianNs);
      const rows = perArm.get(arm.key);
      if (rows) rows[r] = row;
      if (!firstSizes.has(arm.key)) firstSizes.set(arm.key, res.sizes);
    }
  }
  return { perArm, firstSizes, failures, tampers, denials, wallMs, armWallMs };
}

/** Pairs the original's and a candidate's per-round medians at one size (rounds where both ran). */
export function pairedRounds(
  result: RoundsResult,
  originalKey: string,
  candidateKey: string,
  size: number,
): { originalNs: number; candidateNs: number }[] {
  const o = result.perArm.get(originalKey) ?? [];
  const c = result.perArm.get(candidateKey) ?? [];
  const out: { originalNs: number; candidateNs: number }[] = [];
  for (let i = 0; i < Math.min(o.length, c.length); i++) {
    const on = o[i]?.get(size);
    const cn = c[i]?.get(size);
    if (on !== undefined && cn !== undefined && on > 0 && cn > 0) out.push({ originalNs: on, candidateNs: cn });
  }
  return out;
}
