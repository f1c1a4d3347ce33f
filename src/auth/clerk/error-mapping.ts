/**
 * Turns failures of the Clerk sign-in flow into OAuth token-endpoint failures (PROTOCOL.md §2 and
 * §8): wrong credentials → 400 `invalid_client`; Clerk's 429 → 429 with its `Retry-After`; 5xx, timeouts, network errors and
 * non-JSON answers → 503 `temporarily_unavailable` with `Retry-After`; sign-in statuses other than
 * `complete` and failed organization activation → their own descriptions. A locked or banned account
 * answers like a wrong password; a captcha demand (Bot protection) is a 503 with guidance; Clerk's
 * own messages are only logged. Pure.
 */
import type { TokenFailure } from "../provider.ts";
import type { FapiError } from "./fapi-client.ts";
import type { SignInFailure } from "./sign-in.ts";

/** Options of {@link mapSignInFailure}. */
export interface ErrorMappingOptions {
  /** `Retry-After` for 503 (and 429) when Clerk sent none, in seconds. Default 5. */
  readonly retryAfterSeconds?: number;
}

/** A mapped failure with what the caller needs besides the answer. */
export interface MappedFailure {
  readonly failure: TokenFailure;
  /** True for a wrong identifier or password: counts toward the failed-attempt throttle. */
  readonly credentialFailure: boolean;
  /** Log level the caller should use. */
  readonly level: "info" | "warn" | "error";
  /** Fields to log: stage, HTTP status, Clerk error code, `clerk_trace_id`. Never secrets. */
  readonly logFields: Readonly<Record<string, string | number>>;
}

/** The description of every wrong-credential answer (identical whatever Clerk said, so it reveals nothing). */
export const INVALID_CREDENTIALS = "Client authentication failed";

const DEFAULT_RETRY_AFTER_SECONDS = 5;

const STATUS_HINTS: Readonly<Record<string, string>> = {
  needs_second_factor:
    "The Clerk account signed in with the right password but needs a second factor (multi-factor authentication is on for it, or Client Trust asks for a verification code). Turn MFA off for this service account, and Client Trust off on the instance, in the Clerk Dashboard",
  needs_client_trust:
    "The Clerk account signed in with the right password but Clerk's Client Trust (Device Trust) wants to verify this new client. Turn Client Trust off on the instance in the Clerk Dashboard (Configure → Attack protection) for service accounts",
  needs_first_factor:
    "Clerk did not accept a password sign-in for this account. Turn on password sign-in for the instance (User & authentication → Password) and give the service account a password",
  needs_new_password:
    "Clerk requires a new password for this account (reset required or password found in a breach). Set a new password for the service account in the Clerk Dashboard and use it as the client secret",
  needs_identifier:
    "Clerk did not take the identifier. Use the account's email address or username as the client id",
};

function firstError(error: FapiError): {
  code: string;
  longMessage: string;
  meta: Readonly<Record<string, unknown>>;
} {
  if (error.kind !== "clerk") return { code: "", longMessage: "", meta: {} };
  const e = error.errors[0];
  return {
    code: e?.code ?? "",
    longMessage: (e?.longMessage ?? e?.message ?? "").slice(0, 200),
    meta: e?.meta ?? {},
  };
}

function logFieldsOf(stage: string, error: FapiError | undefined): Record<string, string | number> {
  const fields: Record<string, string | number> = { stage };
  if (!error) return fields;
  fields.upstream = error.kind;
  if (error.kind === "clerk" || error.kind === "malformed") {
    fields.httpStatus = error.status;
    if (error.traceId) fields.clerkTraceId = error.traceId;
  }
  if (error.kind === "clerk" && error.errors[0]) {
    const { code, longMessage, meta } = firstError(error);
    fields.clerkCode = code;
    if (longMessage) fields.clerkMessage = longMessage;
    if (typeof meta.lockout_expires_in_seconds === "number")
      fields.lockoutExpiresInSeconds = meta.lockout_expires_in_seconds;
  }
  if (error.kind === "network" || error.kind === "malformed") fields.detail = error.detail;
  if (error.kind === "timeout") fields.timeoutMs = error.timeoutMs;
  return fields;
}

/** 429/503 for rate limits and outages; `undefined` when the error is not one of those. */
function transient(error: FapiError, retryDefault: number, what: string): TokenFailure | undefined {
  if (error.kind === "clerk" && error.status === 429) {
    return {
      status: 429,
      error: "temporarily_unavailable",
      description: `Clerk is rate-limiting ${what}; retry later`,
      retryAfterSeconds: error.retryAfterSeconds ?? retryDefault,
    };
  }
  const down =
    error.kind === "timeout"
      ? `Clerk did not answer ${what} within ${error.timeoutMs} ms`
      : error.kind === "network"
        ? `Clerk cannot be reached for ${what}`
        : error.kind === "malformed"
          ? `Clerk gave an unreadable answer to ${what}`
          : error.status >= 500
            ? `Clerk failed ${what} (HTTP ${error.status})`
            : undefined;
  if (down === undefined) return undefined;
  const retryAfterSeconds =
    error.kind === "clerk" || error.kind === "malformed"
      ? (error.retryAfterSeconds ?? retryDefault)
      : retryDefault;
  return {
    status: 503,
    error: "temporarily_unavailable",
    description: `${down}; retry later`,
    retryAfterSeconds,
  };
}

function serverError(description: string): TokenFailure {
  return { status: 500, error: "server_error", description };
}

function mapSignInStage(
  error: FapiError,
  retryDefault: number,
): { failure: TokenFailure; credential: boolean } {
  const t = transient(error, retryDefault, "the sign-in");
  if (t) return { failure: t, credential: false };
  const { code } = firstError(error);
  const status = error.kind === "clerk" ? error.status : 0;
  // A locked account (403 user_locked) and a banned user (403 not_allowed_access) answer exactly
  // like a wrong password: anything else would tell an unauthenticated caller the account exists.
  // Both count as failures (the operator sees Clerk's code and message in the log).
  if ((status === 403 && (code === "user_locked" || code === "not_allowed_access")) || status === 422) {
    const description =
      status === 422 && code === "form_password_pwned"
        ? "Clerk refuses this password because it was found in a data breach; set a new password for the service account in the Clerk Dashboard"
        : INVALID_CREDENTIALS;
    return { failure: { status: 400, error: "invalid_client", description }, credential: true };
  }
  if (status === 401 && code === "requires_captcha") {
    return {
      failure: {
        status: 503,
        error: "temporarily_unavailable",
        description:
          "Clerk asks for a captcha: Bot protection is on for the Clerk instance, which server-side sign-ins cannot pass; the operator must turn Bot protection off for the instance that holds the service accounts",
        retryAfterSeconds: retryDefault,
      },
      credential: false,
    };
  }
  const hint =
    status === 404
      ? "check ILEAP_CLERK_FRONTEND_API / CLERK_PUBLISHABLE_KEY"
      : "check the Clerk instance settings: password sign-in on, Native API on";
  // Clerk's own code and message go to the log only (logFieldsOf), never to the caller.
  return {
    failure: serverError(`Clerk refused the sign-in request (HTTP ${status}); ${hint}`),
    credential: false,
  };
}

function mapOrganization(
  failure: Extract<SignInFailure, { stage: "organization" }>,
  retryDefault: number,
): TokenFailure {
  const t = failure.error ? transient(failure.error, retryDefault, "the organization activation") : undefined;
  if (t) return t;
  const why = `Clerk could not activate organization ${JSON.stringify(failure.organizationId)} for this account`;
  return failure.source === "request"
    ? {
        status: 400,
        error: "invalid_request",
        description: `${why}: the account is not a member of it or it does not exist; send an organization_id the account belongs to`,
      }
    : {
        status: 400,
        error: "invalid_client",
        description: `${why}: the account is not a member of the organization configured in ILEAP_CLERK_ORGANIZATION_ID; add it in the Clerk Dashboard`,
      };
}

function mapTemplate(
  failure: Extract<SignInFailure, { stage: "template" }>,
  retryDefault: number,
): TokenFailure {
  const t = transient(failure.error, retryDefault, "the JWT template token");
  if (t) return t;
  const status = failure.error.kind === "clerk" ? failure.error.status : 0;
  return status === 404
    ? serverError(
        `The JWT template ${JSON.stringify(failure.template)} does not exist on the Clerk instance; create it or fix ILEAP_CLERK_JWT_TEMPLATE`,
      )
    : serverError(`Clerk refused the JWT template token (HTTP ${status}); check ILEAP_CLERK_JWT_TEMPLATE`);
}

/** Maps a failed sign-in flow to the token-endpoint answer, whether it counts as a failed attempt, and what to log. */
export function mapSignInFailure(failure: SignInFailure, options: ErrorMappingOptions = {}): MappedFailure {
  const retryDefault = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  switch (failure.stage) {
    case "sign_in": {
      const { failure: f, credential } = mapSignInStage(failure.error, retryDefault);
      return {
        failure: f,
        credentialFailure: credential,
        level: credential ? "info" : "warn",
        logFields: logFieldsOf("sign_in", failure.error),
      };
    }
    case "status":
      return {
        failure: {
          status: 400,
          error: "invalid_client",
          description:
            STATUS_HINTS[failure.status] ??
            `Clerk answered the password sign-in with status ${JSON.stringify(failure.status)}; this host needs sign-ins that complete with the password alone`,
        },
        credentialFailure: false,
        level: "warn",
        logFields: { stage: "status", signInStatus: failure.status },
      };
    case "session":
      return {
        failure:
          failure.sessionStatus === "pending"
            ? {
                status: 400,
                error: "invalid_request",
                description:
                  "The Clerk session is pending: the instance requires an active organization; set ILEAP_CLERK_ORGANIZATION_ID or send organization_id",
              }
            : serverError(`Unexpected answer from Clerk: ${failure.detail}`),
        credentialFailure: false,
        level: "warn",
        logFields: { stage: "session", detail: failure.detail },
      };
    case "organization":
      return {
        failure: mapOrganization(failure, retryDefault),
        credentialFailure: false,
        level: "warn",
        logFields: {
          ...logFieldsOf("organization", failure.error),
          organizationId: failure.organizationId,
          source: failure.source,
        },
      };
    case "refresh":
      return {
        failure:
          transient(failure.error, retryDefault, "the session token refresh") ??
          serverError(
            `Clerk refused to refresh the session token (HTTP ${failure.error.kind === "clerk" ? failure.error.status : 0})`,
          ),
        credentialFailure: false,
        level: "warn",
        logFields: logFieldsOf("refresh", failure.error),
      };
    case "template":
      return {
        failure: mapTemplate(failure, retryDefault),
        credentialFailure: false,
        level: "warn",
        logFields: { ...logFieldsOf("template", failure.error), template: failure.template },
      };
  }
}

/** 429 answered by our own lockout cap, before calling Clerk. */
export function throttledFailure(retryAfterSeconds: number): TokenFailure {
  return {
    status: 429,
    error: "temporarily_unavailable",
    description:
      "Too many failed sign-ins for this client id: sign-ins are refused until the last credentials that worked are used again or an operator unlocks it (ileap clerk unlock)",
    retryAfterSeconds,
  };
}
