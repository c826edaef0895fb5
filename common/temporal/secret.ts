// Owns the wrapper that keeps secret values (API keys, private keys, tokens) out of logs: it
// serialises, prints and inspects as "[redacted]" and gives its value only through `reveal()`.
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/** A secret string. Logging, JSON.stringify or util.inspect of it never shows the value. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself, for the one place that must hand it to a library. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
