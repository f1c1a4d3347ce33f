import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { basic, send } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

const FORM = "application/x-www-form-urlencoded";

describe("POST /auth/token", () => {
  let server: RunningDemoServer;
  before(async () => {
    server = await startDemoServer({ tokenTtlSeconds: 1800 });
  });
  after(() => server.close());

  const token = (headers: Record<string, string>, body = "grant_type=client_credentials") =>
    send(`${server.baseUrl}/auth/token`, { method: "POST", headers, body });

  it("issues an RS256 bearer token for valid client credentials", async () => {
    const res = await token({ authorization: basic("hello", "pathfinder"), "content-type": FORM });
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    assert.equal(res.headers["cache-control"], "no-store");
    const body = res.json as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ["access_token", "expires_in", "token_type"]);
    assert.equal(body.token_type, "bearer");
    assert.equal(body.expires_in, 1800);
    const header = decodeProtectedHeader(body.access_token as string);
    assert.equal(header.alg, "RS256");
    assert.equal(typeof header.kid, "string");
    const claims = decodeJwt(body.access_token as string);
    assert.equal(claims.sub, "hello");
    assert.equal(claims.iss, server.baseUrl);
    assert.equal(claims.aud, server.baseUrl);
    assert.equal((claims.exp as number) - (claims.iat as number), 1800);
    assert.equal(typeof claims.jti, "string");
  });

  it("answers a repeated request with the still-fresh token, expires_in telling the seconds left", async () => {
    const ask = async () => {
      const res = await token({ authorization: basic("hello", "pathfinder"), "content-type": FORM });
      assert.equal(res.status, 200);
      assert.equal(res.headers["cache-control"], "no-store");
      return res.json as { access_token: string; expires_in: number };
    };
    const first = await ask();
    const second = await ask();
    assert.equal(second.access_token, first.access_token);
    const claims = decodeJwt(second.access_token);
    const left = (claims.exp as number) - Math.floor(Date.now() / 1000);
    assert.ok(second.expires_in <= first.expires_in && second.expires_in >= 900, String(second.expires_in));
    assert.ok(Math.abs(second.expires_in - left) <= 1, `expires_in ${second.expires_in}, exp in ${left} s`);
    // Another client gets its own token.
    const other = await token({
      authorization: basic("transport_service_user", "ileap"),
      "content-type": FORM,
    });
    assert.equal(other.status, 200);
    const otherToken = (other.json as { access_token: string }).access_token;
    assert.notEqual(otherToken, first.access_token);
    assert.equal(decodeJwt(otherToken).sub, "transport_service_user");
  });

  it("accepts a charset parameter on the form content type", async () => {
    const res = await token({
      authorization: basic("hello", "pathfinder"),
      "content-type": `${FORM};charset=UTF-8`,
    });
    assert.equal(res.status, 200);
  });

  it("refuses a wrong secret and an unknown client with 400 invalid_client", async () => {
    for (const [id, secret] of [
      ["hello", "wrong"],
      ["nobody", "pathfinder"],
      ["hello", "pathfinder "],
    ] as const) {
      const res = await token({ authorization: basic(id, secret), "content-type": FORM });
      assert.equal(res.status, 400);
      assert.equal((res.json as { error: string }).error, "invalid_client");
      assert.equal(res.headers["cache-control"], "no-store");
    }
  });

  it("refuses a wrong or missing grant_type with unsupported_grant_type", async () => {
    for (const body of ["grant_type=password", "", "grant_type=authorization_code&code=x"]) {
      const res = await token({ authorization: basic("hello", "pathfinder"), "content-type": FORM }, body);
      assert.equal(res.status, 400, body);
      assert.equal((res.json as { error: string }).error, "unsupported_grant_type");
    }
  });

  it("refuses missing or garbled Basic credentials and wrong content types with invalid_request", async () => {
    const cases: Record<string, string>[] = [
      { "content-type": FORM },
      { authorization: "Bearer abc", "content-type": FORM },
      { authorization: "Basic !!!not-base64!!!", "content-type": FORM },
      { authorization: `Basic ${Buffer.from("no-colon").toString("base64")}`, "content-type": FORM },
      { authorization: basic("hello", "pathfinder"), "content-type": "application/json" },
      { authorization: basic("hello", "pathfinder") },
    ];
    for (const headers of cases) {
      const res = await token(headers);
      assert.equal(res.status, 400, JSON.stringify(headers));
      const body = res.json as { error: string; error_description: string };
      assert.equal(body.error, "invalid_request");
      assert.ok(body.error_description.length > 0);
    }
  });

  it("is not served for other methods", async () => {
    const res = await send(`${server.baseUrl}/auth/token`);
    assert.equal(res.status, 404);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
  });

  it("publishes discovery built from the request and a JWKS with the signing key", async () => {
    const res = await send(`${server.baseUrl}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = res.json as Record<string, unknown>;
    assert.equal(doc.issuer, server.baseUrl);
    assert.equal(doc.token_endpoint, `${server.baseUrl}/auth/token`);
    assert.equal(doc.jwks_uri, `${server.baseUrl}/jwks`);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ["RS256"]);
    const viaName = await send(
      `${server.baseUrl.replace("127.0.0.1", "localhost")}/.well-known/openid-configuration`,
    );
    assert.equal(
      (viaName.json as { token_endpoint: string }).token_endpoint,
      `${server.baseUrl.replace("127.0.0.1", "localhost")}/auth/token`,
    );
    const jwks = (await send(`${server.baseUrl}/jwks`)).json as { keys: Record<string, unknown>[] };
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]?.kty, "RSA");
    assert.equal(jwks.keys[0]?.alg, "RS256");
    assert.equal(jwks.keys[0]?.d, undefined, "no private part");
    const tokenRes = await token({ authorization: basic("hello", "pathfinder"), "content-type": FORM });
    assert.equal(
      decodeProtectedHeader((tokenRes.json as { access_token: string }).access_token).kid,
      jwks.keys[0]?.kid,
    );
  });
});
