import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { OAuthErrorCode } from "../auth/provider.ts";
import { PACT_ERROR_STATUS, type PactError } from "../protocol/errors.ts";
import type { AppEnv } from "./env.ts";

/**
 * Response builders. They all go through `c.body()`, so headers prepared by middleware (request id,
 * `X-Content-Type-Options`) are kept and @hono/node-server writes the string directly.
 */
type Ctx = Context<AppEnv>;
type Status = ContentfulStatusCode;

const JSON_TYPE = "application/json";

/** A PACT error response (`{code, message}`, status from the error or else its code) with `Content-Type: application/json`. */
export function pactErrorResponse(c: Ctx, error: PactError, extraHeaders?: Record<string, string>): Response {
  return c.body(
    JSON.stringify({ code: error.code, message: error.message }),
    (error.status ?? PACT_ERROR_STATUS[error.code]) as Status,
    {
      "content-type": JSON_TYPE,
      ...extraHeaders,
    },
  );
}

/** A JSON error body with an explicit status, for statuses outside the PACT code table (404 route, 413, 414, 503). */
export function jsonErrorResponse(
  c: Ctx,
  status: number,
  code: string,
  message: string,
  extraHeaders?: Record<string, string>,
): Response {
  return c.body(JSON.stringify({ code, message }), status as Status, {
    "content-type": JSON_TYPE,
    ...extraHeaders,
  });
}

/**
 * 503 with `Retry-After` and PACT code `InternalError`: a dependency (the data store, the identity
 * provider's keys) is unavailable; the request may be repeated unchanged.
 */
export function unavailableResponse(c: Ctx, message: string, retryAfterSeconds = 5): Response {
  return jsonErrorResponse(c, 503, "InternalError", message, { "retry-after": String(retryAfterSeconds) });
}

/** Headers every token endpoint answer carries (RFC 6749 §5.1). */
export const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" } as const;

/** An OAuth2 error response (RFC 6749 §5.2). */
export function oauthErrorResponse(
  c: Ctx,
  status: number,
  error: OAuthErrorCode,
  description: string,
  retryAfterSeconds?: number,
): Response {
  return c.body(JSON.stringify({ error, error_description: description }), status as Status, {
    "content-type": JSON_TYPE,
    ...NO_STORE,
    ...(retryAfterSeconds !== undefined ? { "retry-after": String(retryAfterSeconds) } : {}),
  });
}

/**
 * The answer to an unexpected error (status 500, PACT `InternalError` naming the request id), as
 * the app's error handler and the raw fast path write it.
 */
export function internalError(requestId: string): {
  readonly status: 500;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
} {
  return {
    status: 500,
    headers: { "content-type": JSON_TYPE },
    body: JSON.stringify({ code: "InternalError", message: `Internal error (request id ${requestId})` }),
  };
}

/** A JSON success body from an already-serialised text. */
export function jsonTextResponse(c: Ctx, body: string, extraHeaders?: Record<string, string>): Response {
  return c.body(body, 200, { "content-type": JSON_TYPE, ...extraHeaders });
}

/** `{"data":[…]}` assembled from stored JSON texts without parsing them. */
export function dataListBody(items: readonly string[]): string {
  return `{"data":[${items.join(",")}]}`;
}
