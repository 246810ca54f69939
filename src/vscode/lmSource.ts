/**
 * A CandidateSource over VS Code's Language Model API (`vscode.lm`): the chat models the user
 * already has (GitHub Copilot and others), no API key needed.
 */
import * as vscode from 'vscode';
import { LlmError, type CandidateBatch, type CandidateRequest, type CandidateSource } from '../core';

const JUSTIFICATION = 'Hotpath asks the model for faster variants of the function you selected, then verifies and benchmarks them locally.';

/** Picks a chat model: the preferred family if the user has it, else the first one offered. */
export async function selectLanguageModel(preferredFamily: string): Promise<vscode.LanguageModelChat> {
  const family = preferredFamily.trim();
  let models = family ? await vscode.lm.selectChatModels({ family }) : [];
  if (models.length === 0) models = await vscode.lm.selectChatModels();
  const model = models[0];
  if (!model) {
    throw new LlmError(
      'No chat model is available through VS Code\'s Language Model API. Install and sign in to an extension that provides one (such as GitHub Copilot), or set "hotpath.provider" to "openai-compatible".',
    );
  }
  return model;
}

export class VsCodeLmCandidateSource implements CandidateSource {
  readonly label: string;

  constructor(private readonly model: vscode.LanguageModelChat) {
    this.label = `${model.vendor}/${model.family || model.id}`;
  }

  async generate(request: CandidateRequest): Promise<CandidateBatch> {
    // The LM API has no system role: the system prompt goes first as a user message.
    const messages = request.messages.map((m) =>
      m.role === 'assistant'
        ? vscode.LanguageModelChatMessage.Assistant(m.content)
        : vscode.LanguageModelChatMessage.User(m.content),
    );
    const cts = new vscode.CancellationTokenSource();
    const onAbort = () => cts.cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (request.signal?.aborted) cts.cancel();
      const response = await this.model.sendRequest(messages, { justification: JUSTIFICATION }, cts.token);
      let text = '';
      for await (const part of response.text) text += part;
      const [promptTokens, completionTokens] = await Promise.all([
        Promise.all(request.messages.map((m) => this.model.countTokens(m.content, cts.token))).then((n) => n.reduce((a, b) => a + b, 0)),
        this.model.countTokens(text, cts.token),
      ]).catch(() => [0, 0] as const);
      return { text, promptTokens, completionTokens, truncated: false };
    } catch (err) {
      if (err instanceof vscode.LanguageModelError) {
        const why =
          err.code === vscode.LanguageModelError.NoPermissions.name
            ? 'Hotpath is not allowed to use this model (the permission was declined).'
            : err.code === vscode.LanguageModelError.Blocked.name
              ? 'The request was blocked (quota or content filter).'
              : err.code === vscode.LanguageModelError.NotFound.name
                ? 'The model is not available any more.'
                : err.message;
        throw new LlmError(`${this.label}: ${why}`, null, { cause: err });
      }
      throw err;
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cts.dispose();
    }
  }
}
