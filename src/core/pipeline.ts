/**
 * The engine's one entry point: extract → candidates → build → verify → benchmark → decide →
 * report. Expected outcomes of candidates are verdicts in the report; only bad input
 * (InputError), infrastructure faults (SandboxError, LlmError) and cancellation throw.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join, resolve, relative, isAbsolute } from 'node:path';
import { serialize } from 'node:v8';

import { pendingCandidate, type CandidateFields, type DecidedCandidate, type PendingStep, type Report, type ProgressEvent, type PipelineStage, type TestsSummary } from './report/report';
import type { CandidateSource, RunOptions, TargetSelector, VariantInput } from './options';
import type { TargetFunction } from './types';
import { silentLogger, type Logger } from './logger';
import { defaultOf } from './defaults';
import { CancelledError, InputError, throwIfAborted } from './errors';
import { extractTarget } from './target/extract';
import { receiverOf } from './target/methods';
import { applyCandidate, parseCandidate } from './candidates/substitute';
import { OpenAICandidateSource, PROMPT_VERSION, ResponseCache, cachedSource, defaultCacheDir } from './candidates/llm';
import { SearchController, runSearch, summarizeSearch } from './candidates/search';
import type { Finish, Working } from './candidates/working';
import { bundleVariant } from './build/bundle';
import { targetSizeLadder, describeTargetSizeMeaning } from './inputs/inputs';
import { loadUserInputs, llmInputGenerator } from './inputs/user-inputs';
import { crossCallState } from './verify/statecheck';
import { prepareBaseline, shrinkCounterexample, verifyCandidate, type Baseline, type InputSource, type VerifyStageContext } from './verify/stage';
import type { BenchContext, SizePool } from './benchmark/measure';
import { FROZEN_NOW_MS, WORKLOAD_SIZE } from './benchmark/defaults';
import { choosePools } from './benchmark/pools';
import { benchmarkSurvivors, type NoiseState } from './benchmark/stage';
import { prepareJobDir, resolveNodePath, sandboxLayers } from './sandbox/spawn';
import { startProjectTests, TESTS_DEFAULTS, type ProjectTests } from './project-tests/session';
import { unifiedDiff } from './report/diff';
import { coverageWarning, describeCoverage } from './report/format';

export { plannedRounds } from './benchmark/stage';
export { DEFAULTS, SCREEN_TIMING, CONFIRM_TIMING, PROBE_TIMING, WORKLOAD_SIZE } from './benchmark/defaults';

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
    const bctx: BenchContext = { nodePath, jobDir, memoryMb, seed, frozenNowMs: FROZEN_NOW_MS, signal, logger, receiver };
    const vstage: VerifyStageContext = {
      target,
      file,
      jobDir,
      nodePath,
      callTimeoutMs,
      memoryMb,
      seed,
      frozenNowMs: FROZEN_NOW_MS,
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

