/**
 * A candidate while the pipeline works on it. Enters: a variant (origin and source). Leaves: its
 * report (report.ts CandidateReport, pending → verified → decided), plus what the later stages
 * need: its bundle, the user's file with it applied, and the time spent on it alone.
 */
import type { CandidateFields, CandidateReport, DecisionPoint } from '../report/report';
import type { VerdictKind } from '../types';

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
