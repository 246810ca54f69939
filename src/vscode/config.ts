/** Typed access to the `hotpath.*` settings (declared in package.json: contributes.configuration). */
import * as vscode from 'vscode';
import { USER_DEFAULTS, clampOption } from '../core';

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
    baseUrl: String(userOnly<string>('baseUrl', USER_DEFAULTS.baseURL.default)).trim().replace(/\/+$/, ''),
    model: String(userOnly<string>('model', USER_DEFAULTS.model.default)).trim(),
    candidates: clampOption('candidates', c.get('candidates')),
    rounds: clampOption('rounds', c.get('rounds')),
    budgetTokens: clampOption('budgetTokens', userOnly('budgetTokens', 0)),
    responseCache: userOnly<boolean>('responseCache', true) !== false,
    minSpeedup: clampOption('minSpeedup', c.get('minSpeedup')),
    callTimeoutMs: clampOption('callTimeoutMs', c.get('callTimeoutMs')),
    benchBudgetMs: clampOption('benchBudgetMs', c.get('benchBudgetMs')),
    requestTimeoutMs: clampOption('requestTimeoutMs', userOnly('requestTimeoutMs', undefined)),
    maxTokens: clampOption('maxTokens', userOnly('maxTokens', undefined)),
    nodePath,
    projectTests: c.get<boolean>('projectTests', true) !== false,
    testsGlob: String(c.get<string>('testsGlob', '') ?? '').trim(),
    testsTimeoutMs: clampOption('testsTimeoutMs', c.get('testsTimeoutMs')),
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
