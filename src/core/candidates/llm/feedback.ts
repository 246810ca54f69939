/**
 * Prompts of search rounds 2 and later: what was measured goes back to the model.
 *
 * - Repair: rewrites that failed differential testing, with the counterexample verbatim
 *   (input, the original's result, the rewrite's result), asking for a corrected version.
 * - Improve: verified rewrites with their measured speedups, sorted from slowest to fastest
 *   (OPRO-style: past solutions with scores, best last), asking for a faster one built on a
 *   chosen elite with an idea different from those already tried.
 *
 * The system message (hard constraints, output format) is the one of round 1, so the
 * constraints come first in every request.
 */
import type { TargetFunction, Counterexample, SizeMeasurement, SpeedupInterval, VerdictKind } from '../../types';
import { formatInterval, formatRatio } from '../../report/format';
import { answerShape, fenceTag, systemPrompt, targetSection, type PromptMessage, type Strategy } from './prompt';

/** Bumped whenever the wording of the feedback prompts changes in a way that can change answers. */
export const FEEDBACK_PROMPT_VERSION = 'hotpath-feedback-1';

/** Longest candidate source quoted in a feedback prompt, in characters. */
export const FEEDBACK_SOURCE_LIMIT_CHARS = 4000;
/** Longest rendered counterexample field quoted, in characters. */
export const FEEDBACK_VALUE_LIMIT_CHARS = 600;

export interface FailedAttempt {
  /** Candidate id ('c3'), shown to the model as the attempt's name. */
  id?: string;
  /** How it came about ('complexity', 'repair of c2', ...). */
  label?: string;
  source: string;
  verdict?: VerdictKind;
  /** The verdict's one-sentence reason. */
  reason: string;
  counterexample: Counterexample | null;
}

export interface ScoredAttempt {
  id?: string;
  label?: string;
  source: string;
  /** Headline speedup (original time / attempt time) with its confidence interval. */
  speedup: SpeedupInterval | null;
  sizes: SizeMeasurement[];
  growth: { original: number; candidate: number } | null;
  headlineSize?: number | null;
  verdict?: VerdictKind;
}

/** One line about an earlier attempt, so the model can avoid repeating an idea. */
export interface TriedSummary {
  label: string;
  outcome: string;
}

export interface FeedbackOptions {
  nodeVersion: string;
  /** Every attempt so far, one line each (shown as "already tried"). */
  tried?: TriedSummary[];
  /** What the size parameter means ('array length', 'n', ...). Default 'size'. */
  sizeMeaning?: string;
  /** An optimization angle to steer toward (one not yet tried), if any. */
  angle?: Strategy | null;
  /** Improve: index in `best` of the attempt to build on (default: the fastest). */
  focus?: number;
  /** Repair: the best verified speedup so far, as the bar to clear. */
  bestSpeedup?: number | null;
}

function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)} … [${text.length - limit} more characters]`;
}

function header(target: TargetFunction, nodeVersion: string): string[] {
  const what = target.method ? (target.method.accessor === 'getter' ? 'getter' : 'method') : 'function';
  return targetSection(target, nodeVersion, `Original ${what} ('${target.name}'), the reference behaviour every rewrite must match:`);
}

function codeBlock(target: TargetFunction, source: string): string[] {
  return ['```' + fenceTag(target), clip(source.trim(), FEEDBACK_SOURCE_LIMIT_CHARS), '```'];
}

function attemptName(a: { id?: string; label?: string }, i: number): string {
  const name = a.id ?? `#${i + 1}`;
  return a.label ? `${name} (${a.label})` : name;
}

function triedLines(tried: TriedSummary[] | undefined): string[] {
  if (!tried?.length) return [];
  const shown = tried.slice(0, 40);
  return [
    'Already tried in this search (do not submit these again; a rewrite identical to an earlier one is discarded):',
    ...shown.map((t) => `- ${t.label}: ${t.outcome}`),
    ...(tried.length > shown.length ? [`- … and ${tried.length - shown.length} more`] : []),
    '',
  ];
}

function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}

/** The counterexample, verbatim (long values clipped). */
export function formatCounterexample(c: Counterexample): string[] {
  return [
    'Counterexample (both were run on exactly this input):',
    `  input: ${clip(c.input, FEEDBACK_VALUE_LIMIT_CHARS)}`,
    `  expected (the original): ${clip(c.expected, FEEDBACK_VALUE_LIMIT_CHARS)}`,
    `  actual (this attempt): ${clip(c.actual, FEEDBACK_VALUE_LIMIT_CHARS)}`,
    `  what differed: ${c.aspect}`,
  ];
}

/**
 * Asks to repair `failed[0]` (the other entries are shown as further evidence of what goes
 * wrong). Counterexamples are quoted verbatim.
 */
export function buildRepairMessages(target: TargetFunction, failed: FailedAttempt[], opts: FeedbackOptions): PromptMessage[] {
  const tag = fenceTag(target);
  const lines = header(target, opts.nodeVersion);
  const first = failed[0];
  lines.push(
    failed.length === 1
      ? 'An earlier rewrite FAILED automated testing against the original:'
      : `Earlier rewrites FAILED automated testing against the original (${failed.length} shown; repair the first one):`,
    '',
  );
  failed.forEach((f, i) => {
    lines.push(`Attempt ${attemptName(f, i)}${f.verdict ? ` — verdict: ${f.verdict}` : ''}`);
    lines.push(...codeBlock(target, f.source));
    lines.push(`Result: ${f.reason}`);
    if (f.counterexample) lines.push(...formatCounterexample(f.counterexample));
    lines.push('');
  });
  lines.push(...triedLines(opts.tried));
  const name = first ? attemptName(first, 0) : 'the attempt';
  lines.push(
    `Task: write a corrected, faster version of '${target.name}' based on attempt ${name}.`,
    first?.counterexample
      ? '- First work out which case the counterexample stands for (an edge value, duplicates, ordering, a type, an exception, argument mutation, ...) and make the rewrite behave exactly like the original on it and on every similar input.'
      : '- First work out why it failed from the result above, and fix that cause.',
    "- Keep the attempt's speed idea if it can be made correct; if it cannot, use a different idea than those already tried.",
    ...(opts.bestSpeedup && opts.bestSpeedup > 1
      ? [`- The best verified rewrite so far is ${formatRatio(opts.bestSpeedup)} faster than the original; aim to beat it.`]
      : []),
    ...(opts.angle ? [`- If the idea cannot be saved, try this angle: ${opts.angle.title}. ${opts.angle.hint}`] : []),
    '- Every hard constraint of the system message applies.',
    '',
    `Reply with one \`\`\`${tag} block containing ${answerShape(target, 'corrected')}.`,
  );
  return [
    { role: 'system', content: systemPrompt(target) },
    { role: 'user', content: lines.join('\n') },
  ];
}

/**
 * Asks for a rewrite faster than every attempt in `best`, which are shown sorted from slowest
 * to fastest with their measurements (the order of `best` does not matter).
 */
export function buildImproveMessages(target: TargetFunction, best: ScoredAttempt[], opts: FeedbackOptions): PromptMessage[] {
  const tag = fenceTag(target);
  const sizeMeaning = opts.sizeMeaning ?? 'size';
  const focus = best[opts.focus ?? -1] ?? [...best].sort((a, b) => score(b) - score(a))[0];
  const sorted = best.map((a, i) => ({ a, i })).sort((x, y) => score(x.a) - score(y.a));
  const lines = header(target, opts.nodeVersion);
  lines.push(
    'Verified rewrites so far. Each behaves identically to the original on every test input. They are sorted from slowest to fastest;',
    'speedup = original time / rewrite time (higher is better), measured against the original in fresh Node.js processes.',
    '',
  );
  for (const { a, i } of sorted) {
    const mark = a === focus ? '  <- build on this one' : '';
    const at = a.headlineSize != null ? ` at ${sizeMeaning} ${a.headlineSize}` : '';
    lines.push(`Attempt ${attemptName(a, i)}: speedup ${a.speedup ? formatInterval(a.speedup) : 'not measured'}${at}${mark}`);
    if (a.sizes.length) {
      lines.push(
        `  per ${sizeMeaning}: ` +
          a.sizes
            .map((r) => `${r.size}: ${formatRatio(r.speedup.estimate)} (original ${formatNs(r.originalNs)}, attempt ${formatNs(r.candidateNs)})`)
            .join('; '),
      );
    }
    if (a.growth) {
      lines.push(`  time grows like ${sizeMeaning}^${a.growth.candidate.toFixed(2)} (original: ${sizeMeaning}^${a.growth.original.toFixed(2)})`);
    }
    lines.push(...codeBlock(target, a.source), '');
  }
  lines.push(...triedLines(opts.tried));
  const focusName = focus ? attemptName(focus, best.indexOf(focus)) : 'the fastest attempt';
  const sameGrowth = focus?.growth && Math.abs(focus.growth.candidate - focus.growth.original) < 0.15;
  lines.push(
    `Task: write a NEW version of '${target.name}' that is faster than every attempt above, above all at the largest ${sizeMeaning}.`,
    `- Start from attempt ${focusName} and find what still costs time in it.`,
    '- Use an idea that differs from those already tried, or combine ideas of different attempts; do not resubmit code shown above.',
    ...(sameGrowth
      ? [`- Its time still grows like the original's (${sizeMeaning}^${focus.growth!.candidate.toFixed(2)}): a lower-complexity algorithm would help most.`]
      : []),
    ...(opts.angle ? [`- Suggested angle: ${opts.angle.title}. ${opts.angle.hint}`] : []),
    '- Every hard constraint of the system message applies: a faster but different result is rejected.',
    '',
    `Reply with one \`\`\`${tag} block containing ${answerShape(target, 'faster')}.`,
  );
  return [
    { role: 'system', content: systemPrompt(target) },
    { role: 'user', content: lines.join('\n') },
  ];
}

function score(a: ScoredAttempt): number {
  return a.speedup?.estimate ?? 0;
}
