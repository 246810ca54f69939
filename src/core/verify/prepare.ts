/**
 * Verification of a batch, and its inputs, prepared once per run on first need. Enters: the target, the
 * --inputs module, the project's tests. Leaves: the verification set with the original's
 * outcomes (verify/stage.ts prepareBaseline), the calls captured from the project's tests (also
 * the real-workload benchmark pool), the test gate, and notes on what the inputs are worth; then
 * each candidate verified (equivalent: on to the benchmark) or decided.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import type { Report, TestsSummary } from '../report/report';
import type { TargetFunction } from '../types';
import { InputError } from '../errors';
import type { RunContext } from '../run-context';
import { loadUserInputs } from '../inputs/user-inputs';
import { startProjectTests, TESTS_DEFAULTS, type ProjectTests } from '../project-tests/session';
import type { SizePool } from '../benchmark/measure';
import { WORKLOAD_SIZE } from '../benchmark/defaults';
import { prepareBaseline, shrinkCounterexample, verifyCandidate, type Baseline, type InputSource, type VerifyStageContext } from './stage';
import type { CandidateTracker, Working } from '../candidates/working';
import { describeCoverage } from '../report/format';

export interface Prepared {
  base: Baseline;
  verification: Report['verification'];
  projectTests: ProjectTests | null;
  testsSummary: TestsSummary | null;
  /** The real-workload pool (calls captured from the project's tests) and how many calls it holds. */
  workloadPool: (SizePool & { calls: number }) | null;
  /** Benchmark pools from the --inputs module's generate(size, random), by size. */
  benchBySize: Map<number, unknown[][]> | null;
}

export async function prepareVerification(ctx: RunContext, target: TargetFunction, vstage: VerifyStageContext, originalBundle: string, ladder: number[]): Promise<Prepared> {
  const { options: opts, notes, settings } = ctx;
  const sandbox = { nodePath: ctx.sandbox.nodePath, jobDir: ctx.scratchDir, memoryMb: settings.memoryMb, seed: settings.seed, signal: ctx.signal, logger: ctx.logger };
  const userInputs = opts.inputsModule ? await loadUserInputs(opts.inputsModule, sandbox, ladder) : null;
  const benchBySize = userInputs?.bySize.size ? userInputs.bySize : null;
  if (benchBySize) notes.push(`Benchmarks use ${opts.inputsModule}'s generate(size, random) for their inputs.`);
  const projectTests = await startProjectTests({
    target,
    options: opts.tests ?? {},
    nodePath: ctx.sandbox.nodePath,
    workDir: join(ctx.scratchDir, 'tests'),
    memoryMb: settings.memoryMb,
    signal: ctx.signal,
    logger: ctx.logger,
    notes,
    progress: (message) => ctx.progress.stage('testing', message),
  });
  const captured = projectTests?.argLists ?? [];
  let workloadPool: Prepared['workloadPool'] = null;
  if (captured.length) {
    const pool = captured.slice(0, TESTS_DEFAULTS.maxWorkloadCalls);
    workloadPool = { size: WORKLOAD_SIZE, inputsFile: join(ctx.scratchDir, 'workload.bin'), calls: pool.length };
    await writeFile(workloadPool.inputsFile, serialize(pool));
  }
  const unknownParams = target.params.filter((p) => p.type.kind === 'unknown').map((p) => p.name);
  if (unknownParams.length) {
    notes.push(
      `No type information for ${unknownParams.map((n) => `'${n}'`).join(', ')}: generated inputs come from a generic mix of values. Add TypeScript types or JSDoc @param types, or pass --inputs, for a sharper check.`,
    );
  }
  const inferred = [...target.params.map((p) => ({ p, label: p.name })), ...(target.ctorParams ?? []).map((p) => ({ p, label: `new ${target.method?.owner ?? ''}(${p.name})` }))].filter((x) => x.p.inferred);
  if (inferred.length) {
    notes.push(`Untyped parameters get inputs that follow their use in the code (TypeScript's inference from usage): ${inferred.map((x) => `'${x.label}' as ${x.p.inferred}`).join(', ')}.`);
  }
  const sources: InputSource[] = [
    ...(userInputs?.fixed.length ? [{ label: `${userInputs.fixed.length} from ${opts.inputsModule}`, lists: userInputs.fixed }] : []),
    ...(captured.length ? [{ label: `${captured.length} captured from the project's tests`, lists: captured }] : []),
  ];
  ctx.progress.stage('verifying', 'Preparing the verification inputs');
  const base = await prepareBaseline(vstage, originalBundle, sources);
  notes.push(...base.notes);
  const c = base.counts;
  const verification = { inputs: c.inputs, originalThrew: c.originalThrew, droppedForTimeout: c.droppedForTimeout, droppedNearLimit: c.droppedNearLimit, skippedForCost: c.skippedForCost, guided: c.guided, sources: c.sources };
  const limitMs = settings.callTimeoutMs;
  if (c.inputs === 0) {
    throw new InputError(`The original ${target.name} did not finish on any input within the ${limitMs} ms per-call limit; raise --timeout-ms or pass --inputs with smaller arguments.`);
  }
  if (c.originalThrew === c.inputs) {
    notes.push(`The original threw on every input, so verification only shows that candidates throw the same errors. Pass --inputs with valid arguments.`);
  } else if (c.originalThrew > c.inputs / 2) {
    notes.push(`The original threw on ${c.originalThrew} of ${c.inputs} inputs; consider --inputs with valid arguments.`);
  }
  if (c.droppedForTimeout) notes.push(`${c.droppedForTimeout} input${c.droppedForTimeout === 1 ? ' was' : 's were'} dropped because the original itself exceeded the ${limitMs} ms per-call limit on them.`);
  return { base, verification, projectTests, testsSummary: projectTests?.summary ?? null, workloadPool, benchBySize };
}

/**
 * Verifies each runnable candidate against the original on the prepared inputs: an equivalent
 * one moves on to the benchmark (phase 'verified'); the others are decided here, an incorrect one
 * with its counterexample shrunk.
 */
export async function verifyBatch(ctx: RunContext, vstage: VerifyStageContext, prep: Prepared, originalBundle: string, tracker: CandidateTracker, runnable: readonly Working[]): Promise<void> {
  for (const [k, w] of runnable.entries()) {
    ctx.progress.stage('verifying', `Verifying ${w.report.id} (${k + 1} of ${runnable.length}) on ${prep.base.inputs.length} inputs`, k + 1, runnable.length);
    const v = await verifyCandidate(vstage, prep.base, { id: w.report.id, text: w.text!, bundle: w.bundle! });
    w.spentMs += v.wallMs;
    const { candidate, original } = v.coverage;
    const coverage = { inputs: v.inputs, candidate, original, candidateUnexercised: candidate?.uncovered.length ?? 0, summary: describeCoverage(v.inputs, candidate, original) };
    const cmp = v.comparison;
    if (cmp.kind === 'equivalent') {
      w.verified = true;
      tracker.advance(w, 'verified', 'benchmark', `Equivalent on ${cmp.compared} calls; waiting for the benchmark.`, { coverage });
    } else if (cmp.kind === 'incorrect') {
      let { reason, counterexample } = cmp;
      if (v.failing) {
        const t = performance.now();
        const smaller = await shrinkCounterexample(vstage, prep.base, v.failing, originalBundle, w.bundle!, w.report.id);
        w.spentMs += performance.now() - t;
        if (smaller) ({ reason, counterexample } = smaller);
      }
      tracker.finish(w, 'incorrect', 'verification', reason, { counterexample, coverage });
    } else if (cmp.kind === 'unsafe') {
      tracker.finish(w, 'unsafe', 'verification', cmp.reason, { coverage, denied: cmp.denied, tampered: cmp.tampered });
    } else {
      tracker.finish(w, cmp.kind, 'verification', cmp.reason, { coverage });
    }
  }
}
