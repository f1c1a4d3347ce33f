import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt cost parameters. Defaults: N=16384, r=8, p=1 (about 50 ms per check). */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

const DEFAULT_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hashes a client secret as `scrypt$N$r$p$<salt b64url>$<hash b64url>`. */
export async function hashSecret(secret: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

/** Checks a secret against a {@link hashSecret} hash in constant time. A malformed hash never matches. */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parts = encoded.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4] as string, "base64url");
  const expected = Buffer.from(parts[5] as string, "base64url");
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(secret, salt, { N, r, p });
  return timingSafeEqual(actual, expected);
}
