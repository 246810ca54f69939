/**
 * One run's context, built once by the pipeline and passed to every stage instead of long
 * parameter lists: the options and their resolved settings, the logger, the AbortSignal, the
 * scratch directory, the sandbox's node, the progress sink, the notes for the user and the
 * timing totals.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOptions } from './options';
import type { CandidateReport, PipelineStage, ProgressEvent, Report } from './report/report';
import { silentLogger, type Logger } from './logger';
import { defaultOf } from './defaults';
import { InputError } from './errors';
import { prepareJobDir, resolveNodePath, sandboxLayers } from './sandbox/spawn';

export interface RunSettings {
  minSpeedup: number;
  callTimeoutMs: number;
  memoryMb: number;
  seed: number;
  benchBudgetMs: number;
}

/** Where progress goes: the stage line (also logged) and candidate updates. */
export interface ProgressSink {
  stage(stage: PipelineStage, message: string, current?: number, total?: number): void;
  candidate(candidate: CandidateReport): void;
}

export interface RunContext {
  readonly options: RunOptions;
  readonly settings: RunSettings;
  readonly logger: Logger;
  readonly signal: AbortSignal | undefined;
  readonly progress: ProgressSink;
  /** This run's scratch directory (removed when the run ends): bundles, input pools, sandbox jobs. */
  readonly scratchDir: string;
  readonly sandbox: { nodePath: string; nodeVersion: string; layers: string[] };
  /** Things the user should know about this run, in the order found. */
  readonly notes: string[];
  readonly timing: Report['timing'];
}

/** The settings of a run (defaults from defaults.ts); throws InputError for options that cannot work. */
export function resolveSettings(opts: RunOptions): RunSettings {
  const settings: RunSettings = {
    minSpeedup: opts.minSpeedup ?? defaultOf('minSpeedup'),
    callTimeoutMs: opts.callTimeoutMs ?? defaultOf('callTimeoutMs'),
    memoryMb: opts.memoryMb ?? defaultOf('memoryMb'),
    seed: opts.seed ?? defaultOf('seed'),
    benchBudgetMs: opts.benchBudgetMs ?? defaultOf('benchBudgetMs'),
  };
  if (!(settings.minSpeedup >= 1)) throw new InputError(`--min-speedup must be a ratio of at least 1 (got ${settings.minSpeedup}).`);
  if (!opts.variants?.length && !opts.llm && !opts.candidateSource) throw new InputError('Nothing to evaluate: give at least one variant or an LLM endpoint.');
  return settings;
}

/** Progress to the run's listener (a failing listener is logged, never fatal) and stage lines to the log. */
export function progressSink(opts: RunOptions, logger: Logger): ProgressSink {
  const emit = (e: ProgressEvent) => {
    try {
      opts.onProgress?.(e);
    } catch (err) {
      logger.warn(`progress listener failed: ${String(err)}`);
    }
  };
  return {
    stage(stage, message, current, total) {
      logger.info(message);
      emit({ kind: 'stage', stage, message, current, total });
    },
    candidate(candidate) {
      emit({ kind: 'candidate', candidate: { ...candidate } });
    },
  };
}

/** Resolves the sandbox's node and makes the scratch directory; close it with closeRunContext. */
export async function openRunContext(opts: RunOptions, settings: RunSettings, progress: ProgressSink): Promise<RunContext> {
  const logger = opts.logger ?? silentLogger;
  const nodePath = await resolveNodePath(opts.nodePath);
  const nodeVersion = await nodeVersionOf(nodePath);
  const scratchDir = await mkdtemp(join(tmpdir(), 'hotpath-'));
  try {
    prepareJobDir(scratchDir);
    const layers = await sandboxLayers(nodePath).catch(() => []);
    return {
      options: opts,
      settings,
      logger,
      signal: opts.signal,
      progress,
      scratchDir,
      sandbox: { nodePath, nodeVersion, layers },
      notes: [],
      timing: { totalMs: 0, llmMs: 0, verifyMs: 0, benchMs: 0 },
    };
  } catch (e) {
    await rm(scratchDir, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

export async function closeRunContext(ctx: RunContext): Promise<void> {
  await rm(ctx.scratchDir, { recursive: true, force: true }).catch(() => undefined);
}

const nodeVersions = new Map<string, string>();
async function nodeVersionOf(nodePath: string): Promise<string> {
  const known = nodeVersions.get(nodePath);
  if (known) return known;
  const v = await new Promise<string>((res) => {
    execFile(nodePath, ['--version'], { timeout: 10_000 }, (err, stdout) => res(err ? 'unknown' : stdout.trim()));
  });
  nodeVersions.set(nodePath, v);
  return v;
}
