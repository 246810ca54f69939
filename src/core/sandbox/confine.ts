/**
 * Runs one command (a node script) confined like the sandbox runner, for a whole test runner
 * (project-tests/) and, without the permission model, for the coverage replay of the original
 * (verify/coverage.ts).
 *
 * Enters: the script and its arguments, the directories it may read and write, what else it may
 * do (workers, child processes, addons), its whole environment, limits and an AbortSignal.
 * Leaves: a ConfinedRun (how it ended, exit code, capped output and its tail, wall time, peak
 * RSS). Layers: node's permission model, the OS network namespace when available, a scrubbed
 * environment, and the lifecycle of process.ts (wall-clock timeout, RSS cap, abort, SIGKILL of
 * the whole process group on every end path).
 */
import { SandboxError } from '../errors';
import { silentLogger, type Logger } from '../logger';
import { nodeInfo, networkNamespacePrefix, type NodeInfo } from './nodeinfo';
import { supervise } from './process';

export interface ConfinedOptions {
  nodePath: string;
  /** Arguments after the node flags: the script and its arguments. */
  args: string[];
  cwd: string;
  /** Directories (or files) the process may read. */
  readPaths: string[];
  /** Directories the process may write. */
  writePaths: string[];
  allowWorker?: boolean;
  allowChildProcess?: boolean;
  /** Native addons (.node files). */
  allowAddons?: boolean;
  /**
   * false: no permission model at all (readPaths, writePaths and the allow* options are then
   * ignored). Only for the coverage replay of the user's ORIGINAL function (coverage.ts): V8
   * coverage needs the inspector, which the permission model blocks. Default true.
   */
  permissionModel?: boolean;
  /** The whole environment of the child (nothing is inherited). */
  env: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
  signal?: AbortSignal;
  logger?: Logger;
  outputLimitBytes?: number;
  /** Skip the OS network namespace even when available. */
  noNetworkNamespace?: boolean;
}

export interface ConfinedRun {
  end: 'exited' | 'timeout' | 'memory' | 'aborted' | 'spawn-error';
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Last few KiB of stdout and stderr (kept even past the output cap). */
  tail: string;
  wallMs: number;
  peakRssMb: number | null;
  /** Whether the OS network namespace was used. */
  networkNamespace: boolean;
}

/** The permission-model flags for the given read/write paths (repeated flags: Node 20.x and 22+ both accept them). */
export function confinedPermissionArgs(info: NodeInfo, o: Pick<ConfinedOptions, 'readPaths' | 'writePaths' | 'allowWorker' | 'allowChildProcess' | 'allowAddons'>): string[] {
  const args: string[] = [info.permissionFlag];
  for (const p of o.readPaths) args.push(`--allow-fs-read=${p}`);
  for (const p of o.writePaths) args.push(`--allow-fs-write=${p}`);
  if (o.allowWorker) args.push('--allow-worker');
  if (o.allowChildProcess) args.push('--allow-child-process');
  if (o.allowAddons) args.push('--allow-addons');
  return args;
}

/** Runs the command and resolves once it has exited and its pipes are drained (or a kill). Throws SandboxError only when node itself is unusable. */
export async function runConfined(o: ConfinedOptions): Promise<ConfinedRun> {
  for (const p of [...o.readPaths, ...o.writePaths]) {
    if (p.includes(',')) throw new SandboxError(`The path '${p}' contains a comma, which the permission flags cannot express.`);
  }
  const info = await nodeInfo(o.nodePath);
  const ns = o.noNetworkNamespace ? null : await networkNamespacePrefix(info.path);
  const permission = o.permissionModel === false ? [] : confinedPermissionArgs(info, o);
  const nodeArgs = [...permission, `--max-old-space-size=${Math.max(32, Math.floor(o.memoryMb))}`, '--no-warnings', ...o.args];
  const run = await supervise({
    command: ns ? (ns[0] as string) : info.path,
    args: ns ? [...ns.slice(1), info.path, ...nodeArgs] : nodeArgs,
    cwd: o.cwd,
    env: o.env,
    timeoutMs: o.timeoutMs,
    memoryMb: o.memoryMb,
    outputLimitBytes: o.outputLimitBytes ?? 256 * 1024,
    signal: o.signal,
    logger: o.logger ?? silentLogger,
    label: 'tests',
  });
  const end = run.end === 'call-timeout' ? 'timeout' : run.end;
  return {
    end,
    exitCode: run.exitCode,
    signal: run.signal,
    stdout: run.stdout.text(),
    stderr: run.stderr.text(),
    tail: `${run.stdout.tailText()}\n${run.stderr.tailText()}`.trim(),
    wallMs: run.wallMs,
    peakRssMb: run.peakRssMb,
    networkNamespace: ns !== null,
  };
}
