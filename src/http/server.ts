import { readFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import type { AppEnv } from "./env.ts";
import { fastPathOf } from "./fast-path.ts";

/** How to listen. */
export interface ListenOptions {
  /** Default `0.0.0.0`. */
  readonly host?: string;
  /** 0 picks a free port. Default 8080. */
  readonly port?: number;
  /** PEM files; when given, the port speaks TLS only and plain HTTP is never processed. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Time to receive request headers, ms. Default 10000. */
  readonly headersTimeoutMs?: number;
  /** Time to receive a whole request, ms. Default 30000. */
  readonly requestTimeoutMs?: number;
  /** Largest request header block, bytes. Default 16384. */
  readonly maxHeaderBytes?: number;
  /** Idle keep-alive timeout, ms. Default 5000. */
  readonly keepAliveTimeoutMs?: number;
  /** Use the app's raw fast path (`fast-path.ts`) when `createApp` built one. Default true. */
  readonly fastPath?: boolean;
}

/** Largest request line looked at to tell the token endpoint's 431 from others. */
const REQUEST_LINE_MAX = 2048;
const TOKEN_TARGET = /^[A-Z]{1,16} (?:\/[^?\s]*)?\/auth\/token(?:\?\S*)? HTTP\/1\.[01]\r?$/;

/** A complete HTTP/1.1 response with a JSON body that closes the connection. */
function rawJsonResponse(status: string, body: object): string {
  const text = JSON.stringify(body);
  return [
    `HTTP/1.1 ${status}`,
    "Content-Type: application/json",
    "X-Content-Type-Options: nosniff",
    "Cache-Control: no-store",
    `Content-Length: ${Buffer.byteLength(text)}`,
    "Connection: close",
    "",
    text,
  ].join("\r\n");
}

/**
 * Node's answer to a request it could not parse, with a JSON body for oversized headers (431): an
 * OAuth2 error (`invalid_request`) when the request line names a token endpoint (`…/auth/token`),
 * else `{code, message}`. Other parse errors and timeouts get Node's own bodiless answers.
 */
function onClientError(maxHeaderBytes: number) {
  return (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === "ECONNRESET" || !socket.writable || current?.headersSent) {
      socket.destroy();
      return;
    }
    let response: string;
    if (err.code === "HPE_HEADER_OVERFLOW") {
      const message = `Request headers are larger than ${maxHeaderBytes} bytes`;
      const head = err.rawPacket?.subarray(0, REQUEST_LINE_MAX).toString("latin1") ?? "";
      const line = head.slice(0, head.indexOf("\n") >>> 0);
      response = rawJsonResponse(
        "431 Request Header Fields Too Large",
        TOKEN_TARGET.test(line)
          ? { error: "invalid_request", error_description: message }
          : { code: "BadRequest", message },
      );
    } else if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      response = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";
    } else {
      response = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
    }
    socket.end(response);
  };
}

/** A listening server. */
export interface RunningHttpServer {
  /** `http(s)://host:port` as reachable locally. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`, default 10000), then closes. */
  close(graceMs?: number): Promise<void>;
}

/** Serves a Hono app over HTTP or HTTPS with bounded header size and timeouts. */
export async function startHttpServer(
  app: Hono<AppEnv>,
  options: ListenOptions = {},
): Promise<RunningHttpServer> {
  const serverOptions = {
    maxHeaderSize: options.maxHeaderBytes ?? 16384,
    headersTimeout: options.headersTimeoutMs ?? 10_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    // How often Node enforces the two timeouts above (its default, 30 s, would let them overrun).
    connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs ?? 10_000),
  };
  const tls = options.tls
    ? { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) }
    : undefined;
  const host = options.host ?? "0.0.0.0";
  const viaHono = getRequestListener(app.fetch, { hostname: host });
  // The raw fast path (createApp's, unless turned off) answers what it can; the rest goes to Hono.
  const fast = options.fastPath === false ? undefined : fastPathOf(app);
  const listener = fast
    ? (req: IncomingMessage, res: ServerResponse) => {
        let answered: boolean;
        try {
          answered = fast(req, res);
        } catch {
          // A bug there must not take the request down: Hono answers it unless bytes went out.
          answered = res.headersSent;
          if (answered) res.destroy();
        }
        if (!answered) void viaHono(req, res);
      }
    : viaHono;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = tls
      ? (createHttpsServer({ ...serverOptions, ...tls }, listener) as unknown as Server)
      : createHttpServer(serverOptions, listener);
    s.once("error", reject);
    s.listen(options.port ?? 8080, host, () => resolve(s));
  });
  server.on("clientError", onClientError(serverOptions.maxHeaderSize));
  const { port } = server.address() as AddressInfo;
  const shownHost =
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `${tls ? "https" : "http"}://${shownHost}:${port}`,
    port,
    server,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
