// Owns the parsing of single environment values shared by the programs' config loaders: booleans,
// ports, positive integers, durations and the log level, each failing with an EnvValueError
// naming the variable.
import type { LogLevel } from '../log.js';

/** A configuration value that cannot be used; the message names the variable and the rule. */
export class EnvValueError extends Error {
  override readonly name = 'EnvValueError';

  constructor(
    readonly variable: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${variable}: ${message}`, options);
  }
}

/** Trimmed value, or undefined when unset or blank (a blank variable counts as unset). */
export function envString(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** true/false/1/0/yes/no/on/off (any case); undefined when unset. */
export function envBool(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  throw new EnvValueError(name, `expected a boolean (true/false), got ${JSON.stringify(value)}`);
}

/** Parses a TCP port 1..65535 (0 allowed when `allowZero`, meaning "any free port"). */
export function parsePort(name: string, value: string, options?: { allowZero?: boolean }): number {
  const min = options?.allowZero === true ? 0 : 1;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 65535) {
    throw new EnvValueError(name, `expected a port number ${min}-65535, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** A positive safe integer; undefined when unset. */
export function envPositiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) {
    throw new EnvValueError(name, `expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration into milliseconds: Go-style `1h30m`, `10s`, `250ms`, or a bare integer of
 * milliseconds. Negative and fractional-millisecond results are rejected.
 */
export function parseDurationMs(name: string, value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  while (index < value.length) {
    part.lastIndex = index;
    const match = part.exec(value);
    if (match === null) break;
    total += Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? ''] ?? Number.NaN);
    index = part.lastIndex;
  }
  if (index === 0 || index !== value.length || !Number.isSafeInteger(Math.round(total))) {
    throw new EnvValueError(
      name,
      `expected a duration such as "10s", "1m30s", "500ms" or milliseconds, got ${JSON.stringify(value)}`,
    );
  }
  return Math.round(total);
}

/** A duration variable in milliseconds, or `fallbackMs` when unset. */
export function envDurationMs(env: NodeJS.ProcessEnv, name: string, fallbackMs: number): number {
  const value = envString(env, name);
  return value === undefined ? fallbackMs : parseDurationMs(name, value);
}

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

/** `LOG_LEVEL` (error, warn, info, debug; any case), default info. */
export function envLogLevel(env: NodeJS.ProcessEnv, name = 'LOG_LEVEL'): LogLevel {
  const value = envString(env, name)?.toLowerCase();
  if (value === undefined) return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new EnvValueError(name, `expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(value)}`);
}
