/**
 * `hotpath`: a thin command-line shell over the engine. It parses arguments, wires stderr as
 * the log sink, prints the report, and maps failures to exit codes:
 * 0 the run completed (whatever the verdicts), 2 usage or input error, 1 infrastructure failure.
 * It never modifies the user's files.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { runHotpath, levelLogger, CancelledError, HotpathError, InputError, oneLine, USER_DEFAULTS, defaultOf, type RunOptions, type TargetSelector, type VariantInput, type LlmOptions, type LogLevel, type Logger, type OptionDefault, type UserOption, type Report } from '../core';
import { formatReport } from './format';
import { runDoctor } from './doctor';

const d = defaultOf;

const USAGE = `Usage:
  hotpath check    <file> (--function <name> | --line <n>) --variant <file> [--variant <file> ...] [options]
  hotpath optimize <file> (--function <name> | --line <n>) [--base-url URL] [--model NAME] [--candidates N] [options]
  hotpath doctor   [--node <path>]

Options:
  --json                 print one JSON report on stdout (logs go to stderr)
  --out <report.json>    also write the JSON report to a file
  --min-speedup <ratio>  the confidence interval's lower bound must clear this (default ${d('minSpeedup')})
  --inputs <module>      a module exporting argument lists (inputs / default) or generate(size, random)
  --timeout-ms <ms>      per-call time limit during verification (default ${d('callTimeoutMs')})
  --memory-mb <MiB>      memory limit of each sandbox process (default ${d('memoryMb')})
  --bench-budget-ms <ms> time for confirming one candidate; sets the number of confirmation
                         rounds (6 to 40; default ${d('benchBudgetMs')})
  --node <path>          the Node.js binary that runs sandboxed code (default: node on PATH)
  --seed <n>             seed for generated inputs (default fixed: runs are reproducible)
  --tests <glob>         the project's test files to use (relative to its package.json);
                         default: the files that import the target's module and call it
  --no-tests             do not run the project's tests (no captured inputs, no test gate)
  --tests-timeout-ms <ms> limit for one run of the selected tests (default ${d('testsTimeoutMs')})
  --verbose              detailed log on stderr;  --quiet  errors only
  -h, --help             this help

optimize:
  --base-url <url>       OpenAI-compatible endpoint (or HOTPATH_BASE_URL; default ${d('baseURL')})
  --model <name>         model name (or HOTPATH_MODEL; default ${d('model')})
  --candidates <n>       candidates to ask for per round (default ${d('candidates')})
  --rounds <n>           search rounds: later rounds repair failures and improve verified
                         candidates with what was measured; stops early without progress (default ${d('rounds')})
  --max-tokens <n>       total token budget of the run, all requests and rounds (default: none)
  --max-completion-tokens <n>  completion limit per request (default ${d('maxTokens')})
  --temperature <t>      sampling temperature (default ${d('temperature')})
  --request-timeout-ms   per-request timeout (default ${d('requestTimeoutMs')})
  --llm-inputs           also ask the model for a realistic benchmark input generator
                         (validated in the sandbox; the type-driven generator is the fallback)
  --no-cache             ask the endpoint again instead of reusing cached answers
  --no-stream            wait for whole answers instead of streaming
  The API key is read from HOTPATH_API_KEY or OPENAI_API_KEY.`;

class UsageError extends InputError {}

function num(name: string, v: string | undefined, min: number, integer = false, max = Infinity): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const range = max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} ${range} (got '${v}').`);
  }
  return n;
}

/** A numeric option checked against its range in the defaults table (undefined when not given). */
function opt(name: string, key: UserOption, v: string | undefined): number | undefined {
  const spec = USER_DEFAULTS[key] as OptionDefault<number>;
  return num(name, v, spec.min ?? -Infinity, spec.integer === true, spec.max ?? Infinity);
}

function makeLogger(level: LogLevel): Logger {
  return levelLogger(level, (l, message) => {
    process.stderr.write(`${l === 'info' ? '' : `[${l}] `}${message}\n`);
  });
}

/** The command line's options (node:util parseArgs). */
const OPTIONS = {
  function: { type: 'string' },
  line: { type: 'string' },
  variant: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  out: { type: 'string' },
  'min-speedup': { type: 'string' },
  inputs: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'memory-mb': { type: 'string' },
  'bench-budget-ms': { type: 'string' },
  node: { type: 'string' },
  seed: { type: 'string' },
  verbose: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  candidates: { type: 'string' },
  temperature: { type: 'string' },
  'max-tokens': { type: 'string' },
  'request-timeout-ms': { type: 'string' },
  'no-stream': { type: 'boolean' },
  'no-cache': { type: 'boolean' },
  rounds: { type: 'string' },
  'max-completion-tokens': { type: 'string' },
  'llm-inputs': { type: 'boolean' },
  tests: { type: 'string' },
  'no-tests': { type: 'boolean' },
  'tests-timeout-ms': { type: 'string' },
} satisfies NonNullable<ParseArgsConfig['options']>;

type Values = Record<string, string | boolean | string[] | undefined>;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS }));
  } catch (e) {
    process.stderr.write(`hotpath: ${oneLine(e)}\nRun 'hotpath --help' for usage.\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const level: LogLevel = values.verbose ? 'trace' : values.quiet || values.json ? 'warn' : 'info';
  const logger = makeLogger(level);

  if (command === 'doctor') return doctor(values);

  const controller = new AbortController();
  const onSignal = () => {
    process.stderr.write('hotpath: cancelling…\n');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (command !== 'check' && command !== 'optimize') throw new UsageError(`Unknown command '${command}'. Commands: check, optimize, doctor.`);
    const opts = runOptions(values, positionals, controller.signal, logger);
    if (command === 'check') opts.variants = variantsOf(values);
    else opts.llm = llmOptions(values);
    writeReport(await runHotpath(opts), values);
    return 0;
  } catch (e) {
    return failure(e, logger);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `hotpath doctor`: the sandbox's checks, exit 0 when all pass. */
async function doctor(values: Values): Promise<number> {
  try {
    const { text, ok } = await runDoctor(values.node as string | undefined);
    process.stdout.write(text + '\n');
    return ok ? 0 : 1;
  } catch (e) {
    process.stderr.write(`hotpath: ${oneLine(e)}\n`);
    return e instanceof InputError ? 2 : 1;
  }
}

/** The run's options from the command line, the candidates aside (throws UsageError or InputError). */
function runOptions(values: Values, positionals: string[], signal: AbortSignal, logger: Logger): RunOptions {
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `Expected one file, got ${positionals.length}: ${positionals.join(' ')}.` : 'Missing <file>.');
  const file = positionals[0]!;
  if (!existsSync(file)) throw new InputError(`File not found: ${file}`);
  if (values.function === undefined && values.line === undefined) throw new UsageError('Say which function: --function <name> or --line <n>.');
  if (values.function !== undefined && values.line !== undefined) throw new UsageError('Give either --function or --line, not both.');
  const selector: TargetSelector = values.function !== undefined ? { name: values.function as string } : { line: num('line', values.line as string, 1, true)! };

  const opts: RunOptions = {
    file,
    selector,
    minSpeedup: opt('min-speedup', 'minSpeedup', values['min-speedup'] as string | undefined),
    inputsModule: values.inputs as string | undefined,
    callTimeoutMs: opt('timeout-ms', 'callTimeoutMs', values['timeout-ms'] as string | undefined),
    memoryMb: opt('memory-mb', 'memoryMb', values['memory-mb'] as string | undefined),
    benchBudgetMs: opt('bench-budget-ms', 'benchBudgetMs', values['bench-budget-ms'] as string | undefined),
    nodePath: values.node as string | undefined,
    seed: opt('seed', 'seed', values.seed as string | undefined),
    tests: {
      enabled: values['no-tests'] !== true,
      glob: values.tests as string | undefined,
      timeoutMs: opt('tests-timeout-ms', 'testsTimeoutMs', values['tests-timeout-ms'] as string | undefined),
    },
    signal,
    logger,
  };
  if (values['no-tests'] && values.tests !== undefined) throw new UsageError('Give either --tests or --no-tests, not both.');
  if (opts.inputsModule && !existsSync(opts.inputsModule)) throw new InputError(`File not found: ${opts.inputsModule}`);
  return opts;
}

/** check: the user's variants, read from the --variant files. */
function variantsOf(values: Values): VariantInput[] {
  const files = (values.variant as string[] | undefined) ?? [];
  if (files.length === 0) throw new UsageError('check needs at least one --variant <file>.');
  return files.map((f) => {
    if (!existsSync(f)) throw new InputError(`File not found: ${f}`);
    return { origin: f, source: readFileSync(f, 'utf8') };
  });
}

/** optimize: the model's endpoint and the search's settings, from the options and the environment. */
function llmOptions(values: Values): LlmOptions {
  if (values.variant) throw new UsageError('--variant belongs to check; optimize asks the model for candidates.');
  const apiKey = process.env.HOTPATH_API_KEY ?? process.env.OPENAI_API_KEY ?? '';
  const baseURL = (values['base-url'] as string | undefined) ?? process.env.HOTPATH_BASE_URL ?? d('baseURL');
  const isLocal = /^https?:\/\/(localhost|127\.|\[::1\])/.test(baseURL);
  if (!apiKey && !isLocal) throw new UsageError('No API key: set HOTPATH_API_KEY or OPENAI_API_KEY (local endpoints need none).');
  return {
    baseURL,
    apiKey: apiKey || 'not-needed',
    model: (values.model as string | undefined) ?? process.env.HOTPATH_MODEL ?? d('model'),
    candidates: opt('candidates', 'candidates', values.candidates as string | undefined) ?? d('candidates'),
    temperature: opt('temperature', 'temperature', values.temperature as string | undefined) ?? d('temperature'),
    maxTokens: opt('max-completion-tokens', 'maxTokens', values['max-completion-tokens'] as string | undefined) ?? d('maxTokens'),
    requestTimeoutMs: opt('request-timeout-ms', 'requestTimeoutMs', values['request-timeout-ms'] as string | undefined) ?? d('requestTimeoutMs'),
    stream: !values['no-stream'],
    rounds: opt('rounds', 'rounds', values.rounds as string | undefined) ?? d('rounds'),
    budgetTokens: num('max-tokens', values['max-tokens'] as string | undefined, 1, true, USER_DEFAULTS.budgetTokens.max) ?? null,
    ...(values['no-cache'] ? { cacheDir: null } : {}),
    inputGenerator: values['llm-inputs'] === true,
  };
}

/** The report: JSON to --out, and JSON or text on stdout. */
function writeReport(report: Report, values: Values): void {
  const json = JSON.stringify(report, null, 2);
  if (values.out) writeFileSync(resolve(values.out as string), json + '\n');
  if (values.json) process.stdout.write(json + '\n');
  else process.stdout.write(formatReport(report, { color: process.stdout.isTTY === true }) + '\n');
}

/** A failed run's message on stderr and its exit code: 130 cancelled, 2 usage or input, 1 otherwise. */
function failure(e: unknown, logger: Logger): number {
  if (e instanceof CancelledError) {
    process.stderr.write('hotpath: cancelled.\n');
    return 130;
  }
  process.stderr.write(`hotpath: ${oneLine(e)}\n`);
  if (e instanceof UsageError) process.stderr.write(`Run 'hotpath --help' for usage.\n`);
  if (e instanceof InputError) return 2;
  if (!(e instanceof HotpathError)) logger.debug(e instanceof Error && e.stack ? e.stack : String(e));
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`hotpath: ${oneLine(e)}\n`);
    process.exitCode = 1;
  },
);
