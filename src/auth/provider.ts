import type { JSONWebKeySet } from "jose";
import type { Principal } from "./principal.ts";

/** OAuth2 token response body (RFC 6749 §5.1). `scope` only when there is one; never null fields. */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: "bearer";
  readonly expires_in: number;
  readonly scope?: string;
}

/** OAuth2 error codes we answer with (RFC 6749 §5.2). */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "unsupported_grant_type"
  | "temporarily_unavailable"
  | "server_error";

/** A token request that failed: status, OAuth2 error, description and optional `Retry-After`. */
export interface TokenFailure {
  readonly status: 400 | 401 | 429 | 503 | 500;
  readonly error: OAuthErrorCode;
  readonly description: string;
  readonly retryAfterSeconds?: number;
}

export type TokenResult =
  | { readonly ok: true; readonly token: TokenResponse }
  | { readonly ok: false; readonly failure: TokenFailure };

/**
 * Why a bearer token was refused: `expired` only when the signature and claims verified but `exp`
 * passed; `unavailable` when the provider could not decide (e.g. its signing keys cannot be
 * fetched): not the token's fault, answered 503 with `Retry-After` so clients keep the token.
 */
export type VerifyFailure =
  | { readonly reason: "invalid" | "expired"; readonly detail: string }
  | { readonly reason: "unavailable"; readonly detail: string; readonly retryAfterSeconds?: number };

export type VerifyResult =
  | { readonly ok: true; readonly principal: Principal; readonly expiresAt: number }
  | { readonly ok: false; readonly failure: VerifyFailure };

/** Client credentials as decoded from HTTP Basic (RFC 6749 §2.3.1). */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** What a provider may know of the request: its public base URL (scheme, host, port, path prefix; no trailing slash). */
export interface RequestContext {
  readonly publicBaseUrl: string;
}

/** Context of a token request (extra form fields and the caller's address). */
export interface TokenRequestContext {
  readonly form: ReadonlyMap<string, string>;
  /** Peer address of the connection. */
  readonly remoteAddress?: string;
  /**
   * The client's address as the host's limits see it (behind trusted proxies: the right-most
   * untrusted `X-Forwarded-For` entry), e.g. to share slow work fairly between sources.
   */
  readonly sourceAddress?: string;
}

/**
 * The authentication seam. Implement this to plug in an identity provider; the HTTP layer turns
 * the typed results into the PROTOCOL.md §2 status matrix in one place.
 */
export interface AuthProvider {
  /** Issues an access token for client credentials (client-credentials grant). */
  issueToken(
    credentials: ClientCredentials,
    context: TokenRequestContext & RequestContext,
  ): Promise<TokenResult>;
  /** Verifies a bearer token into a principal or a typed failure. Never throws for bad tokens. */
  verifyToken(token: string, context: RequestContext): Promise<VerifyResult>;
  /**
   * The principal of `token` when this provider has already verified it and it is still valid
   * (a synchronous look-up, e.g. in a verification cache; no new verification work), else
   * `undefined`: the answer {@link verifyToken} would give for such a token. Optional: the raw
   * fast path (`src/http/fast-path.ts`) serves cached reads only for tokens a provider can peek.
   */
  peekToken?(token: string, context: RequestContext): Principal | undefined;
  /** Public JWKS of the keys that sign the tokens this provider accepts. */
  jwks(): Promise<JSONWebKeySet>;
  /** The `iss` value of tokens, given the request (from the configured public URL or the request). */
  issuer(context: RequestContext): string;
  /** Releases timers and resources. */
  close?(): Promise<void>;
}
