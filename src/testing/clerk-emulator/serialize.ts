/** Records → the JSON shapes of the FAPI OpenAPI (`Client.User`, `Client.Session`, `Client.Client`, …). */
import type { Directory, MembershipRecord, OrganizationRecord, UserRecord } from "./config.ts";
import type { LockState } from "./limits.ts";
import {
  type ClientRecord,
  type ClientStore,
  type SessionRecord,
  type SignInRecord,
  sessionStatus,
} from "./state.ts";
import type {
  ClientJSON,
  OrganizationJSON,
  OrganizationMembershipJSON,
  PublicUserDataJSON,
  SessionJSON,
  SignInJSON,
  UserJSON,
} from "./types.ts";

/** What the serializers need besides the records. */
export interface SerializeContext {
  readonly directory: Directory;
  readonly clients: ClientStore;
  readonly now: number;
  readonly lockState: (userId: string) => LockState;
  readonly lastSignInAt: (userId: string) => number | null;
}

function roleName(role: string): string {
  const key = role.startsWith("org:") ? role.slice(4) : role;
  return key
    .split(/[_-]/)
    .map((w) => (w ? w[0]?.toUpperCase() + w.slice(1) : w))
    .join(" ");
}

export function organizationJSON(org: OrganizationRecord, directory: Directory): OrganizationJSON {
  return {
    object: "organization",
    id: org.id,
    name: org.name,
    slug: org.slug,
    image_url: "",
    has_image: false,
    members_count: directory.memberCount(org.id),
    pending_invitations_count: 0,
    max_allowed_memberships: 0,
    admin_delete_enabled: true,
    public_metadata: {},
    created_at: org.createdAt,
    updated_at: org.createdAt,
  };
}

export function membershipJSON(m: MembershipRecord, directory: Directory): OrganizationMembershipJSON {
  return {
    object: "organization_membership",
    id: m.id,
    public_metadata: {},
    role: m.role,
    role_name: roleName(m.role),
    permissions: [...m.permissions],
    created_at: m.createdAt,
    updated_at: m.createdAt,
    organization: organizationJSON(m.organization, directory),
  };
}

export function userJSON(user: UserRecord, ctx: SerializeContext): UserJSON {
  const lock = ctx.lockState(user.id);
  const lastSignIn = ctx.lastSignInAt(user.id);
  return {
    object: "user",
    id: user.id,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    image_url: "",
    has_image: false,
    primary_email_address_id: user.emails[0]?.id ?? null,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    password_enabled: true,
    two_factor_enabled: user.mfa,
    totp_enabled: user.mfa,
    backup_code_enabled: false,
    email_addresses: user.emails.map((e) => ({
      object: "email_address",
      id: e.id,
      email_address: e.address,
      reserved: false,
      verification: { status: "verified", strategy: "admin", attempts: null, expire_at: null },
      linked_to: [],
      created_at: user.createdAt,
      updated_at: user.createdAt,
    })),
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    organization_memberships: user.memberships.map((m) => membershipJSON(m, ctx.directory)),
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    password_last_updated_at: null,
    public_metadata: {},
    unsafe_metadata: {},
    external_id: null,
    last_sign_in_at: lastSignIn,
    banned: false,
    locked: lock.locked,
    lockout_expires_in_seconds: lock.locked ? lock.expiresInSeconds : null,
    verification_attempts_remaining: lock.locked ? 0 : lock.attemptsRemaining,
    created_at: user.createdAt,
    updated_at: user.createdAt,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: lastSignIn,
    mfa_enabled_at: user.mfa ? user.createdAt : null,
    mfa_disabled_at: null,
    legal_accepted_at: null,
  };
}

export function publicUserDataJSON(user: UserRecord): PublicUserDataJSON {
  return {
    first_name: user.firstName,
    last_name: user.lastName,
    image_url: "",
    has_image: false,
    identifier: user.emails[0]?.address ?? user.username ?? user.id,
    user_id: user.id,
    username: user.username,
  };
}

export function sessionJSON(session: SessionRecord, ctx: SerializeContext): SessionJSON {
  const user = ctx.directory.getUser(session.userId);
  if (!user) throw new Error(`session ${session.id} has an unknown user`);
  return {
    object: "session",
    id: session.id,
    status: sessionStatus(session, ctx.now),
    expire_at: session.expireAt,
    abandon_at: session.abandonAt,
    last_active_at: session.lastActiveAt,
    last_active_token: session.lastActiveToken ? { object: "token", jwt: session.lastActiveToken } : null,
    last_active_organization_id: session.activeOrganizationId,
    actor: null,
    user: userJSON(user, ctx),
    public_user_data: publicUserDataJSON(user),
    factor_verification_age: [Math.max(0, Math.floor((ctx.now - session.firstFactorAt) / 60000)), -1],
    created_at: session.createdAt,
    updated_at: session.updatedAt,
  };
}

export function signInJSON(signIn: SignInRecord, ctx: SerializeContext): SignInJSON {
  const user = signIn.userId ? ctx.directory.getUser(signIn.userId) : undefined;
  const email = user?.emails[0];
  const firstFactors = user
    ? [
        { strategy: "password" },
        ...(email
          ? [
              {
                strategy: "email_code",
                safe_identifier: email.address,
                email_address_id: email.id,
                primary: true,
              },
            ]
          : []),
      ]
    : null;
  let secondFactors: SignInJSON["supported_second_factors"] = null;
  if (signIn.status === "needs_second_factor") secondFactors = [{ strategy: "totp" }];
  if (signIn.status === "needs_client_trust" && email) {
    secondFactors = [
      { strategy: "email_code", safe_identifier: email.address, email_address_id: email.id, primary: true },
    ];
  }
  return {
    object: "sign_in_attempt",
    id: signIn.id,
    status: signIn.status,
    supported_identifiers: ["email_address", "username"],
    supported_first_factors: firstFactors,
    supported_second_factors: secondFactors,
    first_factor_verification: signIn.passwordVerified
      ? {
          object: "verification_password",
          status: "verified",
          strategy: "password",
          attempts: 1,
          expire_at: null,
        }
      : null,
    second_factor_verification: null,
    identifier: signIn.identifier,
    user_data: user
      ? { first_name: user.firstName, last_name: user.lastName, image_url: "", has_image: false }
      : null,
    created_session_id: signIn.createdSessionId,
    abandon_at: signIn.abandonAt,
    client_trust_state: signIn.status === "needs_client_trust" ? "new" : user ? "known" : null,
  };
}

export function clientJSON(client: ClientRecord, ctx: SerializeContext): ClientJSON {
  return {
    object: "client",
    id: client.id,
    sessions: ctx.clients.sessionsOf(client).map((s) => sessionJSON(s, ctx)),
    // Clerk clears `client.sign_in` once the attempt completed into a session.
    sign_in: client.signIn && client.signIn.status !== "complete" ? signInJSON(client.signIn, ctx) : null,
    sign_up: null,
    last_active_session_id: client.lastActiveSessionId,
    last_authentication_strategy: client.lastAuthenticationStrategy,
    cookie_expires_at: null,
    captcha_bypass: false,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}
