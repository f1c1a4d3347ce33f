/**
 * Issue 15, finding 9 (events part): with `allowPrivateNetworks: true`, a peer's discovery
 * document could name any token endpoint and receive our peer credentials; peers at addresses the
 * outbound guard refuses were accepted without a word. Now credentials go only to the peer's
 * configured `baseUrl` / `authBaseUrl` origins, and such peers are named at start-up.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import type { PeerConfig } from "../../src/events/config.ts";
import { DEFAULT_EVENTS_SETTINGS } from "../../src/events/config.ts";
import { EventsService } from "../../src/events/service.ts";
import { SqliteOutbox } from "../../src/events/sqlite-outbox.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { LogSink } from "../helpers/servers.ts";

interface Listening {
  readonly server: Server;
  readonly url: string;
  readonly requests: { line: string; authorization?: string }[];
}

/** A loopback server; `discoveryTokenEndpoint` is what its discovery document names. */
async function listen(discoveryTokenEndpoint?: () => string): Promise<Listening> {
  const requests: Listening["requests"] = [];
  const server = createServer((req, res) => {
    requests.push({
      line: `${req.method} ${req.url}`,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    req.resume();
    if (req.url === "/.well-known/openid-configuration" && discoveryTokenEndpoint) {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ token_endpoint: discoveryTokenEndpoint() }));
    } else if (req.url?.endsWith("/token")) {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ access_token: "t", token_type: "bearer", expires_in: 3600 }));
    } else if (req.url === "/2/events") {
      res.writeHead(200).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe("peer credentials and the outbound guard (issue 15, finding 9)", () => {
  let collector: Listening;
  const dirs: string[] = [];
  before(async () => {
    collector = await listen();
  });
  after(async () => {
    collector.server.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function deliverTo(
    peer: Omit<PeerConfig, "clientId" | "clientSecret" | "sourcePatterns" | "inboundClientIds" | "subscribe">,
  ) {
    const dir = mkdtempSync(join(tmpdir(), "ileap-pinning-"));
    dirs.push(dir);
    const file = join(dir, "ileap.sqlite");
    const store = new SqliteStore({ file });
    const outbox = new SqliteOutbox({ file });
    const service = new EventsService({
      outbox,
      store,
      peers: [
        {
          ...peer,
          clientId: "our-id",
          clientSecret: "our-peer-secret",
          sourcePatterns: [],
          inboundClientIds: [],
          subscribe: true,
        },
      ],
      settings: { ...DEFAULT_EVENTS_SETTINGS, allowPrivateNetworks: true, maxAgeMs: 3_600_000 },
      source: "https://us.example",
      logger: pino({ level: "silent" }),
    });
    try {
      assert.equal(await service.footprintsChanged(["3893bb5d-da16-4dc1-9185-11d97476c254"]), 1);
      await service.runOnce();
      return (await outbox.list())[0];
    } finally {
      await outbox.close();
      await store.close();
    }
  }

  it("a discovery document naming a token endpoint on another origin gets no credentials", async () => {
    const peer = await listen(() => `${collector.url}/steal/token`);
    try {
      collector.requests.length = 0;
      const d = await deliverTo({ baseUrl: peer.url });
      assert.equal(collector.requests.length, 0, "nothing reached the other origin");
      assert.equal(d?.status, "dead", "a permanent refusal");
      assert.match(d?.lastError ?? "", /not on the peer's configured origin/);
      assert.ok(
        peer.requests.every((r) => r.authorization === undefined),
        "no credentials went to the peer either",
      );
      assert.ok(!peer.requests.some((r) => r.line === "POST /2/events"));
    } finally {
      peer.server.close();
    }
  });

  it("a token endpoint on the peer's own origin, or on its configured authBaseUrl, is used", async () => {
    const peer = await listen(() => `${peer.url}/oauth/token`);
    try {
      const d = await deliverTo({ baseUrl: peer.url });
      assert.equal(d?.status, "delivered", d?.lastError);
      assert.ok(peer.requests.some((r) => r.line === "POST /oauth/token"));
    } finally {
      peer.server.close();
    }
    const split = await listen(() => `${collector.url}/auth/token`);
    try {
      collector.requests.length = 0;
      const d = await deliverTo({ baseUrl: split.url, authBaseUrl: collector.url });
      assert.equal(d?.status, "delivered", d?.lastError);
      assert.ok(collector.requests.some((r) => r.line === "POST /auth/token" && r.authorization));
    } finally {
      split.server.close();
    }
  });

  it("warns at start-up about peers the outbound guard will refuse", async () => {
    const logs = new LogSink();
    const dir = mkdtempSync(join(tmpdir(), "ileap-pinning-"));
    dirs.push(dir);
    const file = join(dir, "ileap.sqlite");
    const store = new SqliteStore({ file });
    const outbox = new SqliteOutbox({ file });
    const peer = (baseUrl: string): PeerConfig => ({
      baseUrl,
      clientId: "c",
      clientSecret: "s",
      sourcePatterns: [],
      inboundClientIds: [],
      subscribe: false,
    });
    const service = new EventsService({
      outbox,
      store,
      peers: [
        peer("http://127.0.0.1:9"),
        peer("https://10.1.2.3"),
        peer("https://intranet.example"),
        peer("https://public.example"),
      ],
      settings: { ...DEFAULT_EVENTS_SETTINGS, allowPrivateNetworks: false },
      source: "https://us.example",
      logger: pino({ level: "info" }, logs),
    });
    try {
      const refused = await service.checkPeers(async (name) =>
        name === "intranet.example" ? [{ address: "192.168.1.10" }] : [{ address: "93.184.215.14" }],
      );
      assert.deepEqual(refused, ["http://127.0.0.1:9", "https://10.1.2.3", "https://intranet.example"]);
      const warnings = logs.lines.filter((l) => l.includes("peer refused by the outbound guard"));
      assert.equal(warnings.length, 3);
      assert.ok(
        warnings.every((w) => !w.includes('"s"')),
        "no secret in the warning",
      );
    } finally {
      await outbox.close();
      await store.close();
    }
  });
});
