/**
 * The outbound guard against a loopback server: refused names and literals never connect, allowed
 * names connect at the address the guard resolved (the host name is fake), and a name that
 * changes its answer (DNS rebinding) cannot get a connection to loopback.
 */
import assert from "node:assert/strict";
import type { LookupAddress } from "node:dns";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { IleapClient } from "../../src/client/client.ts";
import { IleapNetworkError } from "../../src/client/errors.ts";
import { publishedEvent } from "../../src/client/events.ts";
import { DEFAULT_EVENTS_SETTINGS } from "../../src/events/config.ts";
import { EventsService } from "../../src/events/service.ts";
import { SqliteOutbox } from "../../src/events/sqlite-outbox.ts";
import {
  checkOutboundUrl,
  guardedFetch,
  guardedLookup,
  isOutboundRefusal,
  isPrivateAddress,
  OutboundRefusedError,
  type Resolver,
} from "../../src/events/ssrf.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";

/** A loopback HTTP server counting connections and requests. */
interface Peer {
  readonly port: number;
  connections: number;
  readonly requests: string[];
}

let server: Server;
const peer: Peer = { port: 0, connections: 0, requests: [] };

before(async () => {
  server = createServer((req, res) => {
    peer.requests.push(`${req.method} ${req.url}`);
    if (req.url === "/redirect") {
      res.writeHead(302, { location: `http://127.0.0.1:${peer.port}/elsewhere` }).end();
    } else if (req.url === "/.well-known/openid-configuration") {
      res.writeHead(404).end();
    } else if (req.url === "/auth/token") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ access_token: "t", token_type: "Bearer", expires_in: 3600 }));
    } else {
      res.writeHead(200, { "content-type": "text/plain" }).end(`host ${req.headers.host}`);
    }
  });
  server.on("connection", () => {
    peer.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  (peer as { port: number }).port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function resetPeer(): void {
  peer.connections = 0;
  peer.requests.length = 0;
}

/** A resolver answering `answers[i]` on call `i` (the last one afterwards), recording the names asked. */
function scripted(...answers: string[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    const answer = answers[Math.min(calls.length, answers.length - 1)] ?? [];
    calls.push(hostname);
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

const dirs: string[] = [];

describe("guardedFetch pins connections to checked addresses", () => {
  it("refuses a name resolving to loopback without any connection", async () => {
    resetPeer();
    const resolve = scripted(["127.0.0.1"]);
    const f = guardedFetch(false, undefined, { resolve });
    const err = await f(`http://peer.invalid:${peer.port}/x`).then(
      () => assert.fail("should be refused"),
      (e: unknown) => e,
    );
    assert.equal(isOutboundRefusal(err), true, String(err));
    assert.deepEqual(resolve.calls, ["peer.invalid"]);
    assert.equal(peer.connections, 0);
  });

  it("refuses a name with any private address among public ones", async () => {
    resetPeer();
    const resolve = scripted(["192.0.2.1", "127.0.0.1"]);
    const f = guardedFetch(false, undefined, { resolve });
    const err = await f(`http://peer.invalid:${peer.port}/x`).catch((e: unknown) => e);
    assert.equal(isOutboundRefusal(err), true, String(err));
    assert.equal(peer.connections, 0);
  });

  it("with allowPrivateNetworks connects to the resolver's address (the name itself is fake)", async () => {
    resetPeer();
    const resolve = scripted(["127.0.0.1"]);
    const f = guardedFetch(true, undefined, { resolve });
    const res = await f(`http://peer.invalid:${peer.port}/x`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), `host peer.invalid:${peer.port}`);
    assert.deepEqual(resolve.calls, ["peer.invalid"]);
    assert.equal(peer.connections, 1);
  });

  it("resolves once per connection and connects only to what it checked (rebinding)", async () => {
    resetPeer();
    // Public (TEST-NET-1, never reachable: the connect attempt times out or fails at once) on the
    // first answer, loopback afterwards.
    const resolve = scripted(["192.0.2.1"], ["127.0.0.1"]);
    const f = guardedFetch(false, undefined, { resolve, connectTimeoutMs: 50 });
    const first = await f(`http://rebind.invalid:${peer.port}/x`).catch((e: unknown) => e);
    assert.ok(first instanceof Error, "192.0.2.1 is not reachable");
    assert.equal(isOutboundRefusal(first), false, "the public answer passed the check");
    assert.deepEqual(resolve.calls, ["rebind.invalid"], "one resolution: the checked one is used");
    assert.equal(peer.connections, 0, "the loopback answer never reached a socket");
    const second = await f(`http://rebind.invalid:${peer.port}/x`).catch((e: unknown) => e);
    assert.equal(isOutboundRefusal(second), true, String(second));
    assert.equal(resolve.calls.length, 2);
    assert.equal(peer.connections, 0);
  });

  it("guardedLookup hands the socket exactly the addresses it checked, once per lookup", async () => {
    const resolve = scripted(["192.0.2.1", "2001:db8::1"], ["127.0.0.1"]);
    const lookup = guardedLookup(false, resolve);
    const call = (options: { all?: boolean; family?: number }) =>
      new Promise<{ err: unknown; address: string | LookupAddress[]; family?: number }>((done) =>
        lookup("rebind.invalid", options, (err, address, family) =>
          done(family === undefined ? { err, address } : { err, address, family }),
        ),
      );
    assert.deepEqual(await call({ all: true }), {
      err: null,
      address: [
        { address: "192.0.2.1", family: 4 },
        { address: "2001:db8::1", family: 6 },
      ],
    });
    assert.equal(resolve.calls.length, 1);
    const refused = await call({});
    assert.ok(refused.err instanceof OutboundRefusedError);
    assert.equal(resolve.calls.length, 2);

    const v6 = guardedLookup(false, scripted(["192.0.2.1", "2001:db8::1"]));
    const single = await new Promise<unknown[]>((done) =>
      v6("x.invalid", { family: 6 }, (...args) => done(args)),
    );
    assert.deepEqual(single, [null, "2001:db8::1", 6]);
  });

  it("refuses private IP literals and localhost before connecting, without resolving", async () => {
    resetPeer();
    const resolve = scripted(["127.0.0.1"]);
    const f = guardedFetch(false, undefined, { resolve });
    for (const host of [
      "127.0.0.1",
      "[::1]",
      "10.1.2.3",
      "[::ffff:127.0.0.1]",
      "[64:ff9b::7f00:1]",
      "localhost",
    ]) {
      await assert.rejects(f(`http://${host}:${peer.port}/x`), OutboundRefusedError, host);
    }
    assert.deepEqual(resolve.calls, []);
    assert.equal(peer.connections, 0);
    const allowed = await guardedFetch(true, undefined, { resolve })(`http://127.0.0.1:${peer.port}/x`);
    assert.equal(allowed.status, 200);
    await allowed.text();
    assert.deepEqual(resolve.calls, [], "a literal is not resolved");
  });

  it("refuses protocols other than http and https, even when private networks are allowed", async () => {
    const f = guardedFetch(true, undefined, { resolve: scripted(["127.0.0.1"]) });
    await assert.rejects(f("file:///etc/passwd"), OutboundRefusedError);
    await assert.rejects(f(`ftp://127.0.0.1:${peer.port}/`), OutboundRefusedError);
    await assert.rejects(checkOutboundUrl("data:text/plain,x", true), OutboundRefusedError);
  });

  it("never follows redirects", async () => {
    resetPeer();
    const f = guardedFetch(true, undefined, { resolve: scripted(["127.0.0.1"]) });
    const res = await f(`http://peer.invalid:${peer.port}/redirect`, { redirect: "follow" });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), `http://127.0.0.1:${peer.port}/elsewhere`);
    await res.text();
    assert.deepEqual(peer.requests, ["GET /redirect"]);
  });

  it("with an injected fetch checks ahead of time and forces manual redirects", async () => {
    const seen: (RequestInit | undefined)[] = [];
    const resolve = scripted(["127.0.0.1"]);
    const inner = async (_input: string | URL | Request, init?: RequestInit) => {
      seen.push(init);
      return new Response("");
    };
    await assert.rejects(
      guardedFetch(false, inner, { resolve })("http://peer.invalid/"),
      OutboundRefusedError,
    );
    await assert.rejects(guardedFetch(false, inner)("http://[::1]/"), OutboundRefusedError);
    assert.equal(seen.length, 0);
    await guardedFetch(true, inner)("http://peer.invalid/", { redirect: "follow" });
    assert.equal(seen[0]?.redirect, "manual");
  });
});

describe("refusals through the client and the events service", () => {
  it("a refusal through IleapClient is an IleapNetworkError recognised by isOutboundRefusal", async () => {
    resetPeer();
    const client = new IleapClient({
      baseUrl: `http://peer.invalid:${peer.port}`,
      clientId: "c",
      clientSecret: "s",
      fetch: guardedFetch(false, undefined, { resolve: scripted(["127.0.0.1"]) }),
      retries: 0,
    });
    const err = await client
      .sendEvent(publishedEvent("https://us.example", ["3893bb5d-da16-4dc1-9185-11d97476c254"]))
      .catch((e: unknown) => e);
    assert.ok(err instanceof IleapNetworkError, String(err));
    assert.equal(err instanceof OutboundRefusedError, false, "wrapped by the client");
    assert.equal(isOutboundRefusal(err), true);
    assert.equal(peer.connections, 0);
  });

  it("IleapClient works over the pinned fetch when the address is allowed", async () => {
    resetPeer();
    const client = new IleapClient({
      baseUrl: `http://peer.invalid:${peer.port}`,
      clientId: "c",
      clientSecret: "s",
      fetch: guardedFetch(true, undefined, { resolve: scripted(["127.0.0.1"]) }),
      retries: 0,
    });
    const sent = await client.sendEvent(
      publishedEvent("https://us.example", ["3893bb5d-da16-4dc1-9185-11d97476c254"]),
    );
    assert.equal(sent.status, 200);
    assert.ok(peer.requests.includes("POST /2/events"), peer.requests.join(", "));
  });

  for (const variant of ["default fetch", "injected fetch"] as const) {
    it(`dead-letters a delivery to a refused address on the first attempt (${variant})`, async () => {
      resetPeer();
      const dir = mkdtempSync(join(tmpdir(), "ileap-ssrf-"));
      dirs.push(dir);
      const file = join(dir, "ileap.sqlite");
      const store = new SqliteStore({ file });
      const outbox = new SqliteOutbox({ file });
      let injected = 0;
      const service = new EventsService({
        outbox,
        store,
        peers: [
          {
            baseUrl: `http://127.0.0.1:${peer.port}`,
            clientId: "c",
            clientSecret: "s",
            sourcePatterns: [],
            inboundClientIds: [],
            subscribe: true,
          },
        ],
        settings: { ...DEFAULT_EVENTS_SETTINGS, allowPrivateNetworks: false, maxAgeMs: 3_600_000 },
        source: "https://us.example",
        logger: pino({ level: "silent" }),
        ...(variant === "injected fetch"
          ? {
              fetch: async () => {
                injected++;
                return new Response("");
              },
            }
          : {}),
      });
      try {
        assert.equal(await service.footprintsChanged(["3893bb5d-da16-4dc1-9185-11d97476c254"]), 1);
        assert.equal(await service.runOnce(), 1);
        const [d] = await outbox.list();
        assert.equal(d?.status, "dead");
        assert.equal(d?.attempts, 1);
        assert.match(d?.lastError ?? "", /refused/);
        assert.equal(peer.connections, 0);
        assert.equal(injected, 0);
      } finally {
        await outbox.close();
        await store.close();
      }
    });
  }
});

describe("isOutboundRefusal and isPrivateAddress", () => {
  it("finds a refusal anywhere in the cause chain", () => {
    const refusal = new OutboundRefusedError("no");
    assert.equal(isOutboundRefusal(refusal), true);
    assert.equal(
      isOutboundRefusal(new Error("a", { cause: new TypeError("fetch failed", { cause: refusal }) })),
      true,
    );
    assert.equal(isOutboundRefusal(new Error("a", { cause: new Error("b") })), false);
    assert.equal(isOutboundRefusal("refused"), false);
    assert.equal(isOutboundRefusal(undefined), false);
    const loop = new Error("loop");
    (loop as { cause?: unknown }).cause = loop;
    assert.equal(isOutboundRefusal(loop), false);
  });

  it("classifies IPv6 forms embedding IPv4 by their IPv4 address", () => {
    for (const ip of [
      "::",
      "::1",
      "::ffff:7f00:1",
      "::ffff:10.0.0.1",
      "::127.0.0.1",
      "::a00:1",
      "::ffff:0:192.168.0.1",
      "64:ff9b::127.0.0.1",
      "64:ff9b::a9fe:a9fe",
      "64:ff9b:1::1",
      "2002:7f00:1::",
      "2002:c0a8:101::1",
      "2001:0:4136:e378:8000:63bf:80ff:fffe",
      "fc00::1",
      "fe80::1%eth0",
      "febf::1",
      "fec0::1",
      "ff02::1",
      "100::1",
      "0:0:0:0:0:0:0:1",
      "not an address",
    ]) {
      assert.equal(isPrivateAddress(ip), true, ip);
    }
    for (const ip of [
      "2606:4700:4700::1111",
      "2001:db8::1",
      "::ffff:8.8.8.8",
      "64:ff9b::808:808",
      "2002:808:808::1",
      "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
      "8.8.8.8",
    ]) {
      assert.equal(isPrivateAddress(ip), false, ip);
    }
  });
});
