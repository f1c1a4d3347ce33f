/**
 * HTTP Basic client authentication for the token endpoint (RFC 6749 §2.3.1, RFC 7617). Pure;
 * never throws.
 */

/** Longest `Authorization` header accepted, in UTF-16 code units. */
export const MAX_BASIC_HEADER_LENGTH = 4096;

/** Result of {@link parseBasicCredentials}; `description` suits an OAuth `error_description`. */
export type BasicCredentials =
  | { readonly ok: true; readonly clientId: string; readonly clientSecret: string }
  | { readonly ok: false; readonly description: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fail(description: string): BasicCredentials {
  return { ok: false, description };
}

/** UTF-8 bytes → string, or `undefined` when the bytes are not valid UTF-8. */
function utf8(bytes: Buffer): string | undefined {
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : undefined;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/**
 * Decodes `%XX` sequences (UTF-8) and nothing else: a `+` stays a `+`. `undefined` when a `%`
 * is not followed by two hex digits or the result is not valid UTF-8.
 */
function percentDecode(s: string): string | undefined {
  if (!s.includes("%")) return s;
  const raw = Buffer.from(s, "utf8");
  const out = Buffer.alloc(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte !== 0x25) {
      out[n++] = byte;
      continue;
    }
    const hi = hexValue(raw[i + 1] ?? -1);
    const lo = hexValue(raw[i + 2] ?? -1);
    if (hi < 0 || lo < 0) return undefined;
    out[n++] = hi * 16 + lo;
    i += 2;
  }
  return utf8(out.subarray(0, n));
}

/**
 * Reads client credentials from an `Authorization: Basic …` header.
 *
 * The scheme is case-insensitive; the credentials must be strict, canonical base64 (padding
 * optional) of UTF-8 text `id:secret`, split at the first `:`. Both parts are then
 * percent-decoded as RFC 6749 §2.3.1 clients URL-encode them, except that a literal `+` stays
 * `+` (many clients do not encode at all, and secrets contain `+`). An empty client id is
 * refused; an empty secret is returned as such (the auth provider rejects it). Headers longer
 * than {@link MAX_BASIC_HEADER_LENGTH} are refused. Never throws.
 */
export function parseBasicCredentials(header: string | undefined): BasicCredentials {
  if (header === undefined || header.trim() === "")
    return fail("missing Authorization header with Basic credentials");
  if (header.length > MAX_BASIC_HEADER_LENGTH) {
    return fail(`Authorization header longer than ${MAX_BASIC_HEADER_LENGTH} characters`);
  }
  const match = /^[ \t]*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?:[ \t]+(.*?))?[ \t]*$/s.exec(header);
  if (match === null || match[1]!.toLowerCase() !== "basic") {
    return fail("Authorization header must use the Basic scheme");
  }
  const token = match[2] ?? "";
  if (token === "") return fail("Basic credentials are empty");
  if (!BASE64.test(token) || token.length % 4 === 1) return fail("Basic credentials are not valid base64");
  const unpadded = token.replace(/=+$/, "");
  const padded = unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4);
  if (token !== unpadded && token !== padded) return fail("Basic credentials are not valid base64");
  const bytes = Buffer.from(padded, "base64");
  if (bytes.toString("base64") !== padded) return fail("Basic credentials are not valid base64");
  const text = utf8(bytes);
  if (text === undefined) return fail("Basic credentials are not valid UTF-8");
  const colon = text.indexOf(":");
  if (colon < 0) return fail("Basic credentials must have the form client_id:client_secret");
  const clientId = percentDecode(text.slice(0, colon));
  const clientSecret = percentDecode(text.slice(colon + 1));
  if (clientId === undefined || clientSecret === undefined) {
    return fail(
      "Basic credentials contain an invalid percent-encoding (expected %XX with two hex digits, UTF-8)",
    );
  }
  if (clientId === "") return fail("Basic credentials have an empty client id");
  return { ok: true, clientId, clientSecret };
}

/** Percent-encodes every UTF-8 byte outside the RFC 3986 unreserved set `A-Za-z0-9-._~`. */
function percentEncode(s: string): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * Builds the `Authorization` header value for client credentials as RFC 6749 §2.3.1 asks:
 * each part percent-encoded (every byte outside `A-Za-z0-9-._~`, so `+`, `:`, `%` and spaces are
 * escaped and the header means the same to strict form-decoding servers and to
 * {@link parseBasicCredentials}), joined with `:`, base64-encoded, prefixed with `Basic `.
 * Lone UTF-16 surrogates are encoded as U+FFFD. Never throws.
 */
export function encodeBasicCredentials(clientId: string, clientSecret: string): string {
  const joined = `${percentEncode(clientId)}:${percentEncode(clientSecret)}`;
  return `Basic ${Buffer.from(joined, "utf8").toString("base64")}`;
}
