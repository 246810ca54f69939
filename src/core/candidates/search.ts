/**
 * The candidate search: round 1 asks for rewrites along distinct strategies; each later round
 * feeds back what was measured — counterexamples of incorrect candidates (repair) and
 * speedups of verified ones (improve, elitist over a diverse pool of lineages) — and asks
 * again, until a round brings no verified improvement, the token budget is reached, or the
 * rounds run out.
 *
 * `SearchController` is pure planning (which requests next, when to stop) over the history
 * of rounds; `runSearch` is the loop that asks the model, deduplicates across rounds, hands
 * new candidates to an `evaluate` callback (the pipeline's build / verify / benchmark) and
 * records each round. The code decides what is kept, never the model.
 */
import { defaultOf } from '../defaults';
import { formatRatio } from '../report/format';
import type { DecidedCandidate as CandidateReport } from '../report/report';
import type { CandidateSource, VariantInput } from '../options';
import type { TargetFunction } from '../types';
import { silentLogger, type Logger } from '../logger';
import { CancelledError, LlmError, oneLine } from '../errors';
import { buildMessages, STRATEGIES, PROMPT_VERSION, type PromptMessage, type Strategy } from './llm/prompt';
import {
  buildImproveMessages,
  buildRepairMessages,
  FEEDBACK_PROMPT_VERSION,
  type FailedAttempt,
  type ScoredAttempt,
  type TriedSummary,
} from './llm/feedback';
import { normalizeForDedup, pickCandidateSource, TRUNCATED_REASON } from './llm/parse';

export type RequestKind = 'explore' | 'repair' | 'improve';

export interface PlannedRequest {
  kind: RequestKind;
  messages: PromptMessage[];
  /** Short description used in the candidate's origin: 'complexity', 'r2 repair c3', 'r2 improve c1 + hoisting'. */
  label: string;
  /** Ids of the candidates this request builds on (empty for explore). */
  parents: string[];
  /** The strategy (explore) or suggested angle (repair / improve) id, if any. */
  strategy: string | null;
  /**
   * Stable description of the request for the response cache: feedback prompts quote measured
   * timings, which differ between runs, so they are cached by what they ask, not by wording.
   */
  cacheKey?: string;
  /** Estimated prompt + completion tokens. */
  estimatedTokens: number;
}

/** How a candidate came about (kept by runSearch for planning). */
export interface CandidateLineage {
  /** Candidate id as returned by evaluate. */
  id: string;
  kind: RequestKind;
  parents: string[];
  strategy: string | null;
  /** Strategy of the round-1 ancestor (the lineage's family), or the id when unknown. */
  root: string;
  /** 0 for round-1 candidates, parent depth + 1 after. */
  depth: number;
}

export interface RoundRecord {
  round: number;
  /** Requests answered or failed (sent to the endpoint or served by the cache). */
  requests: number;
  /** Tokens spent in this round (cache hits count 0). */
  promptTokens: number;
  completionTokens: number;
  /** Wall time of the asking phase, in ms. */
  llmMs: number;
  /** The candidates of this round as evaluated (final verdicts). */
  candidates: CandidateReport[];
  /** Of `requests`, how many were served by the response cache. */
  cachedRequests?: number;
  /** What the cached answers cost when first fetched (counted toward the budget, not spent). */
  cachedPromptTokens?: number;
  cachedCompletionTokens?: number;
  /** Planned requests not sent because the budget was reached. */
  skippedRequests?: number;
  /** Some token counts are estimates (the endpoint reported no usage). */
  tokensEstimated?: boolean;
  /** Wall time of evaluate(), in ms. */
  evalMs?: number;
  /** Answers that gave no candidate (no code, duplicate, request failed). */
  failures?: { origin: string; reason: string }[];
  lineage?: CandidateLineage[];
}

export interface SearchControllerOptions {
  rounds: number;
  candidatesPerRound: number;
  /** Total tokens (prompt + completion) for the run; null = unlimited. */
  budgetTokens: number | null;
  target: TargetFunction;
  nodeVersion: string;
  /** What the benchmark size means (describeSizeMeaning). Default 'size'. */
  sizeMeaning?: string;
  /** Relative gain over the previous best that counts as an improvement. Default 0.02. */
  minGain?: number;
  /** Completion tokens assumed per request before any answer was seen. Default 1500. */
  completionTokensGuess?: number;
  /** Repairs of repairs allowed (lineage depth). Default 2. */
  maxRepairDepth?: number;
  /** Verified candidates shown in an improve prompt. Default 5. */
  maxShown?: number;
}

export interface StopDecision {
  stop: boolean;
  reason: string;
}

/** Correct on every test input and measured. */
export function isVerified(c: CandidateReport): boolean {
  return (c.verdict === 'faster' || c.verdict === 'not-faster') && c.speedup !== null;
}

const REPAIR_RANK: Partial<Record<CandidateReport['verdict'], number>> = { incorrect: 0, timeout: 1, error: 2, unsafe: 3 };

function repairable(c: CandidateReport): boolean {
  if (REPAIR_RANK[c.verdict] === undefined) return false;
  if (c.verdict === 'incorrect') return true;
  // Not worth a repair: nothing to fix in the code itself (a copy of the original, a measurement that failed on its own).
  return c.decidedAt !== 'identical' && c.decidedAt !== 'measurement';
}

function idNumber(id: string): number {
  const m = /(\d+)$/.exec(id);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

function estimateTokensOf(messages: PromptMessage[]): number {
  const chars = messages.reduce((n, m) => n + m.content.length, 0);
  return Math.ceil(chars / 3.5);
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

export class SearchController {
  readonly rounds: number;
  readonly candidatesPerRound: number;
  readonly budgetTokens: number | null;
  private readonly target: TargetFunction;
  private readonly nodeVersion: string;
  private readonly sizeMeaning: string;
  private readonly minGain: number;
  private readonly completionGuess: number;
  private readonly maxRepairDepth: number;
  private readonly maxShown: number;
  private external = 0;

  constructor(opts: SearchControllerOptions) {
    this.rounds = Math.max(1, Math.floor(opts.rounds));
    this.candidatesPerRound = Math.max(1, Math.floor(opts.candidatesPerRound));
    this.budgetTokens = opts.budgetTokens === null || opts.budgetTokens === undefined ? null : Math.max(0, opts.budgetTokens);
    this.target = opts.target;
    this.nodeVersion = opts.nodeVersion;
    this.sizeMeaning = opts.sizeMeaning ?? 'size';
    this.minGain = opts.minGain ?? 0.02;
    this.completionGuess = opts.completionTokensGuess ?? 1500;
    this.maxRepairDepth = opts.maxRepairDepth ?? 2;
    this.maxShown = opts.maxShown ?? 5;
  }

  /** Counts tokens spent outside the rounds (e.g. the input-generator request) toward the budget. */
  chargeExternal(tokens: number): void {
    if (Number.isFinite(tokens) && tokens > 0) this.external += tokens;
  }

  /**
   * Tokens counted against the budget so far: spent tokens plus what cache hits cost when first
   * fetched, so that a re-run served from the cache takes the same path as the original run.
   */
  budgetUsed(history: readonly RoundRecord[]): number {
    let n = this.external;
    for (const r of history) {
      n += r.promptTokens + r.completionTokens + (r.cachedPromptTokens ?? 0) + (r.cachedCompletionTokens ?? 0);
    }
    return n;
  }

  /** Budget left, or Infinity when unlimited. */
  remaining(history: readonly RoundRecord[]): number {
    return this.budgetTokens === null ? Infinity : this.budgetTokens - this.budgetUsed(history);
  }

  /** Average completion tokens per answered request so far (cached ones at their original cost). */
  private completionEstimate(history: readonly RoundRecord[]): number {
    let tokens = 0;
    let requests = 0;
    for (const r of history) {
      tokens += r.completionTokens + (r.cachedCompletionTokens ?? 0);
      requests += r.requests;
    }
    return requests > 0 && tokens > 0 ? Math.ceil(tokens / requests) : this.completionGuess;
  }

  /** The requests of the next round, limited to what the remaining budget is estimated to afford (at least one). */
  planRound(history: readonly RoundRecord[]): PlannedRequest[] {
    const all = this.plan(history);
    if (this.budgetTokens === null) return all;
    let left = this.remaining(history);
    const out: PlannedRequest[] = [];
    for (const p of all) {
      if (out.length > 0 && p.estimatedTokens > left) break;
      out.push(p);
      left -= p.estimatedTokens;
    }
    return out;
  }

  shouldStop(history: readonly RoundRecord[]): StopDecision {
    if (history.length === 0) return { stop: false, reason: '' };
    if (history.length >= this.rounds) {
      return { stop: true, reason: `Reached the round limit (${this.rounds} round${this.rounds === 1 ? '' : 's'}).` };
    }
    if (this.budgetTokens !== null) {
      const used = this.budgetUsed(history);
      if (used >= this.budgetTokens) {
        return { stop: true, reason: `Token budget reached: ${used} of ${this.budgetTokens} tokens used.` };
      }
    }
    const last = history[history.length - 1]!;
    if (history.length >= 2) {
      const improvement = this.improvement(history);
      if (!improvement.improved) {
        return { stop: true, reason: `Round ${last.round} brought no verified improvement${improvement.best}.` };
      }
    }
    const next = this.plan(history);
    if (next.length === 0) return { stop: true, reason: 'Nothing left to try.' };
    if (this.budgetTokens !== null) {
      const left = this.remaining(history);
      const cheapest = Math.min(...next.map((p) => p.estimatedTokens));
      if (cheapest > left) {
        return {
          stop: true,
          reason: `Token budget nearly reached: the next round needs about ${cheapest} tokens per request, ${left} of ${this.budgetTokens} are left.`,
        };
      }
    }
    return { stop: false, reason: '' };
  }

  /** Whether the last round beat the best before it. */
  private improvement(history: readonly RoundRecord[]): { improved: boolean; best: string } {
    const last = history[history.length - 1]!;
    const before = history.slice(0, -1).flatMap((r) => r.candidates);
    const bestOf = (cs: CandidateReport[], verdicts: CandidateReport['verdict'][]) =>
      cs.filter((c) => isVerified(c) && verdicts.includes(c.verdict)).reduce((m, c) => Math.max(m, c.speedup!.estimate), -Infinity);
    const prevFaster = bestOf(before, ['faster']);
    const nowFaster = bestOf(last.candidates, ['faster']);
    if (prevFaster > -Infinity) {
      const improved = nowFaster > prevFaster * (1 + this.minGain);
      return { improved, best: ` (best stays ${formatRatio(prevFaster)})` };
    }
    if (nowFaster > -Infinity) return { improved: true, best: '' };
    // No significant speedup yet: a first or better correct candidate still counts as progress.
    const prevVerified = bestOf(before, ['faster', 'not-faster']);
    const nowVerified = bestOf(last.candidates, ['faster', 'not-faster']);
    return { improved: nowVerified > -Infinity && nowVerified > prevVerified * (1 + this.minGain), best: ' (no verified speedup yet)' };
  }

  /** Lineage of every candidate so far, by id (derived from the origin when not recorded). */
  private lineageMap(history: readonly RoundRecord[]): Map<string, CandidateLineage> {
    const map = new Map<string, CandidateLineage>();
    for (const r of history) {
      for (const l of r.lineage ?? []) map.set(l.id, l);
      for (const c of r.candidates) {
        if (map.has(c.id)) continue;
        const m = /\(([\w-]+)\)\s*$/.exec(c.origin);
        const strategy = m && STRATEGIES.some((s) => s.id === m[1]) ? m[1]! : null;
        map.set(c.id, { id: c.id, kind: 'explore', parents: [], strategy, root: strategy ?? c.id, depth: 0 });
      }
    }
    return map;
  }

  private plan(history: readonly RoundRecord[]): PlannedRequest[] {
    const n = this.candidatesPerRound;
    const round = history.length + 1;
    const completion = this.completionEstimate(history);
    const withCost = (p: Omit<PlannedRequest, 'estimatedTokens'>): PlannedRequest => ({
      ...p,
      estimatedTokens: estimateTokensOf(p.messages) + completion,
    });
    const explore = (strategy: Strategy): PlannedRequest =>
      withCost({
        kind: 'explore',
        messages: buildMessages(this.target, { strategy, nodeVersion: this.nodeVersion }),
        label: round === 1 ? strategy.id : `r${round} ${strategy.id}`,
        parents: [],
        strategy: strategy.id,
      });

    if (round === 1) {
      return Array.from({ length: n }, (_, i) => explore(STRATEGIES[i % STRATEGIES.length] ?? STRATEGIES[0]!));
    }

    const f = this.feedbackContext(history, round, withCost);
    const { nRepair, nImprove } = splitSlots(n, f.failures.length, f.elitesPool.length);
    const out: PlannedRequest[] = [];
    // Repairs: the best failures, incorrect ones (with counterexamples) first.
    for (const failed of f.failures.slice(0, nRepair)) out.push(this.repairRequest(f, failed));
    // Improves: diverse elites — the best of each lineage family first, then the next best.
    for (const e of pickDiverse(f.elitesPool, nImprove, (c) => f.lineage.get(c.id)?.root ?? c.id)) out.push(this.improveRequest(f, e));
    // Slots left (nothing to repair or improve): explore angles not yet used.
    while (out.length < n) out.push(explore(f.freshAngle()));
    return out;
  }

  /** What the feedback requests of round `round` are planned from: the candidates so far, ranked, and what was tried. */
  private feedbackContext(history: readonly RoundRecord[], round: number, withCost: (p: Omit<PlannedRequest, 'estimatedTokens'>) => PlannedRequest): FeedbackContext {
    const lineage = this.lineageMap(history);
    const all = history.flatMap((r) => r.candidates);
    // How often each strategy was used (explored or suggested as an angle), for picking fresh angles.
    const used = new Map<string, number>(STRATEGIES.map((s) => [s.id, 0]));
    const repaired = new Set<string>();
    for (const l of lineage.values()) {
      if (l.strategy && used.has(l.strategy)) used.set(l.strategy, (used.get(l.strategy) ?? 0) + 1);
      if (l.kind === 'repair') for (const p of l.parents) repaired.add(p);
    }
    const freshAngle = (): Strategy => {
      let best = STRATEGIES[0]!;
      for (const s of STRATEGIES) if ((used.get(s.id) ?? 0) < (used.get(best.id) ?? 0)) best = s;
      used.set(best.id, (used.get(best.id) ?? 0) + 1);
      return best;
    };

    const verified = all.filter(isVerified).sort((a, b) => b.speedup!.estimate - a.speedup!.estimate || idNumber(a.id) - idNumber(b.id));
    const elitesPool = verified.filter((c) => c.verdict === 'faster' || c.speedup!.estimate >= 1);
    const failures = all
      .filter((c) => repairable(c) && !repaired.has(c.id) && (lineage.get(c.id)?.depth ?? 0) < this.maxRepairDepth)
      .sort(
        (a, b) =>
          (REPAIR_RANK[a.verdict] ?? 9) - (REPAIR_RANK[b.verdict] ?? 9) ||
          (a.counterexample ? 0 : 1) - (b.counterexample ? 0 : 1) ||
          (lineage.get(a.id)?.depth ?? 0) - (lineage.get(b.id)?.depth ?? 0) ||
          idNumber(a.id) - idNumber(b.id),
      );

    const tried: TriedSummary[] = all
      .slice()
      .sort((a, b) => idNumber(a.id) - idNumber(b.id))
      .map((c) => {
        const l = lineage.get(c.id);
        const how = l ? (l.kind === 'explore' ? (l.strategy ?? 'explore') : `${l.kind} of ${l.parents.join(', ')}`) : c.origin;
        const outcome = isVerified(c)
          ? `${c.verdict}, ${formatRatio(c.speedup!.estimate)}`
          : `${c.verdict}: ${clip(c.reason, 140)}`;
        return { label: `${c.id} (${how})`, outcome };
      });
    const bestSpeedup = verified.find((c) => c.verdict === 'faster')?.speedup?.estimate ?? null;
    const labelOf = (c: CandidateReport) => {
      const l = lineage.get(c.id);
      return l ? (l.kind === 'explore' ? (l.strategy ?? undefined) : `${l.kind} of ${l.parents.join(', ')}`) : undefined;
    };
    return { round, lineage, elitesPool, failures, tried, bestSpeedup, labelOf, freshAngle, withCost };
  }

  /** A repair request for failed candidate `f`, with a fresh angle. */
  private repairRequest(ctx: FeedbackContext, f: CandidateReport): PlannedRequest {
    const angle = ctx.freshAngle();
    const label = ctx.labelOf(f);
    const attempt: FailedAttempt = {
      id: f.id,
      ...(label ? { label } : {}),
      source: f.source,
      verdict: f.verdict,
      reason: f.reason,
      counterexample: f.counterexample,
    };
    const messages = buildRepairMessages(this.target, [attempt], {
      nodeVersion: this.nodeVersion,
      tried: ctx.tried,
      angle,
      bestSpeedup: ctx.bestSpeedup,
      sizeMeaning: this.sizeMeaning,
    });
    return ctx.withCost({
      kind: 'repair',
      messages,
      label: `r${ctx.round} repair ${f.id}`,
      parents: [f.id],
      strategy: angle.id,
      cacheKey: JSON.stringify([
        FEEDBACK_PROMPT_VERSION,
        PROMPT_VERSION,
        'repair',
        this.target.text,
        normalizeForDedup(f.source),
        f.verdict,
        f.counterexample ?? f.reason,
        angle.id,
      ]),
    });
  }

  /** An improve request built on elite `e`, shown with the best verified candidates, with a fresh angle. */
  private improveRequest(ctx: FeedbackContext, e: CandidateReport): PlannedRequest {
    const shownPool = ctx.elitesPool.slice(0, this.maxShown);
    const shown = shownPool.includes(e) ? shownPool : [...shownPool.slice(0, this.maxShown - 1), e];
    const scored: ScoredAttempt[] = shown.map((c) => {
      const label = ctx.labelOf(c);
      return {
        id: c.id,
        ...(label ? { label } : {}),
        source: c.source,
        speedup: c.speedup,
        sizes: c.sizes,
        growth: c.growth,
        headlineSize: c.headlineSize,
        verdict: c.verdict,
      };
    });
    const angle = ctx.freshAngle();
    const messages = buildImproveMessages(this.target, scored, {
      nodeVersion: this.nodeVersion,
      tried: ctx.tried,
      angle,
      focus: shown.indexOf(e),
      sizeMeaning: this.sizeMeaning,
    });
    return ctx.withCost({
      kind: 'improve',
      messages,
      label: `r${ctx.round} improve ${e.id} + ${angle.id}`,
      parents: [e.id],
      strategy: angle.id,
      cacheKey: JSON.stringify([
        FEEDBACK_PROMPT_VERSION,
        PROMPT_VERSION,
        'improve',
        this.target.text,
        normalizeForDedup(e.source),
        shown.map((c) => normalizeForDedup(c.source)).sort(),
        angle.id,
      ]),
    });
  }
}

/** What a round's feedback requests are planned from (SearchController.feedbackContext). */
interface FeedbackContext {
  round: number;
  lineage: Map<string, CandidateLineage>;
  /** Verified candidates at least as fast as the original, best first: the ones improved on. */
  elitesPool: CandidateReport[];
  /** Candidates worth repairing, the most useful first. */
  failures: CandidateReport[];
  tried: TriedSummary[];
  bestSpeedup: number | null;
  labelOf: (c: CandidateReport) => string | undefined;
  /** The least used strategy, counted as used from now on. */
  freshAngle: () => Strategy;
  withCost: (p: Omit<PlannedRequest, 'estimatedTokens'>) => PlannedRequest;
}

/** How a round's `n` requests split between repairs and improves. */
function splitSlots(n: number, failures: number, elites: number): { nRepair: number; nImprove: number } {
  if (elites === 0) return { nRepair: Math.min(failures, n), nImprove: 0 };
  if (failures === 0) return { nRepair: 0, nImprove: n };
  const nRepair = Math.min(failures, Math.max(1, Math.floor(n / 2)));
  return { nRepair, nImprove: n - nRepair };
}

/** Up to `k` items: the first (best) of each group in order, then the rest in order; repeats when k exceeds the pool. */
function pickDiverse<T>(sorted: readonly T[], k: number, group: (t: T) => string): T[] {
  if (k <= 0 || sorted.length === 0) return [];
  const firsts: T[] = [];
  const rest: T[] = [];
  const seen = new Set<string>();
  for (const t of sorted) {
    const g = group(t);
    if (seen.has(g)) rest.push(t);
    else {
      seen.add(g);
      firsts.push(t);
    }
  }
  const order = [...firsts, ...rest];
  return Array.from({ length: k }, (_, i) => order[i % order.length]!);
}

// ---------------------------------------------------------------------------------------------

export interface RunSearchOptions {
  source: CandidateSource;
  target: TargetFunction;
  controller: SearchController;
  /**
   * Builds, verifies and benchmarks new candidates; returns one final CandidateReport per
   * variant (matched by origin), with ids unique across the whole run ('c1', 'c2', ...).
   */
  evaluate: (variants: VariantInput[], round: number) => Promise<CandidateReport[]>;
  signal?: AbortSignal;
  logger?: Logger;
  /** Requests in flight at once. Default 3. */
  concurrency?: number;
  /** Called before a round's requests go out. */
  onPlan?: (round: number, planned: readonly PlannedRequest[]) => void;
  onRequestDone?: (round: number, done: number, total: number) => void;
  /** Called after each round is evaluated and recorded. */
  onRound?: (record: RoundRecord) => void;
}

export interface SearchResult {
  rounds: RoundRecord[];
  stopReason: string;
  /** Every evaluated candidate, in order. */
  candidates: CandidateReport[];
  /** Answers that gave no candidate, over all rounds. */
  failures: { origin: string; reason: string }[];
}

interface Outcome {
  planned: PlannedRequest;
  origin: string;
  text?: string;
  truncated?: boolean;
  error?: unknown;
}

/**
 * Runs the search. Throws CancelledError when cancelled, and the LlmError when every request
 * of round 1 failed with the same error; a later round whose requests all fail ends the search
 * with what was found so far. A budget reached mid-round stops sending, evaluates the answers
 * already received, and ends the search.
 */
export async function runSearch(opts: RunSearchOptions): Promise<SearchResult> {
  const { controller, signal } = opts;
  const logger = opts.logger ?? silentLogger;
  const history: RoundRecord[] = [];
  const failuresAll: { origin: string; reason: string }[] = [];
  const seen = new Map<string, string>();
  for (const t of [opts.target.text, opts.target.fileText]) seen.set(normalizeForDedup(t), '(original)');
  const lineage = new Map<string, CandidateLineage>();
  const requests = { next: 0 };
  let stopReason = '';

  for (let round = 1; ; round++) {
    if (signal?.aborted) throw new CancelledError();
    const planned = controller.planRound(history);
    if (planned.length === 0) {
      stopReason = 'Nothing left to try.';
      break;
    }
    opts.onPlan?.(round, planned);
    logger.debug(
      `Search round ${round}: ${planned.length} request(s): ${planned.map((p) => `${p.kind}${p.parents.length ? ` ${p.parents.join(',')}` : ''}`).join('; ')}`,
    );
    const started = Date.now();
    const record = emptyRecord(round);
    const asked = await askRound(opts, round, planned, record, controller.budgetUsed(history), requests);
    record.llmMs = Date.now() - started;
    const llmFailure = llmFailureOf(asked.settled, round);

    const { variants, plannedOf } = newVariants(asked.settled, opts.target, seen, record);
    failuresAll.push(...record.failures!);
    if (variants.length > 0) {
      const te = Date.now();
      const reports = await opts.evaluate(variants, round);
      record.evalMs = Date.now() - te;
      if (signal?.aborted) throw new CancelledError();
      recordCandidates(record, reports, variants, plannedOf, lineage);
    }
    history.push(record);
    logger.debug(
      `Search round ${round}: ${record.requests} request(s) (${record.cachedRequests} cached, ${record.skippedRequests} skipped), ${record.candidates.length} new candidate(s), ${record.failures!.length} without one; tokens ${record.promptTokens}+${record.completionTokens}; LLM ${record.llmMs} ms, evaluation ${record.evalMs} ms.`,
    );
    try {
      opts.onRound?.(record);
    } catch (err) {
      logger.warn(`search round listener failed: ${oneLine(err)}`);
    }

    if (asked.budgetCut) {
      stopReason = `Token budget reached during round ${round}: ${asked.usedNow()} of ${controller.budgetTokens} tokens used; ${record.skippedRequests} planned request(s) not sent.`;
      break;
    }
    if (llmFailure !== null) {
      stopReason = `The model failed in round ${round}: ${llmFailure}`;
      break;
    }
    const decision = controller.shouldStop(history);
    if (decision.stop) {
      stopReason = decision.reason;
      break;
    }
  }
  logger.debug(`Search stopped after ${history.length} round(s): ${stopReason}`);
  return { rounds: history, stopReason, candidates: history.flatMap((r) => r.candidates), failures: failuresAll };
}

/** A round's record before anything was asked. */
function emptyRecord(round: number): RoundRecord {
  return {
    round,
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    llmMs: 0,
    candidates: [],
    cachedRequests: 0,
    cachedPromptTokens: 0,
    cachedCompletionTokens: 0,
    skippedRequests: 0,
    tokensEstimated: false,
    evalMs: 0,
    failures: [],
    lineage: [],
  };
}

/**
 * A round's requests, `concurrency` at a time, counted into `record`; once the budget is
 * reached, the requests not yet sent are skipped. Returns the answers (in planned order), whether
 * the budget cut the round, and the tokens used so far. Throws CancelledError when cancelled.
 */
async function askRound(
  opts: RunSearchOptions,
  round: number,
  planned: readonly PlannedRequest[],
  record: RoundRecord,
  usedBefore: number,
  requests: { next: number },
): Promise<{ settled: Outcome[]; budgetCut: boolean; usedNow: () => number }> {
  const { source, signal } = opts;
  const logger = opts.logger ?? silentLogger;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? defaultOf('concurrency')));
  const budget = opts.controller.budgetTokens;
  const usedNow = () =>
    usedBefore + record.promptTokens + record.completionTokens + (record.cachedPromptTokens ?? 0) + (record.cachedCompletionTokens ?? 0);
  let budgetCut = false;
  let cancelled = false;
  const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(planned.length);
  const origins = planned.map((p) => `llm:${source.label}#${++requests.next} (${p.label})`);
  let next = 0;
  let done = 0;

  const worker = async () => {
    for (;;) {
      if (cancelled || signal?.aborted) return;
      const i = next++;
      if (i >= planned.length) return;
      const p = planned[i]!;
      const origin = origins[i]!;
      if (budget !== null && usedNow() >= budget) {
        budgetCut = true;
        record.skippedRequests = (record.skippedRequests ?? 0) + 1;
        continue;
      }
      logger.trace(`LLM request ${origin} messages:\n${JSON.stringify(p.messages, null, 2)}`);
      record.requests++;
      try {
        const batch = await source.generate({
          messages: p.messages,
          index: i,
          total: planned.length,
          ...(p.cacheKey ? { cacheKey: p.cacheKey } : {}),
          ...(signal ? { signal } : {}),
        });
        record.promptTokens += batch.promptTokens;
        record.completionTokens += batch.completionTokens;
        if (batch.cached) {
          record.cachedRequests = (record.cachedRequests ?? 0) + 1;
          record.cachedPromptTokens = (record.cachedPromptTokens ?? 0) + batch.cached.promptTokens;
          record.cachedCompletionTokens = (record.cachedCompletionTokens ?? 0) + batch.cached.completionTokens;
        }
        if (batch.tokensEstimated) record.tokensEstimated = true;
        outcomes[i] = { planned: p, origin, text: batch.text, truncated: batch.truncated };
      } catch (err) {
        if (err instanceof CancelledError || signal?.aborted) {
          cancelled = true;
          return;
        }
        logger.debug(`LLM request ${origin} failed: ${oneLine(err)}`);
        outcomes[i] = { planned: p, origin, error: err };
      }
      done++;
      opts.onRequestDone?.(round, done, planned.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, planned.length) }, () => worker()));
  if (cancelled || signal?.aborted) throw new CancelledError();
  return { settled: outcomes.filter((o): o is Outcome => o !== undefined), budgetCut, usedNow };
}

/**
 * Why the model failed the round, when every answered request failed (null otherwise): in round
 * 1 the LlmError itself is thrown when all failed alike.
 */
function llmFailureOf(settled: readonly Outcome[], round: number): string | null {
  const errors = settled.filter((o) => o.error !== undefined).map((o) => o.error);
  if (settled.length === 0 || errors.length !== settled.length) return null;
  const first = errors[0];
  const same = first instanceof LlmError && errors.every((e) => e instanceof LlmError && e.message === first.message);
  if (round === 1 && same) throw first;
  return same ? oneLine(first) : 'every request failed';
}

/**
 * The round's candidates, deduplicated against the original and every earlier round (`seen`,
 * normalized source → origin, is extended); answers without one go to `record.failures`.
 */
function newVariants(
  settled: readonly Outcome[],
  target: TargetFunction,
  seen: Map<string, string>,
  record: RoundRecord,
): { variants: VariantInput[]; plannedOf: Map<string, PlannedRequest> } {
  const variants: VariantInput[] = [];
  const plannedOf = new Map<string, PlannedRequest>();
  for (const o of settled) {
    const fail = (reason: string) => record.failures!.push({ origin: o.origin, reason });
    if (o.error !== undefined) {
      fail(oneLine(o.error));
      continue;
    }
    const picked = pickCandidateSource(o.text ?? '', target.name);
    if (picked.source === null) {
      fail(o.truncated && picked.reason !== null ? TRUNCATED_REASON : (picked.reason ?? 'No code.'));
      continue;
    }
    const key = normalizeForDedup(picked.source);
    const dup = seen.get(key);
    if (dup === '(original)') {
      fail('The answer repeated the original function unchanged.');
      continue;
    }
    if (dup !== undefined) {
      fail(`Duplicate of ${dup}.`);
      continue;
    }
    seen.set(key, o.origin);
    variants.push({ origin: o.origin, source: picked.source });
    plannedOf.set(o.origin, o.planned);
  }
  return { variants, plannedOf };
}

/** The evaluated candidates into the round's record, in variant order, each with its lineage (also added to `lineage`). */
function recordCandidates(
  record: RoundRecord,
  reports: CandidateReport[],
  variants: readonly VariantInput[],
  plannedOf: ReadonlyMap<string, PlannedRequest>,
  lineage: Map<string, CandidateLineage>,
): void {
  const byOrigin = new Map(reports.map((r) => [r.origin, r]));
  reports.forEach((r, i) => {
    const p = plannedOf.get(r.origin) ?? (variants[i] ? plannedOf.get(variants[i].origin) : undefined);
    if (!p) return;
    const parents = p.parents.map((id) => lineage.get(id)).filter((l): l is CandidateLineage => l !== undefined);
    const l: CandidateLineage = {
      id: r.id,
      kind: p.kind,
      parents: p.parents,
      strategy: p.strategy,
      root: parents[0]?.root ?? p.strategy ?? r.id,
      depth: parents.length ? Math.max(...parents.map((x) => x.depth)) + 1 : 0,
    };
    lineage.set(r.id, l);
    record.lineage!.push(l);
  });
  record.candidates = variants.map((v, i) => byOrigin.get(v.origin) ?? reports[i]).filter((r): r is CandidateReport => r !== undefined);
}

/** Totals and per-round figures for the report. */
export interface SearchSummary {
  requests: number;
  cachedRequests: number;
  promptTokens: number;
  completionTokens: number;
  /** What cached answers cost when first fetched (not spent by this run). */
  cachedPromptTokens: number;
  cachedCompletionTokens: number;
  tokensEstimated: boolean;
  llmMs: number;
  evalMs: number;
  stopReason: string;
  rounds: {
    round: number;
    requests: number;
    cachedRequests: number;
    skippedRequests: number;
    promptTokens: number;
    completionTokens: number;
    llmMs: number;
    evalMs: number;
    candidates: number;
    verified: number;
    faster: number;
    /** Best 'faster' speedup estimate of the round, if any. */
    bestSpeedup: number | null;
  }[];
}

export function summarizeSearch(result: SearchResult): SearchSummary {
  const rounds = result.rounds.map((r) => {
    const faster = r.candidates.filter((c) => c.verdict === 'faster' && c.speedup);
    return {
      round: r.round,
      requests: r.requests,
      cachedRequests: r.cachedRequests ?? 0,
      skippedRequests: r.skippedRequests ?? 0,
      promptTokens: r.promptTokens,
      completionTokens: r.completionTokens,
      llmMs: r.llmMs,
      evalMs: r.evalMs ?? 0,
      candidates: r.candidates.length,
      verified: r.candidates.filter(isVerified).length,
      faster: faster.length,
      bestSpeedup: faster.length ? Math.max(...faster.map((c) => c.speedup!.estimate)) : null,
    };
  });
  const sum = (f: (r: RoundRecord) => number) => result.rounds.reduce((n, r) => n + f(r), 0);
  return {
    requests: sum((r) => r.requests),
    cachedRequests: sum((r) => r.cachedRequests ?? 0),
    promptTokens: sum((r) => r.promptTokens),
    completionTokens: sum((r) => r.completionTokens),
    cachedPromptTokens: sum((r) => r.cachedPromptTokens ?? 0),
    cachedCompletionTokens: sum((r) => r.cachedCompletionTokens ?? 0),
    tokensEstimated: result.rounds.some((r) => r.tokensEstimated),
    llmMs: sum((r) => r.llmMs),
    evalMs: sum((r) => r.evalMs ?? 0),
    stopReason: result.stopReason,
    rounds,
  };
}
