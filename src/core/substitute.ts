/**
 * Turning a candidate's source (a function with the target's name, maybe with helpers and
 * imports) into a new version of the user's file. A candidate that cannot be used is a
 * reason (data), never an exception.
 */
import path from 'node:path';
import ts from 'typescript';
import { declaredNames, importedNames, isImportStatement, parseSource, syntaxErrors } from './extract';
import type { TargetFunction } from './types';

export interface ParsedCandidate {
  /** The new top-level statement declaring target.name. */
  statement: string;
  /** Other top-level declarations it brings (not already in the module), in order. */
  helpers: string[];
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

function unwrapFunction(e: ts.Expression | undefined): ts.ArrowFunction | ts.FunctionExpression | null {
  let cur = e;
  while (cur) {
    if (ts.isArrowFunction(cur) || ts.isFunctionExpression(cur)) return cur;
    if (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur) || ts.isSatisfiesExpression(cur)) cur = cur.expression;
    else return null;
  }
  return null;
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
  const name = target.name;
  const code = stripFences(candidateText);
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
  const imports: string[] = [];
  const helperNames = new Set<string>();

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

    if (ts.isFunctionDeclaration(st) && st.name?.text === name) {
      if (!st.body) continue; // an overload signature: the module keeps its own
      if (st.asteriskToken) return { ok: false, reason: `The variant makes '${name}' a generator function.` };
      if (statement !== null) return { ok: false, reason: `The variant defines '${name}' more than once.` };
      statement = st.getText(sf);
      continue;
    }
    if (ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)) {
      const decls = st.declarationList.declarations;
      if (decls.length > 1) return { ok: false, reason: `The variant declares '${name}' together with other variables; give it its own statement.` };
      const fn = unwrapFunction(decls[0]!.initializer);
      if (!fn) {
        return { ok: false, reason: `The variant's '${name}' is not a function declaration, arrow function or function expression.` };
      }
      if (ts.isFunctionExpression(fn) && fn.asteriskToken) return { ok: false, reason: `The variant makes '${name}' a generator function.` };
      if (statement !== null) return { ok: false, reason: `The variant defines '${name}' more than once.` };
      statement = st.getText(sf);
      continue;
    }

    const names = declaredNames(st);
    if (names.length === 0 || ts.isModuleDeclaration(st)) {
      const first = st.getText(sf).split('\n')[0]!.trim();
      const shown = first.length > 60 ? `${first.slice(0, 57)}...` : first;
      return {
        ok: false,
        reason: `The variant has a top-level statement that is not a declaration or import (line ${lineOf(sf, st)}: ${shown}); it may only define '${name}', helpers and imports.`,
      };
    }
    if (ts.isFunctionDeclaration(st) && !st.body) continue; // overload signatures of a helper: its implementation is enough
    const text = withoutExport(st.getText(sf));
    let identical = true;
    for (const { name: n } of names) {
      if (n === name) return { ok: false, reason: `The variant defines '${name}' more than once.` };
      if (helperNames.has(n)) return { ok: false, reason: `The variant defines '${n}' more than once.` };
      if (mod.imported.has(n)) return { ok: false, reason: `The variant redefines '${n}', which the module already imports.` };
      const existing = mod.declared.get(n);
      if (!existing) identical = false;
      else if (!existing.includes(normalize(text))) return { ok: false, reason: `The variant redefines '${n}', which the module already declares.` };
    }
    if (identical) continue;
    for (const { name: n } of names) helperNames.add(n);
    helpers.push(text);
  }

  if (statement === null) return { ok: false, reason: `The variant does not define a function named '${name}'.` };
  return { ok: true, candidate: { statement, helpers, imports } };
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
  if (candidate.statement === target.text && candidate.helpers.length === 0 && candidate.imports.length === 0) return file;
  const eol = detectEol(file);
  const indent = detectIndent(file);
  const kind = scriptKindForCandidate(target);
  const sf = parseSource(target.file, file);
  const st = findTargetStatement(sf, target);

  const statement = matchExport(target.text, restyle(candidate.statement, eol, indent, kind), target.name, eol);
  const edits: Edit[] = [{ start: target.statementStart, end: target.statementEnd, text: statement }];

  if (candidate.helpers.length > 0) {
    const at = helperAnchor(file, st, target.statementStart);
    const helpers = candidate.helpers.map((h) => restyle(h, eol, indent, kind));
    edits.push({ start: at, end: at, text: helpers.join(eol + eol) + eol + eol });
  }

  if (candidate.imports.length > 0) {
    const imports = candidate.imports.map((i) => restyle(i, eol, indent, kind)).join(eol);
    const before = sf.statements.filter((s) => isImportStatement(s) && s.end <= target.statementStart);
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
