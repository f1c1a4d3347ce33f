/** Option defaults and the immutable directory of users, organizations and memberships. */
import { createHash, timingSafeEqual } from "node:crypto";
import { DEMO_CLERK_ORGANIZATIONS, DEMO_CLERK_USERS } from "./demo.ts";
import { stableId } from "./ids.ts";
import type { ClerkEmulatorOptions, JwtTemplate, SignInRateLimit } from "./types.ts";

/** Defaults of {@link ClerkEmulatorOptions} (also the documented values). */
export const CLERK_EMULATOR_DEFAULTS = {
  lockoutThreshold: 10,
  lockoutDurationSeconds: 3600,
  signInRateLimit: { max: 5, windowSeconds: 10 } as SignInRateLimit,
  sessionTokenLifetimeSeconds: 60,
  sessionLifetimeSeconds: 7 * 24 * 3600,
  allowedClockSkewSeconds: 10,
  templateLifetimeSeconds: 60,
  tokenVersion: 2 as const,
} as const;

/** Options with every default applied. */
export interface Settings {
  readonly lockoutThreshold: number;
  readonly lockoutDurationSeconds: number;
  readonly signInRateLimit: SignInRateLimit | false;
  readonly clientIpHeader: string | undefined;
  readonly sessionTokenLifetimeSeconds: number;
  readonly sessionLifetimeSeconds: number;
  readonly allowedClockSkewSeconds: number;
  readonly jwtTemplates: ReadonlyMap<string, JwtTemplate>;
  readonly tokenVersion: 1 | 2;
  readonly issuer: string | undefined;
  readonly authorizedParty: string | null | undefined;
  readonly now: () => number;
  readonly requireNativeFlag: boolean;
  readonly adminEndpoints: boolean;
  readonly botProtection: boolean;
}

export interface OrganizationRecord {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly createdAt: number;
}

export interface MembershipRecord {
  readonly id: string;
  readonly organization: OrganizationRecord;
  readonly role: string;
  readonly permissions: readonly string[];
  readonly createdAt: number;
}

export interface EmailRecord {
  readonly id: string;
  readonly address: string;
}

export interface UserRecord {
  readonly id: string;
  readonly emails: readonly EmailRecord[];
  readonly username: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly mfa: boolean;
  readonly needsClientTrust: boolean;
  readonly needsNewPassword: boolean;
  /** Grows when the user creates an organization (Clerk makes the creator `org:admin`). */
  readonly memberships: MembershipRecord[];
  /** Banned in the Dashboard: every sign-in answers 403 `not_allowed_access`. */
  readonly banned: boolean;
  readonly createdAt: number;
  /** SHA-256 of the password, compared in constant time. */
  readonly passwordDigest: Buffer;
}

function positive(name: string, value: number, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(
      `clerk-emulator: ${name} must be a ${allowZero ? "non-negative" : "positive"} number`,
    );
  }
  return value;
}

/** Applies defaults and validates numbers. */
export function resolveSettings(options: ClerkEmulatorOptions): Settings {
  const d = CLERK_EMULATOR_DEFAULTS;
  const rate = options.signInRateLimit === undefined ? d.signInRateLimit : options.signInRateLimit;
  if (rate) {
    positive("signInRateLimit.max", rate.max);
    positive("signInRateLimit.windowSeconds", rate.windowSeconds);
  }
  const templates = new Map<string, JwtTemplate>();
  for (const [name, template] of Object.entries(options.jwtTemplates ?? {})) {
    if (template.lifetimeSeconds !== undefined)
      positive(`jwtTemplates.${name}.lifetimeSeconds`, template.lifetimeSeconds);
    templates.set(name, template);
  }
  return {
    lockoutThreshold: positive("lockoutThreshold", options.lockoutThreshold ?? d.lockoutThreshold, true),
    lockoutDurationSeconds: positive(
      "lockoutDurationSeconds",
      options.lockoutDurationSeconds ?? d.lockoutDurationSeconds,
    ),
    signInRateLimit: rate,
    clientIpHeader: options.clientIpHeader?.toLowerCase(),
    sessionTokenLifetimeSeconds: positive(
      "sessionTokenLifetimeSeconds",
      options.sessionTokenLifetimeSeconds ?? d.sessionTokenLifetimeSeconds,
    ),
    sessionLifetimeSeconds: positive(
      "sessionLifetimeSeconds",
      options.sessionLifetimeSeconds ?? d.sessionLifetimeSeconds,
    ),
    allowedClockSkewSeconds: positive(
      "allowedClockSkewSeconds",
      options.allowedClockSkewSeconds ?? d.allowedClockSkewSeconds,
      true,
    ),
    jwtTemplates: templates,
    tokenVersion: options.tokenVersion ?? d.tokenVersion,
    issuer: options.issuer?.replace(/\/+$/, ""),
    authorizedParty: options.authorizedParty,
    now: options.now ?? Date.now,
    requireNativeFlag: options.requireNativeFlag ?? true,
    adminEndpoints: options.adminEndpoints ?? true,
    botProtection: options.botProtection ?? false,
  };
}

const digest = (password: string): Buffer => createHash("sha256").update(password, "utf8").digest();

/**
 * Users, organizations and memberships, indexed for sign-in and `touch`. Users are fixed once built;
 * organizations grow when a signed-in user creates one (`POST /v1/organizations`), as in Clerk,
 * where organization creation is on for every user by default.
 */
export class Directory {
  readonly users: readonly UserRecord[];
  readonly organizations: OrganizationRecord[];
  readonly #byIdentifier = new Map<string, UserRecord>();
  readonly #byId = new Map<string, UserRecord>();

  constructor(options: ClerkEmulatorOptions, now: number) {
    const userConfigs = options.users ?? DEMO_CLERK_USERS;
    const orgConfigs = options.organizations ?? (options.users ? [] : DEMO_CLERK_ORGANIZATIONS);
    const orgs = new Map<string, OrganizationRecord>();
    for (const o of orgConfigs) {
      if (orgs.has(o.id)) throw new Error(`clerk-emulator: duplicate organization id ${o.id}`);
      const slug = o.slug ?? o.id.toLowerCase();
      orgs.set(o.id, { id: o.id, slug, name: o.name ?? slug, createdAt: now });
    }
    this.organizations = [...orgs.values()];
    const users: UserRecord[] = [];
    for (const u of userConfigs) {
      const emails = (typeof u.email === "string" ? [u.email] : (u.email ?? [])).map((a) => a.toLowerCase());
      const username = u.username?.toLowerCase() ?? null;
      const identifiers = [...emails, ...(username ? [username] : [])];
      const first = identifiers[0];
      if (!first) throw new Error("clerk-emulator: every user needs an email or a username");
      const id = u.id ?? stableId("user", first);
      const memberships = (u.memberships ?? []).map((m): MembershipRecord => {
        const organization = orgs.get(m.organizationId);
        if (!organization) {
          throw new Error(
            `clerk-emulator: user ${id} is a member of unknown organization ${m.organizationId}`,
          );
        }
        return {
          id: stableId("orgmem", `${id}/${organization.id}`),
          organization,
          role: m.role ?? "org:member",
          permissions: [...(m.permissions ?? [])],
          createdAt: now,
        };
      });
      const user: UserRecord = {
        id,
        emails: emails.map((address) => ({ id: stableId("idn", address), address })),
        username,
        firstName: u.firstName ?? null,
        lastName: u.lastName ?? null,
        mfa: u.mfa ?? false,
        needsClientTrust: u.needsClientTrust ?? false,
        needsNewPassword: u.needsNewPassword ?? false,
        memberships,
        banned: u.banned ?? false,
        createdAt: now,
        passwordDigest: digest(u.password),
      };
      if (this.#byId.has(id)) throw new Error(`clerk-emulator: duplicate user id ${id}`);
      this.#byId.set(id, user);
      for (const identifier of identifiers) {
        if (this.#byIdentifier.has(identifier))
          throw new Error(`clerk-emulator: duplicate identifier ${identifier}`);
        this.#byIdentifier.set(identifier, user);
      }
      users.push(user);
    }
    this.users = users;
  }

  /** The user with this email or username (case-insensitive), if any. */
  findByIdentifier(identifier: string): UserRecord | undefined {
    return this.#byIdentifier.get(identifier.trim().toLowerCase());
  }

  getUser(id: string): UserRecord | undefined {
    return this.#byId.get(id);
  }

  /** Members of an organization (for `members_count`). */
  memberCount(organizationId: string): number {
    return this.users.filter((u) => u.memberships.some((m) => m.organization.id === organizationId)).length;
  }

  /**
   * Creates an organization with `user` as its `org:admin` (Clerk's default creator role), as any
   * user may do in Clerk unless organization creation is turned off for the instance.
   */
  createOrganization(user: UserRecord, name: string, now: number): MembershipRecord {
    const id = stableId("org", `${user.id}/${name}/${this.organizations.length}/${now}`);
    const base =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "") || "org";
    let slug = base;
    for (let i = 2; this.organizations.some((o) => o.slug === slug); i++) slug = `${base}-${i}`;
    const organization: OrganizationRecord = { id, name, slug, createdAt: now };
    this.organizations.push(organization);
    const membership: MembershipRecord = {
      id: stableId("orgmem", `${user.id}/${id}`),
      organization,
      role: "org:admin",
      permissions: [],
      createdAt: now,
    };
    user.memberships.push(membership);
    return membership;
  }

  /** The user's membership of the organization named by id or slug, if any. */
  membership(user: UserRecord, idOrSlug: string): MembershipRecord | undefined {
    return user.memberships.find((m) => m.organization.id === idOrSlug || m.organization.slug === idOrSlug);
  }
}

/** Constant-time password check. */
export function passwordMatches(user: UserRecord, password: string): boolean {
  return timingSafeEqual(user.passwordDigest, digest(password));
}
