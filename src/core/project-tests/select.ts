/**
 * Picks the project's test files that exercise a target: the runner's own test files (asked
 * from the runner, see discover.ts) that import the target's module directly, through other
 * project modules, aliases or barrels (see imports.ts); or the files a user's `--tests` glob names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { discoverTestFiles, listFiles, type DiscoverOptions } from './discover';
import { ImportGraph } from './imports';
import type { TestDiscovery, TestProject } from './types';

export interface FindTestFilesOptions extends DiscoverOptions {
  /** `--tests <glob>` relative to the project root: the matching files, without the import filter. */
  glob?: string;
  /** Bound of the import-graph walk, in parsed files (default MAX_GRAPH_FILES). */
  maxGraphFiles?: number;
}

export interface TestFileSelection {
  /** The selected test files (absolute, under project.root, sorted). */
  files: string[];
  /** How the runner's test files were found. */
  discovery: TestDiscovery;
  /** The runner's test files before the import filter (0 for a --tests glob). */
  candidates: number;
  /** The import-graph walk hit its bound: some importing test files may be missing. */
  graphTruncated: boolean;
}

/** The runner's test files that reach `targetFile` through static imports, or the --tests glob's files. */
export async function findTestFiles(project: TestProject, targetFile: string, opts: FindTestFilesOptions): Promise<TestFileSelection> {
  const root = project.root;
  if (opts.glob !== undefined) {
    const t0 = performance.now();
    const isMatch = picomatch(stripDot(opts.glob), { dot: true });
    const files = listFiles(root)
      .filter((f) => isMatch(path.relative(root, f).split(path.sep).join('/')))
      .sort();
    return { files, discovery: { source: 'glob', command: null, fallback: null, wallMs: performance.now() - t0 }, candidates: 0, graphTruncated: false };
  }
  const { files: all, discovery } = await discoverTestFiles(project, opts);
  const target = realpath(path.resolve(targetFile));
  const graph = new ImportGraph({ root, maxFiles: opts.maxGraphFiles });
  // The runner lists realpaths: report them under project.root as given (it may contain a symlink).
  const realRoot = realpath(root);
  const underRoot = (f: string): string => (f.startsWith(realRoot + path.sep) ? path.join(root, path.relative(realRoot, f)) : f);
  const files = all.filter((f) => f !== target && graph.reaches(f, target)).map(underRoot).sort();
  return { files, discovery, candidates: all.length, graphTruncated: graph.truncated };
}

function stripDot(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
