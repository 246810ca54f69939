// Types for media/results.js (checked with `npx tsc -p media/jsconfig.json`).
interface VsCodeWebviewApi<S> {
  postMessage(message: import('../src/vscode/protocol').WebviewToHost): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S = import('../src/vscode/protocol').WebviewState>(): VsCodeWebviewApi<S>;
