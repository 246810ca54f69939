/**
 * Runs the engine for one job: settings and key → RunOptions, a cancellable progress
 * notification with stages, a status bar item, results streamed to the panel, and a summary
 * (or a clear error with "Show Log") at the end.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { CancelledError, HotpathError, InputError, oneLine, loadEngine, formatSpeedup, type CandidateSource, type LlmOptions, type RunOptions, type TargetSelector, type VariantInput, type PipelineStage, type Report } from '../core';
import { isLocalUrl, readSettings } from './config';
import type { ApiKeyStore } from './secrets';
import type { HotpathLog } from './log';
import { type Job, type JobStore } from './jobs';
import { selectLanguageModel, VsCodeLmCandidateSource } from './lmSource';

export interface RunDeps {
  /** Where the model response cache lives (the extension's global storage). */
  cacheDir: string;
  store: JobStore;
  log: HotpathLog;
  keys: ApiKeyStore;
  showPanel(job: Job): void;
  showDiff(job: Job, candidateId: string): Promise<void>;
}

export interface RunRequest {
  mode: 'optimize' | 'check';
  doc: vscode.TextDocument;
  functionName: string;
  selector: TargetSelector;
  /** `check` mode: the user's variant. */
  variants?: VariantInput[];
}

/** What the commands return (used by tests and other extensions through executeCommand). */
export interface RunResult {
  jobId: string | null;
  status: 'done' | 'cancelled' | 'failed' | 'not-started';
  report: Report | null;
  error: string | null;
}

const STAGE_SPAN: Record<PipelineStage, [number, number]> = {
  extracting: [0, 3],
  'asking-model': [3, 40],
  testing: [40, 45],
  building: [40, 45],
  verifying: [45, 65],
  benchmarking: [65, 85],
  confirming: [85, 99],
  done: [100, 100],
};

const STAGE_LABEL: Record<PipelineStage, string> = {
  extracting: 'extracting',
  testing: 'running your tests',
  'asking-model': 'asking the model',
  building: 'building',
  verifying: 'verifying',
  benchmarking: 'benchmarking',
  confirming: 'confirming the winner',
  done: 'done',
};

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hotpath.run', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Hotpath';
    this.item.command = 'hotpath.showLastResults';
  }

  show(job: Job): void {
    const stage = job.view.stage?.message ?? 'starting';
    const short = job.view.stage ? STAGE_LABEL[job.view.stage.stage] : 'starting';
    this.item.text = `$(sync~spin) Hotpath: ${job.view.functionName} · ${short}`;
    this.item.tooltip = `Hotpath is working on ${job.view.functionName} (${stage}). Click to show the results; cancel from the notification or "Hotpath: Cancel Run".`;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}

function displayFile(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false) || path.basename(uri.fsPath);
}

/** Where candidates come from; undefined when the user dismissed a required prompt (message already shown). */
async function candidateOptions(
  deps: RunDeps,
  resource: vscode.Uri,
): Promise<{ llm: LlmOptions; candidateSource?: CandidateSource } | undefined> {
  const s = readSettings(resource);
  const llm: LlmOptions = {
    baseURL: s.baseUrl,
    apiKey: '',
    model: s.model,
    candidates: s.candidates,
    temperature: 0.7,
    maxTokens: s.maxTokens,
    requestTimeoutMs: s.requestTimeoutMs,
    stream: true,
    rounds: s.rounds,
    budgetTokens: s.budgetTokens > 0 ? s.budgetTokens : null,
    cacheDir: s.responseCache ? deps.cacheDir : null,
  };
  if (s.provider === 'vscode-lm') {
    const model = await selectLanguageModel(s.model);
    return { llm, candidateSource: new VsCodeLmCandidateSource(model) };
  }
  let key = await deps.keys.get();
  if (!key && !isLocalUrl(s.baseUrl)) {
    const choice = await vscode.window.showWarningMessage(
      `Hotpath needs an API key for ${s.baseUrl}. It is kept in VS Code's secret storage only.`,
      'Set API Key',
      'Use VS Code Language Models',
    );
    if (choice === 'Use VS Code Language Models') {
      await vscode.workspace.getConfiguration('hotpath').update('provider', 'vscode-lm', vscode.ConfigurationTarget.Global);
      return candidateOptions(deps, resource);
    }
    if (choice !== 'Set API Key' || !(await deps.keys.prompt())) return undefined;
    key = await deps.keys.get();
  }
  // Local servers (Ollama, vLLM, LM Studio) usually accept any key.
  llm.apiKey = key || 'no-key';
  return { llm };
}

export async function runJob(deps: RunDeps, req: RunRequest): Promise<RunResult> {
  const notStarted = (error: string | null): RunResult => ({ jobId: null, status: 'not-started', report: null, error });
  const busy = deps.store.running();
  if (busy) {
    const choice = await vscode.window.showInformationMessage(
      `Hotpath is already working on ${busy.view.functionName}. Only one run at a time.`,
      'Show Progress',
      'Cancel That Run',
    );
    if (choice === 'Show Progress') deps.showPanel(busy);
    if (choice === 'Cancel That Run') busy.controller.abort();
    return notStarted('busy');
  }

  const settings = readSettings(req.doc.uri);
  let sourceLabel = 'your variant';
  let candidates: { llm: LlmOptions; candidateSource?: CandidateSource } | undefined;
  if (req.mode === 'optimize') {
    try {
      candidates = await candidateOptions(deps, req.doc.uri);
    } catch (err) {
      return reportError(deps, err, notStarted);
    }
    if (!candidates) return notStarted('no API key');
    sourceLabel = candidates.candidateSource?.label ?? candidates.llm.model;
  }

  const startedAtMs = Date.now();
  const job = deps.store.add({
    jobId: deps.store.newId(),
    mode: req.mode,
    uri: req.doc.uri.toString(),
    displayFile: displayFile(req.doc.uri),
    functionName: req.functionName,
    selector: req.selector,
    originalText: req.doc.getText(),
    source: sourceLabel,
    status: 'running',
    stage: null,
    error: null,
    candidates: [],
    best: null,
    minSpeedup: settings.minSpeedup,
    notes: [],
    tests: null,
    startedAtMs,
    totalMs: null,
    applied: [],
    discarded: [],
  });
  deps.log.info(`Run ${job.id}: ${req.mode} ${req.functionName} in ${job.view.displayFile} (${sourceLabel})`);
  deps.showPanel(job);
  const statusBar = new RunStatusBar();
  statusBar.show(job);
  const sub = job.onDidChange(() => statusBar.show(job));
  await vscode.commands.executeCommand('setContext', 'hotpath.running', true);

  const opts: RunOptions = {
    file: req.doc.fileName,
    selector: req.selector,
    fileText: job.view.originalText,
    variants: req.variants,
    llm: candidates?.llm,
    candidateSource: candidates?.candidateSource,
    minSpeedup: settings.minSpeedup,
    callTimeoutMs: settings.callTimeoutMs,
    benchBudgetMs: settings.benchBudgetMs,
    nodePath: settings.nodePath,
    tests: { enabled: settings.projectTests, glob: settings.testsGlob || undefined, timeoutMs: settings.testsTimeoutMs },
    signal: job.controller.signal,
    logger: deps.log,
    onProgress: (e) => job.progress(e),
  };

  try {
    const report = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Hotpath: ${req.functionName}`,
        cancellable: true,
      },
      async (progress, token) => {
        token.onCancellationRequested(() => job.controller.abort());
        let pct = 0;
        const stageSub = job.onDidChange(() => {
          const st = job.view.stage;
          if (!st) return;
          const [lo, hi] = STAGE_SPAN[st.stage];
          const frac = st.current !== undefined && st.total ? Math.min(1, st.current / st.total) : 0;
          const target = lo + (hi - lo) * frac;
          const increment = target > pct ? target - pct : 0;
          pct = Math.max(pct, target);
          progress.report({ message: st.message, increment });
        });
        try {
          const { runHotpath } = await loadEngine();
          return await runHotpath(opts);
        } finally {
          stageSub.dispose();
        }
      },
    );
    job.finish(report, Date.now() - startedAtMs);
    deps.log.info(`Run ${job.id} done in ${Date.now() - startedAtMs} ms: best ${report.best ?? 'none'}`);
    void summarize(deps, job, report);
    return { jobId: job.id, status: 'done', report, error: null };
  } catch (err) {
    const totalMs = Date.now() - startedAtMs;
    if (err instanceof CancelledError || job.controller.signal.aborted) {
      job.fail('cancelled', 'Cancelled.', totalMs);
      deps.log.info(`Run ${job.id} cancelled after ${totalMs} ms`);
      void vscode.window.showInformationMessage(`Hotpath: the run on ${req.functionName} was cancelled; nothing was changed.`);
      return { jobId: job.id, status: 'cancelled', report: null, error: 'Cancelled.' };
    }
    job.fail('failed', oneLine(err), totalMs);
    return reportError(deps, err, (error) => ({ jobId: job.id, status: 'failed', report: null, error }));
  } finally {
    sub.dispose();
    statusBar.dispose();
    await vscode.commands.executeCommand('setContext', 'hotpath.running', false);
    await deps.store.persist(job);
  }
}

function reportError(deps: RunDeps, err: unknown, result: (error: string) => RunResult): RunResult {
  const msg = oneLine(err);
  if (err instanceof InputError) {
    deps.log.warn(msg);
    void vscode.window.showWarningMessage(`Hotpath: ${msg}`);
  } else {
    deps.log.error(err instanceof HotpathError ? `${err.name}: ${err.message}` : err instanceof Error ? (err.stack ?? err.message) : String(err));
    void vscode.window.showErrorMessage(`Hotpath: ${msg}`, 'Show Log').then((c) => {
      if (c === 'Show Log') deps.log.show();
    });
  }
  return result(msg);
}

async function summarize(deps: RunDeps, job: Job, report: Report): Promise<void> {
  const best = report.best ? report.candidates.find((c) => c.id === report.best) : undefined;
  if (best?.speedup) {
    const choice = await vscode.window.showInformationMessage(
      `Hotpath: ${best.id} makes ${job.view.functionName} ${formatSpeedup(best.speedup)} (verified on ${report.verification.inputs} inputs).`,
      'Show Diff',
      'Show Results',
    );
    if (choice === 'Show Diff') await deps.showDiff(job, best.id);
    if (choice === 'Show Results') deps.showPanel(job);
    return;
  }
  const counts = new Map<string, number>();
  for (const c of report.candidates) counts.set(c.verdict, (counts.get(c.verdict) ?? 0) + 1);
  const parts = [...counts].map(([v, n]) => `${n} ${v}`);
  const choice = await vscode.window.showInformationMessage(
    `Hotpath: no verified speedup for ${job.view.functionName}${parts.length ? ` (${parts.join(', ')})` : ''}.`,
    'Show Results',
  );
  if (choice === 'Show Results') deps.showPanel(job);
}
