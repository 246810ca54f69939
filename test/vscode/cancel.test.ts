/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { activateHotpath, FAST_DEDUPE, openFixture, positionOf, resetEditors, sandboxProcesses, setSetting, waitFor } from './helpers';
import type { RunResult } from '../../src/vscode/run';

suite('cancel', () => {
  let server: FakeOpenAI | undefined;

  suiteSetup(async () => {
    await activateHotpath();
    await vscode.commands.executeCommand('hotpath.setApiKey', 'sk-test-cancel');
    await setSetting('provider', 'openai-compatible');
    await setSetting('responseCache', false);
    await setSetting('candidates', 2);
    // One round: the scripted server answers a fixed number of requests.
    await setSetting('rounds', 1);
  });

  teardown(async () => {
    await server?.close();
    server = undefined;
  });
  suiteTeardown(resetEditors);

  test('cancelling while the sandbox runs kills every sandbox process at once', async () => {
    server = await startFakeOpenAI([{ content: FAST_DEDUPE }]);
    await setSetting('baseUrl', server.baseURL);
    assert.deepEqual(sandboxProcesses(), [], 'no sandbox processes before the run');
    const editor = await openFixture('dedupe.ts');
    const running = vscode.commands.executeCommand<RunResult>('hotpath.optimizeFunction', editor.document.uri, positionOf(editor.document, 'out.push'));
    await waitFor('a sandbox process', () => sandboxProcesses().length > 0, 90_000);
    const t0 = Date.now();
    assert.equal(await vscode.commands.executeCommand<boolean>('hotpath.cancel'), true);
    const r = await running;
    assert.equal(r.status, 'cancelled');
    // "At once": the run settled promptly and no sandbox process outlived it.
    assert.ok(Date.now() - t0 < 5000, `cancel took ${Date.now() - t0} ms`);
    await waitFor('no sandbox processes', () => sandboxProcesses().length === 0, 1000).catch(() => {
      assert.fail(`sandbox processes left: ${sandboxProcesses().join('\n')}`);
    });
  });

  test('cancelling while the model is answering aborts the requests', async () => {
    server = await startFakeOpenAI([{ hang: true }]);
    await setSetting('baseUrl', server.baseURL);
    const editor = await openFixture('dedupe.ts');
    const running = vscode.commands.executeCommand<RunResult>('hotpath.optimizeFunction', editor.document.uri, positionOf(editor.document, 'out.push'));
    await waitFor('the model requests', () => server!.requests.length >= 1, 30_000);
    const t0 = Date.now();
    await vscode.commands.executeCommand('hotpath.cancel');
    const r = await running;
    assert.equal(r.status, 'cancelled');
    assert.ok(Date.now() - t0 < 5000, `cancel took ${Date.now() - t0} ms`);
    assert.deepEqual(sandboxProcesses(), []);
  });
});
