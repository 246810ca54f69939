/**
 * A candidate while the pipeline works on it. Enters: a variant (origin and source). Leaves: its
 * report (report.ts CandidateReport, pending → verified → decided), plus what the later stages
 * need: its bundle, the user's file with it applied, and the time spent on it alone.
 */
import { pendingCandidate, type CandidateFields, type CandidateReport, type DecidedCandidate, type DecisionPoint, type PendingStep } from '../report/report';
import { coverageWarning } from '../report/format';
import type { VerdictKind } from '../types';
import type { Logger } from '../logger';

/** Decides a candidate: its verdict, the step that decided it, the sentence, and any fields to set. */
export type Finish = (w: Working, verdict: VerdictKind, decidedAt: DecisionPoint, reason: string, patch?: Partial<CandidateFields>) => void;

export interface Working {
  report: CandidateReport;
  bundle: string | null;
  /** The user's file with this candidate applied. */
  text: string | null;
  /** Verification found it equivalent to the original. */
  verified: boolean;
  /** Time spent on this candidate alone (building, its sandbox processes), in ms. */
  spentMs: number;
}

/**
 * The run's candidates and their state changes; every change is streamed to the progress sink.
 * Ids are 'c1', 'c2', ... in the order candidates were received.
 */
export class CandidateTracker {
  readonly all: Working[] = [];

  constructor(
    private readonly emit: (c: CandidateReport) => void,
    private readonly logger: Logger,
  ) {}

  add(origin: string, source: string): Working {
    const w: Working = { report: pendingCandidate(`c${this.all.length + 1}`, origin, source), bundle: null, text: null, verified: false, spentMs: 0 };
    this.all.push(w);
    return w;
  }

  /** Sets fields without changing the phase. */
  update = (w: Working, patch: Partial<CandidateFields>): void => {
    Object.assign(w.report, patch);
    this.emit(w.report);
  };

  /** The candidate moves on to `step` (still pending, or verified and waiting for its measurement). */
  advance = (w: Working, phase: 'pending' | 'verified', step: PendingStep, reason: string, patch: Partial<CandidateFields> = {}): void => {
    w.report = { ...w.report, ...patch, phase, waitingFor: step, verdict: null, decidedAt: null, reason };
    this.emit(w.report);
  };

  finish: Finish = (w, verdict, decidedAt, reason, patch = {}) => {
    const merged = { ...w.report, ...patch };
    const coverage = merged.coverage ? { ...merged.coverage, warning: coverageWarning(verdict, merged.coverage.candidateUnexercised) } : null;
    w.report = { ...merged, coverage, phase: 'decided', waitingFor: null, verdict, decidedAt, reason, wallMs: w.spentMs };
    this.emit(w.report);
  };

  /** A candidate's final report; one still undecided at the end (an engine fault) is reported as an error, never dropped. */
  decided = (w: Working): DecidedCandidate => {
    if (w.report.phase === 'decided') return w.report;
    this.logger.warn(`${w.report.id} was still ${w.report.phase} (waiting for ${w.report.waitingFor}) at the end of the run`);
    return { ...w.report, phase: 'decided', waitingFor: null, verdict: 'error', decidedAt: 'measurement', reason: `It was not decided: the run ended while it waited for its ${w.report.waitingFor}.` };
  };
}
