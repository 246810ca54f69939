/** Typed access to the `hotpath.*` settings (declared in package.json: contributes.configuration). */
import * as vscode from 'vscode';

export type Provider = 'openai-compatible' | 'vscode-lm';

export interface HotpathSettings {
  provider: Provider;
  /** OpenAI-compatible base URL (application scope). */
  baseUrl: string;
  /** Model id, or preferred model family for vscode-lm (application scope). */
  model: string;
  candidates: number;
  /** Search rounds (1 = ask once). */
  rounds: number;
  /** Token budget of a run, in tokens; 0 = unlimited. */
  budgetTokens: number;
  responseCache: boolean;
  minSpeedup: number;
  /** Per-call timeout in the sandbox, in ms. */
  callTimeoutMs: number;
  /** Benchmark time budget per candidate, in ms. */
  benchBudgetMs: number;
  /** Per-request timeout of the model, in ms. */
  requestTimeoutMs: number;
  /** Completion token limit per request, in tokens. */
  maxTokens: number;
  nodePath: string;
  /** Use the project's own tests (captured calls, final gate). */
  projectTests: boolean;
  /** Test files to use, as a glob relative to the project root; '' = files that import the target's module. */
  testsGlob: string;
  /** Limit for one run of the selected tests, in ms. */
  testsTimeoutMs: number;
}

function clampInt(value: unknown, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : fallback;
  return Math.min(max, Math.max(min, n));
}

function clampNum(value: unknown, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  return Math.min(max, Math.max(min, n));
}

/**
 * Reads the settings for `resource`. Base URL, model, provider and timeouts of the model are
 * application-scoped in package.json; here they are additionally read from the user (global)
 * value only, so a workspace can never redirect the user's key to another server.
 */
export function readSettings(resource?: vscode.Uri): HotpathSettings {
  const c = vscode.workspace.getConfiguration('hotpath', resource);
  const userOnly = <T>(key: string, fallback: T): T => {
    const i = c.inspect<T>(key);
    return (i?.globalValue ?? i?.defaultValue ?? fallback) as T;
  };
  const provider = userOnly<string>('provider', 'openai-compatible') === 'vscode-lm' ? 'vscode-lm' : 'openai-compatible';
  const nodePath = userOnly<string>('nodePath', 'node').trim() || 'node';
  return {
    provider,
    baseUrl: String(userOnly<string>('baseUrl', 'https://api.openai.com/v1')).trim().replace(/\/+$/, ''),
    model: String(userOnly<string>('model', 'gpt-4o-mini')).trim(),
    candidates: clampInt(c.get('candidates'), 4, 1, 16),
    rounds: clampInt(c.get('rounds'), 1, 1, 5),
    budgetTokens: clampInt(userOnly('budgetTokens', 0), 0, 0, 10_000_000),
    responseCache: userOnly<boolean>('responseCache', true) !== false,
    minSpeedup: clampNum(c.get('minSpeedup'), 1.05, 1, 1000),
    callTimeoutMs: clampInt(c.get('callTimeoutMs'), 2000, 50, 120000),
    benchBudgetMs: clampInt(c.get('benchBudgetMs'), 12000, 500, 600000),
    requestTimeoutMs: clampInt(userOnly('requestTimeoutMs', 120000), 120000, 1000, 900000),
    maxTokens: clampInt(userOnly('maxTokens', 4096), 4096, 256, 65536),
    nodePath,
    projectTests: c.get<boolean>('projectTests', true) !== false,
    testsGlob: String(c.get<string>('testsGlob', '') ?? '').trim(),
    testsTimeoutMs: clampInt(c.get('testsTimeoutMs'), 120000, 5000, 1800000),
  };
}

/** True for loopback base URLs (local servers such as Ollama usually need no key). */
export function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]';
  } catch {
    return false;
  }
}
