/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateHotpath, EXTENSION_ID } from './helpers';

const COMMANDS = [
  'hotpath.optimizeFunction',
  'hotpath.optimizeFunctionFromMenu',
  'hotpath.checkVariant',
  'hotpath.setApiKey',
  'hotpath.clearApiKey',
  'hotpath.showLog',
  'hotpath.showLastResults',
  'hotpath.cancel',
  'hotpath.showDiff',
  'hotpath.applyCandidate',
  'hotpath.discardCandidate',
];

suite('activation', () => {
  test('activates quickly and registers every command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'the extension is installed');
    if (!ext.isActive) {
      // Code loading + activate(), as the extension host does it on the first activation event.
      const t0 = performance.now();
      await ext.activate();
      const total = performance.now() - t0;
      console.log(`      activation (load bundle + activate) took ${total.toFixed(1)} ms`);
      assert.ok(total < 1000, `activation took ${total.toFixed(1)} ms`);
    }
    const api = await activateHotpath();
    const all = await vscode.commands.getCommands(true);
    for (const id of COMMANDS) assert.ok(all.includes(id), `${id} is registered`);
    // The engine (TypeScript compiler, esbuild) must not load at activation.
    assert.ok(api.activationMs < 250, `activate() took ${api.activationMs.toFixed(1)} ms`);
    console.log(`      activate() took ${api.activationMs.toFixed(1)} ms`);
  });

  test('package.json: contributed commands, trust, activation events, settings', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { commands: { command: string }[] };
      capabilities: { untrustedWorkspaces: { supported: boolean; description: string } };
      activationEvents: string[];
    };
    const contributed = pkg.contributes.commands.map((c) => c.command);
    for (const id of COMMANDS) assert.ok(contributed.includes(id), `${id} is contributed`);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, false);
    assert.ok(pkg.capabilities.untrustedWorkspaces.description.length > 20);
    assert.ok(!pkg.activationEvents.includes('*') && !pkg.activationEvents.includes('onStartupFinished'));
    const c = vscode.workspace.getConfiguration('hotpath');
    assert.equal(c.inspect('candidates')?.defaultValue, 4);
    assert.equal(c.inspect('nodePath')?.defaultValue, 'node');
    assert.equal(c.inspect('provider')?.defaultValue, 'openai-compatible');
    assert.equal(c.get('apiKey'), undefined, 'no API key setting exists');
  });
});
