/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateHotpath, openFixture, positionOf, resetEditors } from './helpers';
import type { RunResult } from '../../src/vscode/run';

suite("the project's own tests", () => {
  suiteTeardown(async () => {
    await resetEditors();
  });

  test('Check My Variant gates a faster variant with the project tests; the panel shows the tests and their result', async () => {
    const api = await activateHotpath();
    const editor = await openFixture('calc/src/stats.js');
    const original = editor.document.getText();
    // Faster (no needless sort) and equal on every input, but it drops the call counter that a project test checks.
    const variant = 'function mean(values) {\n  let sum = 0;\n  for (let i = 0; i < values.length; i++) sum += values[i];\n  return values.length === 0 ? 0 : sum / values.length;\n}\n';
    const r = await vscode.commands.executeCommand<RunResult>('hotpath.checkVariant', editor.document.uri, positionOf(editor.document, 'counter.calls++'), variant);
    assert.equal(r.status, 'done', r.error ?? '');
    const c = r.report!.candidates[0]!;
    assert.equal(c.verdict, 'incorrect', c.reason);
    assert.match(c.reason, /counts its calls/);
    assert.equal(c.tests?.status, 'failed');
    assert.deepEqual(c.tests?.failed.map((f) => f.name), ['counts its calls']);
    const job = api.panelJob();
    assert.equal(job?.id, r.jobId);
    assert.equal(job?.view.tests?.runner, 'node-test');
    assert.deepEqual(job?.view.tests?.files.map((f) => f.file), ['test/stats.test.js']);
    assert.ok((job?.view.tests?.files[0]?.calls ?? 0) >= 4);
    assert.equal(job?.view.candidates[0]?.tests?.failed[0]?.name, 'counts its calls');
    assert.equal(editor.document.getText(), original, 'the document is unchanged');
  });
});
