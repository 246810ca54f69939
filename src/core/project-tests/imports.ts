/**
 * The static import graph between a project's own files, resolved with TypeScript's module
 * resolution (ts.resolveModuleName) and the compilerOptions of each file's nearest
 * tsconfig.json / jsconfig.json: `paths` / `baseUrl` aliases, package.json `exports` and
 * `imports` (#subpath), index files, `.js` specifiers naming `.ts` files, and workspace packages
 * linked into node_modules (followed to their real path when it is a project file).
 * Edges come from static imports, re-exports (`export * from`, `export { x } from`: barrels are
 * followed), require('...'), import('literal') and jest.mock / vi.mock paths. The walk is bounded
 * (MAX_GRAPH_FILES files parsed, large files skipped); `truncated` says when the bound was hit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export const MAX_GRAPH_FILES = 5000;
/** Files larger than this are not parsed for imports. */
const MAX_PARSE_BYTES = 2 * 1024 * 1024;
const CODE_EXT = /\.(?:[cm]?[jt]sx?)$/;
const DECL_EXT = /\.d\.([cm]?)ts$/;

export interface ImportGraphOptions {
  /** Only files inside this directory (and outside node_modules) are followed. */
  root: string;
  maxFiles?: number;
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Module specifiers of a source text: static imports, re-exports, require(), import('literal'), jest/vi.mock paths. */
export function importSpecifiers(source: string): string[] {
  const out = new Set<string>();
  for (const f of ts.preProcessFile(source, true, true).importedFiles) out.add(f.fileName);
  // jest.mock('../x') / vi.mock('../x') with a real module path also ties the test to that module.
  for (const m of source.matchAll(/\b(?:jest|vi)\.(?:mock|doMock|requireActual|importActual)\s*\(\s*(['"])([^'"]+)\1/g)) out.add(m[2] as string);
  return [...out];
}

/** Static import edges between project files, parsed lazily and cached. */
export class ImportGraph {
  private readonly edges = new Map<string, string[]>();
  private readonly root: string;
  private readonly maxFiles: number;
  private readonly resolver = new Resolver();
  /** Set once a walk needed more than maxFiles parsed files (the answer may then miss files). */
  truncated = false;

  constructor(opts: ImportGraphOptions) {
    this.root = realpath(path.resolve(opts.root));
    this.maxFiles = opts.maxFiles ?? MAX_GRAPH_FILES;
  }

  /** Whether `from` reaches `target` through project imports (both paths are realpath'd here). */
  reaches(from: string, target: string): boolean {
    const goal = realpath(target);
    const seen = new Set<string>();
    const stack = [realpath(from)];
    while (stack.length > 0) {
      const f = stack.pop() as string;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const dep of this.depsOf(f)) {
        if (dep === goal) return true;
        if (!seen.has(dep)) stack.push(dep);
      }
    }
    return false;
  }

  /** The project files `file` imports (realpaths). */
  depsOf(file: string): string[] {
    const known = this.edges.get(file);
    if (known) return known;
    if (this.edges.size >= this.maxFiles) {
      this.truncated = true;
      return [];
    }
    const deps: string[] = [];
    this.edges.set(file, deps);
    let text = '';
    try {
      if (fs.statSync(file).size <= MAX_PARSE_BYTES) text = fs.readFileSync(file, 'utf8');
    } catch {
      text = '';
    }
    for (const spec of importSpecifiers(text)) {
      const r = this.resolver.resolve(spec.split('?')[0] as string, file);
      if (r && r !== file && this.isProjectFile(r) && !deps.includes(r)) deps.push(r);
    }
    return deps;
  }

  private isProjectFile(f: string): boolean {
    return (f === this.root || f.startsWith(this.root + path.sep)) && !f.split(path.sep).includes('node_modules');
  }
}

/** ts.resolveModuleName with each file's tsconfig, and fallbacks for files TypeScript's settings do not describe. */
export class Resolver {
  private readonly configOfDir = new Map<string, string | null>();
  private readonly optionsOf = new Map<string, ts.CompilerOptions>();
  private readonly typeOfDir = new Map<string, 'module' | 'commonjs'>();
  private readonly host: ts.ModuleResolutionHost = {
    fileExists: (f) => ts.sys.fileExists(f),
    readFile: (f) => ts.sys.readFile(f),
    directoryExists: (d) => ts.sys.directoryExists(d),
    getDirectories: (d) => ts.sys.getDirectories(d),
    realpath: (p) => realpath(p),
  };
  /** For a specifier the project's options cannot resolve: bundler-style (extensionless, index files, exports), then node10 (main, index). */
  private static readonly FALLBACKS: ts.CompilerOptions[] = [
    { allowJs: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, resolveJsonModule: false },
    { allowJs: true, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, resolveJsonModule: false },
  ];

  /** The realpath of the code file `spec` names from `containingFile`, or null (not found, not code, a package's types only). */
  resolve(spec: string, containingFile: string): string | null {
    const own = this.compilerOptions(containingFile);
    const modes = this.modesFor(containingFile, own);
    for (const options of [own, ...Resolver.FALLBACKS]) {
      for (const mode of options === own ? modes : [undefined]) {
        const r = ts.resolveModuleName(spec, containingFile, options, this.host, undefined, undefined, mode).resolvedModule;
        const file = r ? this.codeFile(r.resolvedFileName) : null;
        if (file) return file;
      }
    }
    return null;
  }

  /** A resolved file as the code that runs: a .d.ts next to its .js becomes the .js; other declarations and non-code files are dropped. */
  private codeFile(resolved: string): string | null {
    const decl = DECL_EXT.exec(resolved);
    if (decl) {
      const js = `${resolved.slice(0, -decl[0].length)}.${decl[1] ?? ''}js`;
      return fs.existsSync(js) ? realpath(js) : null;
    }
    return CODE_EXT.test(resolved) ? realpath(resolved) : null;
  }

  /** Node16/NodeNext resolve differently for ESM and CJS: the file's own format first, then the other (require() in ESM-typed JS). */
  private modesFor(file: string, options: ts.CompilerOptions): (ts.ResolutionMode | undefined)[] {
    const kind = moduleResolutionOf(options);
    if (kind !== ts.ModuleResolutionKind.Node16 && kind !== ts.ModuleResolutionKind.NodeNext) return [undefined];
    const esm = /\.m[jt]s$/.test(file) ? true : /\.c[jt]s$/.test(file) ? false : this.packageType(path.dirname(file)) === 'module';
    return esm ? [ts.ModuleKind.ESNext, ts.ModuleKind.CommonJS] : [ts.ModuleKind.CommonJS, ts.ModuleKind.ESNext];
  }

  private packageType(dir: string): 'module' | 'commonjs' {
    const known = this.typeOfDir.get(dir);
    if (known) return known;
    let t: 'module' | 'commonjs' = 'commonjs';
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        t = (JSON.parse(fs.readFileSync(pj, 'utf8')) as { type?: unknown }).type === 'module' ? 'module' : 'commonjs';
      } catch {
        t = 'commonjs';
      }
    } else if (path.dirname(dir) !== dir) t = this.packageType(path.dirname(dir));
    this.typeOfDir.set(dir, t);
    return t;
  }

  /** The compilerOptions of the nearest tsconfig.json / jsconfig.json above `file` (with `extends`), adjusted to resolve JS too. */
  compilerOptions(file: string): ts.CompilerOptions {
    const config = this.configFor(path.dirname(file));
    if (!config) return Resolver.FALLBACKS[0] as ts.CompilerOptions;
    let options = this.optionsOf.get(config);
    if (options) return options;
    options = { ...(Resolver.FALLBACKS[0] as ts.CompilerOptions) };
    try {
      const read = ts.readConfigFile(config, (f) => ts.sys.readFile(f));
      if (!read.error) {
        // No directory reads: only compilerOptions matter here, not the config's include/files.
        const host: ts.ParseConfigHost = { useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames, readDirectory: () => [], fileExists: (f) => ts.sys.fileExists(f), readFile: (f) => ts.sys.readFile(f) };
        const parsed = ts.parseJsonConfigFileContent(read.config, host, path.dirname(config), undefined, config);
        options = { ...parsed.options, allowJs: true, resolveJsonModule: false };
        // Without an explicit moduleResolution, an ES `module` means Classic, which no runner uses: resolve like a bundler.
        if (moduleResolutionOf(options) === ts.ModuleResolutionKind.Classic) {
          options.moduleResolution = ts.ModuleResolutionKind.Bundler;
          options.module = ts.ModuleKind.ESNext;
        }
      }
    } catch {
      // keep the fallback options
    }
    this.optionsOf.set(config, options);
    return options;
  }

  private configFor(dir: string): string | null {
    if (this.configOfDir.has(dir)) return this.configOfDir.get(dir) ?? null;
    let found: string | null = null;
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const f = path.join(dir, name);
      if (fs.existsSync(f)) {
        found = f;
        break;
      }
    }
    if (!found && path.dirname(dir) !== dir && path.basename(dir) !== 'node_modules') found = this.configFor(path.dirname(dir));
    this.configOfDir.set(dir, found);
    return found;
  }
}

/** The moduleResolution TypeScript uses for `options` (its own default when unset). */
export function moduleResolutionOf(options: ts.CompilerOptions): ts.ModuleResolutionKind {
  if (options.moduleResolution !== undefined) return options.moduleResolution;
  const target = options.target ?? ts.ScriptTarget.ES5;
  const module = options.module ?? (target >= ts.ScriptTarget.ES2015 ? ts.ModuleKind.ES2015 : ts.ModuleKind.CommonJS);
  if (module === ts.ModuleKind.CommonJS) return ts.ModuleResolutionKind.Node10;
  if (module === ts.ModuleKind.Node16) return ts.ModuleResolutionKind.Node16;
  // node18, node20, nodenext (100..199).
  if (module > ts.ModuleKind.Node16 && module <= ts.ModuleKind.NodeNext) return ts.ModuleResolutionKind.NodeNext;
  if (module === ts.ModuleKind.Preserve) return ts.ModuleResolutionKind.Bundler;
  return ts.ModuleResolutionKind.Classic;
}
