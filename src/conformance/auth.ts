/**
 * Authentication cases: PACT TC1, TC2, TC18, TC19 and the unsupported-grant-type check.
 * @module
 */
import { nullIssues } from "../model/validate.ts";
import type { CaseDefinition, CaseScope } from "./case.ts";
import type { SuiteContext } from "./context.ts";
import { checkOAuthError, describeRes, expectJsonObject, expectStatus, tryJson } from "./expect.ts";
import type { HttpResponse } from "./http-client.ts";
import { excerpt, isObject, str } from "./json.ts";

/** Checks a successful token response (RFC 6749 §5.1); returns the access token. */
function checkTokenResponse(t: CaseScope, res: HttpResponse): string {
  expectStatus(t, res, [200]);
  const body = expectJsonObject(t, res);
  const token = str(body.access_token);
  if (!token) t.fail(`${describeRes(res)}: no string "access_token" in ${excerpt(res.body)}`);
  const type = str(body.token_type);
  if (type === undefined || type.toLowerCase() !== "bearer") {
    t.problem(
      `${describeRes(res)}: "token_type" is ${JSON.stringify(body.token_type)}, expected "bearer" (any case)`,
    );
  }
  if (body.expires_in === undefined) {
    t.note(`${describeRes(res)}: no "expires_in" (recommended by RFC 6749 §5.1)`);
  } else if (typeof body.expires_in !== "number" || !(body.expires_in > 0)) {
    t.problem(
      `${describeRes(res)}: "expires_in" is ${JSON.stringify(body.expires_in)}, expected a positive number`,
    );
  }
  for (const i of nullIssues(body)) {
    t.problem(`${describeRes(res)}: ${i.pointer || "/"} is null (omit absent fields)`);
  }
  return token;
}

function randomCredential(): string {
  return `conformance-${crypto.randomUUID()}`;
}

/** PACT TC1: token with valid credentials (via discovery's token endpoint, else `/auth/token`; `/auth/token` must exist). */
export const tc01: CaseDefinition = {
  id: "pact-tc01",
  title: "Obtain auth token with valid credentials",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const url = await ctx.tokenEndpoint();
    checkTokenResponse(t, await ctx.requestToken(url));
    const fixed = ctx.auth("/auth/token");
    if (url !== fixed) {
      const res = await ctx.requestToken(fixed);
      const body = tryJson(res);
      if (res.status !== 200 || !isObject(body) || !str(body.access_token)) {
        t.problem(
          `the discovered token endpoint is ${url}, but ${describeRes(res)} does not issue a token (PACT: host systems MUST offer /auth/token); body: ${excerpt(res.body)}`,
        );
      }
    }
  },
};

/** PACT TC2: wrong credentials → 400 or 401 with `invalid_client`. */
export const tc02: CaseDefinition = {
  id: "pact-tc02",
  title: "Obtain auth token with invalid credentials",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const url = await ctx.tokenEndpoint();
    const res = await ctx.requestToken(url, randomCredential(), randomCredential());
    expectStatus(t, res, [400, 401]);
    checkOAuthError(t, res, "invalid_client");
    const body = tryJson(res);
    if (isObject(body) && body.access_token !== undefined)
      t.problem(`${describeRes(res)}: carries an access_token`);
  },
};

const DISCOVERY_STRINGS = ["issuer", "token_endpoint", "jwks_uri"] as const;
const DISCOVERY_ARRAYS = [
  "response_types_supported",
  "subject_types_supported",
  "id_token_signing_alg_values_supported",
] as const;

/** PACT TC18: OpenID Connect discovery document, token from its token endpoint, JWKS, token usable on the API. */
export const tc18: CaseDefinition = {
  id: "pact-tc18",
  title: "OpenId Connect-based authentication flow",
  mandatory: false,
  async run(ctx: SuiteContext, t: CaseScope) {
    const d = await ctx.discovery();
    if (!d.document) t.fail(`no OpenID provider configuration at ${d.url}: ${d.error ?? "unknown error"}`);
    const doc = d.document;
    const https = ctx.opts.authBaseUrl.startsWith("https://");
    for (const key of DISCOVERY_STRINGS) {
      const value = str(doc[key]);
      if (!value) {
        t.problem(`${d.url}: "${key}" missing or not a string`);
      } else if (!URL.canParse(value)) {
        t.problem(`${d.url}: "${key}" is not an absolute URL: ${JSON.stringify(value)}`);
      } else if (https && !value.startsWith("https://")) {
        t.problem(
          `${d.url}: "${key}" is ${value}, a plain-HTTP URL although discovery was fetched over https`,
        );
      }
    }
    for (const key of DISCOVERY_ARRAYS) {
      if (!Array.isArray(doc[key])) t.problem(`${d.url}: "${key}" missing or not an array`);
    }
    t.stopIfFailed();
    const tokenEndpoint = str(doc.token_endpoint) as string;
    const token = checkTokenResponse(t, await ctx.requestToken(tokenEndpoint));
    const jwksUri = str(doc.jwks_uri) as string;
    const jwks = await ctx.get(jwksUri);
    const jwksBody = tryJson(jwks);
    if (jwks.status !== 200 || !isObject(jwksBody) || !Array.isArray(jwksBody.keys)) {
      t.problem(
        `${describeRes(jwks)}: expected 200 with a JSON Web Key Set {"keys": [...]}; body: ${excerpt(jwks.body)}`,
      );
    } else if (jwksBody.keys.length === 0) {
      t.problem(`${describeRes(jwks)}: the key set is empty`);
    }
    const list = await ctx.get(ctx.footprintsUrl(), token);
    if (list.status !== 200 && list.status !== 202) {
      t.problem(
        `the token from ${tokenEndpoint} is not accepted: ${describeRes(list)}; body: ${excerpt(list.body)}`,
      );
    }
  },
};

/** PACT TC19: wrong credentials at the discovered token endpoint → 400 or 401, `invalid_client`. */
export const tc19: CaseDefinition = {
  id: "pact-tc19",
  title: "OpenId Connect-based authentication flow with incorrect credentials",
  mandatory: false,
  async run(ctx: SuiteContext, t: CaseScope) {
    const d = await ctx.discovery();
    const endpoint = str(d.document?.token_endpoint);
    if (!endpoint || !URL.canParse(endpoint)) {
      t.skip(
        `the host offers no OpenID discovery with a token_endpoint (${d.error ?? d.url}); pact-tc02 covers /auth/token`,
      );
    }
    const res = await ctx.requestToken(endpoint, randomCredential(), randomCredential());
    expectStatus(t, res, [400, 401]);
    checkOAuthError(t, res, "invalid_client");
  },
};

/** RFC 6749 §5.2: `/auth/token` with another grant type → 400 `unsupported_grant_type`. */
export const unsupportedGrantType: CaseDefinition = {
  id: "pact-ext-grant-type",
  title: "Auth token with an unsupported grant type is refused with unsupported_grant_type",
  mandatory: false,
  async run(ctx: SuiteContext, t: CaseScope) {
    const res = await ctx.requestToken(ctx.auth("/auth/token"), undefined, undefined, "password");
    expectStatus(t, res, [400]);
    checkOAuthError(t, res, "unsupported_grant_type");
  },
};
