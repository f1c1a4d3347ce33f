import { constants, createHmac, sign as cryptoSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import {
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
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

// ---------------------------------------------------------------------------------------------
// The token attack set (test/security/token-attacks.test.ts): crafted bearer tokens for any
// auth mode, built from what an attacker can know (the public key, the issuer, a valid token).

/** What a token is expected to be taken for: `expired` only for genuine tokens past `exp`. */
export type AttackExpectation = "invalid" | "expired";

/** A crafted token and how the host must classify it. */
export interface AttackToken {
  readonly token: string;
  readonly expect: AttackExpectation;
}

/** What the attack set is built from. */
export interface AttackContext {
  /** `iss` the host requires. */
  readonly issuer: string;
  /** `aud` the host requires; absent when the mode does not check `aud` (Clerk's tokens). */
  readonly audience?: string;
  /** The other claims of a valid token (`sub`, `jti`, `sid`, …). */
  readonly claims: JWTPayload;
  /** `kid` of the host's current signing key. */
  readonly kid: string;
  /** The host's public key (as published in its JWKS). */
  readonly publicJwk: JWK;
  /** Signs claims with the host's (or its identity provider's) genuine key, standard header. */
  signGenuine(payload: JWTPayload): Promise<string>;
  /** The genuine private key, when the test has it: enables header tricks with a genuine signature. */
  readonly genuineKey?: KeyObject;
  /** A token the host accepts. */
  readonly valid: string;
  /** Base URL of a loopback "attacker" server for `jku`/`x5u`/`kid` URLs (it must never be called). */
  readonly attackerUrl: string;
  /** Clock of the host, in seconds. */
  readonly nowSeconds: number;
}

const rawB64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** Signs a raw header and payload text (any JSON, even invalid or with duplicate keys). */
export function signRaw(
  header: string,
  payload: string,
  alg: "RS256" | "RS512" | "PS256" | "ES256" | "HS256" | "HS512",
  key: KeyObject | Uint8Array,
): string {
  const input = `${rawB64(header)}.${rawB64(payload)}`;
  let sig: Buffer;
  if (alg.startsWith("HS")) {
    sig = createHmac(alg === "HS256" ? "sha256" : "sha512", key as Uint8Array)
      .update(input)
      .digest();
  } else if (alg === "PS256") {
    sig = cryptoSign("sha256", Buffer.from(input), {
      key: key as KeyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
  } else if (alg === "ES256") {
    sig = cryptoSign("sha256", Buffer.from(input), { key: key as KeyObject, dsaEncoding: "ieee-p1363" });
  } else {
    sig = cryptoSign(alg === "RS512" ? "sha512" : "sha256", Buffer.from(input), key as KeyObject);
  }
  return `${input}.${sig.toString("base64url")}`;
}

/**
 * At least 30 crafted tokens (more when the genuine key is at hand): algorithm confusion, foreign
 * keys, `kid`/`jku`/`x5u`/`jwk`/`x5c` tricks, tampering, claim violations signed with the genuine
 * key, encoding tricks, duplicate JSON keys, oversize. Every one must be refused as `invalid`,
 * except the genuine expired ones (`expired`).
 */
export async function attackTokens(ctx: AttackContext): Promise<Record<string, AttackToken>> {
  const { issuer, kid, nowSeconds: now } = ctx;
  const base: JWTPayload = {
    ...ctx.claims,
    iss: issuer,
    ...(ctx.audience !== undefined ? { aud: ctx.audience } : {}),
    iat: now,
    exp: now + 600,
  };
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const attackerJwk = { ...rsa.publicKey.export({ format: "jwk" }), kid: "attacker", alg: "RS256" };
  const publicPem = await exportSPKI(
    (await importJWK({ ...ctx.publicJwk, alg: "RS256" }, "RS256")) as CryptoKey,
  );
  const json = (v: unknown) => JSON.stringify(v);
  const other = (header: Record<string, unknown>, payload: JWTPayload = base) =>
    signRaw(json({ alg: "RS256", ...header }), json(payload), "RS256", rsa.privateKey);
  const [h, p, s] = ctx.valid.split(".") as [string, string, string];
  const validPayload = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as JWTPayload;
  const second = (await ctx.signGenuine({ ...base, sub: `${String(base.sub)}-other`, jti: "second" })).split(
    ".",
  );
  const bad = (token: string): AttackToken => ({ token, expect: "invalid" });
  const genuine = async (payload: JWTPayload) => bad(await ctx.signGenuine(payload));
  const withoutSub: JWTPayload = { ...base };
  delete withoutSub.sub;
  const withoutExp: JWTPayload = { ...base };
  delete withoutExp.exp;
  const attacker = `${ctx.attackerUrl}/jwks.json`;

  const set: Record<string, AttackToken> = {
    garbage: bad("invalid-access-token"),
    onlyDots: bad(".."),
    twoSegments: bad(`${h}.${p}`),
    signatureStripped: bad(`${h}.${p}.`),
    fourSegments: bad(`${ctx.valid}.${s}`),
    jweShaped: bad(`${h}.${p}.${s}.${s}.${s}`),
    truncated: bad(ctx.valid.slice(0, -5)),
    nonBase64Segments: bad("!!!.@@@.###"),
    tildeSegments: bad("~~~~.~~~~.~~~~"),
    jsonNotJwt: bad(json({ alg: "none", sub: base.sub })),
    algNone: bad(`${rawB64(json({ alg: "none", kid }))}.${rawB64(json(base))}.`),
    algNoneMixedCase: bad(`${rawB64(json({ alg: "nOnE", kid }))}.${rawB64(json(base))}.`),
    algNoneWithValidSignature: bad(`${rawB64(json({ alg: "none", kid }))}.${p}.${s}`),
    hs256WithPublicKeyPem: bad(
      signRaw(json({ alg: "HS256", kid }), json(base), "HS256", new Uint8Array(Buffer.from(publicPem))),
    ),
    hs256WithPublicJwk: bad(
      signRaw(
        json({ alg: "HS256", kid }),
        json(base),
        "HS256",
        new Uint8Array(Buffer.from(json(ctx.publicJwk))),
      ),
    ),
    hs512WithPublicKeyPem: bad(
      signRaw(json({ alg: "HS512", kid }), json(base), "HS512", new Uint8Array(Buffer.from(publicPem))),
    ),
    otherKeyOurKid: bad(other({ kid })),
    otherKeyUnknownKid: bad(other({ kid: "unknown-kid" })),
    otherKeyNoKid: bad(other({})),
    ps256OtherKeyOurKid: bad(signRaw(json({ alg: "PS256", kid }), json(base), "PS256", rsa.privateKey)),
    es256OtherKeyOurKid: bad(signRaw(json({ alg: "ES256", kid }), json(base), "ES256", ec.privateKey)),
    kidPathTraversal: bad(other({ kid: "../../../../../../../dev/null" })),
    kidUrl: bad(other({ kid: attacker })),
    kidSqlInjection: bad(other({ kid: "' OR '1'='1' --" })),
    kidEmpty: bad(other({ kid: "" })),
    kidNotAString: bad(other({ kid: 1 })),
    kidOurWithNulByte: bad(other({ kid: `${kid}\u0000` })),
    jkuAttacker: bad(other({ kid: "attacker", jku: attacker })),
    jkuOurKid: bad(other({ kid, jku: attacker })),
    x5uAttacker: bad(other({ kid: "attacker", x5u: `${ctx.attackerUrl}/cert.pem` })),
    jwkEmbedded: bad(other({ kid: "attacker", jwk: attackerJwk })),
    jwkEmbeddedOurKid: bad(other({ kid, jwk: { ...attackerJwk, kid } })),
    x5cForeignCertificate: bad(other({ kid, x5c: [Buffer.from("not a certificate").toString("base64")] })),
    tamperedPayload: bad(`${h}.${rawB64(json({ ...validPayload, sub: "admin", exp: now + 99_999 }))}.${s}`),
    tamperedHeader: bad(`${rawB64(json({ alg: "RS256", kid, typ: "JWT", x: 1 }))}.${p}.${s}`),
    swappedSignature: bad(`${h}.${p}.${second[2]}`),
    duplicateAlgHeader: bad(`${rawB64(`{"alg":"RS256","kid":${json(kid)},"alg":"none"}`)}.${p}.`),
    duplicateSubPayload: bad(`${h}.${rawB64(`${json(validPayload).slice(0, -1)},"sub":"admin"}`)}.${s}`),
    expiredForged: bad(other({ kid }, { ...base, iat: now - 7200, exp: now - 3600 })),
    wrongIssuer: await genuine({ ...base, iss: "https://evil.example" }),
    issuerTrailingSlash: await genuine({ ...base, iss: `${issuer}/` }),
    issuerOtherScheme: await genuine({
      ...base,
      iss: issuer.startsWith("https:")
        ? issuer.replace(/^https:/, "http:")
        : issuer.replace(/^http:/, "https:"),
    }),
    missingSub: await genuine(withoutSub),
    emptySub: await genuine({ ...base, sub: "" }),
    missingExp: await genuine(withoutExp),
    expNotANumber: bad(await ctx.signGenuine({ ...base, exp: String(now + 600) as unknown as number })),
    notYetValid: await genuine({ ...base, nbf: now + 3600 }),
    issuedFarInFuture: await genuine({ ...base, iat: now + 365 * 86_400, exp: now + 366 * 86_400 }),
    expiredWrongIssuer: await genuine({
      ...base,
      iss: "https://evil.example",
      iat: now - 7200,
      exp: now - 3600,
    }),
    oversize100KB: await genuine({ ...base, pad: "A".repeat(100 * 1024) }),
    expiredGenuine: {
      token: await ctx.signGenuine({ ...base, iat: now - 7200, exp: now - 3600 }),
      expect: "expired",
    },
    expiredGenuineJustNow: {
      token: await ctx.signGenuine({ ...base, iat: now - 3600, exp: now - 60 }),
      expect: "expired",
    },
  };
  if (ctx.audience !== undefined) {
    set.wrongAudience = await genuine({ ...base, aud: "https://someone-else.example" });
    set.audienceArrayWithoutUs = await genuine({ ...base, aud: ["https://a.example", "https://b.example"] });
  }
  if (ctx.genuineKey) {
    const key = ctx.genuineKey;
    const g = (
      header: Record<string, unknown>,
      payload: JWTPayload = base,
      alg: "RS256" | "RS512" = "RS256",
    ) => bad(signRaw(json({ alg, ...header }), json(payload), alg, key));
    set.genuineKeyRs512 = g({ kid }, base, "RS512");
    set.genuineKeyNoKid = g({});
    set.genuineKeyUnknownCrit = g({ kid, crit: ["x-attack"], "x-attack": true });
    set.genuineKeyUnencodedPayload = g({ kid, b64: false, crit: ["b64"] });
    set.genuineKeyJkuElsewhere = bad(
      signRaw(json({ alg: "RS256", kid: "attacker", jku: attacker }), json(base), "RS256", key),
    );
  }
  return set;
}
