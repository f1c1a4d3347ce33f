/**
 * One HTTP exchange with timeout and retries, on an injectable `fetch`. Knows nothing about
 * tokens or PACT bodies: it returns every response (any status) or throws
 * {@link IleapNetworkError} / {@link IleapTimeoutError} when there is none.
 * @module
 */
import { IleapNetworkError, IleapTimeoutError } from "./errors.ts";
import {
  backoffDelay,
  IDEMPOTENT_METHODS,
  parseRetryAfter,
  RETRYABLE_STATUSES,
  type RetryPolicy,
  retryAfterDelay,
  sleep,
} from "./retry.ts";

/** The `fetch` function the client uses (the global one, or a test double). */
export type FetchFunction = typeof globalThis.fetch;

/** Settings of a {@link Transport}. */
export interface TransportOptions {
  readonly fetch: FetchFunction;
  /** Time limit of each attempt (request, headers and body), in milliseconds. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** `User-Agent` header sent with every request. */
  readonly userAgent: string;
}

/** One request. */
export interface TransportRequest {
  readonly method: string;
  readonly url: string;
  /** Request headers. Default: none besides `User-Agent` and `Accept: application/json`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body. Default: none. */
  readonly body?: string;
  /**
   * Whether failed attempts (network errors, timeouts, 429, 503) may be repeated. Default: `true`
   * for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE), else `false`.
   */
  readonly retry?: boolean;
  /** Aborts the request and any wait between attempts. Default: none. */
  readonly signal?: AbortSignal;
}

/** A response, body already read. */
export interface TransportResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, when it is JSON; else `undefined`. */
  readonly json: unknown;
  /** Attempts made (1 when the first one answered). */
  readonly attempts: number;
}

function describeCause(err: unknown): string {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return String(cause);
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends requests with a per-attempt timeout and the retry policy. */
export class Transport {
  readonly options: TransportOptions;

  constructor(options: TransportOptions) {
    this.options = options;
  }

  /**
   * Sends a request, retrying while allowed (see {@link TransportRequest.retry}) on network errors,
   * timeouts and 429/503 (waiting `Retry-After` when given, else backing off with jitter).
   * Resolves with the last response whatever its status.
   * @throws IleapNetworkError or IleapTimeoutError when the last attempt got no response; the
   *   signal's reason when `request.signal` aborts.
   */
  async send(request: TransportRequest): Promise<TransportResponse> {
    const retryable = request.retry ?? IDEMPOTENT_METHODS.has(request.method.toUpperCase());
    const policy = this.options.retry;
    const maxAttempts = retryable ? policy.retries + 1 : 1;
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= maxAttempts;
      let response: TransportResponse;
      try {
        response = await this.attempt(request, attempt + 1);
      } catch (err) {
        if (request.signal?.aborted || last || !(err instanceof IleapNetworkError)) throw err;
        await sleep(backoffDelay(attempt, policy), request.signal);
        continue;
      }
      if (last || !RETRYABLE_STATUSES.has(response.status)) return response;
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      const delay =
        retryAfter === undefined ? backoffDelay(attempt, policy) : retryAfterDelay(retryAfter, policy);
      if (delay === undefined) return response;
      await sleep(delay, request.signal);
    }
  }

  private async attempt(request: TransportRequest, attempts: number): Promise<TransportResponse> {
    const { method, url } = request;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    try {
      const res = await this.options.fetch(url, {
        method,
        headers: {
          accept: "application/json",
          "user-agent": this.options.userAgent,
          ...request.headers,
        },
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal,
      });
      const text = await res.text();
      return {
        method,
        url,
        status: res.status,
        headers: res.headers,
        text,
        json: parseJson(text),
        attempts,
      };
    } catch (err) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (timeout.aborted) {
        throw new IleapTimeoutError(`${method} ${url} timed out after ${this.options.timeoutMs} ms`, {
          method,
          url,
          timeoutMs: this.options.timeoutMs,
        });
      }
      throw new IleapNetworkError(`${method} ${url} failed: ${describeCause(err)}`, {
        method,
        url,
        cause: err,
      });
    }
  }
}
