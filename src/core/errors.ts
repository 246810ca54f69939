/**
 * Infrastructure faults and bad input. Expected outcomes of a candidate (wrong, slower,
 * unsafe, timed out) are never thrown: they are verdicts (see report.ts).
 */
export class HotpathError extends Error {
  override name = 'HotpathError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The user's input is wrong: missing file, unknown function, syntax error, bad option. CLI exit 2. */
export class InputError extends HotpathError {
  override name = 'InputError';
}

/** The LLM endpoint failed (auth, model not found, rate limit, server error, timeout). CLI exit 1. */
export class LlmError extends HotpathError {
  override name = 'LlmError';
  constructor(
    message: string,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The sandbox cannot be set up (no node binary, permission model unavailable, bundling tool failure). CLI exit 1. */
export class SandboxError extends HotpathError {
  override name = 'SandboxError';
}

/** The run was cancelled through its AbortSignal. */
export class CancelledError extends HotpathError {
  override name = 'CancelledError';
  constructor(message = 'Cancelled.') {
    super(message);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** One line for a human, whatever was thrown. */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]?.trim() || 'Unknown error.';
}
