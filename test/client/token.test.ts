/**
 * Token lifetime against our real host with short-lived tokens: renewal before expiry, recovery
 * from a 401 TokenExpired, and the "log in again" error without a secret.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type AccessToken,
  IleapClient,
  IleapLoginRequiredError,
  isFresh,
  jwtExpiry,
  renewalMarginMs,
} from "../../src/client/index.ts";
import { DEMO_FOOTPRINT_IDS } from "../../src/testing/demo-data.ts";
import { getToken } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

const TTL_SECONDS = 2;

function recordingFetch(): { fetch: typeof fetch; tokenRequests: () => number; statuses: number[] } {
  let tokens = 0;
  const statuses: number[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith("/auth/token")) tokens++;
    const res = await fetch(input, init);
    statuses.push(res.status);
    return res;
  };
  return { fetch: wrapped, tokenRequests: () => tokens, statuses };
}

describe("token renewal against our host", () => {
  let server: RunningDemoServer;
  before(async () => {
    server = await startDemoServer({ tokenTtlSeconds: TTL_SECONDS });
  });
  after(() => server.close());

  it("renews the token before it expires, without a 401", async () => {
    const rec = recordingFetch();
    const saved: AccessToken[] = [];
    const client = new IleapClient({
      baseUrl: server.baseUrl,
      clientId: "hello",
      clientSecret: "pathfinder",
      fetch: rec.fetch,
      tokenCache: { load: () => undefined, save: (t) => void saved.push(t) },
    });
    await client.getFootprint(DEMO_FOOTPRINT_IDS.tocSea);
    const first = await client.authenticate();
    assert.equal(rec.tokenRequests(), 1);
    assert.equal(first.expiresAt! - first.obtainedAt, TTL_SECONDS * 1000);
    // 20 % of a 2 s lifetime: the token is renewed from 1.6 s on, before the host refuses it.
    assert.equal(renewalMarginMs(first), 400);
    await sleep(TTL_SECONDS * 1000 * 0.85);
    await client.getFootprint(DEMO_FOOTPRINT_IDS.tocSea);
    assert.equal(rec.tokenRequests(), 2, "renewed early");
    assert.ok(!rec.statuses.includes(401), `statuses ${rec.statuses.join(",")}`);
    assert.equal(saved.length, 2, "each new token is handed to the cache");
    assert.notEqual(saved[0]!.accessToken, saved[1]!.accessToken);
  });

  it("recovers from 401 TokenExpired with one new token and one repeat of the request", async () => {
    const expired = await getToken(server.baseUrl, "hello", "pathfinder");
    await sleep(TTL_SECONDS * 1000 + 1100);
    // The cache claims the token is good for an hour: only the host knows better.
    const stale: AccessToken = {
      accessToken: expired,
      tokenType: "bearer",
      obtainedAt: Date.now(),
      expiresAt: Date.now() + 3_600_000,
    };
    const rec = recordingFetch();
    const client = new IleapClient({
      baseUrl: server.baseUrl,
      clientId: "hello",
      clientSecret: "pathfinder",
      fetch: rec.fetch,
      tokenCache: { load: () => stale, save: () => {} },
    });
    const items = await client.listFootprints({ limit: 20 }).toArray();
    assert.equal(items.length, 12);
    assert.equal(rec.tokenRequests(), 1);
    assert.equal(rec.statuses.filter((s) => s === 401).length, 1);
  });

  it("asks to log in again when the token expired and there is no secret", async () => {
    const token = await getToken(server.baseUrl, "hello", "pathfinder");
    const exp = jwtExpiry(token);
    assert.ok(exp !== undefined, "our tokens are JWTs with exp");
    const cached: AccessToken = {
      accessToken: token,
      tokenType: "bearer",
      obtainedAt: Date.now(),
      expiresAt: exp * 1000,
    };
    const client = new IleapClient({
      baseUrl: server.baseUrl,
      clientId: "hello",
      clientSecret: "",
      tokenCache: { load: () => cached, save: () => {} },
    });
    assert.equal((await client.getFootprint(DEMO_FOOTPRINT_IDS.tocSea)).id, DEMO_FOOTPRINT_IDS.tocSea);
    await sleep(TTL_SECONDS * 1000 + 100);
    assert.equal(isFresh(cached, Date.now()), false);
    await assert.rejects(client.getFootprint(DEMO_FOOTPRINT_IDS.tocSea), IleapLoginRequiredError);
  });
});
