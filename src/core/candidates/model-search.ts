/**
 * Candidates from a model. Enters: the run's LLM options (or a pluggable candidate source such
 * as VS Code's Language Model API), the target, and `evaluate` (build → verify → benchmark a
 * batch). Leaves: the search's summary for the report (requests, tokens, rounds, why it stopped)
 * and notes; optionally the model's validated benchmark input generator.
 */
import type { CandidateSource, VariantInput } from '../options';
import type { DecidedCandidate, Report } from '../report/report';
import type { TargetFunction } from '../types';
import { defaultOf } from '../defaults';
import type { RunContext } from '../run-context';
import type { BenchContext } from '../benchmark/measure';
import { llmInputGenerator } from '../inputs/user-inputs';
import { OpenAICandidateSource, PROMPT_VERSION, ResponseCache, cachedSource, defaultCacheDir } from './llm';
import { SearchController, runSearch, summarizeSearch } from './search';

export interface ModelSearchInput {
  target: TargetFunction;
  ladder: number[];
  sizeMeaning: string;
  originalBundle: string;
  bench: BenchContext;
  evaluate: (variants: VariantInput[]) => Promise<DecidedCandidate[]>;
  /** Receives the model's benchmark inputs by size, when asked for and valid. */
  useBenchInputs: (bySize: Map<number, unknown[][]>) => void;
}

export async function searchWithModel(ctx: RunContext, input: ModelSearchInput): Promise<NonNullable<Report['llm']>> {
  const { options: opts, logger, notes } = ctx;
  const { target, sizeMeaning } = input;
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
  const nodeVersion = ctx.sandbox.nodeVersion;
  const controller = new SearchController({ rounds, candidatesPerRound: perRound, budgetTokens: llm?.budgetTokens ?? null, target, nodeVersion, sizeMeaning });
  if (llm?.inputGenerator) {
    const s = ctx.settings;
    const bySize = await llmInputGenerator(source, target, controller, {
      ladder: input.ladder,
      sizeMeaning,
      nodeVersion,
      nodePath: ctx.sandbox.nodePath,
      jobDir: ctx.scratchDir,
      memoryMb: s.memoryMb,
      seed: s.seed,
      signal: ctx.signal,
      logger,
      notes,
      originalBundle: input.originalBundle,
      bctx: input.bench,
    });
    if (bySize) input.useBenchInputs(bySize);
  }
  const stage = ctx.progress.stage;
  stage('asking-model', `Asking ${source.label} for ${perRound} candidate${perRound === 1 ? '' : 's'}${rounds > 1 ? ` (up to ${rounds} rounds)` : ''}`, 0, perRound);
  const res = await runSearch({
    source,
    target,
    controller,
    evaluate: (variants) => input.evaluate(variants),
    signal: ctx.signal,
    logger,
    concurrency: llm?.concurrency,
    onPlan: (round, planned) => stage('asking-model', `Round ${round}: asking ${source.label} for ${planned.length} candidate${planned.length === 1 ? '' : 's'}`, 0, planned.length),
    onRequestDone: (round, done, total) => stage('asking-model', `Round ${round}: ${done} of ${total} answered`, done, total),
  });
  const summary = summarizeSearch(res);
  ctx.timing.llmMs = summary.llmMs;
  for (const f of res.failures) notes.push(`${f.origin}: ${f.reason}`);
  if (res.candidates.length === 0) notes.push('The model returned no usable candidate.');
  if (rounds > 1) notes.push(`Search: ${summary.stopReason}`);
  if (cacheStats?.hits) notes.push(`${cacheStats.hits} answer${cacheStats.hits === 1 ? '' : 's'} came from the response cache (--no-cache to ask again).`);
  return {
    model: source.label,
    requests: summary.requests,
    promptTokens: summary.promptTokens,
    completionTokens: summary.completionTokens,
    cachedRequests: summary.cachedRequests,
    tokensEstimated: summary.tokensEstimated,
    stopReason: summary.stopReason,
    rounds: summary.rounds,
  };
}
