import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalIssuer, type LocalIssuerOptions } from "../../src/auth/local/issuer.ts";
import { type KeyRing, loadKeyRing } from "../../src/auth/local/keyring.ts";
import { hashSecret } from "../../src/auth/secret-hash.ts";
import type { ClientConfig } from "../../src/config/types.ts";

const BASE = "http://127.0.0.1";
let dir: string;
let keys: KeyRing;
let clients: ClientConfig[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "ileap-issuer-cache-"));
  keys = await loadKeyRing({ dataDir: dir });
  const secretHash = await hashSecret("s3cret", { N: 1024, r: 8, p: 1 });
  clients = ["a", "b", "c"].map((id) => ({ id, secretHash, grants: ["*"] }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function issuerAt(clock: { now: number }, extra: Partial<LocalIssuerOptions> = {}): LocalIssuer {
  return new LocalIssuer({ keys, clients, now: () => clock.now, ...extra });
}

async function tokenFor(issuer: LocalIssuer, clientId: string): Promise<string> {
  const result = await issuer.issueToken(
    { clientId, clientSecret: "s3cret" },
    { form: new Map([["grant_type", "client_credentials"]]), publicBaseUrl: BASE },
  );
  assert.ok(result.ok);
  return result.token.access_token;
}

describe("built-in issuer: token verification is memoised per token until its exp", () => {
  it("verifies a token once: later requests get the remembered principal (same object)", async () => {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const issuer = issuerAt(clock);
    const token = await tokenFor(issuer, "a");
    const first = await issuer.verifyToken(token, { publicBaseUrl: BASE });
    clock.now += 1000;
    const second = await issuer.verifyToken(token, { publicBaseUrl: BASE });
    assert.ok(first.ok && second.ok);
    assert.equal(second.principal, first.principal, "a cache hit hands out the verified principal");
    // Another issuer (base URL) is another cache key, and the token is not valid there.
    const elsewhere = await issuer.verifyToken(token, { publicBaseUrl: "http://other.example" });
    assert.equal(elsewhere.ok, false);
  });

  it("refuses a remembered token as expired once its exp has passed", async () => {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const issuer = issuerAt(clock, { tokenTtlSeconds: 60 });
    const token = await tokenFor(issuer, "a");
    assert.ok((await issuer.verifyToken(token, { publicBaseUrl: BASE })).ok);
    clock.now += 60_000;
    const late = await issuer.verifyToken(token, { publicBaseUrl: BASE });
    assert.equal(late.ok, false);
    if (!late.ok) assert.equal(late.failure.reason, "expired");
  });

  it("is bounded by count: past cacheSize the least recently used token is verified again", async () => {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const issuer = issuerAt(clock, { cacheSize: 2 });
    const [ta, tb, tc] = [
      await tokenFor(issuer, "a"),
      await tokenFor(issuer, "b"),
      await tokenFor(issuer, "c"),
    ];
    const verify = async (t: string) => {
      const r = await issuer.verifyToken(t, { publicBaseUrl: BASE });
      assert.ok(r.ok);
      return r.principal;
    };
    const pa = await verify(ta);
    await verify(tb);
    assert.equal(await verify(ta), pa, "still cached");
    await verify(tc); // evicts tb (least recently used), keeps ta
    assert.equal(await verify(ta), pa);
    const pb = await verify(tb);
    await verify(tc);
    assert.equal(await verify(tb), pb);
    assert.notEqual(await verify(ta), pa, "ta was evicted and verified anew");
  });
});

describe("built-in issuer: a still-fresh token is answered again", () => {
  const ask = (issuer: LocalIssuer, clientId: string, secret = "s3cret", publicBaseUrl = BASE) =>
    issuer.issueToken(
      { clientId, clientSecret: secret },
      { form: new Map([["grant_type", "client_credentials"]]), publicBaseUrl },
    );

  it("reuses the token while at least half its lifetime remains, expires_in counting down", async () => {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const issuer = issuerAt(clock, { tokenTtlSeconds: 600 });
    const first = await ask(issuer, "a");
    assert.ok(first.ok);
    assert.equal(first.token.expires_in, 600);
    clock.now += 300_000; // exactly half left
    const again = await ask(issuer, "a");
    assert.ok(again.ok);
    assert.equal(again.token.access_token, first.token.access_token);
    assert.equal(again.token.expires_in, 300);
    clock.now += 1000; // less than half left: a new token with the full lifetime
    const fresh = await ask(issuer, "a");
    assert.ok(fresh.ok);
    assert.notEqual(fresh.token.access_token, first.token.access_token);
    assert.equal(fresh.token.expires_in, 600);
  });

  it("never hands a token to another client, another issuer or a wrong secret", async () => {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const issuer = issuerAt(clock);
    const a = await ask(issuer, "a");
    const b = await ask(issuer, "b");
    const elsewhere = await ask(issuer, "a", "s3cret", "http://other.example");
    assert.ok(a.ok && b.ok && elsewhere.ok);
    assert.notEqual(b.token.access_token, a.token.access_token);
    assert.notEqual(elsewhere.token.access_token, a.token.access_token);
    const wrong = await ask(issuer, "a", "wrong");
    assert.equal(wrong.ok, false);
  });

  it("signs a new token per request with reuseFreshTokens: false", async () => {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const issuer = issuerAt(clock, { reuseFreshTokens: false });
    const first = await ask(issuer, "a");
    const second = await ask(issuer, "a");
    assert.ok(first.ok && second.ok);
    assert.notEqual(second.token.access_token, first.token.access_token);
  });
});
