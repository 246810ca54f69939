/**
 * Line coverage of the target by replay: the captured calls are replayed on the user's ORIGINAL
 * function (never a candidate) in a child process with V8 block coverage on, and the covered
 * ranges are mapped back to the target's lines through the bundle's source map.
 *
 * Node's permission model blocks NODE_V8_COVERAGE, so this child runs without it but with the
 * other layers: network namespace when available, scrubbed environment, wall-clock timeout,
 * V8 heap cap plus an RSS watch, and SIGKILL of the whole process group. Coverage that cannot be
 * measured is null, with the reason logged.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import { build } from 'esbuild';
import ts from 'typescript';
import { oneLine, throwIfAborted } from '../errors';
import { parseSource } from '../target/extract';
import { silentLogger, type Logger } from '../logger';
import type { CoverageJob } from '../sandbox/coverage-runner';
import { exposeTarget } from '../build/bundle';
import { MINIMAL_PATH } from '../sandbox/nodeinfo';
import { findDistBundle } from '../sandbox/spawn';
import { runConfined } from '../sandbox/confine';
import type { TargetFunction } from '../types';
import { decode } from '@jridgewell/sourcemap-codec';

export interface LineCoverage {
  /** Code lines of the target that ran at least once. */
  coveredLines: number;
  /** Code lines of the target (lines where a statement starts and that produce code). */
  totalLines: number;
  /** 1-based lines of the user's file that never ran, ascending. */
  uncoveredLines: number[];
}

export interface CoverageOptions {
  target: TargetFunction;
  /** Argument lists in the sandbox runner's format (instance methods: receiver marker first). */
  argLists: unknown[][];
  nodePath: string;
  /** A directory for the bundle, inputs and coverage output (created; left in place). */
  workDir: string;
  timeoutMs: number;
  memoryMb: number;
  signal?: AbortSignal;
  logger?: Logger;
}

const SOURCE_NAME = '__hotpath_coverage_target__';

// ---- source maps --------------------------------------------------------------------------------

/** A mapping segment: generated line/column (0-based) to a source's line/column (0-based). */
interface Segment {
  genLine: number;
  genCol: number;
  src: number;
  srcLine: number;
  srcCol: number;
}

/** The segments of a source map's `mappings` that have a source (decoded by @jridgewell/sourcemap-codec). */
export function decodeMappings(mappings: string): Segment[] {
  const out: Segment[] = [];
  decode(mappings).forEach((line, genLine) => {
    for (const seg of line) {
      if (seg.length >= 4) out.push({ genLine, genCol: seg[0], src: seg[1]!, srcLine: seg[2]!, srcCol: seg[3]! });
    }
  });
  return out;
}

// ---- the target's code lines ----------------------------------------------------------------------

/** The function node of the target (declaration, arrow/function expression, or member). */
function targetFunctionNode(sf: ts.SourceFile, target: TargetFunction): ts.Node | null {
  let found: ts.Node | null = null;
  const visit = (node: ts.Node): void => {
    if (found) return;
    const start = node.getStart(sf);
    if (node.end < target.statementStart || start > target.statementEnd) return;
    if ((ts.isFunctionLike(node) && 'body' in node && node.body) || ts.isArrowFunction(node)) {
      if (start >= target.statementStart && node.end <= target.statementEnd) {
        found = node;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Start positions of the statements in the target's body (an expression body counts as one). */
function statementStarts(sf: ts.SourceFile, fn: ts.Node): { line: number; col: number }[] {
  const out: { line: number; col: number }[] = [];
  const add = (n: ts.Node) => {
    const lc = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    out.push({ line: lc.line, col: lc.character });
  };
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return out;
  if (!ts.isBlock(body)) {
    add(body);
    return out;
  }
  const visit = (node: ts.Node): void => {
    if (ts.isStatement(node) && !ts.isBlock(node) && !ts.isEmptyStatement(node)) add(node);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return out;
}

// ---- V8 coverage ----------------------------------------------------------------------------------

interface V8Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface V8Script {
  url: string;
  functions: { ranges: V8Range[] }[];
}

/** Execution count at an offset: the count of the innermost range that contains it. */
function countAt(ranges: V8Range[], offset: number): number | null {
  let best: V8Range | null = null;
  for (const r of ranges) {
    if (r.startOffset <= offset && offset < r.endOffset && (!best || r.endOffset - r.startOffset <= best.endOffset - best.startOffset)) best = r;
  }
  return best ? best.count : null;
}

function readScriptCoverage(dir: string, url: string): V8Script | null {
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return null;
  }
  for (const n of names) {
    try {
      const data = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as { result?: V8Script[] };
      const script = data.result?.find((s) => s.url === url);
      if (script) return script;
    } catch {
      // another process's partial file: ignore
    }
  }
  return null;
}

/**
 * Replays `argLists` on the original target with V8 coverage and reports which of the target's
 * code lines ran. Null (with a logged reason) when coverage could not be measured.
 */
export async function targetLineCoverage(opts: CoverageOptions): Promise<LineCoverage | null> {
  const logger = opts.logger ?? silentLogger;
  const { target } = opts;
  const fail = (why: string): null => {
    logger.info(`coverage: not measured: ${why}`);
    return null;
  };
  throwIfAborted(opts.signal);
  const runner = findDistBundle('coverage-runner.js');
  if (!runner) return fail('dist/coverage-runner.js is missing (run `npm run build`)');

  const workDir = path.resolve(opts.workDir);
  fs.mkdirSync(workDir, { recursive: true });
  const bundlePath = path.join(workDir, 'coverage-bundle.cjs');
  const ext = path.extname(target.file).toLowerCase();
  const loader = ext === '.tsx' ? 'tsx' : ext === '.jsx' ? 'jsx' : target.language === 'typescript' ? 'ts' : 'js';
  let mapText: string;
  try {
    const result = await build({
      stdin: { contents: target.fileText + exposeTarget(target.name, target.context.moduleKind, target.method, target.classes), resolveDir: path.dirname(target.file), sourcefile: SOURCE_NAME, loader },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: false,
      sourcemap: 'external',
      write: false,
      outfile: bundlePath,
      logLevel: 'silent',
    });
    const js = result.outputFiles.find((f) => f.path.endsWith('.cjs'));
    const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
    if (!js || !map) return fail('esbuild produced no bundle or source map');
    fs.writeFileSync(bundlePath, js.contents);
    mapText = map.text;
  } catch (e) {
    return fail(`bundling failed: ${oneLine(e)}`);
  }
  throwIfAborted(opts.signal);

  // The target's code lines, and where each statement landed in the bundle.
  const sm = JSON.parse(mapText) as { sources: string[]; mappings: string };
  const srcIndex = sm.sources.findIndex((s) => s === SOURCE_NAME || s.endsWith(`/${SOURCE_NAME}`));
  if (srcIndex < 0) return fail('the source map does not cover the target file');
  const sf = parseSource(target.file, target.fileText);
  const fnNode = targetFunctionNode(sf, target);
  if (!fnNode) return fail(`cannot find the body of '${target.name}'`);
  const bySrcLine = new Map<number, { col: number; genLine: number; genCol: number }[]>();
  for (const s of decodeMappings(sm.mappings)) {
    if (s.src !== srcIndex) continue;
    const list = bySrcLine.get(s.srcLine) ?? [];
    list.push({ col: s.srcCol, genLine: s.genLine, genCol: s.genCol });
    bySrcLine.set(s.srcLine, list);
  }

  // Replay.
  const inputsFile = path.join(workDir, 'coverage-inputs.bin');
  fs.writeFileSync(inputsFile, v8.serialize(opts.argLists));
  const covDir = path.join(workDir, 'v8-coverage');
  fs.rmSync(covDir, { recursive: true, force: true });
  fs.mkdirSync(covDir, { recursive: true });
  const token = randomBytes(12).toString('hex');
  const m = target.method;
  const job: CoverageJob = {
    bundle: bundlePath,
    inputsFile,
    method: m ? { kind: m.kind, accessor: m.accessor, member: m.member } : null,
    deadlineMs: Math.max(50, opts.timeoutMs * 0.6),
    callTimeoutMs: Math.max(50, Math.min(2000, opts.timeoutMs * 0.1)),
    token,
  };
  const jobFile = path.join(workDir, 'coverage-job.json');
  fs.writeFileSync(jobFile, JSON.stringify(job));

  // The user's own original code only: without the permission model (it blocks V8 coverage), with the other layers.
  const run = await runConfined({
    nodePath: opts.nodePath,
    args: [runner, jobFile],
    cwd: workDir,
    readPaths: [],
    writePaths: [],
    permissionModel: false,
    env: { PATH: MINIMAL_PATH, LANG: 'C', NODE_V8_COVERAGE: covDir },
    timeoutMs: opts.timeoutMs,
    memoryMb: opts.memoryMb,
    signal: opts.signal,
    logger,
  });
  throwIfAborted(opts.signal);
  if (run.end !== 'exited') return fail(`the replay ended by ${run.end}`);
  const lastError = run.stderr.trim().split('\n').pop() ?? '';
  if (!run.tail.includes(token)) return fail(`the replay did not finish (exit ${String(run.exitCode)}${lastError ? `: ${oneLine(lastError)}` : ''})`);

  const script = readScriptCoverage(covDir, pathToFileURL(bundlePath).href);
  if (!script) return fail('V8 wrote no coverage for the bundle');
  const ranges = script.functions.flatMap((f) => f.ranges);
  const bundleText = fs.readFileSync(bundlePath, 'utf8');
  const lineStarts = [0];
  for (let i = bundleText.indexOf('\n'); i >= 0; i = bundleText.indexOf('\n', i + 1)) lineStarts.push(i + 1);

  const covered = new Set<number>();
  const code = new Set<number>();
  for (const st of statementStarts(sf, fnNode)) {
    // The first mapping at or after the statement's start on its line.
    const seg = (bySrcLine.get(st.line) ?? []).filter((x) => x.col >= st.col).sort((a, b) => a.col - b.col || a.genLine - b.genLine || a.genCol - b.genCol)[0];
    if (!seg) continue;
    const offset = (lineStarts[seg.genLine] ?? 0) + seg.genCol;
    const count = countAt(ranges, offset);
    if (count === null) continue;
    code.add(st.line + 1);
    if (count > 0) covered.add(st.line + 1);
  }
  if (code.size === 0) return fail(`no code lines of '${target.name}' were found in the bundle`);
  const uncoveredLines = [...code].filter((l) => !covered.has(l)).sort((a, b) => a - b);
  return { coveredLines: code.size - uncoveredLines.length, totalLines: code.size, uncoveredLines };
}
