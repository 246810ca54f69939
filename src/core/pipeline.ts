/**
 * The engine's one entry point: extract → candidates → build → verify → benchmark → decide →
 * report. Expected outcomes of candidates are verdicts in the report; only bad input
 * (InputError), infrastructure faults (SandboxError, LlmError) and cancellation throw.
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';

import type { DecidedCandidate, Report } from './report/report';
import type { RunOptions, TargetSelector, VariantInput } from './options';
import type { TargetFunction } from './types';
import { silentLogger } from './logger';
import { CancelledError, throwIfAborted } from './errors';
import { closeRunContext, openRunContext, progressSink, resolveSettings, type ProgressSink, type RunContext } from './run-context';
import { displayPath, extractTarget } from './target/extract';
import { receiverOf } from './target/methods';
import { applyCandidate, parseCandidate } from './candidates/substitute';
import { searchWithModel } from './candidates/model-search';
import { CandidateTracker, type Working } from './candidates/working';
import { buildCandidates, buildOriginals, type Originals } from './build/stage';
import { targetSizeLadder, describeTargetSizeMeaning } from './inputs/inputs';
import { prepareVerification, verifyBatch, type Prepared } from './verify/prepare';
import type { VerifyStageContext } from './verify/stage';
import type { BenchContext, SizePool } from './benchmark/measure';
import { FROZEN_NOW_MS } from './benchmark/defaults';
import { choosePools, verificationPool } from './benchmark/pools';
import { benchmarkSurvivors, type NoiseState } from './benchmark/stage';

export { plannedRounds } from './benchmark/stage';
export { DEFAULTS, SCREEN_TIMING, CONFIRM_TIMING, PROBE_TIMING, WORKLOAD_SIZE } from './benchmark/defaults';

/** Applies a candidate to a file's text (used by the editor to show and apply a diff). */
export function applyVariant(
  fileName: string,
  fileText: string,
  selector: TargetSelector,
  candidateSource: string,
): { ok: true; text: string; range: { start: number; end: number } } | { ok: false; reason: string } {
  let target: TargetFunction;
  try {
    target = extractTarget(fileName, selector, fileText, { types: 'syntax' });
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const parsed = parseCandidate(target, candidateSource);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  return { ok: true, text: applyCandidate(target, parsed.candidate), range: { start: target.statementStart, end: target.statementEnd } };
}

/** Everything one run shares between its stages once the target is known and the original is built. */
interface TargetRun {
  ctx: RunContext;
  target: TargetFunction;
  originals: Originals;
  ladder: number[];
  sizeMeaning: string;
  bench: BenchContext;
  verify: VerifyStageContext;
  candidates: CandidateTracker;
  noise: NoiseState;
  /** Verification inputs, captured calls and the test gate: made on first need. */
  prepared: Prepared | null;
  /** Benchmark pools: chosen on first need. */
  pools: SizePool[] | null;
  /** The model's validated benchmark inputs, when asked for (--inputs' generate(size) wins). */
  modelBenchInputs: Map<number, unknown[][]> | null;
}

/** Runs Hotpath on one function and returns the report. */
export async function runHotpath(opts: RunOptions): Promise<Report> {
  const t0 = performance.now();
  const settings = resolveSettings(opts);
  const progress = progressSink(opts, opts.logger ?? silentLogger);
  // 1. The target.
  const target = extractStage(opts, progress);
  throwIfAborted(opts.signal);
  const ctx = await openRunContext(opts, settings, progress);
  try {
    // 2. The original, built twice (the second build is the A/A arm).
    const originals = await buildOriginals(ctx, target);
    const run = targetRun(ctx, target, originals);
    // 3. Candidates: the user's variants, or a model's over search rounds; each batch is
    //    built, verified and benchmarked by evaluate().
    const llm = opts.variants?.length
      ? (await evaluate(run, opts.variants), null)
      : await searchWithModel(ctx, {
          target,
          ladder: run.ladder,
          sizeMeaning: run.sizeMeaning,
          originalBundle: originals.originalBundle,
          bench: run.bench,
          evaluate: (variants) => evaluate(run, variants),
          useBenchInputs: (bySize) => (run.modelBenchInputs = bySize),
        });
    // 4. The report.
    return finalReport(run, llm, t0);
  } catch (e) {
    if (opts.signal?.aborted && !(e instanceof CancelledError)) throw new CancelledError();
    throw e;
  } finally {
    await closeRunContext(ctx);
  }
}

function extractStage(opts: RunOptions, progress: ProgressSink): TargetFunction {
  const file = resolve(opts.file);
  const what = 'name' in opts.selector ? `'${opts.selector.name}'` : `the function at line ${opts.selector.line}`;
  progress.stage('extracting', `Extracting ${what} from ${displayPath(file)}`);
  return extractTarget(file, opts.selector, opts.fileText);
}

function targetRun(ctx: RunContext, target: TargetFunction, originals: Originals): TargetRun {
  const { memoryMb, seed, callTimeoutMs } = ctx.settings;
  const receiver = receiverOf(target);
  const base = { nodePath: ctx.sandbox.nodePath, jobDir: ctx.scratchDir, memoryMb, seed, frozenNowMs: FROZEN_NOW_MS, signal: ctx.signal, logger: ctx.logger, receiver };
  return {
    ctx,
    target,
    originals,
    ladder: targetSizeLadder(target),
    sizeMeaning: describeTargetSizeMeaning(target),
    bench: base,
    verify: { ...base, target, file: target.file, callTimeoutMs, build: originals.build, progress: (message) => ctx.progress.stage('verifying', message) },
    candidates: new CandidateTracker((c) => ctx.progress.candidate(c), ctx.logger),
    noise: { aa: null, attempted: false, unreliable: false, factor: 1 },
    prepared: null,
    pools: null,
    modelBenchInputs: null,
  };
}

/** Builds, verifies and benchmarks a batch of variants; returns their final reports. */
async function evaluate(run: TargetRun, variants: VariantInput[]): Promise<DecidedCandidate[]> {
  const { ctx, target, originals, candidates } = run;
  const batch = await buildCandidates(ctx, target, originals, candidates, variants);
  const runnable = batch.filter((w) => w.bundle);
  if (runnable.length > 0) {
    const tv = performance.now();
    run.prepared ??= await prepareVerification(ctx, target, run.verify, originals.originalBundle, run.ladder);
    const prep = run.prepared;
    await verifyBatch(ctx, run.verify, prep, originals.originalBundle, candidates, runnable);
    ctx.timing.verifyMs += performance.now() - tv;
    const survivors = runnable.filter((w) => w.verified);
    if (survivors.length > 0) {
      const tb = performance.now();
      await benchmarkStage(run, prep, survivors);
      ctx.timing.benchMs += performance.now() - tb;
    }
  }
  return batch.map(candidates.decided);
}

async function benchmarkStage(run: TargetRun, prep: Prepared, survivors: Working[]): Promise<void> {
  const { ctx, target, originals, candidates } = run;
  const stage = ctx.progress.stage;
  const failure: { reason?: string } = {};
  run.pools ??= await choosePools(target, originals.originalBundle, run.ladder, prep.benchBySize ?? run.modelBenchInputs, prep.base.literals.examples ?? [], run.bench, stage, failure);
  if (run.pools.length === 0 && !prep.benchBySize) run.pools = await verificationPools(run, prep, failure.reason);
  if (run.pools.length === 0) {
    const why = failure.reason ? `: measuring the original failed (${failure.reason})` : ' within the time limits';
    for (const w of survivors) candidates.finish(w, 'not-faster', 'measurement', `Equivalent, but no benchmark input size could be run${why}.`);
    return;
  }
  const tests = prep.projectTests;
  await benchmarkSurvivors(
    {
      originalBundle: originals.originalBundle,
      copyBundle: originals.copyBundle,
      pools: run.pools,
      minSpeedup: ctx.settings.minSpeedup,
      bench: run.bench,
      stage,
      finish: candidates.finish,
      update: candidates.update,
      sizeMeaning: run.sizeMeaning,
      notes: ctx.notes,
      noise: run.noise,
      benchBudgetMs: ctx.settings.benchBudgetMs,
      workload: prep.workloadPool,
      gate: tests ? (w) => tests.gate(w.text!) : null,
    },
    survivors,
  );
}

/** No generated benchmark input ran: measure on the verification inputs the original returned on, said in a note. */
async function verificationPools(run: TargetRun, prep: Prepared, why: string | undefined): Promise<SizePool[]> {
  const { base } = prep;
  const returned = (i: number) => base.expected.calls.get(i)?.kind === 'returned';
  const pool = await verificationPool(run.originals.originalBundle, base.inputs, returned, base.sizes, run.bench);
  if (!pool) return [];
  run.ctx.notes.push(
    `Benchmarks use ${pool.calls} of the verification inputs on which the original returned: no generated benchmark input could be run${why ? ` (${why})` : ''}. Pass --inputs with a generate(size) for measurements at chosen sizes.`,
  );
  return [pool];
}

function finalReport(run: TargetRun, llm: Report['llm'], t0: number): Report {
  const { ctx, target } = run;
  const candidates = run.candidates.all.map(run.candidates.decided);
  const faster = candidates.filter((c) => c.verdict === 'faster' && c.speedup).sort((a, b) => b.speedup!.estimate - a.speedup!.estimate);
  ctx.timing.totalMs = performance.now() - t0;
  ctx.progress.stage('done', faster.length ? `Done: ${faster.length} verified speedup${faster.length === 1 ? '' : 's'}` : 'Done: no verified speedup');
  return {
    version: 1,
    target: { file: target.file, name: target.name, language: target.language, line: target.start.line, typeNotes: target.typeNotes },
    mode: ctx.options.variants?.length ? 'check' : 'optimize',
    candidates,
    best: faster[0]?.id ?? null,
    minSpeedup: ctx.settings.minSpeedup,
    verification: run.prepared?.verification ?? { inputs: 0, originalThrew: 0, droppedForTimeout: 0, droppedNearLimit: 0, skippedForCost: 0, guided: 0, sources: [] },
    tests: run.prepared?.testsSummary ?? null,
    notes: ctx.notes,
    sandbox: ctx.sandbox.layers,
    environment: { node: ctx.sandbox.nodeVersion, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, date: new Date().toISOString() },
    noiseFloor: run.noise.aa,
    timing: ctx.timing,
    llm,
  };
}
