/** The callback listener on the wire: discovery, token endpoint, event deliveries with and without its tokens. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type CallbackListener, startCallbackListener } from "../../src/conformance/index.ts";

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
const FORM = "application/x-www-form-urlencoded";

describe("callback listener", () => {
  let listener: CallbackListener;
  before(async () => {
    listener = await startCallbackListener({ clientId: "host", clientSecret: "s+cret" });
  });
  after(async () => {
    await listener.close();
  });

  it("offers OIDC discovery naming its token endpoint", async () => {
    const res = await fetch(`${listener.url}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as Record<string, unknown>;
    assert.equal(doc.token_endpoint, `${listener.url}/auth/token`);
    assert.equal(doc.issuer, listener.url);
  });

  it("issues tokens only for its client, with the client-credentials grant", async () => {
    const token = (auth: string, body = "grant_type=client_credentials", type = FORM) =>
      fetch(`${listener.url}/auth/token`, {
        method: "POST",
        headers: { authorization: auth, "content-type": type },
        body,
      });
    const wrong = await token(basic("host", "nope"));
    assert.equal(wrong.status, 400);
    assert.deepEqual(((await wrong.json()) as { error: string }).error, "invalid_client");
    const grant = await token(basic("host", "s+cret"), "grant_type=password");
    assert.equal(((await grant.json()) as { error: string }).error, "unsupported_grant_type");
    const type = await token(basic("host", "s+cret"), "grant_type=client_credentials", "application/json");
    assert.equal(((await type.json()) as { error: string }).error, "invalid_request");
    // RFC 6749 §2.3.1: the secret arrives form-encoded ("+" as %2B).
    const ok = await token(basic("host", "s%2Bcret"));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("cache-control"), "no-store");
    const body = (await ok.json()) as { access_token: string; expires_in: number };
    assert.equal(body.expires_in, 3600);
    assert.equal(listener.tokensIssued, 1);
  });

  it("records deliveries, telling its tokens from others, and wakes waiters", async () => {
    const res = await fetch(`${listener.url}/auth/token`, {
      method: "POST",
      headers: { authorization: basic("host", "s+cret"), "content-type": FORM },
      body: "grant_type=client_credentials",
    });
    const { access_token: token } = (await res.json()) as { access_token: string };
    const waiting = listener.waitFor((d) => (d.event as { id?: string } | undefined)?.id === "e2", 5000);
    const post = (path: string, auth: string | undefined, body: string) =>
      fetch(`${listener.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/cloudevents+json", ...(auth ? { authorization: auth } : {}) },
        body,
      });
    const noToken = await post("/3/events", undefined, JSON.stringify({ id: "e1" }));
    assert.equal(noToken.status, 401);
    const forged = await post("/2/events", "Bearer forged", JSON.stringify({ id: "e1" }));
    assert.equal(forged.status, 400);
    const good = await post("/3/events", `Bearer ${token}`, JSON.stringify({ id: "e2" }));
    assert.equal(good.status, 200);
    assert.equal(await good.text(), "");
    const d = await waiting;
    assert.equal(d?.path, "/3/events");
    assert.equal(d?.authorized, true);
    assert.equal(d?.contentType, "application/cloudevents+json");
    const seen = listener.deliveries.map((x) => [x.path, x.authorized, x.authProblem ?? ""]);
    assert.deepEqual(seen.slice(-3), [
      ["/3/events", false, "no Authorization header"],
      ["/2/events", false, "a bearer token this listener never issued"],
      ["/3/events", true, ""],
    ]);
    assert.equal(await listener.waitFor(() => false, 50), undefined);
    const notFound = await fetch(`${listener.url}/2/footprints`);
    assert.equal(notFound.status, 404);
  });
});
