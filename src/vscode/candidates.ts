/**
 * Reviewing and applying candidates: a read-only virtual document per candidate
 * (`hotpath-candidate:` scheme) holding the user's current file with that candidate applied,
 * VS Code's diff editor against the real file, and Apply/Discard as editor title actions.
 * Nothing is written before the user applies; Apply is one WorkspaceEdit (one undo step,
 * file left unsaved).
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Job, JobStore } from './jobs';
import { formatSpeedup, loadEngine } from '../core';
import type { HotpathLog } from './log';

export const CANDIDATE_SCHEME = 'hotpath-candidate';

export function candidateUri(job: Job, candidateId: string): vscode.Uri {
  const original = vscode.Uri.parse(job.view.uri);
  const query = new URLSearchParams({ job: job.id, candidate: candidateId }).toString();
  return vscode.Uri.from({ scheme: CANDIDATE_SCHEME, path: original.path, query });
}

export function parseCandidateUri(uri: vscode.Uri): { jobId: string; candidateId: string } | undefined {
  if (uri.scheme !== CANDIDATE_SCHEME) return undefined;
  const q = new URLSearchParams(uri.query);
  const jobId = q.get('job');
  const candidateId = q.get('candidate');
  return jobId && candidateId ? { jobId, candidateId } : undefined;
}

async function currentText(job: Job): Promise<{ doc: vscode.TextDocument; text: string }> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(job.view.uri));
  return { doc, text: doc.getText() };
}

type Applied = { ok: true; doc: vscode.TextDocument; current: string; next: string } | { ok: false; reason: string };

/** The user's current file with the candidate applied, refusing if the function changed since the run started. */
async function computeApplied(job: Job, candidateId: string): Promise<Applied> {
  const cand = job.candidate(candidateId);
  if (!cand) return { ok: false, reason: `Candidate ${candidateId} is not part of this run.` };
  const { applyVariant } = await loadEngine();
  const { doc, text } = await currentText(job);
  const now = applyVariant(doc.fileName, text, job.view.selector, cand.source);
  if (!now.ok) return { ok: false, reason: `${job.view.functionName} cannot be replaced in the current file: ${now.reason}` };
  const then = applyVariant(doc.fileName, job.view.originalText, job.view.selector, cand.source);
  const before = then.ok ? job.view.originalText.slice(then.range.start, then.range.end) : null;
  if (before === null || text.slice(now.range.start, now.range.end) !== before) {
    return {
      ok: false,
      reason: `${job.view.functionName} changed since the run started, so the verified candidate may no longer match it. Run Hotpath again on the current code.`,
    };
  }
  return { ok: true, doc, current: text, next: now.text };
}

/** Smallest single replacement turning `a` into `b`. */
export function minimalEdit(a: string, b: string): { start: number; end: number; text: string } {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return { start, end: endA, text: b.slice(start, endB) };
}

export class CandidateDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: JobStore,
    private readonly log: HotpathLog,
  ) {
    // Keep open candidate documents in step with edits of the user's file.
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const key = e.document.uri.toString();
        for (const doc of vscode.workspace.textDocuments) {
          const ids = parseCandidateUri(doc.uri);
          if (ids && this.store.get(ids.jobId)?.view.uri === key) this.changed.fire(doc.uri);
        }
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ids = parseCandidateUri(uri);
    const job = ids && this.store.get(ids.jobId);
    if (!ids || !job) return '// This Hotpath candidate is no longer available. Run Hotpath again.\n';
    const applied = await computeApplied(job, ids.candidateId);
    if (applied.ok) return applied.next;
    // Still show something readable: the candidate's own source, with why it cannot be applied.
    const cand = job.candidate(ids.candidateId);
    return `// Hotpath cannot apply ${ids.candidateId} to the current file: ${applied.reason}\n\n${cand?.source ?? ''}`;
  }

  async showDiff(job: Job, candidateId: string): Promise<void> {
    const cand = job.candidate(candidateId);
    if (!cand) {
      void vscode.window.showWarningMessage(`Hotpath: candidate ${candidateId} is not part of this run.`);
      return;
    }
    const right = candidateUri(job, candidateId);
    this.changed.fire(right);
    const speed = cand.speedup ? formatSpeedup(cand.speedup) : (cand.verdict ?? cand.phase);
    const title = `${path.basename(vscode.Uri.parse(job.view.uri).fsPath)} ↔ ${cand.id}: ${speed}`;
    await vscode.commands.executeCommand('vscode.diff', vscode.Uri.parse(job.view.uri), right, title, { preview: false });
  }

  /** Applies the candidate as one WorkspaceEdit. Returns true when the document changed. */
  async apply(job: Job, candidateId: string): Promise<boolean> {
    const cand = job.candidate(candidateId);
    if (cand && cand.verdict !== 'faster') {
      const go = await vscode.window.showWarningMessage(
        `Hotpath: ${candidateId} is not a verified speedup (${cand.verdict ?? `still ${cand.phase}`}: ${cand.reason}). Apply it anyway?`,
        { modal: true },
        'Apply Anyway',
      );
      if (go !== 'Apply Anyway') return false;
    }
    const applied = await computeApplied(job, candidateId);
    if (!applied.ok) {
      this.log.warn(`Apply ${job.id}/${candidateId} refused: ${applied.reason}`);
      void vscode.window.showErrorMessage(`Hotpath: not applied. ${applied.reason}`);
      return false;
    }
    const { doc, current, next } = applied;
    const e = minimalEdit(current, next);
    const edit = new vscode.WorkspaceEdit();
    const range = new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end));
    edit.replace(doc.uri, range, e.text, { label: `Hotpath: apply ${candidateId}`, needsConfirmation: false });
    const ok = await vscode.workspace.applyEdit(edit);
    if (!ok) {
      void vscode.window.showErrorMessage('Hotpath: VS Code refused the edit (is the file read-only?).');
      return false;
    }
    job.mark('applied', candidateId);
    this.log.info(`Applied ${job.id}/${candidateId} to ${job.view.displayFile}`);
    await this.closeDiffs(job, candidateId);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const shown = new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.start + e.text.length));
    editor.selection = new vscode.Selection(shown.start, shown.start);
    editor.revealRange(shown, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    const speed = cand?.speedup ? ` (${formatSpeedup(cand.speedup)})` : '';
    void vscode.window.showInformationMessage(`Hotpath: applied ${candidateId}${speed}. The file is not saved; Undo reverts it.`);
    return true;
  }

  async discard(job: Job, candidateId: string): Promise<void> {
    job.mark('discarded', candidateId);
    await this.closeDiffs(job, candidateId);
  }

  private async closeDiffs(job: Job, candidateId: string): Promise<void> {
    const target = candidateUri(job, candidateId).toString();
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter(
        (t) =>
          (t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === target) ||
          (t.input instanceof vscode.TabInputText && t.input.uri.toString() === target),
      );
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
