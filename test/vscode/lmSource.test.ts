/// <reference types="mocha" />
// The "vscode-lm" provider: a CandidateSource over VS Code's Language Model API. No chat model
// can be registered without a proposed API, so these tests drive the source with a model object
// shaped like vscode.LanguageModelChat.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { VsCodeLmCandidateSource } from '../../src/vscode/lmSource';
import { LlmError } from '../../src/core/errors';

interface Sent {
  messages: vscode.LanguageModelChatMessage[];
  options: vscode.LanguageModelChatRequestOptions | undefined;
  token: vscode.CancellationToken | undefined;
}

function fakeModel(behaviour: (sent: Sent) => AsyncIterable<string> | Error): { model: vscode.LanguageModelChat; sent: Sent[] } {
  const sent: Sent[] = [];
  const model = {
    id: 'fake-id',
    name: 'Fake',
    vendor: 'fake-vendor',
    family: 'fake-family',
    version: '1',
    maxInputTokens: 100_000,
    countTokens: async (text: string | vscode.LanguageModelChatMessage) => Math.ceil((typeof text === 'string' ? text : 'x').length / 4),
    sendRequest: async (messages: vscode.LanguageModelChatMessage[], options?: vscode.LanguageModelChatRequestOptions, token?: vscode.CancellationToken) => {
      const s = { messages, options, token };
      sent.push(s);
      const r = behaviour(s);
      if (r instanceof Error) throw r;
      return { text: r, stream: r } as unknown as vscode.LanguageModelChatResponse;
    },
  } as unknown as vscode.LanguageModelChat;
  return { model, sent };
}

async function* chunks(parts: string[]): AsyncIterable<string> {
  for (const p of parts) yield p;
}

suite('vscode-lm candidate source', () => {
  test('sends the prompt with a justification and collects the streamed answer', async () => {
    const { model, sent } = fakeModel(() => chunks(['```ts\nexport function f() {', ' return 1; }\n```']));
    const source = new VsCodeLmCandidateSource(model);
    assert.equal(source.label, 'fake-vendor/fake-family');
    const batch = await source.generate({
      messages: [
        { role: 'system', content: 'You optimize code.' },
        { role: 'user', content: 'Make f faster.' },
      ],
      index: 0,
      total: 1,
    });
    assert.equal(batch.text, '```ts\nexport function f() { return 1; }\n```');
    assert.ok(batch.completionTokens > 0 && batch.promptTokens > 0);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.messages.length, 2);
    assert.ok(sent[0]?.messages.every((m) => m.role === vscode.LanguageModelChatMessageRole.User), 'no system role in the LM API');
    assert.match(sent[0]?.options?.justification ?? '', /Hotpath/);
  });

  test('an abort signal cancels the request token', async () => {
    const ac = new AbortController();
    const { model, sent } = fakeModel(() =>
      (async function* () {
        yield 'partial';
        ac.abort();
        await new Promise((r) => setTimeout(r, 10));
      })(),
    );
    await new VsCodeLmCandidateSource(model).generate({ messages: [{ role: 'user', content: 'x' }], index: 0, total: 1, signal: ac.signal });
    assert.equal(sent[0]?.token?.isCancellationRequested, true);
  });

  test('LanguageModelError becomes a clear LlmError', async () => {
    const { model } = fakeModel(() => vscode.LanguageModelError.NoPermissions('denied'));
    await assert.rejects(
      new VsCodeLmCandidateSource(model).generate({ messages: [{ role: 'user', content: 'x' }], index: 0, total: 1 }),
      (err: unknown) => err instanceof LlmError && /not allowed to use this model/.test(err.message),
    );
  });
});
