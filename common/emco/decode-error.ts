// Owns the error thrown when an EMCO request body cannot be decoded the way Go's encoding/json
// decodes it: the kind tells the REST layer which status to answer, the message is Go's own text.

/**
 * - `eof`: the body was empty or whitespace only (Go's `io.EOF`, message `EOF`).
 * - `syntax`: the first JSON value is malformed or truncated (`unexpected EOF`,
 *   `invalid character 'x' looking for beginning of value`, ...).
 * - `type`: well-formed JSON that does not fit EMCO's Go struct
 *   (`json: cannot unmarshal string into Go struct field ... of type bool`).
 */
export type EmcoDecodeErrorKind = 'eof' | 'syntax' | 'type';

export class EmcoDecodeError extends Error {
  override readonly name = 'EmcoDecodeError';
  readonly kind: EmcoDecodeErrorKind;
  /** Byte offset in the body where decoding stopped (diagnostics only; not part of the message). */
  readonly offset: number;

  constructor(kind: EmcoDecodeErrorKind, message: string, offset: number, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.offset = offset;
  }
}
