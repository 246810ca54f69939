/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateHotpath, openFixture, positionOf, resetEditors } from './helpers';
import type { RunResult } from '../../src/vscode/run';

const TITLE = 'Optimize function performance with Hotpath';

async function actionsAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  let actions: (vscode.CodeAction | vscode.Command)[] | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
        'vscode.executeCodeActionProvider',
        uri,
        range,
        vscode.CodeActionKind.RefactorRewrite.value,
      );
      break;
    } catch (err) {
      // The workbench cancels pending code action requests when the editor changes (just opened); ask again.
      if (attempt >= 5 || !/Canceled/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return (actions ?? []).filter((a): a is vscode.CodeAction => a.title === TITLE && !('arguments' in a && !('kind' in a)));
}

suite('code action and function lookup', () => {
  suiteSetup(async () => {
    await activateHotpath();
  });
  suiteTeardown(resetEditors);

  test('offered inside a supported function, with the command to run', async () => {
    const editor = await openFixture('dedupe.ts');
    const pos = positionOf(editor.document, 'out.push(x)');
    const [action] = await actionsAt(editor.document.uri, new vscode.Range(pos, pos));
    assert.ok(action, 'the Hotpath action is offered');
    assert.equal(action.kind?.value, vscode.CodeActionKind.RefactorRewrite.value);
    assert.equal(action.disabled, undefined);
    assert.equal(action.command?.command, 'hotpath.optimizeFunction');
  });

  test('offered for a selection inside the function', async () => {
    const editor = await openFixture('dedupe.ts');
    const start = positionOf(editor.document, 'const out');
    const end = positionOf(editor.document, 'return out;');
    assert.equal((await actionsAt(editor.document.uri, new vscode.Range(start, end))).length, 1);
  });

  test('not offered outside a function', async () => {
    const editor = await openFixture('dedupe.ts');
    const pos = positionOf(editor.document, 'LIMIT');
    assert.equal((await actionsAt(editor.document.uri, new vscode.Range(pos, pos))).length, 0);
  });

  test('disabled with the reason on an unsupported function', async () => {
    const editor = await openFixture('dedupe.ts');
    const pos = positionOf(editor.document, 'yield i');
    const actions = await actionsAt(editor.document.uri, new vscode.Range(pos, pos));
    // VS Code may drop disabled actions from this API's answer; if present, it must be disabled.
    for (const a of actions) assert.match(a.disabled?.reason ?? '', /generator/);
  });

  test('the command explains why when the cursor is not in a function', async () => {
    const editor = await openFixture('dedupe.ts');
    const r = await vscode.commands.executeCommand<RunResult>('hotpath.optimizeFunction', editor.document.uri, positionOf(editor.document, 'LIMIT'));
    assert.equal(r.status, 'not-started');
    assert.match(r.error ?? '', /not inside a function.*Hotpath optimizes named, top-level/s);
  });

  test('the command explains why a function is unsupported', async () => {
    const editor = await openFixture('dedupe.ts');
    const r = await vscode.commands.executeCommand<RunResult>('hotpath.optimizeFunction', editor.document.uri, positionOf(editor.document, 'yield i'));
    assert.equal(r.status, 'not-started');
    assert.match(r.error ?? '', /generator/);
  });
});
