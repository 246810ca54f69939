/**
 * Shapes shared by the project-test machinery (issue: use the project's own tests):
 * detecting the runner, choosing test files, running them in a sandboxed scratch copy, and
 * capturing the target's real calls while they run. Plain data only.
 */

export type TestRunnerKind = 'jest' | 'vitest' | 'mocha' | 'node-test';

/** The user's project as far as its tests are concerned. */
export interface TestProject {
  /** Absolute directory of the package.json that owns the target file. */
  root: string;
  runner: TestRunnerKind;
  /** Version of the runner package installed in the project (null for node:test). */
  runnerVersion: string | null;
  /** Absolute path of the runner's config file, if any (jest.config.js, vitest.config.ts, .mocharc.json, ...). */
  configFile: string | null;
  /** "type" of the project's package.json. */
  moduleType: 'esm' | 'cjs';
  /** How the runner was recognized, for the report ("devDependency vitest 2.1.9", "scripts.test: node --test"). */
  detectedFrom: string;
}

/** One test case's result, as the runner reported it. */
export interface TestCaseResult {
  /** Test file, relative to the project root, '/'-separated. */
  file: string;
  /** Full title: describe blocks and test name joined with ' > '. */
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** First line(s) of the failure message, for failed tests. */
  message: string | null;
}

/** The outcome of one run of the runner on a set of files. Expected failures are data. */
export interface TestRunResult {
  /**
   * 'completed': the runner ran and reported results (some tests may have failed);
   * 'crashed': it exited without usable results (error says why);
   * 'timeout' | 'memory' | 'aborted': killed by the sandbox.
   */
  end: 'completed' | 'crashed' | 'timeout' | 'memory' | 'aborted';
  results: TestCaseResult[];
  /** One line for a crashed run (the runner's own error), else null. */
  error: string | null;
  wallMs: number;
  /** Last lines of the runner's output, for logs. */
  outputTail: string;
}

/** What the tests passed to the target, read back from the capture files. */
export interface CaptureResult {
  /** Calls of the target made from test code (recursive inner calls excluded). */
  totalCalls: number;
  /** Captured calls, in a deterministic order: v8-deserialized argument lists. */
  calls: CapturedCall[];
  /** Calls per test file (relative to the project root), from the stack at call time; '(unknown)' when no test file was on the stack. */
  callsByFile: Record<string, number>;
  /** Calls that could not be captured, grouped by reason ("argument 2 is a function", "exceeds 1 MiB", "over the 500-call limit"). */
  skipped: { reason: string; count: number }[];
}

export interface CapturedCall {
  args: unknown[];
  /**
   * For instance methods/getters: the receiver's own enumerable data properties, captured
   * before the call (its prototype is restored from the target's class when replayed).
   * Undefined for functions and static/object-literal methods.
   */
  thisState?: Record<string, unknown>;
}

/** Why the runner's own list of test files was not used (then Hotpath read its config instead). */
export interface TestDiscoveryFallback {
  /**
   * 'not-installed': the runner's package is not in node_modules; 'unsupported-version': this
   * version cannot list its files (e.g. vitest before 2.1); 'no-list-command': the runner has
   * none (node:test); 'timeout' | 'memory' | 'aborted' | 'spawn-error': the ask was killed or
   * never started; 'exit-code': the runner failed (a config error, ...); 'bad-output': it
   * answered, but not with a list of files.
   */
  reason: 'not-installed' | 'unsupported-version' | 'no-list-command' | 'timeout' | 'memory' | 'aborted' | 'spawn-error' | 'exit-code' | 'bad-output';
  /** One line for logs (the runner's error, the version). */
  detail: string;
}

/** How the runner's test files were found. */
export interface TestDiscovery {
  /** 'runner': the runner listed them; 'config': Hotpath read the runner's config; 'glob': the user's --tests glob. */
  source: 'runner' | 'config' | 'glob';
  /** The command asked (e.g. 'jest --listTests --json'), null when none was started. */
  command: string | null;
  /** Set when the runner was not (successfully) asked. */
  fallback: TestDiscoveryFallback | null;
  wallMs: number;
}
