/**
 * A minimal client of Clerk's Frontend API (FAPI) for the native password sign-in flow: plain
 * `fetch`, form-encoded bodies, `?_is_native=1`, the pinned `__clerk_api_version`, a timeout on every call, the client token from the
 * `Authorization` response header sent back verbatim. Returns typed results; never throws for
 * upstream failures. Never logs (callers log what they choose; no password or token is in a result
 * except the client token, which callers must not log either).
 */
import {
  type ClerkApiErrorEntry,
  type FapiSessionEnvelope,
  type FapiSignInEnvelope,
  type FapiToken,
  isSessionEnvelope,
  isSignInEnvelope,
  isToken,
  parseErrorEnvelope,
} from "./fapi-shapes.ts";

/** Options of {@link FapiClient}. */
export interface FapiClientOptions {
  /** FAPI base URL without trailing slash, e.g. `https://clerk.example.com`. */
  readonly baseUrl: string;
  /** Timeout of each call (connect, headers and body), in ms. Default 5000. */
  readonly timeoutMs?: number;
  /** `fetch` implementation. Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Largest response body read, in bytes; a longer one is a `malformed` answer. Default 2 MiB. */
  readonly maxBodyBytes?: number;
}

/** Why a FAPI call failed. */
export type FapiError =
  /** Clerk answered with its error envelope (`{errors, clerk_trace_id}`), any non-2xx status. */
  | {
      readonly kind: "clerk";
      readonly status: number;
      readonly errors: readonly ClerkApiErrorEntry[];
      readonly traceId: string | undefined;
      readonly retryAfterSeconds: number | undefined;
    }
  /** No complete answer within the timeout. */
  | { readonly kind: "timeout"; readonly timeoutMs: number }
  /** Connection refused, reset, DNS failure, TLS failure, … */
  | { readonly kind: "network"; readonly detail: string }
  /** An answer that is not the expected JSON (HTML error page, truncated JSON, wrong shape, redirect). */
  | {
      readonly kind: "malformed";
      readonly status: number;
      readonly detail: string;
      readonly traceId: string | undefined;
      readonly retryAfterSeconds: number | undefined;
    };

/** A successful FAPI call: the validated body and the client token of the `Authorization` response header. */
export interface FapiOk<T> {
  readonly ok: true;
  readonly body: T;
  /** The `Authorization` response header, verbatim, when present. */
  readonly clientToken: string | undefined;
}

export type FapiResult<T> = FapiOk<T> | { readonly ok: false; readonly error: FapiError };

/**
 * The Frontend API version we pin (`__clerk_api_version` on every call): the one whose OpenAPI
 * document (2025-11-10) our parsers and the emulator follow, so a newer default cannot change the
 * answers under us.
 */
export const CLERK_API_VERSION = "2025-11-10";

/** Default timeout of a FAPI call, ms. */
export const DEFAULT_FAPI_TIMEOUT_MS = 5000;

const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

/** `Retry-After` as seconds (delta-seconds or an HTTP date), clamped to 1..86400; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  let seconds: number;
  if (/^\d+$/.test(v)) seconds = Number(v);
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    seconds = Math.ceil((at - now) / 1000);
  }
  return Math.min(86_400, Math.max(1, seconds));
}

async function readCapped(res: Response, max: number): Promise<string | undefined> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function describeNetworkError(e: unknown): string {
  const cause =
    e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string") return cause.message;
  return e instanceof Error ? e.message : "network error";
}

/** The FAPI calls of the password sign-in flow. */
export class FapiClient {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #maxBodyBytes: number;

  constructor(options: FapiClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_FAPI_TIMEOUT_MS;
    this.#fetch = options.fetch ?? fetch;
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /** `POST /v1/client/sign_ins` with `strategy=password`: creates a new client (no client token sent). */
  signIn(identifier: string, password: string): Promise<FapiResult<FapiSignInEnvelope>> {
    const form = new URLSearchParams({ strategy: "password", identifier, password });
    return this.#post("/v1/client/sign_ins", form, undefined, isSignInEnvelope);
  }

  /** `POST /v1/client/sessions/{sid}/touch` with `active_organization_id` (an id or a slug). */
  touch(
    clientToken: string,
    sessionId: string,
    organizationId: string,
  ): Promise<FapiResult<FapiSessionEnvelope>> {
    const form = new URLSearchParams({ active_organization_id: organizationId });
    return this.#post(
      `/v1/client/sessions/${encodeURIComponent(sessionId)}/touch`,
      form,
      clientToken,
      isSessionEnvelope,
    );
  }

  /** `POST /v1/client/sessions/{sid}/tokens`: a fresh session token (the session's active organization). */
  sessionToken(clientToken: string, sessionId: string): Promise<FapiResult<FapiToken>> {
    const path = `/v1/client/sessions/${encodeURIComponent(sessionId)}/tokens`;
    return this.#post(path, new URLSearchParams(), clientToken, isToken);
  }

  /** `POST /v1/client/sessions/{sid}/end`: signs the session out (Clerk's "End Session"). */
  endSession(clientToken: string, sessionId: string): Promise<FapiResult<FapiSessionEnvelope>> {
    const path = `/v1/client/sessions/${encodeURIComponent(sessionId)}/end`;
    return this.#post(path, new URLSearchParams(), clientToken, isSessionEnvelope);
  }

  /** `POST /v1/client/sessions/{sid}/tokens/{template}`: a token from a JWT template. */
  templateToken(clientToken: string, sessionId: string, template: string): Promise<FapiResult<FapiToken>> {
    const path = `/v1/client/sessions/${encodeURIComponent(sessionId)}/tokens/${encodeURIComponent(template)}`;
    return this.#post(path, new URLSearchParams(), clientToken, isToken);
  }

  async #post<T>(
    path: string,
    form: URLSearchParams,
    clientToken: string | undefined,
    guard: (v: unknown) => v is T,
  ): Promise<FapiResult<T>> {
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    if (clientToken !== undefined) headers.authorization = clientToken;
    const signal = AbortSignal.timeout(this.#timeoutMs);
    let res: Response;
    let text: string | undefined;
    try {
      res = await this.#fetch(
        `${this.#baseUrl}${path}?_is_native=1&__clerk_api_version=${CLERK_API_VERSION}`,
        {
          method: "POST",
          headers,
          body: form.toString(),
          redirect: "manual",
          signal,
        },
      );
      text = await readCapped(res, this.#maxBodyBytes);
    } catch (e) {
      if (signal.aborted || (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"))) {
        return { ok: false, error: { kind: "timeout", timeoutMs: this.#timeoutMs } };
      }
      return { ok: false, error: { kind: "network", detail: describeNetworkError(e) } };
    }
    const retryAfterSeconds = parseRetryAfter(res.headers.get("retry-after"));
    const malformed = (detail: string, traceId?: string): FapiResult<T> => ({
      ok: false,
      error: { kind: "malformed", status: res.status, detail, traceId, retryAfterSeconds },
    });
    if (text === undefined) return malformed(`answer larger than ${this.#maxBodyBytes} bytes`);
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      return malformed(`HTTP ${res.status} answer is not JSON`);
    }
    if (res.status >= 200 && res.status < 300) {
      if (!guard(json)) return malformed(`HTTP ${res.status} answer lacks the expected fields`);
      return { ok: true, body: json, clientToken: res.headers.get("authorization") ?? undefined };
    }
    const envelope = parseErrorEnvelope(json);
    if (!envelope || res.status < 400) {
      return malformed(`HTTP ${res.status} answer is not a Clerk error envelope`, envelope?.traceId);
    }
    return {
      ok: false,
      error: {
        kind: "clerk",
        status: res.status,
        errors: envelope.errors,
        traceId: envelope.traceId,
        retryAfterSeconds,
      },
    };
  }
}
