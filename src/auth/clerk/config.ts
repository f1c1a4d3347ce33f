/**
 * Configuration of the Clerk auth provider, read from environment variables (the names are part of
 * the product's contract). Only the composition root passes the environment in.
 */
import { createPublicKey } from "node:crypto";
import { ConfigError } from "../../config/load.ts";
import { DATA_KINDS, type DataKind } from "../principal.ts";
import { shortRole } from "./claims.ts";
import { frontendApiFromPublishableKey, parseFrontendApiUrl } from "./publishable-key.ts";

/** What the token endpoint hands out after a successful Clerk sign-in. */
export type ClerkTokenMode = "issue" | "clerk";

/** The validated Clerk settings. Built by {@link loadClerkConfig}; every field states its env name and default. */
export interface ClerkConfig {
  /**
   * Clerk Frontend API URL without trailing slash, e.g. `https://clerk.example.com`; also the `iss`
   * of Clerk's tokens. Env `ILEAP_CLERK_FRONTEND_API` (https, or http for loopback hosts only), else
   * derived from `CLERK_PUBLISHABLE_KEY`. Required.
   */
  readonly frontendApi: string;
  /**
   * PEM public key of the Clerk instance ("JWKS Public Key" in the dashboard) to verify Clerk tokens
   * without fetching the JWKS. Default: none (the JWKS is fetched from `{frontendApi}/.well-known/jwks.json`).
   * Env `CLERK_JWT_KEY` (`\n` escapes are accepted).
   */
  readonly jwtKey?: string;
  /**
   * Organization id (`org_…`; slugs can be renamed, so they are not accepted) activated after every
   * sign-in unless the request names another accepted one in the form field `organization_id`; the
   * only organization whose role can grant host admin ({@link adminRole}). Default: none.
   * Env `ILEAP_CLERK_ORGANIZATION_ID`.
   */
  readonly organizationId?: string;
  /**
   * Every organization the host accepts: {@link organizationId} plus `ILEAP_CLERK_ORGANIZATIONS`
   * (comma list of `org_…` ids). A token request's `organization_id` may only pick one of them;
   * when it is not empty, every token must be for one of them. Default: none.
   */
  readonly organizations: ReadonlySet<string>;
  /**
   * Organization role (`org:admin` or `admin`; stored in the short form) whose holders in
   * {@link organizationId} are host admins (admin API). Default: none. Env `ILEAP_CLERK_ADMIN_ROLE`.
   */
  readonly adminRole?: string;
  /** Clerk user ids (`user_…`) that are host admins. Default: none. Env `ILEAP_CLERK_ADMIN_USERS` (comma list). */
  readonly adminUsers: ReadonlySet<string>;
  /**
   * `issue` (default): mint our own RS256 token from the verified Clerk identity. `clerk`: return
   * Clerk's JWT (session or template token) and verify Clerk tokens. Env `ILEAP_CLERK_TOKEN_MODE`.
   */
  readonly tokenMode: ClerkTokenMode;
  /**
   * JWT template whose token is returned in `clerk` mode instead of the 60-second session token.
   * A failure to get it fails the token request. Default: none. Env `ILEAP_CLERK_JWT_TEMPLATE`.
   */
  readonly jwtTemplate?: string;
  /**
   * The `aud` claim the JWT template emits (set it in the template's claims, e.g.
   * `{"aud": "ileap", "org_id": "{{org.id}}", "org_role": "{{org.role}}"}`); `clerk` mode accepts only
   * template tokens with it. Required with {@link jwtTemplate}. Env `ILEAP_CLERK_JWT_TEMPLATE_AUDIENCE`.
   */
  readonly jwtTemplateAudience?: string;
  /**
   * `clerk` mode: accept tokens of every user of the Clerk instance (e.g. browser sessions of the
   * customer's app), not only of users who got their token from our token endpoint. Default
   * `false`. Env `ILEAP_CLERK_ACCEPT_ANY_USER`.
   */
  readonly acceptAnyUser: boolean;
  /** Timeout of every call to Clerk, in ms. Default 5000. Env `ILEAP_CLERK_TIMEOUT_MS`. */
  readonly timeoutMs: number;
  /** Data kinds every Clerk principal may read. Default all. Env `ILEAP_CLERK_GRANTS` (`*` or a comma list). */
  readonly grants: ReadonlySet<DataKind>;
  /** Tolerance for `exp`, `nbf` and `iat` of Clerk tokens, in seconds. Default 5. Env `ILEAP_CLERK_CLOCK_SKEW_SECONDS`. */
  readonly clockSkewSeconds: number;
  /**
   * Origins accepted in the `azp` claim of Clerk tokens (a token without `azp` passes, as in Clerk's
   * SDKs). Default: none, no check. Env `ILEAP_CLERK_AUTHORIZED_PARTIES` (comma list of origins).
   */
  readonly authorizedParties: readonly string[];
  /**
   * Consecutive failed sign-ins per Clerk user (per identifier until the user is known) after which
   * we answer 429 without calling Clerk, until a sign-in with the last known-good credential or an
   * operator unlock (`ileap clerk unlock`); no time window (Clerk's own lockout, 10 failures, does
   * not decay either). 1 to 9. Default 5. Env `ILEAP_CLERK_MAX_FAILED_ATTEMPTS`.
   */
  readonly maxFailedAttempts: number;
  /** Entries of the per-credential token cache; 0 turns the cache off. Default 10000. Env `ILEAP_CLERK_CACHE_SIZE`. */
  readonly cacheSize: number;
  /**
   * A cached token is served while it has at least this many seconds left (at most half its
   * lifetime). Default 300. Env `ILEAP_CLERK_CACHE_MIN_REMAINING_SECONDS`.
   */
  readonly cacheMinRemainingSeconds: number;
  /**
   * `clerk` mode: how long a Clerk session, once signed in, is used to get fresh tokens
   * (`POST /v1/client/sessions/{sid}/tokens`) for the same credentials instead of signing in again,
   * in seconds; 0 signs in for every new token. Default 3600. Env `ILEAP_CLERK_SESSION_REUSE_SECONDS`.
   */
  readonly sessionReuseSeconds: number;
  /** Least time between two JWKS fetches caused by an unknown `kid`, in seconds. Default 30. Env `ILEAP_CLERK_JWKS_COOLDOWN_SECONDS`. */
  readonly jwksCooldownSeconds: number;
  /** How long a fetched JWKS is used before it is fetched again, in seconds. Default 3600. Env `ILEAP_CLERK_JWKS_CACHE_SECONDS`. */
  readonly jwksCacheSeconds: number;
  /**
   * Sign-ins this host starts at most per window, in this process or, with the database state, in
   * the whole cluster (Clerk limits sign-ins per IP address: 5 per 10 s). One of them is kept for
   * credentials known to work, so guessing cannot use the whole budget. `undefined` = no budget.
   * Default 5 per 10 s. Env `ILEAP_CLERK_SIGN_IN_BUDGET` (`5/10`: sign-ins/seconds; `0`: off).
   */
  readonly signInBudget: { readonly max: number; readonly windowSeconds: number } | undefined;
  /** `Retry-After` sent with 503 when Clerk is unreachable and gave none, in seconds. Default 5. Env `ILEAP_CLERK_RETRY_AFTER_SECONDS`. */
  readonly retryAfterSeconds: number;
}

/** Defaults of {@link ClerkConfig} (the documented values). */
export const CLERK_CONFIG_DEFAULTS = {
  tokenMode: "issue",
  timeoutMs: 5000,
  clockSkewSeconds: 5,
  maxFailedAttempts: 5,
  cacheSize: 10_000,
  cacheMinRemainingSeconds: 300,
  sessionReuseSeconds: 3600,
  jwksCooldownSeconds: 30,
  jwksCacheSeconds: 3600,
  retryAfterSeconds: 5,
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function frontendApi(env: Env): string {
  const url = read(env, "ILEAP_CLERK_FRONTEND_API");
  const key = read(env, "CLERK_PUBLISHABLE_KEY");
  const fromUrl = url === undefined ? undefined : parseFrontendApiUrl(url);
  if (fromUrl && !fromUrl.ok) {
    throw new ConfigError(
      `ILEAP_CLERK_FRONTEND_API: ${fromUrl.reason} (expected e.g. https://clerk.example.com), got ${JSON.stringify(url)}`,
    );
  }
  const fromKey = key === undefined ? undefined : frontendApiFromPublishableKey(key);
  if (fromKey && !fromKey.ok) {
    throw new ConfigError(
      `CLERK_PUBLISHABLE_KEY: ${fromKey.reason} (copy it from the Clerk Dashboard, API keys)`,
    );
  }
  if (fromUrl?.ok && fromKey?.ok && new URL(fromUrl.url).host !== new URL(fromKey.url).host) {
    throw new ConfigError(
      `ILEAP_CLERK_FRONTEND_API (${fromUrl.url}) and CLERK_PUBLISHABLE_KEY (host ${new URL(fromKey.url).host}) name different Clerk instances; give one, or make them agree`,
    );
  }
  const chosen = fromUrl?.ok ? fromUrl.url : fromKey?.ok ? fromKey.url : undefined;
  if (chosen === undefined) {
    throw new ConfigError(
      "ILEAP_CLERK_FRONTEND_API or CLERK_PUBLISHABLE_KEY: one is required with ILEAP_AUTH=clerk (the Frontend API URL, e.g. https://clerk.example.com, or the pk_live_…/pk_test_… key)",
    );
  }
  return chosen;
}

function jwtKey(env: Env): string | undefined {
  const raw = read(env, "CLERK_JWT_KEY");
  if (raw === undefined) return undefined;
  const pem = raw.replace(/\\n/g, "\n");
  const expected =
    "expected the instance's RSA public key in PEM (-----BEGIN PUBLIC KEY-----…), from the Clerk Dashboard, API keys";
  if (!pem.includes("-----BEGIN PUBLIC KEY-----")) throw new ConfigError(`CLERK_JWT_KEY: ${expected}`);
  try {
    if (createPublicKey(pem).asymmetricKeyType !== "rsa") throw new Error("not RSA");
  } catch {
    throw new ConfigError(`CLERK_JWT_KEY: ${expected}; the value does not parse as one`);
  }
  return pem;
}

function grants(env: Env): ReadonlySet<DataKind> {
  const raw = read(env, "ILEAP_CLERK_GRANTS") ?? "*";
  const items = raw.split(",").map((g) => g.trim());
  if (items.includes("*") && items.length === 1) return new Set(DATA_KINDS);
  const bad = items.filter((g) => !(DATA_KINDS as readonly string[]).includes(g));
  if (bad.length > 0 || items.length === 0) {
    throw new ConfigError(
      `ILEAP_CLERK_GRANTS: expected * or a comma list of ${DATA_KINDS.join(", ")}, got ${JSON.stringify(raw)}`,
    );
  }
  return new Set(items as DataKind[]);
}

function authorizedParties(env: Env): string[] {
  const raw = read(env, "ILEAP_CLERK_AUTHORIZED_PARTIES");
  if (raw === undefined) return [];
  return raw.split(",").map((item) => {
    const value = item.trim().replace(/\/+$/, "");
    let origin: string | undefined;
    try {
      origin = new URL(value).origin;
    } catch {
      origin = undefined;
    }
    if (origin !== value || origin === "null") {
      throw new ConfigError(
        `ILEAP_CLERK_AUTHORIZED_PARTIES: expected a comma list of origins such as https://app.example.com, got ${JSON.stringify(item.trim())}`,
      );
    }
    return value;
  });
}

function idList(env: Env, name: string, re: RegExp, expected: string): string[] {
  const raw = read(env, name);
  if (raw === undefined) return [];
  const items = raw.split(",").map((v) => v.trim());
  const bad = items.find((v) => !re.test(v));
  if (bad !== undefined) {
    throw new ConfigError(
      `${name}: expected a comma list of ${expected}, got ${JSON.stringify(bad)} in ${JSON.stringify(raw)}`,
    );
  }
  return items;
}

const ORGANIZATION_ID = /^org_[A-Za-z0-9]{1,124}$/;
const USER_ID = /^user_[A-Za-z0-9]{1,123}$/;

function pattern(env: Env, name: string, re: RegExp, expected: string): string | undefined {
  const raw = read(env, name);
  if (raw !== undefined && !re.test(raw))
    throw new ConfigError(`${name}: expected ${expected}, got ${JSON.stringify(raw)}`);
  return raw;
}

/**
 * Reads and validates the Clerk settings from the environment (see {@link ClerkConfig} for each
 * variable and its default). Ignores `ILEAP_AUTH`, which the main configuration reads.
 * @throws {ConfigError} naming the variable and what is expected.
 */
export function loadClerkConfig(env: Readonly<Record<string, string | undefined>>): ClerkConfig {
  const d = CLERK_CONFIG_DEFAULTS;
  const mode = read(env, "ILEAP_CLERK_TOKEN_MODE") ?? d.tokenMode;
  if (mode !== "issue" && mode !== "clerk") {
    throw new ConfigError(`ILEAP_CLERK_TOKEN_MODE: expected issue or clerk, got ${JSON.stringify(mode)}`);
  }
  const organizationId = pattern(
    env,
    "ILEAP_CLERK_ORGANIZATION_ID",
    ORGANIZATION_ID,
    "an organization id (org_…, from the Clerk Dashboard; slugs can be renamed and are not accepted)",
  );
  const organizations = new Set([
    ...(organizationId !== undefined ? [organizationId] : []),
    ...idList(env, "ILEAP_CLERK_ORGANIZATIONS", ORGANIZATION_ID, "organization ids (org_…)"),
  ]);
  const adminRoleRaw = pattern(
    env,
    "ILEAP_CLERK_ADMIN_ROLE",
    /^(org:)?[A-Za-z0-9_:-]{1,64}$/,
    "an organization role key such as org:admin",
  );
  if (adminRoleRaw !== undefined && organizationId === undefined) {
    throw new ConfigError(
      "ILEAP_CLERK_ADMIN_ROLE: needs ILEAP_CLERK_ORGANIZATION_ID (the role grants host admin in that organization only; roles of other organizations never do)",
    );
  }
  const adminUsers = new Set(idList(env, "ILEAP_CLERK_ADMIN_USERS", USER_ID, "Clerk user ids (user_…)"));
  const jwtTemplate = pattern(
    env,
    "ILEAP_CLERK_JWT_TEMPLATE",
    /^[A-Za-z0-9_.~-]{1,128}$/,
    "a JWT template name (letters, digits, _ . ~ -)",
  );
  if (jwtTemplate !== undefined && mode !== "clerk") {
    throw new ConfigError(
      "ILEAP_CLERK_JWT_TEMPLATE: only used with ILEAP_CLERK_TOKEN_MODE=clerk (in issue mode the host mints its own token); unset it or set the mode to clerk",
    );
  }
  const jwtTemplateAudience = pattern(
    env,
    "ILEAP_CLERK_JWT_TEMPLATE_AUDIENCE",
    /^[\x21-\x7e]{1,256}$/,
    "the aud value the JWT template emits (no spaces)",
  );
  if (jwtTemplate !== undefined && jwtTemplateAudience === undefined) {
    throw new ConfigError(
      'ILEAP_CLERK_JWT_TEMPLATE_AUDIENCE: required with ILEAP_CLERK_JWT_TEMPLATE, so that tokens of other templates of the instance are not accepted; add e.g. "aud": "ileap" to the template\'s claims and set this to ileap',
    );
  }
  const budgetRaw = read(env, "ILEAP_CLERK_SIGN_IN_BUDGET") ?? "5/10";
  const budgetMatch = /^(\d{1,4})\/(\d{1,5})$/.exec(budgetRaw);
  if (budgetRaw !== "0" && (!budgetMatch || Number(budgetMatch[1]) < 1 || Number(budgetMatch[2]) < 1)) {
    throw new ConfigError(
      `ILEAP_CLERK_SIGN_IN_BUDGET: expected sign-ins/seconds such as 5/10 (Clerk's limit per IP address), or 0 for none, got ${JSON.stringify(budgetRaw)}`,
    );
  }
  const signInBudget =
    budgetRaw === "0" || !budgetMatch
      ? undefined
      : { max: Number(budgetMatch[1]), windowSeconds: Number(budgetMatch[2]) };
  const anyUser = read(env, "ILEAP_CLERK_ACCEPT_ANY_USER") ?? "false";
  if (anyUser !== "true" && anyUser !== "false")
    throw new ConfigError(
      `ILEAP_CLERK_ACCEPT_ANY_USER: expected true or false, got ${JSON.stringify(anyUser)}`,
    );
  const key = jwtKey(env);
  return {
    frontendApi: frontendApi(env),
    ...(key !== undefined ? { jwtKey: key } : {}),
    ...(organizationId !== undefined ? { organizationId } : {}),
    organizations,
    ...(adminRoleRaw !== undefined ? { adminRole: shortRole(adminRoleRaw) } : {}),
    adminUsers,
    tokenMode: mode,
    ...(jwtTemplate !== undefined ? { jwtTemplate } : {}),
    ...(jwtTemplateAudience !== undefined ? { jwtTemplateAudience } : {}),
    acceptAnyUser: anyUser === "true",
    timeoutMs: int(env, "ILEAP_CLERK_TIMEOUT_MS", d.timeoutMs, 50, 120_000),
    grants: grants(env),
    clockSkewSeconds: int(env, "ILEAP_CLERK_CLOCK_SKEW_SECONDS", d.clockSkewSeconds, 0, 300),
    authorizedParties: authorizedParties(env),
    maxFailedAttempts: int(env, "ILEAP_CLERK_MAX_FAILED_ATTEMPTS", d.maxFailedAttempts, 1, 9),
    cacheSize: int(env, "ILEAP_CLERK_CACHE_SIZE", d.cacheSize, 0, 1_000_000),
    cacheMinRemainingSeconds: int(
      env,
      "ILEAP_CLERK_CACHE_MIN_REMAINING_SECONDS",
      d.cacheMinRemainingSeconds,
      0,
      86_400,
    ),
    sessionReuseSeconds: int(env, "ILEAP_CLERK_SESSION_REUSE_SECONDS", d.sessionReuseSeconds, 0, 7 * 86_400),
    jwksCooldownSeconds: int(env, "ILEAP_CLERK_JWKS_COOLDOWN_SECONDS", d.jwksCooldownSeconds, 0, 3600),
    jwksCacheSeconds: int(env, "ILEAP_CLERK_JWKS_CACHE_SECONDS", d.jwksCacheSeconds, 1, 86_400),
    retryAfterSeconds: int(env, "ILEAP_CLERK_RETRY_AFTER_SECONDS", d.retryAfterSeconds, 1, 3600),
    signInBudget,
  };
}
