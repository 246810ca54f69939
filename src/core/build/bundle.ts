/**
 * Bundles one version of the user's module (original or with a candidate substituted) into a
 * self-contained CommonJS file for the sandbox, exposing the target as
 * `module.exports[TARGET_EXPORT]`. The original and every candidate go through this one
 * function with the same settings, so they are compiled alike.
 */
import path from 'node:path';
import { build, type Loader, type Message } from 'esbuild';
import { SandboxError, throwIfAborted } from '../errors';
import { CLASS_EXPORT, OWNER_EXPORT, TARGET_EXPORT } from '../sandbox/protocol';
import type { ClassRef, Language, MethodInfo } from '../types';

export interface BundleOptions {
  /** The user's file, absolute: imports resolve from its directory. */
  file: string;
  /** Full module text (original or substituted). */
  text: string;
  targetName: string;
  /** Set for method targets: the owner is exposed too, and the target is the member's function. */
  method?: MethodInfo | null;
  /** Classes generated inputs construct (TargetFunction.classes), exposed as CLASS_EXPORT + index. */
  classes?: readonly ClassRef[];
  moduleKind: 'esm' | 'cjs';
  language: Language;
  outFile: string;
  signal?: AbortSignal;
}

export type BundleResult = { ok: true; outFile: string } | { ok: false; error: string };

function loaderFor(file: string, language: Language): Loader {
  switch (path.extname(file).toLowerCase()) {
    case '.ts':
    case '.mts':
    case '.cts':
      return 'ts';
    case '.tsx':
      return 'tsx';
    case '.jsx':
      return 'jsx';
    case '.js':
    case '.mjs':
    case '.cjs':
      return 'js';
    default:
      return language === 'typescript' ? 'ts' : 'js';
  }
}

/**
 * The statements appended to the module that expose the target under TARGET_EXPORT. For a
 * method, OWNER_EXPORT is the class or object literal and TARGET_EXPORT the underlying function:
 * the prototype's method, the static method, the object's method, or a getter's `get` function
 * (from the property descriptor, so the getter is not invoked at load).
 */
export function exposeTarget(targetName: string, moduleKind: 'esm' | 'cjs', method: MethodInfo | null = null, classes: readonly ClassRef[] = []): string {
  return exposeMember(targetName, moduleKind, method) + exposeClasses(moduleKind, classes);
}

/**
 * The statements that expose each class of `classes` as CLASS_EXPORT + index: a class of the
 * target's own file by its name, another file's class through an import of its export (esbuild
 * bundles that file once, so the class is the same object the module itself uses).
 */
function exposeClasses(moduleKind: 'esm' | 'cjs', classes: readonly ClassRef[]): string {
  let out = '';
  classes.forEach((c, i) => {
    const as = `${CLASS_EXPORT}${i}`;
    const spec = JSON.stringify(c.file);
    if (moduleKind === 'esm') {
      if (c.exportName === null) out += `\nexport { ${c.name} as ${as} };\n`;
      else out += `\nimport { ${c.exportName === 'default' ? 'default' : c.exportName} as ${as}__ } from ${spec};\nexport { ${as}__ as ${as} };\n`;
    } else if (c.exportName === null) out += `\n;module.exports.${as} = ${c.name};\n`;
    else out += `\n;module.exports.${as} = require(${spec})[${JSON.stringify(c.exportName)}];\n`;
  });
  return out;
}

function exposeMember(targetName: string, moduleKind: 'esm' | 'cjs', method: MethodInfo | null): string {
  if (!method) {
    return moduleKind === 'esm'
      ? `\nexport { ${targetName} as ${TARGET_EXPORT} };\n`
      : `\n;module.exports.${TARGET_EXPORT} = ${targetName};\n`;
  }
  const holder = method.kind === 'instance' ? `${method.owner}.prototype` : method.owner;
  const key = JSON.stringify(method.member);
  const fn =
    method.accessor === 'getter'
      ? `(Object.getOwnPropertyDescriptor(${holder}, ${key}) || {}).get`
      : `${holder}[${key}]`;
  const local = '__hotpath_member_fn__';
  return moduleKind === 'esm'
    ? `\nconst ${local} = ${fn};\nexport { ${method.owner} as ${OWNER_EXPORT}, ${local} as ${TARGET_EXPORT} };\n`
    : `\n;module.exports.${OWNER_EXPORT} = ${method.owner};\nmodule.exports.${TARGET_EXPORT} = ${fn};\n`;
}

function displayFile(file: string, userFile: string): string {
  const abs = file === path.basename(userFile) ? userFile : path.resolve(path.dirname(userFile), file);
  const rel = path.relative(process.cwd(), abs);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  return abs;
}

/** An esbuild message as one line: `file:line:col: text`. */
function formatMessage(m: Message, userFile: string): string {
  const text = m.text.replace(/\s+/g, ' ').trim();
  const loc = m.location;
  if (!loc) return text;
  return `${displayFile(loc.file, userFile)}:${loc.line}:${loc.column + 1}: ${text}`;
}

function isBuildFailure(err: unknown): err is { errors: Message[] } {
  return typeof err === 'object' && err !== null && Array.isArray((err as { errors?: unknown }).errors);
}

export async function bundleVariant(opts: BundleOptions): Promise<BundleResult> {
  throwIfAborted(opts.signal);
  const contents = opts.text + exposeTarget(opts.targetName, opts.moduleKind, opts.method ?? null, opts.classes ?? []);
  let errors: Message[];
  try {
    const result = await build({
      stdin: {
        contents,
        resolveDir: path.dirname(opts.file),
        sourcefile: path.basename(opts.file),
        loader: loaderFor(opts.file, opts.language),
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: false,
      sourcemap: false,
      write: true,
      outfile: opts.outFile,
      logLevel: 'silent',
    });
    errors = result.errors;
  } catch (err) {
    if (!isBuildFailure(err)) throw new SandboxError(`Bundling failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err });
    errors = err.errors;
  }
  throwIfAborted(opts.signal);
  const first = errors[0];
  if (first) return { ok: false, error: formatMessage(first, opts.file) };
  return { ok: true, outFile: opts.outFile };
}
