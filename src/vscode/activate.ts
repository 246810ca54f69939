/** Wires the extension together. Cheap: nothing here loads the engine (see engine.ts). */
import * as vscode from 'vscode';
import { createLog } from './log';
import { ApiKeyStore } from './secrets';
import { JobStore, type Job } from './jobs';
import { CandidateDocuments, CANDIDATE_SCHEME } from './candidates';
import { ResultsPanel, RESULTS_VIEW_TYPE } from './panel';
import { OptimizeCodeActionProvider } from './codeActions';
import { registerCommands, type CommandDeps } from './commands';
import { runJob } from './run';
import { SUPPORTED_LANGUAGES, warmUp } from './functions';

/** Returned from activate(): lets integration tests observe the extension without UI scraping. */
export interface HotpathApi {
  /** Milliseconds activate() took. */
  readonly activationMs: number;
  /** The job the results panel shows, if the panel is open. */
  panelJob(): Job | undefined;
  /** The last job of this session (or the one restored from workspaceState). */
  lastJob(): Job | undefined;
}

export function activateHotpath(context: vscode.ExtensionContext): HotpathApi {
  const t0 = performance.now();
  const log = createLog();
  const keys = new ApiKeyStore(context.secrets);
  const store = new JobStore(context.workspaceState);
  const docs = new CandidateDocuments(store, log);
  const deps: CommandDeps = {
    cacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'llm-cache').fsPath,
    store,
    log,
    keys,
    docs,
    showPanel: (job) => panel.show(job),
    showDiff: (job, id) => docs.showDiff(job, id),
    panel: undefined as unknown as ResultsPanel,
  };
  const panel = new ResultsPanel(context.extensionUri, store, {
    showDiff: (job, id) => docs.showDiff(job, id),
    apply: (job, id) => docs.apply(job, id),
    rerun: async (job) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(job.view.uri));
      const variants = job.view.mode === 'check' ? job.view.candidates.map((c) => ({ origin: c.origin, source: c.source })) : undefined;
      return runJob(deps, { mode: job.view.mode, doc, functionName: job.view.functionName, selector: job.view.selector, variants });
    },
    showLog: () => log.show(),
  });
  deps.panel = panel;

  context.subscriptions.push(
    log,
    store,
    docs,
    panel,
    vscode.workspace.registerTextDocumentContentProvider(CANDIDATE_SCHEME, docs),
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, panel),
    vscode.languages.registerCodeActionsProvider(
      SUPPORTED_LANGUAGES.map((language) => ({ language, scheme: 'file' })),
      new OptimizeCodeActionProvider(),
      { providedCodeActionKinds: OptimizeCodeActionProvider.kinds },
    ),
    ...registerCommands(deps),
  );
  void vscode.commands.executeCommand('setContext', 'hotpath.running', false);
  // Warm the parser in the background so the first code action request answers quickly.
  const warm = setTimeout(() => void warmUp().catch(() => undefined), 1500);
  context.subscriptions.push({ dispose: () => clearTimeout(warm) });
  const activationMs = performance.now() - t0;
  log.info(`Hotpath activated in ${activationMs.toFixed(1)} ms`);
  return {
    activationMs,
    panelJob: () => panel.currentJob,
    lastJob: () => store.last(),
  };
}
