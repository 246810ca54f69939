/**
 * Hotpath for VS Code — table of contents. Everything lives in src/vscode/ (the only folder
 * that imports 'vscode'); the engine in src/core/ is loaded lazily on the first run.
 *
 *   activate.ts     wiring; returns a small API for integration tests
 *   commands.ts     Optimize Function, Check My Variant, Set/Clear API Key, Show Log, Show Last Results, Cancel, Apply/Discard
 *   codeActions.ts  "Optimize function performance with Hotpath" (refactor.rewrite)
 *   functions.ts    the function at the cursor (core's listFunctions), and why one is unsupported
 *   run.ts          a run: settings + key → RunOptions, progress notification, status bar, summary
 *   lmSource.ts     CandidateSource over VS Code's Language Model API (provider "vscode-lm")
 *   panel.ts        results webview (media/results.js, .css), restored after reload
 *   candidates.ts   hotpath-candidate: documents, diff editor, Apply (one WorkspaceEdit) / Discard
 *   jobs.ts         job state shared by all of the above; protocol.ts: webview messages
 *   config.ts, secrets.ts, log.ts   settings, SecretStorage key, LogOutputChannel → core Logger
 */
import type * as vscode from 'vscode';
import { activateHotpath, type HotpathApi } from './vscode/activate';

export function activate(context: vscode.ExtensionContext): HotpathApi {
  return activateHotpath(context);
}

export function deactivate(): void {
  // Disposables registered in activate() abort running jobs (and so kill their sandbox processes).
}
