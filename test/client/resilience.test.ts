/**
 * The SDK against small scripted hosts: retries on 503/429 with Retry-After, no retries for
 * events, network errors and timeouts, discovery fallback, Basic credentials encoding, unknown
 * fields, and unusable Link headers.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import {
  IleapApiError,
  IleapAuthError,
  IleapClient,
  type IleapClientOptions,
  IleapNetworkError,
  IleapResponseError,
  IleapTimeoutError,
  parseRetryAfter,
  publishedEvent,
} from "../../src/client/index.ts";
import { backoffDelay, retryAfterDelay } from "../../src/client/retry.ts";
import { parseBasicCredentials } from "../../src/protocol/basic-auth.ts";
import { type FakeHandler, type FakeHost, startFakeHost, tokenResponse } from "../helpers/fake-host.ts";

const hosts: FakeHost[] = [];
after(async () => {
  for (const h of hosts) await h.close();
});

async function host(handler: FakeHandler): Promise<FakeHost> {
  const h = await startFakeHost(handler);
  hosts.push(h);
  return h;
}

function opts(h: FakeHost, extra: Partial<IleapClientOptions> = {}): IleapClientOptions {
  return { baseUrl: h.url, clientId: "client", clientSecret: "secret", retryBaseDelayMs: 5, ...extra };
}

const TOKEN_PATHS = new Set(["/auth/token"]);

/** Handles discovery (404) and the token endpoint, then defers to `api`. */
function withAuth(api: FakeHandler): FakeHandler {
  return (req, h) => {
    if (req.path === "/.well-known/openid-configuration") return { status: 404, body: { code: "NotFound" } };
    if (TOKEN_PATHS.has(req.path)) return tokenResponse();
    return api(req, h);
  };
}

const count = (h: FakeHost, path: string) => h.requests.filter((r) => r.path === path).length;

describe("retries", () => {
  it("repeats a GET after 503 with Retry-After until it succeeds", async () => {
    let failures = 2;
    const h = await host(
      withAuth(() =>
        failures-- > 0
          ? { status: 503, headers: { "retry-after": "0" }, body: { code: "InternalError", message: "busy" } }
          : { status: 200, body: { data: [{ id: "a" }], extra: "ignored" } },
      ),
    );
    const page = await new IleapClient(opts(h)).listFootprints().page();
    assert.deepEqual(page.data, [{ id: "a" }]);
    assert.equal(count(h, "/2/footprints"), 3);
  });

  it("waits as long as Retry-After says", async () => {
    let failures = 1;
    const h = await host(
      withAuth(() =>
        failures-- > 0
          ? { status: 429, headers: { "retry-after": "1" } }
          : { status: 200, body: { data: [] } },
      ),
    );
    const started = Date.now();
    await new IleapClient(opts(h)).listTad().page();
    assert.ok(Date.now() - started >= 1000, "waited at least 1 s");
    assert.equal(count(h, "/2/ileap/tad"), 2);
  });

  it("gives up after `retries` and reports the status, code and Retry-After", async () => {
    const h = await host(
      withAuth(() => ({
        status: 503,
        headers: { "retry-after": "0", "x-request-id": "req-1" },
        body: { code: "InternalError", message: "store unavailable" },
      })),
    );
    const err = await new IleapClient(opts(h, { retries: 2 })).getFootprint("x").catch((e: unknown) => e);
    assert.ok(err instanceof IleapApiError);
    assert.equal(err.status, 503);
    assert.equal(err.code, "InternalError");
    assert.equal(err.detail, "store unavailable");
    assert.equal(err.retryAfterSeconds, 0);
    assert.equal(err.requestId, "req-1");
    assert.equal(count(h, "/2/footprints/x"), 3);
  });

  it("does not wait for a Retry-After longer than maxRetryDelayMs", async () => {
    const h = await host(withAuth(() => ({ status: 503, headers: { "retry-after": "3600" } })));
    const started = Date.now();
    const err = await new IleapClient(opts(h)).getFootprint("x").catch((e: unknown) => e);
    assert.ok(Date.now() - started < 2000);
    assert.ok(err instanceof IleapApiError);
    assert.equal(err.retryAfterSeconds, 3600);
    assert.equal(count(h, "/2/footprints/x"), 1);
  });

  it("never repeats an event POST unless asked to", async () => {
    const h = await host(withAuth(() => ({ status: 503, headers: { "retry-after": "0" } })));
    const client = new IleapClient(opts(h));
    const event = publishedEvent("https://me.example", ["0b4f3f3e-8d3a-4d3c-9c1e-2b5f6a7d8e9f"]);
    await assert.rejects(client.sendEvent(event), IleapApiError);
    assert.equal(count(h, "/2/events"), 1);
    await assert.rejects(client.sendEvent(event, { retry: true }), IleapApiError);
    assert.equal(count(h, "/2/events"), 1 + 4);
    const body = JSON.parse(h.requests.find((r) => r.path === "/2/events")!.body) as Record<string, unknown>;
    assert.equal(body.specversion, "1.0");
    assert.equal(body.type, "org.wbcsd.pathfinder.ProductFootprint.Published.v1");
    assert.equal(typeof body.id, "string");
    assert.match(
      String(h.requests.find((r) => r.path === "/2/events")!.headers["content-type"]),
      /^application\/cloudevents\+json/,
    );
  });

  it("retries the token request on 503 temporarily_unavailable", async () => {
    let failures = 1;
    const h = await host((req) => {
      if (req.path === "/auth/token") {
        return failures-- > 0
          ? { status: 503, headers: { "retry-after": "0" }, body: { error: "temporarily_unavailable" } }
          : tokenResponse();
      }
      if (req.path === "/2/footprints/x") return { status: 200, body: { data: { id: "x" } } };
      return { status: 404 };
    });
    assert.deepEqual(await new IleapClient(opts(h)).getFootprint("x"), { id: "x" });
    assert.equal(count(h, "/auth/token"), 2);
  });

  it("reports connection failures as IleapNetworkError after retrying", async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    let calls = 0;
    const client = new IleapClient({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: "c",
      clientSecret: "s",
      retries: 2,
      retryBaseDelayMs: 1,
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    const err = await client.getFootprint("x").catch((e: unknown) => e);
    assert.ok(err instanceof IleapNetworkError, String(err));
    assert.match(err.message, /ECONNREFUSED/);
    // discovery (3 tries, then the fallback) + token request (3 tries)
    assert.equal(calls, 3 + 3);
  });

  it("times out a request that gets no answer", async () => {
    const h = await host(withAuth(() => undefined));
    const client = new IleapClient(opts(h, { timeoutMs: 200, retries: 1 }));
    const started = Date.now();
    const err = await client
      .listFootprints()
      .page()
      .catch((e: unknown) => e);
    assert.ok(err instanceof IleapTimeoutError, String(err));
    assert.equal(err.timeoutMs, 200);
    assert.ok(Date.now() - started < 3000);
    assert.equal(count(h, "/2/footprints"), 2);
  });

  it("computes backoff with jitter within bounds and parses Retry-After forms", () => {
    const policy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 };
    assert.equal(backoffDelay(0, policy), 75);
    assert.equal(backoffDelay(2, policy), 300);
    assert.equal(backoffDelay(10, policy), 750);
    assert.equal(backoffDelay(0, { ...policy, random: () => 0 }), 50);
    assert.equal(retryAfterDelay(2000, { ...policy, maxDelayMs: 5000, random: () => 0 }), 2000);
    assert.equal(retryAfterDelay(6000, { ...policy, maxDelayMs: 5000 }), undefined);
    assert.equal(parseRetryAfter("7"), 7000);
    assert.equal(parseRetryAfter("soon"), undefined);
    assert.equal(
      parseRetryAfter(new Date(Date.now() + 10_000).toUTCString(), Date.now()) !== undefined,
      true,
    );
  });
});

describe("authentication", () => {
  it("falls back to {baseUrl}/auth/token when discovery fails, and encodes credentials per RFC 6749", async () => {
    const h = await host(
      withAuth((req) =>
        req.path === "/2/ileap/tad" ? { status: 200, body: { data: [] } } : { status: 404 },
      ),
    );
    const secret = "p+ss:wörd %20/";
    const client = new IleapClient(opts(h, { clientId: "id:with space", clientSecret: secret }));
    assert.deepEqual(await client.tokenEndpoint(), { url: `${h.url}/auth/token`, source: "fallback" });
    await client.listTad().page();
    const tokenReq = h.requests.find((r) => r.path === "/auth/token")!;
    assert.equal(tokenReq.body, "grant_type=client_credentials");
    assert.equal(tokenReq.headers["content-type"], "application/x-www-form-urlencoded");
    const basic = tokenReq.headers.authorization ?? "";
    assert.deepEqual(parseBasicCredentials(basic), {
      ok: true,
      clientId: "id:with space",
      clientSecret: secret,
    });
    const raw = Buffer.from(basic.slice(6), "base64").toString("utf8");
    assert.equal(raw, "id%3Awith%20space:p%2Bss%3Aw%C3%B6rd%20%2520%2F");
    const api = h.requests.find((r) => r.path === "/2/ileap/tad")!;
    assert.equal(api.headers.authorization, "Bearer fake-token");
  });

  it("uses the token endpoint named by discovery", async () => {
    const h = await host((req, self) => {
      if (req.path === "/.well-known/openid-configuration") {
        return {
          status: 200,
          body: { issuer: self.url, token_endpoint: `${self.url}/oauth2/token`, x: [1] },
        };
      }
      if (req.path === "/oauth2/token") return tokenResponse("t2");
      if (req.path === "/2/footprints") return { status: 200, body: { data: [] } };
      return { status: 404 };
    });
    const client = new IleapClient(opts(h));
    await client.listFootprints().page();
    assert.equal(count(h, "/oauth2/token"), 1);
    assert.equal(count(h, "/auth/token"), 0);
  });

  it("refuses a discovery document that downgrades https to http (falls back)", async () => {
    // Only the decision is tested: an https base URL with a discovery answer naming http.
    const fakeFetch: typeof fetch = async (input) => {
      const url = String(input);
      if (url.endsWith("/.well-known/openid-configuration")) {
        return Response.json({ token_endpoint: "http://evil.example/token" });
      }
      return new Response("", { status: 500 });
    };
    const client = new IleapClient({
      baseUrl: "https://host.example",
      clientId: "c",
      clientSecret: "s",
      fetch: fakeFetch,
    });
    assert.deepEqual(await client.tokenEndpoint(), {
      url: "https://host.example/auth/token",
      source: "fallback",
    });
  });

  it("carries the OAuth error of a refused token request", async () => {
    const h = await host((req) =>
      req.path === "/auth/token"
        ? { status: 401, body: { error: "invalid_client", error_description: "unknown client" } }
        : { status: 404 },
    );
    const err = await new IleapClient(opts(h))
      .listFootprints()
      .page()
      .catch((e: unknown) => e);
    assert.ok(err instanceof IleapAuthError);
    assert.equal(err.status, 401);
    assert.equal(err.error, "invalid_client");
    assert.equal(err.errorDescription, "unknown client");
    assert.equal(count(h, "/auth/token"), 1, "an auth refusal is not retried");
  });

  it("uses the JWT exp when the token response has no expires_in", async () => {
    const exp = Math.floor(Date.now() / 1000) + 120;
    const jwt = `e30.${Buffer.from(JSON.stringify({ exp })).toString("base64url")}.sig`;
    const h = await host((req) =>
      req.path === "/auth/token"
        ? { status: 200, body: { access_token: jwt, token_type: "bearer" } }
        : { status: 404 },
    );
    const token = await new IleapClient(opts(h)).authenticate();
    assert.equal(token.expiresAt, exp * 1000);
  });
});

describe("responses", () => {
  it("tolerates unknown fields and follows relative Link targets", async () => {
    const h = await host(
      withAuth((req) => {
        const page = req.query.get("page");
        if (page === null) {
          return {
            status: 200,
            headers: { link: '</2/footprints?page=2>; rel="next", <https://docs.example>; rel="help"' },
            body: { data: [{ id: "1", futureField: { a: 1 } }], meta: { total: 2 } },
          };
        }
        return { status: 200, body: { data: [{ id: "2" }], next: null } };
      }),
    );
    const ids = (await new IleapClient(opts(h)).listFootprints().toArray()).map((pf) => pf.id);
    assert.deepEqual(ids, ["1", "2"]);
  });

  it("refuses a Link to another origin and a Link that loops", async () => {
    const foreign = await host(
      withAuth(() => ({
        status: 200,
        headers: { link: '<https://elsewhere.example/2/footprints?p=2>; rel="next"' },
        body: { data: [] },
      })),
    );
    const err = await new IleapClient(opts(foreign))
      .listFootprints()
      .toArray()
      .catch((e: unknown) => e);
    assert.ok(err instanceof IleapResponseError);
    assert.match(err.message, /another origin/);
    const loop = await host(
      withAuth((_req, self) => ({
        status: 200,
        headers: { link: `<${self.url}/2/ileap/tad?p=1>; rel="next"` },
        body: { data: [{ activityId: "x" }] },
      })),
    );
    const err2 = await new IleapClient(opts(loop))
      .listTad()
      .toArray()
      .catch((e: unknown) => e);
    assert.ok(err2 instanceof IleapResponseError);
    assert.match(err2.message, /repeats/);
  });

  it("reports a success response without data as IleapResponseError", async () => {
    const h = await host(
      withAuth(() => ({ status: 200, headers: { "content-type": "text/html" }, body: "<html>" })),
    );
    const err = await new IleapClient(opts(h)).getFootprint("x").catch((e: unknown) => e);
    assert.ok(err instanceof IleapResponseError);
    assert.match(err.message, /text\/html/);
  });

  it("rejects unusable options at once", () => {
    assert.throws(() => new IleapClient({ baseUrl: "ftp://x", clientId: "c", clientSecret: "s" }), TypeError);
    assert.throws(() => new IleapClient({ baseUrl: "http://x", clientId: "", clientSecret: "s" }), TypeError);
    const client = new IleapClient({ baseUrl: "http://x/", clientId: "c", clientSecret: "s" });
    assert.equal(client.baseUrl, "http://x");
    assert.throws(() => client.listFootprints({ limit: 0 }), TypeError);
    assert.throws(() => client.listTad({ limit: 1.5 }), TypeError);
  });
});
