import type { Context } from "hono";

/** What the HTTP layer needs to know to compute a request's public base URL. */
export interface PublicUrlOptions {
  /** Fixed public base URL (incl. prefix), used verbatim when set. */
  readonly publicUrl?: string;
  /** Route prefix, e.g. `/ileap` (empty for none). */
  readonly pathPrefix: string;
  /** Trust forwarded headers: from any peer, from these addresses, or not at all. */
  readonly trustProxy: boolean | readonly string[];
}

const VALID_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The peer address of the connection, when the request came through a Node server. */
export function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

function trusted(c: Context, trustProxy: boolean | readonly string[]): boolean {
  if (trustProxy === true) return true;
  if (trustProxy === false) return false;
  const peer = remoteAddress(c)?.replace(/^::ffff:/, "");
  return peer !== undefined && trustProxy.includes(peer);
}

/** First value of a comma-separated forwarded header, lower-cased and trimmed. */
function firstForwarded(c: Context, name: string): string | undefined {
  const raw = c.req.header(name);
  return raw?.split(",")[0]?.trim();
}

/** The scheme the client used: the connection's, or the trusted proxy's `X-Forwarded-Proto`. */
export function effectiveScheme(c: Context, options: PublicUrlOptions): "http" | "https" {
  const own = new URL(c.req.url).protocol === "https:" ? "https" : "http";
  if (!trusted(c, options.trustProxy)) return own;
  const forwarded = firstForwarded(c, "x-forwarded-proto")?.toLowerCase();
  return forwarded === "https" || forwarded === "http" ? forwarded : own;
}

/** Base URL the client used (scheme, host, port, prefix), without a trailing slash. */
export function publicBaseUrl(c: Context, options: PublicUrlOptions): string {
  if (options.publicUrl) return options.publicUrl;
  const url = new URL(c.req.url);
  let host = url.host;
  if (trusted(c, options.trustProxy)) {
    const forwardedHost = firstForwarded(c, "x-forwarded-host");
    if (forwardedHost && VALID_HOST.test(forwardedHost)) host = forwardedHost;
  }
  return `${effectiveScheme(c, options)}://${host}${options.pathPrefix}`;
}

/**
 * The address of the client for per-address limits: the connection's peer, or, when that peer is
 * a trusted proxy (`trustProxy`), the right-most `X-Forwarded-For` entry that is not itself a
 * trusted proxy (entries further left can be forged by the client). `undefined` when the request
 * did not come through a Node server (in-process `app.request()`).
 */
export function clientAddress(c: Context, trustProxy: boolean | readonly string[]): string | undefined {
  const peer = remoteAddress(c)?.replace(/^::ffff:/, "");
  if (peer === undefined) return undefined;
  const isTrusted = (a: string) => trustProxy === true || (trustProxy !== false && trustProxy.includes(a));
  if (!isTrusted(peer)) return peer;
  const chain = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((a) => a.trim().replace(/^::ffff:/, ""))
    .filter((a) => a !== "");
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i] as string;
    if (!isTrusted(hop)) return hop;
  }
  return chain[0] ?? peer;
}
