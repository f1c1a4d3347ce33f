import {
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { loadKeyRing } from "../../src/auth/local/keyring.ts";

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** Tokens an attacker could craft against a server whose data directory is `dataDir`. */
export async function forgedTokens(
  dataDir: string,
  baseUrl: string,
  validToken: string,
): Promise<Record<string, string>> {
  const ring = await loadKeyRing({ dataDir });
  const kid = ring.current.kid;
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = { iss: baseUrl, aud: baseUrl, sub: "hello", iat: now, exp: now + 600, jti: "x" };
  const sign = (payload: JWTPayload, header: Record<string, unknown> = {}) =>
    new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid, ...header }).sign(ring.current.privateKey);
  const other = await generateKeyPair("RS256");
  const publicPem = await exportSPKI((await importJWK(ring.current.publicJwk, "RS256")) as CryptoKey);
  const [h, p, s] = validToken.split(".") as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, "base64url").toString()) as JWTPayload;
  return {
    garbage: "invalid-access-token",
    algNone: `${b64({ alg: "none", kid })}.${b64(claims)}.`,
    hs256WithPublicKey: await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", kid })
      .sign(new Uint8Array(Buffer.from(publicPem))),
    tamperedPayload: `${h}.${b64({ ...payload, sub: "transport_service_user", exp: now + 99999 })}.${s}`,
    unknownKid: await new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "unknown-kid" })
      .sign(other.privateKey),
    otherKeyOurKid: await new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid })
      .sign(other.privateKey),
    wrongIssuer: await sign({ ...claims, iss: "https://evil.example" }),
    wrongAudience: await sign({ ...claims, aud: "someone-else" }),
    missingSub: await sign({ iss: baseUrl, aud: baseUrl, iat: now, exp: now + 600, jti: "x" }),
    unknownClient: await sign({ ...claims, sub: "mallory" }),
    futureIat: await sign({ ...claims, iat: now + 3600, exp: now + 7200 }),
    jwkHeader: await new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "attacker", jwk: await exportJWK(other.publicKey) })
      .sign(other.privateKey),
    truncated: validToken.slice(0, -5),
    expiredForged: await new SignJWT({ ...claims, exp: now - 10 })
      .setProtectedHeader({ alg: "RS256", kid })
      .sign(other.privateKey),
  };
}

/** A token signed with the server's own key whose `exp` has passed (a real, expired token). */
export async function expiredToken(dataDir: string, baseUrl: string): Promise<string> {
  const ring = await loadKeyRing({ dataDir });
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: "expired" })
    .setProtectedHeader({ alg: "RS256", kid: ring.current.kid })
    .setIssuer(baseUrl)
    .setAudience(baseUrl)
    .setSubject("hello")
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600)
    .sign(ring.current.privateKey);
}
