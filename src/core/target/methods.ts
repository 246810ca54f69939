/**
 * What method targets need beyond plain functions: how the runner calls them, what their
 * receivers (`this`) look like for generated inputs, and how a call is shown to a human.
 */
import ts from 'typescript';
import { ownerConstructor, parseSource } from './extract';
import { schemaFromTypeNode, schemaOfParameter, withUndefined } from './schema';
import { THIS_MARKER, type CallReceiver } from '../sandbox/protocol';
import { renderValue, renderValueArgs } from '../report/render';
import type { ParamInfo, TargetFunction, TypeSchema } from '../types';

/** The runner's call convention for a target. */
export function receiverOf(target: TargetFunction): CallReceiver {
  if (!target.method) return 'none';
  return target.method.kind === 'instance' ? 'instance' : 'owner';
}

/**
 * How generated receivers of an instance method are made:
 * - 'state': an object with the class's prototype and the declared fields as own properties,
 *   generated like parameters (so the benchmark size sizes `this.items` too);
 * - 'construct': `new Owner(...args)` with arguments generated from the constructor's parameters.
 */
export type ReceiverShape = { mode: 'state'; fields: ParamInfo[] } | { mode: 'construct'; params: ParamInfo[] };

/** A schema guessed from a field's initializer (`[]`, `0`, `new Map()`, ...). */
function schemaFromInitializer(e: ts.Expression | undefined): TypeSchema | null {
  if (!e) return null;
  if (ts.isNumericLiteral(e) || (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand))) return { kind: 'number' };
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return { kind: 'string' };
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'boolean' };
  if (ts.isBigIntLiteral(e)) return { kind: 'bigint' };
  if (ts.isArrayLiteralExpression(e)) return { kind: 'array', element: { kind: 'unknown' } };
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) {
    if (e.expression.text === 'Map') return { kind: 'map', key: { kind: 'unknown' }, value: { kind: 'unknown' } };
    if (e.expression.text === 'Set') return { kind: 'set', element: { kind: 'unknown' } };
  }
  return null;
}

function isThisField(e: ts.Expression): e is ts.PropertyAccessExpression {
  return ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword && ts.isIdentifier(e.name);
}

/**
 * The receiver shape of an instance-method target, read from its class: TS property
 * declarations (with their types or initializers), constructor parameter properties, and
 * `this.x = ...` assignments in the constructor (typed by the constructor parameter they copy,
 * a JSDoc @type, or the initializer). 'state' is chosen when the class declares its fields and
 * every constructor assignment copies a parameter or a literal (no invariants the constructor
 * establishes, no #private fields, no base class); otherwise 'construct'.
 */
export function receiverShape(target: TargetFunction): ReceiverShape {
  const m = target.method;
  const sf = parseSource(target.file, target.fileText);
  const cls = sf.statements.find((st): st is ts.ClassDeclaration => ts.isClassDeclaration(st) && st.getStart(sf) === m?.ownerStart);
  if (!cls) return { mode: 'construct', params: [] };
  const ctor = ownerConstructor(cls);
  // With types from the checker when extraction resolved them (TargetFunction.ctorParams).
  const ctorParams: ParamInfo[] =
    target.ctorParams ??
    (ctor?.parameters ?? []).map((p) => {
      const { typeNode, schema, optional } = schemaOfParameter(p, sf);
      return { name: p.name.getText(sf), typeText: typeNode ? typeNode.getText(sf) : null, type: schema, optional, rest: !!p.dotDotDotToken };
    });
  const construct: ReceiverShape = { mode: 'construct', params: ctorParams };
  if (cls.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword)) return construct;

  const fields = new Map<string, ParamInfo>();
  const put = (name: string, type: TypeSchema, typeText: string | null, optional: boolean) => {
    const known = fields.get(name);
    if (known && known.type.kind !== 'unknown') return;
    fields.set(name, { name, typeText, type: optional ? withUndefined(type) : type, optional, rest: false });
  };
  let derived = false;
  for (const x of cls.members) {
    if (hasStatic(x)) continue;
    if (x.name && ts.isPrivateIdentifier(x.name)) return construct; // cannot be set from outside
    if (ts.isPropertyDeclaration(x) && (ts.isIdentifier(x.name) || ts.isStringLiteral(x.name))) {
      const init = x.initializer;
      if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) continue;
      const typeNode = x.type ?? ts.getJSDocType(x);
      const schema = typeNode ? schemaFromTypeNode(typeNode, sf) : (schemaFromInitializer(init) ?? { kind: 'unknown' as const });
      put(x.name.text, schema, typeNode ? typeNode.getText(sf) : null, !!x.questionToken);
    }
  }
  if (ctor) {
    for (const p of ctor.parameters) {
      const isProperty = ts.canHaveModifiers(p) && (ts.getModifiers(p) ?? []).length > 0;
      if (isProperty && ts.isIdentifier(p.name)) {
        const info = ctorParams.find((c) => c.name === p.name.getText(sf))!;
        put(info.name, info.type, info.typeText, info.optional);
      }
    }
    // Only straight-line copies keep 'state' receivers faithful; any other statement (validation,
    // loops, calls, computed fields) may establish invariants that only `new` reproduces.
    for (const st of ctor.body?.statements ?? []) {
      const e = ts.isExpressionStatement(st) ? st.expression : null;
      if (e && ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword) continue;
      if (!e || !ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !isThisField(e.left)) {
        derived = true;
        continue;
      }
      const name = e.left.name.text;
      let right = e.right;
      while (ts.isParenthesizedExpression(right) || ts.isAsExpression(right) || ts.isNonNullExpression(right)) right = right.expression;
      const jsdoc = ts.getJSDocTags(st).find((t): t is ts.JSDocTypeTag => ts.isJSDocTypeTag(t));
      const param = ts.isIdentifier(right) ? ctorParams.find((c) => c.name === (right as ts.Identifier).text) : undefined;
      const literal = schemaFromInitializer(right);
      if (jsdoc) put(name, schemaFromTypeNode(jsdoc.typeExpression.type, sf), jsdoc.typeExpression.type.getText(sf), false);
      else if (param) put(name, param.type, param.typeText, false);
      else if (literal) put(name, literal, null, false);
      else {
        derived = true;
        put(name, { kind: 'unknown' }, null, false);
      }
    }
  }
  if (fields.size === 0 || derived) return construct;
  return { mode: 'state', fields: [...fields.values()] };
}

function hasStatic(n: ts.Node): boolean {
  return ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
}

/**
 * The parameters inputs are generated for, and how a generated row becomes an argument list
 * for the runner. For instance methods the receiver's fields (or constructor parameters) come
 * first as extra parameters, and `toArgs` folds them into a THIS_MARKER receiver; `display`
 * names them for size descriptions (`this.values`, `new Owner(values)`).
 */
export interface CallPlan {
  params: ParamInfo[];
  display: ParamInfo[];
  toArgs: (row: unknown[]) => unknown[];
}

export function callPlan(target: TargetFunction): CallPlan {
  if (receiverOf(target) !== 'instance') return { params: target.params, display: target.params, toArgs: (row) => row };
  const shape = receiverShape(target);
  const owner = target.method!.owner;
  if (shape.mode === 'state') {
    const k = shape.fields.length;
    return {
      params: [...shape.fields, ...target.params],
      display: [...shape.fields.map((f) => ({ ...f, name: `this.${f.name}` })), ...target.params],
      toArgs: (row) => {
        const props: Record<string, unknown> = {};
        shape.fields.forEach((f, i) => {
          if (i < row.length) props[f.name] = row[i];
        });
        return [{ [THIS_MARKER]: 'state', props }, ...row.slice(k)];
      },
    };
  }
  // A rest constructor parameter would swallow the method's arguments: it becomes one array.
  const ctor = shape.params.map((p) => (p.rest ? { ...p, rest: false } : p));
  const k = ctor.length;
  return {
    params: [...ctor, ...target.params],
    display: [...ctor.map((p) => ({ ...p, name: `new ${owner}(${p.name})` })), ...target.params],
    toArgs: (row) => {
      const args = row.slice(0, Math.min(k, row.length));
      const last = shape.params[k - 1];
      if (last?.rest && args.length === k) {
        const rest = args.pop();
        if (Array.isArray(rest)) args.push(...(rest as unknown[]));
      }
      return [{ [THIS_MARKER]: 'construct', args }, ...row.slice(k)];
    },
  };
}

/**
 * One call as a human reads it: `f(1, 2)` for functions (just the argument list), and
 * `Owner{field: ...}.member(args)`, `new Owner(a).member(args)`, `Owner.member(args)` or
 * `Owner{...}.member` (getters) for methods.
 */
export function renderCall(target: TargetFunction, args: readonly unknown[], maxChars = 300): string {
  const m = target.method;
  if (!m) return renderValueArgs(args, maxChars);
  const getter = m.accessor === 'getter';
  if (m.kind !== 'instance') return `${m.owner}.${m.member}${getter ? '' : renderValueArgs(args, maxChars)}`;
  const marker = args[0] as Record<string, unknown> | undefined;
  const rest = args.slice(1);
  const budget = Math.max(60, Math.floor(maxChars / 2));
  let self: string;
  if (marker && marker[THIS_MARKER] === 'state' && marker.props && typeof marker.props === 'object') {
    const props = marker.props as Record<string, unknown>;
    const inner = renderValue(props, budget);
    self = `${m.owner}${inner}`;
  } else if (marker && marker[THIS_MARKER] === 'construct' && Array.isArray(marker.args)) {
    self = `new ${m.owner}${renderValueArgs(marker.args as unknown[], budget)}`;
  } else self = renderValue(marker, budget);
  return `${self}.${m.member}${getter ? '' : renderValueArgs(rest, maxChars - Math.min(self.length, budget))}`;
}
