/** Shared helpers of the integration tests (bundled into each test file). */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import type { HotpathApi } from '../../src/vscode/activate';

export const EXTENSION_ID = 'hotpath.hotpath';

export async function activateHotpath(): Promise<HotpathApi> {
  const ext = vscode.extensions.getExtension<HotpathApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} not found`);
  return ext.isActive ? ext.exports : await ext.activate();
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need a workspace folder (test/fixtures/vscode)');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function openFixture(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** The position of the first occurrence of `needle` in the document (plus `offset` characters). */
export function positionOf(doc: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const i = doc.getText().indexOf(needle);
  if (i < 0) throw new Error(`'${needle}' not in ${doc.uri.fsPath}`);
  return doc.positionAt(i + offset);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function parentOf(pid: string): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may contain spaces, so split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  } catch {
    return undefined;
  }
}

/** Processes descending from this extension host, as "pid cmdline". */
export function childProcesses(): string[] {
  const me = String(process.pid);
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let p: string | undefined = pid;
    let mine = false;
    for (let depth = 0; p && p !== '0' && p !== '1' && depth < 20; depth++) {
      p = parentOf(p);
      if (p === me) {
        mine = true;
        break;
      }
    }
    if (!mine) continue;
    try {
      found.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Sandbox processes (node running a job directory's runner.js) started by this extension host. */
export function sandboxProcesses(): string[] {
  return childProcesses().filter((p) => /hotpath-[^/ ]*\/runner\.js/.test(p));
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('hotpath').update(key, value, vscode.ConfigurationTarget.Global);
}

export const FAST_DEDUPE = [
  'Use a Set for membership: linear instead of quadratic (and -0 stays -0).',
  '```ts',
  'export function dedupe(items: number[]): number[] {',
  '  const seen = new Set<number>();',
  '  const out: number[] = [];',
  '  for (const x of items) {',
  '    if (!seen.has(x)) {',
  '      seen.add(x);',
  '      out.push(x);',
  '    }',
  '  }',
  '  return out;',
  '}',
  '```',
].join('\n');

export const WRONG_DEDUPE = [
  '```ts',
  'export function dedupe(items: number[]): number[] {',
  '  return [...new Set(items)].sort((a, b) => a - b);',
  '}',
  '```',
].join('\n');

/** Reverts every dirty document (no save prompts) and closes all editors. */
export async function resetEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.uri.scheme !== 'file') continue;
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
