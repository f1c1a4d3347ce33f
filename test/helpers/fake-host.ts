/**
 * A tiny scriptable HTTP host for client and CLI tests: each request is recorded and answered by
 * a handler function (fault injection: 503s, odd bodies, broken behaviour).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the fake host saw it. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** What the handler answers. `body` objects are sent as JSON. */
export interface FakeResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** Answers a request; `undefined` leaves the request hanging (for timeout tests). */
export type FakeHandler = (req: SeenRequest, host: FakeHost) => FakeResponse | undefined;

export interface FakeHost {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a fake host on a free loopback port. */
export async function startFakeHost(handler: FakeHandler): Promise<FakeHost> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  let host: FakeHost;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://fake");
      const seen: SeenRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(seen);
      const answer = handler(seen, host);
      if (answer === undefined) return;
      const isJson = answer.body !== undefined && typeof answer.body !== "string";
      res.writeHead(answer.status, {
        ...(isJson ? { "content-type": "application/json" } : {}),
        ...answer.headers,
      });
      res.end(
        answer.body === undefined
          ? ""
          : typeof answer.body === "string"
            ? answer.body
            : JSON.stringify(answer.body),
      );
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  host = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return host;
}

/** A token response with extra, unknown fields (clients must ignore them). */
export function tokenResponse(token = "fake-token", expiresIn = 3600): FakeResponse {
  return {
    status: 200,
    body: {
      access_token: token,
      token_type: "Bearer",
      expires_in: expiresIn,
      unknown_field: { nested: true },
    },
  };
}
