/**
 * `IleapClient`: fetch footprints and transport activity data from any iLEAP host (PACT Data
 * Exchange Protocol v2 + iLEAP v1.0, or PACT v3.0 with `pact: 3`) and send it events.
 * @module
 */
import type { ProductFootprint, TAD } from "../model/types.ts";
import type { V3ProductFootprint } from "../model/v3/types.ts";
import { discoverTokenEndpoint, type TokenEndpoint } from "./discovery.ts";
import { IleapApiError } from "./errors.ts";
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

/** PACT major version of the footprint and event paths (`/2/…` or `/3/…`). */
export type PactMajor = 2 | 3;

/** The ProductFootprint type of a PACT version. */
export type FootprintOf<P extends PactMajor> = P extends 3 ? V3ProductFootprint : ProductFootprint;

/**
 * PACT v3 ListFootprints criteria (query parameters; OpenAPI 3.0.3 `components/parameters`). Values
 * of one criterion are combined with OR, criteria with AND; every value is sent as given (URNs may
 * contain commas). Dates: a `Date` or an RFC 3339 string.
 */
export interface V3FootprintCriteria {
  readonly productId?: string | readonly string[];
  readonly companyId?: string | readonly string[];
  /** `geographyCountry`, `geographyCountrySubdivision` or `geographyRegionOrSubregion` values. */
  readonly geography?: string | readonly string[];
  readonly classification?: string | readonly string[];
  /** Footprints valid at this instant (validity start ≤ validOn ≤ end). */
  readonly validOn?: string | Date;
  /** Footprints whose validity starts after this instant. */
  readonly validAfter?: string | Date;
  /** Footprints whose validity ends before this instant. */
  readonly validBefore?: string | Date;
  /** `Active` or `Deprecated` (the host matches case-insensitively). */
  readonly status?: string;
}

/** Options of {@link IleapClient}. */
export interface IleapClientOptions<P extends PactMajor = 2> {
  /**
   * PACT version of the footprint and event calls: `2` (`/2/footprints`, `$filter`, v2 events) or
   * `3` (`/3/footprints`, {@link V3FootprintCriteria}, v3 events). TAD stays on `/2/ileap/tad`.
   * {@link IleapClient.detectPactVersion} finds out what a host serves. Default: `2`.
   */
  readonly pact?: P;
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
  /** PACT v2 `$filter`: a {@link FootprintFilterExpression} or a PACT OData string. Default: none. */
  readonly filter?: FootprintFilterExpression | string;
  /** PACT v3 criteria (clients with `pact: 3` only). Default: none. */
  readonly criteria?: V3FootprintCriteria;
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

/** The PACT version an event type belongs to: `….3` → 3, `….v1` → 2, else `undefined`. */
function eventPactVersion(type: string): PactMajor | undefined {
  if (/\.3$/.test(type)) return 3;
  if (/\.v1$/.test(type)) return 2;
  return undefined;
}

const V3_LIST_CRITERIA = ["productId", "companyId", "geography", "classification"] as const;
const V3_DATE_CRITERIA = ["validOn", "validAfter", "validBefore"] as const;

/** Query pairs of v3 criteria, in a stable order. Throws a `TypeError` naming a bad value. */
export function v3CriteriaPairs(criteria: V3FootprintCriteria | undefined): [string, string][] {
  if (criteria === undefined) return [];
  const known = new Set<string>([...V3_LIST_CRITERIA, ...V3_DATE_CRITERIA, "status"]);
  const unknown = Object.keys(criteria).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new TypeError(`unknown PACT v3 criteria: ${unknown.join(", ")}; known: ${[...known].join(", ")}`);
  }
  const pairs: [string, string][] = [];
  for (const name of V3_LIST_CRITERIA) {
    const value = criteria[name];
    if (value === undefined) continue;
    for (const v of typeof value === "string" ? [value] : value) {
      if (typeof v !== "string" || v === "") throw new TypeError(`${name} values must be non-empty strings`);
      pairs.push([name, v]);
    }
  }
  for (const name of V3_DATE_CRITERIA) {
    const value = criteria[name];
    if (value === undefined) continue;
    const ms = value instanceof Date ? value.getTime() : Date.parse(value);
    if (Number.isNaN(ms))
      throw new TypeError(`${name} must be a date-time, got ${JSON.stringify(String(value))}`);
    pairs.push([name, value instanceof Date ? value.toISOString() : value]);
  }
  if (criteria.status !== undefined) pairs.push(["status", criteria.status]);
  return pairs;
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
export class IleapClient<P extends PactMajor = 2> {
  /** The API base URL, without trailing slash. */
  readonly baseUrl: string;
  /** PACT version of the footprint and event calls. */
  readonly pact: P;
  /** The authorization base URL, without trailing slash. */
  readonly authBaseUrl: string;
  readonly #transport: Transport;
  readonly #tokens: TokenManager;
  #endpoint: Promise<TokenEndpoint> | undefined;

  constructor(options: IleapClientOptions<P>) {
    this.baseUrl = checkBaseUrl("baseUrl", options.baseUrl);
    const pact = options.pact ?? 2;
    if (pact !== 2 && pact !== 3) throw new TypeError(`pact must be 2 or 3, got ${JSON.stringify(pact)}`);
    this.pact = pact as P;
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
   * Which PACT version the host serves: `3` when `GET /3/footprints?limit=1` succeeds, `2` when it
   * answers 404 (no such route). Uses this client's credentials.
   * @throws IleapApiError for other refusals (401, 403, …), network errors as usual.
   */
  async detectPactVersion(options: RequestOptions = {}): Promise<PactMajor> {
    try {
      await this.#get(`${this.baseUrl}/3/footprints?limit=1`, options.signal);
      return 3;
    } catch (err) {
      if (err instanceof IleapApiError && err.status === 404) return 2;
      throw err;
    }
  }

  /**
   * GetFootprint: `GET /{pact}/footprints/{id}`.
   * @throws IleapApiError with `code` `NoSuchFootprint` (v2) or `NotFound` (v3), status 404, for
   * an unknown id.
   */
  async getFootprint(id: string, options: RequestOptions = {}): Promise<FootprintOf<P>> {
    const res = await this.#get(
      `${this.baseUrl}/${this.pact}/footprints/${encodeURIComponent(id)}`,
      options.signal,
    );
    const data = dataOf(res);
    if (!isRecord(data)) throw unusable(res, '"data" is not an object');
    return data as FootprintOf<P>;
  }

  /**
   * ListFootprints: `GET /2/footprints` with `$filter` and `limit`, or `GET /3/footprints` with the
   * v3 criteria and `limit`. Returns a {@link Listing}: `for await` over it walks every page
   * (following `Link` headers); `.page()` fetches one page.
   * @throws TypeError at once for a `limit` that is not a positive integer, criteria on a v2 client
   * or a `$filter` on a v3 client (v3 has no `$filter`), and malformed criteria.
   */
  listFootprints(options: ListFootprintsOptions = {}): Listing<FootprintOf<P>> {
    checkLimit(options.limit);
    const query = new URLSearchParams();
    if (this.pact === 3) {
      if (options.filter !== undefined && String(options.filter).trim() !== "") {
        throw new TypeError("$filter is PACT v2 (deprecated in v3.0): on a pact: 3 client use criteria");
      }
      for (const [name, value] of v3CriteriaPairs(options.criteria)) query.append(name, value);
    } else {
      if (options.criteria !== undefined) {
        throw new TypeError("criteria are PACT v3: create the client with pact: 3 (or use a $filter)");
      }
      if (options.filter !== undefined) {
        const filter = String(options.filter);
        if (filter.trim() !== "") query.set("$filter", filter);
      }
    }
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    return this.#listing<FootprintOf<P>>(`/${this.pact}/footprints`, query, options.signal);
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
   * Sends a PACT event (`POST /2/events` or `/3/events` by the event type's version, else the
   * client's; `application/cloudevents+json`), filling in `specversion`, `id` and `time` when absent.
   * @throws IleapApiError when the host refuses the event (e.g. 400 `BadRequest`).
   */
  async sendEvent(event: PactEventInput, options: SendEventOptions = {}): Promise<SentEvent> {
    const body = completeEvent(event);
    const res = await this.#authorized(
      {
        method: "POST",
        // The event type names its version (v3 types end in `.3`, v2 ones in `.v1`); other types
        // go to the client's PACT version.
        url: `${this.baseUrl}/${eventPactVersion(String(body.type)) ?? this.pact}/events`,
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
