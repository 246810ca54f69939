/** The "Hotpath" LogOutputChannel, adapted to core's Logger. */
import * as vscode from 'vscode';
import type { Logger } from '../core';

export interface HotpathLog extends Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  show(): void;
}

export function createLog(): HotpathLog {
  const channel = vscode.window.createOutputChannel('Hotpath', { log: true });
  return {
    channel,
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}
