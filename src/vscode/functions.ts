/**
 * Finding the function at the cursor, through core's cheap `listFunctions` (loaded lazily so
 * activation does not pay for the TypeScript compiler), cached per document version.
 */
import type * as vscode from 'vscode';
import type { TargetSelector } from '../core';

export interface FunctionInfo {
  name: string;
  /** 1-based. */
  start: { line: number; column: number };
  end: { line: number; column: number };
  supported: boolean;
  reason: string | null;
}

export const SUPPORTED_LANGUAGES: readonly string[] = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'];

/** Files larger than this are not parsed by the code action provider (the commands still work), in characters. */
export const CODE_ACTION_MAX_CHARS = 400_000;

export const WHAT_IS_SUPPORTED =
  'Hotpath optimizes named, top-level JavaScript or TypeScript functions (declarations, or `const f = (...) => ...` / `function` expressions) whose inputs it can generate from their parameter types.';

type ListFunctions = (fileName: string, fileText: string) => FunctionInfo[];
let listFunctionsImpl: ListFunctions | undefined;

async function loadListFunctions(): Promise<ListFunctions> {
  if (!listFunctionsImpl) {
    const mod = await import('../core/target/extract.js');
    listFunctionsImpl = mod.listFunctions as ListFunctions;
  }
  return listFunctionsImpl;
}

/** Loads the parser ahead of the first request (called from a timer after activation). */
export async function warmUp(): Promise<void> {
  await loadListFunctions();
}

const cache = new WeakMap<vscode.TextDocument, { version: number; fns: FunctionInfo[] }>();

/** The functions of a document (cached per version). Throws only if the engine cannot load. */
export async function functionsOf(doc: vscode.TextDocument): Promise<FunctionInfo[]> {
  const hit = cache.get(doc);
  if (hit && hit.version === doc.version) return hit.fns;
  const list = await loadListFunctions();
  const version = doc.version;
  let fns: FunctionInfo[];
  try {
    fns = list(doc.fileName, doc.getText());
  } catch {
    fns = [];
  }
  cache.set(doc, { version, fns });
  return fns;
}

function contains(fn: FunctionInfo, pos: vscode.Position): boolean {
  const line = pos.line + 1;
  const col = pos.character + 1;
  if (line < fn.start.line || line > fn.end.line) return false;
  if (line === fn.start.line && col < fn.start.column) return false;
  if (line === fn.end.line && col > fn.end.column) return false;
  return true;
}

function size(fn: FunctionInfo): number {
  return (fn.end.line - fn.start.line) * 100_000 + (fn.end.column - fn.start.column);
}

/** The innermost function containing the whole range (the cursor when it is empty). */
export function innermostAt(fns: readonly FunctionInfo[], range: vscode.Range): FunctionInfo | undefined {
  let best: FunctionInfo | undefined;
  for (const fn of fns) {
    if (!contains(fn, range.start) || !contains(fn, range.end)) continue;
    if (!best || size(fn) < size(best)) best = fn;
  }
  return best;
}

export type Located =
  | { ok: true; fn: FunctionInfo; selector: TargetSelector }
  | { ok: false; message: string };

/** The function to optimize at `range` of `doc`, or a message saying why there is none. */
export async function locateFunction(doc: vscode.TextDocument, range: vscode.Range): Promise<Located> {
  if (!SUPPORTED_LANGUAGES.includes(doc.languageId)) {
    return { ok: false, message: `Hotpath works on JavaScript and TypeScript files; this one is ${doc.languageId}.` };
  }
  if (doc.uri.scheme !== 'file') {
    return { ok: false, message: 'Hotpath needs a file saved on disk (it runs the module around the function). Save the file first.' };
  }
  const fns = await functionsOf(doc);
  const fn = innermostAt(fns, range);
  if (!fn) {
    return {
      ok: false,
      message: `The cursor is not inside a function. Put the cursor in (or select) the function to optimize. ${WHAT_IS_SUPPORTED}`,
    };
  }
  if (!fn.supported) {
    return { ok: false, message: `This function cannot be optimized: ${fn.reason ?? 'it is not supported'} ${WHAT_IS_SUPPORTED}` };
  }
  const selector: TargetSelector = fn.name ? { name: fn.name } : { line: fn.start.line };
  return { ok: true, fn, selector };
}
