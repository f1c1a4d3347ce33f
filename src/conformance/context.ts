/**
 * State shared by the cases of one run: resolved options, HTTP helpers with connection reuse, and
 * memoised prerequisites (discovery, access token, footprint list, expired token).
 * @module
 */
import http from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import type { CallbackListener } from "./callback-listener.ts";
import { CaseFailed, type CaseScope, CaseSkipped } from "./case.ts";
import { describeRes, tryJson } from "./expect.ts";
import { type HttpResponse, httpRequest } from "./http-client.ts";
import { excerpt, isObject, type JsonObject, str } from "./json.ts";
import { type PactProfile, type PactVersion, pactProfile } from "./pact-version.ts";
import { walkList } from "./pagination.ts";
import type { SchemaValidators } from "./schemas.ts";
import type { ConformanceOptions, ConformanceTlsOptions } from "./types.ts";

/** Options with every default applied. */
export interface ResolvedOptions {
  readonly baseUrl: string;
  readonly version: PactVersion;
  readonly authBaseUrl: string;
  readonly httpBaseUrl?: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tls: ConformanceTlsOptions;
  readonly timeoutMs: number;
  readonly expiredToken?: string;
  readonly maxWaitForExpirySeconds: number;
  readonly checkHttpRefusal: boolean;
  readonly eventsSource: string;
  readonly callbackTimeoutMs: number;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Applies the documented defaults of {@link ConformanceOptions}. Throws on an unusable base URL. */
export function resolveOptions(options: ConformanceOptions): ResolvedOptions {
  const baseUrl = trimSlash(options.baseUrl);
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new TypeError(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  }
  const authBaseUrl = trimSlash(options.authBaseUrl ?? baseUrl);
  if (!URL.canParse(authBaseUrl)) {
    throw new TypeError(`authBaseUrl must be an absolute URL, got ${JSON.stringify(options.authBaseUrl)}`);
  }
  const version = options.version ?? "2.3";
  if (version !== "2.3" && version !== "3.0") {
    throw new TypeError(`version must be "2.3" or "3.0", got ${JSON.stringify(options.version)}`);
  }
  const callbackTimeoutMs = options.callbackTimeoutMs ?? 60_000;
  if (!Number.isInteger(callbackTimeoutMs) || callbackTimeoutMs < 0) {
    throw new TypeError(`callbackTimeoutMs must be a non-negative integer, got ${String(callbackTimeoutMs)}`);
  }
  return {
    baseUrl,
    version,
    authBaseUrl,
    ...(options.httpBaseUrl !== undefined ? { httpBaseUrl: trimSlash(options.httpBaseUrl) } : {}),
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    tls: options.tls ?? {},
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.expiredToken !== undefined ? { expiredToken: options.expiredToken } : {}),
    maxWaitForExpirySeconds: options.maxWaitForExpirySeconds ?? 0,
    checkHttpRefusal: options.checkHttpRefusal ?? baseUrl.startsWith("https://"),
    eventsSource: options.eventsSource ?? "https://conformance.invalid",
    callbackTimeoutMs,
  };
}

/** What OIDC discovery found. */
export interface DiscoveryResult {
  readonly url: string;
  /** The response, if there was one. */
  readonly response?: HttpResponse;
  /** The document when the response was 200 with a JSON object. */
  readonly document?: JsonObject;
  /** Why there is no document (no response, status, content type). */
  readonly error?: string;
}

/** Options of {@link SuiteContext.send}. */
export interface SendOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Bearer token for `Authorization`. Default: no `Authorization` header. */
  readonly token?: string;
  /** Use a fresh connection instead of the run's keep-alive agent. Default: `false`. */
  readonly freshConnection?: boolean;
}

function decodeJwtExp(token: string): number | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return isObject(payload) && typeof payload.exp === "number" ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

type ExpiredTokenOutcome =
  | { readonly kind: "token"; readonly token: string; readonly note?: string }
  | { readonly kind: "skip"; readonly reason: string }
  | { readonly kind: "fail"; readonly reason: string };

/** Shared state of one run. */
export class SuiteContext {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly httpsAgent: https.Agent;
  private discoveryMemo?: Promise<DiscoveryResult>;
  private tokenMemo?: Promise<string> | undefined;
  private tokenState?: { readonly token: string; readonly renewAt: number };
  private listMemo?: Promise<JsonObject[]>;
  private allMemo?: Promise<JsonObject[]>;
  private expiredMemo?: Promise<ExpiredTokenOutcome>;
  private readonly memos = new Map<string, Promise<unknown>>();

  /** Paths, codes and event shapes of the PACT version checked. */
  readonly pact: PactProfile;

  constructor(
    readonly opts: ResolvedOptions,
    readonly schemas: SchemaValidators,
    /** The listener for the answers to request events, if the run has one. */
    readonly callbacks?: CallbackListener,
  ) {
    this.pact = pactProfile(opts.version);
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 4,
      ...(opts.tls.ca !== undefined ? { ca: opts.tls.ca } : {}),
      rejectUnauthorized: opts.tls.rejectUnauthorized ?? true,
    });
  }

  /** Memoises a computation shared by several cases of the run (its rejection too). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let entry = this.memos.get(key) as Promise<T> | undefined;
    if (!entry) {
      entry = compute();
      this.memos.set(key, entry);
    }
    return entry;
  }

  /** Closes the kept-alive connections of the run. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** `baseUrl` + path (path starts with `/`). */
  api(path: string): string {
    return `${this.opts.baseUrl}${path}`;
  }

  /** `{baseUrl}/N/footprints` + `suffix` (`/ID`, `?query`) for the PACT version checked. */
  footprintsUrl(suffix = ""): string {
    return this.api(`${this.pact.footprintsPath}${suffix}`);
  }

  /** `source` of the events the run sends: the callback listener's URL, else `eventsSource`. */
  get eventsSource(): string {
    return this.callbacks?.url ?? this.opts.eventsSource;
  }

  /** `authBaseUrl` + path. */
  auth(path: string): string {
    return `${this.opts.authBaseUrl}${path}`;
  }

  /**
   * Plain-HTTP variant of a URL for the refusal cases. With `httpBaseUrl`: it replaces a
   * `baseUrl` prefix, or the origin of URLs on `baseUrl`'s origin. Otherwise (and for other
   * origins) `https://` becomes `http://`, keeping host and any explicit port.
   */
  plainHttp(url: string): string {
    const { httpBaseUrl, baseUrl } = this.opts;
    if (httpBaseUrl !== undefined) {
      if (url === baseUrl || url.startsWith(`${baseUrl}/`))
        return `${httpBaseUrl}${url.slice(baseUrl.length)}`;
      const origin = new URL(baseUrl).origin;
      if (URL.canParse(url) && new URL(url).origin === origin) {
        return `${new URL(httpBaseUrl).origin}${url.slice(origin.length)}`;
      }
    }
    return url.replace(/^https:\/\//i, "http://");
  }

  /** Sends a request; `Accept: application/json` unless overridden. */
  send(method: string, url: string, options: SendOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const agent = options.freshConnection
      ? undefined
      : url.startsWith("https:")
        ? this.httpsAgent
        : this.httpAgent;
    return httpRequest({
      method,
      url,
      headers,
      ...(options.body !== undefined ? { body: options.body } : {}),
      timeoutMs: this.opts.timeoutMs,
      tls: this.opts.tls,
      ...(agent ? { agent } : {}),
    });
  }

  /**
   * GET with an optional bearer token. Authenticated GETs carry `Content-Type: application/json`
   * like those of the official PACT test tool, so that a host tripping over it is caught here.
   */
  get(url: string, token?: string): Promise<HttpResponse> {
    return this.send(
      "GET",
      url,
      token !== undefined ? { token, headers: { "content-type": "application/json" } } : {},
    );
  }

  /** POSTs a CloudEvent (`application/cloudevents+json; charset=UTF-8`) to `/N/events`. */
  postEvent(
    event: unknown,
    token: string,
    url = this.api(this.pact.eventsPath),
    freshConnection = false,
  ): Promise<HttpResponse> {
    return this.send("POST", url, {
      token,
      headers: { "content-type": "application/cloudevents+json; charset=UTF-8" },
      body: JSON.stringify(event),
      freshConnection,
    });
  }

  /** A client-credentials token request with HTTP Basic credentials. */
  requestToken(
    url: string,
    clientId = this.opts.clientId,
    clientSecret = this.opts.clientSecret,
    grantType = "client_credentials",
    freshConnection = false,
  ): Promise<HttpResponse> {
    return this.send("POST", url, {
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: grantType }).toString(),
      freshConnection,
    });
  }

  /** OIDC discovery at `{authBaseUrl}/.well-known/openid-configuration` (memoised; never throws). */
  discovery(): Promise<DiscoveryResult> {
    this.discoveryMemo ??= (async (): Promise<DiscoveryResult> => {
      const url = this.auth("/.well-known/openid-configuration");
      let response: HttpResponse;
      try {
        response = await this.get(url);
      } catch (err) {
        return { url, error: (err as Error).message };
      }
      if (response.status !== 200) return { url, response, error: `${describeRes(response)}` };
      const document = tryJson(response);
      if (!isObject(document)) {
        return {
          url,
          response,
          error: `${describeRes(response)}: not a JSON object with Content-Type application/json`,
        };
      }
      return { url, response, document };
    })();
    return this.discoveryMemo;
  }

  /** The token endpoint a PACT client uses: discovery's `token_endpoint`, else `{authBaseUrl}/auth/token`. */
  async tokenEndpoint(): Promise<string> {
    const d = await this.discovery();
    const endpoint = str(d.document?.token_endpoint);
    return endpoint && URL.canParse(endpoint) ? endpoint : this.auth("/auth/token");
  }

  /**
   * A valid access token of the test client, renewed once half its lifetime (at most lifetime
   * minus 60 s) has passed; a case needing it fails if none is issued (that failure is kept).
   */
  accessToken(): Promise<string> {
    const state = this.tokenState;
    if (state && Date.now() < state.renewAt) return Promise.resolve(state.token);
    this.tokenMemo ??= (async (): Promise<string> => {
      const url = await this.tokenEndpoint();
      const res = await this.requestToken(url);
      const receivedAt = Date.now();
      const body = tryJson(res);
      const token = isObject(body) ? str(body.access_token) : undefined;
      if (res.status !== 200 || !isObject(body) || !token) {
        throw new CaseFailed(
          `prerequisite failed: no access token: ${describeRes(res)}; body: ${excerpt(res.body)}`,
        );
      }
      const jwtExp = decodeJwtExp(token);
      // The earlier of `expires_in` and the JWT's `exp` (whole seconds: a 2-second token may
      // have little more than one second left when it arrives).
      const lifetimeMs = Math.min(
        typeof body.expires_in === "number" ? body.expires_in * 1000 : Number.POSITIVE_INFINITY,
        jwtExp !== undefined ? jwtExp * 1000 - receivedAt : Number.POSITIVE_INFINITY,
      );
      this.tokenState = { token, renewAt: receivedAt + Math.max(lifetimeMs - 60_000, lifetimeMs / 2) };
      this.tokenMemo = undefined;
      return token;
    })();
    return this.tokenMemo;
  }

  /** GET with the run's access token. */
  async getAuthed(url: string): Promise<HttpResponse> {
    return this.get(url, await this.accessToken());
  }

  /** The first page of `GET /N/footprints` as objects with string ids (memoised prerequisite, ≥ 1 item). */
  footprints(): Promise<JsonObject[]> {
    this.listMemo ??= (async (): Promise<JsonObject[]> => {
      const res = await this.getAuthed(this.footprintsUrl());
      const body = tryJson(res);
      if (![200, 202].includes(res.status) || !isObject(body) || !Array.isArray(body.data)) {
        throw new CaseFailed(
          `prerequisite failed: cannot list footprints: ${describeRes(res)}; body: ${excerpt(res.body)}`,
        );
      }
      const items = body.data.filter((x): x is JsonObject => isObject(x) && typeof x.id === "string");
      if (items.length === 0) {
        throw new CaseFailed(`prerequisite failed: ${describeRes(res)} lists no footprint with an id`);
      }
      return items;
    })();
    return this.listMemo;
  }

  /** Every footprint of `GET /N/footprints`, following next links to the end (memoised prerequisite). */
  allFootprints(): Promise<JsonObject[]> {
    this.allMemo ??= (async (): Promise<JsonObject[]> => {
      const walk = await walkList(this, this.footprintsUrl(), { okStatuses: [200, 202] });
      if (!walk.complete) {
        throw new CaseFailed(`prerequisite failed: cannot list all footprints: ${walk.problems.join("; ")}`);
      }
      return walk.items.filter(isObject);
    })();
    return this.allMemo;
  }

  /** Starts obtaining an expired token now (so that waiting overlaps the other cases). */
  startExpiredToken(): void {
    this.expiredMemo ??= this.obtainExpiredToken().catch(
      (err: unknown): ExpiredTokenOutcome => ({
        kind: "fail",
        reason: `prerequisite failed: no expired token: ${(err as Error).message}`,
      }),
    );
  }

  /** An expired token, or the case is skipped (host tokens live too long) or failed. */
  async expiredToken(t: CaseScope): Promise<string> {
    this.startExpiredToken();
    const outcome = await (this.expiredMemo as Promise<ExpiredTokenOutcome>);
    if (outcome.kind === "skip") throw new CaseSkipped(outcome.reason);
    if (outcome.kind === "fail") throw new CaseFailed(outcome.reason);
    if (outcome.note) t.note(outcome.note);
    return outcome.token;
  }

  private async obtainExpiredToken(): Promise<ExpiredTokenOutcome> {
    if (this.opts.expiredToken !== undefined) return { kind: "token", token: this.opts.expiredToken };
    const maxWait = this.opts.maxWaitForExpirySeconds;
    const url = await this.tokenEndpoint();
    const res = await this.requestToken(url);
    const receivedAt = Date.now();
    const body = tryJson(res);
    const token = isObject(body) ? str(body.access_token) : undefined;
    if (res.status !== 200 || !isObject(body) || !token) {
      return { kind: "fail", reason: `prerequisite failed: no token to let expire: ${describeRes(res)}` };
    }
    const expiresIn = typeof body.expires_in === "number" ? body.expires_in : undefined;
    const jwtExp = decodeJwtExp(token);
    const lifetime = expiresIn ?? (jwtExp !== undefined ? jwtExp - receivedAt / 1000 : undefined);
    if (lifetime === undefined) {
      return {
        kind: "skip",
        reason:
          "no expired token: the token response has no expires_in and the token carries no exp; pass expiredToken",
      };
    }
    if (lifetime > maxWait) {
      return {
        kind: "skip",
        reason: `no expired token: the host issues tokens valid for ${Math.round(lifetime)} s, more than maxWaitForExpirySeconds=${maxWait}; pass expiredToken or allow a longer wait`,
      };
    }
    const expiresAt = Math.max(receivedAt + (expiresIn ?? 0) * 1000, (jwtExp ?? 0) * 1000);
    const wait = expiresAt + 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    // The host may allow clock skew: probe until the token is refused, within the allowed wait.
    const deadline = receivedAt + maxWait * 1000 + 1000;
    let probe = await this.get(this.footprintsUrl(), token);
    while (probe.status >= 200 && probe.status < 300 && Date.now() < deadline) {
      await sleep(500);
      probe = await this.get(this.footprintsUrl(), token);
    }
    const waited = ((Date.now() - receivedAt) / 1000).toFixed(1);
    const note =
      probe.status >= 200 && probe.status < 300
        ? `the host still accepted the token ${waited} s after it was issued with a lifetime of ${lifetime} s`
        : `token issued with a lifetime of ${lifetime} s, used ${waited} s later`;
    return { kind: "token", token, note };
  }
}
