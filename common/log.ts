// Owns structured logging for the three programs: JSON lines through winston, one child logger per
// component and per request or reconcile (carrying a correlation id), never secrets.
import winston from 'winston';

export type Logger = winston.Logger;

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LoggerOptions {
  level?: LogLevel;
  /** Program name written into every line as `program`. */
  program: string;
  /** Silence output (tests that assert on behaviour, not on logs). */
  silent?: boolean;
}

/** Creates the root logger of a program. Output is one JSON object per line on stdout. */
export function createLogger(options: LoggerOptions): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { program: options.program },
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
}

/** A logger that writes nothing: the default for library code constructed without one. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
}

/** Turns any thrown value into log fields: message, cause chain and stack, never the raw object. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: String(err) };
  const causes: string[] = [];
  let cause: unknown = err.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    causes.push(
      cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : JSON.stringify(cause),
    );
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return {
    error: err.message,
    errorName: err.name,
    ...(causes.length > 0 ? { causes } : {}),
    stack: err.stack,
  };
}
