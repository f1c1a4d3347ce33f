/**
 * An in-process listener for the asynchronous answers of PACT request events (cases 13 and 14.B):
 * a small HTTP(S) server that plays the requesting host. It offers what the host under test runs
 * against it — OIDC discovery, `POST /auth/token` (client credentials, HTTP Basic) — and receives
 * CloudEvents on `POST /2/events` and `POST /3/events`, recording each delivery with whether it
 * carried a token this listener issued.
 *
 * The host under test must know the listener as a peer (base URL, client id and secret):
 * {@link CallbackListener.peerConfig} prints the entry for an ileap-ts host.
 * @module
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";

/** Options of {@link startCallbackListener}. */
export interface CallbackListenerOptions {
  /** Interface to listen on. Default: `127.0.0.1`. */
  readonly host?: string;
  /** Port. Default: `0` (a free port). */
  readonly port?: number;
  /** Client id the host must authenticate with. Default: `ileap-conformance`. */
  readonly clientId?: string;
  /** Client secret the host must authenticate with. Default: a random one (see `clientSecret`). */
  readonly clientSecret?: string;
  /** Serve HTTPS with this certificate and key (PEM). Default: plain HTTP. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /**
   * Base URL the host reaches the listener at (the `source` of the request events), when not the
   * listen address (a tunnel, a proxy, another name). Default: `http(s)://HOST:PORT`.
   */
  readonly publicUrl?: string;
  /** Largest request body accepted, in bytes. Default: 8 MiB. */
  readonly maxBodyBytes?: number;
  /** Lifetime of the tokens issued, in seconds. Default: `3600`. */
  readonly tokenTtlSeconds?: number;
}

/** One event delivery the listener received. */
export interface ReceivedDelivery {
  /** Request path, e.g. `/2/events`. */
  readonly path: string;
  /** `Content-Type` header as sent, or `""`. */
  readonly contentType: string;
  /** Whether the request carried a bearer token this listener issued (and not expired). */
  readonly authorized: boolean;
  /** What was wrong with the `Authorization` header, when not authorized. */
  readonly authProblem?: string;
  /** The body text. */
  readonly body: string;
  /** The parsed body, when it is JSON. */
  readonly event?: unknown;
  /** When it arrived (ms since the epoch). */
  readonly receivedAt: number;
}

/** A running listener. */
export interface CallbackListener {
  /** Base URL of the listener: the `source` to put into request events. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every event delivery, in arrival order. */
  readonly deliveries: readonly ReceivedDelivery[];
  /** Number of token requests answered with a token. */
  readonly tokensIssued: number;
  /**
   * Resolves with the first delivery (already received or arriving later) that `match` accepts,
   * or `undefined` after `timeoutMs`.
   */
  waitFor(match: (d: ReceivedDelivery) => boolean, timeoutMs: number): Promise<ReceivedDelivery | undefined>;
  /** The `peers` entry (YAML) an ileap-ts host needs to answer this listener. */
  peerConfig(): string;
  close(): Promise<void>;
}

const MAX_HEADER_TOKEN_CHARS = 4096;

/**
 * The `peers` entry (YAML) with which an ileap-ts host answers a listener at `url`; with
 * `events.allowPrivateNetworks` since listeners usually run on loopback or private addresses.
 */
export function callbackPeerConfig(peer: {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
}): string {
  return [
    "peers:",
    `  - baseUrl: ${JSON.stringify(peer.url)}`,
    `    clientId: ${JSON.stringify(peer.clientId)}`,
    `    clientSecret: ${JSON.stringify(peer.clientSecret)}`,
    "events:",
    "  allowPrivateNetworks: true   # the listener runs on a loopback or private address",
    "",
  ].join("\n");
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Decodes HTTP Basic credentials (RFC 6749 §2.3.1: each part form-URL-encoded). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
}

/** Starts a listener. Resolves once it accepts connections. */
export async function startCallbackListener(
  options: CallbackListenerOptions = {},
): Promise<CallbackListener> {
  const host = options.host ?? "127.0.0.1";
  const clientId = options.clientId ?? "ileap-conformance";
  const clientSecret = options.clientSecret ?? randomBytes(18).toString("base64url");
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const ttl = options.tokenTtlSeconds ?? 3600;
  const tokens = new Map<string, number>(); // token → expiry (ms)
  const deliveries: ReceivedDelivery[] = [];
  const waiters = new Set<{
    match: (d: ReceivedDelivery) => boolean;
    resolve: (d: ReceivedDelivery | undefined) => void;
  }>();
  let tokensIssued = 0;
  let baseUrl = "";

  const onDelivery = (d: ReceivedDelivery): void => {
    deliveries.push(d);
    for (const w of [...waiters]) {
      if (w.match(d)) {
        waiters.delete(w);
        w.resolve(d);
      }
    }
  };

  const checkBearer = (header: string | undefined): string | undefined => {
    if (header === undefined) return "no Authorization header";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m || (m[1] as string).length > MAX_HEADER_TOKEN_CHARS) return "Authorization is not a Bearer token";
    const expiry = tokens.get(m[1] as string);
    if (expiry === undefined) return "a bearer token this listener never issued";
    if (expiry < Date.now()) return "an expired token of this listener";
    return undefined;
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, body: string): void => {
    const path = new URL(req.url ?? "/", "http://listener").pathname;
    if (req.method === "GET" && path === "/.well-known/openid-configuration") {
      json(res, 200, {
        issuer: baseUrl,
        token_endpoint: `${baseUrl}/auth/token`,
        jwks_uri: `${baseUrl}/jwks`,
        response_types_supported: ["token"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        grant_types_supported: ["client_credentials"],
      });
      return;
    }
    if (req.method === "GET" && path === "/jwks") {
      json(res, 200, { keys: [] });
      return;
    }
    if (req.method === "POST" && path === "/auth/token") {
      const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
      if (type !== "application/x-www-form-urlencoded") {
        json(res, 400, {
          error: "invalid_request",
          error_description: "Content-Type must be application/x-www-form-urlencoded",
        });
        return;
      }
      const creds = basicCredentials(req.headers.authorization);
      if (!creds || !sameSecret(creds.id, clientId) || !sameSecret(creds.secret, clientSecret)) {
        json(res, 400, {
          error: "invalid_client",
          error_description: "unknown client or wrong secret",
        });
        return;
      }
      if (new URLSearchParams(body).get("grant_type") !== "client_credentials") {
        json(res, 400, {
          error: "unsupported_grant_type",
          error_description: "use client_credentials",
        });
        return;
      }
      const token = randomBytes(24).toString("base64url");
      tokens.set(token, Date.now() + ttl * 1000);
      tokensIssued++;
      json(res, 200, { access_token: token, token_type: "bearer", expires_in: ttl });
      return;
    }
    if (req.method === "POST" && (path === "/2/events" || path === "/3/events")) {
      const authProblem = checkBearer(req.headers.authorization);
      let event: unknown;
      try {
        event = JSON.parse(body) as unknown;
      } catch {
        event = undefined;
      }
      onDelivery({
        path,
        contentType: req.headers["content-type"] ?? "",
        authorized: authProblem === undefined,
        ...(authProblem !== undefined ? { authProblem } : {}),
        body,
        ...(event !== undefined ? { event } : {}),
        receivedAt: Date.now(),
      });
      if (authProblem !== undefined) {
        // PACT v3 answers 401 to a bad token, v2 400.
        json(res, path === "/3/events" ? 401 : 400, { code: "BadRequest", message: authProblem });
        return;
      }
      if (event === undefined) {
        json(res, 400, { code: "BadRequest", message: "body is not JSON" });
        return;
      }
      res.writeHead(200);
      res.end();
      return;
    }
    json(res, 404, { code: "NotFound", message: `no route ${req.method ?? ""} ${path}` });
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBody) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", () => {
      if (tooLarge) {
        json(res, 413, { code: "BadRequest", message: `body larger than ${maxBody} bytes` });
        return;
      }
      handle(req, res, Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", () => res.destroy());
  };

  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : http.createServer(listener);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  baseUrl = (options.publicUrl ?? `${options.tls ? "https" : "http"}://${hostInUrl}:${port}`).replace(
    /\/+$/,
    "",
  );

  return {
    url: baseUrl,
    clientId,
    clientSecret,
    deliveries,
    get tokensIssued() {
      return tokensIssued;
    },
    waitFor(match, timeoutMs) {
      const found = deliveries.find(match);
      if (found) return Promise.resolve(found);
      return new Promise<ReceivedDelivery | undefined>((resolve) => {
        const waiter = {
          match,
          resolve: (d: ReceivedDelivery | undefined) => {
            clearTimeout(timer);
            resolve(d);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          resolve(undefined);
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    peerConfig: () => callbackPeerConfig({ url: baseUrl, clientId, clientSecret }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of waiters) w.resolve(undefined);
        waiters.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
