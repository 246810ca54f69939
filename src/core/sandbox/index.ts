/**
 * The sandbox: the only way untrusted code runs. Jobs of the runner in a confined child node
 * process (spawn.ts parent side, runner.ts child side, protocol.ts between them), and whole
 * commands confined alike (confine.ts: project test runners, the coverage replay); both on the
 * process lifecycle of process.ts.
 */
export { runSandboxed, sandboxLayers, probeSandbox, prepareJobDir, findRunnerBundle, liveProcessGroups, rssLimitMb } from './spawn';
export type { SandboxOptions, SandboxRun, SandboxEnd } from './spawn';
export { resolveNodePath, nodeInfo, permissionFlagFor, networkNamespacePrefix } from './nodeinfo';
export type { NodeInfo } from './nodeinfo';
export { encodeValue, checksumOf, checksumOfEncoded, canonicalHash } from './encode';
export type { EncodeOptions } from './encode';
export * from './protocol';
export { runConfined, confinedPermissionArgs } from './confine';
export type { ConfinedOptions, ConfinedRun } from './confine';
export { supervise } from './process';
export type { ProcessEnd, ProcessResult, SuperviseOptions } from './process';
