import { createHmac, timingSafeEqual } from "node:crypto";

const MAC_BYTES = 16;

/**
 * Opaque, tamper-evident page tokens: `base64url(position) "." base64url(mac)` where the MAC is
 * HMAC-SHA256 over the listing scope (route + filter query) and the position. A token only decodes
 * for the listing it came from. Tokens do not expire: keyset positions stay meaningful.
 */
export class PageTokens {
  readonly #key: Buffer;

  /** @param key HMAC key (≥ 32 random bytes, shared by every instance that serves the same data). */
  constructor(key: Buffer) {
    if (key.length < 32) throw new RangeError("page token key must be at least 32 bytes");
    this.#key = key;
  }

  #mac(scope: string, position: string): Buffer {
    return createHmac("sha256", this.#key)
      .update(scope)
      .update("\n")
      .update(position)
      .digest()
      .subarray(0, MAC_BYTES);
  }

  /** Encodes `position` for the listing identified by `scope` (e.g. route + canonical filter). */
  encode(scope: string, position: string): string {
    return `${Buffer.from(position).toString("base64url")}.${this.#mac(scope, position).toString("base64url")}`;
  }

  /** Decodes a token minted by {@link encode} for the same scope; undefined if forged, garbled or from another listing. */
  decode(scope: string, token: string): string | undefined {
    if (token.length > 1024) return undefined;
    const dot = token.indexOf(".");
    if (dot <= 0) return undefined;
    const position = Buffer.from(token.slice(0, dot), "base64url").toString("utf8");
    const mac = Buffer.from(token.slice(dot + 1), "base64url");
    if (mac.length !== MAC_BYTES) return undefined;
    return timingSafeEqual(mac, this.#mac(scope, position)) ? position : undefined;
  }
}
