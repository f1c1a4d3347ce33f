/**
 * Who gets which host role, and which organization a token may name (issue mode and clerk mode
 * alike). Clerk lets every user create organizations and makes the creator `org:admin`, so an
 * organization role means nothing by itself: organizations count only when the host accepts them
 * (`ILEAP_CLERK_ORGANIZATION_ID`, `ILEAP_CLERK_ORGANIZATIONS`), and host admin is a separate,
 * explicit grant (`ILEAP_CLERK_ADMIN_ROLE` in the configured organization, or
 * `ILEAP_CLERK_ADMIN_USERS`). Pure.
 */
import { shortRole } from "./claims.ts";

/** The host role of the admin API. */
export const HOST_ADMIN_ROLE = "admin";

/** The organization settings the decisions depend on (a subset of the Clerk configuration). */
export interface ClerkAuthorizationPolicy {
  /** `ILEAP_CLERK_ORGANIZATION_ID`: activated when a request names none; the only organization whose roles can grant admin. */
  readonly organizationId?: string;
  /** Every organization accepted: `organizationId` plus `ILEAP_CLERK_ORGANIZATIONS`. Empty: none. */
  readonly organizations: ReadonlySet<string>;
  /** `ILEAP_CLERK_ADMIN_ROLE`, short form (`admin` for `org:admin`): members with it in `organizationId` are host admins. */
  readonly adminRole?: string;
  /** `ILEAP_CLERK_ADMIN_USERS`: Clerk user ids that are host admins. */
  readonly adminUsers: ReadonlySet<string>;
}

/** The organization a token request asks for, after the policy: activate `organizationId` (or none), or refuse. */
export type OrganizationChoice =
  | { readonly ok: true; readonly organizationId: string | undefined; readonly requested: boolean }
  | { readonly ok: false; readonly description: string };

/**
 * Chooses the organization of a token request. `organization_id` may only pick one of the
 * accepted organizations; without it, `ILEAP_CLERK_ORGANIZATION_ID` applies. When organizations
 * are configured, every token is for one of them (membership is what Clerk checks on activation).
 */
export function chooseOrganization(
  requested: string | undefined,
  policy: ClerkAuthorizationPolicy,
): OrganizationChoice {
  if (requested !== undefined && requested !== "") {
    if (policy.organizations.has(requested)) return { ok: true, organizationId: requested, requested: true };
    return {
      ok: false,
      description:
        policy.organizations.size === 0
          ? "organization_id is not accepted: this host takes no organizations from token requests (ILEAP_CLERK_ORGANIZATIONS is empty)"
          : "organization_id must be the id (org_…) of an organization this host accepts (ILEAP_CLERK_ORGANIZATION_ID or ILEAP_CLERK_ORGANIZATIONS)",
    };
  }
  if (policy.organizationId !== undefined)
    return { ok: true, organizationId: policy.organizationId, requested: false };
  if (policy.organizations.size > 0) {
    return {
      ok: false,
      description:
        "organization_id is required: name one of the organizations this host accepts (ILEAP_CLERK_ORGANIZATIONS)",
    };
  }
  return { ok: true, organizationId: undefined, requested: false };
}

/** What a verified Clerk identity is worth on this host. */
export interface HostAuthorization {
  /** The organization, only when the host accepts it (visibility of records restricted to organizations). */
  readonly organizationId?: string;
  /** Host roles: `admin` or nothing. */
  readonly roles: readonly string[];
}

/**
 * Host roles and organization of a verified identity: the organization counts only when accepted;
 * `admin` only for the configured admin users, or for `adminRole` in `ILEAP_CLERK_ORGANIZATION_ID`.
 * Never "admin of any organization".
 */
export function authorize(
  userId: string,
  organizationId: string | undefined,
  organizationRole: string | undefined,
  policy: ClerkAuthorizationPolicy,
): HostAuthorization {
  const accepted = organizationId !== undefined && policy.organizations.has(organizationId);
  const admin =
    policy.adminUsers.has(userId) ||
    (accepted &&
      policy.adminRole !== undefined &&
      organizationId === policy.organizationId &&
      organizationRole !== undefined &&
      shortRole(organizationRole) === policy.adminRole);
  return {
    ...(accepted ? { organizationId } : {}),
    roles: admin ? [HOST_ADMIN_ROLE] : [],
  };
}
