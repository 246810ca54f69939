/**
 * The project's own tests in one Hotpath run: detect the runner, choose the test files, run
 * them once on a scratch copy with the target instrumented (its real calls are captured and
 * the original's results become the baseline), measure the target's line coverage by those
 * calls, and later gate each would-be `faster` candidate by running the same tests on the
 * scratch copy with the candidate applied. The user's working tree is never written.
 */
import { defaultOf } from '../defaults';
import { join, relative } from 'node:path';
import { InputError, throwIfAborted } from '../errors';
import type { Logger } from '../logger';
import type { TestsOptions } from '../options';
import type { CandidateTests, FailedTest, TestsSummary } from '../report/report';
import type { TargetFunction } from '../types';
import { targetLineCoverage } from '../verify/coverage';
import { instrumentModule, readCaptures, receiverFromCapture } from './capture';
import { createScratch, detectTestProject, findTestFiles, runProjectTests, type Scratch } from './index';
import type { TestCaseResult, TestProject, TestRunResult } from './types';

export const TESTS_DEFAULTS = {
  timeoutMs: defaultOf('testsTimeoutMs'),
  /** Captured calls kept for verification (distinct argument lists). */
  maxCapturedCalls: 200,
  /** Captured calls in the real-workload benchmark pool. */
  maxWorkloadCalls: 64,
  /** Below this share of the target's lines run by the tests, the report warns. */
  lowCoverage: 0.7,
} as const;

export interface ProjectTestsContext {
  target: TargetFunction;
  options: TestsOptions;
  nodePath: string;
  /** A private temporary directory of the run (the scratch copy goes below it). */
  workDir: string;
  memoryMb: number;
  signal?: AbortSignal;
  logger: Logger;
  /** Things the user should know, appended to the report's notes. */
  notes: string[];
  progress: (message: string) => void;
}

export interface ProjectTests {
  summary: TestsSummary;
  /** The captured calls in the sandbox runner's argument-list format, deduplicated. */
  argLists: unknown[][];
  /** Runs the gate: the selected tests with `moduleText` as the target's file. */
  gate(moduleText: string): Promise<CandidateTests>;
}

function key(r: { file: string; name: string }): string {
  return `${r.file}\u0000${r.name}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function describeRunFailure(run: TestRunResult, timeoutMs: number): string {
  if (run.end === 'timeout') return `they did not finish within ${timeoutMs} ms`;
  if (run.end === 'memory') return 'they exceeded the memory limit';
  return run.error ?? 'the runner reported no results';
}

/**
 * Detects and runs the project's tests for the capture and the baseline. Returns null (with a
 * note saying why) when no tests can be used; throws InputError only for a --tests glob that
 * matches nothing, CancelledError on abort.
 */
export async function startProjectTests(ctx: ProjectTestsContext): Promise<ProjectTests | null> {
  const { target, options, notes, logger } = ctx;
  const t0 = performance.now();
  if (options.enabled === false) {
    notes.push("The project's tests were not used (--no-tests): verification rests on generated inputs.");
    return null;
  }
  const project = detectTestProject(target.file);
  if (!project) {
    if (options.glob) throw new InputError(`--tests was given, but no test runner (Jest, Vitest, Mocha, node:test) was found in the package that holds ${target.file}.`);
    notes.push('No test runner (Jest, Vitest, Mocha or node:test) was found for this file: verification rests on generated inputs.');
    return null;
  }
  ctx.progress(options.glob ? `Finding the test files '${options.glob}' names` : `Asking ${runnerName(project)} for its test files`);
  const selection = await findTestFiles(project, target.file, {
    ...(options.glob ? { glob: options.glob } : {}),
    nodePath: ctx.nodePath,
    signal: ctx.signal,
    logger,
  });
  throwIfAborted(ctx.signal);
  const { files, discovery } = selection;
  if (discovery.fallback) {
    logger.debug(`tests: ${runnerName(project)} was not asked for its test files (${discovery.fallback.reason}: ${discovery.fallback.detail}); read its config instead`);
  }
  if (selection.graphTruncated) notes.push(`The import graph of the project is larger than Hotpath follows: some test files that import ${target.name} may not have been found.`);
  const rel = (f: string) => relative(project.root, f).split('\\').join('/');
  if (files.length === 0) {
    if (options.glob) throw new InputError(`--tests '${options.glob}' matches no test file under ${project.root}.`);
    notes.push(`No ${runnerName(project)} test file imports ${rel(target.file)}: verification rests on generated inputs.`);
    return null;
  }
  const timeoutMs = options.timeoutMs ?? TESTS_DEFAULTS.timeoutMs;
  const scratch = createScratch(project, join(ctx.workDir, 'project'));
  const captureDir = join(scratch.root, '.hotpath-capture');
  const runOpts = { nodePath: ctx.nodePath, timeoutMs, memoryMb: Math.max(ctx.memoryMb, 1024), signal: ctx.signal, logger };

  ctx.progress(`Running ${plural(files.length, `${runnerName(project)} test file`)} with ${target.name} instrumented`);
  scratch.setFile(target.file, instrumentModule(target, { captureDir, testFiles: files.map((f) => scratch.pathOf(f)) }));
  let run: TestRunResult;
  try {
    run = await runProjectTests(project, scratch, files, runOpts);
  } finally {
    scratch.setFile(target.file, null);
  }
  throwIfAborted(ctx.signal);
  if (run.end !== 'completed') {
    notes.push(`The project's tests could not be used: ${describeRunFailure(run, timeoutMs)}. Verification rests on generated inputs.`);
    logger.debug(`tests: output tail: ${run.outputTail}`);
    return null;
  }
  const capture = readCaptures(captureDir, { projectRoot: project.root, scratchRoot: scratch.root, maxCalls: TESTS_DEFAULTS.maxCapturedCalls });
  if (capture.totalCalls === 0) {
    notes.push(`The selected tests (${files.map(rel).join(', ')}) never call ${target.name}: verification rests on generated inputs.`);
    return null;
  }
  // Files chosen by their imports are confirmed by their calls; a glob is taken as given.
  const callsOf = (f: string) => capture.callsByFile[rel(f)] ?? 0;
  const used = options.glob ? files : files.filter((f) => callsOf(f) > 0);
  const unused = options.glob ? [] : files.filter((f) => callsOf(f) === 0).map(rel);
  const usedSet = new Set(used.map(rel));
  const baseline = run.results.filter((r) => usedSet.has(r.file));
  const passing = baseline.filter((r) => r.status === 'passed');
  const excluded: FailedTest[] = baseline.filter((r) => r.status === 'failed').map((r) => ({ file: r.file, name: r.name, message: r.message }));
  if (excluded.length) {
    notes.push(
      `The original already fails ${plural(excluded.length, 'project test')} (${excluded
        .slice(0, 3)
        .map((t) => `'${t.name}'`)
        .join(', ')}${excluded.length > 3 ? ', ...' : ''}); ${excluded.length === 1 ? 'it is' : 'they are'} excluded from the gate.`,
    );
  }
  const argLists = capture.calls.map((c) => receiverFromCapture(c));
  if (capture.skipped.length) {
    notes.push(`Some calls from the tests could not be captured: ${capture.skipped.map((s) => `${s.count} (${s.reason})`).join('; ')}.`);
  }

  ctx.progress(`Measuring which lines of ${target.name} the tests' calls run`);
  const coverage = argLists.length
    ? await targetLineCoverage({ target, argLists, nodePath: ctx.nodePath, workDir: join(ctx.workDir, 'coverage'), timeoutMs: 60_000, memoryMb: ctx.memoryMb, signal: ctx.signal, logger })
    : null;
  throwIfAborted(ctx.signal);
  if (coverage && coverage.totalLines > 0) {
    const share = coverage.coveredLines / coverage.totalLines;
    if (share < TESTS_DEFAULTS.lowCoverage) {
      const lines = coverage.uncoveredLines.slice(0, 8).join(', ') + (coverage.uncoveredLines.length > 8 ? ', ...' : '');
      notes.push(
        `The project's tests cover little of ${target.name}: their calls run ${coverage.coveredLines} of its ${coverage.totalLines} lines (${Math.round(share * 100)}%; never run: line${coverage.uncoveredLines.length === 1 ? '' : 's'} ${lines}). For the rest, the verdict rests on the generated inputs and on the equivalence check, not on the project's tests.`,
      );
    }
  } else if (argLists.length) {
    notes.push(`The target's line coverage by the tests could not be measured.`);
  }

  const summary: TestsSummary = {
    runner: project.runner,
    runnerVersion: project.runnerVersion,
    root: project.root,
    configFile: project.configFile,
    detectedFrom: project.detectedFrom,
    selection: options.glob ? `--tests ${options.glob}` : `test files importing ${rel(target.file)}`,
    discovery,
    files: used.map((f) => ({ file: rel(f), calls: callsOf(f) })),
    unusedFiles: unused,
    totalCalls: capture.totalCalls,
    captured: argLists.length,
    skipped: capture.skipped,
    passing: passing.length,
    excluded,
    coverage,
    wallMs: performance.now() - t0,
  };
  const gateTests = new Set(passing.map(key));
  const baselineKeys = new Set(baseline.map(key));
  return {
    summary,
    argLists,
    gate: (text) => runGate(project, scratch, used, text, gateTests, baselineKeys, { ...runOpts, target }),
  };
}

function runnerName(p: TestProject): string {
  return p.runner === 'node-test' ? 'node:test' : p.runner === 'jest' ? 'Jest' : p.runner === 'vitest' ? 'Vitest' : 'Mocha';
}

async function runGate(
  project: TestProject,
  scratch: Scratch,
  files: string[],
  text: string,
  mustPass: Set<string>,
  baseline: Set<string>,
  opts: { nodePath: string; timeoutMs: number; memoryMb: number; signal?: AbortSignal; logger: Logger; target: TargetFunction },
): Promise<CandidateTests> {
  const t0 = performance.now();
  scratch.setFile(opts.target.file, text);
  let run: TestRunResult;
  try {
    run = await runProjectTests(project, scratch, files, opts);
  } finally {
    scratch.setFile(opts.target.file, null);
  }
  throwIfAborted(opts.signal);
  const wallMs = performance.now() - t0;
  if (run.end !== 'completed') {
    const errorKind = run.end === 'timeout' ? 'timeout' : run.end === 'memory' ? 'memory' : 'runner';
    return { status: 'error', passed: 0, failed: [], detail: describeRunFailure(run, opts.timeoutMs), errorKind, wallMs };
  }
  return judgeGate(run.results, mustPass, baseline, wallMs);
}

/**
 * Compares a candidate's test results with the baseline: every test that passed on the original
 * must pass again. A baseline test that no longer reports (its file failed to load) fails, and so
 * does any failure the original did not have (a suite-level error).
 */
export function judgeGate(results: TestCaseResult[], mustPass: Set<string>, baseline: Set<string>, wallMs: number): CandidateTests {
  const byKey = new Map(results.map((r) => [key(r), r]));
  const failed: FailedTest[] = [];
  let passed = 0;
  for (const k of mustPass) {
    const r = byKey.get(k);
    const [file = '', name = ''] = k.split('\u0000');
    if (r?.status === 'passed') passed++;
    else if (!r) failed.push({ file, name, message: 'It did not run with the candidate (its test file failed to load?).' });
    else if (r.status === 'failed') failed.push({ file, name, message: r.message });
    else failed.push({ file, name, message: 'It was skipped with the candidate.' });
  }
  for (const r of results) {
    // A failure the original's run did not have at all (e.g. "Test suite failed to run").
    if (r.status === 'failed' && !baseline.has(key(r))) failed.push({ file: r.file, name: r.name || '(test file)', message: r.message });
  }
  return { status: failed.length ? 'failed' : 'passed', passed, failed, detail: null, wallMs };
}
