/**
 * PACT error codes and their HTTP statuses (PROTOCOL.md §2). `NotImplemented` is 400, not 501:
 * the PACT spec text and the official conformance tool use 400.
 */
export const PACT_ERROR_STATUS = {
  AccessDenied: 403,
  BadRequest: 400,
  NoSuchFootprint: 404,
  NotImplemented: 400,
  TokenExpired: 401,
  InternalError: 500,
} as const;

export type PactErrorCode = keyof typeof PACT_ERROR_STATUS;

/** A PACT error as a value: the code (which fixes the status) and a message for the client. */
export interface PactError {
  readonly code: PactErrorCode;
  readonly message: string;
}

/** Builds a {@link PactError}. */
export function pactError(code: PactErrorCode, message: string): PactError {
  return { code, message };
}

/** Result of a pure parser: a value, or a PACT error that says what was wrong. Never thrown. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: PactError };
