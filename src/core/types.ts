/**
 * Shared data shapes of the Hotpath engine. Plain data only: everything here can be
 * JSON-serialized (the report) or sent between processes.
 */

export type Language = 'typescript' | 'javascript';

/** 1-based line and column, as editors show them. */
export interface Position {
  line: number;
  column: number;
}

/**
 * A structural description of a parameter's type, derived from TypeScript annotations or
 * JSDoc `@param` types. The input generator turns it into values.
 */
export type TypeSchema =
  | { kind: 'number'; integer?: boolean }
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'bigint' }
  | { kind: 'null' }
  | { kind: 'undefined' }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'array'; element: TypeSchema }
  | { kind: 'tuple'; elements: TypeSchema[] }
  | { kind: 'object'; properties: PropertySchema[] }
  /** `Record<string, V>` or an index signature. */
  | { kind: 'record'; value: TypeSchema }
  | { kind: 'map'; key: TypeSchema; value: TypeSchema }
  | { kind: 'set'; element: TypeSchema }
  | { kind: 'date' }
  | { kind: 'typedArray'; name: TypedArrayName }
  | { kind: 'union'; options: TypeSchema[] }
  /**
   * A callback parameter: generated as a small pure function where possible. `returns` and
   * `arity` come from its signature when known (a nested `(q) => boolean` becomes a predicate).
   */
  | { kind: 'function'; returns?: FunctionReturn; arity?: number }
  /**
   * An instance of a class of the user's project, built in the child as `new Class(...args)`
   * from generated constructor arguments; `ref` indexes TargetFunction.classes.
   */
  | { kind: 'instance'; name: string; ref: number; args: TypeSchema[] }
  /** No usable type information (`any`, `unknown`, untyped JS). */
  | { kind: 'unknown' };

/** What a callback's signature says it returns, as far as choosing a stand-in function goes. */
export type FunctionReturn = 'boolean' | 'number' | 'string' | 'other';

export interface PropertySchema {
  name: string;
  type: TypeSchema;
  optional: boolean;
}

export type TypedArrayName =
  | 'Int8Array'
  | 'Uint8Array'
  | 'Uint8ClampedArray'
  | 'Int16Array'
  | 'Uint16Array'
  | 'Int32Array'
  | 'Uint32Array'
  | 'Float32Array'
  | 'Float64Array'
  | 'BigInt64Array'
  | 'BigUint64Array';

export interface ParamInfo {
  name: string;
  /** The annotation as written (`number[]`), or the JSDoc type, if any. */
  typeText: string | null;
  type: TypeSchema;
  optional: boolean;
  rest: boolean;
  /**
   * For an untyped parameter: the type TypeScript infers from its use in the function
   * (`string | SemVer | undefined`), which `type` was built from; absent otherwise.
   */
  inferred?: string;
}

/**
 * A parameter whose type could not be fully turned into a schema (the type checker could not
 * resolve it, or it names something inputs cannot be generated for): the parts that could not
 * be described are `unknown` in the schema.
 */
export interface TypeNote {
  /** The parameter's name as written (`opts`, `{ a, b }`). */
  param: string;
  /** Its type, as written or as the type checker prints it. */
  type: string;
  /** Why (part of) it is `unknown`. */
  reason: string;
}

export type FunctionShape = 'declaration' | 'arrow' | 'function-expression';

/** A top-level declaration of the module, kept for prompts and for checking candidates. */
export interface ModuleDeclaration {
  name: string;
  kind: 'function' | 'class' | 'variable' | 'type' | 'interface' | 'enum' | 'import';
  text: string;
}

export interface ModuleContext {
  /** Import statements as written. */
  imports: string[];
  /** Top-level declarations other than the target, in source order. */
  declarations: ModuleDeclaration[];
  /** Module-system flavour of the file, which decides how the target is exposed. */
  moduleKind: 'esm' | 'cjs';
}

/** The function the user selected, found by the extractor. */
export interface TargetFunction {
  /** Absolute path of the user's file. */
  file: string;
  name: string;
  language: Language;
  shape: FunctionShape;
  async: boolean;
  generator: boolean;
  exported: boolean;
  params: ParamInfo[];
  /** Parameters whose types could not be fully resolved (or only with fallback settings), and why. */
  typeNotes: TypeNote[];
  returnTypeText: string | null;
  /** The whole text of the user's file at extraction time. */
  fileText: string;
  /**
   * Character offsets [start, end) in fileText of the top-level statement that holds the
   * target (the function declaration, or the whole `const f = ...` statement), which a
   * candidate replaces. Leading comments/JSDoc are not included.
   */
  statementStart: number;
  statementEnd: number;
  /** The statement's text (fileText.slice(statementStart, statementEnd)). */
  text: string;
  start: Position;
  end: Position;
  context: ModuleContext;
  /** Set when the target is a method, getter or object-literal method; null for a plain function. */
  method: MethodInfo | null;
  /**
   * Constructor parameters of an instance method's class, with types from the type checker
   * (absent: read syntactically from the class, see target/methods.ts).
   */
  ctorParams?: ParamInfo[];
  /** Classes whose instances the inputs construct (`instance` schemas), exposed by every bundle. */
  classes?: ClassRef[];
}

/** A class the bundle exposes so that generated inputs can construct its instances. */
export interface ClassRef {
  /** The class's name, as shown in rendered calls. */
  name: string;
  /** Absolute path of the file that declares it. */
  file: string;
  /** The name it is exported under from `file`; null when it is declared in the target's own file (referred to by `name`). */
  exportName: string | null;
}

/**
 * Where a method target lives. For a method, `TargetFunction.name` is `Owner.member`,
 * `statementStart/End` and `text` are the member's own range and text (what a candidate
 * replaces), and `ownerStart/ownerEnd` is the top-level statement that declares the owner.
 */
export interface MethodInfo {
  /** 'instance': called on instances (receiver captured/generated); 'static': on the class; 'object': on a top-level object literal. */
  kind: 'instance' | 'static' | 'object';
  accessor: 'method' | 'getter';
  /** The top-level class or `const` object variable that owns the member. */
  owner: string;
  /** The member's name as written (no '#': private members are not supported). */
  member: string;
  ownerStart: number;
  ownerEnd: number;
}

/**
 * A value as seen by the harness, encoded in the child process into plain JSON-safe data so
 * the parent can compare it and show it. Prototype identity is reduced to a constructor name.
 */
export type Encoded =
  | { t: 'undefined' }
  | { t: 'null' }
  | { t: 'boolean'; v: boolean }
  /** Numbers keep their exact value; special values are spelled out ('NaN', 'Infinity', '-Infinity', '-0'). */
  | { t: 'number'; v: number | 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { t: 'bigint'; v: string }
  | { t: 'string'; v: string }
  | { t: 'symbol'; v: string }
  | { t: 'function'; name: string }
  /** `items` holds null for holes of sparse arrays. `extra` has non-index own enumerable keys. */
  | { t: 'array'; items: (Encoded | null)[]; extra?: [string, Encoded][] }
  | { t: 'typed'; ctor: string; v: string }
  | { t: 'date'; v: string }
  | { t: 'regexp'; v: string }
  | { t: 'map'; entries: [Encoded, Encoded][] }
  | { t: 'set'; items: Encoded[] }
  | { t: 'error'; ctor: string; name: string; message: string }
  /** `ctor` is the constructor name: 'Object' for plain objects, null for Object.create(null). */
  | { t: 'object'; ctor: string | null; entries: [string, Encoded][] }
  | { t: 'promise' }
  /** A back-reference to an enclosing value (cycles, shared references). `depth` is how many levels up. */
  | { t: 'ref'; depth: number }
  /** Encoding stopped: too deep or too large. `hash` covers the whole value so equality still works. */
  | { t: 'truncated'; hash: string; preview: string };

/** The outcome of one call of the target, encoded. */
export type CallOutcome =
  | { kind: 'returned'; value: Encoded; args: Encoded[] }
  | { kind: 'threw'; error: Encoded; args: Encoded[] }
  /** The call did not settle within the per-call timeout. */
  | { kind: 'timeout' };

export type VerdictKind = 'faster' | 'not-faster' | 'incorrect' | 'unsafe' | 'timeout' | 'error';

export interface SpeedupInterval {
  /** original time / candidate time; > 1 means the candidate is faster. */
  estimate: number;
  low: number;
  high: number;
  /** Confidence level of [low, high], e.g. 0.95. */
  confidence: number;
}

export interface SizeMeasurement {
  /** The generator's size parameter (collection length or magnitude) for this row. */
  size: number;
  /** Median per-call time over rounds, in nanoseconds. */
  originalNs: number;
  candidateNs: number;
  speedup: SpeedupInterval;
}

export interface Counterexample {
  /** The arguments, rendered for a human. */
  input: string;
  expected: string;
  actual: string;
  /** What differed: 'return value', 'argument 1 after the call', 'thrown error', ... */
  aspect: string;
  /** Where inside that value they differ ('[3].name', '.get('a')'; '' for the value itself). */
  path?: string;
  /** For strings (and error messages): the first differing character (UTF-16 index), else null. */
  offset?: number | null;
}

/** What a coverage probe counts (build/instrument.ts): a function's entry or one way control can go. */
export type ProbeKind = 'function' | 'then' | 'else' | 'true' | 'false' | 'right' | 'case' | 'default' | 'loop' | 'catch';

export interface CodeCoverage {
  /** Places where control can go one way or another (see build/instrument.ts). */
  probes: number;
  covered: number;
  /** Places never executed, in source order (lines of that version's file). */
  uncovered: { line: number; kind: ProbeKind; source: string }[];
}
