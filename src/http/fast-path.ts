/**
 * The raw `node:http` fast path in front of the Hono app (issue 14, targets 1 and 4).
 *
 * A cache hit of a hot read costs little more than writing the bytes we already hold, but through
 * Hono it also pays @hono/node-server's Request/Response objects and the middleware chain. The
 * fast path answers, on the raw request listener, exactly the requests whose Hono answer is
 * already known:
 *
 * - `GET {prefix}/2/footprints`, `/2/footprints/{id}`, `/2/ileap/tad`, `/3/footprints`,
 *   `/3/footprints/{id}` when the host is trusted, the URL is within `limits.maxUrlBytes`, the
 *   HTTPS requirement is met, the bearer token is one the auth provider already verified
 *   ({@link AuthProvider.peekToken}), the principal has the route's grant, the store's data version
 *   is known synchronously and the response cache holds the answer for exactly the key
 *   {@link cacheResponses} computes, under the current version;
 * - `POST {prefix}/auth/token` with a declared body within `limits.maxBodyBytes` (see
 *   `routes/token.ts`: the same endpoint object answers both paths).
 *
 * Every check is the function the Hono middleware calls (one rule, one place); the answer has the
 * status, headers and body the Hono path writes, and the same access-log line. Anything else
 * falls through to Hono untouched (the request is not read). `fastPath: false` in the HTTP
 * options (`ILEAP_FAST_PATH=false`) turns it off.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Hono } from "hono";
import type { Principal } from "../auth/principal.ts";
import type { AppDependencies, AppEnv } from "./env.ts";
import { canReadFootprints, canReadTad } from "./grants.ts";
import { logAccess } from "./middleware/access-log.ts";
import { bearerToken } from "./middleware/authenticate.ts";
import { misdirectedHost } from "./middleware/host-guard.ts";
import { urlTooLong } from "./middleware/limits.ts";
import { refusedAsPlainHttp } from "./middleware/require-https.ts";
import { clientAddress, publicBaseUrl, type RequestView } from "./request-context.ts";
import { requestIdFor } from "./request-id.ts";
import { type CachedResponse, responseCacheKey } from "./response-cache.ts";
import { internalError } from "./responses.ts";
import type { TokenAnswer, TokenEndpoint } from "./routes/token.ts";

/** Answers a request and returns true, or returns false without touching it. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const fastPaths = new WeakMap<Hono<AppEnv>, FastPath>();

/** Registers the fast path of `app` (called by `createApp`). */
export function registerFastPath(app: Hono<AppEnv>, fastPath: FastPath): void {
  fastPaths.set(app, fastPath);
}

/** The fast path `createApp` built for `app`, if any (used by `startHttpServer`). */
export function fastPathOf(app: Hono<AppEnv>): FastPath | undefined {
  return fastPaths.get(app);
}

/*
 * The request targets and hosts that @hono/node-server (src/url.ts, `buildUrl`) puts into the
 * request URL verbatim: only for these is `scheme://host` + target the URL Hono's handlers see.
 * Anything else (percent-encoding, dot segments, upper-case or odd hosts) is left to Hono.
 */
const VERBATIM_TARGET = /^\/[!#$&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;
const VERBATIM_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

/** Which guard a cached read route has. */
type ReadRoute = "footprints" | "footprints-v3" | "tad";

/** The cached read route of `path` (without prefix), if it is one. */
function readRoute(path: string): ReadRoute | undefined {
  if (path === "/2/footprints" || path === "/2/ileap/tad")
    return path === "/2/ileap/tad" ? "tad" : "footprints";
  if (path === "/3/footprints") return "footprints-v3";
  const v2 = path.startsWith("/2/footprints/");
  if (!v2 && !path.startsWith("/3/footprints/")) return undefined;
  const id = path.slice(14);
  return id.length > 0 && !id.includes("/") ? (v2 ? "footprints" : "footprints-v3") : undefined;
}

/** HTTP whitespace around a value, as `Headers.get` strips it. */
function trimmed(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first === 32 || first === 9 || last === 32 || last === 9
    ? value.replace(/^[ \t]+|[ \t]+$/g, "")
    : value;
}

/** A {@link RequestView} of a raw request whose absolute URL is `url`. */
function viewOf(req: IncomingMessage, url: string): RequestView {
  const raw = req.rawHeaders;
  return {
    url,
    peer: req.socket.remoteAddress,
    // As @hono/node-server's `Headers.get`: every field of that name, joined with ", ".
    header(name: string): string | undefined {
      let value: string | undefined;
      for (let i = 0; i < raw.length; i += 2) {
        const n = raw[i] as string;
        if (n.length === name.length && n.toLowerCase() === name) {
          const v = trimmed(raw[i + 1] as string);
          value = value === undefined ? v : `${value}, ${v}`;
        }
      }
      return value;
    },
  };
}

/**
 * The response headers of a cache hit as the Hono path sends them: Fetch `Headers` order (names
 * sorted, lower case), the request id in its place among them, `Content-Length` last.
 */
interface HitHeaders {
  /** Flat name/value pairs sorting before `x-request-id`, and after it. */
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly contentLength: string;
  /**
   * The body's UTF-8 bytes, encoded once per entry rather than on every write (kept while the entry
   * is: for a one-byte string, string and bytes together are the 2 bytes per character the cache's
   * size bound counts).
   */
  readonly bytes: Buffer;
}

const hitHeaders = new WeakMap<CachedResponse, HitHeaders>();

function headersOf(entry: CachedResponse): HitHeaders {
  let headers = hitHeaders.get(entry);
  if (headers === undefined) {
    const all = new Map<string, string>([
      ["x-content-type-options", "nosniff"],
      ["content-type", "application/json"],
    ]);
    for (const [name, value] of Object.entries(entry.headers ?? {})) all.set(name.toLowerCase(), value);
    const sorted = [...all].sort(([a], [b]) => (a < b ? -1 : 1));
    const bytes = Buffer.from(entry.body, "utf8");
    headers = {
      before: sorted.filter(([name]) => name < "x-request-id").flat(),
      after: sorted.filter(([name]) => name > "x-request-id").flat(),
      contentLength: String(bytes.length),
      bytes,
    };
    hitHeaders.set(entry, headers);
  }
  return headers;
}

/** The request line's target and the URL Hono would see, or `undefined` when Hono must build it. */
function verbatimUrl(req: IncomingMessage): string | undefined {
  const target = req.url;
  const host = req.headers.host;
  if (target === undefined || host === undefined || !VERBATIM_HOST.test(host)) return undefined;
  if (!VERBATIM_TARGET.test(target) || DOT_SEGMENT.test(target)) return undefined;
  const scheme = (req.socket as TLSSocket).encrypted ? "https" : "http";
  return `${scheme}://${host}${target}`;
}

/** A declared body length (`Content-Length`, digits only) within `max`, else `undefined`. */
function declaredLength(req: IncomingMessage, max: number): number | undefined {
  const value = req.headers["content-length"];
  if (value === undefined || req.headers["transfer-encoding"] !== undefined || !/^\d{1,10}$/.test(value)) {
    return undefined;
  }
  const length = Number(value);
  return length <= max ? length : undefined;
}

/** Reads the request body (at most its declared length, which Node enforces) as `Request.text()` does. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => resolve(new TextDecoder().decode(Buffer.concat(chunks))));
    req.once("error", reject);
    req.once("close", () => {
      if (!req.readableEnded) reject(new Error("aborted"));
    });
  });
}

/** Writes an answer with the headers the Hono path adds (`X-Content-Type-Options`, `X-Request-Id`) in Fetch order. */
function writeAnswer(res: ServerResponse, reqId: string, answer: TokenAnswer): void {
  const all = new Map<string, string>([["x-content-type-options", "nosniff"]]);
  for (const [name, value] of Object.entries(answer.headers)) all.set(name.toLowerCase(), value);
  all.set("x-request-id", reqId);
  const headers = [...all].sort(([a], [b]) => (a < b ? -1 : 1)).flat();
  headers.push("Content-Length", String(Buffer.byteLength(answer.body)));
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

/**
 * Builds the fast path for an app made from `deps` whose token route is `token` (see the module
 * comment).
 */
export function createFastPath(deps: AppDependencies, token: TokenEndpoint): FastPath {
  const { auth, store, logger, options, responseCache: cache } = deps;
  const prefix = options.pathPrefix;
  const maxUrlBytes = options.limits.maxUrlBytes;
  /** Set once the store's `dataVersion` answered with a promise: such a store is never peeked again. */
  let asyncVersion = store.dataVersion === undefined;

  /** The cached answer of a GET on a read route, or `undefined` to leave the request to Hono. */
  function cachedRead(
    req: IncomingMessage,
    path: string,
    route: ReadRoute,
    url: string,
  ): { entry: CachedResponse; view: RequestView; principal: Principal } | undefined {
    if (asyncVersion || cache === undefined || !cache.enabled || auth.peekToken === undefined)
      return undefined;
    if (urlTooLong(url, maxUrlBytes)) return undefined;
    const view = viewOf(req, url);
    if (misdirectedHost(view, path, options) !== undefined) return undefined;
    if (refusedAsPlainHttp(view, path, options)) return undefined;
    const token = bearerToken(view.header("authorization"));
    if (token === undefined) return undefined;
    const baseUrl = publicBaseUrl(view, options);
    const principal = auth.peekToken(token, { publicBaseUrl: baseUrl });
    if (principal === undefined) return undefined;
    if (route === "tad" ? !canReadTad(principal) : !canReadFootprints(principal)) return undefined;
    if (route === "footprints-v3" && (!store.getFootprintV3 || !store.listFootprintsV3)) return undefined;
    let version: string | Promise<string>;
    try {
      version = (store.dataVersion as () => string | Promise<string>).call(store);
    } catch {
      return undefined; // Hono's path reports the store's failure
    }
    if (typeof version !== "string") {
      asyncVersion = true;
      Promise.resolve(version).catch(() => undefined);
      return undefined;
    }
    const entry = cache.peek(responseCacheKey(principal, baseUrl, url), version);
    return entry === undefined ? undefined : { entry, view, principal };
  }

  const tokenPath = `${prefix}/auth/token`;
  const maxBodyBytes = options.limits.maxBodyBytes;

  /**
   * `POST {prefix}/auth/token` with a declared body within the body limit, on a trusted host, within
   * the URL limit and the HTTPS requirement: answered by the same {@link TokenEndpoint} as the Hono
   * route. Returns false (request untouched) when any of that does not hold.
   */
  function tokenRequest(req: IncomingMessage, res: ServerResponse, started: number): boolean {
    const url = verbatimUrl(req);
    if (url === undefined || urlTooLong(url, maxUrlBytes)) return false;
    if (declaredLength(req, maxBodyBytes) === undefined) return false;
    const view = viewOf(req, url);
    if (misdirectedHost(view, "/auth/token", options) !== undefined) return false;
    if (refusedAsPlainHttp(view, "/auth/token", options)) return false;
    const reqId = requestIdFor(view.header("x-request-id"));
    let bodyRead = false;
    const finish = (answer: TokenAnswer) => {
      writeAnswer(res, reqId, answer);
      // As @hono/node-server does for an answer given before the body was read: drain it (its
      // declared length is within the body limit).
      if (!bodyRead && !req.readableEnded) req.resume();
      logAccess(logger, reqId, "POST", tokenPath, url, answer.status, started, undefined);
    };
    token
      .handle({
        contentType: view.header("content-type"),
        authorization: view.header("authorization"),
        body: () => {
          bodyRead = true;
          return readBody(req);
        },
        source: clientAddress(view, token.trustProxy),
        peer: view.peer,
        baseUrl: publicBaseUrl(view, options),
      })
      .then(finish, (err: Error) => {
        // What Hono's error handler answers for an unexpected error.
        logger.error(
          { reqId, err: { name: err.name, message: err.message, stack: err.stack } },
          "unhandled error",
        );
        finish(internalError(reqId));
      })
      .catch(() => res.destroy());
    return true;
  }

  return (req, res) => {
    const method = req.method;
    if (method !== "GET" && method !== "POST") return false;
    const started = performance.now();
    const target = req.url ?? "";
    const q = target.indexOf("?");
    const fullPath = q < 0 ? target : target.slice(0, q);
    if (method === "POST") return fullPath === tokenPath && tokenRequest(req, res, started);
    if (!fullPath.startsWith(prefix)) return false;
    const path = fullPath.slice(prefix.length);
    const route = readRoute(path);
    if (route === undefined) return false;
    const url = verbatimUrl(req);
    if (url === undefined) return false;
    const hit = cachedRead(req, path, route, url);
    if (hit === undefined) return false;
    const reqId = requestIdFor(hit.view.header("x-request-id"));
    const { before, after, contentLength, bytes } = headersOf(hit.entry);
    res.writeHead(200, [...before, "x-request-id", reqId, ...after, "Content-Length", contentLength]);
    res.end(bytes);
    logAccess(logger, reqId, "GET", fullPath, url, 200, started, hit.principal);
    return true;
  };
}
