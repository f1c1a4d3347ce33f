import type { OAuthErrorCode } from "../auth/provider.ts";
import { PACT_ERROR_STATUS, type PactError } from "../protocol/errors.ts";

const JSON_TYPE = "application/json";

/** A PACT error response (`{code, message}`, status from the code) with `Content-Type: application/json`. */
export function pactErrorResponse(error: PactError, extraHeaders?: Record<string, string>): Response {
  return new Response(JSON.stringify({ code: error.code, message: error.message }), {
    status: PACT_ERROR_STATUS[error.code],
    headers: { "content-type": JSON_TYPE, ...extraHeaders },
  });
}

/** A JSON error body with an explicit status, for statuses outside the PACT code table (404 route, 405, 413, 414, 503). */
export function jsonErrorResponse(status: number, code: string, message: string, extraHeaders?: Record<string, string>): Response {
  return new Response(JSON.stringify({ code, message }), {
    status,
    headers: { "content-type": JSON_TYPE, ...extraHeaders },
  });
}

/** Headers every token endpoint answer carries (RFC 6749 §5.1). */
export const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" } as const;

/** An OAuth2 error response (RFC 6749 §5.2). */
export function oauthErrorResponse(
  status: number,
  error: OAuthErrorCode,
  description: string,
  retryAfterSeconds?: number,
): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: {
      "content-type": JSON_TYPE,
      ...NO_STORE,
      ...(retryAfterSeconds !== undefined ? { "retry-after": String(retryAfterSeconds) } : {}),
    },
  });
}

/** A JSON success body from an already-serialised text. */
export function jsonTextResponse(body: string, status = 200, extraHeaders?: Record<string, string>): Response {
  return new Response(body, { status, headers: { "content-type": JSON_TYPE, ...extraHeaders } });
}

/** `{"data":[…]}` assembled from stored JSON texts without parsing them. */
export function dataListBody(items: readonly string[]): string {
  return `{"data":[${items.join(",")}]}`;
}
