/**
 * Type annotations (TypeScript syntax or JSDoc types) to TypeSchema, syntactically: no type
 * checker, so it is fast. Names are resolved against interfaces, type aliases, enums and JSDoc
 * `@typedef`s declared in the same file; anything else is `unknown`.
 */
import ts from 'typescript';
import type { FunctionReturn, PropertySchema, TypedArrayName, TypeSchema } from '../types';

export const TYPED_ARRAYS: ReadonlySet<string> = new Set<TypedArrayName>([
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
]);

/** How deep a schema may nest before the rest becomes `unknown`. */
const MAX_DEPTH = 12;
/** How many times one named type may be expanded inside itself (recursive types). */
const MAX_SELF_EXPANSIONS = 2;

const UNKNOWN: TypeSchema = { kind: 'unknown' };

type NamedDecl =
  | { kind: 'interface'; node: ts.InterfaceDeclaration }
  | { kind: 'alias'; node: ts.TypeNode }
  | { kind: 'typedefLiteral'; node: ts.JSDocTypeLiteral }
  | { kind: 'enum'; node: ts.EnumDeclaration };

const declCache = new WeakMap<ts.SourceFile, Map<string, NamedDecl[]>>();

/** Interfaces (all merged declarations), type aliases, enums and JSDoc typedefs of the file, by name. */
function namedDeclarations(sf: ts.SourceFile): Map<string, NamedDecl[]> {
  const cached = declCache.get(sf);
  if (cached) return cached;
  const map = new Map<string, NamedDecl[]>();
  const add = (name: string, d: NamedDecl) => {
    const list = map.get(name);
    if (list) list.push(d);
    else map.set(name, [d]);
  };
  const collectTypedefs = (node: ts.Node) => {
    // Every JSDoc comment before the node (ts.getJSDocTags only looks at the last one).
    const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
    for (const tag of docs.flatMap((d) => d.tags ?? [])) {
      if (!ts.isJSDocTypedefTag(tag)) continue;
      const name = tag.name && ts.isIdentifier(tag.name) ? tag.name.text : undefined;
      if (!name || !tag.typeExpression) continue;
      if (ts.isJSDocTypeExpression(tag.typeExpression)) add(name, { kind: 'alias', node: tag.typeExpression.type });
      else add(name, { kind: 'typedefLiteral', node: tag.typeExpression });
    }
  };
  const visitStatements = (statements: ts.NodeArray<ts.Statement>) => {
    for (const st of statements) {
      if (ts.isInterfaceDeclaration(st)) add(st.name.text, { kind: 'interface', node: st });
      else if (ts.isTypeAliasDeclaration(st)) add(st.name.text, { kind: 'alias', node: st.type });
      else if (ts.isEnumDeclaration(st)) add(st.name.text, { kind: 'enum', node: st });
      else if (ts.isModuleDeclaration(st) && st.body && ts.isModuleBlock(st.body)) visitStatements(st.body.statements);
      collectTypedefs(st);
    }
  };
  visitStatements(sf.statements);
  collectTypedefs(sf.endOfFileToken);
  declCache.set(sf, map);
  return map;
}

interface Ctx {
  sf: ts.SourceFile;
  depth: number;
  /** Names being expanded on the current path, with their expansion counts. */
  expanding: Map<string, number>;
}

/**
 * The schema of a type annotation. `node` may be a TypeScript type node or a JSDoc type
 * (from `ts.getJSDocType`); undefined gives `unknown`.
 */
export function schemaFromTypeNode(node: ts.TypeNode | undefined, sourceFile: ts.SourceFile): TypeSchema {
  if (!node) return UNKNOWN;
  return convert(node, { sf: sourceFile, depth: 0, expanding: new Map() });
}

/** The schema of a parameter: its annotation, else its JSDoc `@param` type, else its default value's type. */
export function schemaOfParameter(param: ts.ParameterDeclaration, sourceFile: ts.SourceFile): { typeNode: ts.TypeNode | undefined; schema: TypeSchema; optional: boolean } {
  let typeNode = param.type ?? ts.getJSDocType(param);
  let optional = !!param.questionToken || !!param.initializer;
  // JSDoc `[name]` or `{T=}` marks an optional parameter.
  for (const tag of ts.getJSDocParameterTags(param)) {
    if (tag.isBracketed) optional = true;
  }
  if (typeNode && ts.isJSDocOptionalType(typeNode)) {
    optional = true;
    typeNode = typeNode.type;
  }
  let schema: TypeSchema;
  if (param.dotDotDotToken) {
    // `...xs: T[]` describes the whole rest array; `@param {...T} xs` describes one element.
    if (typeNode && ts.isJSDocVariadicType(typeNode)) schema = { kind: 'array', element: schemaFromTypeNode(typeNode.type, sourceFile) };
    else schema = typeNode ? schemaFromTypeNode(typeNode, sourceFile) : { kind: 'array', element: UNKNOWN };
    return { typeNode, schema, optional: false };
  }
  if (typeNode) schema = schemaFromTypeNode(typeNode, sourceFile);
  else if (param.initializer) schema = schemaFromInitializer(param.initializer);
  else if (ts.isObjectBindingPattern(param.name)) {
    schema = {
      kind: 'object',
      properties: param.name.elements.flatMap((el): PropertySchema[] => {
        const key = el.propertyName ?? el.name;
        if (!ts.isIdentifier(key) && !ts.isStringLiteral(key)) return [];
        return [{ name: key.text, type: el.initializer ? schemaFromInitializer(el.initializer) : UNKNOWN, optional: !!el.initializer }];
      }),
    };
  } else if (ts.isArrayBindingPattern(param.name)) schema = { kind: 'array', element: UNKNOWN };
  else schema = UNKNOWN;
  if (optional) schema = withUndefined(schema);
  return { typeNode, schema, optional };
}

/** A guess from a default value: `n = 10` is a number. */
function schemaFromInitializer(init: ts.Expression): TypeSchema {
  if (ts.isNumericLiteral(init)) return { kind: 'number' };
  if (ts.isPrefixUnaryExpression(init) && ts.isNumericLiteral(init.operand)) return { kind: 'number' };
  if (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init)) return { kind: 'string' };
  if (init.kind === ts.SyntaxKind.TrueKeyword || init.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'boolean' };
  if (ts.isBigIntLiteral(init)) return { kind: 'bigint' };
  if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return { kind: 'function' };
  return UNKNOWN;
}

export function withUndefined(schema: TypeSchema): TypeSchema {
  if (schema.kind === 'unknown' || schema.kind === 'undefined') return schema;
  if (schema.kind === 'union') {
    if (schema.options.some((o) => o.kind === 'undefined')) return schema;
    return { kind: 'union', options: [...schema.options, { kind: 'undefined' }] };
  }
  return { kind: 'union', options: [schema, { kind: 'undefined' }] };
}

/** The schemas directly inside `schema` (elements, properties, options, constructor arguments, ...). */
export function childSchemas(schema: TypeSchema): TypeSchema[] {
  switch (schema.kind) {
    case 'array':
    case 'set':
      return [schema.element];
    case 'tuple':
      return schema.elements;
    case 'instance':
      return schema.args;
    case 'object':
      return schema.properties.map((p) => p.type);
    case 'record':
      return [schema.value];
    case 'map':
      return [schema.key, schema.value];
    case 'union':
      return schema.options;
    default:
      return [];
  }
}

/** True when `unknown` occurs anywhere in the schema. */
export function containsUnknown(schema: TypeSchema): boolean {
  return schema.kind === 'unknown' || childSchemas(schema).some(containsUnknown);
}

/** A flattened, deduplicated union (`true | false` becomes `boolean`; any `unknown` option makes it `unknown`). */
export function union(options: TypeSchema[]): TypeSchema {
  const flat: TypeSchema[] = [];
  const seen = new Set<string>();
  for (const o of options) {
    for (const x of o.kind === 'union' ? o.options : [o]) {
      const key = JSON.stringify(x);
      if (seen.has(key)) continue;
      seen.add(key);
      flat.push(x);
    }
  }
  if (flat.some((o) => o.kind === 'unknown')) return UNKNOWN;
  // `true | false` is `boolean`.
  const hasTrue = flat.some((o) => o.kind === 'literal' && o.value === true);
  const hasFalse = flat.some((o) => o.kind === 'literal' && o.value === false);
  let result = flat;
  if (hasTrue && hasFalse) {
    result = flat.filter((o) => !(o.kind === 'literal' && typeof o.value === 'boolean'));
    if (!result.some((o) => o.kind === 'boolean')) result.push({ kind: 'boolean' });
  }
  if (result.length === 1) return result[0]!;
  if (result.length === 0) return UNKNOWN;
  return { kind: 'union', options: result };
}

function deeper(ctx: Ctx): Ctx {
  return { ...ctx, depth: ctx.depth + 1 };
}

function convert(node: ts.TypeNode, ctx: Ctx): TypeSchema {
  if (ctx.depth > MAX_DEPTH) return UNKNOWN;
  const c = (n: ts.TypeNode | undefined): TypeSchema => (n ? convert(n, deeper(ctx)) : UNKNOWN);
  switch (node.kind) {
    case ts.SyntaxKind.NumberKeyword:
      return { kind: 'number' };
    case ts.SyntaxKind.StringKeyword:
      return { kind: 'string' };
    case ts.SyntaxKind.BooleanKeyword:
      return { kind: 'boolean' };
    case ts.SyntaxKind.BigIntKeyword:
      return { kind: 'bigint' };
    case ts.SyntaxKind.UndefinedKeyword:
    case ts.SyntaxKind.VoidKeyword:
      return { kind: 'undefined' };
    case ts.SyntaxKind.NullKeyword:
      return { kind: 'null' };
    default:
      break;
  }
  if (ts.isLiteralTypeNode(node)) {
    const lit = node.literal;
    if (lit.kind === ts.SyntaxKind.NullKeyword) return { kind: 'null' };
    if (lit.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'literal', value: true };
    if (lit.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'literal', value: false };
    if (ts.isStringLiteral(lit) || ts.isNoSubstitutionTemplateLiteral(lit)) return { kind: 'literal', value: lit.text };
    if (ts.isNumericLiteral(lit)) return { kind: 'literal', value: Number(lit.text) };
    if (ts.isBigIntLiteral(lit)) return { kind: 'bigint' };
    if (ts.isPrefixUnaryExpression(lit) && ts.isNumericLiteral(lit.operand)) {
      const v = Number(lit.operand.text);
      return { kind: 'literal', value: lit.operator === ts.SyntaxKind.MinusToken ? -v : v };
    }
    return UNKNOWN;
  }
  if (ts.isParenthesizedTypeNode(node)) return convert(node.type, ctx);
  if (ts.isArrayTypeNode(node)) return { kind: 'array', element: c(node.elementType) };
  if (ts.isTypeOperatorNode(node)) {
    if (node.operator === ts.SyntaxKind.ReadonlyKeyword) return convert(node.type, ctx);
    return UNKNOWN;
  }
  if (ts.isTupleTypeNode(node)) return tupleSchema(node, ctx);
  if (ts.isTypeLiteralNode(node)) return membersSchema(node.members, ctx);
  if (ts.isUnionTypeNode(node)) return union(node.types.map((t) => c(t)));
  if (ts.isIntersectionTypeNode(node)) return intersection(node.types.map((t) => c(t)));
  if (ts.isFunctionTypeNode(node) || ts.isJSDocFunctionType(node)) return callbackSchema(node);
  if (ts.isConstructorTypeNode(node)) return { kind: 'function' };
  if (ts.isTypeReferenceNode(node)) return referenceSchema(node, ctx);
  if (ts.isExpressionWithTypeArguments(node)) {
    const name = node.expression.getText(ctx.sf);
    return namedSchema(name, node.typeArguments ?? [], ctx);
  }
  // JSDoc-only forms.
  if (ts.isJSDocNullableType(node)) {
    return union([c(node.type), { kind: 'null' }]);
  }
  if (ts.isJSDocNonNullableType(node)) return convert(node.type, ctx);
  if (ts.isJSDocOptionalType(node)) return withUndefined(convert(node.type, ctx));
  if (ts.isJSDocVariadicType(node)) return { kind: 'array', element: c(node.type) };
  if (ts.isJSDocTypeExpression(node)) return convert(node.type, ctx);
  if (ts.isJSDocTypeLiteral(node)) return typedefLiteralSchema(node, ctx);
  return UNKNOWN;
}

function tupleSchema(node: ts.TupleTypeNode, ctx: Ctx): TypeSchema {
  const elements: TypeSchema[] = [];
  let rest: TypeSchema | null = null;
  for (let el of node.elements) {
    let optional = false;
    if (ts.isNamedTupleMember(el)) {
      if (el.dotDotDotToken) {
        rest = convert(el.type, deeper(ctx));
        continue;
      }
      optional = !!el.questionToken;
      el = el.type;
    }
    if (ts.isRestTypeNode(el)) {
      rest = convert(el.type, deeper(ctx));
      continue;
    }
    if (ts.isOptionalTypeNode(el)) {
      optional = true;
      el = el.type;
    }
    const s = convert(el, deeper(ctx));
    elements.push(optional ? withUndefined(s) : s);
  }
  if (rest) {
    // A variadic tuple cannot be described exactly: use an array of any of its element types.
    const restElement = rest.kind === 'array' ? rest.element : UNKNOWN;
    return { kind: 'array', element: union([...elements, restElement]) };
  }
  return { kind: 'tuple', elements };
}

function propertyName(name: ts.PropertyName): string | null {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const e = name.expression;
    if (ts.isStringLiteral(e) || ts.isNumericLiteral(e)) return e.text;
    return null;
  }
  return null;
}

/** A function type as written: what it returns (from its return annotation) and its arity. */
function callbackSchema(sig: ts.SignatureDeclarationBase): TypeSchema {
  const r = sig.type;
  let returns: FunctionReturn = 'other';
  if (r) {
    if (r.kind === ts.SyntaxKind.BooleanKeyword || (ts.isTypePredicateNode(r) && !r.assertsModifier)) returns = 'boolean';
    else if (r.kind === ts.SyntaxKind.NumberKeyword) returns = 'number';
    else if (r.kind === ts.SyntaxKind.StringKeyword) returns = 'string';
  }
  const arity = sig.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this')).length;
  return { kind: 'function', returns, arity };
}

function membersSchema(members: ts.NodeArray<ts.TypeElement>, ctx: Ctx): TypeSchema {
  const properties: PropertySchema[] = [];
  let index: TypeSchema | null = null;
  for (const m of members) {
    if (ts.isPropertySignature(m)) {
      const name = propertyName(m.name);
      if (name === null) continue;
      properties.push({ name, type: m.type ? convert(m.type, deeper(ctx)) : UNKNOWN, optional: !!m.questionToken });
    } else if (ts.isMethodSignature(m)) {
      const name = propertyName(m.name);
      if (name === null) continue;
      properties.push({ name, type: callbackSchema(m), optional: !!m.questionToken });
    } else if (ts.isIndexSignatureDeclaration(m)) {
      index = convert(m.type, deeper(ctx));
    } else if (ts.isCallSignatureDeclaration(m)) {
      return callbackSchema(m);
    } else if (ts.isConstructSignatureDeclaration(m)) {
      return { kind: 'function' };
    }
  }
  if (index && properties.length === 0) return { kind: 'record', value: index };
  return { kind: 'object', properties };
}

function typedefLiteralSchema(node: ts.JSDocTypeLiteral, ctx: Ctx): TypeSchema {
  const properties: PropertySchema[] = [];
  for (const tag of node.jsDocPropertyTags ?? []) {
    const name = ts.isIdentifier(tag.name) ? tag.name.text : tag.name.right.text;
    const type = tag.typeExpression ? convert(tag.typeExpression.type, deeper(ctx)) : UNKNOWN;
    properties.push({ name, type, optional: tag.isBracketed || (tag.typeExpression ? ts.isJSDocOptionalType(tag.typeExpression.type) : false) });
  }
  if (node.isArrayType) return { kind: 'array', element: { kind: 'object', properties } };
  return { kind: 'object', properties };
}

function intersection(parts: TypeSchema[]): TypeSchema {
  const properties: PropertySchema[] = [];
  for (const p of parts) {
    if (p.kind !== 'object') return parts.length === 1 ? p : UNKNOWN;
    for (const prop of p.properties) {
      const i = properties.findIndex((q) => q.name === prop.name);
      if (i >= 0) properties[i] = prop;
      else properties.push(prop);
    }
  }
  return { kind: 'object', properties };
}

function entityName(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : `${entityName(name.left)}.${name.right.text}`;
}

function referenceSchema(node: ts.TypeReferenceNode, ctx: Ctx): TypeSchema {
  return namedSchema(entityName(node.typeName), node.typeArguments ?? [], ctx);
}

function namedSchema(name: string, args: readonly ts.TypeNode[], ctx: Ctx): TypeSchema {
  const arg = (i: number): TypeSchema => {
    const a = args[i];
    return a ? convert(a, deeper(ctx)) : UNKNOWN;
  };
  switch (name) {
    case 'Record':
    case 'Object': {
      if (args.length < 2) return UNKNOWN;
      const key = arg(0);
      const value = arg(1);
      // Record<'a' | 'b', V> is an object with exactly those keys.
      const keys = key.kind === 'union' ? key.options : [key];
      if (keys.every((k) => k.kind === 'literal' && typeof k.value !== 'boolean')) {
        return { kind: 'object', properties: keys.map((k) => ({ name: String((k as { value: string | number }).value), type: value, optional: false })) };
      }
      return { kind: 'record', value };
    }
    case 'Readonly':
    case 'NonNullable':
      return arg(0);
    case 'Partial': {
      const inner = arg(0);
      if (inner.kind !== 'object') return inner;
      return { kind: 'object', properties: inner.properties.map((p) => ({ ...p, optional: true })) };
    }
    case 'Required': {
      const inner = arg(0);
      if (inner.kind !== 'object') return inner;
      return { kind: 'object', properties: inner.properties.map((p) => ({ ...p, optional: false })) };
    }
    default:
      break;
  }
  return builtinSchema(name, arg) ?? localSchema(name, ctx);
}

/**
 * The schema of a built-in collection, wrapper or typed array by its name (`Map`, `Iterable`,
 * `Date`, `Uint8Array`, `String`, ...), from its type arguments' schemas; null when the name is
 * not one. Shared by the syntactic path (above) and the type checker's (checker.ts).
 */
export function builtinSchema(name: string, arg: (i: number) => TypeSchema): TypeSchema | null {
  switch (name) {
    case 'Array':
    case 'ReadonlyArray':
    case 'Iterable':
    case 'ArrayLike':
      return { kind: 'array', element: arg(0) };
    case 'Map':
    case 'ReadonlyMap':
      return { kind: 'map', key: arg(0), value: arg(1) };
    case 'Set':
    case 'ReadonlySet':
      return { kind: 'set', element: arg(0) };
    case 'Date':
      return { kind: 'date' };
    case 'Function':
    case 'CallableFunction':
    case 'NewableFunction':
      return { kind: 'function' };
    case 'String':
      return { kind: 'string' };
    case 'Number':
      return { kind: 'number' };
    case 'Boolean':
      return { kind: 'boolean' };
    case 'BigInt':
      return { kind: 'bigint' };
    default:
      return TYPED_ARRAYS.has(name) ? { kind: 'typedArray', name: name as TypedArrayName } : null;
  }
}

function localSchema(name: string, ctx: Ctx): TypeSchema {
  const decls = namedDeclarations(ctx.sf).get(name);
  if (!decls || decls.length === 0) return UNKNOWN;
  const count = ctx.expanding.get(name) ?? 0;
  if (count >= MAX_SELF_EXPANSIONS) return UNKNOWN;
  const inner: Ctx = { sf: ctx.sf, depth: ctx.depth + 1, expanding: new Map(ctx.expanding).set(name, count + 1) };
  const first = decls[0]!;
  if (first.kind === 'alias') return convert(first.node, inner);
  if (first.kind === 'typedefLiteral') return typedefLiteralSchema(first.node, inner);
  if (first.kind === 'enum') return enumSchema(first.node);
  // Interfaces: merge all declarations and local base interfaces.
  const parts: TypeSchema[] = [];
  for (const d of decls) {
    if (d.kind !== 'interface') continue;
    for (const clause of d.node.heritageClauses ?? []) {
      for (const base of clause.types) parts.push(convert(base, inner));
    }
    parts.push(membersSchema(d.node.members, inner));
  }
  return intersection(parts.filter((p) => p.kind !== 'unknown'));
}

function enumSchema(node: ts.EnumDeclaration): TypeSchema {
  const options: TypeSchema[] = [];
  let next: number | null = 0;
  for (const m of node.members) {
    const init = m.initializer;
    if (!init) {
      if (next === null) return UNKNOWN;
      options.push({ kind: 'literal', value: next });
      next += 1;
    } else if (ts.isNumericLiteral(init)) {
      const v = Number(init.text);
      options.push({ kind: 'literal', value: v });
      next = v + 1;
    } else if (ts.isPrefixUnaryExpression(init) && init.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(init.operand)) {
      const v = -Number(init.operand.text);
      options.push({ kind: 'literal', value: v });
      next = v + 1;
    } else if (ts.isStringLiteral(init)) {
      options.push({ kind: 'literal', value: init.text });
      next = null;
    } else {
      return { kind: 'number' };
    }
  }
  return union(options);
}
