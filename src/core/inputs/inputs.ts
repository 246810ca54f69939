/**
 * Input generation from parameter schemas: adversarial argument lists for verification and
 * realistic, size-controlled argument lists for benchmarking.
 *
 * Every value is plain data that survives v8.serialize: a parameter of function type becomes
 * `{ [FN_MARKER]: kind }` (see sandbox/protocol.ts), which the runner replaces with a pure
 * function. Generation is deterministic for a seed. Argument lists never share objects with
 * each other (each value is built or cloned for its own list), since mutation by one call
 * must not leak into another input.
 *
 * Values respect the declared types: a `number[]` never contains holes or strings, because a
 * counterexample on an input the caller can never pass would not be believable. Untyped
 * (`unknown`) parameters get a varied mix, biased by what the parameter's name suggests.
 *
 * This module is the stage's surface (target-level entry points); the work is in schemas.ts
 * (schema helpers, markers), values.ts (primitives, literals, text), verify-inputs.ts,
 * bench-inputs.ts and sizes.ts, with literals.ts, mutate.ts, shrink.ts and cost.ts beside them.
 */
import { callPlan } from '../target/methods';
import type { TargetFunction } from '../types';
import { type BenchInputOptions, generateBenchInputs } from './bench-inputs';

import { describeSizeMeaning, sizeLadder } from './sizes';
import { type VerifyInputOptions, generateVerifyInputs } from './verify-inputs';
export { guessSchemaFromName, inputsAreScalarOnly, functionKind } from './schemas';
export { generateVerifyInputs, type VerifyInputOptions } from './verify-inputs';
export { describeSizeMeaning, sizeLadder } from './sizes';
export { generateBenchInputs, type BenchInputOptions } from './bench-inputs';

// ---------------------------------------------------------------------------------------------
// Targets (functions and methods)
// ---------------------------------------------------------------------------------------------

/**
 * Verification argument lists for a target. For instance methods each list starts with a
 * receiver marker built from the class's fields or constructor parameters (see methods.ts),
 * generated together with the arguments so that edge values and pairings cover `this` too.
 */
export function generateTargetVerifyInputs(target: TargetFunction, opts: VerifyInputOptions): unknown[][] {
  const plan = callPlan(target);
  return generateVerifyInputs(plan.params, opts).map(plan.toArgs);
}

/** Benchmark argument lists for a target; the size also sizes the receiver's collections (`this.items`). */
export function generateTargetBenchInputs(target: TargetFunction, size: number, opts: BenchInputOptions): unknown[][] {
  const plan = callPlan(target);
  return generateBenchInputs(plan.params, size, opts).map(plan.toArgs);
}

/** sizeLadder for a target (receiver fields included). */
export function targetSizeLadder(target: TargetFunction): number[] {
  return sizeLadder(callPlan(target).params);
}

/** describeSizeMeaning for a target, naming receiver fields `this.x`. */
export function describeTargetSizeMeaning(target: TargetFunction): string {
  return describeSizeMeaning(callPlan(target).display);
}
