/**
 * Parsers of remote input return values, never throw (DESIGN.md rule 2).
 */
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E = ParseError> = Ok<T> | Err<E>;

/** Why remote bytes could not be parsed, and where (byte or character offset) when known. */
export interface ParseError {
  readonly reason: string;
  readonly offset?: number;
}

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E = ParseError>(error: E): Err<E> {
  return { ok: false, error };
}

export function parseError(reason: string, offset?: number): Err<ParseError> {
  return offset === undefined ? { ok: false, error: { reason } } : { ok: false, error: { reason, offset } };
}
