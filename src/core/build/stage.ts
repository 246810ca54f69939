/**
 * The build stage. Enters: the target and the variants to evaluate. Leaves: the original's
 * bundle and a byte-identical second build (the A/A arm); per candidate either its bundle and
 * the user's file with it applied (pending verification), or a decision: it does not parse or
 * build, it is identical to the original, or it keeps state across calls.
 */
import { join } from 'node:path';
import type { TargetFunction } from '../types';
import type { VariantInput } from '../options';
import { InputError, throwIfAborted } from '../errors';
import { displayPath } from '../target/extract';
import { applyCandidate, parseCandidate } from '../candidates/substitute';
import type { CandidateTracker, Working } from '../candidates/working';
import { crossCallState } from '../verify/statecheck';
import { unifiedDiff } from '../report/diff';
import type { RunContext } from '../run-context';
import { bundleVariant, type BundleResult } from './bundle';

export interface Originals {
  originalBundle: string;
  /** The same code built a second time: the A/A arm of the first confirmation. */
  copyBundle: string;
  /** Bundles a version of the user's module with the run's settings. */
  build: (text: string, outFile: string) => Promise<BundleResult>;
}

export async function buildOriginals(ctx: RunContext, target: TargetFunction): Promise<Originals> {
  ctx.progress.stage('building', `Building the original ${target.name}`);
  const build = (text: string, outFile: string) =>
    bundleVariant({ file: target.file, text, targetName: target.name, method: target.method, classes: target.classes, moduleKind: target.context.moduleKind, language: target.language, outFile, signal: ctx.signal });
  const originalBundle = join(ctx.scratchDir, 'original.cjs');
  const copyBundle = join(ctx.scratchDir, 'original-copy.cjs');
  for (const out of [originalBundle, copyBundle]) {
    const b = await build(target.fileText, out);
    if (!b.ok) throw new InputError(`Cannot build ${displayPath(target.file)}: ${b.error}`);
  }
  throwIfAborted(ctx.signal);
  return { originalBundle, copyBundle, build };
}

/** Adds each variant to the tracker and builds it; those that cannot be run are decided here. */
export async function buildCandidates(ctx: RunContext, target: TargetFunction, originals: Originals, tracker: CandidateTracker, variants: readonly VariantInput[]): Promise<Working[]> {
  const batch: Working[] = [];
  if (variants.length) ctx.progress.stage('building', `Building ${variants.length} variant${variants.length === 1 ? '' : 's'}`);
  for (const v of variants) {
    const w = tracker.add(v.origin, v.source);
    batch.push(w);
    const tBuild = performance.now();
    const parsed = parseCandidate(target, v.source);
    if (!parsed.ok) {
      tracker.finish(w, 'error', 'parse', parsed.reason);
      continue;
    }
    const text = applyCandidate(target, parsed.candidate);
    const diff = unifiedDiff(target.file, target.fileText, text);
    if (!diff) {
      tracker.finish(w, 'not-faster', 'identical', 'It is identical to the original function.', { diff });
      continue;
    }
    const state = crossCallState(target.file, target.fileText, text, target.name);
    if (state) {
      tracker.finish(w, 'unsafe', 'state-check', state, { diff });
      continue;
    }
    const b = await originals.build(text, join(ctx.scratchDir, `${w.report.id}.cjs`));
    throwIfAborted(ctx.signal);
    if (!b.ok) {
      tracker.finish(w, 'error', 'build', `It does not build: ${b.error}`, { diff });
      continue;
    }
    w.bundle = join(ctx.scratchDir, `${w.report.id}.cjs`);
    w.text = text;
    w.spentMs += performance.now() - tBuild;
    tracker.advance(w, 'pending', 'verification', 'Waiting for verification.', { diff });
  }
  return batch;
}
