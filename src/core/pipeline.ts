/**
 * The engine's one entry point: extract → candidates → build → verify → benchmark → decide →
 * report. Expected outcomes of candidates are verdicts in the report; only bad input
 * (InputError), infrastructure faults (SandboxError, LlmError) and cancellation throw.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join, resolve, relative, isAbsolute } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import { build } from 'esbuild';

import { pendingCandidate, type CandidateFields, type CandidateReport, type CandidateTests, type DecidedCandidate, type DecisionPoint, type PendingStep, type Report, type ProgressEvent, type PipelineStage, type TestsSummary } from './report/report';
import type { CandidateSource, RunOptions, TargetSelector, VariantInput } from './options';
import type { SizeMeasurement, SpeedupInterval, TargetFunction, VerdictKind } from './types';
import { silentLogger, type Logger } from './logger';
import { defaultOf } from './defaults';
import { CancelledError, InputError, SandboxError, throwIfAborted } from './errors';
import { extractTarget } from './target/extract';
import { applyCandidate, parseCandidate } from './candidates/substitute';
import { bundleVariant } from './build/bundle';
import { unifiedDiff } from './report/diff';
import { generateTargetBenchInputs, targetSizeLadder, describeTargetSizeMeaning } from './inputs/inputs';
import { receiverOf } from './target/methods';
import { speedupFromRounds, decide, fitGrowth, describeGrowth, median, isUninformative } from './benchmark/stats';
import { crossCallState } from './verify/statecheck';
import { denialKey } from './verify/verify';
import { coverageWarning, describeCoverage, describeDenials, formatRatio } from './report/format';
import { prepareBaseline, shrinkCounterexample, verifyCandidate, type Baseline, type InputSource, type VerifyStageContext } from './verify/stage';
import { measureArm, runRounds, pairedRounds, type ArmFailureKind, type BenchContext, type BenchTiming, type RoundsResult, type SizePool } from './benchmark/measure';
import { prepareJobDir, resolveNodePath, runSandboxed, sandboxLayers } from './sandbox/spawn';
import type { InputsJob } from './sandbox/protocol';
import { OpenAICandidateSource, PROMPT_VERSION, ResponseCache, cachedSource, defaultCacheDir, askInputGenerator } from './candidates/llm';
import { SearchController, runSearch, summarizeSearch } from './candidates/search';
import { startProjectTests, TESTS_DEFAULTS, type ProjectTests } from './project-tests/session';

/** Tuning of the benchmark stage (user-facing defaults are in defaults.ts). */
export const DEFAULTS = {
  /** Distinct inputs per benchmark size. */
  poolCount: 16,
  /** Per-call time above which a size is too large to benchmark, in ns. */
  maxCallNs: 5e6,
  /** A size is not grown past once preparing a call costs more than this (ns) and prepDominance times the call. */
  maxPrepNs: 20_000,
  prepDominance: 50,
  screenRounds: 4,
  /** Screening rounds when a single candidate survives (it only gives the curve, checksums and the pilot's spread). */
  screenRoundsSingle: 3,
  /** Most confirmation rounds when no benchmark budget is given. */
  confirmRounds: 12,
  /** Bounds on confirmation rounds (a budget may raise the most up to maxConfirmRounds). */
  minConfirmRounds: 6,
  maxConfirmRounds: 40,
  /** Candidates confirmed at most (the most promising after screening). */
  maxConfirm: 3,
  frozenNowMs: Date.UTC(2024, 0, 15, 12, 0, 0),
} as const;

export const SCREEN_TIMING: BenchTiming = { warmupMs: 40, timeMs: 90, minSampleNs: 200_000, maxCalls: 20_000 };
export const CONFIRM_TIMING: BenchTiming = { warmupMs: 60, timeMs: 100, minSampleNs: 200_000, maxCalls: 40_000 };
export const PROBE_TIMING: BenchTiming = { warmupMs: 5, timeMs: 25, minSampleNs: 100_000, maxCalls: 2_000 };
/** Size key of the real-workload pool (the calls captured from the project's tests) in benchmark results. */
export const WORKLOAD_SIZE = -1;

/** Decides a candidate: its verdict, the step that decided it, the sentence, and any fields to set. */
type Finish = (w: Working, verdict: VerdictKind, decidedAt: DecisionPoint, reason: string, patch?: Partial<CandidateFields>) => void;

interface Working {
  report: CandidateReport;
  bundle: string | null;
  /** The user's file with this candidate applied. */
  text: string | null;
  /** Verification found it equivalent to the original. */
  verified: boolean;
  /** Time spent on this candidate alone (building, its sandbox processes), in ms. */
  spentMs: number;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

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

async function loadUserInputs(
  modulePath: string,
  ctx: { nodePath: string; jobDir: string; memoryMb: number; seed: number; signal?: AbortSignal; logger: Logger },
  sizes: number[],
): Promise<{ fixed: unknown[][]; bySize: Map<number, unknown[][]> }> {
  const abs = resolve(modulePath);
  const outfile = join(ctx.jobDir, 'user-inputs.cjs');
  try {
    await build({
      entryPoints: [abs],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      logLevel: 'silent',
    });
  } catch (e) {
    const first = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : '';
    throw new InputError(`Cannot load --inputs ${modulePath}: ${where}${first?.text ?? String(e)}`);
  }
  const job: InputsJob = { mode: 'inputs', bundle: outfile, seed: ctx.seed, frozenNowMs: DEFAULTS.frozenNowMs, sizes };
  const run = await runSandboxed(job, { nodePath: ctx.nodePath, jobDir: ctx.jobDir, timeoutMs: 30_000, memoryMb: ctx.memoryMb, signal: ctx.signal, logger: ctx.logger });
  throwIfAborted(ctx.signal);
  const fixed: unknown[][] = [];
  const bySize = new Map<number, unknown[][]>();
  for (const m of run.messages) {
    if (m.type === 'load-error') throw new InputError(`The --inputs module ${modulePath} failed to load: ${m.error}`);
    if (m.type === 'fatal') throw new InputError(`The --inputs module ${modulePath} failed: ${m.error}`);
    if (m.type === 'inputs-result') {
      for (const s of m.sizes) {
        const lists = deserialize(Buffer.from(s.data, 'base64')) as unknown;
        if (!Array.isArray(lists) || !lists.every((l) => Array.isArray(l))) {
          throw new InputError(`The --inputs module ${modulePath} must export an array of argument arrays (e.g. export const inputs = [[1, 2], [3, 4]]).`);
        }
        if (s.size === null) fixed.push(...(lists as unknown[][]));
        else bySize.set(s.size, lists as unknown[][]);
      }
    }
  }
  if (!run.messages.some((m) => m.type === 'inputs-result')) {
    throw new InputError(`The --inputs module ${modulePath} produced no inputs (${run.end}).`);
  }
  return { fixed, bySize };
}

/** Runs Hotpath on one function and returns the report. */
export async function runHotpath(opts: RunOptions): Promise<Report> {
  const t0 = performance.now();
  const logger = opts.logger ?? silentLogger;
  const signal = opts.signal;
  const minSpeedup = opts.minSpeedup ?? defaultOf('minSpeedup');
  const callTimeoutMs = opts.callTimeoutMs ?? defaultOf('callTimeoutMs');
  const memoryMb = opts.memoryMb ?? defaultOf('memoryMb');
  const seed = opts.seed ?? defaultOf('seed');
  const benchBudgetMs = opts.benchBudgetMs ?? defaultOf('benchBudgetMs');
  const emit = (e: ProgressEvent) => {
    try {
      opts.onProgress?.(e);
    } catch (err) {
      logger.warn(`progress listener failed: ${String(err)}`);
    }
  };
  const stage = (s: PipelineStage, message: string, current?: number, total?: number) => {
    logger.info(message);
    emit({ kind: 'stage', stage: s, message, current, total });
  };
  if (!(minSpeedup >= 1)) throw new InputError(`--min-speedup must be a ratio of at least 1 (got ${minSpeedup}).`);
  if (!opts.variants?.length && !opts.llm && !opts.candidateSource) throw new InputError('Nothing to evaluate: give at least one variant or an LLM endpoint.');

  // 1. Extract.
  const file = resolve(opts.file);
  stage('extracting', `Extracting ${typeof (opts.selector as { name?: string }).name === 'string' ? `'${(opts.selector as { name: string }).name}'` : `the function at line ${(opts.selector as { line: number }).line}`} from ${displayPath(file)}`);
  const target = extractTarget(file, opts.selector, opts.fileText);
  throwIfAborted(signal);
  const nodePath = await resolveNodePath(opts.nodePath);
  const nodeVersion = await nodeVersionOf(nodePath);

  const workDir = await mkdtemp(join(tmpdir(), 'hotpath-'));
  const notes: string[] = [];
  const timing = { totalMs: 0, llmMs: 0, verifyMs: 0, benchMs: 0 };
  let llmInfo: Report['llm'] = null;
  const working: Working[] = [];
  let verification: Report['verification'] = { inputs: 0, originalThrew: 0, droppedForTimeout: 0, droppedNearLimit: 0, skippedForCost: 0, guided: 0, sources: [] };
  let layers: string[] = [];
  let projectTests: ProjectTests | null = null;
  let testsSummary: TestsSummary | null = null;
  /** The real-workload pool and how many captured calls it holds. */
  let workloadPool: (SizePool & { calls: number }) | null = null;

  const update = (w: Working, patch: Partial<CandidateFields>) => {
    Object.assign(w.report, patch);
    emit({ kind: 'candidate', candidate: { ...w.report } });
  };
  /** The candidate moves on to `step` (still pending, or verified and waiting for its measurement). */
  const advance = (w: Working, phase: 'pending' | 'verified', step: PendingStep, reason: string, patch: Partial<CandidateFields> = {}) => {
    w.report = { ...w.report, ...patch, phase, waitingFor: step, verdict: null, decidedAt: null, reason };
    emit({ kind: 'candidate', candidate: { ...w.report } });
  };
  const finish: Finish = (w, verdict, decidedAt, reason, patch = {}) => {
    const merged = { ...w.report, ...patch };
    const coverage = merged.coverage ? { ...merged.coverage, warning: coverageWarning(verdict, merged.coverage.candidateUnexercised) } : null;
    w.report = { ...merged, coverage, phase: 'decided', waitingFor: null, verdict, decidedAt, reason, wallMs: w.spentMs };
    emit({ kind: 'candidate', candidate: { ...w.report } });
  };

  try {
    const jobDir = workDir;
    prepareJobDir(jobDir);
    layers = await sandboxLayers(nodePath).catch(() => []);

    // The original, built once, and a byte-identical second build: the A/A arm.
    stage('building', `Building the original ${target.name}`);
    const build = (text: string, outFile: string) =>
      bundleVariant({ file, text, targetName: target.name, method: target.method, moduleKind: target.context.moduleKind, language: target.language, outFile, signal });
    const originalBundle = join(jobDir, 'original.cjs');
    const copyBundle = join(jobDir, 'original-copy.cjs');
    for (const out of [originalBundle, copyBundle]) {
      const b = await build(target.fileText, out);
      if (!b.ok) throw new InputError(`Cannot build ${displayPath(file)}: ${b.error}`);
    }
    throwIfAborted(signal);
    const ladder = targetSizeLadder(target);
    const sizeMeaning = describeTargetSizeMeaning(target);
    const receiver = receiverOf(target);
    const bctx: BenchContext = { nodePath, jobDir, memoryMb, seed, frozenNowMs: DEFAULTS.frozenNowMs, signal, logger, receiver };
    const vstage: VerifyStageContext = {
      target,
      file,
      jobDir,
      nodePath,
      callTimeoutMs,
      memoryMb,
      seed,
      frozenNowMs: DEFAULTS.frozenNowMs,
      signal,
      logger,
      receiver,
      build,
      progress: (message) => stage('verifying', message),
    };
    let benchBySize: Map<number, unknown[][]> | null = null;
    const noiseState: NoiseState = { aa: null, attempted: false, unreliable: false, factor: 1 };

    // Verification set and the original's outcomes: computed once, on first need.
    let prepared: Prepared | null = null;
    const prepare = async (): Promise<Prepared> => {
      if (prepared) return prepared;
      const userInputs = opts.inputsModule ? await loadUserInputs(opts.inputsModule, { nodePath, jobDir, memoryMb, seed, signal, logger }, ladder) : null;
      if (userInputs?.bySize.size) {
        benchBySize = userInputs.bySize;
        notes.push(`Benchmarks use ${opts.inputsModule}'s generate(size, random) for their inputs.`);
      }
      projectTests = await startProjectTests({
        target,
        options: opts.tests ?? {},
        nodePath,
        workDir: join(workDir, 'tests'),
        memoryMb,
        signal,
        logger,
        notes,
        progress: (message) => stage('testing', message),
      });
      testsSummary = projectTests?.summary ?? null;
      const captured = projectTests?.argLists ?? [];
      if (captured.length) {
        const pool = captured.slice(0, TESTS_DEFAULTS.maxWorkloadCalls);
        workloadPool = { size: WORKLOAD_SIZE, inputsFile: join(jobDir, 'workload.bin'), calls: pool.length };
        await writeFile(workloadPool.inputsFile, serialize(pool));
      }
      const unknownParams = target.params.filter((p) => p.type.kind === 'unknown').map((p) => p.name);
      if (unknownParams.length) {
        notes.push(
          `No type information for ${unknownParams.map((n) => `'${n}'`).join(', ')}: generated inputs come from a generic mix of values. Add TypeScript types or JSDoc @param types, or pass --inputs, for a sharper check.`,
        );
      }
      const sources: InputSource[] = [
        ...(userInputs?.fixed.length ? [{ label: `${userInputs.fixed.length} from ${opts.inputsModule}`, lists: userInputs.fixed }] : []),
        ...(captured.length ? [{ label: `${captured.length} captured from the project's tests`, lists: captured }] : []),
      ];
      stage('verifying', 'Preparing the verification inputs');
      const base = await prepareBaseline(vstage, originalBundle, sources);
      notes.push(...base.notes);
      const c = base.counts;
      verification = { inputs: c.inputs, originalThrew: c.originalThrew, droppedForTimeout: c.droppedForTimeout, droppedNearLimit: c.droppedNearLimit, skippedForCost: c.skippedForCost, guided: c.guided, sources: c.sources };
      if (c.inputs === 0) {
        throw new InputError(`The original ${target.name} did not finish on any input within the ${callTimeoutMs} ms per-call limit; raise --timeout-ms or pass --inputs with smaller arguments.`);
      }
      if (c.originalThrew === c.inputs) {
        notes.push(`The original threw on every input, so verification only shows that candidates throw the same errors. Pass --inputs with valid arguments.`);
      } else if (c.originalThrew > c.inputs / 2) {
        notes.push(`The original threw on ${c.originalThrew} of ${c.inputs} inputs; consider --inputs with valid arguments.`);
      }
      if (c.droppedForTimeout) notes.push(`${c.droppedForTimeout} input${c.droppedForTimeout === 1 ? ' was' : 's were'} dropped because the original itself exceeded the ${callTimeoutMs} ms per-call limit on them.`);
      prepared = { base };
      return prepared;
    };
    let pools: SizePool[] | null = null;

    /** Builds, verifies and benchmarks a batch of variants; returns their final reports. */
    const evaluate = async (variants: VariantInput[]): Promise<DecidedCandidate[]> => {
      const batch: Working[] = [];
      if (variants.length) stage('building', `Building ${variants.length} variant${variants.length === 1 ? '' : 's'}`);
      for (const v of variants) {
        const id = `c${working.length + 1}`;
        const w: Working = {
          report: pendingCandidate(id, v.origin, v.source),
          bundle: null,
          text: null,
          verified: false,
          spentMs: 0,
        };
        const tBuild = performance.now();
        working.push(w);
        batch.push(w);
        const parsed = parseCandidate(target, v.source);
        if (!parsed.ok) {
          finish(w, 'error', 'parse', parsed.reason);
          continue;
        }
        const text = applyCandidate(target, parsed.candidate);
        const diff = unifiedDiff(file, target.fileText, text);
        if (!diff) {
          update(w, { diff });
          finish(w, 'not-faster', 'identical', 'It is identical to the original function.');
          continue;
        }
        const state = crossCallState(file, target.fileText, text, target.name);
        if (state) {
          update(w, { diff });
          finish(w, 'unsafe', 'state-check', state);
          continue;
        }
        const out = join(jobDir, `${id}.cjs`);
        const b = await build(text, out);
        throwIfAborted(signal);
        if (!b.ok) {
          update(w, { diff });
          finish(w, 'error', 'build', `It does not build: ${b.error}`);
          continue;
        }
        w.bundle = out;
        w.text = text;
        w.spentMs += performance.now() - tBuild;
        advance(w, 'pending', 'verification', 'Waiting for verification.', { diff });
      }

      const runnable = batch.filter((w) => w.bundle);
      if (runnable.length === 0) return batch.map((w) => decidedReport(w, logger));
      const tv = performance.now();
      const prep = await prepare();
      for (const [k, w] of runnable.entries()) {
        stage('verifying', `Verifying ${w.report.id} (${k + 1} of ${runnable.length}) on ${prep.base.inputs.length} inputs`, k + 1, runnable.length);
        const v = await verifyCandidate(vstage, prep.base, { id: w.report.id, text: w.text!, bundle: w.bundle! });
        w.spentMs += v.wallMs;
        const { candidate, original } = v.coverage;
        const coverage = {
          inputs: v.inputs,
          candidate,
          original,
          candidateUnexercised: candidate?.uncovered.length ?? 0,
          summary: describeCoverage(v.inputs, candidate, original),
        };
        const cmp = v.comparison;
        if (cmp.kind === 'equivalent') {
          w.verified = true;
          advance(w, 'verified', 'benchmark', `Equivalent on ${cmp.compared} calls; waiting for the benchmark.`, { coverage });
        } else if (cmp.kind === 'incorrect') {
          let { reason, counterexample } = cmp;
          if (v.failing) {
            const t = performance.now();
            const smaller = await shrinkCounterexample(vstage, prep.base, v.failing, originalBundle, w.bundle!, w.report.id);
            w.spentMs += performance.now() - t;
            if (smaller) ({ reason, counterexample } = smaller);
          }
          finish(w, 'incorrect', 'verification', reason, { counterexample, coverage });
        } else if (cmp.kind === 'unsafe') {
          finish(w, 'unsafe', 'verification', cmp.reason, { coverage, denied: cmp.denied, tampered: cmp.tampered });
        } else {
          finish(w, cmp.kind, 'verification', cmp.reason, { coverage });
        }
      }
      timing.verifyMs += performance.now() - tv;

      const survivors = runnable.filter((w) => w.verified);
      if (survivors.length > 0) {
        const tb = performance.now();
        pools ??= await choosePools(target, originalBundle, ladder, benchBySize, bctx, stage);
        if (pools.length === 0) {
          for (const w of survivors) finish(w, 'not-faster', 'measurement', 'Equivalent, but no benchmark input size could be run within the time limits.');
        } else {
          const tests = projectTests;
          await benchmarkSurvivors(survivors, originalBundle, copyBundle, pools, minSpeedup, bctx, stage, finish, update, sizeMeaning, notes, noiseState, benchBudgetMs, {
            workload: workloadPool,
            gate: tests ? (w) => tests.gate(w.text!) : null,
          });
        }
        timing.benchMs += performance.now() - tb;
      }
      return batch.map((w) => decidedReport(w, logger));
    };

    if (opts.variants?.length) {
      await evaluate(opts.variants);
    } else {
      const llm = opts.llm;
      let source: CandidateSource = opts.candidateSource ?? new OpenAICandidateSource(llm!, logger);
      let cacheStats: { hits: number } | null = null;
      if (!opts.candidateSource && llm) {
        // A repeated run costs nothing and gives the same candidates; --no-cache turns this off.
        const cache = new ResponseCache(llm.cacheDir === undefined ? defaultCacheDir() : llm.cacheDir, logger);
        const cached = cachedSource(source, cache, { model: llm.model, baseURL: llm.baseURL, temperature: llm.temperature, maxTokens: llm.maxTokens, promptVersion: PROMPT_VERSION });
        cacheStats = cached.stats;
        source = cached;
      }
      const rounds = llm?.rounds ?? defaultOf('rounds');
      const perRound = llm?.candidates ?? defaultOf('candidates');
      const controller = new SearchController({ rounds, candidatesPerRound: perRound, budgetTokens: llm?.budgetTokens ?? null, target, nodeVersion, sizeMeaning });
      if (llm?.inputGenerator) {
        benchBySize = await llmInputGenerator(source, target, controller, { ladder, sizeMeaning, nodeVersion, nodePath, jobDir, memoryMb, seed, signal, logger, notes, originalBundle, bctx });
      }
      stage('asking-model', `Asking ${source.label} for ${perRound} candidate${perRound === 1 ? '' : 's'}${rounds > 1 ? ` (up to ${rounds} rounds)` : ''}`, 0, perRound);
      const res = await runSearch({
        source,
        target,
        controller,
        evaluate: (variants) => evaluate(variants),
        signal,
        logger,
        concurrency: llm?.concurrency,
        onPlan: (round, planned) => stage('asking-model', `Round ${round}: asking ${source.label} for ${planned.length} candidate${planned.length === 1 ? '' : 's'}`, 0, planned.length),
        onRequestDone: (round, done, total) => stage('asking-model', `Round ${round}: ${done} of ${total} answered`, done, total),
      });
      const summary = summarizeSearch(res);
      timing.llmMs = summary.llmMs;
      llmInfo = {
        model: source.label,
        requests: summary.requests,
        promptTokens: summary.promptTokens,
        completionTokens: summary.completionTokens,
        cachedRequests: summary.cachedRequests,
        tokensEstimated: summary.tokensEstimated,
        stopReason: summary.stopReason,
        rounds: summary.rounds,
      };
      for (const f of res.failures) notes.push(`${f.origin}: ${f.reason}`);
      if (res.candidates.length === 0) notes.push('The model returned no usable candidate.');
      if (rounds > 1) notes.push(`Search: ${summary.stopReason}`);
      if (cacheStats?.hits) notes.push(`${cacheStats.hits} answer${cacheStats.hits === 1 ? '' : 's'} came from the response cache (--no-cache to ask again).`);
    }

    const faster = working.filter((w) => w.report.verdict === 'faster' && w.report.speedup);
    faster.sort((a, b) => b.report.speedup!.estimate - a.report.speedup!.estimate);
    timing.totalMs = performance.now() - t0;
    stage('done', faster.length ? `Done: ${faster.length} verified speedup${faster.length === 1 ? '' : 's'}` : 'Done: no verified speedup');
    return {
      version: 1,
      target: { file, name: target.name, language: target.language, line: target.start.line, typeNotes: target.typeNotes },
      mode: opts.variants?.length ? 'check' : 'optimize',
      candidates: working.map((w) => decidedReport(w, logger)),
      best: faster[0]?.report.id ?? null,
      minSpeedup,
      verification,
      tests: testsSummary,
      notes,
      sandbox: layers,
      environment: { node: nodeVersion, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, date: new Date().toISOString() },
      noiseFloor: noiseState.aa,
      timing,
      llm: llmInfo,
    };
  } catch (e) {
    if (signal?.aborted && !(e instanceof CancelledError)) throw new CancelledError();
    throw e;
  } finally {
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** A candidate's final report; one still undecided at the end (an engine fault) is reported as an error, never dropped. */
function decidedReport(w: Working, logger: Logger): DecidedCandidate {
  if (w.report.phase === 'decided') return w.report;
  logger.warn(`${w.report.id} was still ${w.report.phase} (waiting for ${w.report.waitingFor}) at the end of the run`);
  return { ...w.report, phase: 'decided', waitingFor: null, verdict: 'error', decidedAt: 'measurement', reason: `It was not decided: the run ended while it waited for its ${w.report.waitingFor}.` };
}

interface Prepared {
  base: Baseline;
}

interface NoiseState {
  aa: SpeedupInterval | null;
  attempted: boolean;
  /** The A/A interval excluded 1: identical code measured as different during this run. */
  unreliable: boolean;
  /** How far identical code was off (≥ 1); claims must clear minSpeedup by this factor too. */
  factor: number;
}

/**
 * Asks the model for a realistic input generator and uses it for the benchmark only if it runs
 * in the sandbox and the original accepts what it makes; otherwise the type-driven generator stays.
 */
async function llmInputGenerator(
  source: CandidateSource,
  target: TargetFunction,
  controller: SearchController,
  o: {
    ladder: number[];
    sizeMeaning: string;
    nodeVersion: string;
    nodePath: string;
    jobDir: string;
    memoryMb: number;
    seed: number;
    signal?: AbortSignal;
    logger: Logger;
    notes: string[];
    originalBundle: string;
    bctx: BenchContext;
  },
): Promise<Map<number, unknown[][]> | null> {
  const g = await askInputGenerator(source, target, {
    nodeVersion: o.nodeVersion,
    sizes: o.ladder,
    sizeMeaning: o.sizeMeaning,
    count: DEFAULTS.poolCount,
    signal: o.signal,
    logger: o.logger,
  });
  controller.chargeExternal(g.budgetTokens);
  if (!g.source) {
    o.notes.push(`The model's input generator was not usable (${g.reason ?? 'no code'}); benchmarks use inputs generated from the parameter types.`);
    return null;
  }
  const file = join(o.jobDir, 'llm-inputs.mjs');
  await writeFile(file, g.source);
  try {
    const loaded = await loadUserInputs(file, o, o.ladder.slice(0, 6));
    const sizes = [...loaded.bySize.entries()].filter(([, lists]) => lists.length > 0);
    if (sizes.length === 0) throw new InputError('it produced no inputs');
    // The original must accept what it makes.
    const [size, lists] = sizes[0]!;
    const f = join(o.jobDir, `llm-check-${size}.bin`);
    await writeFile(f, serialize(lists));
    const probe = await measureArm(o.originalBundle, [{ size, inputsFile: f }], PROBE_TIMING, o.bctx, { processTimeoutMs: 8_000 });
    if (!probe.ok) throw new InputError(probe.reason);
    o.notes.push(`Benchmarks use the model's input generator (validated in the sandbox on ${o.sizeMeaning} ${size}).`);
    return loaded.bySize;
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    o.notes.push(`The model's input generator was rejected (${e instanceof Error ? e.message : String(e)}); benchmarks use inputs generated from the parameter types.`);
    return null;
  }
}

const nodeVersions = new Map<string, string>();
async function nodeVersionOf(nodePath: string): Promise<string> {
  const known = nodeVersions.get(nodePath);
  if (known) return known;
  const { execFile } = await import('node:child_process');
  const v = await new Promise<string>((res) => {
    execFile(nodePath, ['--version'], { timeout: 10_000 }, (err, stdout) => res(err ? 'unknown' : stdout.trim()));
  });
  nodeVersions.set(nodePath, v);
  return v;
}

type StageFn = (s: PipelineStage, message: string, current?: number, total?: number) => void;

/**
 * Picks benchmark sizes by probing the original up the ladder until a call takes longer than
 * DEFAULTS.maxCallNs: the largest size that fits is the headline size, plus up to two smaller
 * ones for the growth curve.
 */
async function choosePools(
  target: TargetFunction,
  originalBundle: string,
  ladder: number[],
  userBySize: Map<number, unknown[][]> | null,
  ctx: BenchContext,
  stage: StageFn,
): Promise<SizePool[]> {
  stage('benchmarking', 'Choosing benchmark input sizes');
  // Probe in chunks so that large pools (slow to generate, heavy to clone) are only built when
  // the smaller sizes showed the original is fast enough for them.
  const fit: SizePool[] = [];
  let first: SizePool | null = null;
  let firstMeasured = false;
  let lastFitNs: number | undefined;
  for (let i = 0; i < ladder.length; ) {
    const chunk = ladder.slice(i, i + (i === 0 ? 4 : 3));
    i += chunk.length;
    const pools: SizePool[] = [];
    for (const size of chunk) {
      throwIfAborted(ctx.signal);
      const count = Math.max(4, Math.min(DEFAULTS.poolCount, Math.ceil(262_144 / size)));
      const lists = userBySize?.get(size) ?? generateTargetBenchInputs(target, size, { seed: ctx.seed + size, count });
      if (!lists.length) continue;
      const f = join(ctx.jobDir, `bench-${size}.bin`);
      await writeFile(f, serialize(lists));
      pools.push({ size, inputsFile: f });
    }
    if (pools.length === 0) break;
    first ??= pools[0]!;
    const probe = await measureArm(originalBundle, pools, PROBE_TIMING, ctx, { processTimeoutMs: 8_000, stopAboveNs: DEFAULTS.maxCallNs });
    if (first === pools[0] && probe.sizes.has(first.size)) firstMeasured = true;
    let allFit = true;
    for (const p of pools) {
      const m = probe.sizes.get(p.size);
      // Larger inputs only help while the call itself grows with them: once preparing a call
      // (cloning its input) costs far more than the call, a larger size measures the clone, and
      // can exhaust the benchmark's time and memory (a constant-time function on huge arrays).
      // A call that still grows with the size (a linear scan over a large instance) keeps growing
      // even when its preparation costs more: only a call that stopped growing is "dominated".
      const stoppedGrowing = lastFitNs !== undefined && m !== undefined && m.medianNs < 1.5 * lastFitNs;
      const dominated = m !== undefined && stoppedGrowing && m.prepNs > Math.max(DEFAULTS.maxPrepNs, DEFAULTS.prepDominance * m.medianNs);
      if (m !== undefined && m.medianNs <= DEFAULTS.maxCallNs && !(dominated && fit.length > 0)) {
        fit.push(p);
        lastFitNs = m.medianNs;
      } else allFit = false;
      if (dominated) allFit = false;
      if (!allFit) break;
    }
    if (!allFit) break;
  }
  if (fit.length === 0) {
    // Even the smallest size of the ladder is too slow (exponential or factorial cost): go down
    // from it by halves until a size fits, so that every function that runs at all gets measured.
    const below = await smallerPools(target, originalBundle, ladder[0] ?? 16, userBySize, ctx);
    if (below.length > 0) return below;
    return first && firstMeasured ? [first] : [];
  }
  return fit.slice(-3);
}

/** The largest sizes below `start` (halving) at which the original's calls fit DEFAULTS.maxCallNs, up to three, ascending. */
async function smallerPools(target: TargetFunction, originalBundle: string, start: number, userBySize: Map<number, unknown[][]> | null, ctx: BenchContext): Promise<SizePool[]> {
  const out: SizePool[] = [];
  for (let size = Math.floor(start / 2); size >= 1 && out.length < 3; size = Math.floor(size / 2)) {
    throwIfAborted(ctx.signal);
    const lists = userBySize?.get(size) ?? generateTargetBenchInputs(target, size, { seed: ctx.seed + size, count: DEFAULTS.poolCount });
    if (!lists.length) continue;
    const f = join(ctx.jobDir, `bench-${size}.bin`);
    await writeFile(f, serialize(lists));
    const pool = { size, inputsFile: f };
    const probe = await measureArm(originalBundle, [pool], PROBE_TIMING, ctx, { processTimeoutMs: 8_000, stopAboveNs: DEFAULTS.maxCallNs });
    const m = probe.sizes.get(size);
    if (m !== undefined && m.medianNs <= DEFAULTS.maxCallNs) out.unshift(pool);
    else if (out.length > 0) break;
  }
  return out;
}

async function benchmarkSurvivors(
  survivors: Working[],
  originalBundle: string,
  copyBundle: string,
  pools: SizePool[],
  minSpeedup: number,
  ctx: BenchContext,
  stage: StageFn,
  finish: Finish,
  update: (w: Working, patch: Partial<CandidateFields>) => void,
  sizeMeaning: string,
  notes: string[],
  noise: NoiseState,
  benchBudgetMs: number | undefined,
  extra: { workload: (SizePool & { calls: number }) | null; gate: ((w: Working) => Promise<CandidateTests>) | null },
): Promise<void> {
  const headline = pools[pools.length - 1]!;
  const sizesText = pools.map((p) => p.size).join(', ');
  stage('benchmarking', `Screening ${survivors.length} candidate${survivors.length === 1 ? '' : 's'} at ${sizeMeaning} ${sizesText}`);
  const arms = [{ key: 'original', bundle: originalBundle }, ...survivors.map((w) => ({ key: w.report.id, bundle: w.bundle! }))];
  const screenRounds = survivors.length === 1 ? DEFAULTS.screenRoundsSingle : DEFAULTS.screenRounds;
  const screen = await runRounds(arms, pools, screenRounds, SCREEN_TIMING, ctx, (r, n) =>
    stage('benchmarking', `Screening round ${r} of ${n} (${survivors.length + 1} fresh processes per round)`, r, n),
  );
  for (const w of survivors) w.spentMs += screen.armWallMs.get(w.report.id) ?? 0;
  const origFail = screen.failures.get('original');
  if (origFail) throw new SandboxError(`The original could not be benchmarked: ${origFail.reason}`);

  const promising: { w: Working; est: number; sd: number }[] = [];
  for (const w of survivors) {
    const key = w.report.id;
    const fail = screen.failures.get(key);
    if (fail) {
      finish(w, ARM_FAILURE_VERDICT[fail.kind], CODE_FAILURES.has(fail.kind) ? 'screening' : 'measurement', `Equivalent on the test inputs, but ${fail.reason}.`, fail.kind === 'clock' ? { tampered: ['the clock (its measured times exceed its wall time)'] } : {});
      continue;
    }
    const t = (screen.tampers.get(key) ?? []).filter((x) => !(screen.tampers.get('original') ?? []).includes(x));
    if (t.length) {
      finish(w, 'unsafe', 'screening', `It changes built-ins the harness relies on: ${t.slice(0, 3).join('; ')}.`, { tampered: t });
      continue;
    }
    const originalDenied = new Set((screen.denials.get('original') ?? []).map(denialKey));
    const denied = (screen.denials.get(key) ?? []).filter((d) => !originalDenied.has(denialKey(d)));
    if (denied.length) {
      finish(w, 'unsafe', 'screening', describeDenials(denied), { denied });
      continue;
    }
    // The benchmark inputs are larger than the verification inputs: both must compute the same results there too.
    const mismatch = pools.find((p) => checksumsDisagree(screen, key, p.size));
    if (mismatch) {
      finish(w, 'incorrect', 'screening', `Its results differ from the original's on the benchmark inputs of ${sizeMeaning} ${mismatch.size} (checksums of the returned values disagree).`);
      continue;
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
    const growth =
      rows.length >= 3
        ? (() => {
            const o = fitGrowth(rows.map((r) => ({ size: r.size, ns: r.originalNs })));
            const c = fitGrowth(rows.map((r) => ({ size: r.size, ns: r.candidateNs })));
            return o !== null && c !== null ? { original: o, candidate: c } : null;
          })()
        : null;
    const head = rows.find((r) => r.size === headline.size) ?? rows[rows.length - 1];
    update(w, { sizes: rows, headlineSize: head?.size ?? null, growth, speedup: head?.speedup ?? null });
    if (!head) {
      finish(w, 'error', 'measurement', 'It could not be benchmarked.');
      continue;
    }
    const logs = pairedRounds(screen, 'original', key, head.size).map((x) => Math.log(x.originalNs / x.candidateNs));
    const mean = logs.reduce((a, b) => a + b, 0) / Math.max(1, logs.length);
    const sd = logs.length > 1 ? Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1)) : Number.POSITIVE_INFINITY;
    promising.push({ w, est: head.speedup.estimate, sd });
  }

  // Confirmation: only the most promising, on fresh rounds; the verdict rests on those alone.
  promising.sort((a, b) => b.est - a.est);
  // A screening interval too wide to say anything (the rounds disagree) is a failed measurement,
  // not a slow candidate: it is measured again on the confirmation's more rounds when a slot is left.
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
  // The number of confirmation rounds is fixed before they start (never "until significant"):
  // from the budget when one is given, using the cost of a process seen in screening.
  const processes = [...screen.perArm.values()].reduce((n, rows) => n + rows.filter(Boolean).length, 0);
  const screenProcessMs = processes ? screen.wallMs / processes : 500;
  const startupMs = Math.max(50, screenProcessMs - pools.length * (SCREEN_TIMING.warmupMs + SCREEN_TIMING.timeMs));
  const perProcessMs = startupMs + CONFIRM_TIMING.warmupMs + CONFIRM_TIMING.timeMs;
  for (const [k, p] of toConfirm.entries()) {
    const w = p.w;
    const arms = noise.attempted ? 2 : 3;
    const most =
      benchBudgetMs === undefined
        ? DEFAULTS.confirmRounds
        : Math.max(DEFAULTS.minConfirmRounds, Math.min(DEFAULTS.maxConfirmRounds, Math.floor(benchBudgetMs / (arms * perProcessMs))));
    const confirmRounds = Math.max(DEFAULTS.minConfirmRounds, Math.min(most, plannedRounds(p.est, p.sd, minSpeedup)));
    stage('confirming', `Confirming ${w.report.id} on ${confirmRounds} fresh rounds at ${sizeMeaning} ${headline.size}`, k + 1, toConfirm.length);
    // The run's first confirmation also runs the A/A arm: the original against a byte-identical copy.
    const calibrate = !noise.attempted;
    noise.attempted = true;
    const res = await runRounds(
      [
        { key: 'original', bundle: originalBundle },
        { key: w.report.id, bundle: w.bundle! },
        ...(calibrate ? [{ key: 'aa', bundle: copyBundle }] : []),
      ],
      extra.workload ? [headline, extra.workload] : [headline],
      confirmRounds,
      CONFIRM_TIMING,
      { ...ctx, seed: ctx.seed + 7919 * (k + 1) },
      (r, n) => stage('confirming', `Confirming ${w.report.id}: round ${r} of ${n}`, r, n),
    );
    w.spentMs += res.armWallMs.get(w.report.id) ?? 0;
    const fail = res.failures.get(w.report.id) ?? res.failures.get('original');
    if (fail) {
      finish(w, 'error', CODE_FAILURES.has(fail.kind) ? 'confirmation' : 'measurement', `Confirmation failed: ${fail.reason}.`);
      continue;
    }
    if (calibrate && !res.failures.has('aa')) {
      const aa = speedupFromRounds(pairedRounds(res, 'original', 'aa', headline.size), { seed: ctx.seed });
      noise.aa = aa;
      // Identical code should measure as identical: when its interval excludes 1, something
      // during this run (load, thermal, a noisy neighbour) biased arms by up to this factor,
      // and every claim must clear the threshold by that factor too.
      noise.unreliable = aa.low > 1 || aa.high < 1;
      noise.factor = noise.unreliable ? Math.max(aa.high, 1 / aa.low) : 1;
      if (noise.unreliable) {
        notes.push(
          `The machine was noisy during this run: the original measured against an identical copy of itself gave ${formatRatio(aa.estimate)} (95% CI ${formatRatio(aa.low)}–${formatRatio(aa.high)}). A speedup is claimed only if it clears ${formatRatio(minSpeedup)} by that margin too (lower bound ≥ ${formatRatio(minSpeedup * noise.factor)}).`,
        );
      }
    }
    const paired = pairedRounds(res, 'original', w.report.id, headline.size);
    const interval: SpeedupInterval = speedupFromRounds(paired, { seed: ctx.seed });
    const d0 = decide(interval, minSpeedup);
    const d =
      noise.unreliable && noise.aa && d0.verdict === 'faster' && interval.low / noise.factor < minSpeedup
        ? {
            verdict: 'not-faster' as const,
            reason: `Measured ${formatRatio(interval.estimate)} (95% CI ${formatRatio(interval.low)}–${formatRatio(interval.high)}), but not claimed: identical code differed by ${formatRatio(noise.aa.estimate)} on this machine during the run, and the lower bound does not clear ${formatRatio(minSpeedup)} by that margin`,
            unmeasured: false,
          }
        : d0;
    const growthText = w.report.growth
      ? ` Growth: original ${describeGrowth(w.report.growth.original)}, candidate ${describeGrowth(w.report.growth.candidate)}.`
      : '';
    const at = ` at ${sizeMeaning} ${headline.size}`;
    let verdict = d.verdict;
    let reason = d.verdict === 'faster' ? `${d.reason.replace(/\.$/, '')}${at}.${growthText}` : `${d.reason.replace(/\.$/, '')}${at}.`;
    const rows = w.report.sizes.map((r) =>
      r.size === headline.size
        ? { ...r, speedup: interval, originalNs: median(paired.map((x) => x.originalNs)), candidateNs: median(paired.map((x) => x.candidateNs)) }
        : r,
    );
    // The real workload: the calls captured from the project's tests, measured in the same processes.
    let workload: CandidateReport['workload'] = null;
    if (extra.workload) {
      if (checksumsDisagree(res, w.report.id, WORKLOAD_SIZE)) {
        finish(w, 'incorrect', 'confirmation', "Its results differ from the original's on the calls captured from the project's tests (checksums of the returned values disagree).");
        continue;
      }
      const wp = pairedRounds(res, 'original', w.report.id, WORKLOAD_SIZE);
      if (wp.length > 0) {
        const ws = speedupFromRounds(wp, { seed: ctx.seed });
        workload = { calls: extra.workload.calls, originalNs: median(wp.map((x) => x.originalNs)), candidateNs: median(wp.map((x) => x.candidateNs)), speedup: ws };
        const measured = `${formatRatio(ws.estimate)} (95% CI ${formatRatio(ws.low)}–${formatRatio(ws.high)})`;
        if (verdict === 'faster' && ws.high < 1) {
          verdict = 'not-faster';
          reason = `${reason} But on the ${extra.workload.calls} calls captured from the project's tests it is slower: ${measured}, so no speedup is claimed.`;
        } else {
          reason = `${reason} On the ${extra.workload.calls} calls captured from the project's tests: ${measured}.`;
        }
      }
    }
    // An interval that says nothing is not shown as a result (the rows keep the raw numbers).
    update(w, { speedup: d.unmeasured ? null : interval, sizes: rows, headlineSize: headline.size, workload });
    // The final gate: the project's tests with the candidate applied, before any claim.
    if (verdict === 'faster' && extra.gate) {
      stage('testing', `Running the project's tests with ${w.report.id} applied`);
      const t = await extra.gate(w);
      w.spentMs += t.wallMs;
      update(w, { tests: t });
      if (t.status === 'failed') {
        const first = t.failed[0]!;
        const more = t.failed.length > 1 ? ` (and ${t.failed.length - 1} more)` : '';
        finish(w, 'incorrect', 'tests', `It fails the project's test '${first.name}' in ${first.file}${more}: ${first.message ?? 'no message'}`);
        continue;
      }
      if (t.status === 'error') {
        finish(w, t.errorKind === 'timeout' ? 'timeout' : 'incorrect', 'tests', `The project's tests, which pass on the original, could not run with it: ${t.detail ?? 'unknown error'}.`);
        continue;
      }
      reason = `${reason} The project's tests pass with it (${t.passed}).`;
    }
    finish(w, verdict, 'confirmation', reason);
  }
}

/** The verdict of a candidate whose benchmark process failed, by why it failed. */
/** Failures of a benchmark process that are the candidate's doing (the others are the measurement's). */
const CODE_FAILURES: ReadonlySet<ArmFailureKind> = new Set(['threw', 'memory', 'timeout', 'clock', 'load']);

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

