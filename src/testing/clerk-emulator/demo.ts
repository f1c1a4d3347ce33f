/** Demo users and organizations for `ileap clerk-emulator` and local development. Not secrets. */
import type { ClerkEmulatorOrganization, ClerkEmulatorUser } from "./types.ts";

/** Password of every demo user (a local development fixture, not a secret). */
export const DEMO_CLERK_PASSWORD = "ileap-demo-password";

/** Demo organization: `org_2ileapDemoAcme0000000000000` (slug `acme`). */
export const DEMO_CLERK_ORGANIZATIONS: readonly ClerkEmulatorOrganization[] = [
  { id: "org_2ileapDemoAcme0000000000000", name: "Acme Logistics", slug: "acme" },
];

/**
 * Demo users, all with {@link DEMO_CLERK_PASSWORD}:
 * - `service@example.com` (username `service`): `org:admin` of the demo organization; signs in `complete`.
 * - `member@example.com`: `org:member` of the demo organization.
 * - `mfa@example.com`: MFA on → `needs_second_factor`.
 * - `trust@example.com`: Client Trust → `needs_client_trust`.
 * - `reset@example.com`: must set a new password → `needs_new_password`.
 */
export const DEMO_CLERK_USERS: readonly ClerkEmulatorUser[] = [
  {
    id: "user_2ileapDemoService0000000000",
    email: "service@example.com",
    username: "service",
    password: DEMO_CLERK_PASSWORD,
    firstName: "Service",
    lastName: "Account",
    memberships: [{ organizationId: "org_2ileapDemoAcme0000000000000", role: "org:admin" }],
  },
  {
    id: "user_2ileapDemoMember00000000000",
    email: "member@example.com",
    password: DEMO_CLERK_PASSWORD,
    memberships: [{ organizationId: "org_2ileapDemoAcme0000000000000", role: "org:member" }],
  },
  {
    id: "user_2ileapDemoMfa00000000000000",
    email: "mfa@example.com",
    password: DEMO_CLERK_PASSWORD,
    mfa: true,
  },
  {
    id: "user_2ileapDemoTrust000000000000",
    email: "trust@example.com",
    password: DEMO_CLERK_PASSWORD,
    needsClientTrust: true,
  },
  {
    id: "user_2ileapDemoReset000000000000",
    email: "reset@example.com",
    password: DEMO_CLERK_PASSWORD,
    needsNewPassword: true,
  },
];
