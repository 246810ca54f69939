/**
 * The engine's public surface: the only module the CLI (src/cli) and the extension (src/vscode)
 * import from core (an ESLint rule keeps it so).
 *
 * Everything exported here is light: options and report types, errors, the logger, the defaults
 * table, the formatter, the sandbox's node checks. The pipeline itself pulls in the TypeScript
 * compiler and esbuild, so it is loaded on first use (`loadEngine`, or `runHotpath`, which loads
 * it); an extension's activation stays cheap.
 */
import type { RunOptions } from './options';
import type { Report } from './report/report';
import type * as PipelineModule from './pipeline';

export type { RunOptions, TargetSelector, VariantInput, LlmOptions, TestsOptions, CandidateSource, CandidateRequest, CandidateBatch } from './options';
export type { Report, CandidateReport, DecidedCandidate, CandidatePhase, PendingStep, DecisionPoint, CandidateTests, CandidateCoverage, TestsSummary, PipelineStage, ProgressEvent, Denial, DenialKind } from './report/report';
export { allNotes, describeTypeNote } from './report/report';
export type { SpeedupInterval, SizeMeasurement, VerdictKind } from './types';
export { HotpathError, InputError, LlmError, SandboxError, CancelledError, oneLine } from './errors';
export { levelLogger, silentLogger, type Logger, type LogLevel } from './logger';
export { USER_DEFAULTS, defaultOf, clampOption, type UserOption, type OptionDefault } from './defaults';
export { resolveNodePath, sandboxLayers } from './sandbox/spawn';
export { formatRatio, formatInterval, formatSpeedup, speedupPhrase, formatNs, formatMs, type SpeedupPhrase } from './report/format';

/** The pipeline module: `runHotpath`, `applyVariant`. */
export type Engine = typeof PipelineModule;

let engine: Promise<Engine> | undefined;

/** Loads the pipeline once (esbuild turns the dynamic import into a lazily initialized module of the same bundle). */
export function loadEngine(): Promise<Engine> {
  engine ??= import('./pipeline.js');
  return engine;
}

/** Runs Hotpath on one function (see pipeline.ts). */
export async function runHotpath(opts: RunOptions): Promise<Report> {
  return (await loadEngine()).runHotpath(opts);
}
