import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** A response as the tests look at it. */
export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** Parsed body when it is JSON, else undefined. */
  readonly json: unknown;
}

export interface WireRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** CA for https URLs. */
  readonly ca?: string;
  readonly timeoutMs?: number;
  /** Local address to send from (e.g. `127.0.0.2`, to act as another loopback client). */
  readonly localAddress?: string;
}

/** Sends one request with node:http(s) (no redirects followed, custom CA possible). */
export function send(url: string, init: WireRequest = {}): Promise<WireResponse> {
  const u = new URL(url);
  const requester = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = requester(
      u,
      {
        method: init.method ?? "GET",
        headers: init.headers,
        ...(init.ca ? { ca: init.ca } : {}),
        ...(init.localAddress ? { localAddress: init.localAddress } : {}),
        timeout: init.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          if ((res.headers["content-type"] ?? "").startsWith("application/json")) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/** `Basic` header per RFC 6749 §2.3.1 (percent-encode each part, then base64). */
export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
}

/** Obtains an access token from `/auth/token`. */
export async function getToken(baseUrl: string, id: string, secret: string, ca?: string): Promise<string> {
  const res = await send(`${baseUrl}/auth/token`, {
    method: "POST",
    headers: { authorization: basic(id, secret), "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
    ...(ca ? { ca } : {}),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return (res.json as { access_token: string }).access_token;
}

/** GET with a bearer token. */
export function getWithToken(url: string, token: string, ca?: string): Promise<WireResponse> {
  return send(url, { headers: { authorization: `Bearer ${token}` }, ...(ca ? { ca } : {}) });
}
