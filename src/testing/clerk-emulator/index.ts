/**
 * A faithful local emulator of Clerk's Frontend API (FAPI) for the password sign-in flow used by
 * our Clerk auth provider: sign-in, session touch with an organization, session and template
 * tokens, JWKS, lockout, rate limit, fault injection and call statistics.
 */
export { CLERK_EMULATOR_DEFAULTS } from "./config.ts";
export { DEMO_CLERK_ORGANIZATIONS, DEMO_CLERK_PASSWORD, DEMO_CLERK_USERS } from "./demo.ts";
export { type ClerkEmulator, type ClerkEmulatorControl, createClerkEmulator } from "./emulator.ts";
export { parseFaultSpec } from "./faults.ts";
export type { RotateKeysOptions } from "./keys.ts";
export {
  publishableKeyFor,
  type RunningClerkEmulator,
  type StartClerkEmulatorOptions,
  startClerkEmulator,
} from "./server.ts";
export { CLERK_EMULATOR_ENDPOINTS } from "./stats.ts";
export { encodePermissions, TOKEN_CATEGORIES } from "./tokens.ts";
export type * from "./types.ts";
