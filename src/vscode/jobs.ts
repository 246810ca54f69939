/**
 * Jobs: one run of the engine on one function, observable by the results panel, the
 * candidate documents and the status bar. The last finished job is kept in workspaceState
 * so "Show Last Results" works after a reload.
 */
import * as vscode from 'vscode';
import { allNotes, type CandidateReport, type ProgressEvent, type Report } from '../core';
import type { JobView } from './protocol';

const LAST_JOB_KEY = 'hotpath.lastJob';

export class Job {
  private readonly changed = new vscode.EventEmitter<Job>();
  readonly onDidChange = this.changed.event;
  /** Aborts the run (LLM requests and every sandbox process). */
  readonly controller = new AbortController();

  constructor(public view: JobView) {}

  get id(): string {
    return this.view.jobId;
  }

  get running(): boolean {
    return this.view.status === 'running';
  }

  candidate(id: string): CandidateReport | undefined {
    return this.view.candidates.find((c) => c.id === id);
  }

  progress(event: ProgressEvent): void {
    if (event.kind === 'stage') {
      // The engine names files relative to its cwd; show the workspace-relative name instead.
      const fsPath = vscode.Uri.parse(this.view.uri).fsPath;
      const message = event.message.split(fsPath).join(this.view.displayFile);
      this.view.stage = { stage: event.stage, message, current: event.current, total: event.total };
    } else {
      const i = this.view.candidates.findIndex((c) => c.id === event.candidate.id);
      if (i >= 0) this.view.candidates[i] = event.candidate;
      else this.view.candidates.push(event.candidate);
    }
    this.changed.fire(this);
  }

  finish(report: Report, totalMs: number): void {
    this.view.status = 'done';
    this.view.candidates = report.candidates;
    this.view.best = report.best;
    this.view.minSpeedup = report.minSpeedup;
    this.view.notes = allNotes(report);
    this.view.tests = report.tests;
    this.view.totalMs = totalMs;
    this.view.stage = null;
    this.changed.fire(this);
  }

  fail(status: 'cancelled' | 'failed', error: string | null, totalMs: number): void {
    this.view.status = status;
    this.view.error = error;
    this.view.totalMs = totalMs;
    this.view.stage = null;
    // Candidates still pending when the run stopped are not verdicts the user can act on.
    this.changed.fire(this);
  }

  mark(kind: 'applied' | 'discarded', candidateId: string): void {
    const list = this.view[kind];
    if (!list.includes(candidateId)) list.push(candidateId);
    this.changed.fire(this);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export class JobStore implements vscode.Disposable {
  private readonly jobs = new Map<string, Job>();
  private readonly created = new vscode.EventEmitter<Job>();
  readonly onDidCreate = this.created.event;
  private lastId: string | undefined;
  private counter = 0;

  constructor(private readonly memento: vscode.Memento) {}

  newId(): string {
    this.counter++;
    return `${Date.now().toString(36)}-${this.counter}`;
  }

  add(view: JobView): Job {
    const job = new Job(view);
    this.jobs.set(job.id, job);
    this.lastId = job.id;
    this.created.fire(job);
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** A job restored from a webview's state or workspaceState (after a reload). */
  restore(view: JobView): Job {
    const existing = this.jobs.get(view.jobId);
    if (existing) return existing;
    if (view.status === 'running') {
      view.status = 'cancelled';
      view.error = 'Interrupted by a window reload.';
      view.stage = null;
    }
    const job = new Job(view);
    this.jobs.set(job.id, job);
    this.lastId ??= job.id;
    return job;
  }

  running(): Job | undefined {
    for (const job of this.jobs.values()) if (job.running) return job;
    return undefined;
  }

  /** The most recent job of this session, else the one saved in workspaceState. */
  last(): Job | undefined {
    if (this.lastId) {
      const job = this.jobs.get(this.lastId);
      if (job) return job;
    }
    const saved = this.memento.get<JobView>(LAST_JOB_KEY);
    return saved ? this.restore(saved) : undefined;
  }

  async persist(job: Job): Promise<void> {
    await this.memento.update(LAST_JOB_KEY, job.view);
  }

  dispose(): void {
    for (const job of this.jobs.values()) {
      job.controller.abort();
      job.dispose();
    }
    this.created.dispose();
  }
}
