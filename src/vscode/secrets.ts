/** The API key lives only in SecretStorage: never in settings, logs, or the webview. */
import * as vscode from 'vscode';

const KEY = 'hotpath.apiKey';

export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(): Thenable<string | undefined> {
    return this.secrets.get(KEY);
  }

  async set(value: string): Promise<void> {
    await this.secrets.store(KEY, value.trim());
  }

  async clear(): Promise<void> {
    await this.secrets.delete(KEY);
  }

  /** Asks for the key (password box). Returns false when the user dismissed the box. */
  async prompt(): Promise<boolean> {
    const value = await vscode.window.showInputBox({
      title: 'Hotpath: Set API Key',
      prompt: 'API key for the OpenAI-compatible endpoint in hotpath.baseUrl. Stored in VS Code\'s secret storage only.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? null : 'The key cannot be empty.'),
    });
    if (value === undefined) return false;
    await this.set(value);
    return true;
  }
}
