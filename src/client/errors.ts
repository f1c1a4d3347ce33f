/**
 * Typed errors of the client SDK. Every failure the SDK reports is an {@link IleapError}; branch on
 * the class (or on `status`, `code`, `error`) rather than on messages. Messages never contain
 * secrets or access tokens.
 * @module
 */

/** Base class of every error the SDK throws. */
export class IleapError extends Error {
  override readonly name: string = "IleapError";
}

/** Fields common to the HTTP error classes. */
export interface HttpErrorDetails {
  /** HTTP method of the failed request. */
  readonly method: string;
  /** URL of the failed request (never carries credentials). */
  readonly url: string;
  /** HTTP status of the response. */
  readonly status: number;
  /** Parsed JSON body of the response, when it had one. */
  readonly body?: unknown;
  /** `Retry-After` of the response in seconds, when it had a usable one. */
  readonly retryAfterSeconds?: number;
  /** `X-Request-Id` of the response, when present (quote it when reporting a problem to the host). */
  readonly requestId?: string;
}

/** The host answered with an HTTP error status. */
export class IleapHttpError extends IleapError {
  override readonly name: string = "IleapHttpError";
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly body?: unknown;
  readonly retryAfterSeconds?: number;
  readonly requestId?: string;

  constructor(message: string, details: HttpErrorDetails) {
    super(message);
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    if (details.body !== undefined) this.body = details.body;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
    if (details.requestId !== undefined) this.requestId = details.requestId;
  }
}

/**
 * An API endpoint (`/2/footprints`, `/2/events`, `/2/ileap/tad`) answered with an error status.
 * `code` is the PACT error code of the body (`AccessDenied`, `BadRequest`, `NoSuchFootprint`,
 * `NotImplemented`, `TokenExpired`, `InternalError`, or whatever the host sent), when there was one.
 */
export class IleapApiError extends IleapHttpError {
  override readonly name: string = "IleapApiError";
  /** PACT error `code` of the response body, if any. */
  readonly code?: string;
  /** PACT error `message` of the response body, if any. */
  readonly detail?: string;

  constructor(message: string, details: HttpErrorDetails & { code?: string; detail?: string }) {
    super(message, details);
    if (details.code !== undefined) this.code = details.code;
    if (details.detail !== undefined) this.detail = details.detail;
  }
}

/**
 * The token endpoint refused to issue a token. `error` is the OAuth 2.0 error code (RFC 6749 §5.2:
 * `invalid_client`, `invalid_request`, `unsupported_grant_type`, `temporarily_unavailable`, …).
 */
export class IleapAuthError extends IleapHttpError {
  override readonly name: string = "IleapAuthError";
  /** OAuth `error` of the response body, if any. */
  readonly error?: string;
  /** OAuth `error_description` of the response body, if any. */
  readonly errorDescription?: string;

  constructor(message: string, details: HttpErrorDetails & { error?: string; errorDescription?: string }) {
    super(message, details);
    if (details.error !== undefined) this.error = details.error;
    if (details.errorDescription !== undefined) this.errorDescription = details.errorDescription;
  }
}

/**
 * A new access token is needed but the client has no secret (it was built with an empty
 * `clientSecret` and a {@link TokenCache} whose token expired): authenticate again.
 */
export class IleapLoginRequiredError extends IleapError {
  override readonly name: string = "IleapLoginRequiredError";
}

/** No response: DNS failure, connection refused or reset, TLS failure. */
export class IleapNetworkError extends IleapError {
  override readonly name: string = "IleapNetworkError";
  readonly method: string;
  readonly url: string;

  constructor(message: string, details: { method: string; url: string; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.method = details.method;
    this.url = details.url;
  }
}

/** The request (headers and body) did not complete within the client's `timeoutMs`. */
export class IleapTimeoutError extends IleapNetworkError {
  override readonly name: string = "IleapTimeoutError";
  readonly timeoutMs: number;

  constructor(message: string, details: { method: string; url: string; timeoutMs: number }) {
    super(message, details);
    this.timeoutMs = details.timeoutMs;
  }
}

/**
 * The host answered with a success status but the response cannot be used: not JSON, no `data`,
 * a token response without `access_token`, a `Link` that points to another origin or loops.
 */
export class IleapResponseError extends IleapError {
  override readonly name: string = "IleapResponseError";
  readonly method: string;
  readonly url: string;
  readonly status: number;

  constructor(message: string, details: { method: string; url: string; status: number }) {
    super(message);
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
  }
}
