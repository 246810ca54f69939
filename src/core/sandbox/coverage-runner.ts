/**
 * Child side of coverage by replay (bundled to dist/coverage-runner.js): loads the bundle of the
 * user's ORIGINAL module, calls the target on each argument list once, and exits so that V8
 * writes its block coverage to NODE_V8_COVERAGE. Runs without node's permission model (which
 * blocks coverage output); coverage.ts confines it with the other layers.
 *
 * Usage: node coverage-runner.js <job.json>. On completion it prints the job's token on stdout,
 * so the parent can tell a finished replay from one cut short by the user's code.
 */
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import { OWNER_EXPORT, TARGET_EXPORT } from './protocol';
import { exposedClasses, isReceiverMarker, materializeInstances, materializeReceiver } from './receiver';

export interface CoverageJob {
  /** CommonJS bundle of the user's module exposing TARGET_EXPORT (functions) or OWNER_EXPORT (methods). */
  bundle: string;
  /** v8.serialize(unknown[][]): the argument lists (instance methods: receiver marker first). */
  inputsFile: string;
  method: { kind: 'instance' | 'static' | 'object'; accessor: 'method' | 'getter'; member: string } | null;
  /** Stop replaying after this many ms (the parent's hard timeout is later). */
  deadlineMs: number;
  /** Longest wait for one async call to settle, in ms. */
  callTimeoutMs: number;
  token: string;
}

const stdoutWrite = process.stdout.write.bind(process.stdout);
const exit = process.exit.bind(process);
const now = performance.now.bind(performance);
const setT = setTimeout;
const clearT = clearTimeout;

/** The function to call and the `this` it is called with (null: per-call receiver). */
function resolveTarget(mod: Record<string, unknown>, job: CoverageJob): { fn: (...a: unknown[]) => unknown; owner: unknown } {
  if (!job.method) {
    const fn = mod[TARGET_EXPORT];
    if (typeof fn !== 'function') throw new Error('the bundle does not expose the target');
    return { fn: fn as (...a: unknown[]) => unknown, owner: undefined };
  }
  const owner = mod[OWNER_EXPORT];
  if ((typeof owner !== 'function' && typeof owner !== 'object') || owner === null) throw new Error('the bundle does not expose the owner');
  const holder = job.method.kind === 'instance' ? (owner as { prototype: object }).prototype : owner;
  const d = Object.getOwnPropertyDescriptor(holder, job.method.member);
  const fn: unknown = job.method.accessor === 'getter' ? d?.get : d?.value;
  if (typeof fn !== 'function') throw new Error(`'${job.method.member}' is not a function on the owner`);
  return { fn: fn as (...a: unknown[]) => unknown, owner };
}

async function settle(value: unknown, timeoutMs: number): Promise<void> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  const then = (value as { then?: unknown }).then;
  if (typeof then !== 'function') return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.resolve(value).then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setT(resolve, timeoutMs);
    }),
  ]);
  if (timer !== undefined) clearT(timer);
}

async function main(): Promise<void> {
  const job = JSON.parse(fs.readFileSync(process.argv[2] ?? '', 'utf8')) as CoverageJob;
  const inputs = v8.deserialize(fs.readFileSync(job.inputsFile)) as unknown[][];
  const started = now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(job.bundle) as Record<string, unknown>;
  const { fn, owner } = resolveTarget(mod, job);
  const classes = exposedClasses(mod);
  for (const args of inputs) {
    if (now() - started > job.deadlineMs) break;
    try {
      if (classes.length > 0) materializeInstances(args, classes);
      let self: unknown = owner;
      let rest = args;
      if (job.method?.kind === 'instance') {
        const marker = args[0];
        self = isReceiverMarker(marker) ? materializeReceiver(marker, owner) : undefined;
        rest = args.slice(1);
      }
      const result = Reflect.apply(fn, self, rest);
      await settle(result, Math.max(1, Math.min(job.callTimeoutMs, job.deadlineMs - (now() - started))));
    } catch {
      // A throwing call still covers the lines it ran.
    }
  }
  stdoutWrite(`\n${job.token}\n`);
  exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`coverage runner: ${e instanceof Error ? e.message : String(e)}\n`);
  exit(3);
});
