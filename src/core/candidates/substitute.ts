/**
 * Turning a candidate's source (a function with the target's name, maybe with helpers and
 * imports) into a new version of the user's file. A candidate that cannot be used is a
 * reason (data), never an exception.
 */
import path from 'node:path';
import ts from 'typescript';
import { declaredNames, importedNames, isImportStatement, parseSource, syntaxErrors, unwrapFunction } from '../target/extract';
import type { TargetFunction } from '../types';

export interface ParsedCandidate {
  /** The new top-level statement declaring target.name. */
  statement: string;
  /**
   * Other top-level code it brings (not already in the module), in order, placed just before the
   * target: helper declarations, and module-level statements written before the target (a lookup
   * table filled by a loop, `Object.freeze(...)`, an IIFE), which run once when the module loads.
   */
  helpers: string[];
  /** Module-level statements (not declarations) the candidate writes after the target: placed just after it. */
  trailing?: string[];
  /** Import statements it needs that the module does not have yet. */
  imports: string[];
}

export type ParseCandidateResult = { ok: true; candidate: ParsedCandidate } | { ok: false; reason: string };

/** The identity candidate: applying it gives back the file unchanged. */
export function originalCandidate(target: TargetFunction): ParsedCandidate {
  return { statement: target.text, helpers: [], imports: [] };
}

/** Whitespace- and semicolon-insensitive form of a statement, for "is this already there" checks. */
function normalize(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s*([{}();,:=<>[\]])\s*/g, '$1')
    .replace(/;+$/, '')
    .replace(/"/g, "'")
    .trim();
}

/** Code inside a single leading Markdown fence, if the text is fenced. */
function stripFences(text: string): string {
  const m = /^\s*```[^\n]*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return m ? m[1]! : text;
}

function scriptKindForCandidate(target: TargetFunction): ts.ScriptKind {
  const ext = path.extname(target.file).toLowerCase();
  if (target.language === 'typescript') return ext === '.tsx' ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return ext === '.jsx' ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

/** The first TypeScript-only construct in JavaScript code, as "line:col: message". */
function typeScriptInJavaScript(code: string, target: TargetFunction): string | null {
  const ext = path.extname(target.file).toLowerCase() === '.jsx' ? '.jsx' : '.js';
  const out = ts.transpileModule(code, {
    fileName: `candidate${ext}`,
    reportDiagnostics: true,
    compilerOptions: { allowJs: true, target: ts.ScriptTarget.ES2022, jsx: ts.JsxEmit.Preserve },
  });
  const d = out.diagnostics?.find((x) => x.start !== undefined);
  if (!d || d.start === undefined) return null;
  const lc = ts.getLineAndCharacterOfPosition(ts.createSourceFile('c.js', code, ts.ScriptTarget.Latest), d.start);
  return `${lc.line + 1}:${lc.character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
}


function isExportsAssignment(st: ts.Statement): boolean {
  if (!ts.isExpressionStatement(st) || !ts.isBinaryExpression(st.expression)) return false;
  if (st.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
  const text = st.expression.left.getText();
  return /^(module\.exports|exports)(\.|$|\[)/.test(text);
}

interface ModuleNames {
  /** name → normalized texts of the module's declarations of it. */
  declared: Map<string, string[]>;
  /** name → module specifier it is imported from ('' when unknown). */
  imported: Map<string, string>;
  /** Normalized import statements. */
  importTexts: Set<string>;
}

function specifierOf(st: ts.Statement): string {
  if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) return st.moduleSpecifier.text;
  if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference) && ts.isStringLiteral(st.moduleReference.expression)) {
    return st.moduleReference.expression.text;
  }
  const m = /require\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/.exec(st.getText());
  return m ? m[1]! : '';
}

function moduleNames(target: TargetFunction, kind: ts.ScriptKind): ModuleNames {
  const declared = new Map<string, string[]>();
  for (const d of target.context.declarations) {
    const list = declared.get(d.name) ?? [];
    list.push(normalize(withoutExport(d.text)));
    declared.set(d.name, list);
  }
  const imported = new Map<string, string>();
  const importTexts = new Set<string>();
  for (const text of target.context.imports) {
    importTexts.add(normalize(text));
    const sf = parseSource('imports', text, kind);
    for (const st of sf.statements) {
      const spec = specifierOf(st);
      for (const name of importedNames(st)) imported.set(name, spec);
    }
  }
  return { declared, imported, importTexts };
}

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

/** Drops `export` / `export default` in front of a helper: helpers must not change the module's exports. */
function withoutExport(text: string): string {
  return text.replace(/^export\s+(default\s+)?/, '');
}

/**
 * Checks a candidate's source against the target and the module around it, and splits it into
 * the replacement statement, new helpers and new imports.
 */
export function parseCandidate(target: TargetFunction, candidateText: string): ParseCandidateResult {
  const name = target.method ? target.method.owner : target.name;
  const code = stripFences(candidateText);
  if (target.method) {
    const bare = parseBareMember(target, code);
    if (bare) return bare;
  }
  const kind = scriptKindForCandidate(target);
  const sf = parseSource(target.language === 'typescript' ? 'candidate.ts' : 'candidate.js', code, kind);
  const problem = syntaxErrors(sf)[0];
  if (problem) return { ok: false, reason: `The variant has a syntax error at ${problem.line}:${problem.column}: ${problem.message}` };
  if (target.language === 'javascript') {
    const tsOnly = typeScriptInJavaScript(code, target);
    if (tsOnly) return { ok: false, reason: `The variant uses TypeScript syntax in a JavaScript file, at ${tsOnly}` };
  }

  const mod = moduleNames(target, kind);
  let statement: string | null = null;
  const helpers: string[] = [];
  const trailing: string[] = [];
  const imports: string[] = [];
  const helperNames = new Set<string>();
  const moduleStatements = moduleCodeStatements(target);

  for (const st of sf.statements) {
    if (ts.isEmptyStatement(st)) continue;
    if (ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression)) continue; // 'use strict'
    // The module keeps its own exports.
    if (ts.isExportDeclaration(st) && !st.moduleSpecifier) continue;
    if (ts.isExportAssignment(st) || isExportsAssignment(st)) continue;

    if (isImportStatement(st)) {
      if (target.context.moduleKind === 'cjs' && (ts.isImportDeclaration(st) || ts.isImportEqualsDeclaration(st))) {
        return { ok: false, reason: `The variant uses an import statement (line ${lineOf(sf, st)}) in a CommonJS module; use require() instead.` };
      }
      const text = st.getText(sf);
      if (mod.importTexts.has(normalize(text))) continue;
      const spec = specifierOf(st);
      const names = importedNames(st);
      const already = names.filter((n) => mod.imported.get(n) === spec);
      for (const n of names) {
        if (n === name) return { ok: false, reason: `The variant imports '${n}', which is the target's own name.` };
        if (mod.declared.has(n) || (mod.imported.has(n) && mod.imported.get(n) !== spec)) {
          return { ok: false, reason: `The variant imports '${n}', which the module already declares.` };
        }
      }
      if (names.length > 0 && already.length === names.length) continue;
      if (already.length > 0) {
        return { ok: false, reason: `The variant imports '${already[0]}' again; the module already imports it from '${spec}'.` };
      }
      if (imports.some((i) => normalize(i) === normalize(text))) continue;
      imports.push(text);
      for (const n of names) mod.imported.set(n, spec);
      continue;
    }

    if (target.method && ownerDeclares(st, name)) {
      if (statement !== null) return { ok: false, reason: `The variant defines '${name}' more than once (again at line ${lineOf(sf, st)}).` };
      const member = memberOf(target, st, sf);
      if (!member.ok) return member;
      statement = member.text;
      continue;
    }
    if (!target.method && ts.isFunctionDeclaration(st) && st.name?.text === name) {
      if (!st.body) continue; // an overload signature: the module keeps its own
      if (st.asteriskToken) return { ok: false, reason: `The variant makes '${name}' a generator function.` };
      if (statement !== null) return { ok: false, reason: `The variant defines '${name}' more than once (again at line ${lineOf(sf, st)}).` };
      statement = st.getText(sf);
      continue;
    }
    if (!target.method && ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)) {
      const decls = st.declarationList.declarations;
      if (decls.length > 1) return { ok: false, reason: `The variant declares '${name}' together with other variables; give it its own statement.` };
      const fn = unwrapFunction(decls[0]!.initializer);
      if (!fn) {
        return { ok: false, reason: `The variant's '${name}' is not a function declaration, arrow function or function expression.` };
      }
      if (ts.isFunctionExpression(fn) && fn.asteriskToken) return { ok: false, reason: `The variant makes '${name}' a generator function.` };
      if (statement !== null) return { ok: false, reason: `The variant defines '${name}' more than once (again at line ${lineOf(sf, st)}).` };
      statement = st.getText(sf);
      continue;
    }

    const names = declaredNames(st);
    if (names.length === 0 || ts.isModuleDeclaration(st)) {
      // Module-level code (filling a lookup table, Object.freeze, an IIFE): it runs once when the
      // module loads, in the sandbox as in the user's module. Usage examples that only print are
      // left out: they are not part of the optimization and would print when the module loads.
      if (isUsageExample(st, target)) continue;
      const text = st.getText(sf);
      if (moduleStatements.has(normalize(text))) continue; // the module already runs it
      (statement === null ? helpers : trailing).push(text);
      continue;
    }
    if (ts.isFunctionDeclaration(st) && !st.body) continue; // overload signatures of a helper: its implementation is enough
    const text = withoutExport(st.getText(sf));
    const at = `line ${lineOf(sf, st)}`;
    let identical = true;
    for (const { name: n } of names) {
      if (n === name) return { ok: false, reason: `The variant defines '${name}' more than once (again at ${at}).` };
      if (helperNames.has(n)) return { ok: false, reason: `The variant defines '${n}' more than once (again at ${at}).` };
      if (mod.imported.has(n)) return { ok: false, reason: `The variant redefines '${n}' at ${at}, which the module already imports.` };
      const existing = mod.declared.get(n);
      if (!existing) identical = false;
      else if (!existing.includes(normalize(text))) return { ok: false, reason: `The variant redefines '${n}' at ${at}, which the module already declares differently.` };
    }
    if (identical) continue;
    for (const { name: n } of names) helperNames.add(n);
    helpers.push(text);
  }

  if (statement === null && target.method) {
    const m = target.method;
    const form = m.kind === 'object' ? `const ${m.owner} = { ... }` : `class ${m.owner} { ... }`;
    return { ok: false, reason: `The variant does not define '${target.name}': give the ${m.kind === 'object' ? 'object' : 'class'} with just that member (${form}).` };
  }
  if (statement === null) return { ok: false, reason: `The variant does not define a function named '${name}'.` };
  return { ok: true, candidate: { statement, helpers, imports, ...(trailing.length ? { trailing } : {}) } };
}

/** Normalized texts of the module's own top-level statements that are neither imports nor declarations. */
function moduleCodeStatements(target: TargetFunction): Set<string> {
  const sf = parseSource(target.file, target.fileText);
  const out = new Set<string>();
  for (const st of sf.statements) {
    if (isImportStatement(st) || declaredNames(st).length > 0 || ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) continue;
    out.add(normalize(st.getText(sf)));
  }
  return out;
}

/**
 * A statement that is only a usage example: a call of the global console object or a
 * bare call of the target itself (`sum([1, 2]);`). It is not part of an optimization, and in the
 * user's module it would print or run the function when the module loads.
 */
function isUsageExample(st: ts.Statement, target: TargetFunction): boolean {
  if (!ts.isExpressionStatement(st)) return false;
  let e: ts.Expression = st.expression;
  while (ts.isAwaitExpression(e) || ts.isVoidExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
  if (!ts.isCallExpression(e)) return false;
  const callee = e.expression;
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'console') return true;
  if (target.method) {
    // Owner.member(...) or new Owner(...).member(...)
    return ts.isPropertyAccessExpression(callee) && callee.name.text === target.method.member;
  }
  return ts.isIdentifier(callee) && callee.text === target.name;
}

// ---------------------------------------------------------------------------------------------
// Methods

/** True when a candidate statement declares the method's owner (`class Owner`, `const Owner = {...}`). */
function ownerDeclares(st: ts.Statement, owner: string): boolean {
  if (ts.isClassDeclaration(st)) return st.name?.text === owner;
  if (ts.isVariableStatement(st)) return st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === owner);
  return false;
}

function objectOf(e: ts.Expression | undefined): ts.ObjectLiteralExpression | null {
  let cur = e;
  while (cur && (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur) || ts.isSatisfiesExpression(cur))) cur = cur.expression;
  return cur && ts.isObjectLiteralExpression(cur) ? cur : null;
}

function memberName(m: ts.ClassElement | ts.ObjectLiteralElementLike): string | null {
  const n = m.name;
  if (!n) return ts.isConstructorDeclaration(m) ? 'constructor' : null;
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isPrivateIdentifier(n) || ts.isNumericLiteral(n)) return n.text;
  return n.getText();
}

function hasMod(n: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === kind);
}

/** Normalized texts of the original owner's members, to let a candidate repeat them unchanged (field declarations). */
function originalMembers(target: TargetFunction): Set<string> {
  const m = target.method!;
  const sf = parseSource(target.file, target.fileText);
  const st = sf.statements.find((x) => x.getStart(sf) === m.ownerStart);
  const out = new Set<string>();
  if (!st) return out;
  const members: readonly ts.Node[] = ts.isClassDeclaration(st)
    ? st.members
    : ts.isVariableStatement(st)
      ? (objectOf(st.declarationList.declarations[0]?.initializer)?.properties ?? [])
      : [];
  for (const x of members) out.add(normalize(x.getText(sf)));
  return out;
}

/**
 * The one member a candidate's owner declaration redefines, checked against the target: same
 * name, same kind (static stays static, getter stays getter, async stays async), no generator,
 * and no other new members. Returns the member's text re-indented to column 0.
 */
function memberOf(target: TargetFunction, st: ts.Statement, sf: ts.SourceFile): { ok: true; text: string } | { ok: false; reason: string } {
  const m = target.method!;
  let members: readonly (ts.ClassElement | ts.ObjectLiteralElementLike)[];
  if (m.kind === 'object') {
    const obj = ts.isVariableStatement(st) && st.declarationList.declarations.length === 1 ? objectOf(st.declarationList.declarations[0]!.initializer) : null;
    if (!obj) return { ok: false, reason: `The variant's '${m.owner}' is not an object literal (const ${m.owner} = { ... }).` };
    members = obj.properties;
  } else {
    if (!ts.isClassDeclaration(st)) return { ok: false, reason: `The variant's '${m.owner}' is not a class.` };
    if (st.heritageClauses?.length) return { ok: false, reason: `The variant changes the heritage of class '${m.owner}'; give the class with just the '${m.member}' member.` };
    members = st.members;
  }
  const known = originalMembers(target);
  const found: (ts.ClassElement | ts.ObjectLiteralElementLike)[] = [];
  const others: string[] = [];
  for (const x of members) {
    if (ts.isSemicolonClassElement(x)) continue;
    const n = memberName(x);
    // The member itself (even unchanged); a same-named setter repeated as is stays context.
    const isTarget = n === m.member && !(x.name && ts.isPrivateIdentifier(x.name)) && !(ts.isSetAccessor(x) && known.has(normalize(x.getText(sf))));
    if (isTarget) {
      if ((ts.isMethodDeclaration(x) || ts.isGetAccessor(x)) && !x.body) continue; // overload signature
      found.push(x);
    } else if (!known.has(normalize(x.getText(sf)))) others.push(n ?? x.getText(sf).split('\n')[0]!.trim());
  }
  if (others.length > 0) {
    return {
      ok: false,
      reason: `The variant defines other members of '${m.owner}' (${others.slice(0, 3).map((o) => `'${o}'`).join(', ')}); it may only redefine '${m.member}'. Put helpers in top-level functions or constants instead.`,
    };
  }
  if (found.length === 0) {
    const same = members.find((x) => memberName(x) === m.member);
    if (same) return { ok: false, reason: `The variant changes the kind of '${target.name}' (${describeMember(same)} instead of ${describeTarget(target)}).` };
    return { ok: false, reason: `The variant's '${m.owner}' does not define '${m.member}'.` };
  }
  if (found.length > 1) return { ok: false, reason: `The variant defines '${target.name}' more than once.` };
  const x = found[0]!;
  const problem = kindProblem(target, x);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, text: dedentMember(sf.text, x.getStart(sf), x.end) };
}

function describeTarget(target: TargetFunction): string {
  const m = target.method!;
  const words = [m.kind === 'static' ? 'static' : '', target.async ? 'async' : '', m.accessor === 'getter' ? 'getter' : 'method'].filter(Boolean).join(' ');
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
}

function describeMember(x: ts.Node): string {
  const stat = hasMod(x, ts.SyntaxKind.StaticKeyword) ? 'static ' : '';
  if (ts.isGetAccessor(x)) return `a ${stat}getter`;
  if (ts.isSetAccessor(x)) return `a ${stat}setter`;
  if (ts.isMethodDeclaration(x)) return `a ${stat}method`;
  if (ts.isPropertyDeclaration(x)) return `a ${stat}field`;
  return 'a property';
}

/** Why the candidate's member does not keep the target's kind, or null. */
function kindProblem(target: TargetFunction, x: ts.Node): string | null {
  const m = target.method!;
  const getter = ts.isGetAccessor(x);
  const isStatic = hasMod(x, ts.SyntaxKind.StaticKeyword);
  if (getter !== (m.accessor === 'getter') || (m.kind !== 'object' && isStatic !== (m.kind === 'static'))) return `The variant changes the kind of '${target.name}' (${describeMember(x)} instead of ${describeTarget(target)}).`;
  let fn: ts.FunctionLikeDeclaration | null = null;
  if (ts.isMethodDeclaration(x) || ts.isGetAccessor(x)) fn = x;
  else if (ts.isPropertyAssignment(x) && m.kind === 'object') {
    let e: ts.Expression = x.initializer;
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) fn = e;
  }
  if (!fn) return `The variant's '${target.name}' is not a method.`;
  if (!ts.isArrowFunction(fn) && fn.asteriskToken) return `The variant makes '${target.name}' a generator.`;
  const isAsync = hasMod(fn, ts.SyntaxKind.AsyncKeyword);
  if (isAsync !== target.async) return `The variant makes '${target.name}' ${isAsync ? 'async' : 'not async'}; it must stay ${target.async ? 'async' : 'synchronous'}.`;
  return null;
}

/** A member's text with the indentation of its own first line removed from the lines after it. */
function dedentMember(code: string, start: number, end: number): string {
  const lineStart = code.lastIndexOf('\n', start - 1) + 1;
  const col = /^[ \t]*/.exec(code.slice(lineStart, start))![0];
  const text = code.slice(start, end);
  if (!col) return text;
  return text
    .split('\n')
    .map((line, i) => (i > 0 && line.startsWith(col) ? line.slice(col.length) : line))
    .join('\n');
}

/**
 * A candidate that is only the member (`member(a) { ... }`, `get member() { ... }`,
 * `static member() {}`): parsed inside a stand-in owner. Null when the code is not of that form.
 */
function parseBareMember(target: TargetFunction, code: string): ParseCandidateResult | null {
  const m = target.method!;
  const kind = scriptKindForCandidate(target);
  const direct = parseSource(target.language === 'typescript' ? 'candidate.ts' : 'candidate.js', code, kind);
  if (syntaxErrors(direct).length === 0 && direct.statements.some((st) => ownerDeclares(st, m.owner))) return null;
  const open = m.kind === 'object' ? `const ${m.owner} = {\n` : `class ${m.owner} {\n`;
  const wrapped = `${open}${code}\n}${m.kind === 'object' ? ';' : ''}\n`;
  const sf = parseSource(target.language === 'typescript' ? 'candidate.ts' : 'candidate.js', wrapped, kind);
  if (syntaxErrors(sf).length > 0 || sf.statements.length !== 1) return null;
  if (target.language === 'javascript') {
    const tsOnly = typeScriptInJavaScript(wrapped, target);
    if (tsOnly) return { ok: false, reason: `The variant uses TypeScript syntax in a JavaScript file, at ${tsOnly}` };
  }
  const member = memberOf(target, sf.statements[0]!, sf);
  if (!member.ok) return member;
  return { ok: true, candidate: { statement: member.text, helpers: [], imports: [] } };
}

/** The member's new text placed at the target member's column: lines after the first get the member's indentation. */
function indentMember(text: string, target: TargetFunction, eol: string): string {
  const file = target.fileText;
  const lineStart = file.lastIndexOf('\n', target.statementStart - 1) + 1;
  const col = /^[ \t]*/.exec(file.slice(lineStart, target.statementStart))![0];
  if (!col) return text;
  const kind = scriptKindForCandidate(target);
  const keep = templateLineStarts(text.replace(/\r\n?/g, '\n'), kind);
  let offset = 0;
  return text
    .split(eol)
    .map((line, i) => {
      const at = offset;
      offset += line.length + 1;
      return i === 0 || keep.has(at) || line.length === 0 ? line : col + line;
    })
    .join(eol);
}

// ---------------------------------------------------------------------------------------------
// Applying

function detectEol(text: string): string {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

/** The file's indentation unit ('\t', '  ', '    ', ...), or null when it cannot tell. */
export function detectIndent(text: string): string | null {
  let tabLines = 0;
  let spaceLines = 0;
  const deltas = new Map<number, number>();
  let prev = 0;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const ws = /^[ \t]*/.exec(line)![0];
    if (ws.startsWith('\t')) {
      tabLines++;
      continue;
    }
    if (/^\s*\*/.test(line)) continue; // JSDoc continuation lines are off by one
    if (ws.length > 0) spaceLines++;
    const d = Math.abs(ws.length - prev);
    if (d >= 2 && d <= 8) deltas.set(d, (deltas.get(d) ?? 0) + 1);
    prev = ws.length;
  }
  if (tabLines > spaceLines) return '\t';
  let best: number | null = null;
  let bestCount = 0;
  for (const [d, count] of deltas) {
    if (count > bestCount || (count === bestCount && best !== null && d < best)) {
      best = d;
      bestCount = count;
    }
  }
  return best === null ? null : ' '.repeat(best);
}

/** Offsets of line starts that lie inside a template literal (their whitespace is content). */
function templateLineStarts(code: string, kind: ts.ScriptKind): Set<number> {
  const starts = new Set<number>();
  if (!code.includes('`')) return starts;
  const sf = parseSource('piece', code, kind);
  const visit = (node: ts.Node) => {
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const from = node.getStart(sf);
      for (let i = code.indexOf('\n', from); i !== -1 && i < node.end; i = code.indexOf('\n', i + 1)) starts.add(i + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return starts;
}

/** The candidate's code in the file's line-ending and indentation style. */
function restyle(code: string, eol: string, fileIndent: string | null, kind: ts.ScriptKind): string {
  let text = code.replace(/\r\n?/g, '\n');
  const own = detectIndent(text);
  if (fileIndent && own && own !== fileIndent) {
    const keep = templateLineStarts(text, kind);
    let offset = 0;
    text = text
      .split('\n')
      .map((line) => {
        const at = offset;
        offset += line.length + 1;
        if (keep.has(at)) return line;
        const ws = /^[ \t]*/.exec(line)![0];
        if (!ws) return line;
        let levels: number;
        let rest: string;
        if (own === '\t') {
          const tabs = /^\t*/.exec(ws)![0].length;
          levels = tabs;
          rest = ws.slice(tabs);
        } else {
          if (ws.includes('\t')) return line;
          levels = Math.floor(ws.length / own.length);
          rest = ' '.repeat(ws.length % own.length);
        }
        return fileIndent.repeat(levels) + rest + line.slice(ws.length);
      })
      .join('\n');
  }
  return eol === '\n' ? text : text.replace(/\n/g, eol);
}

const EXPORT_DEFAULT = /^export\s+default\s+/;
const EXPORT = /^export\s+/;

/** The candidate's statement with the original statement's export form. */
function matchExport(original: string, statement: string, name: string, eol: string): string {
  const stripped = statement.replace(EXPORT_DEFAULT, '').replace(EXPORT, '');
  const def = EXPORT_DEFAULT.exec(original);
  if (def) {
    // `export default const f = ...` is not valid: export the variable by name after it.
    if (/^(const|let|var)\s/.test(stripped)) return `${stripped}${eol}export default ${name};`;
    return def[0] + stripped;
  }
  const exp = EXPORT.exec(original);
  return exp ? exp[0] + stripped : stripped;
}

function findTargetStatement(sf: ts.SourceFile, target: TargetFunction): ts.Statement | undefined {
  if (target.method) return sf.statements.find((st) => st.getStart(sf) === target.method!.ownerStart);
  return sf.statements.find((st) => st.getStart(sf) === target.statementStart && st.end === target.statementEnd);
}

/** Where helpers go: before the comments attached to the target statement (no blank line between). */
function helperAnchor(text: string, st: ts.Statement | undefined, statementStart: number): number {
  if (!st) return statementStart;
  const ranges = ts.getLeadingCommentRanges(text, st.getFullStart()) ?? [];
  let anchor = statementStart;
  for (let i = ranges.length - 1; i >= 0; i--) {
    const r = ranges[i]!;
    const gap = text.slice(r.end, anchor);
    if (/\S/.test(gap) || (gap.match(/\n/g) ?? []).length > 1) break;
    anchor = r.pos;
  }
  return anchor;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * The user's file with the candidate in place of the target statement: helpers go just before
 * it, new imports after the last import above it (or at the top). Export-ness follows the
 * original; line endings and indentation follow the file. The identity candidate gives back
 * the file byte for byte.
 */
export function applyCandidate(target: TargetFunction, candidate: ParsedCandidate): string {
  const file = target.fileText;
  const trailing = candidate.trailing ?? [];
  if (candidate.statement === target.text && candidate.helpers.length === 0 && trailing.length === 0 && candidate.imports.length === 0) return file;
  const eol = detectEol(file);
  const indent = detectIndent(file);
  const kind = scriptKindForCandidate(target);
  const sf = parseSource(target.file, file);
  const st = findTargetStatement(sf, target);
  // For a method, helpers and imports go relative to the owner's statement.
  const anchorStart = target.method ? target.method.ownerStart : target.statementStart;

  const statement = target.method
    ? indentMember(restyle(candidate.statement, eol, indent, kind), target, eol)
    : matchExport(target.text, restyle(candidate.statement, eol, indent, kind), target.name, eol);
  const edits: Edit[] = [{ start: target.statementStart, end: target.statementEnd, text: statement }];

  if (candidate.helpers.length > 0) {
    const at = helperAnchor(file, st, anchorStart);
    const helpers = candidate.helpers.map((h) => restyle(h, eol, indent, kind));
    edits.push({ start: at, end: at, text: helpers.join(eol + eol) + eol + eol });
  }
  if (trailing.length > 0) {
    // Module-level statements the candidate wrote after the target go right after it (after the
    // owner for a method), so that they still run after what they may refer to.
    const at = target.method ? target.method.ownerEnd : target.statementEnd;
    edits.push({ start: at, end: at, text: eol + eol + trailing.map((t) => restyle(t, eol, indent, kind)).join(eol + eol) });
  }

  if (candidate.imports.length > 0) {
    const imports = candidate.imports.map((i) => restyle(i, eol, indent, kind)).join(eol);
    const before = sf.statements.filter((s) => isImportStatement(s) && s.end <= anchorStart);
    const last = before[before.length - 1];
    if (last) {
      edits.push({ start: last.end, end: last.end, text: eol + imports });
    } else {
      // After a shebang and directive prologue ('use strict'), else at the very top.
      const directives = [];
      for (const s of sf.statements) {
        if (ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)) directives.push(s);
        else break;
      }
      const lastDirective = directives[directives.length - 1];
      if (lastDirective) {
        edits.push({ start: lastDirective.end, end: lastDirective.end, text: eol + imports });
      } else {
        const shebang = /^#![^\n]*\n/.exec(file);
        const at = shebang ? shebang[0].length : 0;
        edits.push({ start: at, end: at, text: imports + eol + eol });
      }
    }
  }

  // Apply from the end; at equal offsets the replacement goes first so insertions land before it.
  edits.sort((a, b) => b.start - a.start || b.end - b.start - (a.end - a.start));
  let out = file;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
