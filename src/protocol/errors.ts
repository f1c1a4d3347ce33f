/**
 * PACT error codes and their HTTP statuses (PROTOCOL.md §2). `NotImplemented` is 400, not 501:
 * the PACT spec text and the official conformance tool use 400. `NotFound` is PACT v3's code for
 * an unknown footprint (v2: `NoSuchFootprint`). Where a surface answers a code with another
 * status (v3: 401 with a `BadRequest` body for an invalid token), the error carries it.
 */
export const PACT_ERROR_STATUS = {
  AccessDenied: 403,
  BadRequest: 400,
  NoSuchFootprint: 404,
  NotFound: 404,
  NotImplemented: 400,
  TokenExpired: 401,
  InternalError: 500,
} as const;

export type PactErrorCode = keyof typeof PACT_ERROR_STATUS;

/** A PACT error as a value: the code (which fixes the status) and a message for the client. */
export interface PactError {
  readonly code: PactErrorCode;
  readonly message: string;
  /** HTTP status when it is not the code's usual one ({@link PACT_ERROR_STATUS}). */
  readonly status?: number;
}

/** Builds a {@link PactError}. */
export function pactError(code: PactErrorCode, message: string, status?: number): PactError {
  return status === undefined || status === PACT_ERROR_STATUS[code]
    ? { code, message }
    : { code, message, status };
}

/** Result of a pure parser: a value, or a PACT error that says what was wrong. Never thrown. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: PactError };
