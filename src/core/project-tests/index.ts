/** The project's own tests: detect the runner, select test files, copy the project, run them confined. */
export * from './types';
export { detectTestProject, detectFromRoot, findPackageRoot, installedVersion, runnerInScript } from './detect';
export { findTestFiles } from './select';
export type { FindTestFilesOptions, TestFileSelection } from './select';
export { discoverTestFiles, configTestFiles, testFilePredicate, DISCOVER_DEFAULTS } from './discover';
export type { DiscoverOptions, DiscoveredTests } from './discover';
export { ImportGraph, Resolver, importSpecifiers, MAX_GRAPH_FILES } from './imports';
export { createScratch, ancestorNodeModules } from './scratch';
export type { Scratch } from './scratch';
export { runProjectTests, parseJestJson, parseJsonLines, firstLines, FILE_ERROR_NAME } from './run';
export type { RunProjectTestsOptions } from './run';
