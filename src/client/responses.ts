/**
 * Turning responses into values or typed errors. Unknown fields are ignored everywhere.
 * @module
 */
import { type HttpErrorDetails, IleapApiError, IleapAuthError, IleapResponseError } from "./errors.ts";
import type { TransportResponse } from "./http.ts";
import { parseRetryAfter } from "./retry.ts";

/** A JSON object. */
export type JsonRecord = Readonly<Record<string, unknown>>;

/** Whether `value` is a (non-array) JSON object. */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringField(body: unknown, key: string): string | undefined {
  if (!isRecord(body)) return undefined;
  const value = body[key];
  return typeof value === "string" ? value : undefined;
}

function clip(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`;
}

function details(res: TransportResponse): HttpErrorDetails {
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
  const requestId = res.headers.get("x-request-id");
  return {
    method: res.method,
    url: res.url,
    status: res.status,
    ...(res.json !== undefined ? { body: res.json } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

/** The {@link IleapApiError} for an error response of an API endpoint (PACT `{code, message}` body). */
export function apiError(res: TransportResponse): IleapApiError {
  const code = stringField(res.json, "code");
  const detail = stringField(res.json, "message");
  const what = code ? `${code}${detail ? `: ${clip(detail)}` : ""}` : clip(res.text) || "no body";
  return new IleapApiError(`${res.method} ${res.url} answered ${res.status} (${what})`, {
    ...details(res),
    ...(code !== undefined ? { code } : {}),
    ...(detail !== undefined ? { detail } : {}),
  });
}

/** The {@link IleapAuthError} for an error response of the token endpoint (OAuth `{error, error_description}`). */
export function authError(res: TransportResponse): IleapAuthError {
  const error = stringField(res.json, "error");
  const errorDescription = stringField(res.json, "error_description");
  const what = error
    ? `${error}${errorDescription ? `: ${clip(errorDescription)}` : ""}`
    : clip(res.text) || "no body";
  return new IleapAuthError(`token request to ${res.url} answered ${res.status} (${what})`, {
    ...details(res),
    ...(error !== undefined ? { error } : {}),
    ...(errorDescription !== undefined ? { errorDescription } : {}),
  });
}

/** An {@link IleapResponseError} for a success response that cannot be used. */
export function unusable(res: TransportResponse, why: string): IleapResponseError {
  return new IleapResponseError(`${res.method} ${res.url}: ${why}`, {
    method: res.method,
    url: res.url,
    status: res.status,
  });
}

/** The `data` member of a 2xx PACT response body, or an {@link IleapResponseError}. */
export function dataOf(res: TransportResponse): unknown {
  if (!isRecord(res.json)) {
    const type = res.headers.get("content-type") ?? "none";
    throw unusable(
      res,
      `expected a JSON object with "data", got content type ${type}: ${clip(res.text, 80)}`,
    );
  }
  if (!("data" in res.json)) throw unusable(res, 'the response body has no "data" member');
  return res.json.data;
}
