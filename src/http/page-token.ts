import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Opaque, tamper-evident page tokens: a store position bound to the listing (route + filter query)
 * it came from, signed with HMAC-SHA256. They do not expire: keyset positions stay meaningful.
 */
export class PageTokens {
  readonly #key: Buffer;

  /** @param key HMAC key (≥ 32 random bytes, shared by every instance that serves the same data). */
  constructor(key: Buffer) {
    if (key.length < 32) throw new RangeError("page token key must be at least 32 bytes");
    this.#key = key;
  }

  #mac(payload: string): Buffer {
    return createHmac("sha256", this.#key).update(payload).digest().subarray(0, 16);
  }

  /** Encodes `position` for the listing identified by `scope` (e.g. route + canonical filter). */
  encode(scope: string, position: string): string {
    const payload = Buffer.from(JSON.stringify([scopeHash(scope), position])).toString("base64url");
    return `${payload}.${this.#mac(payload).toString("base64url")}`;
  }

  /** Decodes a token minted by {@link encode} for the same scope; undefined if forged, garbled or from another listing. */
  decode(scope: string, token: string): string | undefined {
    if (token.length > 2048) return undefined;
    const dot = token.indexOf(".");
    if (dot <= 0) return undefined;
    const payload = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), "base64url");
    const expected = this.#mac(payload);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== scopeHash(scope) || typeof parsed[1] !== "string") {
      return undefined;
    }
    return parsed[1];
  }
}

function scopeHash(scope: string): string {
  return createHash("sha256").update(scope).digest("base64url").slice(0, 16);
}
