/**
 * Which code belongs to a target, syntactically: its function node in a module's text (a
 * function, or `Owner.member` of a top-level class or `const` object), and the module-level
 * functions it reaches by name, transitively. Coverage instrumentation (build/instrument.ts)
 * and literal harvesting (inputs/literals.ts) look at exactly this code.
 */
import ts from 'typescript';
import { unwrapFunction } from './extract';

export type FnNode = ts.FunctionLikeDeclaration;

/** The target's function node and its top-level statement in `sf`. */
export function findTargetFunction(sf: ts.SourceFile, name: string): { fn: FnNode; statement: ts.Statement } | null {
  const dot = name.indexOf('.');
  const owner = dot > 0 ? name.slice(0, dot) : null;
  const member = dot > 0 ? name.slice(dot + 1) : null;
  for (const st of sf.statements) {
    if (!owner) {
      if (ts.isFunctionDeclaration(st) && st.name?.text === name && st.body) return { fn: st, statement: st };
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          const fn = ts.isIdentifier(d.name) && d.name.text === name ? unwrapFunction(d.initializer) : null;
          if (fn) return { fn, statement: st };
        }
      }
      continue;
    }
    if (ts.isClassDeclaration(st) && st.name?.text === owner) {
      for (const m of st.members) {
        if ((ts.isMethodDeclaration(m) || ts.isGetAccessor(m)) && m.body && m.name && ts.isIdentifier(m.name) && m.name.text === member) return { fn: m, statement: st };
        if ((ts.isMethodDeclaration(m) || ts.isGetAccessor(m)) && m.body && m.name && ts.isStringLiteral(m.name) && m.name.text === member) return { fn: m, statement: st };
      }
    }
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || d.name.text !== owner) continue;
        let init = d.initializer;
        while (init && (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
        if (!init || !ts.isObjectLiteralExpression(init)) continue;
        for (const p of init.properties) {
          const pn = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : null;
          if (pn !== member) continue;
          if ((ts.isMethodDeclaration(p) || ts.isGetAccessor(p)) && p.body) return { fn: p, statement: st };
          if (ts.isPropertyAssignment(p)) {
            const fn = unwrapFunction(p.initializer);
            if (fn) return { fn, statement: st };
          }
        }
      }
    }
  }
  return null;
}

/** Top-level functions of the module by name (declarations and `const f = () => ...`). */
export function moduleFunctions(sf: ts.SourceFile): Map<string, FnNode> {
  const out = new Map<string, FnNode>();
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name && st.body) out.set(st.name.text, st);
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const fn = ts.isIdentifier(d.name) ? unwrapFunction(d.initializer) : null;
        if (fn && ts.isIdentifier(d.name)) out.set(d.name.text, fn);
      }
    }
  }
  return out;
}

/** The target's function and the module-level functions it reaches through their names, transitively. */
export function reachableFunctions(sf: ts.SourceFile, target: FnNode): FnNode[] {
  const fns = moduleFunctions(sf);
  const out: FnNode[] = [target];
  const seen = new Set<ts.Node>([target]);
  for (let k = 0; k < out.length; k++) {
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n)) {
        const f = fns.get(n.text);
        if (f && !seen.has(f)) {
          seen.add(f);
          out.push(f);
        }
      }
      n.forEachChild(visit);
    };
    out[k]!.forEachChild(visit);
  }
  return out;
}
