/**
 * The benchmark stage. Enters: verified candidates (with bundles), the original and its
 * byte-identical copy, the size pools. Leaves: every candidate decided: screening in fresh
 * interleaved processes, confirmation of the most promising on fresh rounds planned from the
 * screening pilot (with the run's A/A arm), the real-workload pool and the project-test gate;
 * the verdict rests on the confirmation alone. The confirmation's pieces (confirmationRun,
 * replicate, aaNoise, discountNoise) are exported: bench/calibrate.ts decides with them.
 */
import type { CandidateFields, CandidateReport, CandidateTests } from '../report/report';
import type { SizeMeasurement, SpeedupInterval, VerdictKind } from '../types';
import { SandboxError } from '../errors';
import { speedupFromRounds, decide, fitGrowth, describeGrowth, median, isUninformative, type Decision, type RoundTimes } from './stats';
import { denialKey } from '../verify/verify';
import { describeDenials, formatInterval, formatRatio } from '../report/format';
import {
  runRounds,
  pairedRounds,
  type ArmFailure,
  type ArmFailureKind,
  type BenchContext,
  type BenchTiming,
  type RoundsResult,
  type SizePool,
} from './measure';
import { CONFIRM_TIMING, DEFAULTS, SCREEN_TIMING, WORKLOAD_SIZE } from './defaults';
import type { StageFn } from './pools';
import type { Finish, Working } from '../candidates/working';

/** The run's A/A calibration: the original against its copy, measured in the first confirmation. */
export interface NoiseState {
  aa: SpeedupInterval | null;
  attempted: boolean;
  /** The A/A interval excluded 1: identical code measured as different during this run. */
  unreliable: boolean;
  /** How far identical code was off (≥ 1); claims must clear minSpeedup by this factor too. */
  factor: number;
}

/** What the benchmark stage needs from the run. */
export interface BenchStageInput {
  originalBundle: string;
  copyBundle: string;
  pools: SizePool[];
  minSpeedup: number;
  bench: BenchContext;
  stage: StageFn;
  finish: Finish;
  update: (w: Working, patch: Partial<CandidateFields>) => void;
  sizeMeaning: string;
  notes: string[];
  noise: NoiseState;
  /** Time for confirming one candidate, in ms (sets the confirmation rounds); undefined: DEFAULTS.confirmRounds. */
  benchBudgetMs: number | undefined;
  /** The real-workload pool (calls captured from the project's tests), or null. */
  workload: (SizePool & { calls: number }) | null;
  /** The project-test gate, or null when the project's tests are not used. */
  gate: ((w: Working) => Promise<CandidateTests>) | null;
}

/** A screened candidate worth confirming, with its screening estimate and the spread of its log ratios. */
interface Promising {
  w: Working;
  est: number;
  sd: number;
}

/**
 * Screening, then confirmation of the most promising. Every survivor leaves decided (through
 * `input.finish`); throws SandboxError only when the original itself cannot be benchmarked.
 */
export async function benchmarkSurvivors(input: BenchStageInput, survivors: Working[]): Promise<void> {
  const { promising, screen } = await screenAll(input, survivors);
  const toConfirm = chooseForConfirmation(input, promising);
  const perProcessMs = confirmProcessMs(input, screen);
  for (const [k, p] of toConfirm.entries()) await confirmOne(input, p, k, toConfirm.length, perProcessMs);
}

/** Screening: every survivor and the original in fresh interleaved processes, at every pool size. */
async function screenAll(input: BenchStageInput, survivors: Working[]): Promise<{ promising: Promising[]; screen: RoundsResult }> {
  const { originalBundle, pools, bench: ctx, stage, sizeMeaning } = input;
  stage('benchmarking', `Screening ${survivors.length} candidate${survivors.length === 1 ? '' : 's'} at ${sizeMeaning} ${pools.map((p) => p.size).join(', ')}`);
  const arms = [{ key: 'original', bundle: originalBundle }, ...survivors.map((w) => ({ key: w.report.id, bundle: w.bundle! }))];
  const screenRounds = survivors.length === 1 ? DEFAULTS.screenRoundsSingle : DEFAULTS.screenRounds;
  const screen = await runRounds(arms, pools, screenRounds, SCREEN_TIMING, ctx, (r, n) =>
    stage('benchmarking', `Screening round ${r} of ${n} (${survivors.length + 1} fresh processes per round)`, r, n),
  );
  for (const w of survivors) w.spentMs += screen.armWallMs.get(w.report.id) ?? 0;
  const origFail = screen.failures.get('original');
  if (origFail) throw new SandboxError(`The original could not be benchmarked: ${origFail.reason}`);
  const promising: Promising[] = [];
  for (const w of survivors) {
    const p = screenOne(input, screen, w);
    if (p) promising.push(p);
  }
  return { promising, screen };
}

/**
 * One candidate's screening: decided here when its process failed, it tampered with built-ins,
 * was denied an access the original was not, or its results differ on the benchmark inputs;
 * otherwise its per-size rows and growth are recorded and it is returned for confirmation.
 */
function screenOne(input: BenchStageInput, screen: RoundsResult, w: Working): Promising | null {
  const { pools, bench: ctx, finish, update, sizeMeaning } = input;
  const key = w.report.id;
  const fail = screen.failures.get(key);
  if (fail) {
    finish(w, ARM_FAILURE_VERDICT[fail.kind], CODE_FAILURES.has(fail.kind) ? 'screening' : 'measurement', `Equivalent on the test inputs, but ${fail.reason}.`, fail.kind === 'clock' ? { tampered: ['the clock (its measured times exceed its wall time)'] } : {});
    return null;
  }
  const t = (screen.tampers.get(key) ?? []).filter((x) => !(screen.tampers.get('original') ?? []).includes(x));
  if (t.length) {
    finish(w, 'unsafe', 'screening', `It changes built-ins the harness relies on: ${t.slice(0, 3).join('; ')}.`, { tampered: t });
    return null;
  }
  const originalDenied = new Set((screen.denials.get('original') ?? []).map(denialKey));
  const denied = (screen.denials.get(key) ?? []).filter((d) => !originalDenied.has(denialKey(d)));
  if (denied.length) {
    finish(w, 'unsafe', 'screening', describeDenials(denied), { denied });
    return null;
  }
  // The benchmark inputs are larger than the verification inputs: both must compute the same results there too.
  const mismatch = pools.find((p) => checksumsDisagree(screen, key, p.size));
  if (mismatch) {
    finish(w, 'incorrect', 'screening', `Its results differ from the original's on the benchmark inputs of ${sizeMeaning} ${mismatch.size} (checksums of the returned values disagree).`);
    return null;
  }
  const rows: SizeMeasurement[] = [];
  for (const p of pools) {
    const paired = pairedRounds(screen, 'original', key, p.size);
    if (paired.length === 0) continue;
    rows.push({
      size: p.size,
      originalNs: median(paired.map((x) => x.originalNs)),
      candidateNs: median(paired.map((x) => x.candidateNs)),
      speedup: speedupFromRounds(paired, { seed: ctx.seed }),
    });
  }
  const headline = pools[pools.length - 1]!;
  const head = rows.find((r) => r.size === headline.size) ?? rows[rows.length - 1];
  update(w, { sizes: rows, headlineSize: head?.size ?? null, growth: growthOf(rows), speedup: head?.speedup ?? null });
  if (!head) {
    finish(w, 'error', 'measurement', 'It could not be benchmarked.');
    return null;
  }
  const logs = pairedRounds(screen, 'original', key, head.size).map((x) => Math.log(x.originalNs / x.candidateNs));
  const mean = logs.reduce((a, b) => a + b, 0) / Math.max(1, logs.length);
  const sd = logs.length > 1 ? Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1)) : Number.POSITIVE_INFINITY;
  return { w, est: head.speedup.estimate, sd };
}

/** Growth of both versions over the sizes, when at least three were measured. */
function growthOf(rows: SizeMeasurement[]): CandidateReport['growth'] {
  if (rows.length < 3) return null;
  const o = fitGrowth(rows.map((r) => ({ size: r.size, ns: r.originalNs })));
  const c = fitGrowth(rows.map((r) => ({ size: r.size, ns: r.candidateNs })));
  return o !== null && c !== null ? { original: o, candidate: c } : null;
}

/**
 * The candidates confirmed: the most promising (screened at least halfway to the threshold),
 * then those whose screening interval said nothing (a failed measurement, not a slow
 * candidate), up to DEFAULTS.maxConfirm. The others are decided here, from screening.
 */
function chooseForConfirmation(input: BenchStageInput, promising: Promising[]): Promising[] {
  const { minSpeedup, finish, update } = input;
  promising.sort((a, b) => b.est - a.est);
  const wanted = promising.filter((p) => p.est >= 1 + (minSpeedup - 1) / 2);
  const unclear = promising.filter((p) => !wanted.includes(p) && p.w.report.speedup !== null && isUninformative(p.w.report.speedup));
  const toConfirm = [...wanted, ...unclear].slice(0, DEFAULTS.maxConfirm);
  for (const p of promising) {
    if (toConfirm.includes(p)) continue;
    const s = p.w.report.speedup!;
    if (p.est >= 1 + (minSpeedup - 1) / 2) {
      // Promising, but only the most promising are confirmed, and only confirmation decides.
      finish(
        p.w,
        'not-faster',
        'screening',
        `Not confirmed: screening measured ${formatRatio(s.estimate)} (95% CI ${formatRatio(s.low)}–${formatRatio(s.high)}), but only the ${DEFAULTS.maxConfirm} most promising candidates are confirmed and ${toConfirm.length} measured faster in screening.`,
      );
    } else {
      const d = decide(s, minSpeedup);
      if (d.unmeasured) update(p.w, { speedup: null });
      finish(p.w, 'not-faster', 'screening', `${d.reason.replace(/\.$/, '')} in screening.`);
    }
  }
  return toConfirm;
}

/** The expected cost of one confirmation process, from the processes seen in screening, in ms. */
function confirmProcessMs(input: BenchStageInput, screen: RoundsResult): number {
  const processes = [...screen.perArm.values()].reduce((n, rows) => n + rows.filter(Boolean).length, 0);
  const screenProcessMs = processes ? screen.wallMs / processes : 500;
  const startupMs = Math.max(50, screenProcessMs - input.pools.length * (SCREEN_TIMING.warmupMs + SCREEN_TIMING.timeMs));
  return startupMs + CONFIRM_TIMING.warmupMs + CONFIRM_TIMING.timeMs;
}

/**
 * The number of confirmation rounds, fixed before they start (never "until significant"):
 * planned from the screening pilot, within the budget when one is given.
 */
function confirmationRounds(input: BenchStageInput, p: Promising, perProcessMs: number): number {
  const arms = input.noise.attempted ? 2 : 3;
  const most =
    input.benchBudgetMs === undefined
      ? DEFAULTS.confirmRounds
      : Math.max(DEFAULTS.minConfirmRounds, Math.min(DEFAULTS.maxConfirmRounds, Math.floor(input.benchBudgetMs / (arms * perProcessMs))));
  return Math.max(DEFAULTS.minConfirmRounds, Math.min(most, plannedRounds(p.est, p.sd, input.minSpeedup)));
}

/** One candidate's confirmation on fresh rounds, decided on those alone (then the workload and the test gate). */
async function confirmOne(input: BenchStageInput, p: Promising, k: number, total: number, perProcessMs: number): Promise<void> {
  const { originalBundle, copyBundle, pools, minSpeedup, bench: ctx, stage, finish, update, sizeMeaning, noise } = input;
  const w = p.w;
  const headline = pools[pools.length - 1]!;
  const rounds = confirmationRounds(input, p, perProcessMs);
  stage('confirming', `Confirming ${w.report.id} on ${rounds} fresh rounds at ${sizeMeaning} ${headline.size}`, k + 1, total);
  // The run's first confirmation also runs the A/A arm: the original against a byte-identical copy.
  const calibrate = !noise.attempted;
  noise.attempted = true;
  const arms: ConfirmationArms = { original: originalBundle, key: w.report.id, candidate: w.bundle! };
  const { res, fail, wallMs } = await confirmationRun(
    calibrate ? { ...arms, aaCopy: copyBundle } : arms,
    input.workload ? [headline, input.workload] : [headline],
    rounds,
    CONFIRM_TIMING,
    { ...ctx, seed: ctx.seed + 7919 * (k + 1) },
    (r, n) => stage('confirming', `Confirming ${w.report.id}: round ${r} of ${n}`, r, n),
  );
  w.spentMs += wallMs;
  if (fail) {
    finish(w, 'error', CODE_FAILURES.has(fail.kind) ? 'confirmation' : 'measurement', `Confirmation failed: ${fail.reason}.`);
    return;
  }
  if (calibrate && !res.failures.has('aa')) calibrateNoise(input, res, headline.size);
  let paired = pairedRounds(res, 'original', w.report.id, headline.size);
  let interval: SpeedupInterval = speedupFromRounds(paired, { seed: ctx.seed });
  let d0: Decision = decide(interval, minSpeedup);
  if (needsReplication(d0.verdict, interval, minSpeedup)) {
    stage('confirming', `Replicating ${w.report.id} on ${rounds} more fresh rounds (its lower bound is close to the threshold)`, k + 1, total);
    const onRound = (r: number, n: number) => stage('confirming', `Replicating ${w.report.id}: round ${r} of ${n}`, r, n);
    const again = await replicate({ arms, pool: headline, rounds, timing: CONFIRM_TIMING, ctx, k, minSpeedup, onRound }, paired, interval);
    w.spentMs += again.run.wallMs;
    ({ paired, interval, decision: d0 } = again);
  }
  const d = discountNoise(noise, minSpeedup, d0, interval);
  const growthText = w.report.growth ? ` Growth: original ${describeGrowth(w.report.growth.original)}, candidate ${describeGrowth(w.report.growth.candidate)}.` : '';
  const at = ` at ${sizeMeaning} ${headline.size}`;
  let verdict = d.verdict;
  let reason = d.verdict === 'faster' ? `${d.reason.replace(/\.$/, '')}${at}.${growthText}` : `${d.reason.replace(/\.$/, '')}${at}.`;
  const rows = w.report.sizes.map((r) =>
    r.size === headline.size ? { ...r, speedup: interval, originalNs: median(paired.map((x) => x.originalNs)), candidateNs: median(paired.map((x) => x.candidateNs)) } : r,
  );
  // The real workload: the calls captured from the project's tests, measured in the same processes.
  let workload: CandidateReport['workload'] = null;
  if (input.workload) {
    if (checksumsDisagree(res, w.report.id, WORKLOAD_SIZE)) {
      finish(w, 'incorrect', 'confirmation', "Its results differ from the original's on the calls captured from the project's tests (checksums of the returned values disagree).");
      return;
    }
    const wp = pairedRounds(res, 'original', w.report.id, WORKLOAD_SIZE);
    if (wp.length > 0) {
      const ws = speedupFromRounds(wp, { seed: ctx.seed });
      workload = { calls: input.workload.calls, originalNs: median(wp.map((x) => x.originalNs)), candidateNs: median(wp.map((x) => x.candidateNs)), speedup: ws };
      const measured = `${formatRatio(ws.estimate)} (95% CI ${formatRatio(ws.low)}–${formatRatio(ws.high)})`;
      if (verdict === 'faster' && ws.high < 1) {
        verdict = 'not-faster';
        reason = `${reason} But on the ${input.workload.calls} calls captured from the project's tests it is slower: ${measured}, so no speedup is claimed.`;
      } else {
        reason = `${reason} On the ${input.workload.calls} calls captured from the project's tests: ${measured}.`;
      }
    }
  }
  // An interval that says nothing is not shown as a result (the rows keep the raw numbers).
  update(w, { speedup: d.unmeasured ? null : interval, sizes: rows, headlineSize: headline.size, workload });
  if (verdict === 'faster' && input.gate) {
    const gated = await passGate(input, w, reason);
    if (gated === null) return;
    reason = gated;
  }
  finish(w, verdict, 'confirmation', reason);
}

/**
 * The run's A/A calibration from the first confirmation. Identical code should measure as
 * identical: when its interval excludes 1, something during this run (load, thermal, a noisy
 * neighbour) biased arms by up to that factor, and every claim must clear the threshold by it too.
 */
function calibrateNoise(input: BenchStageInput, res: RoundsResult, size: number): void {
  const { noise, minSpeedup, bench: ctx } = input;
  const { aa, unreliable, factor } = aaNoise(speedupFromRounds(pairedRounds(res, 'original', 'aa', size), { seed: ctx.seed }));
  Object.assign(noise, { aa, unreliable, factor });
  if (unreliable) {
    input.notes.push(
      `The machine was noisy during this run: the original measured against an identical copy of itself gave ${formatRatio(aa.estimate)} (95% CI ${formatRatio(aa.low)}–${formatRatio(aa.high)}). A speedup is claimed only if it clears ${formatRatio(minSpeedup)} by that margin too (lower bound ≥ ${formatRatio(minSpeedup * factor)}).`,
    );
  }
}

/** The noise an A/A interval shows: unreliable when it excludes 1, by the factor it is off. */
export function aaNoise(aa: SpeedupInterval): { aa: SpeedupInterval; unreliable: boolean; factor: number } {
  const unreliable = aa.low > 1 || aa.high < 1;
  return { aa, unreliable, factor: unreliable ? Math.max(aa.high, 1 / aa.low) : 1 };
}

/** The arms of one confirmation run: the original, the candidate (under `key`) and, when calibrating, the A/A copy (under 'aa'). */
export interface ConfirmationArms {
  original: string;
  key: string;
  candidate: string;
  aaCopy?: string;
}

/** One confirmation run: its rounds, the failure of the candidate's or the original's process if any, and the candidate's wall time in ms. */
export interface ConfirmationRun {
  res: RoundsResult;
  fail: ArmFailure | undefined;
  wallMs: number;
}

/** Fresh rounds of the confirmation arms (each in its own process per round) at `pools`, seeded by `ctx.seed`. */
export async function confirmationRun(
  arms: ConfirmationArms,
  pools: SizePool[],
  rounds: number,
  timing: BenchTiming,
  ctx: BenchContext,
  onRound?: (round: number, total: number) => void,
): Promise<ConfirmationRun> {
  const res = await runRounds(
    [
      { key: 'original', bundle: arms.original },
      { key: arms.key, bundle: arms.candidate },
      ...(arms.aaCopy !== undefined ? [{ key: 'aa', bundle: arms.aaCopy }] : []),
    ],
    pools,
    rounds,
    timing,
    ctx,
    onRound,
  );
  return { res, fail: res.failures.get(arms.key) ?? res.failures.get('original'), wallMs: res.armWallMs.get(arms.key) ?? 0 };
}

/** What a replication is run with: the confirmation's arms (without the A/A copy), its pool, rounds and timing. */
export interface ReplicationSpec {
  arms: ConfirmationArms;
  pool: SizePool;
  rounds: number;
  timing: BenchTiming;
  /** The run's context: its seed is the run's base seed (the replication's rounds are seeded from it and `k`). */
  ctx: BenchContext;
  /** The candidate's index among those confirmed. */
  k: number;
  minSpeedup: number;
  onRound?: (round: number, total: number) => void;
}

/** A replication's outcome: its run, its own interval (null without rounds), all rounds pooled, and the decision on them. */
export interface Replication {
  run: ConfirmationRun;
  replication: SpeedupInterval | null;
  /** The replication failed, had no rounds, or did not clear the threshold on its own. */
  refuted: boolean;
  paired: RoundTimes[];
  interval: SpeedupInterval;
  decision: Decision;
}

/**
 * A claim close to the threshold must replicate: the same number of fresh rounds, new seeds,
 * decided again on all rounds together, and the replication must clear it on its own too.
 * Identical code passes one confirmation by chance now and then; two in a row, rarely.
 */
export async function replicate(spec: ReplicationSpec, firstPaired: RoundTimes[], first: SpeedupInterval): Promise<Replication> {
  const { arms, pool, minSpeedup, ctx, k } = spec;
  const run = await confirmationRun({ ...arms, aaCopy: undefined }, [pool], spec.rounds, spec.timing, { ...ctx, seed: ctx.seed + 104_729 * (k + 1) }, spec.onRound);
  const second = pairedRounds(run.res, 'original', arms.key, pool.size);
  const replication = second.length > 0 ? speedupFromRounds(second, { seed: ctx.seed + 1 }) : null;
  const paired = [...firstPaired, ...second];
  const interval = speedupFromRounds(paired, { seed: ctx.seed });
  let decision = decide(interval, minSpeedup);
  const refuted = !!run.fail || !replication || decide(replication, minSpeedup).verdict !== 'faster';
  if (refuted) {
    decision = {
      verdict: 'not-faster',
      reason: `Not replicated: the confirmation measured ${formatInterval(first)}, but ${replication ? `a second one on fresh rounds measured ${formatInterval(replication)}` : `a second one failed (${run.fail?.reason ?? 'no rounds'})`}, which does not clear ${formatRatio(minSpeedup)}`,
      unmeasured: false,
    };
  }
  return { run, replication, refuted, paired, interval, decision };
}

/** A `faster` decision withdrawn when the run's A/A showed more noise than its margin over the threshold. */
export function discountNoise(noise: Omit<NoiseState, 'attempted'>, minSpeedup: number, d: Decision, interval: SpeedupInterval): Decision {
  if (!(noise.unreliable && noise.aa && d.verdict === 'faster' && interval.low / noise.factor < minSpeedup)) return d;
  return {
    verdict: 'not-faster',
    reason: `Measured ${formatRatio(interval.estimate)} (95% CI ${formatRatio(interval.low)}–${formatRatio(interval.high)}), but not claimed: identical code differed by ${formatRatio(noise.aa.estimate)} on this machine during the run, and the lower bound does not clear ${formatRatio(minSpeedup)} by that margin`,
    unmeasured: false,
  };
}

/**
 * The final gate: the project's tests with the candidate applied, before any claim. Returns the
 * reason extended with the tests' result, or null when the candidate was decided here.
 */
async function passGate(input: BenchStageInput, w: Working, reason: string): Promise<string | null> {
  const { stage, finish, update } = input;
  stage('testing', `Running the project's tests with ${w.report.id} applied`);
  const t = await input.gate!(w);
  w.spentMs += t.wallMs;
  update(w, { tests: t });
  if (t.status === 'failed') {
    const first = t.failed[0]!;
    const more = t.failed.length > 1 ? ` (and ${t.failed.length - 1} more)` : '';
    finish(w, 'incorrect', 'tests', `It fails the project's test '${first.name}' in ${first.file}${more}: ${first.message ?? 'no message'}`);
    return null;
  }
  if (t.status === 'error') {
    finish(w, t.errorKind === 'timeout' ? 'timeout' : 'incorrect', 'tests', `The project's tests, which pass on the original, could not run with it: ${t.detail ?? 'unknown error'}.`);
    return null;
  }
  return `${reason} The project's tests pass with it (${t.passed}).`;
}

/** Failures of a benchmark process that are the candidate's doing (the others are the measurement's). */
const CODE_FAILURES: ReadonlySet<ArmFailureKind> = new Set(['threw', 'memory', 'timeout', 'clock', 'load']);

/** The verdict of a candidate whose benchmark process failed, by why it failed. */
const ARM_FAILURE_VERDICT: Record<ArmFailureKind, VerdictKind> = {
  memory: 'unsafe',
  clock: 'unsafe',
  timeout: 'timeout',
  threw: 'error',
  load: 'error',
  refused: 'error',
  harness: 'error',
  crashed: 'error',
};

/** True when the original and arm `key` returned different results on the same calls at `size` (their result checksums disagree). */
function checksumsDisagree(res: RoundsResult, key: string, size: number): boolean {
  const o = res.firstSizes.get('original')?.get(size);
  const c = res.firstSizes.get(key)?.get(size);
  return !!o && !!c && o.checksumCalls === c.checksumCalls && o.checksum !== c.checksum;
}

/** A `faster` confirmation is replicated on fresh rounds when its lower bound is close to the threshold. */
export function needsReplication(verdict: VerdictKind, interval: SpeedupInterval, minSpeedup: number): boolean {
  return verdict === 'faster' && interval.low < minSpeedup * DEFAULTS.replicateBelow;
}

/**
 * Confirmation rounds planned from the screening pilot (a two-stage design: the confirmation
 * data are fresh, so sizing them from the pilot does not bias the decision). Enough rounds for
 * the interval's half-width to be about half the distance between the screened estimate and the
 * threshold, with the pilot's spread inflated for its few rounds.
 */
export function plannedRounds(estimate: number, pilotSd: number, minSpeedup: number): number {
  const margin = (Math.log(estimate) - Math.log(minSpeedup)) / 2;
  if (!(margin > 0) || !Number.isFinite(pilotSd)) return Number.MAX_SAFE_INTEGER;
  const sd = Math.max(0.03, pilotSd * 1.5);
  return Math.ceil(((2.6 * sd) / margin) ** 2);
}
