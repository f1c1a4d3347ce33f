/**
 * Minimal HTTP(S) client on node:http / node:https: one request, no redirects followed, a custom
 * CA possible (global fetch cannot take one on Node 20 without undici).
 * @module
 */
import http from "node:http";
import https from "node:https";
import type { ConformanceTlsOptions } from "./types.ts";

/** One HTTP request. */
export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  /** Request headers. Default: none besides what Node adds (`Host`, `Content-Length`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body. Default: none. */
  readonly body?: string;
  /** Whole-request timeout in milliseconds. Default: `10000`. */
  readonly timeoutMs?: number;
  /** TLS settings for https URLs. Default: system trust, certificates verified. */
  readonly tls?: ConformanceTlsOptions;
  /** Agent for connection reuse. Default: a fresh connection, closed after the response. */
  readonly agent?: http.Agent;
  /** Largest body read, in bytes; more fails the request. Default: 64 MiB. */
  readonly maxBodyBytes?: number;
}

/** A response: status, lower-cased headers, body text, and the request it answers. */
export interface HttpResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** The request did not produce a response (connection refused, TLS failure, timeout, …). */
export class HttpRequestError extends Error {
  override readonly name = "HttpRequestError";
  constructor(
    readonly method: string,
    readonly url: string,
    readonly detail: string,
  ) {
    super(`${method} ${url} failed: ${detail}`);
  }
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/**
 * Sends one request and resolves with the response (any status, 3xx not followed).
 * Rejects with {@link HttpRequestError} when there is no response.
 */
export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const { method, url } = req;
  const timeoutMs = req.timeoutMs ?? 10_000;
  const maxBodyBytes = req.maxBodyBytes ?? 64 * 1024 * 1024;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new HttpRequestError(method, url, "invalid URL"));
  }
  const isHttps = target.protocol === "https:";
  if (!isHttps && target.protocol !== "http:") {
    return Promise.reject(new HttpRequestError(method, url, `unsupported scheme ${target.protocol}`));
  }
  const headers: Record<string, string> = { ...req.headers };
  if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
  const options: https.RequestOptions = {
    method,
    headers,
    agent: req.agent ?? false,
    ...(isHttps
      ? {
          ...(req.tls?.ca !== undefined ? { ca: req.tls.ca } : {}),
          rejectUnauthorized: req.tls?.rejectUnauthorized ?? true,
        }
      : {}),
  };
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (detail: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new HttpRequestError(method, url, detail));
    };
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          res.destroy();
          fail(`response body larger than ${maxBodyBytes} bytes`);
          return;
        }
        chunks.push(chunk);
      });
      res.on("error", (err) => fail(err.message));
      res.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          method,
          url,
          status: res.statusCode ?? 0,
          headers: flattenHeaders(res.headers),
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
    };
    const request = isHttps
      ? https.request(target, options, onResponse)
      : http.request(target, options, onResponse);
    const timer = setTimeout(() => {
      fail(`timed out after ${timeoutMs} ms`);
      request.destroy();
    }, timeoutMs);
    request.on("error", (err: NodeJS.ErrnoException) =>
      fail(err.code ? `${err.code}: ${err.message}` : err.message),
    );
    if (req.body !== undefined) request.write(req.body);
    request.end();
  });
}

/** Media type of a response without parameters, lower-cased (`application/json`), or `""`. */
export function mediaType(res: HttpResponse): string {
  const value = res.headers["content-type"];
  if (!value) return "";
  return (value.split(";")[0] ?? "").trim().toLowerCase();
}
