/**
 * Finding the token endpoint as PACT asks: OpenID Connect discovery first
 * (`{authBaseUrl}/.well-known/openid-configuration`, its `token_endpoint`), then the fallback
 * `{authBaseUrl}/auth/token`.
 * @module
 */
import type { Transport } from "./http.ts";
import { isRecord } from "./responses.ts";

/** Where the token endpoint was found. */
export interface TokenEndpoint {
  /** Absolute URL of the token endpoint. */
  readonly url: string;
  /** `discovery` when OIDC discovery named it, `fallback` when it is `{authBaseUrl}/auth/token`. */
  readonly source: "discovery" | "fallback";
  /** `true` when the fallback was taken because discovery got no response (worth trying again later). */
  readonly transient?: boolean;
}

/** `{base}/auth/token`: the endpoint every PACT host must offer. */
export function fallbackTokenEndpoint(authBaseUrl: string): string {
  return `${authBaseUrl}/auth/token`;
}

/** An absolute http(s) URL, and not plain http when the auth base URL is https (no downgrade). */
function acceptable(endpoint: string, authBaseUrl: string): boolean {
  if (!URL.canParse(endpoint)) return false;
  const protocol = new URL(endpoint).protocol;
  if (protocol === "https:") return true;
  return protocol === "http:" && !authBaseUrl.startsWith("https:");
}

/**
 * Discovers the token endpoint. Uses the discovery document's `token_endpoint` when the document
 * is a JSON object whose `token_endpoint` is an absolute http(s) URL (https when `authBaseUrl` is
 * https: credentials are never sent in clear text because of a discovery document); in every other case (404,
 * not JSON, no such field, network error, timeout) falls back to `{authBaseUrl}/auth/token`.
 * Never throws, except with the signal's reason when `signal` aborts.
 */
export async function discoverTokenEndpoint(
  transport: Transport,
  authBaseUrl: string,
  signal?: AbortSignal,
): Promise<TokenEndpoint> {
  try {
    const res = await transport.send({
      method: "GET",
      url: `${authBaseUrl}/.well-known/openid-configuration`,
      ...(signal ? { signal } : {}),
    });
    if (res.status === 200 && isRecord(res.json)) {
      const endpoint = res.json.token_endpoint;
      if (typeof endpoint === "string" && acceptable(endpoint, authBaseUrl)) {
        return { url: endpoint, source: "discovery" };
      }
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    return { url: fallbackTokenEndpoint(authBaseUrl), source: "fallback", transient: true };
  }
  return { url: fallbackTokenEndpoint(authBaseUrl), source: "fallback" };
}
