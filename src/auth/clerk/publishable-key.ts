/**
 * Clerk Frontend API (FAPI) URLs: derived from a publishable key (`pk_test_…`/`pk_live_…`, the
 * base64 of `host$`) or given as a URL. Pure; never throws.
 */

/** Result of the parsers in this module: the FAPI URL (no trailing slash) or why it was refused. */
export type FapiUrlResult =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly reason: string };

const PUBLISHABLE_KEY = /^pk_(test|live)_([A-Za-z0-9+/_-]+={0,2})$/;
/** A DNS host name or IPv4 address with an optional port (what Clerk encodes in publishable keys). */
const HOST =
  /^(?=.{1,253}(:|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$/;

/** True for `localhost`, `127.0.0.0/8` and `::1`: hosts where plain `http://` is acceptable. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/**
 * The FAPI URL encoded in a Clerk publishable key: `pk_test_`/`pk_live_` + base64(`host$`) →
 * `https://host`. Refuses anything else (wrong prefix, bad base64, missing `$`, not a host name).
 */
export function frontendApiFromPublishableKey(key: string): FapiUrlResult {
  const m = PUBLISHABLE_KEY.exec(key.trim());
  if (!m) return { ok: false, reason: "expected pk_test_… or pk_live_… followed by base64" };
  // Node's base64 decoder accepts the standard and the URL-safe alphabet, padded or not.
  const decoded = Buffer.from(m[2] as string, "base64").toString("utf8");
  if (!decoded.endsWith("$")) return { ok: false, reason: "the decoded key does not end with '$'" };
  const host = decoded.slice(0, -1);
  if (!HOST.test(host)) return { ok: false, reason: "the decoded key is not a host name" };
  return { ok: true, url: `https://${host.toLowerCase()}` };
}

/**
 * Validates a configured FAPI URL: absolute `https://` URL (or `http://` for a loopback host, for
 * the emulator), no credentials, query or fragment. Returns it without a trailing slash.
 */
export function parseFrontendApiUrl(raw: string): FapiUrlResult {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { ok: false, reason: "not an absolute URL" };
  }
  if (u.protocol !== "https:" && u.protocol !== "http:")
    return { ok: false, reason: "the scheme must be https" };
  if (u.protocol === "http:" && !isLoopbackHost(u.hostname)) {
    return {
      ok: false,
      reason: "http:// is accepted only for loopback hosts (localhost, 127.0.0.1, ::1); use https://",
    };
  }
  if (u.username || u.password) return { ok: false, reason: "must not contain credentials" };
  if (u.search || u.hash || raw.includes("?") || raw.includes("#"))
    return { ok: false, reason: "must not have a query or fragment" };
  return { ok: true, url: `${u.origin}${u.pathname}`.replace(/\/+$/, "") };
}
