/**
 * The raw node:http fast path (src/http/fast-path.ts): over real sockets, a cache hit it serves is
 * byte-for-byte the answer the Hono path gives (status, headers in order, body, access-log line),
 * and every request it must not answer reaches Hono untouched.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { hashSecret } from "../../src/auth/secret-hash.ts";
import { loadConfig } from "../../src/config/load.ts";
import { type FastPath, fastPathOf, registerFastPath } from "../../src/http/fast-path.ts";
import { type RunningHttpServer, startHttpServer } from "../../src/http/server.ts";
import { createIleapServer, type IleapServer } from "../../src/server.ts";
import { LogSink } from "../helpers/servers.ts";

interface Answer {
  readonly status: number;
  /** Raw header lines in wire order (name lower-cased), without `date`. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

/** One request over a socket with exactly the given headers (`Host` included). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const raw = res.rawHeaders;
        const pairs: [string, string][] = [];
        for (let i = 0; i < raw.length; i += 2) {
          const name = (raw[i] as string).toLowerCase();
          if (name !== "date") pairs.push([name, raw[i + 1] as string]);
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: pairs,
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const header = (a: Answer, name: string) => a.headers.find(([n]) => n === name)?.[1];
const withoutRequestId = (a: Answer) => ({
  ...a,
  headers: a.headers.map(([n, v]) => [n, n === "x-request-id" ? "<id>" : v] as const),
});

interface Host {
  readonly host: IleapServer;
  readonly logs: LogSink;
  /** Listener with the fast path (counting what it answers). */
  readonly fast: RunningHttpServer;
  /** Listener without it (Hono only), same app, cache and keys. */
  readonly hono: RunningHttpServer;
  /** Requests the fast path answered so far. */
  served(): number;
  token(client: string, secret: string, origin?: string): Promise<string>;
  close(): Promise<void>;
}

/** A client that may read TAD only (minted-format secret: fast hash). */
const TAD_ONLY_SECRET = `ilsk_${"t".repeat(43)}`;

async function startHost(env: Record<string, string> = {}): Promise<Host> {
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-fast-"));
  const file = join(dataDir, "ileap.json");
  writeFileSync(
    file,
    JSON.stringify({
      auth: { clients: [{ id: "tad_only", secretHash: await hashSecret(TAD_ONLY_SECRET), grants: ["tad"] }] },
    }),
  );
  const config = loadConfig({ file, env: { ILEAP_DEMO: "true", ILEAP_DATA_DIR: dataDir, ...env } });
  const logs = new LogSink();
  const host = await createIleapServer(config, { logger: pino({ level: "info" }, logs) });
  const inner = fastPathOf(host.app) as FastPath;
  assert.ok(inner, "createApp builds a fast path by default");
  let served = 0;
  registerFastPath(host.app, (req, res) => {
    const answered = inner(req, res);
    if (answered) served++;
    return answered;
  });
  const fast = await startHttpServer(host.app, { host: "127.0.0.1", port: 0 });
  const hono = await startHttpServer(host.app, { host: "127.0.0.1", port: 0, fastPath: false });
  return {
    host,
    logs,
    fast,
    hono,
    served: () => served,
    token: async (client, secret, origin = "http://api.test") => {
      const res = await host.app.request(`${origin}${config.pathPrefix}/auth/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    close: async () => {
      await fast.close(500);
      await hono.close(500);
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The access-log line of request `reqId`, without its duration. */
function accessLine(logs: LogSink, reqId: string): Record<string, unknown> | undefined {
  for (const text of logs.lines) {
    const line = JSON.parse(text) as Record<string, unknown>;
    if (line.msg === "request" && line.reqId === reqId) {
      const { time: _t, ms: _m, pid: _p, hostname: _h, ...rest } = line;
      return rest;
    }
  }
  return undefined;
}

describe("raw fast path: same answers as the Hono path", () => {
  let h: Host;
  let bearer: string;
  let ids: { v2: string; v3: string };
  before(async () => {
    h = await startHost();
    bearer = await h.token("hello", "pathfinder");
    const list = JSON.parse((await send(h.hono.port, "GET", "/2/footprints?limit=1", auth())).body) as {
      data: { id: string }[];
    };
    const v3 = JSON.parse((await send(h.hono.port, "GET", "/3/footprints?limit=1", auth())).body) as {
      data: { id: string }[];
    };
    ids = { v2: list.data[0]?.id ?? "", v3: v3.data[0]?.id ?? "" };
  });
  after(() => h?.close());
  const auth = (extra: Record<string, string> = {}) => ({
    host: "api.test",
    authorization: `Bearer ${bearer}`,
    ...extra,
  });

  it("serves cache hits of every read route with the Hono path's status, headers (in order) and body", async () => {
    const paths = [
      "/2/footprints?limit=10",
      "/2/footprints?limit=2",
      `/2/footprints/${ids.v2}`,
      "/2/ileap/tad?limit=10",
      "/2/ileap/tad?limit=1&mode=Road",
      "/3/footprints?limit=10",
      "/3/footprints?limit=1",
      `/3/footprints/${ids.v3}`,
    ];
    for (const path of paths) {
      const miss = await send(h.fast.port, "GET", path, auth()); // fills the cache through Hono
      const before = h.served();
      const fast = await send(h.fast.port, "GET", path, auth());
      assert.equal(h.served(), before + 1, `${path}: answered by the fast path`);
      const hono = await send(h.hono.port, "GET", path, auth());
      assert.equal(fast.status, 200, path);
      assert.deepEqual(withoutRequestId(fast), withoutRequestId(hono), path);
      assert.deepEqual(withoutRequestId(fast), withoutRequestId(miss), path);
      assert.match(header(fast, "x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      assert.notEqual(header(fast, "x-request-id"), header(hono, "x-request-id"));
    }
    const paged = await send(h.fast.port, "GET", "/2/footprints?limit=2", auth());
    assert.match(header(paged, "link") ?? "", /^<http:\/\/api\.test\/2\/footprints\?limit=2&pageToken=/);
  });

  it("honours the client's X-Request-Id by the same rule and writes the same access-log line", async () => {
    const path = "/2/ileap/tad?limit=10";
    await send(h.fast.port, "GET", path, auth());
    for (const [given, kept] of [
      ["trace.abc:1", true],
      ["abc=def_1", true],
      ["bad id", false],
      ["x".repeat(300), false],
    ] as const) {
      const before = h.served();
      const fast = await send(h.fast.port, "GET", path, auth({ "x-request-id": given }));
      assert.equal(h.served(), before + 1);
      const hono = await send(h.hono.port, "GET", path, auth({ "x-request-id": given }));
      const fastId = header(fast, "x-request-id") as string;
      const honoId = header(hono, "x-request-id") as string;
      assert.equal(fastId === given, kept, given);
      assert.equal(honoId === given, kept, given);
      if (!kept) {
        assert.notEqual(fastId, honoId);
        const fastLine = accessLine(h.logs, fastId);
        const honoLine = accessLine(h.logs, honoId);
        assert.ok(fastLine && honoLine, "both paths log the request");
        assert.deepEqual({ ...fastLine, reqId: "" }, { ...honoLine, reqId: "" });
        assert.deepEqual(
          { ...fastLine, reqId: "" },
          {
            level: 30,
            reqId: "",
            method: "GET",
            path: "/2/ileap/tad",
            queryLength: 9,
            status: 200,
            clientId: "hello",
            msg: "request",
          },
        );
      }
    }
  });

  it("falls through for unknown, expired-looking or malformed tokens (status matrix answers)", async () => {
    const path = "/2/footprints?limit=10";
    await send(h.fast.port, "GET", path, auth());
    for (const authorization of [
      undefined,
      "Bearer not-a-token",
      `Bearer ${bearer}x`,
      `Basic ${Buffer.from("hello:pathfinder").toString("base64")}`,
      `Bearer ${bearer}, Bearer ${bearer}`,
    ]) {
      const headers: Record<string, string> = { host: "api.test" };
      if (authorization !== undefined) headers.authorization = authorization;
      const before = h.served();
      const fast = await send(h.fast.port, "GET", path, headers);
      assert.equal(h.served(), before, String(authorization));
      const hono = await send(h.hono.port, "GET", path, headers);
      assert.ok(fast.status === 400 || fast.status === 401 || fast.status === 403, `${fast.status}`);
      assert.deepEqual(withoutRequestId(fast), withoutRequestId(hono));
    }
  });

  it("falls through for another host's token (issuer), a missing grant, parameter errors and other methods", async () => {
    const path = "/2/ileap/tad?limit=10";
    await send(h.fast.port, "GET", path, auth());
    const cases: [string, string, Record<string, string>][] = [
      // The token was issued for http://api.test: another host name is another issuer.
      ["GET", path, auth({ host: "other.test" })],
      // A client without a footprint grant.
      [
        "GET",
        "/2/footprints?limit=10",
        { host: "api.test", authorization: `Bearer ${await h.token("tad_only", TAD_ONLY_SECRET)}` },
      ],
      ["GET", "/2/footprints?limit=0", auth()],
      ["GET", "/2/footprints?limit=10&$top=3", auth()],
      ["GET", "/2/ileap/tad?limit=10&$filter=x", auth()],
      ["GET", "/2/footprints/", auth()],
      ["GET", "/2/footprints/no-such-id", auth()],
      ["GET", "/2/footprints/%41", auth()],
      ["GET", "/2/./footprints?limit=10", auth()],
      ["HEAD", path, auth()],
      ["POST", path, auth({ "content-type": "application/json" })],
      ["DELETE", `/2/footprints/${ids.v2}`, auth()],
    ];
    for (const [method, target, headers] of cases) {
      // Twice: a 200 answer is cached by the first, and must still not come from the fast path.
      await send(h.fast.port, method, target, headers);
      const before = h.served();
      const fast = await send(h.fast.port, method, target, headers);
      const hono = await send(h.hono.port, method, target, headers);
      const label = `${method} ${target} ${headers.host}`;
      if (method === "GET" && fast.status === 200) {
        // Only a Hono-normalised URL (percent-encoding, dot segments) may be 200 here; it is not ours.
        assert.ok(target.includes("%") || target.includes("/./"), label);
      }
      assert.equal(h.served(), before, label);
      assert.deepEqual(withoutRequestId(fast), withoutRequestId(hono), label);
    }
  });

  it("serves fresh data after a write (the data version moves on)", async () => {
    const path = "/2/ileap/tad?limit=1000";
    const first = await send(h.fast.port, "GET", path, auth());
    await send(h.fast.port, "GET", path, auth());
    const sample = (JSON.parse(first.body) as { data: Record<string, unknown>[] }).data[0];
    assert.ok(sample);
    await h.host.store.putTad([{ document: { ...sample, activityId: "fast-path-write" } }]);
    const before = h.served();
    const after = await send(h.fast.port, "GET", path, auth());
    assert.equal(h.served(), before, "the stale entry is not served");
    assert.ok(after.body.includes("fast-path-write"));
    const again = await send(h.fast.port, "GET", path, auth());
    assert.equal(h.served(), before + 1, "the fresh answer is served from the cache again");
    assert.equal(again.body, after.body);
  });
});

describe("raw fast path: prefix, host trust and HTTPS", () => {
  it("serves under the route prefix only", async () => {
    const h = await startHost({ ILEAP_PATH_PREFIX: "/ileap" });
    try {
      const bearer = await h.token("hello", "pathfinder");
      const headers = { host: "api.test", authorization: `Bearer ${bearer}` };
      await send(h.fast.port, "GET", "/ileap/2/footprints?limit=3", headers);
      const before = h.served();
      const fast = await send(h.fast.port, "GET", "/ileap/2/footprints?limit=3", headers);
      assert.equal(h.served(), before + 1);
      const hono = await send(h.hono.port, "GET", "/ileap/2/footprints?limit=3", headers);
      assert.deepEqual(withoutRequestId(fast), withoutRequestId(hono));
      assert.match(header(fast, "link") ?? "", /^<http:\/\/api\.test\/ileap\/2\/footprints\?/);
      const unprefixed = await send(h.fast.port, "GET", "/2/footprints?limit=3", headers);
      assert.equal(unprefixed.status, 404);
      assert.equal(h.served(), before + 1);
    } finally {
      await h.close();
    }
  });

  it("refuses untrusted hosts (421) and plain HTTP (400) even when the answer is cached", async () => {
    // A fixed public URL makes the base URL (and so the cache key) the same for every request:
    // only the host and HTTPS checks themselves stand between a refused request and the entry.
    const h = await startHost({
      ILEAP_PUBLIC_URL: "https://api.test",
      ILEAP_ALLOWED_HOSTS: "api.test",
      ILEAP_TRUST_PROXY: "true",
      ILEAP_REQUIRE_HTTPS: "true",
    });
    try {
      const bearer = await h.token("hello", "pathfinder", "https://api.test");
      const ok = { host: "api.test", authorization: `Bearer ${bearer}`, "x-forwarded-proto": "https" };
      const path = "/2/footprints?limit=3";
      await send(h.fast.port, "GET", path, ok);
      const before = h.served();
      const hit = await send(h.fast.port, "GET", path, ok);
      assert.equal(hit.status, 200);
      assert.equal(h.served(), before + 1);
      for (const [headers, status] of [
        [{ ...ok, host: "evil.test" }, 421],
        [{ ...ok, "x-forwarded-host": "evil.test" }, 421],
        [{ ...ok, "x-forwarded-proto": "http" }, 400],
        [{ host: "api.test", authorization: ok.authorization }, 400],
      ] as const) {
        const fast = await send(h.fast.port, "GET", path, headers);
        const hono = await send(h.hono.port, "GET", path, headers);
        assert.equal(fast.status, status, JSON.stringify(headers));
        assert.deepEqual(withoutRequestId(fast), withoutRequestId(hono));
      }
      assert.equal(h.served(), before + 1);
      const long = `${path}&${"a".repeat(9000)}=1`;
      const tooLong = await send(h.fast.port, "GET", long, ok);
      assert.equal(tooLong.status, 414);
      assert.equal(h.served(), before + 1);
    } finally {
      await h.close();
    }
  });

  it("is off with ILEAP_FAST_PATH=false", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ileap-fast-"));
    const config = loadConfig({
      env: { ILEAP_DEMO: "true", ILEAP_DATA_DIR: dataDir, ILEAP_FAST_PATH: "false" },
    });
    const host = await createIleapServer(config, { logger: pino({ level: "silent" }) });
    try {
      assert.equal(fastPathOf(host.app), undefined);
    } finally {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("raw fast path: the token endpoint", () => {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  const form = "application/x-www-form-urlencoded";
  const tokenHeaders = (body: string, extra: Record<string, string> = {}) => ({
    host: "api.test",
    authorization: basic("hello", "pathfinder"),
    "content-type": form,
    "content-length": String(Buffer.byteLength(body)),
    ...extra,
  });
  /** Answers compared without the request id, and with `expires_in` (it counts down) blanked. */
  const comparable = (a: Answer) => {
    const body = a.body.replace(/"expires_in":\d+/, '"expires_in":0');
    return { ...withoutRequestId(a), body };
  };

  let h: Host;
  before(async () => {
    h = await startHost({ ILEAP_MAX_BODY_BYTES: "65536" });
  });
  after(() => h?.close());

  it("answers token requests and their errors exactly as the Hono route does", async () => {
    const grant = "grant_type=client_credentials";
    const cases: [string, Record<string, string>, string][] = [
      ["/auth/token", tokenHeaders(grant), grant],
      ["/auth/token?x=1", tokenHeaders(grant), grant],
      ["/auth/token", tokenHeaders(grant, { "content-type": `${form}; charset=UTF-8` }), grant],
      ["/auth/token", tokenHeaders(grant, { "content-type": "application/json" }), grant],
      [
        "/auth/token",
        tokenHeaders("grant_type=client_credentials&grant_type=x"),
        "grant_type=client_credentials&grant_type=x",
      ],
      ["/auth/token", tokenHeaders("grant_type=password"), "grant_type=password"],
      ["/auth/token", tokenHeaders("scope="), "scope="],
      ["/auth/token", tokenHeaders(grant, { authorization: basic("hello", "wrong") }), grant],
      ["/auth/token", tokenHeaders(grant, { authorization: "Basic !!!" }), grant],
      ["/auth/token", tokenHeaders(grant, { authorization: basic("nobody", "x") }), grant],
      [
        "/auth/token",
        tokenHeaders("\uFEFFgrant_type=client_credentials"),
        "\uFEFFgrant_type=client_credentials",
      ],
      ["/auth/token", tokenHeaders(grant, { "x-request-id": "tok.1" }), grant],
    ];
    for (const [path, headers, body] of cases) {
      const before = h.served();
      const fast = await send(h.fast.port, "POST", path, headers, body);
      assert.equal(h.served(), before + 1, `${path} ${JSON.stringify(headers)}: fast path`);
      const hono = await send(h.hono.port, "POST", path, headers, body);
      assert.deepEqual(comparable(fast), comparable(hono), `${path} ${body} ${JSON.stringify(headers)}`);
      if (headers["x-request-id"]) assert.equal(header(fast, "x-request-id"), headers["x-request-id"]);
    }
    // A reused token is a working token: the fast path hands out what verifies.
    const ok = JSON.parse(
      (
        await send(
          h.fast.port,
          "POST",
          "/auth/token",
          tokenHeaders("grant_type=client_credentials"),
          "grant_type=client_credentials",
        )
      ).body,
    ) as { access_token: string };
    const read = await send(h.fast.port, "GET", "/2/footprints?limit=1", {
      host: "api.test",
      authorization: `Bearer ${ok.access_token}`,
    });
    assert.equal(read.status, 200);
  });

  it("leaves undeclared, chunked or oversized bodies and other methods to Hono", async () => {
    const grant = "grant_type=client_credentials";
    const big = `${grant}&pad=${"p".repeat(70_000)}`;
    const cases: [string, Record<string, string>, string | undefined][] = [
      ["POST", { ...tokenHeaders(grant), "content-length": "", "transfer-encoding": "chunked" }, grant],
      ["POST", tokenHeaders(big), big],
      ["GET", tokenHeaders(""), undefined],
      ["HEAD", tokenHeaders(""), undefined],
      ["POST", tokenHeaders(grant, { host: "API.test" }), grant],
    ];
    for (const [method, rawHeaders, body] of cases) {
      const headers = Object.fromEntries(Object.entries(rawHeaders).filter(([, v]) => v !== ""));
      const before = h.served();
      const fast = await send(h.fast.port, method, "/auth/token", headers, body);
      assert.equal(h.served(), before, `${method} ${JSON.stringify(headers).slice(0, 200)}`);
      const hono = await send(h.hono.port, method, "/auth/token", headers, body);
      assert.deepEqual(comparable(fast), comparable(hono));
    }
  });

  it("shares the per-address limit with the Hono route (one budget, whichever path answers)", async () => {
    const limited = await startHost({ ILEAP_TOKEN_RATE_PER_ADDRESS: "4" });
    try {
      const grant = "grant_type=client_credentials";
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const port = i % 2 === 0 ? limited.fast.port : limited.hono.port;
        statuses.push((await send(port, "POST", "/auth/token", tokenHeaders(grant), grant)).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
      assert.equal(limited.served(), 3);
    } finally {
      await limited.close();
    }
  });
});
