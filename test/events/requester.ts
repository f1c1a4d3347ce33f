/**
 * A minimal PACT requester host for event tests: `POST /auth/token` (client credentials, Basic)
 * and `POST /2/events` or `/3/events` (bearer), recording what it receives. It acknowledges each event id once
 * and counts duplicates. Can be taken down (connection refused) and brought back on the same port.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One event the requester received. */
export interface ReceivedEvent {
  /** `/2/events` or `/3/events`. */
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Record<string, unknown> & { id: string; type: string; data: Record<string, unknown> };
}

export interface Requester {
  readonly baseUrl: string;
  /** Events acknowledged, in arrival order (duplicates included). */
  readonly events: ReceivedEvent[];
  /** Token requests served. */
  tokenRequests: number;
  /** Record `/2/events` requests in {@link hung} and never answer them (a peer mid-request). */
  hang: boolean;
  /** Events received while hanging (never acknowledged). */
  readonly hung: ReceivedEvent[];
  /** Answer `/2/events` with this status (and `Retry-After`) instead of 200. */
  failWith: { status: number; retryAfter?: string } | undefined;
  /** Stops listening (connections are refused). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /**
   * Issues a different access token from now on and refuses the earlier ones (as after a key
   * rotation): 400 `BadRequest`, as PACT hosts answer an invalid token on `/2/events`.
   */
  rotateTokens(): void;
  /** Resolves when `n` events were received. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const REQUESTER_CLIENT_ID = "our-host";
export const REQUESTER_SECRET = "s3cret-at-requester";
const FIRST_TOKEN = "requester-token-abc";

/** Starts the requester on a free loopback port. */
export async function startRequester(): Promise<Requester> {
  const events: ReceivedEvent[] = [];
  const hung: ReceivedEvent[] = [];
  let token = FIRST_TOKEN;
  let generation = 0;
  let server: Server | undefined;
  let port = 0;
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (req.method === "POST" && req.url === "/auth/token") {
      const expected = `Basic ${Buffer.from(`${REQUESTER_CLIENT_ID}:${REQUESTER_SECRET}`).toString("base64")}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"error":"invalid_client"}');
        return;
      }
      state.tokenRequests++;
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: 3600 }));
      return;
    }
    if (req.method === "POST" && (req.url === "/2/events" || req.url === "/3/events")) {
      const path = req.url;
      if (req.headers.authorization !== `Bearer ${token}`) {
        res
          .writeHead(400, { "content-type": "application/json" })
          .end('{"code":"BadRequest","message":"Invalid access token"}');
        return;
      }
      if (state.hang) {
        hung.push({ path, headers: req.headers, body: JSON.parse(text) as ReceivedEvent["body"] });
        return;
      }
      if (state.failWith) {
        res
          .writeHead(state.failWith.status, {
            "content-type": "application/json",
            ...(state.failWith.retryAfter ? { "retry-after": state.failWith.retryAfter } : {}),
          })
          .end('{"code":"InternalError","message":"busy"}');
        return;
      }
      events.push({ path, headers: req.headers, body: JSON.parse(text) as ReceivedEvent["body"] });
      res.writeHead(200).end();
      for (const w of [...waiters]) if (events.length >= w.n) w.resolve();
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end('{"code":"NotFound"}');
  };
  const waiters = new Set<{ n: number; resolve: () => void }>();
  const listen = async () => {
    server = createServer((req, res) => {
      handler(req, res).catch(() => res.writeHead(500).end());
    });
    server.listen(port, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  };
  const stop = async () => {
    if (!server) return;
    const s = server;
    server = undefined;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  };
  await listen();
  const state: Requester = {
    baseUrl: `http://127.0.0.1:${port}`,
    events,
    tokenRequests: 0,
    hang: false,
    hung,
    failWith: undefined,
    down: stop,
    up: listen,
    rotateTokens: () => {
      generation++;
      token = `${FIRST_TOKEN}-${generation}`;
    },
    waitFor: (n, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (events.length >= n) return resolve();
        const w = {
          n,
          resolve: () => {
            waiters.delete(w);
            clearTimeout(t);
            resolve();
          },
        };
        const t = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`timed out waiting for ${n} events (got ${events.length})`));
        }, timeoutMs);
        waiters.add(w);
      }),
    close: stop,
  };
  return state;
}
