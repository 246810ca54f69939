/**
 * The one logger type of the engine. In VS Code it is backed by a LogOutputChannel; in the
 * CLI by stderr. Core code never writes to the console itself.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'off';
const order: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'off'];

/** A logger that forwards messages at or above `level` to `sink`. */
export function levelLogger(level: LogLevel, sink: (level: Exclude<LogLevel, 'off'>, message: string) => void): Logger {
  const min = order.indexOf(level);
  const at = (l: Exclude<LogLevel, 'off'>) => (message: string) => {
    if (order.indexOf(l) >= min) sink(l, message);
  };
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
