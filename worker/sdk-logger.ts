// Owns the bridge from the Temporal SDK's logger interface (worker runtime, SDK core, workflow
// and activity `log`) to the program's winston logger, so every line is the same JSON.
import type { LogLevel as SdkLogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/worker';
import type { Logger } from '../common/log.js';

const LEVELS: Record<SdkLogLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Replaces values JSON cannot carry (bigint) so one odd field never drops a log line. */
function safeMeta(meta: LogMetadata | undefined): Record<string, unknown> {
  if (meta === undefined) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) {
    out[key] = typeof value === 'bigint' ? value.toString() : value;
  }
  return out;
}

export interface WinstonSdkLoggerOptions {
  /** Write SDK INFO lines at debug (the bundler prints its whole webpack report at INFO). */
  infoAsDebug?: boolean;
}

export class WinstonSdkLogger implements SdkLogger {
  constructor(
    private readonly logger: Logger,
    private readonly options: WinstonSdkLoggerOptions = {},
  ) {}

  log(level: SdkLogLevel, message: string, meta?: LogMetadata): void {
    const mapped = level === 'INFO' && this.options.infoAsDebug === true ? 'debug' : LEVELS[level];
    this.logger.log(mapped, message, safeMeta(meta));
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
