/**
 * The verification stage: is a candidate equivalent to the original, on inputs that reach
 * every branch of both?
 *
 * Enters: the target, the original's bundle, the inputs known before generation (the user's
 * `--inputs`, calls captured from the project's tests). Leaves: a `Baseline` (the verification
 * set, the original's outcomes on it, its coverage) once per run, and per candidate a
 * `CandidateVerification` (the comparison, as data, and the coverage of both versions).
 *
 * How the set is built:
 * 1. Inputs are generated from the parameter types with the literals of the original's code
 *    mixed in (literals.ts): the characters, keywords and boundaries it branches on.
 * 2. The original runs them in ascending size (cost.ts) and stops growing at the size where a
 *    call gets slow (a quarter of the per-call limit) or its time budget is spent: a function
 *    of exponential cost is verified on every size it can handle, never beyond. Inputs near the
 *    limit are left out of the verdict, so that a candidate's timeout always means it is several
 *    times slower than the original on that input, never that both sit at the limit.
 * 3. The original runs instrumented (build/instrument.ts); branches no input reached get new
 *    inputs aimed at them (mutate.ts), for a few rounds, within a budget.
 * 4. The original's final outcomes on the final set are the expectations.
 * Per candidate: its own literals give extra inputs (run on both sides); then, while it has
 * branches no input reached, mutants aimed at them run on both sides; every difference is a
 * counterexample. A candidate that hangs where the original finished is re-run once on that
 * input in a fresh process before it is judged `timeout`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { createHash } from 'node:crypto';
import { InputError, SandboxError, throwIfAborted } from '../errors';
import type { CodeCoverage } from '../types';
import type { BundleResult } from '../build/bundle';
import type { BenchContext } from '../benchmark/measure';
import { instrumentForCoverage, type Probe } from '../build/instrument';
import { generateTargetVerifyInputs, inputsAreScalarOnly } from '../inputs/inputs';
import { callSiteLiterals } from '../inputs/call-sites';
import { harvestLiterals, literalsOfExpression, mergeLiterals, newLiterals, isEmptyLiterals, type Literals } from '../inputs/literals';
import { mutateArgLists } from '../inputs/mutate';
import { ascendingOrder, inputCost } from '../inputs/cost';
import { reductions } from '../inputs/shrink';
import { createRng } from '../rng';
import { callPlan, renderCall } from '../target/methods';
import type { CallReceiver } from '../sandbox/protocol';
import type { Counterexample, TargetFunction } from '../types';
import { compareOutcomes } from './equality';
import { compareVariant, describeDifference, runVariant, type Comparison, type RunVariantOptions, type VariantOutcomes, type VerifyContext } from './verify';

export const VERIFY_DEFAULTS = {
  /** Inputs on which the original takes more than this share of the per-call limit are left out of the verdict. */
  nearLimitShare: 0.25,
  /** Call time the original may spend on the verification set before sizes stop growing, in ms. */
  originalBudgetMs: 30_000,
  /** Coverage-guided rounds for the original (shared by all candidates) and for each candidate. */
  originalFuzzRounds: 3,
  candidateFuzzRounds: 2,
  mutantsPerRound: 48,
  /** Wall time for coverage-guided rounds: the original's, and each candidate's, in ms. */
  fuzzBudgetMs: 6_000,
  /** Extra inputs generated from a candidate's own literals. */
  candidateLiteralInputs: 40,
  /** When more than this share of the generated inputs were too costly, replacements below the size limit are generated. */
  replaceShare: 0.1,
  /** Time for shrinking one counterexample, in ms. */
  shrinkBudgetMs: 10_000,
} as const;

/** The sandbox settings of the benchmark's context, plus what verification needs. */
export interface VerifyStageContext extends BenchContext {
  target: TargetFunction;
  /** The user's file, absolute. */
  file: string;
  callTimeoutMs: number;
  receiver: CallReceiver;
  /** Bundles a version of the user's module (bundleVariant with the run's settings). */
  build: (text: string, outFile: string) => Promise<BundleResult>;
  progress: (message: string) => void;
}

export interface InputSource {
  /** Shown in the report: '2 from inputs.mjs', '12 captured from the project's tests'. */
  label: string;
  lists: unknown[][];
}

/** Branch coverage of one version of the code by the inputs it ran. */

export interface VerificationCounts {
  /** Inputs in the final verification set. */
  inputs: number;
  originalThrew: number;
  droppedForTimeout: number;
  /** Inputs on which the original came close to the per-call limit (left out of the verdict). */
  droppedNearLimit: number;
  /** Inputs not run because they were larger than the original can handle within its budget. */
  skippedForCost: number;
  /** The size (cost.ts) from which inputs were not run, or null. */
  sizeLimit: number | null;
  /** Inputs added by coverage-guided generation for the original. */
  guided: number;
  sources: string[];
}

export interface Baseline {
  inputs: unknown[][];
  vctx: VerifyContext;
  expected: VariantOutcomes;
  /** Cost of each input (cost.ts). */
  sizes: number[];
  ceiling: number | null;
  literals: Literals;
  /** The original's probes, or null when it could not be instrumented. */
  probes: Probe[] | null;
  /** Probes of the original that some input of the set reached. */
  covered: Set<number>;
  /** The bundle verification runs the original from (instrumented when possible). */
  bundle: string;
  counts: VerificationCounts;
  notes: string[];
  scalarOnly: boolean;
  inputText: (i: number) => string;
}

export interface CandidateVerification {
  comparison: Comparison;
  /** The failing argument list for `incorrect` (regular calls, not probes), for shrinking. */
  failing: unknown[] | null;
  /** Inputs this candidate was compared on. */
  inputs: number;
  coverage: { candidate: CodeCoverage | null; original: CodeCoverage | null };
  wallMs: number;
}

function keyOf(list: unknown[]): string {
  try {
    return createHash('sha1').update(serialize(list)).digest('base64');
  } catch {
    return Math.random().toString(36);
  }
}

function coverageOf(probes: Probe[] | null, covered: ReadonlySet<number>): CodeCoverage | null {
  if (!probes) return null;
  const uncovered = probes.filter((p) => !covered.has(p.id)).sort((a, b) => a.line - b.line || a.column - b.column);
  return { probes: probes.length, covered: probes.length - uncovered.length, uncovered: uncovered.map((p) => ({ line: p.line, kind: p.kind, source: p.source })) };
}

/** Literals aimed at the given probes' conditions, then the general ones. */
function aimedLiterals(probes: readonly Probe[], base: Literals, fileName: string): Literals {
  let aimed: Literals = { strings: [], chars: [], numbers: [], lengths: [], props: [] };
  for (const p of probes.slice(0, 24)) if (p.guard) aimed = mergeLiterals(aimed, literalsOfExpression(p.guard, fileName));
  return mergeLiterals(aimed, base);
}

/** The instrumented bundle of one version (or null: it is verified without coverage). */
async function buildInstrumented(ctx: VerifyStageContext, text: string, outFile: string): Promise<{ bundle: string; probes: Probe[] } | null> {
  const inst = instrumentForCoverage(ctx.file, text, ctx.target.name);
  if (!inst) return null;
  const b = await ctx.build(inst.text, outFile);
  if (!b.ok) {
    ctx.logger.debug(`coverage: the instrumented build failed (${b.error}); verifying without coverage`);
    return null;
  }
  return { bundle: outFile, probes: inst.probes };
}

async function runOn(ctx: VerifyStageContext, vctx: VerifyContext, bundle: string, lists: unknown[][], name: string, opts: RunVariantOptions): Promise<{ outcomes: VariantOutcomes; vctx: VerifyContext }> {
  const inputsFile = join(ctx.jobDir, name);
  await writeFile(inputsFile, serialize(lists));
  const sub: VerifyContext = { ...vctx, inputsFile, inputCount: lists.length };
  return { outcomes: await runVariant(bundle, sub, opts), vctx: sub };
}

/**
 * Builds the verification set and runs the original on it (see the header). Throws InputError
 * when the original cannot run at all, SandboxError when the sandbox refuses.
 */
export async function prepareBaseline(ctx: VerifyStageContext, originalBundle: string, sources: InputSource[]): Promise<Baseline> {
  const { target } = ctx;
  const notes: string[] = [];
  // How the project itself calls the target and builds its inputs' classes comes first.
  const literals = mergeLiterals(callSiteLiterals(target), harvestLiterals(ctx.file, target.fileText, target.name));
  const generated = generateTargetVerifyInputs(target, { seed: ctx.seed, literals });
  const scalarOnly = inputsAreScalarOnly(callPlan(target).params);
  const cost = (l: unknown[]) => inputCost(l, scalarOnly);
  const slowMs = ctx.callTimeoutMs * VERIFY_DEFAULTS.nearLimitShare;
  const baseVctx: VerifyContext = {
    nodePath: ctx.nodePath,
    jobDir: ctx.jobDir,
    inputsFile: '',
    inputCount: 0,
    callTimeoutMs: ctx.callTimeoutMs,
    memoryMb: ctx.memoryMb,
    seed: ctx.seed,
    frozenNowMs: ctx.frozenNowMs,
    signal: ctx.signal,
    logger: ctx.logger,
    receiver: ctx.receiver,
  };
  const inst = await buildInstrumented(ctx, target.fileText, join(ctx.jobDir, 'original.cov.cjs'));
  const bundle = inst?.bundle ?? originalBundle;
  const counters = inst?.probes.length;

  // Calibration: the original on every input, smallest first, never beyond a slow call.
  const fixed = sources.flatMap((s) => s.lists);
  const pool: unknown[][] = [...fixed, ...generated];
  ctx.progress(`Running the original on ${pool.length} inputs`);
  let sizes = pool.map(cost);
  let first = await runOn(ctx, baseVctx, bundle, pool, 'verify-calibrate.bin', {
    stalenessProbe: false,
    order: ascendingOrder(sizes),
    cost: { sizes, slowMs, totalMs: VERIFY_DEFAULTS.originalBudgetMs, ceiling: null },
    coverageCounters: counters,
  });
  if (first.outcomes.failure && inst) {
    // The instrumented copy may be what fails (an instrumentation fault): retry plain once.
    const plain = await runOn(ctx, baseVctx, originalBundle, pool, 'verify-calibrate.bin', { stalenessProbe: false, order: ascendingOrder(sizes), cost: { sizes, slowMs, totalMs: VERIFY_DEFAULTS.originalBudgetMs, ceiling: null } });
    if (!plain.outcomes.failure || plain.outcomes.failure.kind !== first.outcomes.failure.kind) {
      ctx.logger.debug(`coverage: the instrumented original failed (${first.outcomes.failure.message}) where the plain one did not; verifying without coverage`);
      return prepareWithout(ctx, originalBundle, sources);
    }
  }
  const f = first.outcomes.failure;
  if (f) {
    if (f.kind === 'refused') throw new SandboxError(`The sandbox could not be secured, so nothing was run: ${f.message}`);
    const ran = [...first.outcomes.calls.values()].filter((o) => o.kind !== 'timeout').length;
    if (f.kind !== 'timeout' || ran === 0) throw new InputError(`The original ${target.name} cannot be run in the sandbox: ${f.message}`);
    notes.push(`The original stopped being run after it timed out on more than 20 inputs; verification uses the ${ran} inputs it finished.`);
  }
  let ceiling = first.outcomes.ceiling;
  const usable = (o: VariantOutcomes, i: number): boolean => {
    const c = o.calls.get(i);
    const ms = o.durations.get(i);
    return !!c && c.kind !== 'timeout' && (ms === undefined || ms <= slowMs);
  };
  let kept = pool.filter((_, i) => usable(first.outcomes, i));
  let timedOut = [...first.outcomes.calls.values()].filter((o) => o.kind === 'timeout').length;
  const nearLimit = pool.filter((_, i) => {
    const c = first.outcomes.calls.get(i);
    return !!c && c.kind !== 'timeout' && (first.outcomes.durations.get(i) ?? 0) > slowMs;
  }).length;
  const skipped = first.outcomes.skipped.size;
  const exhausted = first.outcomes.aborted.size;
  if (exhausted > 0) notes.push(`The original ran out of memory (or crashed) on ${exhausted} generated input${exhausted === 1 ? '' : 's'}; ${exhausted === 1 ? 'it was' : 'they were'} left out.`);

  // Too many inputs were too large: replacements below the size limit, so the set stays broad.
  const lost = skipped + timedOut + nearLimit + exhausted;
  if (ceiling !== null && lost > generated.length * VERIFY_DEFAULTS.replaceShare) {
    const limit = ceiling;
    const fresh: unknown[][] = [];
    for (let k = 1; k <= 4 && fresh.length < lost; k++) {
      for (const l of generateTargetVerifyInputs(target, { seed: ctx.seed + 7919 * k, literals })) if (cost(l) < limit && fresh.length < lost) fresh.push(l);
    }
    if (fresh.length > 0) {
      const freshSizes = fresh.map(cost);
      const more = await runOn(ctx, baseVctx, bundle, fresh, 'verify-replace.bin', {
        stalenessProbe: false,
        order: ascendingOrder(freshSizes),
        cost: { sizes: freshSizes, slowMs, totalMs: VERIFY_DEFAULTS.originalBudgetMs / 2, ceiling },
        coverageCounters: counters,
      });
      if (!more.outcomes.failure) {
        kept = [...kept, ...fresh.filter((_, i) => usable(more.outcomes, i))];
        timedOut += [...more.outcomes.calls.values()].filter((o) => o.kind === 'timeout').length;
        if (more.outcomes.ceiling !== null) ceiling = Math.min(ceiling, more.outcomes.ceiling);
      }
    }
  }
  // Keep inputs unique (the generators dedupe, but sources and replacements may repeat).
  const seen = new Set<string>();
  kept = kept.filter((l) => {
    const k = keyOf(l);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });

  // Coverage-guided inputs for branches of the original that nothing reached yet.
  const covered = new Set<number>();
  for (const h of first.outcomes.hits.keys()) covered.add(h);
  let guided = 0;
  if (inst) {
    const rng = createRng(ctx.seed ^ 0x0c0ffee);
    const deadline = performance.now() + VERIFY_DEFAULTS.fuzzBudgetMs;
    for (let round = 0; round < VERIFY_DEFAULTS.originalFuzzRounds && performance.now() < deadline; round++) {
      throwIfAborted(ctx.signal);
      const missing = inst.probes.filter((p) => !covered.has(p.id));
      if (missing.length === 0) break;
      ctx.progress(`Aiming new inputs at ${missing.length} branch${missing.length === 1 ? '' : 'es'} of the original no input reached yet`);
      const mutants = mutateArgLists(kept, aimedLiterals(missing, literals, ctx.file), VERIFY_DEFAULTS.mutantsPerRound, rng).filter((l) => {
        if (ceiling !== null && cost(l) >= ceiling) return false;
        const k = keyOf(l);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      if (mutants.length === 0) break;
      const msizes = mutants.map(cost);
      const res = await runOn(ctx, baseVctx, bundle, mutants, 'verify-guided.bin', {
        stalenessProbe: false,
        order: ascendingOrder(msizes),
        cost: { sizes: msizes, slowMs, totalMs: VERIFY_DEFAULTS.fuzzBudgetMs, ceiling },
        coverageCounters: counters,
      });
      if (res.outcomes.failure) break;
      let gained = 0;
      for (const [probe, index] of res.outcomes.hits) {
        if (covered.has(probe)) continue;
        covered.add(probe);
        gained++;
        if (usable(res.outcomes, index)) {
          kept.push(mutants[index]!);
          guided++;
        }
      }
      if (gained === 0) break;
    }
  }

  // The expectations: the original's outcomes on the final set, with the staleness probes.
  sizes = kept.map(cost);
  ctx.progress(`Recording the original's results on ${kept.length} inputs`);
  first = await runOn(ctx, baseVctx, bundle, kept, 'verify-inputs.bin', { stalenessProbe: true, coverageCounters: counters });
  if (first.outcomes.failure) {
    const fl = first.outcomes.failure;
    if (fl.kind === 'refused') throw new SandboxError(`The sandbox could not be secured, so nothing was run: ${fl.message}`);
    throw new InputError(`The original ${target.name} cannot be run in the sandbox: ${fl.message}`);
  }
  for (const h of first.outcomes.hits.keys()) covered.add(h);
  const expected = first.outcomes;
  let threw = 0;
  for (let i = 0; i < kept.length; i++) if (expected.calls.get(i)?.kind === 'threw') threw++;
  timedOut += [...expected.calls.values()].filter((o) => o.kind === 'timeout').length;

  const sourceLabels = [...sources.filter((s) => s.lists.length > 0).map((s) => s.label), `${generated.length} generated from the parameter types (edge values and the code's own literals included)`];
  if (guided > 0) sourceLabels.push(`${guided} aimed at branches the others did not reach`);
  if (skipped + nearLimit > 0 || ceiling !== null) {
    notes.push(
      `Inputs were sized to the original's own cost: ${skipped > 0 ? `${skipped} larger input${skipped === 1 ? ' was' : 's were'} not run` : 'no input was too large'}${nearLimit > 0 ? `, ${nearLimit} on which the original came within ${Math.round(VERIFY_DEFAULTS.nearLimitShare * 100)}% of the ${ctx.callTimeoutMs} ms per-call limit ${nearLimit === 1 ? 'was' : 'were'} left out of the verdict` : ''}${ceiling !== null ? ` (inputs of size ${ceiling} and more are beyond it)` : ''}.`,
    );
  }
  return {
    inputs: kept,
    vctx: first.vctx,
    expected,
    sizes,
    ceiling,
    literals,
    probes: inst?.probes ?? null,
    covered,
    bundle,
    counts: { inputs: kept.length, originalThrew: threw, droppedForTimeout: timedOut, droppedNearLimit: nearLimit, skippedForCost: skipped, sizeLimit: ceiling, guided, sources: sourceLabels },
    notes,
    scalarOnly,
    inputText: (i: number) => renderCall(target, kept[i] ?? [], 300),
  };

  /** The same preparation without instrumentation (used when the instrumented original misbehaves). */
  async function prepareWithout(c: VerifyStageContext, plain: string, srcs: InputSource[]): Promise<Baseline> {
    const noCoverage: VerifyStageContext = { ...c, build: async () => ({ ok: false, error: 'coverage disabled' }) };
    return prepareBaseline(noCoverage, plain, srcs);
  }
}

/**
 * Verifies one candidate against the baseline (see the header). `text` is the user's file with
 * the candidate applied, `bundle` its plain build.
 */
export async function verifyCandidate(ctx: VerifyStageContext, base: Baseline, cand: { id: string; text: string; bundle: string }): Promise<CandidateVerification> {
  const t0 = performance.now();
  const { target } = ctx;
  const cost = (l: unknown[]) => inputCost(l, base.scalarOnly);
  // Coverage of the candidate only when the original's was measured too (the same instrumentation on both sides).
  const inst = base.probes ? await buildInstrumented(ctx, cand.text, join(ctx.jobDir, `${cand.id}.cov.cjs`)) : null;
  const bundle = inst?.bundle ?? cand.bundle;
  const counters = inst?.probes.length;
  const candCovered = new Set<number>();
  const origCovered = new Set(base.covered);
  let inputs = base.inputs.length;
  const result = (comparison: Comparison, failing: unknown[] | null): CandidateVerification => ({
    comparison,
    failing,
    inputs,
    coverage: { candidate: inst ? coverageOf(inst.probes, candCovered) : null, original: coverageOf(base.probes, origCovered) },
    wallMs: performance.now() - t0,
  });

  // 1. The verification set.
  const outcomes = await runVariant(bundle, base.vctx, { stalenessProbe: true, coverageCounters: counters });
  for (const h of outcomes.hits.keys()) candCovered.add(h);
  let cmp = compareVariant(base.expected, outcomes, base.inputText, base.inputs.length, ctx.receiver, ctx.callTimeoutMs);
  cmp = await confirmTimeout(ctx, base.expected, base.vctx, bundle, outcomes, cmp, base.inputText, base.inputs.length, counters);
  if (cmp.kind !== 'equivalent') return result(cmp, cmp.kind === 'incorrect' && !cmp.probe ? (base.inputs[cmp.index] ?? null) : null);

  // 2. Inputs made from the candidate's own literals (a fast path on a character the original never tests).
  const own = newLiterals(base.literals, harvestLiterals(ctx.file, cand.text, target.name));
  const extra: unknown[][] = [];
  if (!isEmptyLiterals(own)) {
    const seen = new Set(base.inputs.map(keyOf));
    for (const l of generateTargetVerifyInputs(target, { seed: ctx.seed ^ hashId(cand.id), count: VERIFY_DEFAULTS.candidateLiteralInputs, literals: own })) {
      if (base.ceiling !== null && cost(l) >= base.ceiling) continue;
      const k = keyOf(l);
      if (seen.has(k)) continue;
      seen.add(k);
      extra.push(l);
    }
  }
  const both = async (lists: unknown[][], name: string): Promise<{ cmp: Comparison; lists: unknown[][]; candidate: VariantOutcomes } | null> => {
    const o = await runOn(ctx, base.vctx, base.bundle, lists, name, { stalenessProbe: true, coverageCounters: base.probes?.length });
    if (o.outcomes.failure) return null; // the original cannot run them: they are not evidence
    for (const h of o.outcomes.hits.keys()) origCovered.add(h);
    // Inputs on which the original is slow are left out, as in the baseline.
    const slowMs = ctx.callTimeoutMs * VERIFY_DEFAULTS.nearLimitShare;
    const exp: VariantOutcomes = { ...o.outcomes, calls: new Map([...o.outcomes.calls].filter(([i]) => (o.outcomes.durations.get(i) ?? 0) <= slowMs)) };
    const c = await runVariant(bundle, o.vctx, { stalenessProbe: true, coverageCounters: counters });
    for (const h of c.hits.keys()) candCovered.add(h);
    const text = (i: number) => renderCall(target, lists[i] ?? [], 300);
    let r = compareVariant(exp, c, text, lists.length, ctx.receiver, ctx.callTimeoutMs);
    r = await confirmTimeout(ctx, exp, o.vctx, bundle, c, r, text, lists.length, counters);
    inputs += lists.length;
    return { cmp: r, lists, candidate: c };
  };
  if (extra.length > 0) {
    ctx.progress(`Verifying ${cand.id} on ${extra.length} inputs made from its own literals`);
    const r = await both(extra, `verify-${cand.id}-own.bin`);
    if (r && r.cmp.kind !== 'equivalent') return result(r.cmp, r.cmp.kind === 'incorrect' && !r.cmp.probe ? (r.lists[r.cmp.index] ?? null) : null);
  }

  // 3. Coverage-guided: mutants aimed at the branches of either version that no input reached.
  if (inst) {
    const rng = createRng(ctx.seed ^ hashId(cand.id) ^ 0x5eed);
    const deadline = performance.now() + VERIFY_DEFAULTS.fuzzBudgetMs;
    const seen = new Set([...base.inputs, ...extra].map(keyOf));
    const candLits = mergeLiterals(own, base.literals);
    const pool = [...base.inputs, ...extra];
    for (let round = 0; round < VERIFY_DEFAULTS.candidateFuzzRounds && performance.now() < deadline; round++) {
      throwIfAborted(ctx.signal);
      const missing = inst.probes.filter((p) => !candCovered.has(p.id));
      const origMissing = (base.probes ?? []).filter((p) => !origCovered.has(p.id));
      if (missing.length === 0) break;
      ctx.progress(`Aiming new inputs at ${missing.length} branch${missing.length === 1 ? '' : 'es'} of ${cand.id} no input reached yet`);
      const lits = mergeLiterals(aimedLiterals(missing, candLits, ctx.file), aimedLiterals(origMissing, base.literals, ctx.file));
      const mutants = mutateArgLists(pool, lits, VERIFY_DEFAULTS.mutantsPerRound, rng).filter((l) => {
        if (base.ceiling !== null && cost(l) >= base.ceiling) return false;
        const k = keyOf(l);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      if (mutants.length === 0) break;
      const before = candCovered.size;
      const r = await both(mutants, `verify-${cand.id}-guided.bin`);
      if (!r) break;
      if (r.cmp.kind !== 'equivalent') return result(r.cmp, r.cmp.kind === 'incorrect' && !r.cmp.probe ? (r.lists[r.cmp.index] ?? null) : null);
      pool.push(...mutants.filter((_, i) => r.candidate.calls.has(i)));
      if (candCovered.size === before) break;
    }
  }
  return result({ kind: 'equivalent', compared: inputs }, null);
}

function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * A candidate that hung on input i (where the original finished well within the limit) is
 * re-run on that input alone in a fresh process: a machine hiccup is not a verdict. If it
 * finishes now, that outcome takes the hung one's place and the comparison is made again.
 */
async function confirmTimeout(
  ctx: VerifyStageContext,
  expected: VariantOutcomes,
  vctx: VerifyContext,
  bundle: string,
  candidate: VariantOutcomes,
  cmp: Comparison,
  inputText: (i: number) => string,
  count: number,
  counters: number | undefined,
): Promise<Comparison> {
  let current = cmp;
  for (let attempt = 0; attempt < 3 && current.kind === 'timeout' && current.index !== null; attempt++) {
    const i = current.index;
    const again = await runVariant(bundle, vctx, { stalenessProbe: false, order: [i], coverageCounters: counters });
    const o = again.calls.get(i);
    if (!o || o.kind === 'timeout') return current;
    ctx.logger.debug(`verify: input ${i} timed out once and finished on a re-run; comparing the re-run`);
    candidate.calls.set(i, o);
    candidate.durations.set(i, again.durations.get(i) ?? 0);
    candidate.denials.push(...again.denials);
    current = compareVariant(expected, candidate, inputText, count, ctx.receiver, ctx.callTimeoutMs);
  }
  return current;
}

/**
 * Looks for a smaller input on which the candidate still differs from the original: a few
 * rounds of reductions (shorter arrays and strings, fewer entries), each round running the
 * original and the candidate once on all reductions. Returns null when nothing smaller fails.
 */
export async function shrinkCounterexample(
  ctx: VerifyStageContext,
  base: Baseline,
  failing: unknown[],
  originalBundle: string,
  candidateBundle: string,
  id: string,
): Promise<{ reason: string; counterexample: Counterexample } | null> {
  const deadline = performance.now() + VERIFY_DEFAULTS.shrinkBudgetMs;
  let best: { reason: string; counterexample: Counterexample } | null = null;
  let current = failing;
  for (let round = 0; round < 8 && performance.now() < deadline; round++) {
    const cands = reductions(current);
    if (cands.length === 0) break;
    const file = join(ctx.jobDir, `shrink-${id}.bin`);
    await writeFile(file, serialize(cands));
    const sub: VerifyContext = { ...base.vctx, inputsFile: file, inputCount: cands.length, callTimeoutMs: Math.min(base.vctx.callTimeoutMs, 1000) };
    const o = await runVariant(originalBundle, sub, false);
    const c = await runVariant(candidateBundle, sub, false);
    let found = -1;
    for (let i = 0; i < cands.length; i++) {
      const e = o.calls.get(i);
      const a = c.calls.get(i);
      if (!e || !a || e.kind === 'timeout' || a.kind === 'timeout') continue;
      const diff = compareOutcomes(e, a);
      if (diff) {
        found = i;
        best = describeDifference(e, a, diff, renderCall(ctx.target, cands[i]!, 300), '', base.vctx.receiver);
        break;
      }
    }
    if (found < 0) break;
    current = cands[found]!;
  }
  return best;
}
