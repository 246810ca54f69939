/**
 * Finds the user's target function in a source file with the TypeScript parser and describes
 * it: where its statement is, its parameters and their type schemas, and the module around it.
 * Parameter types are read syntactically (schema.ts); only those that need it are resolved with
 * the type checker (checker.ts), from a program built lazily for the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { InputError } from '../errors';
import type { TargetSelector } from '../options';
import { childSchemas, containsUnknown, schemaOfParameter, withUndefined } from './schema';
import { buildTypeProgram, checkerParamTypes, ClassRegistry, type CheckerParamType, type InferredParamType, inferredParamTypes, type TypeProgram, wantsChecker } from './checker';
import type { FunctionShape, Language, MethodInfo, ModuleDeclaration, ModuleContext, ParamInfo, Position, TargetFunction, TypeNote, TypeSchema } from '../types';

export const SUPPORTED_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'] as const;

export interface FunctionInfo {
  /** The function's name; class and object methods are `Owner.method`. */
  name: string;
  start: Position;
  end: Position;
  supported: boolean;
  /** Why it cannot be optimized, when not supported. */
  reason: string | null;
}

/** A function found in the file, with what extraction needs. */
interface Found {
  info: FunctionInfo;
  /** Short tag for unsupported functions in listings ('generator', 'class method', ...). */
  label: string | null;
  /** The function node itself (supported functions only). */
  fn: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration | ts.GetAccessorDeclaration | null;
  /** The top-level statement that holds it (supported functions only); for a method, the owner's statement. */
  statement: ts.FunctionDeclaration | ts.VariableStatement | ts.ClassDeclaration | null;
  shape: FunctionShape | null;
  /** For a supported method: the member node (what a candidate replaces) and where it lives. */
  member: ts.ClassElement | ts.ObjectLiteralElementLike | null;
  method: Omit<MethodInfo, 'ownerStart' | 'ownerEnd'> | null;
  /** Range used for `--line` selection (includes a leading JSDoc), as offsets. */
  rangeStart: number;
  rangeEnd: number;
}

// ---------------------------------------------------------------------------------------------
// Files, languages, parsing

export function isSupportedFile(file: string): boolean {
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase());
}

export function languageOf(file: string): Language {
  const ext = path.extname(file).toLowerCase();
  return ext === '.ts' || ext === '.tsx' || ext === '.mts' || ext === '.cts' ? 'typescript' : 'javascript';
}

export function scriptKindOf(file: string): ts.ScriptKind {
  switch (path.extname(file).toLowerCase()) {
    case '.ts':
    case '.mts':
    case '.cts':
      return ts.ScriptKind.TS;
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.jsx':
      return ts.ScriptKind.JSX;
    default:
      return ts.ScriptKind.JS;
  }
}

/** A path for messages: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(process.cwd(), abs);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  return abs;
}

export function parseSource(fileName: string, text: string, kind: ts.ScriptKind = scriptKindOf(fileName)): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
}

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

/** Syntax errors the parser found (the first is the most useful). */
export function syntaxErrors(sf: ts.SourceFile): SyntaxProblem[] {
  const diags = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diags.map((d) => {
    const lc = sf.getLineAndCharacterOfPosition(d.start ?? 0);
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ').split('\n')[0] ?? 'Syntax error.';
    return { line: lc.line + 1, column: lc.character + 1, message };
  });
}

function positionOf(sf: ts.SourceFile, offset: number): Position {
  const lc = sf.getLineAndCharacterOfPosition(offset);
  return { line: lc.line + 1, column: lc.character + 1 };
}

// ---------------------------------------------------------------------------------------------
// Finding functions

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** `(x => ...)`, `(x => ...) as F`, `(x => ...) satisfies F` → the function. */
export function unwrapFunction(e: ts.Expression | undefined): ts.ArrowFunction | ts.FunctionExpression | null {
  let cur = e;
  while (cur) {
    if (ts.isArrowFunction(cur) || ts.isFunctionExpression(cur)) return cur;
    if (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur) || ts.isSatisfiesExpression(cur) || ts.isTypeAssertionExpression(cur)) cur = cur.expression;
    else return null;
  }
  return null;
}

function isGenerator(fn: ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration): boolean {
  return !ts.isArrowFunction(fn) && !!fn.asteriskToken;
}

const TOP_LEVEL_ONLY = 'Hotpath supports top-level functions for now.';
const METHOD_KINDS = 'Hotpath supports methods, static methods and getters of top-level classes and object literals (not constructors, setters, generators or #private members).';

/** `({ ... })`, `{ ... } as T`, `{ ... } satisfies T` → the object literal. */
function unwrapObject(e: ts.Expression | undefined): ts.ObjectLiteralExpression | null {
  let cur = e;
  while (cur) {
    if (ts.isObjectLiteralExpression(cur)) return cur;
    if (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur) || ts.isSatisfiesExpression(cur) || ts.isTypeAssertionExpression(cur)) cur = cur.expression;
    else return null;
  }
  return null;
}

/** Why a member of a top-level class or object literal cannot be a target, or null when it can. */
function memberProblem(full: string, m: ts.Node): string | null {
  const name = (m as { name?: ts.PropertyName }).name;
  if (name && ts.isPrivateIdentifier(name)) return `'${full}' is a #private member; ${METHOD_KINDS}`;
  if (ts.isSetAccessor(m)) return `'${full}' is a setter; ${METHOD_KINDS}`;
  if (ts.isPropertyDeclaration(m)) return `'${full}' is a class field holding a function; ${METHOD_KINDS} Write it as a method (${(name as ts.Identifier).text}(...) { ... }).`;
  const fn = ts.isPropertyAssignment(m) ? unwrapFunction(m.initializer) : (m as ts.MethodDeclaration);
  if (fn && !ts.isArrowFunction(fn) && fn.asteriskToken) return `'${full}' is a generator method; ${METHOD_KINDS}`;
  return null;
}
const GENERATOR_REASON = 'Hotpath supports plain and async functions.';

function collect(sf: ts.SourceFile): Found[] {
  const found: Found[] = [];
  const add = (
    name: string,
    node: ts.Node,
    extra: Partial<Pick<Found, 'fn' | 'statement' | 'shape' | 'member' | 'method'>> & { reason: string | null; label: string | null },
  ) => {
    const start = node.getStart(sf);
    found.push({
      info: { name, start: positionOf(sf, start), end: positionOf(sf, node.end), supported: extra.reason === null, reason: extra.reason },
      label: extra.label,
      fn: extra.fn ?? null,
      statement: extra.statement ?? null,
      shape: extra.shape ?? null,
      member: extra.member ?? null,
      method: extra.method ?? null,
      rangeStart: node.getStart(sf, true),
      rangeEnd: node.end,
    });
  };

  /** Named functions and methods anywhere below `node`, which are not top-level. */
  const visitNested = (node: ts.Node, owner: string | null): void => {
    const nested = (name: string, at: ts.Node, inner: ts.Node) => {
      const where = owner ? `is nested inside '${owner}'` : 'is not declared at the top level of the module';
      add(name, at, { reason: `'${name}' ${where}; ${TOP_LEVEL_ONLY}`, label: owner ? `nested in ${owner}` : 'not top-level' });
      visitNested(inner, name);
    };
    ts.forEachChild(node, (child) => {
      if (ts.isFunctionDeclaration(child) && child.name) return nested(child.name.text, child, child);
      if (ts.isVariableDeclaration(child) && ts.isIdentifier(child.name) && unwrapFunction(child.initializer)) {
        return nested(child.name.text, child, child.initializer!);
      }
      if (ts.isClassDeclaration(child) || ts.isClassExpression(child)) {
        let cls = child.name?.text;
        if (!cls && ts.isVariableDeclaration(child.parent) && ts.isIdentifier(child.parent.name)) cls = child.parent.name.text;
        return visitClass(child, cls ?? '(class)', null);
      }
      if (ts.isObjectLiteralExpression(child)) {
        let objName: string | null = null;
        if (ts.isVariableDeclaration(child.parent) && ts.isIdentifier(child.parent.name)) objName = child.parent.name.text;
        for (const p of child.properties) {
          const pname = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : null;
          const isFn = ts.isMethodDeclaration(p) || (ts.isPropertyAssignment(p) && unwrapFunction(p.initializer));
          if (objName && pname && isFn) {
            const full = `${objName}.${pname}`;
            add(full, p, { reason: `'${full}' is a method of an object literal that is not a top-level const; ${TOP_LEVEL_ONLY}`, label: 'object method' });
            visitNested(p, full);
          } else {
            visitNested(p, owner);
          }
        }
        return;
      }
      visitNested(child, owner);
    });
  };

  /**
   * Members of a class. With `top` (a named top-level class declaration) methods, static
   * methods and getters are supported targets; members of nested classes are not.
   */
  const visitClass = (cls: ts.ClassLikeDeclaration, clsName: string, top: ts.ClassDeclaration | null) => {
    for (const m of cls.members) {
      if (ts.isConstructorDeclaration(m) && m.body) {
        const full = `${clsName}.constructor`;
        add(full, m, { reason: `'${full}' is a constructor; ${METHOD_KINDS}`, label: 'constructor' });
        visitNested(m, full);
        continue;
      }
      const mname = m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) || ts.isPrivateIdentifier(m.name)) ? m.name.text : null;
      const isFn = ts.isMethodDeclaration(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m) || (ts.isPropertyDeclaration(m) && unwrapFunction(m.initializer));
      if (!mname || !isFn) {
        visitNested(m, clsName);
        continue;
      }
      const full = `${clsName}.${mname}`;
      if ((ts.isMethodDeclaration(m) || ts.isGetAccessor(m)) && !m.body) continue; // overload signature or abstract member
      const reason = !top
        ? `'${full}' is a method of a class that is not declared at the top level; ${TOP_LEVEL_ONLY}`
        : memberProblem(full, m);
      if (reason !== null || !top) {
        add(full, m, { reason: reason ?? TOP_LEVEL_ONLY, label: top ? 'class member' : 'class method' });
      } else {
        const fn = m as ts.MethodDeclaration | ts.GetAccessorDeclaration;
        const isStatic = hasModifier(m, ts.SyntaxKind.StaticKeyword);
        add(full, m, {
          reason: null,
          label: null,
          fn,
          statement: top,
          shape: 'declaration',
          member: m,
          method: { kind: isStatic ? 'static' : 'instance', accessor: ts.isGetAccessor(m) ? 'getter' : 'method', owner: clsName, member: mname },
        });
      }
      visitNested(m, full);
    }
  };

  /** Members of a top-level `const obj = { ... }`: methods, getters and function-valued properties are supported. */
  const visitObject = (obj: ts.ObjectLiteralExpression, objName: string, statement: ts.VariableStatement) => {
    for (const p of obj.properties) {
      const pname = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isPrivateIdentifier(p.name)) ? p.name.text : null;
      const fnInit = ts.isPropertyAssignment(p) ? unwrapFunction(p.initializer) : null;
      const isFn = ts.isMethodDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || !!fnInit;
      if (!pname || !isFn) {
        visitNested(p, objName);
        continue;
      }
      const full = `${objName}.${pname}`;
      const reason = memberProblem(full, p);
      if (reason !== null) add(full, p, { reason, label: 'object member' });
      else {
        const fn = fnInit ?? (p as ts.MethodDeclaration | ts.GetAccessorDeclaration);
        add(full, p, {
          reason: null,
          label: null,
          fn,
          statement,
          shape: fnInit ? (ts.isArrowFunction(fnInit) ? 'arrow' : 'function-expression') : 'declaration',
          member: p,
          method: { kind: 'object', accessor: ts.isGetAccessor(p) ? 'getter' : 'method', owner: objName, member: pname },
        });
      }
      visitNested(p, full);
    }
  };

  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st)) {
      if (!st.body) continue; // overload signature or `declare function`
      const name = st.name?.text;
      if (!name) {
        add('default', st, {
          reason: "The default-exported function has no name; give it one (export default function name(...)) so Hotpath can refer to it.",
          label: 'anonymous',
        });
      } else if (st.asteriskToken) {
        add(name, st, { reason: `'${name}' is a generator function; ${GENERATOR_REASON}`, label: 'generator' });
      } else {
        add(name, st, { reason: null, label: null, fn: st, statement: st, shape: 'declaration' });
      }
      visitNested(st.body, name ?? 'default');
      continue;
    }
    if (ts.isVariableStatement(st)) {
      const decls = st.declarationList.declarations;
      for (const d of decls) {
        const fn = unwrapFunction(d.initializer);
        const obj = unwrapObject(d.initializer);
        if (obj && ts.isIdentifier(d.name) && decls.length === 1 && (st.declarationList.flags & ts.NodeFlags.Const) !== 0 && !hasModifier(st, ts.SyntaxKind.DeclareKeyword)) {
          visitObject(obj, d.name.text, st);
          continue;
        }
        if (!fn || !ts.isIdentifier(d.name)) {
          if (d.initializer) visitNested(d, ts.isIdentifier(d.name) ? d.name.text : null);
          continue;
        }
        const name = d.name.text;
        if (isGenerator(fn)) add(name, d, { reason: `'${name}' is a generator function; ${GENERATOR_REASON}`, label: 'generator' });
        else if (decls.length > 1) {
          add(name, d, {
            reason: `'${name}' is declared together with other variables in one statement; give it its own statement (const ${name} = ...).`,
            label: 'shared statement',
          });
        } else if (hasModifier(st, ts.SyntaxKind.DeclareKeyword)) continue;
        else add(name, st, { reason: null, label: null, fn, statement: st, shape: ts.isArrowFunction(fn) ? 'arrow' : 'function-expression' });
        visitNested(fn, name);
      }
      continue;
    }
    if (ts.isClassDeclaration(st)) {
      // A class needs a name to be the owner of a target (`export default class {}` has none).
      visitClass(st, st.name?.text ?? 'default', st.name && !hasModifier(st, ts.SyntaxKind.DeclareKeyword) ? st : null);
      continue;
    }
    if (ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = exportsTarget(st.expression.left);
      const fn = unwrapFunction(st.expression.right);
      if (target !== null && fn) {
        const name = fn.name?.text ?? (target === '' ? 'module.exports' : target);
        const where = target === '' ? 'module.exports' : `exports.${target}`;
        const anonymous = !fn.name && target === '';
        add(name, st, {
          reason: anonymous
            ? 'The function assigned to module.exports has no name; declare it as a top-level function (function name(...)) and export that (module.exports = name).'
            : `'${name}' is assigned to ${where}; declare it as a top-level function (function ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : 'name'}(...)) and export that.`,
          label: 'exports assignment',
        });
        visitNested(fn, name);
        continue;
      }
    }
    visitNested(st, null);
  }
  return found;
}

/** `module.exports.x` / `exports.x` → 'x'; `module.exports` → ''; else null. */
function exportsTarget(e: ts.Expression): string | null {
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'module' && e.name.text === 'exports') return '';
  if (ts.isPropertyAccessExpression(e)) {
    const obj = e.expression;
    if (ts.isIdentifier(obj) && obj.text === 'exports') return e.name.text;
    if (exportsTarget(obj) === '') return e.name.text;
  }
  return null;
}

/** All functions of a file, supported or not, in source order. Cheap: one parse, no type checker. */
export function listFunctions(fileName: string, fileText: string): FunctionInfo[] {
  const sf = parseSource(fileName, fileText);
  return collect(sf)
    .map((f) => f.info)
    .sort((a, b) => a.start.line - b.start.line || a.start.column - b.start.column);
}

function describeFunctions(found: Found[]): string {
  if (found.length === 0) return 'There are no functions in it.';
  const sorted = [...found].sort((a, b) => a.info.start.line - b.info.start.line);
  const shown = sorted.slice(0, 20).map((f) => `${f.info.name} (line ${f.info.start.line}${f.label ? `, ${f.label}` : ''})`);
  const more = sorted.length > 20 ? `, and ${sorted.length - 20} more` : '';
  return `Functions there: ${shown.join(', ')}${more}.`;
}

// ---------------------------------------------------------------------------------------------
// Module context

function isRequireCall(e: ts.Expression | undefined): boolean {
  let cur = e;
  while (cur) {
    if (ts.isCallExpression(cur)) {
      if (ts.isIdentifier(cur.expression) && cur.expression.text === 'require' && cur.arguments.length === 1 && ts.isStringLiteralLike(cur.arguments[0]!)) return true;
      cur = cur.expression;
    } else if (ts.isPropertyAccessExpression(cur) || ts.isParenthesizedExpression(cur)) cur = cur.expression;
    else return false;
  }
  return false;
}

/** Import declarations, `import x = require()` and `const x = require('...')` statements. */
export function isImportStatement(st: ts.Statement): boolean {
  if (ts.isImportDeclaration(st) || ts.isImportEqualsDeclaration(st)) return true;
  if (ts.isVariableStatement(st)) {
    const decls = st.declarationList.declarations;
    return decls.length > 0 && decls.every((d) => isRequireCall(d.initializer));
  }
  return false;
}

function bindingNames(name: ts.BindingName, out: string[] = []): string[] {
  if (ts.isIdentifier(name)) out.push(name.text);
  else {
    for (const el of name.elements) {
      if (ts.isBindingElement(el)) bindingNames(el.name, out);
    }
  }
  return out;
}

/** Names an import statement binds. */
export function importedNames(st: ts.Statement): string[] {
  if (ts.isImportDeclaration(st)) {
    const clause = st.importClause;
    if (!clause) return [];
    const names: string[] = [];
    if (clause.name) names.push(clause.name.text);
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) names.push(nb.name.text);
    if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) names.push(el.name.text);
    return names;
  }
  if (ts.isImportEqualsDeclaration(st)) return [st.name.text];
  if (ts.isVariableStatement(st)) return st.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  return [];
}

/** The names and kinds a top-level declaration statement introduces (none for other statements). */
export function declaredNames(st: ts.Statement): { name: string; kind: ModuleDeclaration['kind'] }[] {
  if (ts.isFunctionDeclaration(st)) return st.name ? [{ name: st.name.text, kind: 'function' }] : [];
  if (ts.isClassDeclaration(st)) return st.name ? [{ name: st.name.text, kind: 'class' }] : [];
  if (ts.isTypeAliasDeclaration(st)) return [{ name: st.name.text, kind: 'type' }];
  if (ts.isInterfaceDeclaration(st)) return [{ name: st.name.text, kind: 'interface' }];
  if (ts.isEnumDeclaration(st)) return [{ name: st.name.text, kind: 'enum' }];
  if (ts.isVariableStatement(st)) {
    return st.declarationList.declarations.flatMap((d) => {
      const kind: ModuleDeclaration['kind'] = unwrapFunction(d.initializer) ? 'function' : 'variable';
      return bindingNames(d.name).map((name) => ({ name, kind }));
    });
  }
  return [];
}

function hasEsmSyntax(sf: ts.SourceFile): boolean {
  return sf.statements.some(
    (st) =>
      ts.isImportDeclaration(st) ||
      ts.isExportDeclaration(st) ||
      (ts.isExportAssignment(st) && !st.isExportEquals) ||
      hasModifier(st, ts.SyntaxKind.ExportKeyword),
  );
}

export function moduleKindOf(file: string, sf: ts.SourceFile): 'esm' | 'cjs' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.cjs' || ext === '.cts') return 'cjs';
  if (ext === '.mjs' || ext === '.mts') return 'esm';
  if (sf.statements.some((st) => ts.isExportAssignment(st) && st.isExportEquals)) return 'cjs';
  if (hasEsmSyntax(sf)) return 'esm';
  return /\bmodule\.exports\b|\bexports\.[A-Za-z_$]|\brequire\s*\(/.test(sf.text) ? 'cjs' : 'esm';
}

function moduleContext(file: string, sf: ts.SourceFile, targetStatement: ts.Statement): ModuleContext {
  const imports: string[] = [];
  const declarations: ModuleDeclaration[] = [];
  for (const st of sf.statements) {
    if (st === targetStatement) continue;
    if (isImportStatement(st)) {
      imports.push(st.getText(sf));
      continue;
    }
    const text = st.getText(sf);
    for (const d of declaredNames(st)) declarations.push({ name: d.name, kind: d.kind, text });
  }
  return { imports, declarations, moduleKind: moduleKindOf(file, sf) };
}

/** Names the module exports through `export { a }`, `export default a`, `module.exports = a`, `exports.x = a`. */
function exportedByReference(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const addExpr = (e: ts.Expression) => {
    if (ts.isIdentifier(e)) names.add(e.text);
    else if (ts.isObjectLiteralExpression(e)) {
      for (const p of e.properties) {
        if (ts.isShorthandPropertyAssignment(p)) names.add(p.name.text);
        else if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.initializer)) names.add(p.initializer.text);
      }
    }
  };
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && !st.moduleSpecifier && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) names.add((el.propertyName ?? el.name).getText(sf));
    } else if (ts.isExportAssignment(st)) {
      addExpr(st.expression);
    } else if (ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      if (exportsTarget(st.expression.left) !== null) addExpr(st.expression.right);
    }
  }
  return names;
}

/**
 * Every top-level name a module exports, for listings: exportedByReference's names plus
 * declarations with `export`, `exports.x` / `module.exports.x` property names and the names of
 * the function or class expressions assigned there, the keys of an exported object literal, and
 * 'module.exports' itself (how an anonymous `module.exports = function` is listed).
 */
export function exportedNames(sf: ts.SourceFile): Set<string> {
  const names = exportedByReference(sf);
  const addKeys = (e: ts.Expression) => {
    if (!ts.isObjectLiteralExpression(e)) return;
    for (const p of e.properties) if ((ts.isMethodDeclaration(p) || ts.isPropertyAssignment(p)) && ts.isIdentifier(p.name)) names.add(p.name.text);
  };
  for (const st of sf.statements) {
    if (hasModifier(st, ts.SyntaxKind.ExportKeyword)) {
      for (const d of declaredNames(st)) names.add(d.name);
    } else if (ts.isExportAssignment(st)) {
      addKeys(st.expression);
    } else if (ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const { left, right } = st.expression;
      const target = ts.isIdentifier(left) && left.text === 'exports' ? '' : exportsTarget(left);
      if (target === '') addKeys(right);
      else if (target !== null) {
        names.add(target);
        if ((ts.isFunctionExpression(right) || ts.isClassExpression(right)) && right.name) names.add(right.name.text);
      }
    }
  }
  names.add('module.exports');
  return names;
}

// ---------------------------------------------------------------------------------------------
// Extraction

function select(found: Found[], selector: TargetSelector, sf: ts.SourceFile, shown: string): Found {
  if ('line' in selector) {
    const line = selector.line;
    const containing = found.filter((f) => {
      const from = sf.getLineAndCharacterOfPosition(f.rangeStart).line + 1;
      const to = sf.getLineAndCharacterOfPosition(f.rangeEnd).line + 1;
      return from <= line && line <= to;
    });
    const innermost = (list: Found[]) => list.reduce<Found | null>((best, f) => (!best || f.rangeEnd - f.rangeStart < best.rangeEnd - best.rangeStart ? f : best), null);
    const supported = innermost(containing.filter((f) => f.info.supported));
    if (supported) return supported;
    const other = innermost(containing);
    if (other) throw new InputError(`${other.info.reason ?? `'${other.info.name}' is not supported.`} (line ${line} of ${shown})`);
    throw new InputError(`No function at line ${line} of ${shown}. ${describeFunctions(found)}`);
  }
  const name = selector.name;
  const exact = found.filter((f) => f.info.name === name);
  const ok = exact.find((f) => f.info.supported);
  if (ok) return ok;
  if (exact.length === 0 && !name.includes('.')) {
    // A member name alone selects a method when exactly one supported method has it.
    const members = found.filter((f) => f.info.name.endsWith(`.${name}`) || f.info.name.endsWith(`.#${name}`));
    const usable = members.filter((f) => f.info.supported);
    if (usable.length === 1) return usable[0]!;
    if (usable.length > 1) {
      const list = usable.map((f) => `${f.info.name} (line ${f.info.start.line})`).join(', ');
      throw new InputError(`'${name}' is ambiguous in ${shown}: ${list}. Select one as Owner.${name}.`);
    }
  }
  const bad = exact[0] ?? found.find((f) => f.info.name.endsWith(`.${name}`) || f.info.name.endsWith(`.#${name}`));
  if (bad) throw new InputError(bad.info.reason ?? `'${bad.info.name}' is not supported.`);
  throw new InputError(`No function named '${name}' in ${shown}. ${describeFunctions(found)}`);
}

export interface ExtractOptions {
  /**
   * 'checker' (the default): parameter types the syntactic path cannot resolve (imported types,
   * generics, mapped types, JSDoc imports, default values, overloads) come from a TypeScript
   * program built for the file; 'syntax': annotations are read syntactically only (no program).
   */
  types?: 'checker' | 'syntax';
}

/**
 * The type checker for one extraction, built on first use (only when some parameter needs it)
 * and shared by the target's parameters and its receiver's constructor, with one registry of the
 * classes their schemas construct.
 */
class TypeSession {
  private program: TypeProgram | null = null;
  private failure: string | null = null;
  private built = false;
  readonly classes: ClassRegistry;

  constructor(
    private readonly file: string,
    private readonly sf: ts.SourceFile,
    private readonly focus: number,
  ) {
    this.classes = new ClassRegistry(file);
  }

  /** Types of untyped parameters of `fn` inferred from their use (by parameter index); built on demand. */
  inferred(fn: ts.SignatureDeclaration, indices: number[]): Map<number, InferredParamType> {
    return inferredParamTypes(this.file, this.sf.text, fn, indices, this.classes);
  }

  get(): { program: TypeProgram | null; failure: string | null } {
    if (!this.built) {
      this.built = true;
      try {
        this.program = buildTypeProgram(this.file, this.sf.text, { focus: this.focus });
      } catch (e) {
        this.failure = `no type-checker program could be built (${e instanceof Error ? e.message.split('\n')[0] : String(e)}), so the annotation was read syntactically`;
      }
    }
    return { program: this.program, failure: this.failure };
  }
}

/** Parameters of `fn` with their schemas; `label` names them in type notes (`new Owner(config)`). */
function paramsOf(fn: ts.SignatureDeclarationBase, sf: ts.SourceFile, session: TypeSession | null, label: (name: string) => string = (n) => n): { params: ParamInfo[]; typeNotes: TypeNote[] } {
  const params: ParamInfo[] = [];
  /** Parameter index in fn.parameters of each entry of params. */
  const indexOf: number[] = [];
  const wanted: number[] = [];
  fn.parameters.forEach((p, index) => {
    if (ts.isIdentifier(p.name) && p.name.text === 'this') return;
    const { typeNode, schema, optional } = schemaOfParameter(p, sf);
    if (session && wantsChecker(fn as ts.SignatureDeclaration, p, typeNode, schema)) wanted.push(params.length);
    indexOf.push(index);
    params.push({
      name: p.name.getText(sf),
      typeText: typeNode ? typeNode.getText(sf) : null,
      type: schema,
      optional,
      rest: !!p.dotDotDotToken,
    });
  });
  const typeNotes: TypeNote[] = [];
  if (!session) return { params, typeNotes };
  if (wanted.length > 0) typeNotes.push(...checkedTypes(fn, params, indexOf, wanted, session, label));
  inferUntyped(fn, params, indexOf, session);
  return { params, typeNotes };
}

/**
 * Untyped identifier parameters that still have no schema get the types TypeScript infers from
 * their use in the function (see checker.ts inferredParamTypes): `version.trim()` makes a string.
 */
function inferUntyped(fn: ts.SignatureDeclarationBase, params: ParamInfo[], indexOf: number[], session: TypeSession): void {
  const untyped: number[] = [];
  params.forEach((p, k) => {
    const decl = fn.parameters[indexOf[k]!];
    if (decl && ts.isIdentifier(decl.name) && p.typeText === null && !p.rest && p.type.kind === 'unknown') untyped.push(k);
  });
  if (untyped.length === 0) return;
  const inferred = session.inferred(fn as ts.SignatureDeclaration, untyped.map((k) => indexOf[k]!));
  for (const k of untyped) {
    const r = inferred.get(indexOf[k]!);
    if (!r?.schema) continue;
    const info = params[k]!;
    info.type = info.optional ? withUndefined(r.schema) : r.schema;
    info.inferred = r.inferred;
  }
}

/**
 * Instances of the method's own class among its parameters (`compare(other: SemVer)`) whose
 * constructor arguments the checker could not type (an untyped JS constructor) get the
 * receiver's constructor parameter schemas, typed by usage inference.
 */
function typeOwnerInstances(params: ParamInfo[], ctorParams: ParamInfo[], ownerRef: number): void {
  if (ownerRef < 0 || ctorParams.every((p) => p.type.kind === 'unknown')) return;
  const args = (): TypeSchema[] => ctorParams.map((p) => structuredClone(p.type));
  const visit = (s: TypeSchema): void => {
    if (s.kind === 'instance' && s.ref === ownerRef && s.args.every((a) => a.kind === 'unknown')) s.args = args();
    else childSchemas(s).forEach(visit);
  };
  for (const p of params) visit(p.type);
}

/** The checker's schemas for the `wanted` parameters (indices into `params`), with notes on what stays unknown. */
function checkedTypes(fn: ts.SignatureDeclarationBase, params: ParamInfo[], indexOf: number[], wanted: number[], session: TypeSession, label: (name: string) => string): TypeNote[] {
  const typeNotes: TypeNote[] = [];
  const { program, failure } = session.get();
  const results = program ? checkerParamTypes(program, fn as ts.SignatureDeclaration, wanted.map((k) => indexOf[k]!), session.classes) : new Map<number, CheckerParamType>();
  for (const k of wanted) {
    const info = params[k]!;
    const r = results.get(indexOf[k]!);
    if (r?.schema && r.schema.kind !== 'unknown') info.type = info.optional && !info.rest ? withUndefined(r.schema) : r.schema;
    const reasons: string[] = [];
    if (failure) reasons.push(failure);
    else if (!r) reasons.push('the type checker did not find the function');
    if (containsUnknown(info.type)) reasons.push(...(r?.problems ?? []));
    if (program?.configProblem) reasons.push(program.configProblem);
    if (reasons.length) typeNotes.push({ param: label(info.name), type: (info.typeText ?? r?.typeText ?? '(untyped)').replace(/\s+/g, ' '), reason: reasons.join('; ') });
  }
  return typeNotes;
}

/** The constructor (with a body) of the class that owns an instance-method target, if any. */
export function ownerConstructor(statement: ts.Statement): ts.ConstructorDeclaration | null {
  if (!ts.isClassDeclaration(statement)) return null;
  return statement.members.find((x): x is ts.ConstructorDeclaration => ts.isConstructorDeclaration(x) && !!x.body) ?? null;
}

/**
 * Finds the selected function in `file` (read from disk unless `fileText` is given).
 * Throws InputError for a missing file, an unsupported extension, a syntax error, or a
 * selector that matches no supported function.
 */
export function extractTarget(file: string, selector: TargetSelector, fileText?: string, options: ExtractOptions = {}): TargetFunction {
  const abs = path.resolve(file);
  const shown = displayPath(abs);
  if (!isSupportedFile(abs)) {
    throw new InputError(`Unsupported file type '${path.extname(abs) || '(none)'}' for ${shown}; Hotpath supports ${SUPPORTED_EXTENSIONS.join(' ')} files.`);
  }
  let text = fileText;
  if (text === undefined) {
    try {
      text = readFileSync(abs, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`File not found: ${shown}`);
      if (code === 'EISDIR') throw new InputError(`Not a file: ${shown}`);
      throw new InputError(`Cannot read ${shown}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const sf = parseSource(abs, text);
  const problem = syntaxErrors(sf)[0];
  if (problem) throw new InputError(`${shown}:${problem.line}:${problem.column}: ${problem.message}`);

  const chosen = select(collect(sf), selector, sf, shown);
  const fn = chosen.fn!;
  const statement = chosen.statement!;
  const ownerStart = statement.getStart(sf);
  const ownerEnd = statement.end;
  // For a method the candidate replaces the member; for a function, the whole statement.
  const replaced = chosen.member ?? statement;
  const statementStart = replaced.getStart(sf);
  const statementEnd = replaced.end;
  const exportName = chosen.method ? chosen.method.owner : chosen.info.name;
  const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword) || exportedByReference(sf).has(exportName);
  const returnType = fn.type ?? ts.getJSDocReturnType(fn);
  const method: MethodInfo | null = chosen.method ? { ...chosen.method, ownerStart, ownerEnd } : null;
  const session = (options.types ?? 'checker') === 'checker' ? new TypeSession(abs, sf, fn.pos) : null;
  const { params, typeNotes } = paramsOf(fn, sf, session);
  // An instance method's receivers are built from its class's constructor parameters: typed alike.
  const ctor = method?.kind === 'instance' ? ownerConstructor(statement) : null;
  const receiver = ctor ? paramsOf(ctor, sf, session, (n) => `new ${method!.owner}(${n})`) : null;
  if (receiver) typeNotes.push(...receiver.typeNotes);
  const classes = session?.classes.refs ?? [];
  if (receiver && method) typeOwnerInstances(params, receiver.params, classes.findIndex((c) => c.file === abs && c.name === method.owner && c.exportName === null));

  return {
    file: abs,
    name: chosen.info.name,
    language: languageOf(abs),
    shape: chosen.shape!,
    async: hasModifier(fn, ts.SyntaxKind.AsyncKeyword),
    generator: false,
    exported,
    params,
    typeNotes,
    returnTypeText: returnType ? returnType.getText(sf) : null,
    fileText: text,
    statementStart,
    statementEnd,
    text: text.slice(statementStart, statementEnd),
    start: positionOf(sf, statementStart),
    end: positionOf(sf, statementEnd),
    context: moduleContext(abs, sf, statement),
    method,
    ...(receiver ? { ctorParams: receiver.params } : {}),
    ...(classes.length > 0 ? { classes } : {}),
  };
}
