import type { VerifyFailure } from "../auth/provider.ts";
import { type PactError, type PactErrorCode, pactError } from "../protocol/errors.ts";

/**
 * The protected API surfaces whose answers differ (PROTOCOL.md §2 and §9): PACT v2 footprints and
 * events, iLEAP TAD, PACT v3 footprints and events.
 */
export type Surface = "footprints" | "events" | "tad" | "footprints-v3" | "events-v3";

/** The situations whose status and code depend on the surface. */
export type Situation =
  | "missingToken"
  | "invalidToken"
  | "expiredToken"
  | "noPermission"
  | "unknownFootprint";

/** One cell: the HTTP status and the PACT error code of the body. */
export interface Answer {
  readonly status: number;
  readonly code: PactErrorCode;
}

const a = (status: number, code: PactErrorCode): Answer => ({ status, code });

/**
 * The one status matrix (README "Status codes"), one column per surface:
 * - v2 footprints and events: missing/invalid token → 400 BadRequest (the official tool fails 403
 *   there, TC6/TC7/TC16); unknown footprint → 404 NoSuchFootprint;
 * - TAD: missing/invalid token → 403 AccessDenied (iLEAP TC007);
 * - v3: missing/invalid token → 401 with a BadRequest body (PACT 3.0: "The request is not
 *   authorized, the access token is invalid or has expired" → 401); unknown footprint → 404
 *   NotFound (PACT 3.0 Error codes: `NotFound # 404`);
 * - everywhere: a signature-valid token whose `exp` passed → 401 TokenExpired; a valid token
 *   without permission for the data → 403 AccessDenied.
 */
export const STATUS_MATRIX: Readonly<Record<Situation, Readonly<Record<Surface, Answer>>>> = {
  missingToken: {
    footprints: a(400, "BadRequest"),
    events: a(400, "BadRequest"),
    tad: a(403, "AccessDenied"),
    "footprints-v3": a(401, "BadRequest"),
    "events-v3": a(401, "BadRequest"),
  },
  invalidToken: {
    footprints: a(400, "BadRequest"),
    events: a(400, "BadRequest"),
    tad: a(403, "AccessDenied"),
    "footprints-v3": a(401, "BadRequest"),
    "events-v3": a(401, "BadRequest"),
  },
  expiredToken: {
    footprints: a(401, "TokenExpired"),
    events: a(401, "TokenExpired"),
    tad: a(401, "TokenExpired"),
    "footprints-v3": a(401, "TokenExpired"),
    "events-v3": a(401, "TokenExpired"),
  },
  noPermission: {
    footprints: a(403, "AccessDenied"),
    events: a(403, "AccessDenied"),
    tad: a(403, "AccessDenied"),
    "footprints-v3": a(403, "AccessDenied"),
    "events-v3": a(403, "AccessDenied"),
  },
  unknownFootprint: {
    footprints: a(404, "NoSuchFootprint"),
    events: a(404, "NoSuchFootprint"),
    tad: a(404, "NoSuchFootprint"),
    "footprints-v3": a(404, "NotFound"),
    "events-v3": a(404, "NotFound"),
  },
};

/** The PACT error of a situation on a surface, with the matrix's status. */
export function matrixError(situation: Situation, surface: Surface, message: string): PactError {
  const { status, code } = STATUS_MATRIX[situation][surface];
  return pactError(code, message, status);
}

/** Why a request was not authenticated. */
export type AuthFailure =
  | { readonly kind: "missing" }
  | { readonly kind: "verify"; readonly failure: VerifyFailure };

/** The one place that maps authentication failures to PACT errors (see {@link STATUS_MATRIX}). */
export function authFailureError(surface: Surface, failure: AuthFailure): PactError {
  if (failure.kind === "verify" && failure.failure.reason === "expired") {
    return matrixError("expiredToken", surface, "The access token has expired; request a new one");
  }
  return failure.kind === "missing"
    ? matrixError("missingToken", surface, "An 'Authorization: Bearer <access token>' header is required")
    : matrixError("invalidToken", surface, "Invalid access token");
}

/** Valid token, but no permission for the requested data: 403 AccessDenied on every surface. */
export function noPermissionError(what: string, surface: Surface = "footprints"): PactError {
  return matrixError("noPermission", surface, `This client is not permitted to read ${what}`);
}

/** Unknown (or malformed, or not visible) footprint id: 404 with the surface's code. */
export function unknownFootprintError(surface: Surface, id: string): PactError {
  return matrixError(
    "unknownFootprint",
    surface,
    `Footprint with id ${JSON.stringify(id.slice(0, 100))} does not exist`,
  );
}
