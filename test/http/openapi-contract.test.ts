/**
 * Keeps `/openapi.json` true: every response that the conformance suite and a replay of our HTTP
 * tests' requests (success and error paths: auth failures, filters, pagination, limits, 404, 413,
 * 414, 429, 503, the HTTPS refusal, Clerk outages) receive is recorded on the server side and
 * validated against the document with ajv (status, content type, body schema, headers).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { serve } from "@hono/node-server";
import pino from "pino";
import { createClerkAuthProvider } from "../../src/auth/clerk/clerk-provider.ts";
import { loadClerkConfig } from "../../src/auth/clerk/config.ts";
import { loadKeyRing } from "../../src/auth/local/keyring.ts";
import type { AuthProvider } from "../../src/auth/provider.ts";
import { hashSecret } from "../../src/auth/secret-hash.ts";
import { loadConfig } from "../../src/config/load.ts";
import { runConformance } from "../../src/conformance/index.ts";
import { OPENAPI_DOCUMENT, type OpenApiDocument } from "../../src/http/openapi.ts";
import { createIleapServer, type IleapServer } from "../../src/server.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { type Store, StoreUnavailableError } from "../../src/store/store.ts";
import { makeClock, startTestEmulator } from "../helpers/clerk.ts";
import { expiredToken } from "../helpers/forge.ts";
import { basic } from "../helpers/http.ts";
import { type Exchange, OpenApiValidator } from "../helpers/openapi-validator.ts";
import { LogSink } from "../helpers/servers.ts";

type Fetch = (req: Request, env?: unknown) => Response | Promise<Response>;

/** Records every exchange that passes through `fetch` (server side). */
class Recorder {
  readonly exchanges: Exchange[] = [];
  readonly #pending: Promise<void>[] = [];

  wrap(fetch: Fetch): Fetch {
    return async (req, env) => {
      const res = await fetch(req, env);
      const copy = res.clone();
      const headers: Record<string, string> = {};
      copy.headers.forEach((v, k) => {
        headers[k] = v;
      });
      const method = req.method;
      const path = new URL(req.url).pathname;
      this.#pending.push(
        copy.text().then((body) => {
          this.exchanges.push({ method, path, status: res.status, headers, body });
        }),
      );
      return res;
    };
  }

  async settled(): Promise<Exchange[]> {
    await Promise.all(this.#pending);
    return this.exchanges;
  }
}

interface Host {
  readonly baseUrl: string;
  readonly host: IleapServer;
  readonly dataDir: string;
  /** In-process request through the recorder (`http://localhost` base). */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

async function startRecordedHost(
  recorder: Recorder,
  env: Record<string, string>,
  overrides: {
    store?: (dataDir: string) => Store;
    auth?: (dataDir: string) => Promise<AuthProvider>;
    file?: string;
  } = {},
): Promise<Host> {
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-openapi-"));
  const config = loadConfig({
    env: { ILEAP_DATA_DIR: dataDir, ILEAP_DEMO: "true", ...env },
    ...(overrides.file ? { file: overrides.file } : {}),
  });
  const host = await createIleapServer(config, {
    logger: pino({ level: "warn" }, new LogSink()),
    ...(overrides.store ? { store: overrides.store(dataDir) } : {}),
    ...(overrides.auth ? { auth: await overrides.auth(dataDir) } : {}),
  });
  const fetch = recorder.wrap((req, e) => host.app.fetch(req, e as undefined));
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s as Server)) as Server;
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    host,
    dataDir,
    request: async (path, init) => fetch(new Request(`http://localhost${path}`, init)),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const FORM = "application/x-www-form-urlencoded";
const EVENT = (
  id: string,
  type = "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
  data: unknown = { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] },
) => JSON.stringify({ specversion: "1.0", id, source: "https://requester.example", type, data });

describe("OpenAPI document (/openapi.json) against real traffic", () => {
  const recorder = new Recorder();
  const validator = new OpenApiValidator(OPENAPI_DOCUMENT as OpenApiDocument);
  let main: Host;
  let configDir = "";
  before(async () => {
    const clientsFile = join(mkdtempSync(join(tmpdir(), "ileap-openapi-cfg-")), "clients.json");
    writeFileSync(
      clientsFile,
      JSON.stringify({
        auth: {
          clients: [
            {
              id: "tad-only",
              secretHash: await hashSecret("tad-only-secret", { N: 1024, r: 8, p: 1 }),
              grants: ["tad"],
            },
            {
              id: "pcf-only",
              secretHash: await hashSecret("pcf-only-secret", { N: 1024, r: 8, p: 1 }),
              grants: ["pcf"],
            },
          ],
        },
      }),
    );
    configDir = join(clientsFile, "..");
    main = await startRecordedHost(recorder, { ILEAP_TOKEN_TTL_SECONDS: "2" }, { file: clientsFile });
    recorder.exchanges.length = 0;
  });
  after(async () => {
    await main.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it("documents every response of the conformance suite and of our HTTP tests' requests", async () => {
    const report = await runConformance({
      baseUrl: main.baseUrl,
      clientId: "hello",
      clientSecret: "pathfinder",
      maxWaitForExpirySeconds: 15,
    });
    assert.ok(
      report.results.every((r) => r.status !== "failed"),
      "conformance cases pass",
    );

    // Replay of the requests of test/http/*.test.ts: every route, success and error paths.
    const base = main.baseUrl;
    const token = async (id: string, secret: string) => {
      const res = await fetch(`${base}/auth/token`, {
        method: "POST",
        headers: { authorization: basic(id, secret), "content-type": FORM },
        body: "grant_type=client_credentials",
      });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    // The host's tokens live 2 s (for the conformance expiry cases): renewed before each group of
    // requests below, so that a busy machine does not turn them into 401s.
    let hello = await token("hello", "pathfinder");
    const tadOnly = () => token("tad-only", "tad-only-secret");
    const pcfOnly = () => token("pcf-only", "pcf-only-secret");
    const expired = await expiredToken(main.dataDir, base);
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
    const getOrNot = (path: string, headers: Record<string, string> = {}) =>
      get(path, headers).catch(() => undefined);
    // The server may answer an oversized body early and close: the answer is recorded server-side anyway.
    const post = (path: string, body: string | Uint8Array, headers: Record<string, string>) =>
      fetch(`${base}${path}`, { method: "POST", headers, body }).catch(() => undefined);

    for (const path of [
      "/.well-known/openid-configuration",
      "/jwks",
      "/health",
      "/ready",
      "/index.html", // (`/` redirects to the API reference page `/docs`, outside the API description)
      "/2/footprint",
      "/3/footprints",
    ])
      await get(path, { "x-request-id": "replay-1" });
    const served = (await (await get("/openapi.json")).json()) as OpenApiDocument;
    assert.deepEqual(served.servers, [{ url: base }], "servers is the request's base URL");
    assert.deepEqual(served.paths, OPENAPI_DOCUMENT.paths);
    // Token endpoint.
    for (const [auth, type, body] of [
      [basic("hello", "pathfinder"), `${FORM};charset=UTF-8`, "grant_type=client_credentials"],
      [basic("hello", "wrong"), FORM, "grant_type=client_credentials"],
      [basic("nobody", "x"), FORM, "grant_type=client_credentials"],
      [undefined, FORM, "grant_type=client_credentials"],
      ["Basic !!!", FORM, "grant_type=client_credentials"],
      [basic("hello", "pathfinder"), "application/json", '{"grant_type":"client_credentials"}'],
      [basic("hello", "pathfinder"), FORM, ""],
      [basic("hello", "pathfinder"), FORM, "grant_type=password"],
    ] as const) {
      await post("/auth/token", body, { ...(auth ? { authorization: auth } : {}), "content-type": type });
    }
    await get("/auth/token");
    // ListFootprints and GetFootprint.
    hello = await token("hello", "pathfinder");
    const list = await get("/2/footprints?limit=1", bearer(hello));
    const link = /<([^>]+)>/.exec(list.headers.get("link") ?? "")?.[1];
    assert.ok(link);
    await get(new URL(link).pathname + new URL(link).search, bearer(hello));
    const id = ((await list.json()) as { data: { id: string }[] }).data[0]?.id as string;
    for (const q of [
      "",
      "?$filter=productCategoryCpc%20eq%20'83117'",
      "?$filter=created%20ge%20'2020-01-01T00:00:00+00:00'&limit=2",
      "?$filter=productIds/any(p:(p%20eq%20'urn:x'))",
      "?$filter=pcf/declaredUnit%20eq%20'liter'",
      "?$filter=created%20or",
      "?limit=0",
      "?limit=abc",
      "?pageToken=forged.token",
      `?$filter=${"a".repeat(9000)}`,
    ])
      await getOrNot(`/2/footprints${q}`, bearer(hello));
    for (const [path, headers] of [
      ["/2/footprints", {}],
      ["/2/footprints", { authorization: "Basic eDp5" }],
      ["/2/footprints", bearer("garbage")],
      ["/2/footprints", bearer(expired)],
      ["/2/footprints", bearer(await tadOnly())],
      [`/2/footprints/${id}`, bearer(hello)],
      [`/2/footprints/${id}`, {}],
      [`/2/footprints/${id}`, bearer(expired)],
      [`/2/footprints/${id}`, bearer(await tadOnly())],
      ["/2/footprints/00000000-0000-0000-0000-000000000000", bearer(hello)],
      ["/2/footprints/not-a-uuid", bearer(hello)],
      [`/2/footprints/${"x".repeat(200)}`, bearer(hello)],
    ] as const)
      await get(path, headers);
    // Events.
    const ce = { "content-type": "application/cloudevents+json; charset=UTF-8" };
    await post("/2/events", EVENT("replay-1"), { ...ce, ...bearer(hello) });
    await post(
      "/2/events",
      EVENT("replay-2", "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1", {
        pf: { productIds: ["urn:x"] },
      }),
      { "content-type": "application/json", ...bearer(hello) },
    );
    await post("/2/events", EVENT("replay-3", "org.example.Unknown"), { ...ce, ...bearer(hello) });
    await post("/2/events", "{not json", { ...ce, ...bearer(hello) });
    await post("/2/events", EVENT("replay-4"), { "content-type": "text/plain", ...bearer(hello) });
    await post("/2/events", EVENT("replay-5"), ce);
    await post("/2/events", EVENT("replay-6"), { ...ce, ...bearer(expired) });
    // TAD.
    hello = await token("hello", "pathfinder");
    const tad = await get("/2/ileap/tad?limit=1", bearer(hello));
    const tadLink = /<([^>]+)>/.exec(tad.headers.get("link") ?? "")?.[1];
    assert.ok(tadLink);
    await get(new URL(tadLink).pathname + new URL(tadLink).search, bearer(hello));
    for (const q of [
      "",
      "?mode=Road",
      "?feedstock=Fossil&origin.country=DE",
      "?Mode=Road",
      "?colour=red",
      "?limit=-1",
      "?mode=",
    ])
      await get(`/2/ileap/tad${q}`, bearer(hello));
    for (const headers of [{}, bearer("garbage"), bearer(expired), bearer(await pcfOnly())])
      await get("/2/ileap/tad", headers);
    // PACT v3.
    hello = await token("hello", "pathfinder");
    const v3list = await get("/3/footprints?limit=1", bearer(hello));
    const v3Link = /<([^>]+)>/.exec(v3list.headers.get("link") ?? "")?.[1];
    assert.ok(v3Link);
    await get(new URL(v3Link).pathname + new URL(v3Link).search, bearer(hello));
    const v3id = ((await v3list.json()) as { data: { id: string }[] }).data[0]?.id;
    for (const [path, headers] of [
      ["/3/footprints", bearer(hello)],
      ["/3/footprints?geography=DE&status=active&validOn=2025-06-01T00:00:00Z", bearer(hello)],
      ["/3/footprints?geography=XX", bearer(hello)],
      ["/3/footprints?colour=red", bearer(hello)],
      ["/3/footprints?validOn=soon", bearer(hello)],
      ["/3/footprints", {}],
      ["/3/footprints", bearer("garbage")],
      ["/3/footprints", bearer(expired)],
      ["/3/footprints", bearer(await tadOnly())],
      [`/3/footprints/${v3id}`, bearer(hello)],
      [`/3/footprints/${v3id}`, bearer("garbage")],
      [`/3/footprints/${v3id}`, bearer(await tadOnly())],
      ["/3/footprints/00000000-0000-0000-0000-000000000000", bearer(hello)],
    ] as const)
      await get(path, headers);
    const V3_EVENT = (
      id: string,
      type = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
      data?: unknown,
    ) =>
      JSON.stringify({
        specversion: "1.0",
        id,
        source: "https://requester.example",
        time: "2025-05-01T00:00:00Z",
        type,
        data: data ?? { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] },
      });
    await post("/3/events", V3_EVENT("v3-replay-1"), { ...ce, ...bearer(hello) });
    await post(
      "/3/events",
      V3_EVENT("v3-replay-2", "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3", {
        productId: ["urn:x"],
      }),
      { ...ce, ...bearer(hello) },
    );
    await post("/3/events", V3_EVENT("v3-replay-3", "org.wbcsd.pathfinder.ProductFootprint.Published.v1"), {
      ...ce,
      ...bearer(hello),
    });
    await post("/3/events", V3_EVENT("v3-replay-4"), ce);
    // Oversized bodies last: the early 413 can leave the client's pooled connection unusable.
    await post("/auth/token", new Uint8Array(1024 * 1024 + 10), {
      authorization: basic("hello", "pathfinder"),
      "content-type": FORM,
    });
    await post("/2/events", `{"x":"${"a".repeat(1024 * 1024)}"}`, { ...ce, ...bearer(hello) });
  });

  it("documents 503 (store down), 429 (token rate limits), the HTTPS refusal and Clerk outages", async () => {
    let down = false;
    const failing = (dataDir: string): Store => {
      const inner = new SqliteStore({ file: join(dataDir, "ileap.sqlite") });
      return new Proxy(inner, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver);
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => {
            if (down && prop === "dataVersion") throw new StoreUnavailableError("down"); // synchronous
            if (down && prop !== "close") return Promise.reject(new StoreUnavailableError("down"));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    };
    const h = await startRecordedHost(
      recorder,
      { ILEAP_REQUIRE_HTTPS: "true", ILEAP_TRUST_PROXY: "true", ILEAP_TOKEN_RATE_PER_ADDRESS: "3" },
      { store: failing },
    );
    try {
      const https = { "x-forwarded-proto": "https" };
      const tokenRes = await h.request("/auth/token", {
        method: "POST",
        headers: { ...https, authorization: basic("hello", "pathfinder"), "content-type": FORM },
        body: "grant_type=client_credentials",
      });
      const t = ((await tokenRes.json()) as { access_token: string }).access_token;
      for (let i = 0; i < 4; i++)
        await h.request("/auth/token", {
          method: "POST",
          headers: { ...https, authorization: basic("hello", "x"), "content-type": FORM },
          body: "grant_type=client_credentials",
        });
      for (const path of [
        "/jwks",
        "/openapi.json",
        "/.well-known/openid-configuration",
        "/2/footprints",
        "/2/ileap/tad",
      ])
        await h.request(path);
      down = true;
      const auth = { ...https, authorization: `Bearer ${t}` };
      for (const path of [
        "/2/footprints",
        "/2/footprints/3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f",
        "/2/ileap/tad",
        "/ready",
      ])
        await h.request(path, { headers: auth });
      await h.request("/2/events", {
        method: "POST",
        headers: { ...auth, "content-type": "application/cloudevents+json" },
        body: EVENT("down-1"),
      });
      down = false;
    } finally {
      await h.close();
    }

    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    const c = await startRecordedHost(
      recorder,
      {},
      {
        auth: async (dataDir) =>
          createClerkAuthProvider(
            loadClerkConfig({
              ILEAP_CLERK_FRONTEND_API: emulator.url,
              ILEAP_CLERK_TIMEOUT_MS: "300",
              ILEAP_CLERK_TOKEN_MODE: "clerk",
              ILEAP_CLERK_JWT_TEMPLATE: "missing",
              ILEAP_CLERK_JWT_TEMPLATE_AUDIENCE: "ileap",
            }),
            {
              keys: await loadKeyRing({ dataDir }),
              logger: pino({ level: "silent" }),
              tokenTtlSeconds: 600,
              now: clock.now,
            },
          ),
      },
    );
    try {
      const ask = () =>
        c.request("/auth/token", {
          method: "POST",
          headers: {
            authorization: basic("service@example.com", "correct horse battery staple"),
            "content-type": FORM,
          },
          body: "grant_type=client_credentials",
        });
      await ask(); // unknown JWT template: 500 server_error
      emulator.control.injectFault({ kind: "status", status: 503, times: 1 });
      await ask();
      clock.advance(31_000); // past the remembered outage
      emulator.control.injectFault({ kind: "status", status: 429, retryAfterSeconds: 7, times: 1 });
      await ask();
      clock.advance(31_000); // past Clerk's Retry-After
      emulator.control.injectFault({ kind: "hang", times: 1 });
      await ask();
    } finally {
      await c.close();
      await emulator.close();
    }
  });

  it("documents the admin API: imports, deprecation, visibility, and their errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-openapi-admin-"));
    const file = join(dir, "ileap.json");
    writeFileSync(
      file,
      JSON.stringify({
        auth: {
          clients: [
            {
              id: "admin-client",
              secretHash: await hashSecret("admin-secret", { N: 1024, r: 8, p: 1 }),
              grants: ["*"],
              roles: ["admin"],
            },
          ],
        },
      }),
    );
    const h = await startRecordedHost(
      recorder,
      { ILEAP_COMPANY_NAME: "Contract Test GmbH", ILEAP_COMPANY_IDS: "urn:company:contract-test" },
      { file },
    );
    try {
      const tokenOf = async (id: string, secret: string) => {
        const res = await h.request("/auth/token", {
          method: "POST",
          headers: { authorization: basic(id, secret), "content-type": FORM },
          body: "grant_type=client_credentials",
        });
        return ((await res.json()) as { access_token: string }).access_token;
      };
      const admin = { authorization: `Bearer ${await tokenOf("admin-client", "admin-secret")}` };
      const notAdmin = { authorization: `Bearer ${await tokenOf("hello", "pathfinder")}` };
      const expired = { authorization: `Bearer ${await expiredToken(h.dataDir, "http://localhost")}` };
      const json = { "content-type": "application/json" };
      const call = (method: string, path: string, headers: Record<string, string>, body?: string) =>
        h.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const list = (await (await h.request("/2/footprints", { headers: notAdmin })).json()) as {
        data: Record<string, unknown>[];
      };
      const doc = list.data.find((d) => !("extensions" in d) && d.status === "Active") as Record<
        string,
        unknown
      >;
      const tad = (
        (await (await h.request("/2/ileap/tad?limit=1", { headers: notAdmin })).json()) as {
          data: Record<string, unknown>[];
        }
      ).data[0] as Record<string, unknown>;
      const sf = (
        list.data.find((d) => JSON.stringify(d).includes("shipmentId")) as
          | { extensions: { data: unknown }[] }
          | undefined
      )?.extensions[0]?.data;
      const fresh: Record<string, unknown> = {
        ...doc,
        id: "7d3f6a0e-1c2b-4d5e-8f90-a1b2c3d4e5f6",
        version: 1,
      };
      delete fresh.precedingPfIds;
      delete fresh.updated;
      // Imports: unchanged, new, dry run, rejected (atomic and partial), conflict, NDJSON, native kinds.
      await call("POST", "/admin/v1/footprints", { ...admin, ...json }, JSON.stringify([doc]));
      await call("POST", "/admin/v1/footprints", { ...admin, ...json }, JSON.stringify([fresh]));
      await call(
        "POST",
        "/admin/v1/footprints?dryRun=true",
        { ...admin, ...json },
        JSON.stringify({ ...fresh, version: 2, updated: "2031-01-01T00:00:00Z" }),
      );
      await call(
        "POST",
        "/admin/v1/footprints",
        { ...admin, "content-type": "application/x-ndjson" },
        `${JSON.stringify(doc)}\n{"id":`,
      );
      await call(
        "POST",
        "/admin/v1/footprints?mode=partial&dryRun=true",
        { ...admin, "content-type": "application/x-ndjson" },
        `${JSON.stringify(doc)}\n[]`,
      );
      await call(
        "POST",
        "/admin/v1/footprints",
        { ...admin, ...json },
        JSON.stringify([{ ...doc, comment: "same version, changed" }]),
      );
      await call(
        "POST",
        "/admin/v1/tad?visibleTo=client:hello",
        { ...admin, ...json },
        JSON.stringify([tad]),
      );
      if (sf)
        await call(
          "POST",
          "/admin/v1/shipment-footprints?dryRun=true",
          { ...admin, ...json },
          JSON.stringify([sf]),
        );
      for (const kind of ["shipment-footprints", "tocs", "hocs", "tad"])
        await call("POST", `/admin/v1/${kind}`, { ...admin, ...json }, "[{}]");
      await call("POST", "/admin/v1/footprints", { ...admin, "content-type": "text/csv" }, "a,b");
      await call("POST", "/admin/v1/footprints?mode=all", { ...admin, ...json }, "[]");
      await call("POST", "/admin/v1/footprints", { ...admin, ...json }, "[]");
      await call("POST", "/admin/v1/footprints", { ...admin, ...json }, "{not json");
      await call(
        "POST",
        "/admin/v1/footprints?visibleTo=group:x",
        { ...admin, ...json },
        JSON.stringify([doc]),
      );
      for (const auth of [{}, { authorization: "Bearer garbage" }, expired, notAdmin])
        await call("POST", "/admin/v1/footprints", { ...auth, ...json }, JSON.stringify([doc]));
      // Deprecation.
      const freshPath = `/admin/v1/footprints/${fresh.id}/deprecate`;
      await call("POST", freshPath, { ...admin, ...json }, JSON.stringify({ statusComment: "withdrawn" }));
      await call("POST", freshPath, { ...admin, ...json }, "");
      await call("POST", "/admin/v1/footprints/00000000-0000-4000-8000-000000000000/deprecate", admin);
      await call("POST", freshPath, { ...admin, ...json }, '{"reason":"x"}');
      await call("POST", freshPath, notAdmin);
      // Visibility.
      await call(
        "PUT",
        `/admin/v1/footprints/${doc.id}/visibility`,
        { ...admin, ...json },
        '{"clientIds":["hello"]}',
      );
      await call("PUT", `/admin/v1/footprints/${doc.id}/visibility`, { ...admin, ...json }, "{}");
      await call(
        "PUT",
        `/admin/v1/footprints/${doc.id}/visibility`,
        { ...admin, ...json },
        '{"clientIds":"hello"}',
      );
      await call(
        "PUT",
        "/admin/v1/footprints/00000000-0000-4000-8000-000000000000/visibility",
        { ...admin, ...json },
        "{}",
      );
      await call(
        "PUT",
        `/admin/v1/tad/${String(tad.activityId)}/visibility`,
        { ...admin, ...json },
        '{"organizationIds":["org_x"]}',
      );
      await call("PUT", `/admin/v1/tad/${String(tad.activityId)}/visibility`, { ...admin, ...json }, "{}");
      await call("PUT", "/admin/v1/tad/no-such-activity/visibility", { ...admin, ...json }, "{}");
      await call("PUT", "/admin/v1/tad/no-such-activity/visibility", expired, "{}");
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every recorded response conforms, and every operation and documented error family was seen", async (t) => {
    const exchanges = await recorder.settled();
    const problems = exchanges.flatMap((x) => validator.check(x));
    assert.deepEqual(problems, [], problems.join("\n"));
    const seen = new Set(
      exchanges
        .map((x) => {
          const op = validator.operation(x.method, x.path);
          return op ? `${op.method.toUpperCase()} ${op.template} ${x.status}` : undefined;
        })
        .filter((s): s is string => s !== undefined),
    );
    const expected = [
      "GET /.well-known/openid-configuration 200",
      "GET /.well-known/openid-configuration 400",
      "GET /jwks 200",
      "GET /jwks 400",
      "POST /auth/token 200",
      "POST /auth/token 400",
      "POST /auth/token 413",
      "POST /auth/token 429",
      "POST /auth/token 500",
      "POST /auth/token 503",
      "GET /2/footprints 200",
      "GET /2/footprints 400",
      "GET /2/footprints 401",
      "GET /2/footprints 403",
      "GET /2/footprints 414",
      "GET /2/footprints 503",
      "GET /2/footprints/{id} 200",
      "GET /2/footprints/{id} 400",
      "GET /2/footprints/{id} 401",
      "GET /2/footprints/{id} 403",
      "GET /2/footprints/{id} 404",
      "GET /2/footprints/{id} 503",
      "POST /2/events 200",
      "POST /2/events 400",
      "POST /2/events 401",
      "POST /2/events 413",
      "POST /2/events 503",
      "GET /3/footprints 200",
      "GET /3/footprints 400",
      "GET /3/footprints 401",
      "GET /3/footprints 403",
      "GET /3/footprints/{id} 200",
      "GET /3/footprints/{id} 401",
      "GET /3/footprints/{id} 403",
      "GET /3/footprints/{id} 404",
      "POST /3/events 200",
      "POST /3/events 400",
      "POST /3/events 401",
      "GET /2/ileap/tad 200",
      "GET /2/ileap/tad 400",
      "GET /2/ileap/tad 401",
      "GET /2/ileap/tad 403",
      "GET /2/ileap/tad 503",
      "GET /health 200",
      "GET /ready 200",
      "GET /ready 503",
      "GET /openapi.json 200",
      "GET /openapi.json 400",
      "POST /admin/v1/footprints 200",
      "POST /admin/v1/footprints 207",
      "POST /admin/v1/footprints 400",
      "POST /admin/v1/footprints 401",
      "POST /admin/v1/footprints 403",
      "POST /admin/v1/footprints 409",
      "POST /admin/v1/footprints 415",
      "POST /admin/v1/tad 200",
      "POST /admin/v1/tad 400",
      "POST /admin/v1/tocs 400",
      "POST /admin/v1/hocs 400",
      "POST /admin/v1/shipment-footprints 400",
      "POST /admin/v1/footprints/{id}/deprecate 200",
      "POST /admin/v1/footprints/{id}/deprecate 400",
      "POST /admin/v1/footprints/{id}/deprecate 403",
      "POST /admin/v1/footprints/{id}/deprecate 404",
      "POST /admin/v1/footprints/{id}/deprecate 409",
      "PUT /admin/v1/footprints/{id}/visibility 200",
      "PUT /admin/v1/footprints/{id}/visibility 400",
      "PUT /admin/v1/footprints/{id}/visibility 404",
      "PUT /admin/v1/tad/{activityId}/visibility 200",
      "PUT /admin/v1/tad/{activityId}/visibility 401",
      "PUT /admin/v1/tad/{activityId}/visibility 404",
    ];
    const missing = expected.filter((e) => !seen.has(e));
    assert.deepEqual(missing, [], `not exercised: ${missing.join(", ")}`);
    assert.ok(exchanges.length > 100, String(exchanges.length));
    t.diagnostic(`${exchanges.length} responses validated, ${seen.size} (operation, status) pairs`);
  });

  it("the validator is not vacuous: non-conforming answers are reported", () => {
    const json = { "content-type": "application/json", "x-content-type-options": "nosniff" };
    const bad: Exchange[] = [
      { method: "GET", path: "/2/footprints", status: 200, headers: json, body: '{"data":[{"id":"x"}]}' },
      {
        method: "GET",
        path: "/2/footprints",
        status: 401,
        headers: json,
        body: '{"code":"BadRequest","message":"m"}',
      },
      { method: "GET", path: "/2/footprints", status: 418, headers: json, body: "{}" },
      {
        method: "POST",
        path: "/auth/token",
        status: 429,
        headers: { ...json, "cache-control": "no-store" },
        body: '{"error":"temporarily_unavailable","error_description":"x"}',
      },
      {
        method: "POST",
        path: "/auth/token",
        status: 200,
        headers: json,
        body: '{"access_token":"a.b.c","token_type":"bearer","expires_in":1,"scope":null}',
      },
      { method: "POST", path: "/2/events", status: 200, headers: json, body: "{}" },
      {
        method: "GET",
        path: "/2/ileap/tad",
        status: 200,
        headers: { ...json, link: "</next>; rel=next" },
        body: '{"data":[]}',
      },
      { method: "DELETE", path: "/2/footprints", status: 200, headers: json, body: "{}" },
    ];
    for (const x of bad)
      assert.ok(validator.check(x).length > 0, `${x.method} ${x.path} ${x.status} ${x.body}`);
  });
});
