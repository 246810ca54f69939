/** The sandbox: run jobs in a confined child node process (see spawn.ts, runner.ts, protocol.ts). */
export { runSandboxed, sandboxLayers, probeSandbox, prepareJobDir, findRunnerBundle, liveProcessGroups, rssLimitMb } from './spawn';
export type { SandboxOptions, SandboxRun, SandboxEnd } from './spawn';
export { resolveNodePath, nodeInfo, permissionFlagFor, networkNamespacePrefix } from './nodeinfo';
export type { NodeInfo } from './nodeinfo';
export { encodeValue, checksumOf, checksumOfEncoded, canonicalHash } from './encode';
export type { EncodeOptions } from './encode';
export * from './protocol';
