/**
 * The results panel: one webview showing the current (or last) job, rows streaming in as
 * candidates progress. Restored after a reload through a WebviewPanelSerializer and the
 * state the webview saves. Strict CSP: default-src 'none', one nonce'd script, assets from
 * media/ only, no inline handlers.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { speedupPhrase, type CandidateReport } from '../core';
import type { Job, JobStore } from './jobs';
import { isWebviewState, isWebviewToHost, type HostToWebview, type JobPhrases, type WebviewToHost } from './protocol';

export const RESULTS_VIEW_TYPE = 'hotpath.results';

export interface PanelActions {
  showDiff(job: Job, candidateId: string): Promise<void>;
  apply(job: Job, candidateId: string): Promise<unknown>;
  rerun(job: Job): Promise<unknown>;
  showLog(): void;
}

export class ResultsPanel implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private job: Job | undefined;
  private jobSub: vscode.Disposable | undefined;
  private panelSubs: vscode.Disposable[] = [];
  private pending: ReturnType<typeof setTimeout> | undefined;
  private ready = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: JobStore,
    private readonly actions: PanelActions,
  ) {}

  /** The job the panel currently shows (for tests and commands). */
  get currentJob(): Job | undefined {
    return this.panel ? this.job : undefined;
  }

  get webviewPanel(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  show(job: Job, preserveFocus = true): void {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        RESULTS_VIEW_TYPE,
        this.title(job),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
        this.webviewOptions(),
      );
      this.attach(panel);
    } else {
      this.panel.reveal(undefined, preserveFocus);
    }
    this.setJob(job);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    panel.webview.options = this.webviewOptions();
    const job = isWebviewState(state) ? this.store.restore(state.job) : this.store.last();
    if (this.panel) {
      // Only one results panel: a second restored panel is closed.
      panel.dispose();
      return;
    }
    this.attach(panel);
    if (job) this.setJob(job);
    else panel.webview.html = this.html(panel.webview);
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.webview.html = this.html(panel.webview);
    this.panelSubs = [
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible) this.post();
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        this.jobSub?.dispose();
        for (const d of this.panelSubs) d.dispose();
        this.panelSubs = [];
      }),
    ];
  }

  private setJob(job: Job): void {
    if (this.job !== job) {
      this.jobSub?.dispose();
      this.job = job;
      this.jobSub = job.onDidChange(() => this.schedule());
    }
    if (this.panel) this.panel.title = this.title(job);
    this.post();
  }

  private title(job: Job): string {
    return `Hotpath: ${job.view.functionName}`;
  }

  /** Coalesces bursts of progress events into one message every 100 ms at most. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.post();
    }, 100);
  }

  private post(): void {
    if (!this.panel || !this.job || !this.ready) return;
    if (this.panel.title !== this.title(this.job)) this.panel.title = this.title(this.job);
    const message: HostToWebview = { type: 'state', job: this.job.view, phrases: jobPhrases(this.job.view.candidates) };
    void this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    if (!isWebviewToHost(raw)) return;
    const m: WebviewToHost = raw;
    const job = this.job;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.post();
        return;
      case 'showLog':
        this.actions.showLog();
        return;
      case 'cancel':
        job?.controller.abort();
        return;
      case 'rerun':
        if (job) void this.actions.rerun(job);
        return;
      case 'showDiff':
        if (job) void this.actions.showDiff(job, m.candidateId);
        return;
      case 'apply':
        if (job) void this.actions.apply(job, m.candidateId);
        return;
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const media = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', f)).toString();
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('results.css')}">
<title>Hotpath results</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="muted">Loading results…</p></main>
<script nonce="${nonce}" src="${media('results.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.jobSub?.dispose();
    this.panel?.dispose();
  }
}

/** The speedup phrases of the candidates, by id: the panel shows the engine's wording instead of formatting numbers itself. */
function jobPhrases(candidates: readonly CandidateReport[]): JobPhrases {
  const out: JobPhrases = {};
  for (const c of candidates) {
    out[c.id] = { speedup: c.speedup ? speedupPhrase(c.speedup) : null, workload: c.workload ? speedupPhrase(c.workload.speedup) : null };
  }
  return out;
}
