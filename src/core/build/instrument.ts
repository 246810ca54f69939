/**
 * Coverage instrumentation for verification runs. Node's permission model blocks the inspector
 * and NODE_V8_COVERAGE, so block coverage inside the sandbox comes from counters compiled into
 * the code: a copy of the module in which the target function (and every module-level function
 * it reaches) increments `__hotpath_cov__[id]` at each place where control can go one way or the
 * other.
 *
 * Enters: a module's text and the target's name (its position is found in that text). Leaves:
 * the instrumented text (for bundleVariant) and the probe table (id → line, what kind of branch,
 * the source line, the branch's condition) that turns the counters a run reports into "these
 * lines and branches never ran".
 *
 * Probes: function entry; then and else of every `if` (an `else` is added when there is none);
 * both arms of `?:`; the right side of `&&`, `||`, `??` (and their assignments); every `case` and
 * `default` of a `switch` (a default is added when there is none); loop bodies; `catch` blocks.
 * The counters change nothing else: every increment is an expression statement or the first
 * operand of a comma expression, so values, evaluation order, exceptions and `this` are those
 * of the original code. Benchmarks never use instrumented bundles.
 */
import ts from 'typescript';
import type { ProbeKind } from '../types';
import { COVERAGE_GLOBAL } from '../sandbox/protocol';
import { parseSource } from '../target/extract';
import { findTargetFunction, reachableFunctions } from '../target/reach';

export type { ProbeKind } from '../types';

export interface Probe {
  id: number;
  /** 1-based line (and column) in the module text where the branch starts. */
  line: number;
  column: number;
  kind: ProbeKind;
  /** The source line, trimmed (for reports). */
  source: string;
  /** Text of the condition that leads here (if/loop/?:/&&/case test), for aiming new inputs at it. */
  guard: string | null;
}

export interface Instrumented {
  text: string;
  probes: Probe[];
}

type FnNode = ts.FunctionLikeDeclaration;

/** Generator functions are left alone (not targets; their bodies run lazily). */
function isGenerator(fn: FnNode): boolean {
  return !ts.isArrowFunction(fn) && !!(fn as { asteriskToken?: ts.AsteriskToken }).asteriskToken;
}

/**
 * Instruments the target `targetName` (a function name, or `Owner.member`) of the module `text`.
 * Returns null when the target cannot be found in the text or the instrumented text does not
 * parse (callers then verify without coverage).
 */
export function instrumentForCoverage(fileName: string, text: string, targetName: string): Instrumented | null {
  const sf = parseSource(fileName, text);
  const found = findTargetFunction(sf, targetName);
  if (!found) return null;
  const roots = new Set<ts.Node>(reachableFunctions(sf, found.fn).filter((f) => !isGenerator(f)));
  if (roots.size === 0) return null;
  const probes: Probe[] = [];
  const tools = probeTools(sf, text, probes);

  const transformer: ts.TransformerFactory<ts.SourceFile> = (context) => {
    let depth = 0; // > 0 inside an instrumented function
    const visit = (node: ts.Node): ts.Node => {
      const original = ts.getOriginalNode(node);
      const entering = roots.has(original);
      if (entering) depth++;
      try {
        if (depth === 0) return ts.visitEachChild(node, visit, context);
        return instrumentNode(node, v);
      } finally {
        if (entering) depth--;
      }
    };
    const v: Visiting = {
      ...tools,
      context,
      visit,
      visitStatement: (st) => ts.visitNode(st, visit) as ts.Statement,
      visitExpression: (e) => ts.visitNode(e, visit) as ts.Expression,
    };
    return (root) => ts.visitNode(root, visit) as ts.SourceFile;
  };

  let out: string;
  try {
    const result = ts.transform(sf, [transformer]);
    out = ts.createPrinter({ removeComments: false }).printFile(result.transformed[0]!);
    result.dispose();
  } catch {
    return null;
  }
  if (probes.length === 0) return null;
  return { text: out, probes };
}

/** Making probes: each `probe` call adds one to `probes` (ids in call order) and returns its counter increment. */
interface ProbeTools {
  probe: (at: ts.Node, kind: ProbeKind, guard: ts.Node | null) => ts.Expression;
  stmt: (e: ts.Expression) => ts.Statement;
  /** `(counter, e)`. */
  comma: (counter: ts.Expression, e: ts.Expression) => ts.Expression;
  /** A statement as a block that first counts `kind` (blocks keep their statements). */
  counted: (s: ts.Statement, kind: ProbeKind, guard: ts.Node | null, visited: ts.Statement) => ts.Block;
}

/** The probe tools, with the table they fill and the function visiting children within an instrumented function. */
interface Visiting extends ProbeTools {
  context: ts.TransformationContext;
  visit: (node: ts.Node) => ts.Node;
  visitStatement: (s: ts.Statement) => ts.Statement;
  visitExpression: (e: ts.Expression) => ts.Expression;
}

function probeTools(sf: ts.SourceFile, text: string, probes: Probe[]): ProbeTools {
  const lines = text.split(/\r?\n/);
  const f = ts.factory;
  const probe = (at: ts.Node, kind: ProbeKind, guard: ts.Node | null): ts.Expression => {
    const id = probes.length;
    const lc = sf.getLineAndCharacterOfPosition(at.getStart(sf));
    probes.push({ id, line: lc.line + 1, column: lc.character + 1, kind, source: (lines[lc.line] ?? '').trim().slice(0, 160), guard: guard ? guard.getText(sf).slice(0, 400) : null });
    return f.createPostfixIncrement(f.createElementAccessExpression(f.createIdentifier(COVERAGE_GLOBAL), f.createNumericLiteral(id)));
  };
  const stmt = (e: ts.Expression): ts.Statement => f.createExpressionStatement(e);
  const comma = (counter: ts.Expression, e: ts.Expression): ts.Expression => f.createParenthesizedExpression(f.createComma(counter, e));
  const counted = (s: ts.Statement, kind: ProbeKind, guard: ts.Node | null, visited: ts.Statement): ts.Block => {
    const c = stmt(probe(s, kind, guard));
    if (ts.isBlock(visited)) return f.updateBlock(visited, [c, ...visited.statements]);
    return f.createBlock([c, visited], true);
  };
  return { probe, stmt, comma, counted };
}

/** A node inside an instrumented function, with its probes (children first where the original order needs it). */
function instrumentNode(node: ts.Node, v: Visiting): ts.Node {
  const { probe, stmt, comma, counted, visit, visitStatement, visitExpression, context } = v;
  const f = ts.factory;
  // Functions (the roots and functions nested in them): count the entry.
  if (ts.isFunctionLike(node) && (node as FnNode).body && !isGenerator(node as FnNode)) return instrumentFunction(node as FnNode, v);
  if (ts.isIfStatement(node)) {
    const expression = visitExpression(node.expression);
    const thenS = counted(node.thenStatement, 'then', node.expression, visitStatement(node.thenStatement));
    const elseS = node.elseStatement
      ? counted(node.elseStatement, 'else', node.expression, visitStatement(node.elseStatement))
      : f.createBlock([stmt(probe(node, 'else', node.expression))], false);
    return f.updateIfStatement(node, expression, thenS, elseS);
  }
  if (ts.isConditionalExpression(node)) {
    return f.updateConditionalExpression(
      node,
      visitExpression(node.condition),
      node.questionToken,
      comma(probe(node.whenTrue, 'true', node.condition), visitExpression(node.whenTrue)),
      node.colonToken,
      comma(probe(node.whenFalse, 'false', node.condition), visitExpression(node.whenFalse)),
    );
  }
  if (ts.isBinaryExpression(node)) {
    if (LOGICAL_OPERATORS.has(node.operatorToken.kind)) {
      return f.updateBinaryExpression(node, visitExpression(node.left), node.operatorToken, comma(probe(node.right, 'right', node.left), visitExpression(node.right)));
    }
    return ts.visitEachChild(node, visit, context);
  }
  if (ts.isSwitchStatement(node)) return instrumentSwitch(node, v);
  const loop = instrumentLoop(node, v);
  if (loop) return loop;
  if (ts.isCatchClause(node)) {
    const block = ts.visitNode(node.block, visit) as ts.Block;
    return f.updateCatchClause(node, node.variableDeclaration, f.updateBlock(block, [stmt(probe(node.block, 'catch', null)), ...block.statements]));
  }
  return ts.visitEachChild(node, visit, context);
}

/** The operators whose right side may not run: `&&`, `||`, `??` and their assignments. */
const LOGICAL_OPERATORS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** A function's entry counted: first in its body (after its directives), or as the first operand of a concise body. */
function instrumentFunction(fn: FnNode, v: Visiting): FnNode {
  const { probe, stmt, comma, visit, context } = v;
  const visited = ts.visitEachChild(fn, visit, context);
  const body = visited.body!;
  if (ts.isBlock(body)) {
    const stmts = [...body.statements];
    let k = 0;
    while (k < stmts.length && ts.isExpressionStatement(stmts[k]!) && ts.isStringLiteral((stmts[k] as ts.ExpressionStatement).expression)) k++;
    stmts.splice(k, 0, stmt(probe(fn.body!, 'function', null)));
    return replaceBody(visited, ts.factory.updateBlock(body, stmts));
  }
  return replaceBody(visited, comma(probe(fn.body!, 'function', null), body as ts.Expression));
}

/** Every case and default counted; a default that only counts is added when there is none. */
function instrumentSwitch(node: ts.SwitchStatement, v: Visiting): ts.SwitchStatement {
  const { probe, stmt, visitStatement, visitExpression } = v;
  const f = ts.factory;
  const expression = visitExpression(node.expression);
  const clauses = node.caseBlock.clauses.map((c) => {
    const statements = c.statements.map(visitStatement);
    const counter = stmt(probe(c, ts.isCaseClause(c) ? 'case' : 'default', ts.isCaseClause(c) ? c.expression : node.expression));
    return ts.isCaseClause(c) ? f.updateCaseClause(c, visitExpression(c.expression), [counter, ...statements]) : f.updateDefaultClause(c, [counter, ...statements]);
  });
  if (!node.caseBlock.clauses.some((c) => ts.isDefaultClause(c))) {
    // No case matched: a default that only counts. The last clause first breaks, so that
    // falling off its end still leaves the switch without counting as "no match".
    const last = clauses[clauses.length - 1];
    if (last && ts.isCaseClause(last)) clauses[clauses.length - 1] = f.updateCaseClause(last, last.expression, [...last.statements, f.createBreakStatement()]);
    clauses.push(f.createDefaultClause([stmt(probe(node, 'default', node.expression))]));
  }
  return f.updateSwitchStatement(node, expression, f.updateCaseBlock(node.caseBlock, clauses));
}

/** A loop whose body counts each iteration, or null when `node` is no loop. */
function instrumentLoop(node: ts.Node, v: Visiting): ts.Statement | null {
  const { counted, visit, visitStatement, visitExpression } = v;
  const f = ts.factory;
  if (ts.isForStatement(node)) {
    return f.updateForStatement(
      node,
      node.initializer ? (ts.visitNode(node.initializer, visit) as ts.ForInitializer) : undefined,
      node.condition ? visitExpression(node.condition) : undefined,
      node.incrementor ? visitExpression(node.incrementor) : undefined,
      counted(node.statement, 'loop', node.condition ?? null, visitStatement(node.statement)),
    );
  }
  if (ts.isForOfStatement(node)) {
    return f.updateForOfStatement(node, node.awaitModifier, ts.visitNode(node.initializer, visit) as ts.ForInitializer, visitExpression(node.expression), counted(node.statement, 'loop', node.expression, visitStatement(node.statement)));
  }
  if (ts.isForInStatement(node)) {
    return f.updateForInStatement(node, ts.visitNode(node.initializer, visit) as ts.ForInitializer, visitExpression(node.expression), counted(node.statement, 'loop', node.expression, visitStatement(node.statement)));
  }
  if (ts.isWhileStatement(node)) {
    return f.updateWhileStatement(node, visitExpression(node.expression), counted(node.statement, 'loop', node.expression, visitStatement(node.statement)));
  }
  if (ts.isDoStatement(node)) {
    return f.updateDoStatement(node, counted(node.statement, 'loop', node.expression, visitStatement(node.statement)), visitExpression(node.expression));
  }
  return null;
}

/** The function with its body replaced (keeping its kind, modifiers, parameters and types). */
function replaceBody(fn: FnNode, body: ts.ConciseBody): FnNode {
  const f = ts.factory;
  if (ts.isFunctionDeclaration(fn)) return f.updateFunctionDeclaration(fn, fn.modifiers, fn.asteriskToken, fn.name, fn.typeParameters, fn.parameters, fn.type, body as ts.Block);
  if (ts.isFunctionExpression(fn)) return f.updateFunctionExpression(fn, fn.modifiers, fn.asteriskToken, fn.name, fn.typeParameters, fn.parameters, fn.type, body as ts.Block);
  if (ts.isArrowFunction(fn)) return f.updateArrowFunction(fn, fn.modifiers, fn.typeParameters, fn.parameters, fn.type, fn.equalsGreaterThanToken, body);
  if (ts.isMethodDeclaration(fn)) return f.updateMethodDeclaration(fn, fn.modifiers, fn.asteriskToken, fn.name, fn.questionToken, fn.typeParameters, fn.parameters, fn.type, body as ts.Block);
  if (ts.isGetAccessor(fn)) return f.updateGetAccessorDeclaration(fn, fn.modifiers, fn.name, fn.parameters, fn.type, body as ts.Block);
  if (ts.isSetAccessor(fn)) return f.updateSetAccessorDeclaration(fn, fn.modifiers, fn.name, fn.parameters, body as ts.Block);
  if (ts.isConstructorDeclaration(fn)) return f.updateConstructorDeclaration(fn, fn.modifiers, fn.parameters, body as ts.Block);
  return fn;
}
