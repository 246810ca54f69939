/** The Hotpath commands (titles and menus are declared in package.json). */
import * as vscode from 'vscode';
import type { VariantInput } from '../core';
import { locateFunction, SUPPORTED_LANGUAGES } from './functions';
import { runJob, type RunDeps, type RunResult } from './run';
import type { CandidateDocuments } from './candidates';
import { parseCandidateUri } from './candidates';
import type { ResultsPanel } from './panel';
import type { Job } from './jobs';

export interface CommandDeps extends RunDeps {
  panel: ResultsPanel;
  docs: CandidateDocuments;
}

const notStarted = (error: string): RunResult => ({ jobId: null, status: 'not-started', report: null, error });

/** The document and range a command works on: its arguments (code action, tests) or the active editor. */
async function targetOf(uriArg: unknown, rangeArg: unknown): Promise<{ doc: vscode.TextDocument; range: vscode.Range } | undefined> {
  if (uriArg instanceof vscode.Uri) {
    const doc = await vscode.workspace.openTextDocument(uriArg);
    const range =
      rangeArg instanceof vscode.Range
        ? rangeArg
        : rangeArg instanceof vscode.Position
          ? new vscode.Range(rangeArg, rangeArg)
          : (vscode.window.visibleTextEditors.find((e) => e.document === doc)?.selection ?? new vscode.Range(0, 0, 0, 0));
    return { doc, range };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  return { doc: editor.document, range: editor.selection };
}

async function locate(uriArg: unknown, rangeArg: unknown) {
  const t = await targetOf(uriArg, rangeArg);
  if (!t) {
    const msg = 'Open a JavaScript or TypeScript file and put the cursor in the function to optimize.';
    void vscode.window.showInformationMessage(`Hotpath: ${msg}`);
    return { ok: false as const, message: msg };
  }
  const located = await locateFunction(t.doc, t.range);
  if (!located.ok) {
    void vscode.window.showInformationMessage(`Hotpath: ${located.message}`);
    return located;
  }
  return { ...located, doc: t.doc };
}

async function pickVariant(target: vscode.TextDocument, variantArg: unknown): Promise<VariantInput | undefined> {
  if (typeof variantArg === 'string') return { origin: 'argument', source: variantArg };
  interface Item extends vscode.QuickPickItem {
    load(): Promise<VariantInput | undefined> | VariantInput | undefined;
  }
  const items: Item[] = [];
  const seen = new Set<string>([target.uri.toString()]);
  const fromDoc = (doc: vscode.TextDocument, selection?: vscode.Selection): Item => ({
    label: `$(file-code) ${vscode.workspace.asRelativePath(doc.uri, false)}`,
    description: selection && !selection.isEmpty ? 'selection' : doc.isUntitled ? 'untitled editor' : 'whole file',
    load: () => ({
      origin: `editor:${doc.uri.toString()}`,
      source: selection && !selection.isEmpty ? doc.getText(selection) : doc.getText(),
    }),
  });
  for (const e of vscode.window.visibleTextEditors) {
    if (seen.has(e.document.uri.toString()) || e.document.uri.scheme === 'output') continue;
    seen.add(e.document.uri.toString());
    items.push(fromDoc(e.document, e.selection));
  }
  for (const doc of vscode.workspace.textDocuments) {
    if (seen.has(doc.uri.toString()) || !(SUPPORTED_LANGUAGES.includes(doc.languageId) || doc.isUntitled)) continue;
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') continue;
    seen.add(doc.uri.toString());
    items.push(fromDoc(doc));
  }
  items.push({
    label: '$(clippy) Clipboard',
    description: 'the text you copied',
    load: async () => {
      const text = await vscode.env.clipboard.readText();
      if (!text.trim()) {
        void vscode.window.showInformationMessage('Hotpath: the clipboard is empty.');
        return undefined;
      }
      return { origin: 'clipboard', source: text };
    },
  });
  const chosen = await vscode.window.showQuickPick(items, {
    title: 'Hotpath: Check My Variant',
    placeHolder: 'Where is your variant? (a function with the same name, optionally with helpers)',
  });
  return chosen ? chosen.load() : undefined;
}

/** The job and candidate behind a candidate document (editor title actions pass its URI). */
function candidateFrom(deps: CommandDeps, uriArg: unknown): { job: Job; candidateId: string } | undefined {
  let uri = uriArg instanceof vscode.Uri ? uriArg : undefined;
  if (!uri) {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputTextDiff) uri = input.modified;
    else if (input instanceof vscode.TabInputText) uri = input.uri;
  }
  const ids = uri && parseCandidateUri(uri);
  const job = ids && deps.store.get(ids.jobId);
  if (!ids || !job) {
    void vscode.window.showInformationMessage('Hotpath: open a candidate diff first (Show Diff in the results panel).');
    return undefined;
  }
  return { job, candidateId: ids.candidateId };
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, fn);
  const optimize = async (uriArg: unknown, rangeArg: unknown): Promise<RunResult> => {
    const l = await locate(uriArg, rangeArg);
    if (!l.ok) return notStarted(l.message);
    return runJob(deps, { mode: 'optimize', doc: l.doc, functionName: l.fn.name, selector: l.selector });
  };
  return [
    reg('hotpath.optimizeFunction', optimize),
    // The editor context menu's entry (a title that names Hotpath; menus show no category).
    // Menus pass the editor's URI: use the active editor's selection.
    reg('hotpath.optimizeFunctionFromMenu', (uriArg) => optimize(uriArg, undefined)),
    reg('hotpath.checkVariant', async (uriArg, rangeArg, variantArg): Promise<RunResult> => {
      const l = await locate(uriArg, rangeArg);
      if (!l.ok) return notStarted(l.message);
      const variant = await pickVariant(l.doc, variantArg);
      if (!variant) return notStarted('no variant');
      return runJob(deps, { mode: 'check', doc: l.doc, functionName: l.fn.name, selector: l.selector, variants: [variant] });
    }),
    reg('hotpath.setApiKey', async (value) => {
      if (typeof value === 'string' && value.trim()) await deps.keys.set(value);
      else if (!(await deps.keys.prompt())) return;
      void vscode.window.showInformationMessage('Hotpath: API key saved in VS Code\'s secret storage.');
    }),
    reg('hotpath.clearApiKey', async () => {
      await deps.keys.clear();
      void vscode.window.showInformationMessage('Hotpath: API key removed.');
    }),
    reg('hotpath.showLog', () => deps.log.show()),
    reg('hotpath.showLastResults', () => {
      const job = deps.store.last();
      if (!job) {
        void vscode.window.showInformationMessage('Hotpath: no results yet. Run "Hotpath: Optimize Function" first.');
        return;
      }
      deps.panel.show(job, false);
    }),
    reg('hotpath.cancel', () => {
      const job = deps.store.running();
      job?.controller.abort();
      return job !== undefined;
    }),
    reg('hotpath.showDiff', async (jobId, candidateId) => {
      const job = typeof jobId === 'string' ? deps.store.get(jobId) : deps.store.last();
      const id = typeof candidateId === 'string' ? candidateId : job?.view.best;
      if (job && id) await deps.docs.showDiff(job, id);
    }),
    reg('hotpath.applyCandidate', async (uriArg) => {
      const c = candidateFrom(deps, uriArg);
      return c ? deps.docs.apply(c.job, c.candidateId) : false;
    }),
    reg('hotpath.discardCandidate', async (uriArg) => {
      const c = candidateFrom(deps, uriArg);
      if (c) await deps.docs.discard(c.job, c.candidateId);
    }),
  ];
}
