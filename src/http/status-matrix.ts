import type { VerifyFailure } from "../auth/provider.ts";
import { type PactError, pactError } from "../protocol/errors.ts";

/** The protected API surfaces whose authentication failures differ (PROTOCOL.md §2). */
export type Surface = "footprints" | "events" | "tad";

/** Why a request was not authenticated. */
export type AuthFailure =
  | { readonly kind: "missing" }
  | { readonly kind: "verify"; readonly failure: VerifyFailure };

/**
 * The one place that maps authentication failures to PACT errors:
 * - footprints and events: missing/invalid → 400 BadRequest (the official tool fails 403 here);
 * - TAD: missing/invalid → 403 AccessDenied (iLEAP TC007);
 * - everywhere: a signature-valid token whose `exp` passed → 401 TokenExpired.
 */
export function authFailureError(surface: Surface, failure: AuthFailure): PactError {
  if (failure.kind === "verify" && failure.failure.reason === "expired") {
    return pactError("TokenExpired", "The access token has expired; request a new one");
  }
  const message =
    failure.kind === "missing"
      ? "An 'Authorization: Bearer <access token>' header is required"
      : "Invalid access token";
  return surface === "tad" ? pactError("AccessDenied", message) : pactError("BadRequest", message);
}

/** Valid token, but no permission for the requested data: 403 AccessDenied on every surface. */
export function noPermissionError(what: string): PactError {
  return pactError("AccessDenied", `This client is not permitted to read ${what}`);
}
