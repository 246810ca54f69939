/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { activateHotpath, FAST_DEDUPE, openFixture, positionOf, resetEditors, setSetting, waitFor, WRONG_DEDUPE } from './helpers';
import type { RunResult } from '../../src/vscode/run';
import type { HotpathApi } from '../../src/vscode/activate';

suite('optimize against an OpenAI-compatible server', () => {
  let server: FakeOpenAI;
  let api: HotpathApi;
  let first: RunResult;
  let original: string;

  suiteSetup(async () => {
    api = await activateHotpath();
    // Requests 0 and 1 are the first run's candidates; later requests get an answer without code.
    server = await startFakeOpenAI((_body, i) => (i === 0 ? { content: FAST_DEDUPE } : i === 1 ? { content: WRONG_DEDUPE } : { content: 'No idea, sorry.' }));
    await setSetting('provider', 'openai-compatible');
    await setSetting('responseCache', false);
    await setSetting('baseUrl', server.baseURL);
    await setSetting('model', 'fake-model');
    await setSetting('candidates', 2);
    // One round: the scripted server answers a fixed number of requests.
    await setSetting('rounds', 1);
    await vscode.commands.executeCommand('hotpath.setApiKey', 'sk-test-first');
  });

  suiteTeardown(async () => {
    await resetEditors();
    await server?.close();
  });

  test('a run produces verified results in the panel', async () => {
    const editor = await openFixture('dedupe.ts');
    original = editor.document.getText();
    first = await vscode.commands.executeCommand<RunResult>('hotpath.optimizeFunction', editor.document.uri, positionOf(editor.document, 'out.push'));
    assert.equal(first.status, 'done', first.error ?? '');
    const report = first.report!;
    const verdicts = report.candidates.map((c) => c.verdict).sort();
    assert.deepEqual(verdicts, ['faster', 'incorrect'], JSON.stringify(report.candidates.map((c) => [c.verdict, c.reason])));
    const best = report.candidates.find((c) => c.id === report.best);
    assert.ok(best?.speedup && best.speedup.low > 1, 'the winner has a speedup CI above 1');
    assert.ok(best.sizes.length > 0, 'sizes are reported for the chart');
    const wrong = report.candidates.find((c) => c.verdict === 'incorrect');
    assert.ok(wrong?.counterexample, 'the incorrect candidate has a counterexample');
    // The panel shows this job with both candidates.
    const job = api.panelJob();
    assert.equal(job?.id, first.jobId);
    assert.equal(job?.view.candidates.length, 2);
    assert.equal(job?.view.status, 'done');
    // The key came from SecretStorage, and went only to the server.
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer sk-test-first');
    assert.ok(!JSON.stringify(job.view).includes('sk-test-first'), 'the webview state never holds the key');
  });

  test('Show Diff opens a read-only candidate document in the diff editor', async () => {
    const report = first.report!;
    await vscode.commands.executeCommand('hotpath.showDiff', first.jobId, report.best);
    const input = await waitFor('the diff editor', () => {
      const i = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return i instanceof vscode.TabInputTextDiff && i.modified.scheme === 'hotpath-candidate' ? i : undefined;
    });
    assert.equal(input.original.toString(), vscode.Uri.file(vscode.window.activeTextEditor?.document.uri.fsPath ?? input.original.fsPath).toString());
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab!;
    assert.match(tab.label, /faster/);
    const candidateDoc = await vscode.workspace.openTextDocument(input.modified);
    assert.match(candidateDoc.getText(), /seen\.has\(x\)/);
    assert.match(candidateDoc.getText(), /export const LIMIT = 10;/, 'the rest of the file is kept');
    // Nothing was written to the user's file yet.
    const doc = await vscode.workspace.openTextDocument(input.original);
    assert.equal(doc.getText(), original);
    assert.equal(doc.isDirty, false);
  });

  test('Discard closes the diff and marks the candidate', async () => {
    const report = first.report!;
    await vscode.commands.executeCommand('hotpath.discardCandidate');
    await waitFor('the diff to close', () => !vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff));
    assert.deepEqual(api.panelJob()?.view.discarded, [report.best]);
    // Reopen it for the next test.
    await vscode.commands.executeCommand('hotpath.showDiff', first.jobId, report.best);
    await waitFor('the diff editor', () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff);
  });

  test('Apply replaces the function in one undoable, unsaved edit', async () => {
    const applied = await vscode.commands.executeCommand<boolean>('hotpath.applyCandidate');
    assert.equal(applied, true);
    const editor = await waitFor('the file editor', () =>
      vscode.window.activeTextEditor?.document.uri.scheme === 'file' ? vscode.window.activeTextEditor : undefined,
    );
    const doc = editor.document;
    assert.match(doc.getText(), /if \(!seen\.has\(x\)\)/);
    assert.doesNotMatch(doc.getText(), /out\.includes/);
    assert.match(doc.getText(), /export function\* countUp/, 'other functions are untouched');
    assert.equal(doc.isDirty, true, 'the file is left unsaved');
    const diffOpen = vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff);
    assert.equal(diffOpen, false, 'the diff editor is closed after Apply');
    await vscode.commands.executeCommand('undo');
    await waitFor('undo', () => doc.getText() === original);
  });

  test('Apply refuses when the function changed since the run started', async () => {
    const editor = await openFixture('dedupe.ts');
    const doc = editor.document;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, positionOf(doc, 'return out;'), '// changed by hand\n  ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const changed = doc.getText();
    const uri = vscode.Uri.from({ scheme: 'hotpath-candidate', path: doc.uri.path, query: new URLSearchParams({ job: first.jobId!, candidate: first.report!.best! }).toString() });
    const applied = await vscode.commands.executeCommand<boolean>('hotpath.applyCandidate', uri);
    assert.equal(applied, false);
    assert.equal(doc.getText(), changed, 'the document is untouched');
    await resetEditors();
  });

  test('the key is read from SecretStorage on every run', async () => {
    await vscode.commands.executeCommand('hotpath.clearApiKey');
    await vscode.commands.executeCommand('hotpath.setApiKey', 'sk-test-second');
    const editor = await openFixture('dedupe.ts');
    const before = server.requests.length;
    const r = await vscode.commands.executeCommand<RunResult>('hotpath.optimizeFunction', editor.document.uri, positionOf(editor.document, 'out.push'));
    assert.equal(r.status, 'done', r.error ?? '');
    const mine = server.requests.slice(before);
    assert.ok(mine.length >= 1);
    for (const req of mine) assert.equal(req.headers.authorization, 'Bearer sk-test-second');
  });

  test('Check My Variant reports an incorrect variant with its counterexample', async () => {
    const editor = await openFixture('dedupe.ts');
    const variant = WRONG_DEDUPE.replace(/```ts|```/g, '');
    const r = await vscode.commands.executeCommand<RunResult>('hotpath.checkVariant', editor.document.uri, positionOf(editor.document, 'out.push'), variant);
    assert.equal(r.status, 'done', r.error ?? '');
    assert.equal(r.report?.mode, 'check');
    const [c] = r.report!.candidates;
    assert.equal(c?.verdict, 'incorrect');
    assert.ok(c?.counterexample?.input);
  });
});
