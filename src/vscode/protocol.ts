/**
 * Messages between the extension host and the results webview (media/results.js), and the
 * state the webview persists for restore after a reload. Plain JSON only. Never contains
 * the API key: a job view holds the user's code, the candidates and their measurements.
 *
 * media/results.js is type-checked against this file (media/jsconfig.json).
 */
// Types only, from their defining modules: media/ is type-checked against this file without the engine.
import type { CandidateReport, PipelineStage, TestsSummary } from '../core/report/report';
import type { TargetSelector } from '../core/options';
import type { SpeedupPhrase } from '../core/report/format';

export type JobStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** Everything the panel shows about one run, and what the host needs to apply a candidate later. */
export interface JobView {
  jobId: string;
  mode: 'optimize' | 'check';
  /** The document's URI (string form). */
  uri: string;
  /** File name relative to the workspace, for display. */
  displayFile: string;
  functionName: string;
  selector: TargetSelector;
  /** Whole text of the document when the run started; Apply refuses if the function changed since. */
  originalText: string;
  /** Where candidates came from ('gpt-4o-mini', 'copilot/gpt-4o', 'your variant'). */
  source: string;
  status: JobStatus;
  stage: { stage: PipelineStage; message: string; current?: number; total?: number } | null;
  /** One human line when status is 'failed'. */
  error: string | null;
  candidates: CandidateReport[];
  /** id of the winner once the run is done, or null. */
  best: string | null;
  minSpeedup: number;
  notes: string[];
  /** How the project's tests were used (null until the run is done, or when they were not used). */
  tests: TestsSummary | null;
  /** When the run started, in ms since the epoch. */
  startedAtMs: number;
  /** Wall time of the run, in ms, once done. */
  totalMs: number | null;
  /** Candidate ids the user applied or discarded in this session. */
  applied: string[];
  discarded: string[];
}

/** The speedup phrases of one candidate, made by the host (report/format.ts speedupPhrase): the panel shows them as they are. */
export interface CandidatePhrases {
  speedup: SpeedupPhrase | null;
  workload: SpeedupPhrase | null;
}

/** Per candidate id, its phrases. */
export type JobPhrases = Record<string, CandidatePhrases>;

export type HostToWebview =
  /** The full current state of the job (the panel re-renders; candidate rows are keyed by id), with its candidates' phrases. */
  { type: 'state'; job: JobView; phrases: JobPhrases };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'showDiff'; candidateId: string }
  | { type: 'apply'; candidateId: string }
  | { type: 'cancel' }
  | { type: 'showLog' }
  | { type: 'rerun' };

/** What the webview stores with `setState` (and the serializer receives after a reload). */
export interface WebviewState {
  job: JobView;
  /** Absent in states saved by older versions: the panel shows no speedup phrase until the host posts. */
  phrases?: JobPhrases;
}

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; candidateId?: unknown };
  switch (v.type) {
    case 'ready':
    case 'cancel':
    case 'showLog':
    case 'rerun':
      return true;
    case 'showDiff':
    case 'apply':
      return typeof v.candidateId === 'string' && /^[\w.-]{1,40}$/.test(v.candidateId);
    default:
      return false;
  }
}

export function isWebviewState(value: unknown): value is WebviewState {
  if (typeof value !== 'object' || value === null) return false;
  const job = (value as { job?: unknown }).job;
  if (typeof job !== 'object' || job === null) return false;
  const j = job as Partial<JobView>;
  return typeof j.jobId === 'string' && typeof j.uri === 'string' && Array.isArray(j.candidates) && typeof j.originalText === 'string';
}
