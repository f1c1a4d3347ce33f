/**
 * `IleapClient`: fetch footprints and transport activity data from any iLEAP host (PACT Data
 * Exchange Protocol v2 + iLEAP v1.0) and send it events.
 * @module
 */
import type { ProductFootprint, TAD } from "../model/types.ts";
import { discoverTokenEndpoint, type TokenEndpoint } from "./discovery.ts";
import { completeEvent, type PactEventInput, type SentEvent } from "./events.ts";
import type { FootprintFilterExpression } from "./filter.ts";
import { type FetchFunction, Transport, type TransportResponse } from "./http.ts";
import { Listing, type RawPage } from "./pagination.ts";
import { apiError, dataOf, isRecord, unusable } from "./responses.ts";
import { type AccessToken, type TokenCache, TokenManager } from "./token.ts";

/** Default time limit of one HTTP attempt, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default number of retries after a failed idempotent attempt. */
export const DEFAULT_RETRIES = 3;

/** Options of {@link IleapClient}. */
export interface IleapClientOptions {
  /**
   * Base URL of the host's API including any path prefix, e.g. `https://api.example.com/ileap`
   * (trailing slashes are removed). Requests go to `{baseUrl}/2/footprints` etc.
   */
  readonly baseUrl: string;
  /** OAuth 2.0 client id. */
  readonly clientId: string;
  /**
   * OAuth 2.0 client secret. `""` means none: the client then only uses tokens from
   * {@link tokenCache} and throws `IleapLoginRequiredError` when it needs a new one.
   */
  readonly clientSecret: string;
  /** The `fetch` to use. Default: the global `fetch`. */
  readonly fetch?: FetchFunction;
  /** Time limit of each HTTP attempt (request, headers and body), in milliseconds. Default: `30000`. */
  readonly timeoutMs?: number;
  /**
   * Retries of a failed attempt (network error, timeout, 429, 503) for idempotent requests
   * (GETs and the token request; events only with `{ retry: true }`). Default: `3`.
   */
  readonly retries?: number;
  /** Backoff unit between retries, in milliseconds (doubling per retry, with jitter). Default: `250`. */
  readonly retryBaseDelayMs?: number;
  /**
   * Longest wait before a retry, in milliseconds; a longer `Retry-After` is not waited for (the
   * request fails with `retryAfterSeconds`). Default: `30000`.
   */
  readonly maxRetryDelayMs?: number;
  /**
   * Base URL of the authorization endpoints (`/.well-known/openid-configuration`, `/auth/token`)
   * when they are not on `baseUrl`. Default: `baseUrl`.
   */
  readonly authBaseUrl?: string;
  /** Keeps tokens across client instances. Default: none (tokens live in this instance only). */
  readonly tokenCache?: TokenCache;
  /** `User-Agent` header. Default: `ileap-ts-client`. */
  readonly userAgent?: string;
}

/** Options every request method takes. */
export interface RequestOptions {
  /** Aborts the request (and retries). Default: none. */
  readonly signal?: AbortSignal;
}

/** Options of {@link IleapClient.listFootprints}. */
export interface ListFootprintsOptions {
  /** `$filter`: a {@link FootprintFilterExpression} or a PACT OData string. Default: none. */
  readonly filter?: FootprintFilterExpression | string;
  /** Page size (`limit`); the iterator still walks every page. Default: the host's. */
  readonly limit?: number;
  /** Aborts the page requests. Default: none. */
  readonly signal?: AbortSignal;
}

/**
 * iLEAP TAD filters: query pairs combined with AND by our host (`{ mode: "Road", feedstock:
 * "Fossil", "origin.country": "DE" }`). An array value repeats the name; pairs in an iterable may
 * repeat names too.
 */
export type TadFilters =
  | Readonly<Record<string, string | number | readonly (string | number)[]>>
  | Iterable<readonly [string, string]>;

/** Options of {@link IleapClient.listTad}. */
export interface ListTadOptions {
  /** Query-pair filters. Default: none. */
  readonly filters?: TadFilters;
  /** Page size (`limit`); the iterator still walks every page. Default: the host's. */
  readonly limit?: number;
  /** Aborts the page requests. Default: none. */
  readonly signal?: AbortSignal;
}

/** Options of {@link IleapClient.sendEvent}. */
export interface SendEventOptions extends RequestOptions {
  /**
   * Repeat the POST after a network error, timeout, 429 or 503. Events are not idempotent in
   * general (a host that deduplicates by `source` + `id` makes it safe). Default: `false`.
   */
  readonly retry?: boolean;
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

function checkBaseUrl(name: string, url: string): string {
  const trimmed = trimSlashes(url);
  if (!URL.canParse(trimmed) || !/^https?:$/.test(new URL(trimmed).protocol)) {
    throw new TypeError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  return trimmed;
}

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new TypeError(`limit must be a positive integer, got ${String(limit)}`);
  }
}

function tadPairs(filters: TadFilters | undefined): [string, string][] {
  if (filters === undefined) return [];
  const pairs: [string, string][] = [];
  if (Symbol.iterator in filters) {
    for (const [name, value] of filters as Iterable<readonly [string, string]>) pairs.push([name, value]);
    return pairs;
  }
  for (const [name, value] of Object.entries(filters)) {
    for (const v of Array.isArray(value) ? value : [value]) pairs.push([name, String(v)]);
  }
  return pairs;
}

/**
 * A client of one iLEAP host.
 *
 * @example
 * ```ts
 * import { IleapClient, footprintFilter as f } from "ileap-ts/client";
 * const client = new IleapClient({ baseUrl: "https://api.example.com", clientId, clientSecret });
 * for await (const pf of client.listFootprints({ filter: f.updated.gt("2025-01-01T00:00:00Z") })) {
 *   console.log(pf.id, pf.pcf.pCfExcludingBiogenic);
 * }
 * ```
 */
export class IleapClient {
  /** The API base URL, without trailing slash. */
  readonly baseUrl: string;
  /** The authorization base URL, without trailing slash. */
  readonly authBaseUrl: string;
  readonly #transport: Transport;
  readonly #tokens: TokenManager;
  #endpoint: Promise<TokenEndpoint> | undefined;

  constructor(options: IleapClientOptions) {
    this.baseUrl = checkBaseUrl("baseUrl", options.baseUrl);
    this.authBaseUrl = checkBaseUrl("authBaseUrl", options.authBaseUrl ?? options.baseUrl);
    if (typeof options.clientId !== "string" || options.clientId === "") {
      throw new TypeError("clientId must be a non-empty string");
    }
    if (typeof options.clientSecret !== "string") throw new TypeError("clientSecret must be a string");
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== "function") throw new TypeError("no fetch function: pass options.fetch");
    this.#transport = new Transport({
      fetch: fetchFn,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      userAgent: options.userAgent ?? "ileap-ts-client",
      retry: {
        retries: Math.max(0, Math.floor(options.retries ?? DEFAULT_RETRIES)),
        baseDelayMs: options.retryBaseDelayMs ?? 250,
        maxDelayMs: options.maxRetryDelayMs ?? 30_000,
        random: Math.random,
      },
    });
    this.#tokens = new TokenManager({
      transport: this.#transport,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      tokenEndpoint: async () => (await this.tokenEndpoint()).url,
      ...(options.tokenCache ? { cache: options.tokenCache } : {}),
    });
  }

  /**
   * The token endpoint: from OIDC discovery, else `{authBaseUrl}/auth/token` (see
   * `discoverTokenEndpoint`). Looked up once per client (again later when discovery got no response).
   */
  tokenEndpoint(): Promise<TokenEndpoint> {
    if (this.#endpoint === undefined) {
      const lookup = discoverTokenEndpoint(this.#transport, this.authBaseUrl);
      this.#endpoint = lookup;
      void lookup.then((found) => {
        if (found.transient && this.#endpoint === lookup) this.#endpoint = undefined;
      });
    }
    return this.#endpoint;
  }

  /**
   * A valid access token: the cached one while fresh, else a new one (`force: true` always gets a
   * new one). Useful to check credentials. The token is secret: never log it.
   * @throws IleapAuthError when the token endpoint refuses (`error` = `invalid_client`, …).
   */
  async authenticate(options: RequestOptions & { readonly force?: boolean } = {}): Promise<AccessToken> {
    return options.force ? this.#tokens.renew() : this.#tokens.get(options.signal);
  }

  /**
   * GetFootprint: `GET /2/footprints/{id}`.
   * @throws IleapApiError with `code` `NoSuchFootprint` (404) for an unknown id.
   */
  async getFootprint(id: string, options: RequestOptions = {}): Promise<ProductFootprint> {
    const res = await this.#get(`${this.baseUrl}/2/footprints/${encodeURIComponent(id)}`, options.signal);
    const data = dataOf(res);
    if (!isRecord(data)) throw unusable(res, '"data" is not an object');
    return data as ProductFootprint;
  }

  /**
   * ListFootprints: `GET /2/footprints` with `$filter` and `limit`. Returns a {@link Listing}:
   * `for await` over it walks every page (following `Link` headers); `.page()` fetches one page.
   * @throws TypeError at once for a `limit` that is not a positive integer.
   */
  listFootprints(options: ListFootprintsOptions = {}): Listing<ProductFootprint> {
    checkLimit(options.limit);
    const query = new URLSearchParams();
    if (options.filter !== undefined) {
      const filter = String(options.filter);
      if (filter.trim() !== "") query.set("$filter", filter);
    }
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    return this.#listing<ProductFootprint>("/2/footprints", query, options.signal);
  }

  /**
   * iLEAP TAD: `GET /2/ileap/tad` with query-pair filters and `limit`. Returns a {@link Listing}
   * like {@link listFootprints}.
   */
  listTad(options: ListTadOptions = {}): Listing<TAD> {
    checkLimit(options.limit);
    const query = new URLSearchParams(tadPairs(options.filters));
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    return this.#listing<TAD>("/2/ileap/tad", query, options.signal);
  }

  /**
   * Sends a PACT event (`POST /2/events`, or `/3/events` for PACT v3 types ending in `.3`,
   * `application/cloudevents+json`), filling in
   * `specversion`, `id` and `time` when absent.
   * @throws IleapApiError when the host refuses the event (e.g. 400 `BadRequest`).
   */
  async sendEvent(event: PactEventInput, options: SendEventOptions = {}): Promise<SentEvent> {
    const body = completeEvent(event);
    const res = await this.#authorized(
      {
        method: "POST",
        // PACT v3 event types (`….3`) go to the v3 endpoint.
        url: `${this.baseUrl}${/\.3$/.test(String(body.type)) ? "/3" : "/2"}/events`,
        headers: { "content-type": "application/cloudevents+json; charset=UTF-8" },
        body: JSON.stringify(body),
        retry: options.retry ?? false,
      },
      options.signal,
    );
    return { id: body.id as string, status: res.status };
  }

  #listing<T>(path: string, query: URLSearchParams, signal: AbortSignal | undefined): Listing<T> {
    const search = query.toString().replaceAll("+", "%20");
    const url = `${this.baseUrl}${path}${search ? `?${search}` : ""}`;
    return new Listing<T>(url, new URL(this.baseUrl).origin, async (pageUrl): Promise<RawPage<T>> => {
      const res = await this.#get(pageUrl, signal);
      const data = dataOf(res);
      if (!Array.isArray(data)) throw unusable(res, '"data" is not an array');
      return { data: data as T[], link: res.headers.get("link") };
    });
  }

  #get(url: string, signal: AbortSignal | undefined): Promise<TransportResponse> {
    return this.#authorized({ method: "GET", url }, signal);
  }

  /**
   * Sends a request with the bearer token. A 401 (e.g. `TokenExpired`: the host's clock or a
   * revoked token disagreed with our expiry) drops the token and repeats the request once with a
   * new one. So does a 400 or 403 answered to a token that was cached rather than obtained for
   * this call: PACT hosts answer a token they no longer accept (keys rotated, host re-installed)
   * with 400 `BadRequest` (footprints, events) or 403 `AccessDenied` (TAD), indistinguishable from
   * a bad request; if the new token gets the same answer, that answer is final. None of these
   * statuses means the request was processed, so repeating is safe for any method.
   */
  async #authorized(
    request: {
      method: string;
      url: string;
      headers?: Record<string, string>;
      body?: string;
      retry?: boolean;
    },
    signal: AbortSignal | undefined,
  ): Promise<TransportResponse> {
    let res: TransportResponse | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const renewalsBefore = this.#tokens.renewals;
      const token = await this.#tokens.get(signal);
      const cached = this.#tokens.renewals === renewalsBefore;
      res = await this.#transport.send({
        ...request,
        headers: { ...request.headers, authorization: `Bearer ${token.accessToken}` },
        ...(signal ? { signal } : {}),
      });
      const refused = res.status === 401 || (cached && (res.status === 400 || res.status === 403));
      if (!refused) break;
      this.#tokens.invalidate(token.accessToken);
    }
    const final = res as TransportResponse;
    if (final.status >= 200 && final.status <= 299) return final;
    throw apiError(final);
  }
}
