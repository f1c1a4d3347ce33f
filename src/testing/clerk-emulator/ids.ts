/** Clerk-style identifiers: a prefix plus 27 base62 characters (like `user_2xMv7P…`). */
import { createHash, randomBytes } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ID_LENGTH = 27;

function base62(bytes: Uint8Array, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) {
    // 62 * 4 = 248 < 256: rejecting bytes >= 248 keeps the alphabet uniform.
    const byte = bytes[i % bytes.length] ?? 0;
    const value = (byte + Math.floor(i / bytes.length) * 7) % 256;
    if (value < 248) out += BASE62[value % 62];
  }
  return out;
}

/** A random id such as `sess_2…` (prefix without the underscore). */
export function randomId(prefix: string): string {
  return `${prefix}_${base62(randomBytes(48), ID_LENGTH)}`;
}

/** A stable id derived from `seed` (same seed, same id across runs). */
export function stableId(prefix: string, seed: string): string {
  return `${prefix}_${base62(createHash("sha512").update(seed).digest(), ID_LENGTH)}`;
}

/** A Clerk trace id (32 hex characters) for error envelopes. */
export function traceId(): string {
  return randomBytes(16).toString("hex");
}

/** An opaque random token (base64url). */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}
