/**
 * Static check for state kept across calls. A candidate that memoizes results in module-level
 * variables can look faster only because the benchmark repeats input contents, and it can
 * return stale answers. We compare which module-level bindings the target (and the
 * module-level functions it reaches) write, in the original and in the candidate module: a
 * binding written only by the candidate is cross-call state.
 */
import ts from 'typescript';

const MUTATORS = new Set([
  'set',
  'add',
  'delete',
  'clear',
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
]);

type FnNode = ts.FunctionLikeDeclaration;

interface ModuleInfo {
  vars: Set<string>;
  functions: Map<string, FnNode>;
}

function collectModule(sf: ts.SourceFile): ModuleInfo {
  const vars = new Set<string>();
  const functions = new Map<string, FnNode>();
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) functions.set(st.name.text, st);
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) {
          // Destructured module-level bindings: all are state holders.
          const visit = (n: ts.Node) => {
            if (ts.isIdentifier(n)) vars.add(n.text);
            n.forEachChild(visit);
          };
          visit(d.name);
          continue;
        }
        let init = d.initializer;
        while (init && (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
        if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) functions.set(d.name.text, init);
        else vars.add(d.name.text);
      }
    }
    if (ts.isClassDeclaration(st) && st.name) vars.add(st.name.text);
  }
  return { vars, functions };
}

/** Names declared inside a function (parameters and local declarations): they shadow module names. */
function localNames(fn: FnNode): Set<string> {
  const out = new Set<string>();
  const bind = (n: ts.BindingName) => {
    if (ts.isIdentifier(n)) out.add(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  const visit = (n: ts.Node) => {
    if (ts.isParameter(n) || ts.isVariableDeclaration(n)) bind(n.name);
    if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) && n.name && n !== fn) out.add(n.name.text);
    n.forEachChild(visit);
  };
  fn.forEachChild(visit);
  return out;
}

function rootIdentifier(e: ts.Expression): string | null {
  let cur: ts.Expression = e;
  for (;;) {
    if (ts.isIdentifier(cur)) return cur.text;
    if (ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur)) cur = cur.expression;
    else if (ts.isParenthesizedExpression(cur) || ts.isNonNullExpression(cur) || ts.isAsExpression(cur)) cur = cur.expression;
    else return null;
  }
}

function isAssignmentOperator(k: ts.SyntaxKind): boolean {
  return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
}

/** Module-level bindings written by `start` and the module functions it references, transitively. */
function writtenState(sf: ts.SourceFile, start: string): Map<string, string> {
  const mod = collectModule(sf);
  const written = new Map<string, string>(); // binding → function that writes it
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const fn = mod.functions.get(name);
    if (!fn) continue;
    const locals = localNames(fn);
    const isState = (id: string | null): id is string => id !== null && mod.vars.has(id) && !locals.has(id);
    const note = (id: string | null) => {
      if (isState(id) && !written.has(id)) written.set(id, name);
    };
    const visit = (n: ts.Node) => {
      if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) note(rootIdentifier(n.left));
      if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
        note(rootIdentifier(n.operand));
      }
      if (ts.isDeleteExpression(n)) note(rootIdentifier(n.expression));
      if (ts.isCallExpression(n)) {
        const callee = n.expression;
        if (ts.isPropertyAccessExpression(callee) && MUTATORS.has(callee.name.text)) note(rootIdentifier(callee.expression));
        // Object.assign(state, ...), Reflect.set(state, ...)
        const text = callee.getText(sf);
        if ((text === 'Object.assign' || text === 'Reflect.set' || text === 'Object.defineProperty') && n.arguments[0]) note(rootIdentifier(n.arguments[0]));
      }
      if (ts.isIdentifier(n) && mod.functions.has(n.text) && !locals.has(n.text)) queue.push(n.text);
      n.forEachChild(visit);
    };
    const body = fn.body;
    if (body) visit(body);
  }
  return written;
}

/**
 * Returns a one-sentence reason when the candidate module writes module-level state (through
 * the target or helpers it calls) that the original module does not; null otherwise.
 */
export function crossCallState(fileName: string, originalText: string, candidateText: string, targetName: string): string | null {
  const parse = (text: string) => ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const before = writtenState(parse(originalText), targetName);
  const after = writtenState(parse(candidateText), targetName);
  const extra = [...after].filter(([name]) => !before.has(name));
  if (extra.length === 0) return null;
  const list = extra
    .slice(0, 3)
    .map(([name, fn]) => `'${name}' (written by ${fn})`)
    .join(', ');
  return `It keeps state across calls in module-level ${list}: cached results make benchmarks meaningless and can go stale, so it is not accepted.`;
}
