/** The Clerk auth provider: client credentials signed in through Clerk's Frontend API. */

export { CredentialHasher } from "../credential-hasher.ts";
export { shortRole } from "./claims.ts";
export {
  ClerkAuthProvider,
  type ClerkProviderDeps,
  type ClerkProviderStats,
  createClerkAuthProvider,
} from "./clerk-provider.ts";
export {
  ClerkVerifier,
  type ClerkVerifierOptions,
  type ClerkVerifyResult,
  type VerifiedClerkToken,
} from "./clerk-verifier.ts";
export { CLERK_CONFIG_DEFAULTS, type ClerkConfig, type ClerkTokenMode, loadClerkConfig } from "./config.ts";
export { INVALID_CREDENTIALS, type MappedFailure, mapSignInFailure } from "./error-mapping.ts";
export {
  CLERK_API_VERSION,
  DEFAULT_FAPI_TIMEOUT_MS,
  FapiClient,
  type FapiClientOptions,
  type FapiError,
  type FapiResult,
} from "./fapi-client.ts";
export { ClerkLockout, normalizeIdentifier } from "./lockout.ts";
export { frontendApiFromPublishableKey, isLoopbackHost, parseFrontendApiUrl } from "./publishable-key.ts";
export { type ClerkSharedState, MemoryClerkState } from "./shared-state.ts";
export {
  type ClerkIdentity,
  refreshSessionToken,
  type SessionHandle,
  type SignInFailure,
  type SignInRequest,
  type SignInResult,
  sessionGone,
  signInWithPassword,
} from "./sign-in.ts";
export { SingleFlight, TokenCache, type TokenCacheOptions } from "./token-cache.ts";
