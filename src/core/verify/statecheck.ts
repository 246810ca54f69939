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
  /** Module-level bindings that hold a regular expression (`const RE = /.../y`, `new RegExp(...)`). */
  regexps: Set<string>;
  /** Module functions by name; members of top-level classes and `const` objects as `Owner.member`. */
  functions: Map<string, FnNode>;
  /** For members: what `this` is inside them when it is module-level state (the class for static members, the object for object members). */
  thisOwner: Map<string, string>;
  /** For members: the owner, whose other members `this.x(...)` / `Owner.x(...)` reach. */
  ownerOf: Map<string, string>;
}

/** Members of a class or object literal that have bodies, as [name, function node, static?]. */
function membersOf(members: readonly (ts.ClassElement | ts.ObjectLiteralElementLike)[]): [string, FnNode, boolean][] {
  const out: [string, FnNode, boolean][] = [];
  for (const m of members) {
    const name = m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : null;
    if (!name) continue;
    const isStatic = ts.canHaveModifiers(m) && (ts.getModifiers(m) ?? []).some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
    if ((ts.isMethodDeclaration(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m)) && m.body) out.push([name, m, isStatic]);
    else if ((ts.isPropertyAssignment(m) || ts.isPropertyDeclaration(m)) && m.initializer) {
      let init = m.initializer;
      while (ts.isParenthesizedExpression(init) || ts.isAsExpression(init)) init = init.expression;
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) out.push([name, init, isStatic]);
    }
  }
  return out;
}

function collectModule(sf: ts.SourceFile): ModuleInfo {
  const vars = new Set<string>();
  const regexps = new Set<string>();
  const functions = new Map<string, FnNode>();
  const thisOwner = new Map<string, string>();
  const ownerOf = new Map<string, string>();
  const addMembers = (owner: string, members: readonly (ts.ClassElement | ts.ObjectLiteralElementLike)[], isObject: boolean) => {
    for (const [name, fn, isStatic] of membersOf(members)) {
      const key = `${owner}.${name}`;
      functions.set(key, fn);
      ownerOf.set(key, owner);
      if (isObject || isStatic) thisOwner.set(key, owner);
    }
  };
  for (const st of sf.statements) {
    if (ts.isClassDeclaration(st) && st.name) addMembers(st.name.text, st.members, false);
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        let init = d.initializer;
        while (init && (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
        if (init && ts.isObjectLiteralExpression(init) && ts.isIdentifier(d.name)) addMembers(d.name.text, init.properties, true);
      }
    }
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
        if (init && (ts.isRegularExpressionLiteral(init) || (ts.isNewExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'RegExp'))) regexps.add(d.name.text);
      }
    }
    if (ts.isClassDeclaration(st) && st.name) vars.add(st.name.text);
  }
  return { vars, regexps, functions, thisOwner, ownerOf };
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

/** rootIdentifier's answer for `this.x...`. */
const THIS = '#this';

function rootIdentifier(e: ts.Expression): string | null {
  let cur: ts.Expression = e;
  for (;;) {
    if (ts.isIdentifier(cur)) return cur.text;
    if (cur.kind === ts.SyntaxKind.ThisKeyword) return THIS;
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
    const owner = mod.ownerOf.get(name);
    const isState = (id: string | null): id is string => id !== null && mod.vars.has(id) && !locals.has(id);
    const note = (raw: string | null) => {
      // `this` in a static or object member is the owner, which lives as long as the module.
      const id = raw === THIS ? (mod.thisOwner.get(name) ?? null) : raw;
      if (isState(id) && !written.has(id)) written.set(id, name);
    };
    const visit = (n: ts.Node) => {
      // `RE.lastIndex = 0` on a hoisted regular expression positions a match; it caches no result
      // (a regex whose state leaks between calls shows up in differential testing instead).
      const regexPosition =
        ts.isBinaryExpression(n) &&
        ts.isPropertyAccessExpression(n.left) &&
        n.left.name.text === 'lastIndex' &&
        ts.isIdentifier(n.left.expression) &&
        mod.regexps.has(n.left.expression.text) &&
        !locals.has(n.left.expression.text);
      if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind) && !regexPosition) note(rootIdentifier(n.left));
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
      // Other members reached as this.x or Owner.x.
      if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.name)) {
        const base = n.expression.kind === ts.SyntaxKind.ThisKeyword ? owner : ts.isIdentifier(n.expression) ? n.expression.text : undefined;
        if (base !== undefined && mod.functions.has(`${base}.${n.name.text}`)) queue.push(`${base}.${n.name.text}`);
      }
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
