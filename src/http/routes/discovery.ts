import { Hono } from "hono";
import type { AuthProvider } from "../../auth/provider.ts";
import type { AppEnv } from "../env.ts";

/** OIDC discovery (`/.well-known/openid-configuration`) and the JWKS (`/jwks`), both unauthenticated. */
export function discoveryRoutes(auth: AuthProvider): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/.well-known/openid-configuration", (c) => {
    const base = c.get("baseUrl");
    return c.json({
      issuer: auth.issuer({ publicBaseUrl: base }),
      token_endpoint: `${base}/auth/token`,
      jwks_uri: `${base}/jwks`,
      response_types_supported: ["token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      grant_types_supported: ["client_credentials"],
      token_endpoint_auth_methods_supported: ["client_secret_basic"],
    });
  });
  app.get("/jwks", async (c) => c.json(await auth.jwks(), 200, { "cache-control": "public, max-age=300" }));
  return app;
}
