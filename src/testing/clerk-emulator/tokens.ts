/** Claims of session tokens (v1 and v2) and of JWT-template tokens. Signing is done by the KeyRing. */
import type { JWTPayload } from "jose";
import type { MembershipRecord, UserRecord } from "./config.ts";
import { randomToken } from "./ids.ts";
import type { SessionRecord } from "./state.ts";
import type { JwtTemplate, JwtTemplateContext } from "./types.ts";

/**
 * Clerk's token categories, in the JWT header `cat`: session tokens, JWT-template tokens and
 * machine (M2M) tokens are signed by the same instance key and told apart by it.
 */
export const TOKEN_CATEGORIES = {
  session: "cl_B7d4PD111AAA",
  template: "cl_B7d4PD222AAA",
  machine: "cl_B7d4PD333AAA",
} as const;

/** Who and what a token is for. */
export interface TokenSubject {
  readonly user: UserRecord;
  readonly session: SessionRecord;
  /** Membership of the organization the token is for, or `null` (personal account). */
  readonly membership: MembershipRecord | null;
  readonly issuer: string;
  /** `azp`, or `null` to omit. */
  readonly azp: string | null;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

/** Timing of a token: lifetime and allowed clock skew (`nbf` = `iat` − skew), in seconds. */
export interface TokenTiming {
  readonly lifetimeSeconds: number;
  readonly allowedClockSkewSeconds: number;
}

function baseClaims(s: TokenSubject, timing: TokenTiming): JWTPayload {
  const iat = Math.floor(s.now / 1000);
  return {
    iss: s.issuer,
    sub: s.user.id,
    iat,
    nbf: iat - timing.allowedClockSkewSeconds,
    exp: iat + timing.lifetimeSeconds,
    ...(s.azp === null ? {} : { azp: s.azp }),
  };
}

/** `fva`: minutes since the first and second factor were verified (−1: no second factor). */
function factorVerificationAge(s: TokenSubject): [number, number] {
  return [Math.max(0, Math.floor((s.now - s.session.firstFactorAt) / 60000)), -1];
}

/** `org:admin` → `admin` (v2 drops the `org:` prefix). */
export function shortRole(role: string): string {
  return role.startsWith("org:") ? role.slice(4) : role;
}

/**
 * v2 permission encoding: permissions `org:<feature>:<permission>` become `fea` (`o:<feature>,…`),
 * `o.per` (distinct permission names, comma-separated) and `o.fpm` (per feature, a bitmask over
 * `per` with bit i = `per[i]`), as Clerk's SDKs decode them.
 */
export function encodePermissions(permissions: readonly string[]): { fea: string; per: string; fpm: string } {
  const features: string[] = [];
  const names: string[] = [];
  const pairs: [string, string][] = [];
  for (const p of permissions) {
    const parts = p.split(":");
    if (parts.length !== 3 || parts[0] !== "org") continue;
    const feature = parts[1] ?? "";
    const name = parts[2] ?? "";
    if (!features.includes(feature)) features.push(feature);
    if (!names.includes(name)) names.push(name);
    pairs.push([feature, name]);
  }
  const masks = features.map((f) =>
    pairs.filter(([pf]) => pf === f).reduce((mask, [, name]) => mask | (1 << names.indexOf(name)), 0),
  );
  return { fea: features.map((f) => `o:${f}`).join(","), per: names.join(","), fpm: masks.join(",") };
}

/** Claims of a session token in Clerk's v1 or v2 format. */
export function sessionTokenClaims(s: TokenSubject, timing: TokenTiming, version: 1 | 2): JWTPayload {
  const claims: JWTPayload = { ...baseClaims(s, timing), sid: s.session.id, fva: factorVerificationAge(s) };
  const m = s.membership;
  if (version === 1) {
    if (m) {
      claims.org_id = m.organization.id;
      claims.org_role = m.role;
      claims.org_slug = m.organization.slug;
      claims.org_permissions = [...m.permissions];
    }
    return claims;
  }
  claims.sts = "active";
  claims.v = 2;
  if (m) {
    const { fea, per, fpm } = encodePermissions(m.permissions);
    // `per`/`fpm`/`fea` only when there are custom permissions: decoders split them on ",".
    claims.o = {
      id: m.organization.id,
      rol: shortRole(m.role),
      slg: m.organization.slug,
      ...(per ? { per, fpm } : {}),
    };
    if (fea) claims.fea = fea;
  }
  return claims;
}

/** The context handed to template claim functions and shortcodes. */
export function templateContext(s: TokenSubject): JwtTemplateContext {
  const m = s.membership;
  return {
    userId: s.user.id,
    sessionId: s.session.id,
    primaryEmail: s.user.emails[0]?.address ?? null,
    username: s.user.username,
    organization: m
      ? {
          id: m.organization.id,
          slug: m.organization.slug,
          name: m.organization.name,
          role: m.role,
          permissions: [...m.permissions],
        }
      : null,
  };
}

function shortcodeValue(name: string, ctx: JwtTemplateContext, user: UserRecord): unknown {
  const org = ctx.organization;
  const values: Record<string, unknown> = {
    "user.id": ctx.userId,
    "user.primary_email_address": ctx.primaryEmail,
    "user.username": ctx.username,
    "user.first_name": user.firstName,
    "user.last_name": user.lastName,
    "session.id": ctx.sessionId,
    "org.id": org?.id ?? null,
    "org.slug": org?.slug ?? null,
    "org.name": org?.name ?? null,
    "org.role": org?.role ?? null,
    "org.permissions": org ? [...org.permissions] : null,
  };
  return values[name] ?? null;
}

const WHOLE = /^\{\{\s*([\w.]+)\s*\}\}$/;
const ANY = /\{\{\s*([\w.]+)\s*\}\}/g;

function substitute(value: unknown, ctx: JwtTemplateContext, user: UserRecord): unknown {
  if (typeof value === "string") {
    const whole = WHOLE.exec(value);
    if (whole) return shortcodeValue(whole[1] ?? "", ctx, user);
    return value.replace(ANY, (_, name: string) => {
      const v = shortcodeValue(name, ctx, user);
      return v === null ? "" : String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, ctx, user));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ctx, user)]));
  }
  return value;
}

/** Claims of a JWT-template token: custom claims, then Clerk's default claims (which win). */
export function templateTokenClaims(
  s: TokenSubject,
  template: JwtTemplate,
  defaultSkewSeconds: number,
): JWTPayload {
  const ctx = templateContext(s);
  const custom =
    typeof template.claims === "function"
      ? template.claims(ctx)
      : substitute(template.claims ?? {}, ctx, s.user);
  const timing: TokenTiming = {
    lifetimeSeconds: template.lifetimeSeconds ?? 60,
    allowedClockSkewSeconds: template.allowedClockSkewSeconds ?? defaultSkewSeconds,
  };
  return { ...(custom as Record<string, unknown>), ...baseClaims(s, timing), jti: randomToken(10) };
}
