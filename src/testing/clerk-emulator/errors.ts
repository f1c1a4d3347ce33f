/** Clerk error envelopes (`ClerkErrors` in the OpenAPI) and the errors the emulator answers with. */
import { traceId } from "./ids.ts";
import type { ClerkErrorJSON, ClerkErrorsJSON } from "./types.ts";

/** A FAPI error: HTTP status, one `ClerkError`, optional `Retry-After` seconds. */
export class ClerkApiError extends Error {
  readonly status: number;
  readonly error: ClerkErrorJSON;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, error: ClerkErrorJSON, retryAfterSeconds?: number) {
    super(`${status} ${error.code}`);
    this.name = "ClerkApiError";
    this.status = status;
    this.error = error;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The JSON body, with a fresh `clerk_trace_id`. */
  body(): ClerkErrorsJSON {
    return { errors: [this.error], clerk_trace_id: traceId() };
  }
}

function err(
  status: number,
  code: string,
  message: string,
  longMessage: string,
  meta: Record<string, unknown> = {},
  retryAfterSeconds?: number,
): ClerkApiError {
  return new ClerkApiError(status, { code, message, long_message: longMessage, meta }, retryAfterSeconds);
}

/** 422 `form_param_missing`. */
export const paramMissing = (param: string): ClerkApiError =>
  err(422, "form_param_missing", "is missing", `${param} must be included.`, { param_name: param });

/** 422 `form_identifier_not_found`. */
export const identifierNotFound = (): ClerkApiError =>
  err(422, "form_identifier_not_found", "Couldn't find your account.", "Couldn't find your account.", {
    param_name: "identifier",
  });

/** 422 `form_password_incorrect`. */
export const passwordIncorrect = (): ClerkApiError =>
  err(
    422,
    "form_password_incorrect",
    "Password is incorrect. Try again, or use another method.",
    "Password is incorrect. Try again, or use another method.",
    { param_name: "password" },
  );

/** 422 `strategy_for_user_invalid`: the emulator signs in with `password` only. */
export const strategyInvalid = (strategy: string): ClerkApiError =>
  err(
    422,
    "strategy_for_user_invalid",
    "Invalid verification strategy",
    `The verification strategy '${strategy}' is not valid for this account.`,
    { param_name: "strategy" },
  );

/** 403 `user_locked`, with `meta.lockout_expires_in_seconds` as in Clerk. */
export function userLocked(expiresInSeconds: number): ClerkApiError {
  const minutes = Math.max(1, Math.ceil(expiresInSeconds / 60));
  return err(
    403,
    "user_locked",
    "Account locked",
    `Your account is locked. You will be able to try again in ${minutes} minute${minutes === 1 ? "" : "s"}. For more information, please contact support.`,
    { lockout_expires_in_seconds: expiresInSeconds },
  );
}

/** 403 `not_allowed_access`: the user is banned (Clerk answers this whatever the password). */
export const notAllowedAccess = (): ClerkApiError =>
  err(
    403,
    "not_allowed_access",
    "You are not allowed to access this resource.",
    "You are not allowed to sign in. Please contact the application administrator.",
  );

/** 401 `requires_captcha`: Bot protection is on and the request carries no captcha token. */
export const requiresCaptcha = (): ClerkApiError =>
  err(
    401,
    "requires_captcha",
    "Bot protection requires a captcha",
    "This request requires a captcha token because Bot protection is enabled for this instance.",
  );

/** 429 `too_many_requests` with `Retry-After`. */
export const tooManyRequests = (retryAfterSeconds: number): ClerkApiError =>
  err(
    429,
    "too_many_requests",
    "Too many requests",
    "Too many requests, please try again later.",
    {},
    retryAfterSeconds,
  );

/** 401 `signed_out`: no, or an unknown, client token in `Authorization`, or the session is gone. */
export const signedOut = (): ClerkApiError => err(401, "signed_out", "Signed out", "You are signed out.");

/** 401 `dev_browser_unauthenticated`: a client call without `_is_native=1` (and no dev browser). */
export const devBrowserUnauthenticated = (): ClerkApiError =>
  err(
    401,
    "dev_browser_unauthenticated",
    "Browser unauthenticated",
    "Unable to authenticate this browser for your development instance. Use `?_is_native=1` with an Authorization header for native flows.",
  );

/** 404 `resource_not_found`. */
export const resourceNotFound = (what: string, param?: string): ClerkApiError =>
  err(404, "resource_not_found", "not found", `${what} not found`, param ? { param_name: param } : {});

/** 400 `malformed_request`: a body that cannot be parsed. */
export const malformedRequest = (detail: string): ClerkApiError =>
  err(400, "malformed_request", "malformed request", detail);

/** 5xx `internal_clerk_error` (as injected by status faults). */
export const internalError = (status: number, retryAfterSeconds?: number): ClerkApiError =>
  err(
    status,
    "internal_clerk_error",
    "Oops, an unexpected error occurred",
    "There was an internal error on our servers. We've been notified and are working on fixing it.",
    {},
    retryAfterSeconds,
  );

/** The envelope for a status fault: Clerk's code for the status class. */
export function faultError(status: number, retryAfterSeconds?: number): ClerkApiError {
  if (status === 429) return tooManyRequests(retryAfterSeconds ?? 1);
  if (status >= 500) return internalError(status, retryAfterSeconds);
  return err(
    status,
    "emulator_fault",
    "Injected fault",
    `Injected fault: HTTP ${status}.`,
    {},
    retryAfterSeconds,
  );
}
