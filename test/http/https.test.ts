import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { basic, getToken, getWithToken, send } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

describe("HTTPS", () => {
  let server: RunningDemoServer;
  before(async () => {
    server = await startDemoServer({ tls: true });
  });
  after(() => server.close());

  it("serves the API over TLS", async () => {
    assert.match(server.baseUrl, /^https:/);
    const token = await getToken(server.baseUrl, "hello", "pathfinder", server.ca);
    const res = await getWithToken(`${server.baseUrl}/2/footprints?limit=1`, token, server.ca);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.link), /^<https:\/\/127\.0\.0\.1:\d+\/2\/footprints\?/);
    const discovery = await send(`${server.baseUrl}/.well-known/openid-configuration`, { ca: server.ca });
    assert.equal(
      (discovery.json as { token_endpoint: string }).token_endpoint,
      `${server.baseUrl}/auth/token`,
    );
  });

  it("never processes a plain-HTTP request on the TLS port", async () => {
    const token = await getToken(server.baseUrl, "hello", "pathfinder", server.ca);
    const attempts = [
      send(`${server.httpBaseUrl}/auth/token`, {
        method: "POST",
        headers: {
          authorization: basic("hello", "pathfinder"),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      }),
      send(`${server.httpBaseUrl}/2/footprints`, { headers: { authorization: `Bearer ${token}` } }),
    ];
    for (const attempt of attempts) {
      const outcome = await attempt.then(
        (res) => res,
        (err: Error) => err,
      );
      if (outcome instanceof Error) continue;
      assert.ok(outcome.status >= 400, `status ${outcome.status}`);
      assert.ok(!outcome.text.includes("access_token") && !outcome.text.includes('"data"'), outcome.text);
    }
  });
});

describe("behind a TLS proxy (ILEAP_REQUIRE_HTTPS, ILEAP_TRUST_PROXY) with a path prefix", () => {
  let server: RunningDemoServer;
  before(async () => {
    server = await startDemoServer({
      env: { ILEAP_REQUIRE_HTTPS: "true", ILEAP_TRUST_PROXY: "127.0.0.1", ILEAP_PATH_PREFIX: "/ileap" },
    });
  });
  after(() => server.close());

  const viaProxy = { "x-forwarded-proto": "https", "x-forwarded-host": "api.example.com" };

  it("refuses requests that arrived as plain HTTP with a 4xx JSON error, never a redirect", async () => {
    const token = await send(`${server.baseUrl}/auth/token`, {
      method: "POST",
      headers: {
        authorization: basic("hello", "pathfinder"),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    assert.equal(token.status, 400);
    assert.equal((token.json as { error: string }).error, "invalid_request");
    const list = await send(`${server.baseUrl}/2/footprints`, { headers: { "x-forwarded-proto": "http" } });
    assert.equal(list.status, 400);
    assert.equal(list.headers.location, undefined);
    assert.equal((await send(`${server.baseUrl}/health`)).status, 200, "health stays reachable");
  });

  it("serves forwarded HTTPS requests with URLs built from the forwarded scheme, host and prefix", async () => {
    assert.match(server.baseUrl, /\/ileap$/);
    const discovery = await send(`${server.baseUrl}/.well-known/openid-configuration`, { headers: viaProxy });
    assert.equal(discovery.status, 200);
    assert.equal(
      (discovery.json as { token_endpoint: string }).token_endpoint,
      "https://api.example.com/ileap/auth/token",
    );
    const tokenRes = await send(`${server.baseUrl}/auth/token`, {
      method: "POST",
      headers: {
        ...viaProxy,
        authorization: basic("hello", "pathfinder"),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    assert.equal(tokenRes.status, 200);
    const token = (tokenRes.json as { access_token: string }).access_token;
    const list = await send(`${server.baseUrl}/2/footprints?limit=1`, {
      headers: { ...viaProxy, authorization: `Bearer ${token}` },
    });
    assert.equal(list.status, 200, list.text);
    assert.match(
      String(list.headers.link),
      /^<https:\/\/api\.example\.com\/ileap\/2\/footprints\?limit=1&pageToken=/,
    );
    const unprefixed = await send(`${server.baseUrl.replace(/\/ileap$/, "")}/2/footprints`, {
      headers: viaProxy,
    });
    assert.equal(unprefixed.status, 404);
  });
});
