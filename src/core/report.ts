/**
 * The report of one Hotpath run: what the CLI prints with --json, what the VS Code results
 * panel shows. Every candidate ends with exactly one verdict; expected failures of a
 * candidate are verdicts, never exceptions.
 */
import type { Counterexample, Language, SizeMeasurement, SpeedupInterval, VerdictKind } from './types';

export interface CandidateReport {
  /** Stable within a report: 'c1', 'c2', ... in the order candidates were received. */
  id: string;
  /** The variant file as given on the command line, or where an LLM candidate came from ('llm:<model>#<n>'). */
  origin: string;
  /** The candidate's replacement text (function plus any helpers), as received. */
  source: string;
  verdict: VerdictKind;
  /** One human sentence explaining the verdict. */
  reason: string;
  /** original time / candidate time at the headline size, with its confidence interval; null unless benchmarked. */
  speedup: SpeedupInterval | null;
  /** Unified diff of the user's file with this candidate applied; '' when it could not be applied. */
  diff: string;
  /** For `incorrect`: the first input on which it differs from the original. */
  counterexample: Counterexample | null;
  /** Benchmark rows, one per input size; empty unless benchmarked. */
  sizes: SizeMeasurement[];
  /** The size the headline speedup is quoted at. */
  headlineSize: number | null;
  /** Fitted growth exponent of time in size (time ~ size^k), when at least 3 sizes were measured. */
  growth: { original: number; candidate: number } | null;
  /** Wall time spent on this candidate, in ms (verification plus benchmarking). */
  wallMs: number;
}

export interface VerificationSummary {
  /** Argument lists tried (generated, edge values and user-supplied). */
  inputs: number;
  /** Of those, how many the original threw on (still compared: candidates must throw alike). */
  originalThrew: number;
  /** Inputs dropped because the original itself timed out on them. */
  droppedForTimeout: number;
  /** Where the inputs came from. */
  sources: string[];
}

export interface Report {
  /** Report format version. */
  version: 1;
  target: { file: string; name: string; language: Language; line: number };
  mode: 'check' | 'optimize';
  candidates: CandidateReport[];
  /** id of the fastest `faster` candidate, or null. */
  best: string | null;
  minSpeedup: number;
  verification: VerificationSummary;
  /** Things the user should know about this run (noisy machine, thin inputs, sandbox layers missing, ...). */
  notes: string[];
  /**
   * The A/A calibration of this run: the original against a byte-identical copy, measured in the
   * first confirmation. Null when nothing was confirmed.
   */
  noiseFloor: SpeedupInterval | null;
  /** Sandbox layers that were active. */
  sandbox: string[];
  environment: { node: string; platform: string; cpus: number; date: string };
  timing: { totalMs: number; llmMs: number; verifyMs: number; benchMs: number };
  llm: {
    model: string;
    requests: number;
    promptTokens: number;
    completionTokens: number;
    /** Requests answered from the response cache (no tokens spent). */
    cachedRequests: number;
    /** True when the endpoint reported no usage and token counts are estimates. */
    tokensEstimated: boolean;
    /** Why the search stopped. */
    stopReason: string;
    rounds: {
      round: number;
      requests: number;
      cachedRequests: number;
      promptTokens: number;
      completionTokens: number;
      llmMs: number;
      evalMs: number;
      candidates: number;
      faster: number;
      bestSpeedup: number | null;
    }[];
  } | null;
}

export type PipelineStage = 'extracting' | 'asking-model' | 'building' | 'verifying' | 'benchmarking' | 'confirming' | 'done';

export type ProgressEvent =
  | { kind: 'stage'; stage: PipelineStage; message: string; current?: number; total?: number }
  /** A candidate was added or its state changed (streamed to the UI as it happens). */
  | { kind: 'candidate'; candidate: CandidateReport };

/** The verdict a candidate has while it is still being processed (not part of the final report). */
export const PENDING_REASON = 'Waiting for verification.';

/** A candidate's report before anything is known about it. */
export function pendingCandidate(id: string, origin: string, source: string): CandidateReport {
  return {
    id,
    origin,
    source,
    verdict: 'error',
    reason: PENDING_REASON,
    speedup: null,
    diff: '',
    counterexample: null,
    sizes: [],
    headlineSize: null,
    growth: null,
    wallMs: 0,
  };
}
