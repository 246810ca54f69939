/**
 * Capturing the target's real calls while the project's own tests run: instrumentModule() gives
 * the text of the target's file with the target wrapped by an inline recorder (see
 * capture-runtime.ts for the recorder and the capture file format), and readCaptures() reads the
 * capture files back into a CaptureResult once the tests have run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import ts from 'typescript';
import { InputError } from '../errors';
import { parseSource, unwrapFunction } from '../target/extract';
import { THIS_MARKER } from '../sandbox/protocol';
import type { TargetFunction } from '../types';
import { RECORD_CALL, RECORD_COUNTS, RECORD_SKIP, RUNTIME_PARAMS, RUNTIME_SOURCE, type RuntimeConfig } from './capture-runtime';
import type { CaptureResult, CapturedCall } from './types';

export interface InstrumentOptions {
  /** Absolute directory the capture files go to (created by the recorder when missing). */
  captureDir: string;
  /** Test files as absolute paths, as they will exist when the tests run. */
  testFiles: string[];
  /** Full call records per module instance (default 500). */
  maxCalls?: number;
  /** Largest record kept, in bytes (default 1 MiB). */
  maxCallBytes?: number;
  /** Total record bytes per module instance (default 32 MiB). */
  maxTotalBytes?: number;
}

export const DEFAULT_MAX_CALLS = 500;
export const DEFAULT_MAX_CALL_BYTES = 1024 * 1024;
export const DEFAULT_MAX_TOTAL_BYTES = 32 * 1024 * 1024;

const RT = '__hp_rt';
const TS_IGNORE = '// @ts-ignore';

interface Edit {
  start: number;
  end: number;
  text: string;
}

function detectEol(text: string): string {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  return crlf * 2 > (text.match(/\n/g) ?? []).length ? '\r\n' : '\n';
}

/**
 * Where module-level code can go first: after a shebang and the directive prologue ('use
 * strict'), else before the first statement (after its leading comments).
 */
function topInsertionPoint(sf: ts.SourceFile): { at: number; afterDirective: boolean } {
  let last: ts.Statement | null = null;
  for (const st of sf.statements) {
    if (ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression)) last = st;
    else break;
  }
  if (last) return { at: last.end, afterDirective: true };
  const first = sf.statements[0];
  if (first) return { at: first.getStart(sf), afterDirective: false };
  const shebang = /^#![^\n]*\n/.exec(sf.text);
  return { at: shebang ? shebang[0].length : 0, afterDirective: false };
}


function findStatement(sf: ts.SourceFile, start: number, end: number): ts.Statement | undefined {
  return sf.statements.find((st) => st.getStart(sf) === start && st.end === end);
}

/** True when a class declares #private members (their state cannot be read or restored). */
function hasPrivateMembers(st: ts.Statement | undefined): boolean {
  if (!st || !ts.isClassDeclaration(st)) return false;
  return st.members.some((m) => m.name !== undefined && ts.isPrivateIdentifier(m.name));
}

/** The statement's `export` / `export default` keywords, as [start, end) of the text to drop. */
function exportKeywordsRange(sf: ts.SourceFile, st: ts.Statement): { end: number; isDefault: boolean } | null {
  const mods = ts.canHaveModifiers(st) ? (ts.getModifiers(st) ?? []) : [];
  const exp = mods.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  if (!exp) return null;
  const def = mods.find((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  const last = def ?? exp;
  // Up to the next token (drop the whitespace after the keywords too).
  let end = last.end;
  while (end < sf.text.length && /\s/.test(sf.text[end]!)) end++;
  return { end, isDefault: def !== undefined };
}

/**
 * The target file's text with the target wrapped so that each top-level call (not recursive
 * ones) appends a record of its arguments (and receiver state for instance methods) to a file
 * in `captureDir`. The module stays valid JS/TS of the same module kind; the wrapper is
 * transparent (this, return value, exception, name, length; async results are not awaited).
 */
export function instrumentModule(target: TargetFunction, opts: InstrumentOptions): string {
  const text = target.fileText;
  const sf = parseSource(target.file, text);
  const eol = detectEol(text);
  const isTs = target.language === 'typescript';
  const ign = (line: string) => (isTs ? `${TS_IGNORE}${eol}${line}` : line);

  const cfg: RuntimeConfig = {
    dir: path.resolve(opts.captureDir),
    files: opts.testFiles.map((f) => ({ p: path.resolve(f), u: pathToFileURL(path.resolve(f)).href })),
    maxCalls: Math.max(0, Math.floor(opts.maxCalls ?? DEFAULT_MAX_CALLS)),
    maxCallBytes: Math.max(1, Math.floor(opts.maxCallBytes ?? DEFAULT_MAX_CALL_BYTES)),
    maxTotalBytes: Math.max(1, Math.floor(opts.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES)),
    kind: target.method ? target.method.kind : 'function',
    owner: target.method ? target.method.owner : null,
    hasPrivate: false,
  };

  const edits: Edit[] = [];
  const top: string[] = [];
  // fs and v8 with the module's own syntax; the recorder prefers process.getBuiltinModule (not
  // subject to a test's jest.mock('fs')) when the node version has it.
  if (target.context.moduleKind === 'esm') {
    top.push(ign(`import * as __hp_fs from 'node:fs';`), ign(`import * as __hp_v8 from 'node:v8';`));
  } else {
    top.push(ign(`var __hp_fs = require('node:fs'), __hp_v8 = require('node:v8');`));
  }

  const m = target.method;
  if (m) {
    const owner = findStatement(sf, m.ownerStart, m.ownerEnd) ?? sf.statements.find((s) => s.getStart(sf) <= m.ownerStart && s.end >= m.ownerEnd);
    if (!owner) throw new InputError(`Cannot find the statement that declares '${m.owner}' in ${target.file}.`);
    cfg.hasPrivate = hasPrivateMembers(owner);
    edits.push({
      start: owner.end,
      end: owner.end,
      text: `${eol}${ign(`;if (${RT}) ${RT}.member(${m.owner}, ${JSON.stringify(m.member)}, ${JSON.stringify(m.accessor)});`)}`,
    });
  } else {
    const st = findStatement(sf, target.statementStart, target.statementEnd);
    if (!st) throw new InputError(`Cannot find '${target.name}' at its recorded place in ${target.file}; extract it again.`);
    const name = target.name;
    if (ts.isFunctionDeclaration(st)) {
      // A function declaration's binding is mutable and hoisted: reassign it at the very top, so
      // even `module.exports = { f }` written above the declaration exports the wrapper.
      top.push(ign(`if (${RT}) ${name} = ${RT}.wrap(${name}, ${JSON.stringify(name)});`));
      const exp = exportKeywordsRange(sf, st);
      if (exp?.isDefault) {
        // TypeScript's CommonJS output would not update `exports.default` on reassignment:
        // export the (wrapped) binding by name instead.
        edits.push({ start: st.getStart(sf), end: exp.end, text: '' });
        top.push(`export default ${name};`);
      }
    } else if (ts.isVariableStatement(st)) {
      const decl = st.declarationList.declarations[0];
      if (!decl || !ts.isIdentifier(decl.name)) throw new InputError(`'${name}' is not a simple variable declaration.`);
      const orig = `__hp_orig_${name}`;
      const fn = unwrapFunction(decl.initializer);
      const fnName = fn && ts.isFunctionExpression(fn) && fn.name ? fn.name.text : name;
      const flags = st.declarationList.flags;
      const keyword = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
      const exp = exportKeywordsRange(sf, st);
      if (exp) edits.push({ start: st.getStart(sf), end: exp.end, text: '' });
      edits.push({ start: decl.name.getStart(sf), end: decl.name.end, text: orig });
      const typed = isTs ? `: typeof ${orig}` : '';
      edits.push({
        start: st.end,
        end: st.end,
        text: `${eol}${exp ? 'export ' : ''}${keyword} ${name}${typed} = ${RT} ? ${RT}.wrap(${orig}, ${JSON.stringify(fnName)}) : ${orig};`,
      });
    } else {
      throw new InputError(`'${name}' has a shape capture does not support.`);
    }
  }

  const make =
    `var ${RT} = (function (fs, v8, proc, cfg) { try { ` +
    `if (proc && typeof proc.getBuiltinModule === 'function') { fs = proc.getBuiltinModule('node:fs') || fs; v8 = proc.getBuiltinModule('node:v8') || v8; } ` +
    `return new Function(${RUNTIME_PARAMS.map((p) => JSON.stringify(p)).join(', ')}, ${JSON.stringify(RUNTIME_SOURCE)})(fs, v8, proc, cfg); ` +
    `} catch (e) { return null; } })(__hp_fs, __hp_v8, typeof process === 'undefined' ? undefined : process, ${JSON.stringify(cfg)});`;
  top.splice(target.context.moduleKind === 'esm' ? 2 : 1, 0, ign(make));

  const top0 = topInsertionPoint(sf);
  const block = top.join(eol);
  edits.push({ start: top0.at, end: top0.at, text: top0.afterDirective ? `${eol}${block}` : `${block}${eol}` });

  // Apply from the end; at equal offsets the longer edit first so insertions land before it.
  edits.sort((a, b) => b.start - a.start || b.end - b.start - (a.end - a.start));
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading captures back

export interface ReadCapturesOptions {
  /** The user's project root (test files are reported relative to it). */
  projectRoot: string;
  /** The scratch copy the tests ran in (recorded paths under it map back to the project). */
  scratchRoot: string;
  /** Calls kept, spread across test files (default 500). */
  maxCalls?: number;
}

interface RawCall {
  file: string;
  seq: number;
  key: string;
  call: CapturedCall;
}

interface Counts {
  total: number;
  byFile: Map<string, number>;
  skipped: Map<string, number>;
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A recorded test file (absolute, as configured) as a project-relative, '/'-separated name. */
function relativeTestFile(file: string, opts: ReadCapturesOptions): string {
  if (!file) return UNKNOWN_FILE;
  for (const root of [opts.scratchRoot, opts.projectRoot]) {
    const rel = path.relative(path.resolve(root), file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return file.split(path.sep).join('/');
}

const UNKNOWN_FILE = '(unknown)';

/** Reads one capture file; a truncated or corrupt tail ends it (the process was killed mid-write). */
function readCaptureFile(file: string, opts: ReadCapturesOptions, calls: RawCall[], totals: Counts): void {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return;
  }
  const counts: Counts = { total: 0, byFile: new Map(), skipped: new Map() };
  let off = 0;
  let seq = 0;
  while (off + 5 <= buf.length) {
    const len = buf.readUInt32LE(off);
    const kind = buf[off + 4];
    if (off + 5 + len > buf.length) break;
    let value: unknown;
    try {
      value = v8.deserialize(buf.subarray(off + 5, off + 5 + len));
    } catch {
      break;
    }
    off += 5 + len;
    if (!isRecord(value)) continue;
    if (kind === RECORD_COUNTS) {
      counts.total = typeof value.total === 'number' ? value.total : counts.total;
      counts.byFile = new Map();
      counts.skipped = new Map();
      if (isRecord(value.byFile)) for (const [k, n] of Object.entries(value.byFile)) if (typeof n === 'number') bump(counts.byFile, relativeTestFile(k, opts), n);
      if (isRecord(value.skipped)) for (const [k, n] of Object.entries(value.skipped)) if (typeof n === 'number') bump(counts.skipped, k, n);
      continue;
    }
    const rel = relativeTestFile(typeof value.file === 'string' ? value.file : '', opts);
    if (kind === RECORD_CALL && Array.isArray(value.args)) {
      counts.total++;
      bump(counts.byFile, rel);
      const call: CapturedCall = { args: value.args as unknown[] };
      if (isRecord(value.thisState)) call.thisState = value.thisState;
      const key = v8.serialize([call.args, call.thisState]).toString('base64');
      calls.push({ file: rel, seq: seq++, key, call });
    } else if (kind === RECORD_SKIP) {
      counts.total++;
      bump(counts.byFile, rel);
      bump(counts.skipped, typeof value.reason === 'string' ? value.reason : 'unknown reason');
    }
  }
  if (off < buf.length) {
    // A cut-off call or skip record was still a call; a cut-off count record adds nothing.
    const kind = off + 5 <= buf.length ? buf[off + 4] : RECORD_CALL;
    if (kind !== RECORD_COUNTS) {
      counts.total++;
      bump(counts.skipped, 'the record was cut off (the test process was killed while writing)');
    }
  }
  totals.total += counts.total;
  for (const [k, n] of counts.byFile) bump(totals.byFile, k, n);
  for (const [k, n] of counts.skipped) bump(totals.skipped, k, n);
}

function compareFiles(a: string, b: string): number {
  if (a === b) return 0;
  if (a === UNKNOWN_FILE) return 1;
  if (b === UNKNOWN_FILE) return -1;
  return a < b ? -1 : 1;
}

/**
 * Reads all capture files of `captureDir` into a CaptureResult: totals (exact when the exit
 * flush happened or no limit was reached), calls per test file, identical argument lists
 * deduplicated, at most `maxCalls` calls spread round-robin across test files, in order of test
 * file then sequence, and skipped calls grouped by reason (largest group first).
 */
export function readCaptures(captureDir: string, opts: ReadCapturesOptions): CaptureResult {
  const maxCalls = Math.max(0, Math.floor(opts.maxCalls ?? DEFAULT_MAX_CALLS));
  let names: string[] = [];
  try {
    names = fs.readdirSync(captureDir).filter((n) => n.endsWith('.bin'));
  } catch {
    names = [];
  }
  names.sort();
  const raw: RawCall[] = [];
  const totals: Counts = { total: 0, byFile: new Map(), skipped: new Map() };
  for (const n of names) readCaptureFile(path.join(captureDir, n), opts, raw, totals);

  // Deterministic order independent of capture file names (pids, clocks): file, sequence, content.
  raw.sort((a, b) => compareFiles(a.file, b.file) || a.seq - b.seq || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const seen = new Set<string>();
  const byFile = new Map<string, RawCall[]>();
  for (const r of raw) {
    if (seen.has(r.key)) continue;
    seen.add(r.key);
    const list = byFile.get(r.file) ?? [];
    list.push(r);
    byFile.set(r.file, list);
  }
  // Round-robin across test files so one chatty file does not take the whole budget.
  const chosen: RawCall[] = [];
  const queues = [...byFile.values()];
  const unique = queues.reduce((n, q) => n + q.length, 0);
  for (let i = 0; chosen.length < maxCalls && chosen.length < unique; i++) {
    for (const q of queues) {
      const r = q[i];
      if (r && chosen.length < maxCalls) chosen.push(r);
    }
  }
  if (unique > chosen.length) bump(totals.skipped, `over the ${maxCalls}-call limit`, unique - chosen.length);
  chosen.sort((a, b) => compareFiles(a.file, b.file) || a.seq - b.seq || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const callsByFile: Record<string, number> = {};
  for (const [k, n] of [...totals.byFile].sort((a, b) => compareFiles(a[0], b[0]))) callsByFile[k] = n;
  const skipped = [...totals.skipped]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
  return { totalCalls: totals.total, calls: chosen.map((r) => r.call), callsByFile, skipped };
}

/**
 * A captured call as an argument list for the sandbox runner: for instance methods
 * `[{ [THIS_MARKER]: 'state', props: thisState }, ...args]`, else the arguments.
 */
export function receiverFromCapture(call: CapturedCall): unknown[] {
  if (call.thisState === undefined) return [...call.args];
  return [{ [THIS_MARKER]: 'state', props: call.thisState }, ...call.args];
}
