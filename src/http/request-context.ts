import type { Context } from "hono";

/** What the HTTP layer needs to know to compute a request's public base URL. */
export interface PublicUrlOptions {
  /** Fixed public base URL (incl. prefix), used verbatim when set. */
  readonly publicUrl?: string;
  /** Route prefix, e.g. `/ileap` (empty for none). */
  readonly pathPrefix: string;
  /** Trust forwarded headers: from any peer, from these addresses, or not at all. */
  readonly trustProxy: boolean | readonly string[];
  /**
   * Hosts this host answers for ({@link canonicalHost} spellings: `name` for any port, or
   * `name:port`); requests for any other host are refused (421) by {@link hostAllowed}'s caller.
   * Default: none (every host; demo mode and in-process use only).
   */
  readonly allowedHosts?: readonly string[];
}

const VALID_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * A request as the rules below read it, without a Hono context: the raw `node:http` fast path
 * (`fast-path.ts`) builds one so that it applies exactly the rules the middlewares apply.
 */
export interface RequestView {
  /** The absolute URL as @hono/node-server builds it (`scheme://host` + request target). */
  readonly url: string;
  /** A request header as `Headers.get` reads it (repeated fields joined with `, `). */
  header(name: string): string | undefined;
  /** Peer address of the connection. */
  readonly peer: string | undefined;
}

/** A Hono context or a {@link RequestView}. */
export type AnyRequest = Context | RequestView;

function isView(r: AnyRequest): r is RequestView {
  return !("req" in r);
}

function urlOf(r: AnyRequest): string {
  return isView(r) ? r.url : r.req.url;
}

function headerOf(r: AnyRequest, name: string): string | undefined {
  return isView(r) ? r.header(name) : r.req.header(name);
}

/** The peer address of the connection, when the request came through a Node server. */
export function remoteAddress(c: AnyRequest): string | undefined {
  if (isView(c)) return c.peer;
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

function trusted(c: AnyRequest, trustProxy: boolean | readonly string[]): boolean {
  if (trustProxy === true) return true;
  if (trustProxy === false) return false;
  const peer = remoteAddress(c)?.replace(/^::ffff:/, "");
  return peer !== undefined && trustProxy.includes(peer);
}

/** First value of a comma-separated forwarded header, lower-cased and trimmed. */
function firstForwarded(c: AnyRequest, name: string): string | undefined {
  const raw = headerOf(c, name);
  return raw?.split(",")[0]?.trim();
}

/** The last origin parsed by {@link originOf} and its parts (one entry: hot traffic uses one host). */
let lastOrigin: string | undefined;
let lastParts: { readonly protocol: string; readonly host: string } = { protocol: "", host: "" };

/**
 * `protocol` and `host` of the request URL as `new URL(url)` gives them, parsing only the origin
 * and only when it differs from the previous request's (a request is otherwise parsed three
 * times: scheme and host for its base URL, scheme again for the host check).
 */
function originOf(url: string): { readonly protocol: string; readonly host: string } {
  const end = url.indexOf("/", url.indexOf("//") + 2);
  const origin = end < 0 ? url : url.slice(0, end);
  if (origin !== lastOrigin) {
    const parsed = new URL(origin);
    lastParts = { protocol: parsed.protocol, host: parsed.host };
    lastOrigin = origin;
  }
  return lastParts;
}

/** The scheme the client used: the connection's, or the trusted proxy's `X-Forwarded-Proto`. */
export function effectiveScheme(c: AnyRequest, options: PublicUrlOptions): "http" | "https" {
  const own = originOf(urlOf(c)).protocol === "https:" ? "https" : "http";
  if (!trusted(c, options.trustProxy)) return own;
  const forwarded = firstForwarded(c, "x-forwarded-proto")?.toLowerCase();
  return forwarded === "https" || forwarded === "http" ? forwarded : own;
}

/**
 * One spelling per host: lower case, no trailing dot on the name, no default port for `scheme`
 * (`Example.COM.:443` over https → `example.com`). Tokens carry the issuer built from it, so a
 * token obtained under one spelling verifies under every other.
 */
export function canonicalHost(host: string, scheme?: "http" | "https"): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  if (!m) return host.toLowerCase();
  const name = (m[1] as string).replace(/\.+$/, "");
  const port = m[2] === undefined ? undefined : String(Number(m[2]));
  const isDefault = (scheme === "http" && port === "80") || (scheme === "https" && port === "443");
  return port === undefined || isDefault ? name : `${name}:${port}`;
}

/** The host the client asked for (`Host`, or a trusted proxy's `X-Forwarded-Host`), canonical. */
export function requestedHost(c: AnyRequest, options: PublicUrlOptions): string {
  let host = originOf(urlOf(c)).host;
  if (trusted(c, options.trustProxy)) {
    const forwardedHost = firstForwarded(c, "x-forwarded-host");
    if (forwardedHost && VALID_HOST.test(forwardedHost)) host = forwardedHost;
  }
  return canonicalHost(host, effectiveScheme(c, options));
}

/**
 * Whether `host` (canonical) is one of `allowed`: an entry without a port allows that name on any
 * port; an entry with a port, only that port. Entries are compared in their canonical spelling.
 */
export function hostAllowed(host: string, allowed: readonly string[], scheme: "http" | "https"): boolean {
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : (host.split(":")[0] as string);
  return allowed.some((entry) => {
    const hasPort = /:\d+$/.test(entry) && !entry.endsWith("]");
    const e = canonicalHost(entry, scheme);
    return hasPort ? e === host : e === name;
  });
}

/** Base URL the client used (scheme, canonical host, port, prefix), without a trailing slash. */
export function publicBaseUrl(c: AnyRequest, options: PublicUrlOptions): string {
  if (options.publicUrl) return options.publicUrl;
  return `${effectiveScheme(c, options)}://${requestedHost(c, options)}${options.pathPrefix}`;
}

/**
 * The address of the client for per-address limits: the connection's peer, or, when that peer is
 * a trusted proxy (`trustProxy`), the right-most `X-Forwarded-For` entry that is not itself a
 * trusted proxy (entries further left can be forged by the client). `undefined` when the request
 * did not come through a Node server (in-process `app.request()`).
 */
export function clientAddress(c: AnyRequest, trustProxy: boolean | readonly string[]): string | undefined {
  const peer = remoteAddress(c)?.replace(/^::ffff:/, "");
  if (peer === undefined) return undefined;
  const isTrusted = (a: string) => trustProxy === true || (trustProxy !== false && trustProxy.includes(a));
  if (!isTrusted(peer)) return peer;
  const chain = (headerOf(c, "x-forwarded-for") ?? "")
    .split(",")
    .map((a) => a.trim().replace(/^::ffff:/, ""))
    .filter((a) => a !== "");
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i] as string;
    if (!isTrusted(hop)) return hop;
  }
  return chain[0] ?? peer;
}
