/**
 * The one table of defaults a user can see: the CLI's help text, the extension's settings
 * (`contributes.configuration` in package.json, checked against this table by
 * test/unit/defaults.test.ts) and the README derive from it. Each entry has its default and the
 * range a value must lie in; the CLI and the extension clamp or refuse values outside it.
 *
 * Tuning constants of a single stage (how many screening rounds, how long a probe lasts, ...)
 * live with that stage; they are not options.
 */
export interface OptionDefault<T> {
  default: T;
  /** Smallest and largest accepted value (numbers only). */
  min?: number;
  max?: number;
  /** Whole numbers only. */
  integer?: boolean;
}

export const USER_DEFAULTS = {
  /** The confidence interval's lower bound must clear this ratio for `faster`. */
  minSpeedup: { default: 1.05, min: 1, max: 1000 },
  /** Per-call limit during verification and benchmarking, in ms. */
  callTimeoutMs: { default: 2000, min: 50, max: 120_000, integer: true },
  /** Time for confirming one candidate, in ms (sets the number of confirmation rounds). */
  benchBudgetMs: { default: 12_000, min: 500, max: 600_000, integer: true },
  /** Memory cap of each sandbox process, in MiB. */
  memoryMb: { default: 512, min: 32, max: 16_384, integer: true },
  /** Seed of generated inputs and of the sandbox's Math.random (fixed: runs are reproducible). */
  seed: { default: 20240601, min: 0, integer: true },
  /** Limit of one run of the project's selected tests, in ms. */
  testsTimeoutMs: { default: 120_000, min: 5000, max: 1_800_000, integer: true },
  /** OpenAI-compatible endpoint. */
  baseURL: { default: 'https://api.openai.com/v1' },
  model: { default: 'gpt-4o-mini' },
  /** Candidates asked for per search round. */
  candidates: { default: 4, min: 1, max: 16, integer: true },
  /** Search rounds: later rounds repair failures and improve verified candidates; the search stops early without progress. */
  rounds: { default: 3, min: 1, max: 5, integer: true },
  temperature: { default: 0.7, min: 0, max: 2 },
  /** Completion token limit per request. */
  maxTokens: { default: 4096, min: 256, max: 65_536, integer: true },
  /** Total token budget of a run; 0 = unlimited. */
  budgetTokens: { default: 0, min: 0, max: 10_000_000, integer: true },
  /** Per-request limit of the model, in ms. */
  requestTimeoutMs: { default: 120_000, min: 1000, max: 900_000, integer: true },
  /** Requests to the model in flight at once. */
  concurrency: { default: 3, min: 1, max: 16, integer: true },
} as const satisfies Record<string, OptionDefault<number | string>>;

export type UserOption = keyof typeof USER_DEFAULTS;

/** The default of one option. */
export function defaultOf<K extends UserOption>(key: K): (typeof USER_DEFAULTS)[K]['default'] {
  return USER_DEFAULTS[key].default;
}

/** `value` brought into the option's range (rounded for whole-number options); the default when not a finite number. */
export function clampOption(key: UserOption, value: unknown): number {
  const spec = USER_DEFAULTS[key] as OptionDefault<number>;
  const fallback = spec.default;
  let n = typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  if (spec.integer) n = Math.round(n);
  if (spec.min !== undefined) n = Math.max(spec.min, n);
  if (spec.max !== undefined) n = Math.min(spec.max, n);
  return n;
}
