/**
 * Our own RS256 access tokens for a verified Clerk identity (`issue` mode), signed and verified
 * like the built-in issuer's (same key ring, `kid`, `iss`, `aud`, `iat`, `exp`, `jti`), carrying
 * the Clerk user id as `sub`, the Clerk session id as `sid` and the organization as `org_id` and
 * `org_role`. Verification is local: it never calls Clerk.
 */
import { randomUUID } from "node:crypto";
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { KeyRing } from "../local/keyring.ts";

/** What an issued token says about the caller. */
export interface IssuedIdentity {
  /** Clerk user id (`user_…`), the token's `sub`. */
  readonly userId: string;
  /** Clerk session id (`sess_…`), the token's `sid`. */
  readonly sessionId: string;
  readonly organizationId?: string;
  /** Short role (`admin`). */
  readonly organizationRole?: string;
}

/** Where and when a token is minted or checked. */
export interface IssuedTokenContext {
  readonly keys: KeyRing;
  readonly issuer: string;
  readonly audience: string;
  /** ms since the epoch. */
  readonly now: number;
}

/** How far in the future an `iat` may lie before the token is refused (as the built-in issuer). */
const MAX_IAT_SKEW_MS = 60_000;

const MAX_TOKEN_LENGTH = 8192;

/** Signs a token valid for `ttlSeconds` from `context.now`. */
export function mintIssuedToken(
  identity: IssuedIdentity,
  ttlSeconds: number,
  context: IssuedTokenContext,
): Promise<string> {
  const nowSeconds = Math.floor(context.now / 1000);
  const key = context.keys.current;
  return new SignJWT({
    sid: identity.sessionId,
    ...(identity.organizationId ? { org_id: identity.organizationId } : {}),
    ...(identity.organizationId && identity.organizationRole ? { org_role: identity.organizationRole } : {}),
  })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setIssuer(context.issuer)
    .setSubject(identity.userId)
    .setAudience(context.audience)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

export type IssuedVerifyResult =
  | { readonly ok: true; readonly identity: IssuedIdentity; readonly expiresAt: number }
  | { readonly ok: false; readonly reason: "invalid" | "expired"; readonly detail: string };

/** Verifies a token minted by {@link mintIssuedToken}; never throws. */
export async function verifyIssuedToken(
  token: string,
  context: IssuedTokenContext,
): Promise<IssuedVerifyResult> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH)
    return { ok: false, reason: "invalid", detail: "token length out of bounds" };
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    kid = typeof header.kid === "string" ? header.kid : undefined;
  } catch {
    return { ok: false, reason: "invalid", detail: "token is not a JWS" };
  }
  const key = kid ? context.keys.find(kid) : undefined;
  if (!key) return { ok: false, reason: "invalid", detail: "unknown or missing kid" };
  try {
    const { payload } = await jwtVerify(token, key.publicJwk, {
      algorithms: ["RS256"],
      issuer: context.issuer,
      audience: context.audience,
      requiredClaims: ["sub", "exp", "iat", "jti", "sid"],
      currentDate: new Date(context.now),
      clockTolerance: 0,
    });
    if ((payload.iat as number) * 1000 > context.now + MAX_IAT_SKEW_MS) {
      return { ok: false, reason: "invalid", detail: "token issued in the future" };
    }
    if (
      typeof payload.sub !== "string" ||
      payload.sub === "" ||
      typeof payload.sid !== "string" ||
      payload.sid === ""
    )
      return { ok: false, reason: "invalid", detail: "bad sub or sid" };
    const orgId = typeof payload.org_id === "string" && payload.org_id !== "" ? payload.org_id : undefined;
    const role =
      typeof payload.org_role === "string" && payload.org_role !== "" ? payload.org_role : undefined;
    return {
      ok: true,
      identity: {
        userId: payload.sub,
        sessionId: payload.sid,
        ...(orgId ? { organizationId: orgId } : {}),
        ...(orgId && role ? { organizationRole: role } : {}),
      },
      expiresAt: (payload.exp as number) * 1000,
    };
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired)
      return { ok: false, reason: "expired", detail: "token has expired" };
    return {
      ok: false,
      reason: "invalid",
      detail: e instanceof joseErrors.JOSEError ? e.code : "verification failed",
    };
  }
}
