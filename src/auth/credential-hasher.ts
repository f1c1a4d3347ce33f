import { createHmac, randomBytes } from "node:crypto";

/** HMAC-SHA256 fingerprints of credentials with a key that never leaves the process. */
export class CredentialHasher {
  readonly #key: Buffer;

  /** @param key HMAC key. Default: 32 random bytes, new for every process. */
  constructor(key: Buffer = randomBytes(32)) {
    this.#key = key;
  }

  /** Fingerprint of the parts (length-prefixed, so `("ab","c")` and `("a","bc")` differ), base64url. */
  fingerprint(...parts: readonly string[]): string {
    const h = createHmac("sha256", this.#key);
    for (const p of parts) {
      const bytes = Buffer.from(p, "utf8");
      h.update(`${bytes.length}:`);
      h.update(bytes);
    }
    return h.digest("base64url");
  }
}
