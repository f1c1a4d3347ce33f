/**
 * Public option types and wire shapes of the Clerk Frontend API (FAPI) emulator.
 *
 * The JSON shapes follow the Clerk FAPI OpenAPI document (version 2025-11-10): `Client.SignIn`,
 * `Client.Client`, `Client.Session`, `Client.User`, `Token`, `ClerkErrors`. Only the fields the
 * emulator fills are typed precisely; every field that the OpenAPI marks `required` is present.
 */

/** An organization membership of an emulated user. */
export interface ClerkEmulatorMembership {
  /** Id of an organization listed in {@link ClerkEmulatorOptions.organizations} (`org_…`). */
  readonly organizationId: string;
  /** Clerk role key. Default `"org:member"`; Clerk's built-ins are `"org:admin"` and `"org:member"`. */
  readonly role?: string;
  /**
   * Custom permission keys (`org:<feature>:<permission>`), emitted as `org_permissions` (v1) or
   * `o.per`/`o.fpm` plus `fea` (v2). Default `[]`: like Clerk, system permissions are not put in tokens.
   */
  readonly permissions?: readonly string[];
}

/** A user that can sign in to the emulator with the `password` strategy. */
export interface ClerkEmulatorUser {
  /** Clerk user id. Default: derived from the first identifier (`user_` + 27 stable base62 characters). */
  readonly id?: string;
  /** Email address(es) usable as identifier (matched case-insensitively). Default none. */
  readonly email?: string | readonly string[];
  /** Username usable as identifier (matched case-insensitively). Default none. */
  readonly username?: string;
  /** The password. Kept in memory only; never logged or returned. */
  readonly password: string;
  /** Default `null`. */
  readonly firstName?: string;
  /** Default `null`. */
  readonly lastName?: string;
  /** MFA on: a correct password yields sign-in status `needs_second_factor`. Default `false`. */
  readonly mfa?: boolean;
  /** Client Trust on: a correct password yields `needs_client_trust`. Default `false`. */
  readonly needsClientTrust?: boolean;
  /** The password must be reset: a correct password yields `needs_new_password`. Default `false`. */
  readonly needsNewPassword?: boolean;
  /** Organization memberships. Default `[]`. */
  readonly memberships?: readonly ClerkEmulatorMembership[];
  /** Banned in the Dashboard: sign-ins answer 403 `not_allowed_access`, whatever the password. Default `false`. */
  readonly banned?: boolean;
}

/** An organization known to the emulator. */
export interface ClerkEmulatorOrganization {
  /** Clerk organization id (`org_…`). */
  readonly id: string;
  /** Display name. Default: the slug, else the id. */
  readonly name?: string;
  /** Slug (also accepted by `touch` as `active_organization_id`). Default: the id lower-cased. */
  readonly slug?: string;
}

/** What a JWT template's claims function receives. */
export interface JwtTemplateContext {
  readonly userId: string;
  readonly sessionId: string;
  readonly primaryEmail: string | null;
  readonly username: string | null;
  /** The session's active organization, or `null`. `role` keeps the `org:` prefix. */
  readonly organization: {
    readonly id: string;
    readonly slug: string;
    readonly name: string;
    readonly role: string;
    readonly permissions: readonly string[];
  } | null;
}

/** A JWT template (`POST /v1/client/sessions/{sid}/tokens/{template_name}`). */
export interface JwtTemplate {
  /** Token lifetime in seconds. Default 60. */
  readonly lifetimeSeconds?: number;
  /** `nbf` = `iat` − this. Default {@link ClerkEmulatorOptions.allowedClockSkewSeconds}. */
  readonly allowedClockSkewSeconds?: number;
  /**
   * Extra claims. Either an object whose string values may hold Clerk shortcodes
   * (`{{user.id}}`, `{{user.primary_email_address}}`, `{{user.username}}`, `{{user.first_name}}`,
   * `{{user.last_name}}`, `{{org.id}}`, `{{org.slug}}`, `{{org.name}}`, `{{org.role}}`,
   * `{{org.permissions}}`, `{{session.id}}`; a value that is exactly one shortcode keeps the type,
   * an unknown one becomes `null`), or a function of the context. Default `{}`. The default claims
   * `iss`, `sub`, `iat`, `nbf`, `exp`, `azp`, `jti` cannot be overridden (as in Clerk).
   */
  readonly claims?:
    | Readonly<Record<string, unknown>>
    | ((context: JwtTemplateContext) => Record<string, unknown>);
}

/** Per-IP limit on `POST /v1/client/sign_ins`. */
export interface SignInRateLimit {
  /** Sign-in requests allowed per window. */
  readonly max: number;
  /** Sliding window length in seconds. */
  readonly windowSeconds: number;
}

/** Options of {@link createClerkEmulator}; every one has a default. */
export interface ClerkEmulatorOptions {
  /** Users. Default {@link DEMO_CLERK_USERS}. */
  readonly users?: readonly ClerkEmulatorUser[];
  /** Organizations. Default: {@link DEMO_CLERK_ORGANIZATIONS} when `users` is omitted, else `[]`. */
  readonly organizations?: readonly ClerkEmulatorOrganization[];
  /**
   * Failed passwords (per user) that lock the account; the failure that reaches it already answers
   * 403 `user_locked`. A correct password clears the count. `0` disables lockout. Default 10.
   */
  readonly lockoutThreshold?: number;
  /** How long a lockout lasts, in seconds. Default 3600. */
  readonly lockoutDurationSeconds?: number;
  /** Per-IP sign-in limit, or `false` for none. Default `{ max: 5, windowSeconds: 10 }`. */
  readonly signInRateLimit?: SignInRateLimit | false;
  /**
   * Request header naming the caller's IP for the rate limit (first comma-separated value), e.g.
   * `"x-forwarded-for"`. Default: none; the socket's remote address is used (`"unknown"` in-process).
   */
  readonly clientIpHeader?: string;
  /** Session token lifetime in seconds. Default 60 (Clerk's). */
  readonly sessionTokenLifetimeSeconds?: number;
  /** Session lifetime in seconds (after it, session calls answer 401 `signed_out`). Default 604800 (7 days). */
  readonly sessionLifetimeSeconds?: number;
  /** `nbf` = `iat` − this, for session tokens. Default 10. */
  readonly allowedClockSkewSeconds?: number;
  /** JWT templates by name. Default `{}`. */
  readonly jwtTemplates?: Readonly<Record<string, JwtTemplate>>;
  /** Session token claim format: 2 (`v`, `o`, `sts`, `fva`) or 1 (`org_id`, `org_role`, …). Default 2. */
  readonly tokenVersion?: 1 | 2;
  /**
   * Token issuer (`iss`) = the FAPI URL, no trailing slash. Default: the listening URL when started
   * with {@link startClerkEmulator}, else the origin of each request.
   */
  readonly issuer?: string;
  /**
   * `azp` claim: a fixed value, or `null` to omit it. Default: like Clerk, the request's `Origin`
   * header when present, else the issuer's origin (server-side callers send no `Origin`).
   */
  readonly authorizedParty?: string | null;
  /** Clock in milliseconds since the epoch; inject one to expire tokens deterministically. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Require `?_is_native=1` on client calls (the native flow, client token in `Authorization`);
   * without it Clerk's development instances answer 401 `dev_browser_unauthenticated`. Default `true`.
   */
  readonly requireNativeFlag?: boolean;
  /** Mount the `/__emulator/…` control endpoints. Default `true`. */
  readonly adminEndpoints?: boolean;
  /**
   * Bot protection on: sign-ins without a captcha token (every native, server-side one) answer
   * 401 `requires_captcha`, as Clerk does when Bot protection is on for the instance. Default `false`.
   */
  readonly botProtection?: boolean;
}

/** Kinds of injected faults. */
export type FaultKind = "status" | "latency" | "hang" | "malformed_json" | "reset";

/** A fault to inject into FAPI routes (not the `/__emulator` ones). */
export interface FaultSpec {
  /**
   * - `status`: answer `status` (default 503) with a Clerk error envelope, without running the route.
   * - `latency`: wait `latencyMs` then go on (other faults may still apply).
   * - `hang`: never answer; the connection stays open until the client gives up or the emulator closes.
   * - `malformed_json`: answer `status` (default 200) with `content-type: application/json` and a truncated body.
   * - `reset`: destroy the TCP socket without answering (in-process: a network-error `Response`).
   */
  readonly kind: FaultKind;
  /** For `status` and `malformed_json`; see `kind`. */
  readonly status?: number;
  /** For `latency`: milliseconds to add. Default 100. */
  readonly latencyMs?: number;
  /** For `status` 429/503: `Retry-After` seconds to send. Default none. */
  readonly retryAfterSeconds?: number;
  /**
   * Scope: a concrete path (`/v1/client/sign_ins`), a route template
   * (`/v1/client/sessions/{session_id}/touch`), an endpoint id (`POST /v1/client/sign_ins`) or a prefix
   * ending in `*`. Default: every FAPI route.
   */
  readonly path?: string;
  /** Scope: HTTP method. Default any. */
  readonly method?: string;
  /** How many matching requests it hits before it expires. Default unlimited. */
  readonly times?: number;
}

/** An injected fault as listed by the control surface. */
export interface InjectedFault extends FaultSpec {
  readonly id: string;
  /** Hits left, or `null` when unlimited. */
  readonly remaining: number | null;
  /** Requests it has hit so far. */
  readonly hits: number;
}

/** Counters; `calls` is keyed by endpoint id such as `"POST /v1/client/sign_ins"`. */
export interface ClerkEmulatorStats {
  readonly calls: Readonly<Record<string, number>>;
  readonly signIns: {
    /** Every `POST /v1/client/sign_ins` request received (faulted and rate-limited ones too). */
    readonly attempts: number;
    /** Answered with status `complete`. */
    readonly complete: number;
    /** Answered 200 with another status (`needs_second_factor`, …). */
    readonly incomplete: number;
    /** Answered with an error envelope by the route (422, 403, 429, …), faults excluded. */
    readonly rejected: number;
  };
  /** Requests a fault hit. */
  readonly faultsApplied: number;
  /** Sessions ended through `POST /v1/client/sessions/{sid}/end`. */
  readonly sessionsEnded: number;
  /** `__clerk_api_version` values received on FAPI calls, with counts (`"none"` when absent). */
  readonly apiVersions: Readonly<Record<string, number>>;
}

/** What {@link ClerkEmulatorControl.reset} clears. Every flag defaults to `true` except `sessions`. */
export interface ResetOptions {
  readonly lockouts?: boolean;
  readonly rateLimits?: boolean;
  readonly faults?: boolean;
  readonly stats?: boolean;
  /** Also drop clients, sessions and client tokens. Default `false`. */
  readonly sessions?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Wire shapes (subset of the OpenAPI schemas; all `required` fields present)
// ---------------------------------------------------------------------------------------------

/** One `ClerkError`. */
export interface ClerkErrorJSON {
  readonly code: string;
  readonly message: string;
  readonly long_message: string;
  readonly meta: Readonly<Record<string, unknown>>;
}

/** The `ClerkErrors` envelope of every non-2xx FAPI answer. */
export interface ClerkErrorsJSON {
  readonly errors: readonly ClerkErrorJSON[];
  readonly clerk_trace_id: string;
}

/** `Token`. */
export interface TokenJSON {
  readonly object: "token";
  readonly jwt: string;
}

export interface OrganizationJSON {
  readonly object: "organization";
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly image_url: string;
  readonly has_image: boolean;
  readonly members_count: number;
  readonly pending_invitations_count: number;
  readonly max_allowed_memberships: number;
  readonly admin_delete_enabled: boolean;
  readonly public_metadata: Readonly<Record<string, unknown>>;
  readonly created_at: number;
  readonly updated_at: number;
}

export interface OrganizationMembershipJSON {
  readonly object: "organization_membership";
  readonly id: string;
  readonly public_metadata: Readonly<Record<string, unknown>>;
  readonly role: string;
  readonly role_name: string;
  readonly permissions: readonly string[];
  readonly created_at: number;
  readonly updated_at: number;
  readonly organization: OrganizationJSON;
}

export interface EmailAddressJSON {
  readonly object: "email_address";
  readonly id: string;
  readonly email_address: string;
  readonly reserved: boolean;
  readonly verification: {
    readonly status: "verified";
    readonly strategy: "admin";
    readonly attempts: null;
    readonly expire_at: null;
  };
  readonly linked_to: readonly unknown[];
  readonly created_at: number;
  readonly updated_at: number;
}

export interface PublicUserDataJSON {
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly image_url: string;
  readonly has_image: boolean;
  readonly identifier: string;
  readonly user_id: string;
  readonly username: string | null;
}

export interface UserJSON {
  readonly object: "user";
  readonly id: string;
  readonly username: string | null;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly image_url: string;
  readonly has_image: boolean;
  readonly primary_email_address_id: string | null;
  readonly primary_phone_number_id: null;
  readonly primary_web3_wallet_id: null;
  readonly password_enabled: boolean;
  readonly two_factor_enabled: boolean;
  readonly totp_enabled: boolean;
  readonly backup_code_enabled: boolean;
  readonly email_addresses: readonly EmailAddressJSON[];
  readonly phone_numbers: readonly unknown[];
  readonly web3_wallets: readonly unknown[];
  readonly passkeys: readonly unknown[];
  readonly organization_memberships: readonly OrganizationMembershipJSON[];
  readonly external_accounts: readonly unknown[];
  readonly saml_accounts: readonly unknown[];
  readonly enterprise_accounts: readonly unknown[];
  readonly password_last_updated_at: null;
  readonly public_metadata: Readonly<Record<string, unknown>>;
  readonly unsafe_metadata: Readonly<Record<string, unknown>>;
  readonly external_id: null;
  readonly last_sign_in_at: number | null;
  readonly banned: boolean;
  readonly locked: boolean;
  readonly lockout_expires_in_seconds: number | null;
  readonly verification_attempts_remaining: number | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly delete_self_enabled: boolean;
  readonly create_organization_enabled: boolean;
  readonly last_active_at: number | null;
  readonly mfa_enabled_at: number | null;
  readonly mfa_disabled_at: null;
  readonly legal_accepted_at: null;
}

/** `Client.Session`. */
export interface SessionJSON {
  readonly object: "session";
  readonly id: string;
  readonly status: "active" | "expired" | "ended";
  readonly expire_at: number;
  readonly abandon_at: number;
  readonly last_active_at: number;
  readonly last_active_token: TokenJSON | null;
  readonly last_active_organization_id: string | null;
  readonly actor: null;
  readonly user: UserJSON;
  readonly public_user_data: PublicUserDataJSON;
  readonly factor_verification_age: readonly number[];
  readonly created_at: number;
  readonly updated_at: number;
}

/** Sign-in statuses of `Client.SignIn`. */
export type SignInStatus =
  | "needs_identifier"
  | "needs_first_factor"
  | "needs_second_factor"
  | "needs_client_trust"
  | "needs_new_password"
  | "complete";

export interface SignInFactorJSON {
  readonly strategy: string;
  readonly safe_identifier?: string;
  readonly email_address_id?: string;
  readonly primary?: boolean | null;
  readonly default?: boolean;
}

/** `Client.SignIn`. */
export interface SignInJSON {
  readonly object: "sign_in_attempt";
  readonly id: string;
  readonly status: SignInStatus;
  readonly supported_identifiers: readonly string[];
  readonly supported_first_factors: readonly SignInFactorJSON[] | null;
  readonly supported_second_factors: readonly SignInFactorJSON[] | null;
  readonly first_factor_verification: {
    readonly object: "verification_password";
    readonly status: "verified" | "unverified";
    readonly strategy: "password";
    readonly attempts: number | null;
    readonly expire_at: number | null;
  } | null;
  readonly second_factor_verification: null;
  readonly identifier: string | null;
  readonly user_data: {
    readonly first_name: string | null;
    readonly last_name: string | null;
    readonly image_url: string;
    readonly has_image: boolean;
  } | null;
  readonly created_session_id: string | null;
  readonly abandon_at: number;
  readonly client_trust_state: "pending" | "new" | "known" | null;
}

/** `Client.Client`. */
export interface ClientJSON {
  readonly object: "client";
  readonly id: string;
  readonly sessions: readonly SessionJSON[];
  readonly sign_in: SignInJSON | null;
  readonly sign_up: null;
  readonly last_active_session_id: string | null;
  readonly last_authentication_strategy: string | null;
  readonly cookie_expires_at: number | null;
  readonly captcha_bypass: boolean;
  readonly created_at: number;
  readonly updated_at: number;
}

/** `Client.ClientWrappedSignIn`: answer of `POST /v1/client/sign_ins`. */
export interface SignInEnvelopeJSON {
  readonly response: SignInJSON;
  readonly client: ClientJSON;
}

/** `Client.ClientWrappedSession`: answer of `POST /v1/client/sessions/{sid}/touch`. */
export interface SessionEnvelopeJSON {
  readonly response: SessionJSON;
  readonly client: ClientJSON;
}
