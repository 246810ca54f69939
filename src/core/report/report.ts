/**
 * The report of one Hotpath run: what the CLI prints with --json, what the VS Code results
 * panel shows. Every candidate ends with exactly one verdict; expected failures of a
 * candidate are verdicts, never exceptions.
 */
import type { CodeCoverage, Counterexample, Language, SizeMeasurement, SpeedupInterval, TypeNote, VerdictKind } from '../types';
import type { TestDiscovery, TestRunnerKind } from '../project-tests/types';
import type { Denial } from '../sandbox/protocol';

export type { Denial, DenialKind } from '../sandbox/protocol';
export type { CodeCoverage } from '../types';

/**
 * Where a candidate stands. 'pending': being built, verified or measured (`waitingFor` says
 * which); 'verified': equivalent to the original, waiting for its measurement; 'decided': it has
 * its verdict. Progress events stream all three; a finished report holds only decided ones.
 */
export type CandidateReport =
  | (CandidateFields & { phase: 'pending'; waitingFor: PendingStep; verdict: null; decidedAt: null })
  | (CandidateFields & { phase: 'verified'; waitingFor: PendingStep; verdict: null; decidedAt: null })
  | DecidedCandidate;

export type DecidedCandidate = CandidateFields & {
  phase: 'decided';
  waitingFor: null;
  verdict: VerdictKind;
  /** The step that decided it (a measurement that failed on its own is 'measurement', not the code's fault). */
  decidedAt: DecisionPoint;
};

export type CandidatePhase = CandidateReport['phase'];

/** What a candidate that is not decided yet waits for. */
export type PendingStep = 'build' | 'verification' | 'benchmark' | 'confirmation' | 'tests';

export type DecisionPoint = 'parse' | 'identical' | 'state-check' | 'build' | 'verification' | 'screening' | 'confirmation' | 'measurement' | 'tests';

export interface CandidateFields {
  /** Stable within a report: 'c1', 'c2', ... in the order candidates were received. */
  id: string;
  /** The variant file as given on the command line, or where an LLM candidate came from ('llm:<model>#<n>'). */
  origin: string;
  /** The candidate's replacement text (function plus any helpers), as received. */
  source: string;
  /** One human sentence explaining the verdict (or, while pending, what is being done). */
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
  /**
   * The "real workload" benchmark: original against candidate on the calls captured from the
   * project's tests, measured in the same fresh processes as the confirmation. Null when there
   * were no captured calls or the candidate was not confirmed.
   */
  workload: WorkloadMeasurement | null;
  /** The project's tests run against a scratch copy with this candidate applied (the final gate); null when they did not run. */
  tests: CandidateTests | null;
  /**
   * How thoroughly it was verified: how many inputs it was compared on, and which branches of
   * its code and of the original's no input ever executed. Null until it was verified.
   */
  coverage: CandidateCoverage | null;
  /** For `unsafe`: accesses the sandbox denied it (it tried to write, read, spawn, connect, ...), recorded even when it caught the error. */
  denied: Denial[];
  /** For `unsafe`: built-ins and globals it replaced or redefined (`performance.now was replaced`, ...). */
  tampered: string[];
}

export interface CandidateCoverage {
  /** Inputs it was compared with the original on (the verification set, its own literals' inputs, inputs aimed at its branches). */
  inputs: number;
  /** Branch coverage of the candidate's code (target and helpers); null when not measured. */
  candidate: CodeCoverage | null;
  /** Branch coverage of the original's code by the same inputs; null when not measured. */
  original: CodeCoverage | null;
  /** Places of the candidate's code no input executed (0 when all ran or coverage was not measured). */
  candidateUnexercised: number;
  /** One sentence for the CLI table and the panel (report/format.ts describeCoverage). */
  summary: string;
  /**
   * Set on a `faster` candidate part of whose code no input executed: the sentence the CLI and
   * the panel show before the summary, as a warning. Null otherwise (and while undecided).
   */
  warning?: string | null;
}

export interface WorkloadMeasurement {
  /** Distinct captured calls in the pool. */
  calls: number;
  /** Median time of one pass over the pool's calls, per call, in ns. */
  originalNs: number;
  candidateNs: number;
  speedup: SpeedupInterval;
}

export interface FailedTest {
  /** Test file, relative to the project root. */
  file: string;
  name: string;
  message: string | null;
}

export interface CandidateTests {
  /** 'passed': every selected test that passes on the original passes; 'failed': some do not; 'error': the run itself failed. */
  status: 'passed' | 'failed' | 'error';
  passed: number;
  failed: FailedTest[];
  /** For 'error': what went wrong (timeout, the runner crashed, ...). */
  detail: string | null;
  /** For 'error': 'timeout' (the run did not finish in time), 'memory', or 'runner' (it failed otherwise); null unless 'error'. */
  errorKind?: 'timeout' | 'memory' | 'runner' | null;
  wallMs: number;
}

/** How the project's own tests were used in this run. */
export interface TestsSummary {
  runner: TestRunnerKind;
  runnerVersion: string | null;
  /** Project root (directory of its package.json). */
  root: string;
  configFile: string | null;
  detectedFrom: string;
  /** How the files were chosen: 'imports' (files importing the target's module, confirmed by calls) or the --tests glob. */
  selection: string;
  /** How the runner's test files were found: listed by the runner, or read from its config (and why). */
  discovery: TestDiscovery;
  /** Test files used, relative to the root, with how many times each called the target. */
  files: { file: string; calls: number }[];
  /** Files that import the module but never called the target (not used). */
  unusedFiles: string[];
  totalCalls: number;
  /** Distinct captured calls added to verification and the workload benchmark. */
  captured: number;
  /** Calls that could not be captured, by reason. */
  skipped: { reason: string; count: number }[];
  /** Tests that pass on the original: each candidate must pass them too. */
  passing: number;
  /** Tests the original already fails: excluded from the gate. */
  excluded: FailedTest[];
  /** Line coverage of the target by the captured calls (replayed on the original), or null when unmeasured. */
  coverage: { coveredLines: number; totalLines: number; uncoveredLines: number[] } | null;
  /** Time spent running the tests for capture, in ms (candidate gates are in each candidate's wallMs). */
  wallMs: number;
}

export interface VerificationSummary {
  /** Argument lists tried (generated, edge values and user-supplied). */
  inputs: number;
  /** Of those, how many the original threw on (still compared: candidates must throw alike). */
  originalThrew: number;
  /** Inputs dropped because the original itself timed out on them. */
  droppedForTimeout: number;
  /** Inputs on which the original came close to the per-call limit: left out of the verdict. */
  droppedNearLimit: number;
  /** Generated inputs not run because they were larger than the original handles within its budget. */
  skippedForCost: number;
  /** Inputs generated to reach branches of the original that no other input reached. */
  guided: number;
  /** Where the inputs came from. */
  sources: string[];
}

export interface Report {
  /** Report format version. */
  version: 1;
  target: {
    file: string;
    name: string;
    language: Language;
    line: number;
    /** Parameters whose annotated types could only partly be described (those parts get generic inputs), and why. */
    typeNotes: TypeNote[];
  };
  mode: 'check' | 'optimize';
  candidates: DecidedCandidate[];
  /** id of the fastest `faster` candidate, or null. */
  best: string | null;
  minSpeedup: number;
  verification: VerificationSummary;
  /** How the project's own tests were used; null when they were not (none found, --no-tests, ...: see notes). */
  tests: TestsSummary | null;
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

export type PipelineStage = 'extracting' | 'testing' | 'asking-model' | 'building' | 'verifying' | 'benchmarking' | 'confirming' | 'done';

export type ProgressEvent =
  | { kind: 'stage'; stage: PipelineStage; message: string; current?: number; total?: number }
  /** A candidate was added or its state changed (streamed to the UI as it happens). */
  | { kind: 'candidate'; candidate: CandidateReport };

/** A type note as one sentence for the terminal and the results panel. */
export function describeTypeNote(n: TypeNote): string {
  return `Parameter '${n.param}' (${n.type}) is only partly typed, so it gets generic inputs where its type is unknown: ${n.reason}.`;
}

/** The run's notes, with the target's type notes first (reports written before type notes existed have none). */
export function allNotes(report: Pick<Report, 'notes' | 'target'>): string[] {
  return [...(report.target.typeNotes ?? []).map(describeTypeNote), ...report.notes];
}

/** A candidate's report before anything is known about it. */
export function pendingCandidate(id: string, origin: string, source: string): CandidateReport {
  return {
    id,
    origin,
    source,
    phase: 'pending',
    waitingFor: 'build',
    verdict: null,
    decidedAt: null,
    reason: 'Waiting to be built.',
    speedup: null,
    diff: '',
    counterexample: null,
    sizes: [],
    headlineSize: null,
    growth: null,
    wallMs: 0,
    workload: null,
    tests: null,
    coverage: null,
    denied: [],
    tampered: [],
  };
}
