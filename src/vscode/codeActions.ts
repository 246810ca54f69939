/**
 * "Optimize function performance with Hotpath" (refactor.rewrite). Cheap: one cached parse
 * per document version through core's listFunctions, no LLM call, skipped for huge files.
 */
import * as vscode from 'vscode';
import { CODE_ACTION_MAX_CHARS, functionsOf, innermostAt } from './functions';

export const CODE_ACTION_TITLE = 'Optimize function performance with Hotpath';

export class OptimizeCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.RefactorRewrite];

  async provideCodeActions(
    doc: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    if (context.only && !vscode.CodeActionKind.RefactorRewrite.intersects(context.only)) return [];
    if (doc.uri.scheme !== 'file' || doc.getText().length > CODE_ACTION_MAX_CHARS) return [];
    const fns = await functionsOf(doc);
    if (token.isCancellationRequested) return [];
    const fn = innermostAt(fns, range);
    if (!fn) return [];
    const action = new vscode.CodeAction(CODE_ACTION_TITLE, vscode.CodeActionKind.RefactorRewrite);
    if (!fn.supported) {
      action.disabled = { reason: fn.reason ?? 'Hotpath does not support this function.' };
      return [action];
    }
    action.command = {
      command: 'hotpath.optimizeFunction',
      title: CODE_ACTION_TITLE,
      arguments: [
        doc.uri,
        new vscode.Range(fn.start.line - 1, Math.max(0, fn.start.column - 1), fn.end.line - 1, Math.max(0, fn.end.column - 1)),
      ],
    };
    return [action];
  }
}
