/**
 * A scratch copy of the user's project where tests run with overridden files (the instrumented
 * target, a candidate). The user's working tree is only read, never written.
 *
 * node_modules directories become real directories of symlinks, one per installed package, to
 * the originals (plus the packages of ancestor node_modules, as node would find them from the
 * real project in a monorepo): packages resolve to the originals, while tools that write under
 * node_modules (vite's .vite cache and .vite-temp config bundles) write into the scratch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import type { TestProject } from './types';

/** Directories not copied (VCS, caches, build output). */
export const SCRATCH_SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'coverage', '.nyc_output', '.cache', '.next', '.nuxt', '.turbo', '.vite', '.svelte-kit', '.parcel-cache', '.angular', '.hotpath', 'dist', 'build', 'out']);
/** Files larger than this are not copied. */
export const SCRATCH_MAX_FILE_BYTES = 8 * 1024 * 1024;
/** The whole copy may not exceed this. */
export const SCRATCH_MAX_TOTAL_BYTES = 256 * 1024 * 1024;
/** Entries of an original node_modules that are not linked (tool caches written at run time). */
const NODE_MODULES_SKIP = new Set(['.vite', '.vite-temp', '.cache']);

export interface Scratch {
  /** Absolute directory of the copy. */
  root: string;
  /** The project's root (the original). */
  projectRoot: string;
  /** The scratch path of a file of the project (absolute in, absolute out). Throws InputError for paths outside the project. */
  pathOf(absProjectPath: string): string;
  /** Writes `text` over the copy of a project file, or restores the original content when `text` is null. */
  setFile(absProjectPath: string, text: string | null): void;
  /** Restores every file overridden with setFile. */
  resetAll(): void;
  /** Files currently overridden (absolute project paths). */
  overrides(): string[];
  /** Deletes the scratch directory. */
  remove(): void;
}

/**
 * Copies the project at `project.root` into `dir` (created; must be empty or missing and must
 * not lie inside the project). Throws InputError when the project is too large to copy.
 */
export function createScratch(project: TestProject, dir: string): Scratch {
  const projectRoot = fs.realpathSync(project.root);
  const root = path.resolve(dir);
  if (root === projectRoot || root.startsWith(projectRoot + path.sep)) throw new InputError(`The scratch directory '${root}' lies inside the project.`);
  fs.mkdirSync(root, { recursive: true });
  const scratchReal = fs.realpathSync(root);
  if (fs.readdirSync(root).length > 0) throw new InputError(`The scratch directory '${root}' is not empty.`);

  let total = 0;
  const copyDir = (src: string, dest: string, depth: number): void => {
    fs.mkdirSync(dest, { recursive: true });
    for (const e of fs.readdirSync(src, { withFileTypes: true })) {
      const s = path.join(src, e.name);
      const d = path.join(dest, e.name);
      if (e.isDirectory()) {
        if (e.name === 'node_modules') linkNodeModules([s], d);
        else if (!SCRATCH_SKIP_DIRS.has(e.name) && s !== scratchReal) copyDir(s, d, depth + 1);
      } else if (e.isFile()) {
        const size = fs.statSync(s).size;
        if (size > SCRATCH_MAX_FILE_BYTES) continue;
        total += size;
        if (total > SCRATCH_MAX_TOTAL_BYTES) throw new InputError(`The project is larger than ${SCRATCH_MAX_TOTAL_BYTES >> 20} MiB without node_modules: too large for a scratch copy.`);
        fs.copyFileSync(s, d);
      } else if (e.isSymbolicLink()) {
        // Keep relative links as they are (they point within the copy); absolute ones too (reads are confined anyway).
        try {
          fs.symlinkSync(fs.readlinkSync(s), d);
        } catch {
          // skip
        }
      }
    }
  };
  copyDir(projectRoot, root, 0);

  // Packages hoisted above the project (monorepos): linked into the scratch's top node_modules.
  const ancestors = ancestorNodeModules(projectRoot);
  if (ancestors.length > 0) {
    const top = path.join(root, 'node_modules');
    const own = path.join(projectRoot, 'node_modules');
    linkNodeModules(fs.existsSync(own) ? [own, ...ancestors] : ancestors, top);
  }

  const overridden = new Set<string>();
  const pathOf = (abs: string): string => {
    const a = path.resolve(abs);
    const real = fs.existsSync(a) ? fs.realpathSync(a) : a;
    const rel = path.relative(projectRoot, real.startsWith(projectRoot) ? real : a);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new InputError(`'${abs}' is not inside the project '${projectRoot}'.`);
    return path.join(root, rel);
  };
  const originalOf = (abs: string): string => path.join(projectRoot, path.relative(root, pathOf(abs)));
  const restore = (abs: string): void => {
    const dest = pathOf(abs);
    const orig = originalOf(abs);
    if (fs.existsSync(orig)) fs.copyFileSync(orig, dest);
    else fs.rmSync(dest, { force: true });
  };
  return {
    root,
    projectRoot,
    pathOf,
    setFile(abs, text) {
      const dest = pathOf(abs);
      if (text === null) {
        restore(abs);
        overridden.delete(originalOf(abs));
        return;
      }
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, text);
      overridden.add(originalOf(abs));
    },
    resetAll() {
      for (const f of overridden) restore(f);
      overridden.clear();
    },
    overrides: () => [...overridden],
    remove() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** node_modules directories above `projectRoot` (nearest first). */
export function ancestorNodeModules(projectRoot: string): string[] {
  const out: string[] = [];
  let dir = path.dirname(projectRoot);
  for (;;) {
    const nm = path.join(dir, 'node_modules');
    if (fs.existsSync(nm) && fs.statSync(nm).isDirectory()) out.push(fs.realpathSync(nm));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return out;
}

/**
 * Makes `dest` a real directory holding a symlink per entry of the `sources` node_modules
 * (the first source wins on a name clash; scoped packages are linked per package so several
 * sources can contribute to one scope).
 */
function linkNodeModules(sources: string[], dest: string): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const src of sources) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(src, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (NODE_MODULES_SKIP.has(e.name)) continue;
      const s = path.join(src, e.name);
      const d = path.join(dest, e.name);
      if (e.name.startsWith('@') && e.isDirectory()) {
        fs.mkdirSync(d, { recursive: true });
        for (const pkg of fs.readdirSync(s)) {
          const dp = path.join(d, pkg);
          if (!fs.existsSync(dp)) fs.symlinkSync(path.join(s, pkg), dp);
        }
        continue;
      }
      if (!fs.existsSync(d) && !isLink(d)) fs.symlinkSync(s, d);
    }
  }
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
