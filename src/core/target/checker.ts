/**
 * Parameter types from the TypeScript type checker, for what the syntactic path in schema.ts
 * cannot resolve: types imported from other files (including `paths` aliases), generic
 * instantiations, mapped types (`Partial`, `Pick`, `Record`), JSDoc `import('./x').T` types,
 * default values' inferred types, overloads and contextually typed arrow functions.
 *
 * The program is built lazily (only when some parameter needs it), once per extraction, with
 * the target file as its only root (TypeScript pulls in what it imports), from the nearest
 * tsconfig.json above the file (or jsconfig.json for JS files) with emit and lib checks off, or
 * from default options when there is none or it cannot be read. Nothing here throws: a failure
 * is reported as a problem and the caller keeps the syntactic schema.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { ClassRef, FunctionReturn, PropertySchema, TypeSchema } from '../types';
import { builtinSchema, containsUnknown, union, withUndefined } from './schema';

const UNKNOWN: TypeSchema = { kind: 'unknown' };
/** How deep a schema may nest before the rest becomes `unknown` (as in schema.ts). */
const MAX_DEPTH = 12;
/** How many times one type may be expanded inside itself (recursive types). */
const MAX_SELF_EXPANSIONS = 2;
/** Objects with more properties than this are not generated (DOM nodes, Node.js classes, ...). */
const MAX_PROPERTIES = 64;
const MAX_PROBLEMS = 3;
/** How many generated instances may nest inside each other's constructor arguments. */
const MAX_INSTANCE_NESTING = 3;

/**
 * The project classes whose instances the inputs of one target construct (`instance` schemas
 * refer to them by index), shared by all its parameters and its receiver's constructor.
 */
export class ClassRegistry {
  readonly refs: ClassRef[] = [];
  private readonly bySymbol = new Map<ts.Symbol, number>();

  constructor(readonly targetFile: string) {}

  indexOf(sym: ts.Symbol, ref: ClassRef): number {
    const known = this.bySymbol.get(sym);
    if (known !== undefined) return known;
    // The same class reached through another program (usage inference builds its own).
    const same = this.refs.findIndex((r) => r.file === ref.file && r.name === ref.name && r.exportName === ref.exportName);
    if (same >= 0) {
      this.bySymbol.set(sym, same);
      return same;
    }
    this.refs.push(ref);
    this.bySymbol.set(sym, this.refs.length - 1);
    return this.refs.length - 1;
  }
}

// ---------------------------------------------------------------------------------------------
// When the checker is needed

/** Type node kinds whose meaning depends on declarations the syntactic path may not see. */
const NEEDS_RESOLUTION: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.TypeReference,
  ts.SyntaxKind.ExpressionWithTypeArguments,
  ts.SyntaxKind.ImportType,
  ts.SyntaxKind.TypeQuery,
  ts.SyntaxKind.IndexedAccessType,
  ts.SyntaxKind.MappedType,
  ts.SyntaxKind.ConditionalType,
  ts.SyntaxKind.TypeOperator,
  ts.SyntaxKind.TemplateLiteralType,
]);

function mentionsNamedType(node: ts.Node): boolean {
  if (NEEDS_RESOLUTION.has(node.kind)) return true;
  return ts.forEachChild(node, (child) => (mentionsNamedType(child) ? true : undefined)) ?? false;
}

/** `const f: Fn = (a) => ...`, `(a => ...) satisfies Fn`, `/** @type {Fn} *\/ const f = ...`. */
function isContextuallyTyped(fn: ts.SignatureDeclaration): boolean {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
  let cur: ts.Node = fn.parent;
  while (ts.isParenthesizedExpression(cur)) cur = cur.parent;
  if (ts.isAsExpression(cur) || ts.isSatisfiesExpression(cur) || ts.isTypeAssertionExpression(cur)) return true;
  return ts.isVariableDeclaration(cur) && !!(cur.type ?? ts.getJSDocType(cur));
}

function hasOverloads(fn: ts.SignatureDeclaration): boolean {
  if (!ts.isFunctionDeclaration(fn) && !ts.isMethodDeclaration(fn)) return false;
  const name = fn.name?.getText();
  if (!name) return false;
  const parent = fn.parent;
  const siblings: readonly ts.Node[] =
    ts.isSourceFile(parent) || ts.isModuleBlock(parent) ? parent.statements : ts.isClassLike(parent) ? parent.members : ts.isObjectLiteralExpression(parent) ? parent.properties : [];
  return siblings.some((s) => s !== fn && s.kind === fn.kind && !(s as ts.FunctionLikeDeclaration).body && (s as ts.FunctionLikeDeclaration).name?.getText() === name);
}

/**
 * Whether the type checker may describe this parameter better than the syntactic schema: the
 * schema has `unknown` parts and the annotation names types, or the parameter is untyped but has
 * a default value, overload signatures or a contextual type.
 */
export function wantsChecker(fn: ts.SignatureDeclaration, param: ts.ParameterDeclaration, typeNode: ts.TypeNode | undefined, schema: TypeSchema): boolean {
  if (!containsUnknown(schema)) return false;
  if (typeNode) return mentionsNamedType(typeNode) || hasOverloads(fn);
  return !!param.initializer || hasOverloads(fn) || isContextuallyTyped(fn);
}

// ---------------------------------------------------------------------------------------------
// The program

/**
 * Parsed files other than the target, kept across programs of this process (shared read-only, as
 * the language service shares them): the default lib files for good, other files while their
 * size and mtime are unchanged, until the cache holds LIB_CACHE_CHARS characters.
 */
const fileCache = new Map<string, ts.SourceFile>();
let cachedChars = 0;
const LIB_CACHE_CHARS = 64_000_000;
const libDir = path.dirname(ts.getDefaultLibFilePath({}));

function cacheKeyOf(fileName: string, lv: ts.ScriptTarget | ts.CreateSourceFileOptions, moduleDetection: ts.ModuleDetectionKind | undefined): string | null {
  const inLib = path.dirname(fileName) === libDir;
  const opts = typeof lv === 'object' ? `${lv.languageVersion}/${lv.impliedNodeFormat ?? ''}/${lv.jsDocParsingMode ?? ''}` : String(lv);
  let stamp = '';
  if (!inLib) {
    try {
      const st = statSync(fileName);
      stamp = `${st.mtimeMs}/${st.size}`;
    } catch {
      return null;
    }
  }
  return `${fileName}\0${opts}\0${moduleDetection ?? ''}\0${stamp}`;
}

function cacheFile(key: string, sf: ts.SourceFile): void {
  if (cachedChars + sf.text.length > LIB_CACHE_CHARS) {
    fileCache.clear();
    cachedChars = 0;
  }
  fileCache.set(key, sf);
  cachedChars += sf.text.length;
}

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  allowJs: true,
  checkJs: true,
  allowImportingTsExtensions: true,
  esModuleInterop: true,
  resolveJsonModule: true,
  strict: true,
};

/** Options that make the program cheap and the types as written (null and undefined kept). */
function analysisOptions(base: ts.CompilerOptions, js: boolean): ts.CompilerOptions {
  return {
    ...base,
    noEmit: true,
    skipLibCheck: true,
    skipDefaultLibCheck: true,
    strictNullChecks: true,
    allowJs: js || !!base.allowJs,
    checkJs: js || !!base.checkJs,
    incremental: false,
    composite: false,
    declaration: false,
    declarationMap: false,
    emitDeclarationOnly: false,
    sourceMap: false,
    inlineSourceMap: false,
    tsBuildInfoFile: undefined,
    noEmitOnError: false,
  };
}

function isJsFile(file: string): boolean {
  return /\.(js|jsx|mjs|cjs)$/i.test(file);
}

function message(d: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(d.messageText, ' ').split('\n')[0] ?? 'unknown error';
}

/** One config file parsed, kept while its mtime is unchanged (and re-read once when a file is missing from it). */
const parsedConfigs = new Map<string, { mtimeMs: number; parsed: ts.ParsedCommandLine | null; files: Set<string> }>();

function parseConfigCached(configFile: string, fresh = false): { parsed: ts.ParsedCommandLine | null; files: Set<string> } {
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(configFile).mtimeMs;
  } catch {
    return { parsed: null, files: new Set() };
  }
  const known = parsedConfigs.get(configFile);
  if (known && known.mtimeMs === mtimeMs && !fresh) return known;
  let parsed: ts.ParsedCommandLine | null = null;
  try {
    const read = ts.readConfigFile(configFile, (f) => ts.sys.readFile(f));
    // A jsconfig.json allows JS files without saying so (as the language server reads it).
    const existing: ts.CompilerOptions | undefined = path.basename(configFile) === 'jsconfig.json' ? { allowJs: true } : undefined;
    if (!read.error && typeof read.config === 'object' && read.config !== null) parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configFile), existing, configFile);
  } catch {
    parsed = null;
  }
  const entry = { mtimeMs, parsed, files: new Set((parsed?.fileNames ?? []).map((f) => path.resolve(f))) };
  parsedConfigs.set(configFile, entry);
  return entry;
}

/**
 * Whether a config (or one of its project references, as in a solution-style tsconfig) lists
 * the file among its inputs. A config that cannot be read owns the file (its problem is reported
 * when its options are read).
 */
function owns(configFile: string, file: string, depth = 0): boolean {
  let entry = parseConfigCached(configFile);
  if (!entry.parsed) return true;
  if (!entry.files.has(file)) entry = parseConfigCached(configFile, true); // a file created since
  if (entry.files.has(file)) return true;
  if (depth >= 3) return false;
  return (entry.parsed?.projectReferences ?? []).some((r) => {
    const ref = ts.resolveProjectReferencePath(r);
    return ts.sys.fileExists(ref) && owns(ref, file, depth + 1);
  });
}

/**
 * The config that owns the file, found as the TypeScript language server finds it: the nearest
 * tsconfig.json above the file (for JS files, the nearer of tsconfig.json and jsconfig.json)
 * whose inputs include it, else the next one further up; null when none does (the file is then
 * checked with default options, as an editor's inferred project is). A package's sources under
 * node_modules are thus not read with the options of the project that installed it.
 */
export function findProjectConfig(file: string): string | null {
  const abs = path.resolve(file);
  const exists = (f: string) => ts.sys.fileExists(f);
  let dir = path.dirname(abs);
  for (;;) {
    const tsconfig = ts.findConfigFile(dir, exists, 'tsconfig.json') ?? null;
    const jsconfig = isJsFile(abs) ? (ts.findConfigFile(dir, exists, 'jsconfig.json') ?? null) : null;
    const nearest = !tsconfig || !jsconfig ? (tsconfig ?? jsconfig) : path.dirname(jsconfig).length > path.dirname(tsconfig).length ? jsconfig : tsconfig;
    if (!nearest) return null;
    if (owns(nearest, abs)) return nearest;
    const up = path.dirname(path.dirname(nearest));
    if (up === path.dirname(nearest)) return null;
    dir = up;
  }
}

export interface TypeProgram {
  checker: ts.TypeChecker;
  program: ts.Program;
  /** The target file as the program sees it (parsed from the given text). */
  sourceFile: ts.SourceFile;
  /** The config file whose options were used, or null for the default options. */
  configFile: string | null;
  /** What was wrong with the config, when it was broken or only partly usable; null when fine. */
  configProblem: string | null;
  /** Time spent building the program and its checker, in ms. */
  ms: number;
}

function readOptions(configFile: string | null): { options: ts.CompilerOptions; used: string | null; problem: string | null } {
  if (!configFile) return { options: DEFAULT_OPTIONS, used: null, problem: null };
  const shown = configFile;
  try {
    const read = ts.readConfigFile(configFile, (f) => ts.sys.readFile(f));
    if (read.error || typeof read.config !== 'object' || read.config === null) {
      return { options: DEFAULT_OPTIONS, used: null, problem: `${shown} cannot be read (${read.error ? message(read.error) : 'not a JSON object'}), so default compiler options were used` };
    }
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configFile), undefined, configFile);
    // TS18003 "No inputs were found" does not matter: the target file is the only root.
    const errors = parsed.errors.filter((d) => d.code !== 18003);
    const problem = errors[0] ? `${shown} has problems (${message(errors[0])}); its other options were used` : null;
    return { options: parsed.options, used: configFile, problem };
  } catch (e) {
    return { options: DEFAULT_OPTIONS, used: null, problem: `${shown} cannot be read (${e instanceof Error ? e.message : String(e)}), so default compiler options were used` };
  }
}

function createProgram(file: string, text: string, options: ts.CompilerOptions): { program: ts.Program; sourceFile: ts.SourceFile } {
  const host = ts.createCompilerHost(options, true);
  const canonical = (f: string) => host.getCanonicalFileName(path.resolve(f));
  const target = canonical(file);
  const isTarget = (f: string) => canonical(f) === target;
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  let targetSf: ts.SourceFile | undefined;
  host.getSourceFile = (fileName, lv, onError, shouldCreate) => {
    if (isTarget(fileName)) {
      targetSf ??= ts.createSourceFile(fileName, text, lv, true);
      return targetSf;
    }
    const key = cacheKeyOf(fileName, lv, options.moduleDetection);
    const hit = key ? fileCache.get(key) : undefined;
    if (hit) return hit;
    const sf = getSourceFile(fileName, lv, onError, shouldCreate);
    if (key && sf) cacheFile(key, sf);
    return sf;
  };
  host.fileExists = (f) => isTarget(f) || fileExists(f);
  host.readFile = (f) => (isTarget(f) ? text : readFile(f));
  host.writeFile = () => undefined;
  const program = ts.createProgram({ rootNames: [path.resolve(file)], options, host });
  const sourceFile = program.getSourceFile(path.resolve(file)) ?? targetSf;
  if (!sourceFile) throw new Error(`the program does not contain ${file}`);
  return { program, sourceFile };
}

// ---------------------------------------------------------------------------------------------
// Pruning: what the program loads

function isRequireCall(e: ts.Expression | undefined): boolean {
  let cur = e;
  while (cur) {
    if (ts.isCallExpression(cur)) {
      if (ts.isIdentifier(cur.expression) && cur.expression.text === 'require') return true;
      cur = cur.expression;
    } else if (ts.isPropertyAccessExpression(cur) || ts.isParenthesizedExpression(cur)) cur = cur.expression;
    else return false;
  }
  return false;
}

function bindingNames(name: ts.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (ts.isBindingElement(el)) bindingNames(el.name, out);
}

/** The local names a top-level import, `import x = require()`, `const x = require()` or re-export statement binds; null for other statements. */
function importBindings(st: ts.Statement): string[] | null {
  const names: string[] = [];
  if (ts.isImportDeclaration(st)) {
    const clause = st.importClause;
    if (!clause) return null; // a side-effect import may augment types: kept
    if (clause.name) names.push(clause.name.text);
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) names.push(nb.name.text);
    if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) names.push(el.name.text);
    return names;
  }
  if (ts.isImportEqualsDeclaration(st)) return ts.isExternalModuleReference(st.moduleReference) ? [st.name.text] : null;
  if (ts.isExportDeclaration(st) && st.moduleSpecifier) return [];
  if (ts.isVariableStatement(st)) {
    const decls = st.declarationList.declarations;
    if (decls.length === 0 || !decls.every((d) => isRequireCall(d.initializer))) return null;
    for (const d of decls) bindingNames(d.name, names);
    return names;
  }
  return null;
}

/**
 * Identifiers used outside function bodies and import statements (including in JSDoc). Other
 * top-level function declarations than the one at `focus` are skipped: their signatures do not
 * shape the focused function's parameter types.
 */
function namesOutsideBodies(sf: ts.SourceFile, focus: number | undefined): Set<string> {
  const used = new Set<string>();
  const visit = (n: ts.Node): void => {
    for (const doc of (n as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []) visit(doc);
    if (ts.isIdentifier(n)) used.add(n.text);
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      ts.forEachChild(n, (child) => (child === n.body ? undefined : visit(child)));
      return;
    }
    ts.forEachChild(n, visit);
  };
  for (const st of sf.statements) {
    if (importBindings(st) !== null) continue;
    if (focus !== undefined && ts.isFunctionDeclaration(st) && !(st.pos <= focus && focus < st.end)) continue;
    visit(st);
  }
  visit(sf.endOfFileToken);
  return used;
}

/**
 * The file's text with the imports that no type outside function bodies can depend on blanked
 * out (same length, newlines kept, so positions do not move): TypeScript loads every file the
 * root imports, transitively, and imports used only inside bodies are most of them.
 */
export function pruneImports(sf: ts.SourceFile, focus?: number): string {
  const used = namesOutsideBodies(sf, focus);
  let text = sf.text;
  for (const st of sf.statements) {
    const names = importBindings(st);
    if (names === null || names.some((n) => used.has(n))) continue;
    const start = st.getStart(sf);
    text = text.slice(0, start) + text.slice(start, st.end).replace(/[^\r\n]/g, ' ') + text.slice(st.end);
  }
  return text;
}

const stats = { builds: 0, ms: 0 };

/** How many type-checker programs this process built, and the time spent on them (for tests and measurements). */
export function typeProgramStats(): { builds: number; ms: number } {
  return { ...stats };
}

/**
 * Builds the program for a target file whose current text is `text`. Imports no type can depend
 * on are left out (`prune`, default true); `focus` (an offset inside the target function) also
 * leaves out those only other top-level functions' signatures use. Throws only when even the
 * default options fail.
 */
export function buildTypeProgram(file: string, text: string, opts: { prune?: boolean; focus?: number } = {}): TypeProgram {
  const t0 = performance.now();
  if (opts.prune ?? true) text = pruneImports(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true), opts.focus);
  const js = isJsFile(file);
  const configFile = findProjectConfig(file);
  const { options, used, problem } = readOptions(configFile);
  let built: { program: ts.Program; sourceFile: ts.SourceFile };
  let configProblem = problem;
  let usedConfig = used;
  try {
    built = createProgram(file, text, analysisOptions(options, js));
  } catch (e) {
    if (!used) throw e;
    configProblem = `${used} could not be used (${e instanceof Error ? e.message : String(e)}), so default compiler options were used`;
    usedConfig = null;
    built = createProgram(file, text, analysisOptions(DEFAULT_OPTIONS, js));
  }
  const checker = built.program.getTypeChecker();
  const ms = performance.now() - t0;
  stats.builds += 1;
  stats.ms += ms;
  return { ...built, checker, configFile: usedConfig, configProblem, ms };
}

// ---------------------------------------------------------------------------------------------
// Types to schemas

function intrinsicName(t: ts.Type): string | undefined {
  return (t as { intrinsicName?: string }).intrinsicName;
}

function isErrorType(t: ts.Type): boolean {
  return (t.flags & ts.TypeFlags.Any) !== 0 && intrinsicName(t) === 'error';
}

class Converter {
  readonly problems: string[] = [];
  private readonly expanding = new Map<ts.Type, number>();
  private nesting = 0;

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly program: ts.Program,
    private readonly classes: ClassRegistry | null = null,
  ) {}

  problem(text: string): void {
    if (this.problems.length < MAX_PROBLEMS && !this.problems.includes(text)) this.problems.push(text);
  }

  show(t: ts.Type): string {
    return this.checker.typeToString(t);
  }

  private isLib(sym: ts.Symbol): boolean {
    const decls = sym.declarations ?? [];
    return decls.length > 0 && decls.every((d) => this.program.isSourceFileDefaultLibrary(d.getSourceFile()));
  }

  private typeArgs(t: ts.Type): readonly ts.Type[] {
    return t.flags & ts.TypeFlags.Object && ((t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) !== 0 ? this.checker.getTypeArguments(t as ts.TypeReference) : [];
  }

  convert(t: ts.Type, depth = 0): TypeSchema {
    if (depth > MAX_DEPTH) return UNKNOWN;
    const f = t.flags;
    const F = ts.TypeFlags;
    if (f & F.Any) {
      if (isErrorType(t)) this.problem('a type it uses cannot be resolved (missing file, module or declaration)');
      return UNKNOWN;
    }
    if (f & (F.Unknown | F.Never | F.NonPrimitive)) return UNKNOWN;
    if (f & F.StringLiteral) return { kind: 'literal', value: (t as ts.StringLiteralType).value };
    if (f & F.NumberLiteral) return { kind: 'literal', value: (t as ts.NumberLiteralType).value };
    if (f & F.BigIntLiteral) return { kind: 'bigint' };
    if (f & F.BooleanLiteral) return { kind: 'literal', value: intrinsicName(t) === 'true' };
    if (f & F.Boolean) return { kind: 'boolean' };
    if (f & (F.String | F.TemplateLiteral | F.StringMapping)) return { kind: 'string' };
    if (f & (F.Number | F.Enum)) return { kind: 'number' };
    if (f & F.BigInt) return { kind: 'bigint' };
    if (f & (F.Undefined | F.Void)) return { kind: 'undefined' };
    if (f & F.Null) return { kind: 'null' };
    if (f & F.ESSymbolLike) {
      this.problem(`'${this.show(t)}' values are not generated`);
      return UNKNOWN;
    }
    if (t.isUnion()) return union(t.types.map((x) => this.convert(x, depth + 1)));
    if (f & F.TypeParameter) {
      const c = this.checker.getBaseConstraintOfType(t);
      if (c && c !== t && !(c.flags & (F.Unknown | F.Any))) return this.convert(c, depth + 1);
      this.problem(`type parameter '${this.show(t)}' has no constraint`);
      return UNKNOWN;
    }
    if (f & (F.Index | F.IndexedAccess | F.Conditional | F.Substitution)) {
      const c = this.checker.getBaseConstraintOfType(t);
      if (c && c !== t && !(c.flags & (F.Unknown | F.Any))) return this.convert(c, depth + 1);
      this.problem(`'${this.show(t)}' cannot be evaluated`);
      return UNKNOWN;
    }
    if (t.isIntersection()) {
      // Branded primitives (`string & { __brand: 'Id' }`) are the primitive.
      const primitive = t.types.find((x) => x.flags & (F.StringLike | F.NumberLike | F.BigIntLike | F.BooleanLike));
      if (primitive) return this.convert(primitive, depth + 1);
    }
    if (f & (F.Object | F.Intersection)) {
      const count = this.expanding.get(t) ?? 0;
      if (count >= MAX_SELF_EXPANSIONS) return UNKNOWN;
      this.expanding.set(t, count + 1);
      try {
        return this.object(t, depth);
      } finally {
        if (count === 0) this.expanding.delete(t);
        else this.expanding.set(t, count);
      }
    }
    this.problem(`'${this.show(t)}' is not supported`);
    return UNKNOWN;
  }

  private object(t: ts.Type, depth: number): TypeSchema {
    const c = this.checker;
    const arg = (i: number): TypeSchema => {
      const a = this.typeArgs(t)[i];
      return a ? this.convert(a, depth + 1) : UNKNOWN;
    };
    if (c.isArrayType(t)) return { kind: 'array', element: arg(0) };
    if (c.isTupleType(t)) return this.tuple(t as ts.TypeReference, depth);
    const sym = t.getSymbol();
    if (sym && this.isLib(sym) && sym.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) {
      const builtin = builtinSchema(sym.getName(), arg);
      if (builtin) return builtin;
      this.problem(`'${this.show(t)}' is a built-in type inputs are not generated for`);
      return UNKNOWN;
    }
    const calls = c.getSignaturesOfType(t, ts.SignatureKind.Call);
    if (calls.length) return this.callback(calls);
    if (c.getSignaturesOfType(t, ts.SignatureKind.Construct).length) return { kind: 'function' };
    if (sym && sym.flags & ts.SymbolFlags.Class) return this.instance(sym, t, depth);
    const props = c.getPropertiesOfType(t).filter((p) => !p.getName().startsWith('__@') && !p.getName().startsWith('#'));
    if (props.length > MAX_PROPERTIES) {
      this.problem(`'${this.show(t)}' has ${props.length} properties (at most ${MAX_PROPERTIES} are generated)`);
      return UNKNOWN;
    }
    const index = c.getIndexInfosOfType(t);
    if (props.length === 0 && index.length > 0) {
      const info = index.find((i) => i.keyType.flags & ts.TypeFlags.String) ?? index[0]!;
      return { kind: 'record', value: this.convert(info.type, depth + 1) };
    }
    const properties: PropertySchema[] = props.map((p) => {
      const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
      const pt = c.getTypeOfSymbol(p);
      // An optional property's type includes `undefined`; the schema says `optional` instead (as schema.ts does).
      const type = optional && pt.isUnion() ? union(pt.types.filter((x) => !(x.flags & ts.TypeFlags.Undefined)).map((x) => this.convert(x, depth + 1))) : this.convert(pt, depth + 1);
      return { name: p.getName(), type, optional };
    });
    return { kind: 'object', properties };
  }

  /**
   * An instance of a project class: `new C(...args)` with arguments generated from its
   * constructor's parameter types. Needs a class declared in a source file (not a .d.ts), not
   * abstract, with a public constructor, and reachable from the bundle: declared at the top
   * level of the target's file, or exported from its own file.
   */
  private instance(sym: ts.Symbol, t: ts.Type, depth: number): TypeSchema {
    const name = sym.getName();
    const refuse = (why: string): TypeSchema => {
      this.problem(`'${this.show(t)}' is a class instance that cannot be built: ${why}`);
      return UNKNOWN;
    };
    if (!this.classes) return refuse('no class registry');
    if (this.nesting >= MAX_INSTANCE_NESTING) return refuse(`instances nest more than ${MAX_INSTANCE_NESTING} deep`);
    const decl = (sym.declarations ?? []).find((d): d is ts.ClassDeclaration => ts.isClassDeclaration(d) && !!d.name);
    if (!decl) return refuse('it is not declared as a named class');
    const sf = decl.getSourceFile();
    if (sf.isDeclarationFile) return refuse(`it is declared in ${path.basename(sf.fileName)}, a declaration file`);
    if ((ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Abstract) !== 0) return refuse('it is abstract');
    const ctorDecl = decl.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m));
    if (ctorDecl && ts.getCombinedModifierFlags(ctorDecl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return refuse('its constructor is not public');
    let ref: ClassRef;
    if (path.resolve(sf.fileName) === path.resolve(this.classes.targetFile)) {
      if (!ts.isSourceFile(decl.parent)) return refuse('it is not declared at the top level of its file');
      ref = { name, file: path.resolve(sf.fileName), exportName: null };
    } else {
      const moduleSym = this.checker.getSymbolAtLocation(sf);
      const exported = moduleSym
        ? this.checker.getExportsOfModule(moduleSym).find((e) => (e.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(e) : e) === sym)
        : undefined;
      if (!exported) return refuse(`it is not exported from ${path.basename(sf.fileName)}`);
      ref = { name, file: path.resolve(sf.fileName), exportName: exported.getName() };
    }
    const signatures = this.checker.getTypeOfSymbolAtLocation(sym, decl).getConstructSignatures();
    const sig = signatures[0];
    const args: TypeSchema[] = [];
    this.nesting += 1;
    try {
      for (const p of sig?.getParameters() ?? []) {
        const pd = p.valueDeclaration;
        if (pd && ts.isParameter(pd) && pd.dotDotDotToken) break;
        const optional = !!pd && ts.isParameter(pd) && (!!pd.questionToken || !!pd.initializer);
        const s = this.convert(this.checker.getTypeOfSymbol(p), depth + 1);
        args.push(optional ? withUndefined(s) : s);
      }
    } finally {
      this.nesting -= 1;
    }
    return { kind: 'instance', name, ref: this.classes.indexOf(sym, ref), args };
  }

  /** A function type: what its (first) call signature returns and how many parameters it takes. */
  private callback(calls: readonly ts.Signature[]): TypeSchema {
    const sig = calls[0]!;
    const ret = this.checker.getReturnTypeOfSignature(sig);
    const f = ret.flags;
    const returns: FunctionReturn =
      f & ts.TypeFlags.BooleanLike || (ret.isUnion() && ret.types.every((x) => x.flags & ts.TypeFlags.BooleanLike))
        ? 'boolean'
        : f & ts.TypeFlags.NumberLike
          ? 'number'
          : f & ts.TypeFlags.StringLike
            ? 'string'
            : 'other';
    return { kind: 'function', returns, arity: sig.getParameters().length };
  }

  private tuple(t: ts.TypeReference, depth: number): TypeSchema {
    const target = t.target as ts.TupleType;
    const flags = target.elementFlags;
    const args = this.checker.getTypeArguments(t).slice(0, flags.length);
    const elements: TypeSchema[] = [];
    let rest: TypeSchema | null = null;
    args.forEach((a, i) => {
      const ef = flags[i] ?? ts.ElementFlags.Required;
      const s = this.convert(a, depth + 1);
      if (ef & ts.ElementFlags.Rest) rest = rest ? union([rest, s]) : s;
      else if (ef & ts.ElementFlags.Variadic) {
        const element = s.kind === 'array' ? s.element : UNKNOWN;
        rest = rest ? union([rest, element]) : element;
      } else elements.push(ef & ts.ElementFlags.Optional ? withUndefined(s) : s);
    });
    // A variadic tuple cannot be described exactly: an array of any of its element types (as schema.ts does).
    if (rest) return { kind: 'array', element: union([...elements, rest]) };
    return { kind: 'tuple', elements };
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters

export interface CheckerParamType {
  /** The schema from the checker, before optional parameters get `| undefined`; null when it had nothing. */
  schema: TypeSchema | null;
  /** The type as the checker prints it. */
  typeText: string;
  /** Why parts of the schema are `unknown`. */
  problems: string[];
}

/** The node in `root` with the same kind and range as `like` (both parsed from the same text). */
function sameNode(root: ts.SourceFile, like: ts.Node): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.pos > like.pos || n.end < like.end) return;
    if (n.pos === like.pos && n.end === like.end && n.kind === like.kind) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(root, visit);
  return found;
}

/** The overload signatures of an implementation, or none. */
function overloadsOf(checker: ts.TypeChecker, fn: ts.SignatureDeclaration): ts.Signature[] {
  if (!ts.isFunctionDeclaration(fn) && !ts.isMethodDeclaration(fn)) return [];
  const sym = fn.name ? checker.getSymbolAtLocation(fn.name) : undefined;
  const decls = (sym?.declarations ?? []).filter((d): d is ts.SignatureDeclaration => d !== fn && d.kind === fn.kind && !(d as ts.FunctionLikeDeclaration).body);
  return decls.flatMap((d) => {
    const sig = checker.getSignatureFromDeclaration(d);
    return sig ? [sig] : [];
  });
}

/**
 * The checker's types of parameters of `fn` (a node of the extractor's own parse of the same
 * text), by their index in `fn.parameters`. For an implementation whose parameter is untyped
 * (`any`), the overload signatures' types at that position, joined.
 */
export function checkerParamTypes(tp: TypeProgram, fn: ts.SignatureDeclaration, indices: readonly number[], classes: ClassRegistry | null = null): Map<number, CheckerParamType> {
  const out = new Map<number, CheckerParamType>();
  const node = sameNode(tp.sourceFile, fn);
  if (!node || !ts.isFunctionLike(node)) return out;
  const checker = tp.checker;
  let overloads: ts.Signature[] | null = null;
  for (const i of indices) {
    const param = node.parameters[i];
    if (!param) continue;
    const conv = new Converter(checker, tp.program, classes);
    try {
      const type = checker.getTypeAtLocation(param);
      let schema: TypeSchema | null = conv.convert(type);
      let typeText = conv.show(type);
      if (schema.kind === 'unknown' && type.flags & ts.TypeFlags.Any && !isErrorType(type)) {
        overloads ??= overloadsOf(checker, node);
        const types: ts.Type[] = [];
        let missing = false;
        for (const sig of overloads) {
          const p = sig.getParameters()[i];
          if (p) types.push(checker.getTypeOfSymbol(p));
          else missing = true;
        }
        if (types.length) {
          const parts = types.map((x) => conv.convert(x));
          schema = union(missing ? [...parts, { kind: 'undefined' }] : parts);
          typeText = types.map((x) => conv.show(x)).join(' | ');
        }
      }
      if (schema.kind === 'unknown' && conv.problems.length === 0) schema = null;
      out.set(i, { schema, typeText, problems: conv.problems });
    } catch (e) {
      out.set(i, { schema: null, typeText: param.type?.getText(tp.sourceFile) ?? '', problems: [`the type checker failed on it (${e instanceof Error ? e.message : String(e)})`] });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Types inferred from usage

/** Parsed files shared by the usage-inference language services of this process (lib files above all). */
const usageRegistry = ts.createDocumentRegistry();

function fileStamp(f: string): string {
  try {
    const st = statSync(f);
    return `${st.mtimeMs}/${st.size}`;
  } catch {
    return 'missing';
  }
}

/** `pos` in a text after `changes` (insertions and replacements, none overlapping) were applied to it. */
function shiftedPosition(pos: number, changes: readonly ts.TextChange[]): number {
  let delta = 0;
  for (const c of changes) if (c.span.start + c.span.length <= pos) delta += c.newText.length - c.span.length;
  return pos + delta;
}

function applyChanges(text: string, changes: readonly ts.TextChange[]): string {
  let out = text;
  for (const c of [...changes].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, c.span.start) + c.newText + out.slice(c.span.start + c.span.length);
  return out;
}

function parameterNamedAt(sf: ts.SourceFile, pos: number): ts.ParameterDeclaration | undefined {
  let found: ts.ParameterDeclaration | undefined;
  const visit = (n: ts.Node): void => {
    if (found || pos < n.pos || pos >= n.end) return;
    if (ts.isParameter(n) && n.name.getStart(sf) === pos) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/** The type TypeScript's "Infer parameter types from usage" fix proposes for `param`, as text; null when none. */
function inferredTypeText(ls: ts.LanguageService, file: string, text: string, sf: ts.SourceFile, param: ts.ParameterDeclaration): string | null {
  const start = param.name.getStart(sf);
  // 7006: "Parameter 'x' implicitly has an 'any' type" (the fix's trigger; noImplicitAny is on).
  const fix = ls.getCodeFixesAtPosition(file, start, param.name.end, [7006], {}, {}).find((f) => f.fixName === 'inferFromUsage');
  const changes = fix?.changes.filter((c) => c.fileName === file).flatMap((c) => c.textChanges) ?? [];
  if (changes.length === 0) return null;
  const edited = ts.createSourceFile(file, applyChanges(text, changes), ts.ScriptTarget.Latest, true, isJsFile(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const p = parameterNamedAt(edited, shiftedPosition(start, changes));
  const t = p && (p.type ?? ts.getJSDocType(p));
  const shown = t?.getText(edited).replace(/\s+/g, ' ').trim();
  return shown && shown !== 'any' ? shown : null;
}

const STRING_ONLY = new Set(['trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'charAt', 'charCodeAt', 'codePointAt', 'startsWith', 'endsWith', 'padStart', 'padEnd', 'split', 'replace', 'replaceAll', 'match', 'matchAll', 'search', 'localeCompare', 'normalize', 'substring', 'substr', 'repeat']);
const ARRAY_ONLY = new Set(['map', 'filter', 'reduce', 'reduceRight', 'forEach', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'join', 'flat', 'flatMap', 'fill', 'copyWithin']);

/**
 * What the function's own code says a parameter is, beyond what TypeScript's inference keeps:
 * the inference drops uses it cannot reconcile (after `if (x instanceof C) ... x.trim()` it says
 * `C`), so methods only strings have (`x.trim()`) add `string`, methods only arrays have add an
 * array. Reassignments are not followed: a use anywhere in the body counts.
 */
function evidencedKinds(body: ts.Node, name: string): TypeSchema[] {
  let str = false;
  let arr = false;
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name && ts.isCallExpression(n.parent) && n.parent.expression === n) {
      if (STRING_ONLY.has(n.name.text)) str = true;
      if (ARRAY_ONLY.has(n.name.text)) arr = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  const out: TypeSchema[] = [];
  if (str) out.push({ kind: 'string' });
  if (arr && !str) out.push({ kind: 'array', element: UNKNOWN });
  return out;
}

/** How an evidenced kind is written beside an inferred type. */
function evidenceText(e: TypeSchema): string {
  return e.kind === 'array' ? 'any[]' : e.kind;
}

/** `schema` (null: nothing inferred) with the evidenced kinds it lacks added as options, and its text (`inferred`, then those kinds). */
function withEvidence(schema: TypeSchema | null, inferred: string | null, evidence: TypeSchema[]): { schema: TypeSchema | null; text: string } {
  const options = schema ? (schema.kind === 'union' ? schema.options : [schema]) : [];
  const missing = evidence.filter((e) => !options.some((o) => o.kind === e.kind));
  const text = [...(inferred ? [inferred] : []), ...missing.map(evidenceText)].join(' | ');
  return { schema: missing.length === 0 ? schema : union([...options, ...missing]), text };
}

export interface InferredParamType extends CheckerParamType {
  /** The inferred type as TypeScript writes it (`string | SemVer | undefined`). */
  inferred: string;
}

/**
 * Types of untyped parameters of `fn` (a node of the extractor's parse of `text`) inferred from
 * how the code uses them, by TypeScript's own "Infer parameter types from usage" quick fix
 * (`comp.trim()` makes `comp` a string, `v instanceof SemVer` adds SemVer), run by a language
 * service over the file with the options of the config that owns it. The inferred types are
 * written into a copy of the text (`: T`, or `/** @type {T} *\/` in JS) and read back through the
 * checker, so that the names in them resolve as in the user's code. Parameters with nothing
 * inferred (`any`) are left out; a failure leaves all out (the caller falls back to names).
 */
export function inferredParamTypes(file: string, text: string, fn: ts.SignatureDeclaration, indices: readonly number[], classes: ClassRegistry | null): Map<number, InferredParamType> {
  const out = new Map<number, InferredParamType>();
  const abs = path.resolve(file);
  const js = isJsFile(abs);
  const options: ts.CompilerOptions = { ...analysisOptions(readOptions(findProjectConfig(abs)).options, js), noImplicitAny: true };
  let current = text;
  let version = 0;
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [abs],
    // Other files by modification time: the shared registry must not keep a file edited since.
    getScriptVersion: (f) => (path.resolve(f) === abs ? String(version) : fileStamp(f)),
    getScriptSnapshot: (f) => {
      const t = path.resolve(f) === abs ? current : ts.sys.readFile(f);
      return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
    },
    getCurrentDirectory: () => path.dirname(abs),
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => path.resolve(f) === abs || ts.sys.fileExists(f),
    readFile: (f) => (path.resolve(f) === abs ? current : ts.sys.readFile(f)),
    directoryExists: (d) => ts.sys.directoryExists(d),
    getDirectories: (d) => ts.sys.getDirectories(d),
    realpath: ts.sys.realpath ? (f) => ts.sys.realpath!(f) : undefined,
  };
  const ls = ts.createLanguageService(host, usageRegistry);
  try {
    const sf = ls.getProgram()?.getSourceFile(abs);
    const node = sf && sameNode(sf, fn);
    if (!sf || !node || !ts.isFunctionLike(node)) return out;
    const inserts: { change: ts.TextChange; index: number; nameAt: number; inferred: string; evidence: TypeSchema[] }[] = [];
    for (const i of indices) {
      const p = node.parameters[i];
      if (!p || !ts.isIdentifier(p.name) || p.type || ts.getJSDocType(p)) continue;
      const inferred = inferredTypeText(ls, abs, current, sf, p);
      const evidence = 'body' in node && node.body ? evidencedKinds(node.body, p.name.text) : [];
      if (!inferred) {
        if (evidence.length) {
          const only = withEvidence(null, null, evidence);
          out.set(i, { schema: only.schema, typeText: only.text, problems: [], inferred: only.text });
        }
        continue;
      }
      const change = js ? { span: { start: p.getStart(sf), length: 0 }, newText: `/** @type {${inferred}} */ ` } : { span: { start: (p.questionToken ?? p.name).end, length: 0 }, newText: `: ${inferred}` };
      inserts.push({ change, index: i, nameAt: p.name.getStart(sf), inferred, evidence });
    }
    if (inserts.length === 0) return out;
    const changes = inserts.map((x) => x.change);
    current = applyChanges(current, changes);
    version += 1;
    const program = ls.getProgram();
    const typed = program?.getSourceFile(abs);
    if (!program || !typed) return out;
    const checker = program.getTypeChecker();
    for (const x of inserts) {
      const p = parameterNamedAt(typed, shiftedPosition(x.nameAt, changes));
      if (!p) continue;
      const conv = new Converter(checker, program, classes);
      const converted = conv.convert(checker.getTypeAtLocation(p));
      const withUse = withEvidence(converted.kind === 'unknown' ? null : converted, x.inferred, x.evidence);
      out.set(x.index, { schema: withUse.schema, typeText: withUse.text, problems: conv.problems, inferred: withUse.text });
    }
  } catch {
    out.clear();
  } finally {
    ls.dispose();
  }
  return out;
}
