import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import pino from "pino";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { DEFAULT_EVENTS_SETTINGS, type PeerConfig, peerForSource } from "../../src/events/config.ts";
import { matchesFragment } from "../../src/events/fulfil.ts";
import { backoffDelay, EventsService } from "../../src/events/service.ts";
import { SqliteOutbox } from "../../src/events/sqlite-outbox.ts";
import {
  checkOutboundUrl,
  guardedFetch,
  isPrivateAddress,
  OutboundRefusedError,
} from "../../src/events/ssrf.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { runCli } from "../helpers/cli.ts";
import { until } from "./host.ts";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "ileap-events-unit-"));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function configWith(content: unknown, env: Record<string, string> = {}) {
  const file = join(tmp(), "c.json");
  writeFileSync(file, JSON.stringify(content));
  return loadConfig({ file, env });
}

describe("peers and events configuration", () => {
  it("defaults to no peers and the documented settings", () => {
    const c = loadConfig({ env: {} });
    assert.deepEqual(c.peers, []);
    assert.deepEqual(c.events, DEFAULT_EVENTS_SETTINGS);
    assert.equal(c.events.maxAgeMs, 3 * 24 * 3600 * 1000);
  });

  it("reads peers with a secret from an environment variable, and settings", () => {
    const c = configWith(
      {
        peers: [
          {
            baseUrl: "https://peer.example/",
            clientId: "us",
            clientSecretEnv: "PEER_SECRET",
            sourcePatterns: ["https://*.peer.example"],
            subscribe: true,
          },
        ],
        events: { maxAgeMs: 1000, allowPrivateNetworks: true },
      },
      { PEER_SECRET: "xyz" },
    );
    assert.equal(c.peers[0]?.baseUrl, "https://peer.example");
    assert.equal(c.peers[0]?.clientSecret, "xyz");
    assert.equal(c.peers[0]?.subscribe, true);
    assert.equal(c.events.maxAgeMs, 1000);
    assert.equal(c.events.allowPrivateNetworks, true);
  });

  it("names the bad key and never echoes a secret", () => {
    assert.throws(
      () => configWith({ peers: [{ baseUrl: "https://p.example", clientId: "x" }] }),
      (e: unknown) => e instanceof ConfigError && /clientSecret or clientSecretEnv/.test(e.message),
    );
    assert.throws(
      () => configWith({ peers: [{ baseUrl: "https://p.example", clientId: "x", clientSecretEnv: "NOPE" }] }),
      /NOPE is not set/,
    );
    assert.throws(
      () =>
        configWith({ peers: [{ baseUrl: "ftp://p", clientId: "x", clientSecret: "topsecret", extra: 1 }] }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes("topsecret"),
    );
    assert.throws(() => configWith({ events: { backoffBaseMs: -1 } }), /events\.backoffBaseMs/);
    assert.throws(() => configWith({ events: { bogus: 1 } }), /unknown key/);
    assert.throws(
      () => configWith({ events: { retentionMs: -1 } }),
      /events\.retentionMs': expected 0 \(keep everything\) or a positive integer \(ms\), got -1/,
    );
    assert.equal(configWith({ events: { retentionMs: 0 } }).events.retentionMs, 0);
  });

  it("matches sources to peers exactly or by pattern, nothing else", () => {
    const peer: PeerConfig = {
      baseUrl: "https://peer.example",
      clientId: "c",
      clientSecret: "s",
      sourcePatterns: ["https://*.tenants.example"],
      inboundClientIds: [],
      subscribe: false,
    };
    assert.equal(peerForSource([peer], "https://peer.example/"), peer);
    assert.equal(peerForSource([peer], "https://a.tenants.example"), peer);
    assert.equal(peerForSource([peer], "https://a.tenants.example/x"), undefined);
    assert.equal(peerForSource([peer], "https://peer.example.evil.com"), undefined);
    assert.equal(peerForSource([peer], "https://evil.com/https://peer.example"), undefined);
    assert.equal(peerForSource([peer], "https://evil.com#.tenants.example"), undefined);
    assert.equal(peerForSource([peer], "https://evil.com?.tenants.example"), undefined);
    assert.equal(peerForSource([peer], "https://x@evil.com/.tenants.example"), undefined);
    assert.equal(peerForSource([peer], "https://a.b.tenants.example"), undefined);
  });
});

describe("outbound guard (SSRF)", () => {
  it("classifies private addresses", () => {
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "0.0.0.0",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
    ]) {
      assert.equal(isPrivateAddress(ip), true, ip);
    }
    for (const ip of ["8.8.8.8", "172.32.0.1", "2001:db8::1"]) assert.equal(isPrivateAddress(ip), false, ip);
  });

  it("refuses loopback and private targets unless allowed, without calling them", async () => {
    await assert.rejects(checkOutboundUrl("http://127.0.0.1:9/2/events", false), OutboundRefusedError);
    await assert.rejects(checkOutboundUrl("http://[::1]:9/", false), OutboundRefusedError);
    await assert.rejects(checkOutboundUrl("http://localhost:9/", false), OutboundRefusedError);
    await assert.rejects(checkOutboundUrl("file:///etc/passwd", true), OutboundRefusedError);
    await checkOutboundUrl("http://127.0.0.1:9/", true);
    let called = 0;
    const f = guardedFetch(false, async () => {
      called++;
      return new Response("");
    });
    await assert.rejects(f("http://169.254.169.254/latest/meta-data"), OutboundRefusedError);
    assert.equal(called, 0);
  });
});

describe("backoff", () => {
  const s = { backoffBaseMs: 100, backoffMaxMs: 1000 };
  it("doubles per attempt with jitter between half and all, capped, and honours Retry-After", () => {
    assert.equal(
      backoffDelay(1, s, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(1, s, () => 0.999999),
      100,
    );
    assert.equal(
      backoffDelay(3, s, () => 0.999999),
      400,
    );
    assert.equal(
      backoffDelay(10, s, () => 0.999999),
      1000,
    );
    assert.equal(
      backoffDelay(1, s, () => 0, 30_000),
      30_000,
    );
  });
});

describe("fragment matching", () => {
  const doc = { productIds: ["a", "b"], productCategoryCpc: "1", pcf: { geographyCountry: "DE", x: 1 } };
  it("needs every property; arrays match on any shared element", () => {
    assert.equal(matchesFragment(doc, { productIds: ["z", "b"] }), true);
    assert.equal(matchesFragment(doc, { productIds: ["z"] }), false);
    assert.equal(matchesFragment(doc, { productIds: ["a"], pcf: { geographyCountry: "DE" } }), true);
    assert.equal(matchesFragment(doc, { productIds: ["a"], pcf: { geographyCountry: "FR" } }), false);
    assert.equal(matchesFragment(doc, { unknownProperty: "x" }), false);
  });
});

describe("delivery outcomes with a fake peer and clock", () => {
  async function setup(respond: () => Response, maxAgeMs = 10_000) {
    const dir = tmp();
    const file = join(dir, "ileap.sqlite");
    const store = new SqliteStore({ file });
    const outbox = new SqliteOutbox({ file });
    let now = 1_000_000;
    const calls: string[] = [];
    const service = new EventsService({
      outbox,
      store,
      peers: [
        {
          baseUrl: "https://peer.example",
          clientId: "c",
          clientSecret: "s",
          sourcePatterns: [],
          inboundClientIds: [],
          subscribe: true,
        },
      ],
      settings: {
        ...DEFAULT_EVENTS_SETTINGS,
        allowPrivateNetworks: true,
        backoffBaseMs: 1000,
        backoffMaxMs: 4000,
        maxAgeMs,
      },
      source: "https://us.example",
      logger: pino({ level: "silent" }),
      now: () => now,
      random: () => 0.5,
      fetch: async (input) => {
        const url = String(input instanceof Request ? input.url : input);
        calls.push(url);
        if (url.endsWith("/.well-known/openid-configuration")) return new Response("", { status: 404 });
        if (url.endsWith("/auth/token")) {
          return Response.json({ access_token: "t", token_type: "Bearer", expires_in: 3600 });
        }
        return respond();
      },
    });
    return {
      service,
      outbox,
      calls,
      advance: (ms: number) => {
        now += ms;
      },
      close: async () => {
        await outbox.close();
        await store.close();
      },
    };
  }

  it("gives up into dead-letter after maxAgeMs, honouring Retry-After", async () => {
    const t = await setup(() => new Response("{}", { status: 503, headers: { "retry-after": "3" } }), 10_000);
    await t.service.footprintsChanged(["3893bb5d-da16-4dc1-9185-11d97476c254"]);
    assert.equal(await t.service.runOnce(), 1);
    const [d] = await t.outbox.list();
    assert.equal(d?.status, "pending");
    assert.equal(d?.attempts, 1);
    assert.equal((d?.nextAttemptAt ?? 0) - 1_000_000, 3000, "Retry-After (3 s) beats the 750 ms backoff");
    assert.equal(await t.service.runOnce(), 0, "not due yet");
    for (let i = 0; i < 5; i++) {
      t.advance(5000);
      await t.service.runOnce();
    }
    const [dead] = await t.outbox.list();
    assert.equal(dead?.status, "dead");
    assert.match(dead?.lastError ?? "", /HTTP 503/);
    assert.deepEqual(await t.outbox.counts(), { pending: 0, delivered: 0, dead: 1 });
    assert.equal(await t.outbox.retry(dead?.id ?? "", 2_000_000), true, "a dead delivery can be retried");
    assert.equal((await t.outbox.get(dead?.id ?? ""))?.status, "pending");
    await t.close();
  });

  it("dead-letters at once when the peer refuses the event (400)", async () => {
    const t = await setup(() => Response.json({ code: "BadRequest", message: "no" }, { status: 400 }));
    await t.service.footprintsChanged(["3893bb5d-da16-4dc1-9185-11d97476c254"]);
    await t.service.runOnce();
    const [d] = await t.outbox.list();
    assert.equal(d?.status, "dead");
    assert.equal(d?.attempts, 1);
    await t.close();
  });

  it("the worker deletes history older than retentionMs (default 30 days) when it starts", async () => {
    const t = await setup(() => new Response(null, { status: 200 }));
    await t.service.footprintsChanged(["3893bb5d-da16-4dc1-9185-11d97476c254"]);
    await t.service.runOnce();
    assert.deepEqual(await t.outbox.counts(), { pending: 0, delivered: 1, dead: 0 });
    t.advance(29 * 86_400_000);
    assert.deepEqual(await t.service.purgeHistory(), { deliveries: 0, inbound: 0 }, "29 days: kept");
    t.advance(2 * 86_400_000);
    t.service.start();
    try {
      await until(async () => (await t.outbox.counts()).delivered === 0, 5000);
      assert.deepEqual(await t.outbox.counts(), { pending: 0, delivered: 0, dead: 0 });
    } finally {
      await t.service.stop();
      await t.close();
    }
  });
});

describe("Published events and visibility", () => {
  it("announces to a visibleAs peer only ids its client may see (fail closed when unknown)", async () => {
    const file = join(tmp(), "ileap.sqlite");
    const store = new SqliteStore({ file });
    const outbox = new SqliteOutbox({ file });
    const peer = (visibleAs?: string): PeerConfig => ({
      baseUrl: "https://peer.example",
      clientId: "c",
      clientSecret: "s",
      sourcePatterns: [],
      inboundClientIds: [],
      subscribe: true,
      ...(visibleAs ? { visibleAs } : {}),
    });
    const make = (p: PeerConfig) =>
      new EventsService({
        outbox,
        store,
        peers: [p],
        settings: DEFAULT_EVENTS_SETTINGS,
        source: "https://us.example",
        logger: pino({ level: "silent" }),
        principalFor: (id) =>
          id === "reader"
            ? { subject: id, clientId: id, roles: [], grants: new Set(["pcf"] as const) }
            : undefined,
      });
    const unknownId = "3893bb5d-da16-4dc1-9185-11d97476c254";
    assert.equal(await make(peer("nobody")).footprintsChanged([unknownId]), 0);
    assert.equal(await make(peer("reader")).footprintsChanged([unknownId]), 0, "not stored: not visible");
    assert.equal(await make(peer()).footprintsChanged([unknownId]), 1);
    await outbox.close();
    await store.close();
  });
});

describe("ileap events CLI", () => {
  it("lists, shows and retries deliveries", async () => {
    const dir = tmp();
    const outbox = new SqliteOutbox({ file: join(dir, "ileap.sqlite") });
    await outbox.enqueue(
      {
        id: "11111111-1111-4111-8111-111111111111",
        kind: "published",
        target: "https://peer.example",
        dedupeKey: "published:1",
        body: JSON.stringify({
          type: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
          data: { pfIds: [] },
        }),
        refusedReason: "test",
      },
      Date.now(),
    );
    await outbox.close();
    const list = await runCli(["events", "list", "--data-dir", dir, "--json"]);
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout) as { id: string; status: string }[];
    assert.deepEqual(
      rows.map((r) => [r.id, r.status]),
      [["11111111-1111-4111-8111-111111111111", "dead"]],
    );
    const show = await runCli(["events", "show", "11111111-1111-4111-8111-111111111111", "--data-dir", dir]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /Published\.v1/);
    const retry = await runCli([
      "events",
      "retry",
      "11111111-1111-4111-8111-111111111111",
      "--data-dir",
      dir,
    ]);
    assert.equal(retry.code, 0, retry.stderr);
    const pending = await runCli(["events", "list", "--data-dir", dir, "--status", "pending"]);
    assert.match(pending.stdout, /pending/);
    const missing = await runCli(["events", "show", "nope", "--data-dir", dir]);
    assert.equal(missing.code, 1);
    const inbound = await runCli(["events", "list", "--inbound", "--data-dir", dir, "--json"]);
    assert.deepEqual(JSON.parse(inbound.stdout), []);
    const tooMany = await runCli(["events", "list", "--limit", "20000", "--data-dir", dir]);
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /--limit must be an integer from 1 to 10000; got '20000'/);
    const badAge = await runCli(["events", "purge", "--older-than", "3 weeks", "--data-dir", dir]);
    assert.equal(badAge.code, 2);
    assert.match(
      badAge.stderr,
      /--older-than must be a whole number with a unit s, m, h or d .*got '3 weeks'/,
    );
    const purge = await runCli(["events", "purge", "--older-than", "0s", "--data-dir", dir, "--json"]);
    assert.equal(purge.code, 0, purge.stderr);
    assert.deepEqual(
      JSON.parse(purge.stdout),
      { deliveries: 0, inbound: 0 },
      "the retried delivery is pending: kept",
    );
    // The host's config names a peer secret by environment variable: the CLI does not need it.
    const config = join(dir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        peers: [{ baseUrl: "https://peer.example", clientId: "us", clientSecretEnv: "UNSET_PEER_SECRET" }],
      }),
    );
    const withConfig = await runCli(["events", "list", "--config", config, "--data-dir", dir, "--json"]);
    assert.equal(withConfig.code, 0, withConfig.stderr);
    assert.equal((JSON.parse(withConfig.stdout) as unknown[]).length, 1);
    const badConfig = await runCli(["events", "list", "--config", join(dir, "missing.json")]);
    assert.equal(badConfig.code, 2);
    assert.match(badConfig.stderr, /configuration error: config file .*missing\.json: cannot be read/);
  });
});
