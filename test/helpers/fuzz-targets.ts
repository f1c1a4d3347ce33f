/**
 * Property-based fuzz targets (fast-check), shared by the bounded runs of `npm test`
 * (`test/security/fuzz.test.ts`) and the long mode (`bench/fuzz.ts`). Every target states its
 * properties: nothing throws out of the module, no 5xx (except the documented 503/429 of an
 * identity-provider outage and the documented `server_error` of a misconfigured provider), a time
 * bound per input, and parse → print → parse stability where a printer exists.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { Hono } from "hono";
import pino from "pino";
import { createClerkAuthProvider } from "../../src/auth/clerk/clerk-provider.ts";
import { loadClerkConfig } from "../../src/auth/clerk/config.ts";
import { mapSignInFailure } from "../../src/auth/clerk/error-mapping.ts";
import { FapiClient, type FapiResult } from "../../src/auth/clerk/fapi-client.ts";
import { signInWithPassword } from "../../src/auth/clerk/sign-in.ts";
import { loadKeyRing } from "../../src/auth/local/keyring.ts";
import { hashSecret } from "../../src/auth/secret-hash.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { AppEnv } from "../../src/http/env.ts";
import { PageTokens } from "../../src/http/page-token.ts";
import type { FootprintFilter } from "../../src/protocol/filter-ast.ts";
import { parseFootprintFilter, printFootprintFilter } from "../../src/protocol/odata-filter.ts";
import { parseTadFilter, printTadFilter, TAD_LEAF_PATHS } from "../../src/protocol/tad-filter.ts";
import { createIleapServer, type IleapServer } from "../../src/server.ts";
import { demoFootprints, demoTad } from "../../src/testing/demo-data.ts";
import { LogSink } from "./servers.ts";

/** How long to run a target: a number of inputs, or a time budget. */
export interface FuzzRunOptions {
  /** Inputs to try. Default: unlimited (then give `timeLimitMs`). */
  readonly numRuns?: number;
  /** Stop after this many ms (not a failure). Default: none. */
  readonly timeLimitMs?: number;
  /** fast-check seed. Default: random. */
  readonly seed?: number;
}

/** A fuzz target: `run` checks its properties on generated inputs and resolves with the input count. */
export interface FuzzTarget {
  readonly name: string;
  /** Inputs tried by `npm test`. */
  readonly quickRuns: number;
  run(options: FuzzRunOptions): Promise<number>;
}

const PACT_CODES = new Set([
  "BadRequest",
  "NotImplemented",
  "AccessDenied",
  "TokenExpired",
  "NoSuchFootprint",
]);

/** Fails the input when `work` takes longer than `ms` (the "never hangs" property). */
async function within<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function params<Ts>(options: FuzzRunOptions): fc.Parameters<Ts> {
  return {
    numRuns: options.numRuns ?? Number.MAX_SAFE_INTEGER,
    ...(options.timeLimitMs !== undefined
      ? { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false }
      : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    endOnFailure: true,
  };
}

/** Checks a synchronous property, counting inputs. */
async function checkSync<Ts extends [unknown, ...unknown[]]>(
  options: FuzzRunOptions,
  arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => void,
): Promise<number> {
  let inputs = 0;
  fc.assert(
    fc.property(...arbs, (...args: Ts) => {
      inputs++;
      predicate(...args);
    }),
    params<Ts>(options),
  );
  return inputs;
}

/** Checks an asynchronous property, counting inputs. */
async function checkAsync<Ts extends [unknown, ...unknown[]]>(
  options: FuzzRunOptions,
  arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => Promise<void>,
): Promise<number> {
  let inputs = 0;
  await fc.assert(
    fc.asyncProperty(...arbs, async (...args: Ts) => {
      inputs++;
      await predicate(...args);
    }),
    params<Ts>(options),
  );
  return inputs;
}

// ---------------------------------------------------------------------------------------------
// Generators

/** Characters a client can put into an HTTP header value (visible ASCII, space, some Latin-1). */
const headerChar = fc
  .oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  )
  .map((c) => String.fromCharCode(c));
const headerValue = (maxLength = 200) => fc.string({ unit: headerChar, maxLength });

/** Text as it can arrive in a decoded URL or body (well-formed Unicode, some control characters). */
const text = (maxLength = 60) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: "grapheme", maxLength }),
    fc.string({ unit: "binary", maxLength }).map((s) => Buffer.from(s, "utf8").toString("utf8")),
  );

const FILTER_VOCABULARY = [
  "(",
  ")",
  "/",
  ":",
  ",",
  " ",
  "and",
  "or",
  "not",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "any",
  "all",
  "created",
  "updated",
  "productCategoryCpc",
  "pcf/geographyCountry",
  "pcf/referencePeriodStart",
  "pcf/referencePeriodEnd",
  "productIds/any(p:(p eq ",
  "companyIds/any(c:(c eq ",
  "p",
  "'x'",
  "'it''s'",
  "''",
  "'",
  "'2023-01-01T00:00:00Z'",
  "'2023-01-01T00:00:00 00:00'",
  "2023-01-01T00:00:00+01:00",
  "'urn:pact:x'",
  "3342",
  "null",
  "contains(",
  "$it",
  "%",
  "+",
];

const filterTokens = fc
  .array(fc.constantFrom(...FILTER_VOCABULARY), { maxLength: 30 })
  .map((t) => t.join(" "));

const timeLeaf = fc.record(
  {
    kind: fc.constant("time" as const),
    property: fc.constantFrom(
      "created" as const,
      "updated" as const,
      "pcf/referencePeriodStart" as const,
      "pcf/referencePeriodEnd" as const,
    ),
    op: fc.constantFrom("eq" as const, "lt" as const, "le" as const, "gt" as const, "ge" as const),
    epochMs: fc.integer({
      min: Date.parse("1900-01-01T00:00:00Z"),
      max: Date.parse("2200-12-31T23:59:59.999Z"),
    }),
  },
  { noNullPrototype: true },
);
const textLeaf = fc.record(
  {
    kind: fc.constant("text" as const),
    property: fc.constantFrom("productCategoryCpc" as const, "pcf/geographyCountry" as const),
    op: fc.constantFrom("eq" as const, "lt" as const, "le" as const, "gt" as const, "ge" as const),
    value: fc.string({ unit: "grapheme", maxLength: 20 }),
  },
  { noNullPrototype: true },
);
const anyLeaf = fc.record(
  {
    kind: fc.constant("any" as const),
    property: fc.constantFrom("productIds" as const, "companyIds" as const),
    value: fc.string({ unit: "grapheme", maxLength: 20 }),
  },
  { noNullPrototype: true },
);
const leaf: fc.Arbitrary<FootprintFilter> = fc.oneof(timeLeaf, textLeaf, anyLeaf);
/** A typed `$filter` (what the printer accepts). */
const footprintFilter: fc.Arbitrary<FootprintFilter> = fc.oneof(
  leaf,
  fc
    .array(leaf, { minLength: 2, maxLength: 5 })
    .map((clauses): FootprintFilter => ({ kind: "and", clauses })),
);

const TAD_NAMES = [
  ...TAD_LEAF_PATHS,
  ...new Set(TAD_LEAF_PATHS.map((p) => p.split(".").at(-1) as string)),
  "Mode",
  "origin",
  "energyCarriers",
  "unknown",
  "limit",
  "pageToken",
  "",
];
const tadName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TAD_NAMES) },
  { weight: 1, arbitrary: text(20) },
);
const tadValue = fc.oneof(
  fc.constantFrom(
    "Road",
    "rail",
    "SEA",
    "Air",
    "InlandWaterway",
    "Fossil",
    "Diesel",
    "DE",
    "Pallet",
    "ambient",
    "",
  ),
  text(30),
);

/** A `limit` value as clients send it, right and wrong. */
const limitValue = fc.oneof(
  fc.integer({ min: -5, max: 2000 }).map(String),
  fc.constantFrom("", "0", "01", "1e3", "1.5", "  2", "9".repeat(40), "NaN", "-0", "+3", "0x10"),
  text(12),
);

// ---------------------------------------------------------------------------------------------
// Targets on pure modules

function odataTarget(): FuzzTarget {
  return {
    name: "OData $filter parser (parse, and parse → print → parse)",
    quickRuns: 1500,
    run: (options) =>
      checkSync(options, [fc.oneof(text(200), filterTokens)], (raw) => {
        const started = performance.now();
        const r = parseFootprintFilter(raw);
        assert.ok(performance.now() - started < 200, "parse took over 200 ms");
        if (!r.ok) {
          assert.ok(r.error.code === "BadRequest" || r.error.code === "NotImplemented", r.error.code);
          assert.ok(r.error.message.length > 0);
          return;
        }
        if (r.value === null) return;
        const printed = printFootprintFilter(r.value);
        const again = parseFootprintFilter(printed);
        assert.ok(again.ok, `${printed}: ${again.ok ? "" : again.error.message}`);
        assert.deepEqual(again.value, r.value, `parse → print → parse of ${JSON.stringify(raw)}`);
        assert.equal(printFootprintFilter(again.value as FootprintFilter), printed, "print is stable");
      }),
  };
}

function odataPrintTarget(): FuzzTarget {
  return {
    name: "OData $filter printer (print → parse → print)",
    quickRuns: 1000,
    run: (options) =>
      checkSync(options, [footprintFilter], (filter) => {
        const printed = printFootprintFilter(filter);
        const r = parseFootprintFilter(printed);
        assert.ok(r.ok, `${printed}: ${r.ok ? "" : r.error.message}`);
        assert.deepEqual(r.value, filter);
      }),
  };
}

function tadTarget(): FuzzTarget {
  const reserved: ReadonlySet<string> = new Set(["limit", "pageToken"]);
  return {
    name: "TAD filter parser (parse, and parse → print → parse)",
    quickRuns: 1500,
    run: (options) =>
      checkSync(
        options,
        [
          fc.oneof(
            fc.array(fc.tuple(tadName, tadValue), { maxLength: 25 }),
            text(200).map((q) => [...new URLSearchParams(q)]),
          ),
        ],
        (pairs) => {
          // Over HTTP the pairs come out of URLSearchParams: normalize the generated ones the same way.
          const decoded = [...new URLSearchParams(pairs.map(([k, v]) => [k, v] as [string, string]))];
          const r = parseTadFilter(decoded, reserved);
          if (!r.ok) {
            assert.ok(r.error.code === "BadRequest" || r.error.code === "NotImplemented", r.error.code);
            return;
          }
          const printed = printTadFilter(r.value);
          const again = parseTadFilter([...new URLSearchParams(printed)], reserved);
          assert.ok(again.ok, printed);
          assert.deepEqual(again.value, r.value);
        },
      ),
  };
}

function pageTokenTarget(): FuzzTarget {
  const tokens = new PageTokens(Buffer.alloc(32, 7));
  return {
    name: "page tokens (decode arbitrary, round trip, tamper, scope binding)",
    quickRuns: 1500,
    run: (options) =>
      checkSync(
        options,
        [
          text(80),
          fc.string({ unit: "grapheme", minLength: 1, maxLength: 80 }),
          text(80),
          fc.nat(),
          fc.nat(),
        ],
        (scope, position, junk, at, by) => {
          assert.equal(tokens.decode(scope, junk), undefined, "an arbitrary string decoded");
          const minted = tokens.encode(scope, position);
          assert.equal(tokens.decode(scope, minted), position);
          if (`${scope}x` !== scope)
            assert.equal(tokens.decode(`${scope}x`, minted), undefined, "scope not bound");
          const i = at % minted.length;
          const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=!";
          const replacement = alphabet[by % alphabet.length] as string;
          const tampered = `${minted.slice(0, i)}${replacement}${minted.slice(i + 1)}`;
          const decoded = tokens.decode(scope, tampered);
          // A non-canonical base64url spelling of the same bytes may still decode, to the same position.
          assert.ok(
            decoded === undefined || decoded === position,
            "a tampered token decoded to another position",
          );
        },
      ),
  };
}

// ---------------------------------------------------------------------------------------------
// Targets over HTTP, in-process (`app.request`)

/** The real host (demo data, built-in issuer, no token rate limits) without a listening socket. */
export interface InProcessHost {
  readonly app: Hono<AppEnv>;
  readonly bearer: string;
  /** Token of a client with the `admin` role. */
  readonly adminBearer: string;
  readonly logs: LogSink;
  close(): Promise<void>;
}

export async function startInProcessHost(): Promise<InProcessHost> {
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-fuzz-"));
  const file = join(dataDir, "ileap.json");
  writeFileSync(
    file,
    JSON.stringify({
      auth: {
        clients: [
          {
            id: "fuzz-admin",
            secretHash: await hashSecret("fuzz-admin-secret", { N: 1024, r: 8, p: 1 }),
            grants: ["*"],
            roles: ["admin"],
          },
        ],
      },
    }),
  );
  const config = loadConfig({
    env: {
      ILEAP_DATA_DIR: dataDir,
      ILEAP_DEMO: "true",
      ILEAP_TOKEN_RATE_PER_CLIENT: "0",
      ILEAP_TOKEN_RATE_PER_ADDRESS: "0",
      ILEAP_COMPANY_NAME: "Fuzz Logistics GmbH",
      ILEAP_COMPANY_IDS: "urn:company:fuzz",
    },
    file,
  });
  const logs = new LogSink();
  const host: IleapServer = await createIleapServer(config, { logger: pino({ level: "info" }, logs) });
  const tokenFor = async (id: string, secret: string) => {
    const res = await host.app.request("/auth/token", {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  return {
    app: host.app,
    bearer: await tokenFor("hello", "pathfinder"),
    adminBearer: await tokenFor("fuzz-admin", "fuzz-admin-secret"),
    logs,
    close: async () => {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The checks every answer of ours passes: JSON error bodies, nosniff, no unhandled failure. */
function assertOurAnswer(res: Response, body: string, what: string): void {
  assert.ok(res.status < 500, `${what}: ${res.status} ${body.slice(0, 200)}`);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff", `${what}: nosniff`);
  if (res.status >= 400) {
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/, `${what}: content type`);
    JSON.parse(body);
  }
}

function assertPactError(res: Response, body: string, what: string, codes: readonly string[]): void {
  const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
  assert.ok(
    typeof parsed.code === "string" && codes.includes(parsed.code),
    `${what}: code ${String(parsed.code)}`,
  );
  assert.ok(PACT_CODES.has(parsed.code as string));
  assert.ok(typeof parsed.message === "string" && parsed.message.length > 0, `${what}: message`);
  assert.ok(
    !/access token/i.test(parsed.message as string),
    `${what}: the token was refused: ${String(parsed.message)}`,
  );
  void res;
}

/** Builds the request, or `undefined` when the Fetch API itself refuses it (not our module). */
function buildRequest(path: string, init: RequestInit): Request | undefined {
  try {
    return new Request(`http://localhost${path}`, init);
  } catch {
    return undefined;
  }
}

const TIME_BOUND_MS = 3000;

function tokenEndpointTarget(host: () => InProcessHost): FuzzTarget {
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  const authorization = fc.oneof(
    fc.constant(undefined),
    headerValue(),
    headerValue(60).map((s) => `Basic ${s}`),
    text(40).map((s) => `Basic ${b64(s)}`),
    fc.tuple(text(20), text(20)).map(([id, secret]) => `Basic ${b64(`${id}:${secret}`)}`),
    text(20).map((secret) => `Basic ${b64(`hello:${secret}`)}`),
    fc.constant(`Basic ${b64("hello:pathfinder")}`),
    fc.constant(`bAsIc ${b64("transport_service_user:ileap")}`),
    headerValue(60).map((s) => `Bearer ${s}`),
  );
  const contentType = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      "application/x-www-form-urlencoded",
      "application/x-www-form-urlencoded;charset=UTF-8",
      "APPLICATION/X-WWW-FORM-URLENCODED ; charset=latin1",
      "application/json",
      "text/plain",
      "multipart/form-data; boundary=x",
      "",
    ),
    headerValue(60),
  );
  const body = fc.oneof(
    fc.constant(undefined),
    fc.constant("grant_type=client_credentials"),
    fc.constantFrom(
      "grant_type=password",
      "grant_type=",
      "grant_type",
      "grant_type=client_credentials&grant_type=x",
    ),
    fc
      .dictionary(
        fc.oneof(fc.constantFrom("grant_type", "scope", "organization_id", "client_id"), text(10)),
        text(30),
        { maxKeys: 5 },
      )
      .map((d) => new URLSearchParams(d).toString()),
    text(300),
    fc.uint8Array({ maxLength: 300 }),
    fc.json().map((j) => j),
  );
  const method = fc.oneof(
    { weight: 9, arbitrary: fc.constant("POST") },
    { weight: 1, arbitrary: fc.constantFrom("GET", "PUT", "DELETE") },
  );
  return {
    name: "token endpoint over HTTP (arbitrary headers and bodies)",
    quickRuns: 300,
    run: (options) =>
      checkAsync(
        options,
        [
          method,
          authorization,
          contentType,
          body,
          fc.dictionary(fc.stringMatching(/^x-[a-z]{1,10}$/), headerValue(40), { maxKeys: 3 }),
        ],
        async (m, auth, type, payload, extra) => {
          const headers: Record<string, string> = { ...extra };
          if (auth !== undefined) headers.authorization = auth;
          if (type !== undefined) headers["content-type"] = type;
          const req = buildRequest("/auth/token", {
            method: m,
            headers,
            ...(payload !== undefined && m !== "GET" ? { body: payload as string | Uint8Array } : {}),
          });
          if (!req) return;
          const res = await within(TIME_BOUND_MS, "token endpoint", () =>
            Promise.resolve(host().app.request(req)),
          );
          const text = await res.text();
          assertOurAnswer(res, text, `${m} /auth/token`);
          if (m !== "POST") {
            assert.equal(res.status, 404);
            return;
          }
          assert.equal(res.headers.get("cache-control"), "no-store", "token answers are not cached");
          const json = JSON.parse(text) as { error?: unknown; access_token?: unknown };
          if (res.status === 200) {
            assert.equal(typeof json.access_token, "string");
            return;
          }
          assert.ok([400, 401].includes(res.status), `status ${res.status}`);
          assert.ok(
            ["invalid_request", "invalid_client", "unsupported_grant_type"].includes(String(json.error)),
            String(json.error),
          );
        },
      ),
  };
}

function eventsTarget(host: () => InProcessHost): FuzzTarget {
  const type = fc.oneof(
    fc.constantFrom(
      "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
      "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
      "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1",
      "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1",
    ),
    text(40),
  );
  const value = fc.oneof(fc.constant(undefined), fc.constant(null), fc.jsonValue({ maxDepth: 3 }), text(20));
  const data = fc.oneof(
    value,
    fc.record({ pfIds: fc.oneof(fc.array(fc.uuid(), { maxLength: 3 }), value) }, { requiredKeys: [] }),
    fc.record(
      {
        pf: fc.oneof(fc.record({ productIds: fc.array(text(20), { maxLength: 3 }) }), value),
        comment: value,
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        requestEventId: fc.oneof(text(20), value),
        pfs: fc.oneof(fc.array(fc.object({ maxDepth: 2 }), { maxLength: 2 }), value),
        error: fc.oneof(fc.record({ code: text(10), message: text(20) }), value),
      },
      { requiredKeys: [] },
    ),
  );
  const event = fc.record(
    {
      specversion: fc.oneof(fc.constant("1.0"), value),
      id: fc.oneof(fc.uuid(), text(20), value),
      source: fc.oneof(fc.constant("https://requester.example"), text(30), value),
      type: fc.oneof(type, value),
      time: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        value,
      ),
      data,
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    { weight: 6, arbitrary: event.map((e) => JSON.stringify(e)) },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: text(200) },
    { weight: 1, arbitrary: event.map((e) => JSON.stringify(e).slice(0, -1)) },
  );
  const contentType = fc.oneof(
    fc.constantFrom(
      "application/cloudevents+json",
      "application/cloudevents+json; charset=UTF-8",
      "application/json",
      "Application/JSON;charset=utf-8",
      "text/plain",
      "application/cloudevents-batch+json",
    ),
    headerValue(40),
  );
  return {
    name: "CloudEvents bodies over HTTP (POST /2/events)",
    quickRuns: 300,
    run: (options) =>
      checkAsync(options, [contentType, body], async (type, payload) => {
        const req = buildRequest("/2/events", {
          method: "POST",
          headers: { authorization: `Bearer ${host().bearer}`, "content-type": type },
          body: payload,
        });
        if (!req) return;
        const res = await within(TIME_BOUND_MS, "events", () => Promise.resolve(host().app.request(req)));
        const text = await res.text();
        assertOurAnswer(res, text, "POST /2/events");
        if (res.status === 200) {
          assert.equal(text, "", "success has an empty body");
          return;
        }
        assert.equal(res.status, 400, `status ${res.status}`);
        assertPactError(res, text, "POST /2/events", ["BadRequest"]);
      }),
  };
}

const encode = (s: string) => encodeURIComponent(s);

function footprintQueryTarget(host: () => InProcessHost): FuzzTarget {
  const pair = fc.oneof(
    fc
      .oneof(filterTokens, text(80), footprintFilter.map(printFootprintFilter))
      .map((f) => `$filter=${encode(f)}`),
    footprintFilter.map(printFootprintFilter).map((f) => `$filter=${f.replaceAll(" ", "+")}`),
    limitValue.map((l) => `limit=${encode(l)}`),
    text(60).map((t) => `pageToken=${encode(t)}`),
    fc.tuple(text(10), text(20)).map(([k, v]) => `${encode(k)}=${encode(v)}`),
    headerValue(40).map((raw) => raw.replace(/[#\s]/g, "")),
  );
  const query = fc.array(pair, { maxLength: 4 }).map((p) => p.join("&"));
  return {
    name: "GET /2/footprints query strings (and printed filters answer 200)",
    quickRuns: 400,
    run: (options) =>
      checkAsync(options, [query, footprintFilter, fc.boolean()], async (q, filter, byId) => {
        const path = byId
          ? `/2/footprints/${encode(Array.from(q).slice(0, 80).join(""))}`
          : `/2/footprints?${q}`;
        const req = buildRequest(path, { headers: { authorization: `Bearer ${host().bearer}` } });
        if (req) {
          const res = await within(TIME_BOUND_MS, path, () => Promise.resolve(host().app.request(req)));
          const body = await res.text();
          assertOurAnswer(res, body, path);
          if (res.status === 200)
            assert.ok(byId || Array.isArray((JSON.parse(body) as { data: unknown }).data));
          else if (byId) {
            assert.ok(res.status === 404 || res.status === 414, `${path}: ${res.status}`);
            // An empty id is no route at all (our catch-all 404 NotFound).
            if (res.status === 404 && q !== "") assertPactError(res, body, path, ["NoSuchFootprint"]);
          } else {
            assert.ok(res.status === 400 || res.status === 414, `${path}: ${res.status}`);
            assertPactError(res, body, path, ["BadRequest", "NotImplemented"]);
          }
        }
        // A printed filter is always understood.
        const printed = `/2/footprints?$filter=${encode(printFootprintFilter(filter))}`;
        const ok = await host().app.request(printed, {
          headers: { authorization: `Bearer ${host().bearer}` },
        });
        assert.equal(ok.status, 200, `${printed}: ${await ok.text()}`);
      }),
  };
}

function tadQueryTarget(host: () => InProcessHost): FuzzTarget {
  const pair = fc.oneof(
    fc.tuple(tadName, tadValue).map(([k, v]) => `${encode(k)}=${encode(v)}`),
    limitValue.map((l) => `limit=${encode(l)}`),
    text(60).map((t) => `pageToken=${encode(t)}`),
    headerValue(40).map((raw) => raw.replace(/[#\s]/g, "")),
  );
  const query = fc.array(pair, { maxLength: 5 }).map((p) => p.join("&"));
  return {
    name: "GET /2/ileap/tad query strings",
    quickRuns: 400,
    run: (options) =>
      checkAsync(options, [query], async (q) => {
        const path = `/2/ileap/tad?${q}`;
        const req = buildRequest(path, { headers: { authorization: `Bearer ${host().bearer}` } });
        if (!req) return;
        const res = await within(TIME_BOUND_MS, path, () => Promise.resolve(host().app.request(req)));
        const body = await res.text();
        assertOurAnswer(res, body, path);
        if (res.status === 200) {
          assert.ok(Array.isArray((JSON.parse(body) as { data: unknown }).data));
          return;
        }
        assert.ok(res.status === 400 || res.status === 414, `${path}: ${res.status}`);
        assertPactError(res, body, path, ["BadRequest", "NotImplemented"]);
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The admin API's ingestion validators, fed with mutated valid records and garbage

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every JSON Pointer-like path (as key arrays) into a value, the root included. */
function pathsOf(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) pathsOf(v, [...prefix, i], out);
  } else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

/** A mutation of one node: delete it, replace it, or duplicate an array element. */
interface Mutation {
  readonly at: number;
  readonly op: "delete" | "replace" | "duplicate";
  readonly value: Json;
}

function mutate(record: Json, mutations: readonly Mutation[]): Json {
  let copy = JSON.parse(JSON.stringify(record)) as Json;
  for (const m of mutations) {
    const paths = pathsOf(copy);
    const path = paths[m.at % paths.length] as (string | number)[];
    if (path.length === 0) {
      if (m.op === "replace") copy = m.value;
      continue;
    }
    let parent: Json = copy;
    for (const key of path.slice(0, -1)) parent = (parent as Record<string, Json>)[key as string] as Json;
    const last = path[path.length - 1] as string | number;
    if (Array.isArray(parent)) {
      const i = last as number;
      if (m.op === "delete") parent.splice(i, 1);
      else if (m.op === "duplicate")
        parent.splice(i, 0, JSON.parse(JSON.stringify(parent[i] ?? null)) as Json);
      else parent[i] = m.value;
    } else if (parent !== null && typeof parent === "object") {
      if (m.op === "delete") delete parent[last as string];
      else parent[last as string] = m.value;
    }
  }
  return copy;
}

function adminTarget(host: () => InProcessHost): FuzzTarget {
  const footprints = demoFootprints().map((f) => f.document as unknown as Json);
  const native = (kind: string) =>
    demoFootprints()
      .filter((f) => f.kind === kind)
      .map((f) => (f.document as unknown as { extensions: { data: Json }[] }).extensions[0]?.data as Json);
  const bases: Record<string, Json[]> = {
    footprints,
    "shipment-footprints": native("shipment-footprint"),
    tocs: native("toc"),
    hocs: native("hoc"),
    tad: demoTad() as unknown as Json[],
  };
  const kinds = Object.keys(bases);
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    at: fc.nat(),
    op: fc.constantFrom("delete" as const, "replace" as const, "duplicate" as const),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      fc.constantFrom<Json>(null, "", -1, 0, 1.5, "NaN", "2024-13-45T99:00:00Z", "urn:x", "Road", []),
    ),
  });
  const mostly = <T, U>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
    fc.oneof({ weight: 4, arbitrary: usual }, { weight: 1, arbitrary: rare });
  const record = fc.record({
    base: fc.nat(),
    mutations: mostly(fc.constant([] as Mutation[]), fc.array(mutation, { minLength: 1, maxLength: 4 })),
    raw: mostly(fc.constant(null), fc.oneof(fc.jsonValue({ maxDepth: 2 }), text(40))),
  });
  const query = fc.record({
    mode: mostly(fc.constantFrom(null, "atomic", "partial"), text(8)),
    dryRun: mostly(fc.constantFrom(null, "true", "false"), text(5)),
    visibleTo: mostly(
      fc.constant([] as string[]),
      fc.array(
        fc.oneof(fc.constantFrom("client:hello", "org:org_x", "hello", "group:x", ":", ""), text(10)),
        {
          maxLength: 2,
        },
      ),
    ),
  });
  return {
    name: "admin ingestion validators (POST /admin/v1/{kind}: mutated records, garbage, query)",
    quickRuns: 250,
    run: (options) =>
      checkAsync(
        options,
        [
          fc.constantFrom(...kinds),
          fc.array(record, { minLength: 1, maxLength: 5 }),
          query,
          fc.constantFrom("json", "ndjson", "raw"),
          fc.boolean(),
        ],
        async (kind, records, q, format, write) => {
          const list = bases[kind] as Json[];
          const values = records.map((r) =>
            r.raw !== null ? (r.raw as Json) : mutate(list[r.base % list.length] as Json, r.mutations),
          );
          const body =
            format === "json"
              ? JSON.stringify(values)
              : format === "ndjson"
                ? values.map((v) => JSON.stringify(v)).join("\n")
                : values.map((v) => JSON.stringify(v).slice(0, 30)).join("");
          const params = new URLSearchParams();
          if (q.mode !== null) params.set("mode", q.mode);
          // Most inputs are dry runs, so that the store keeps its size; some really write.
          params.set("dryRun", write ? (q.dryRun ?? "false") : "true");
          for (const v of q.visibleTo) params.append("visibleTo", v);
          const path = `/admin/v1/${kind}?${params}`;
          const req = buildRequest(path, {
            method: "POST",
            headers: {
              authorization: `Bearer ${host().adminBearer}`,
              "content-type": format === "ndjson" ? "application/x-ndjson" : "application/json",
            },
            body,
          });
          if (!req) return;
          const res = await within(TIME_BOUND_MS, path, () => Promise.resolve(host().app.request(req)));
          const text = await res.text();
          assertOurAnswer(res, text, path);
          assert.ok(
            [200, 207, 400, 409].includes(res.status),
            `${path}: ${res.status} ${text.slice(0, 200)}`,
          );
          const report = JSON.parse(text) as {
            code?: string;
            accepted?: number;
            notWritten?: number;
            rejected?: { index: number; errors: { pointer: string; rule: string; message: string }[] }[];
          };
          if (report.rejected === undefined) {
            assert.equal(res.status, 400, "only a refusal before validation has no report");
            assert.equal(report.code, "BadRequest");
            return;
          }
          if (format !== "raw") {
            const n = values.length;
            assert.equal(
              (report.accepted ?? 0) + (report.notWritten ?? 0) + report.rejected.length,
              n,
              `every record is accounted for: ${text.slice(0, 300)}`,
            );
            for (const r of report.rejected) {
              assert.ok(Number.isInteger(r.index) && r.index >= 0 && r.index < n, `index ${r.index}`);
              assert.ok(r.errors.length > 0, "a rejected record says why");
              for (const e of r.errors) {
                assert.ok(e.pointer === "" || e.pointer.startsWith("/"), `pointer ${e.pointer}`);
                assert.ok(e.rule.length > 0 && e.message.length > 0);
              }
            }
          }
          if (res.status === 200) assert.equal(report.rejected.length, 0);
          if (res.status === 207) assert.ok((report.accepted ?? 0) > 0 && report.rejected.length > 0);
          assert.ok(
            !host().logs.lines.some((l) => l.includes('"unhandled error"')),
            "unhandled error logged",
          );
        },
      ),
  };
}

// ---------------------------------------------------------------------------------------------
// The Clerk FAPI client and provider fed with arbitrary answers of a fake FAPI server

/** One scripted answer of the fake FAPI. */
type FakeAnswer =
  | {
      readonly kind: "answer";
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly body: string;
      readonly delayMs: number;
    }
  | { readonly kind: "hang" }
  | { readonly kind: "reset" };

/** Answers per FAPI route. */
interface FakeScript {
  readonly signIn: FakeAnswer;
  readonly touch: FakeAnswer;
  readonly token: FakeAnswer;
  readonly jwks: FakeAnswer;
}

/** A loopback server that answers whatever the current script says. */
async function startFakeFapi(): Promise<{
  url: string;
  setScript(s: FakeScript): void;
  close(): Promise<void>;
}> {
  let script: FakeScript | undefined;
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = (req.url ?? "").split("?")[0] ?? "";
    const s = script;
    const answer: FakeAnswer | undefined = !s
      ? undefined
      : path.endsWith("/sign_ins")
        ? s.signIn
        : path.endsWith("/touch")
          ? s.touch
          : path.includes("/tokens")
            ? s.token
            : path.endsWith("/jwks.json")
              ? s.jwks
              : undefined;
    if (!answer) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end('{"errors":[{"code":"resource_not_found","message":"x"}]}');
      return;
    }
    if (answer.kind === "hang") return; // held until the client gives up and closes
    if (answer.kind === "reset") {
      req.socket.resetAndDestroy();
      return;
    }
    const send = () => {
      try {
        res.writeHead(answer.status, answer.headers).end(answer.body);
      } catch {
        res.destroy();
      }
    };
    if (answer.delayMs > 0) setTimeout(send, answer.delayMs);
    else send();
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setScript: (s) => {
      script = s;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const FAKE_TIMEOUT_MS = 250;

const jwtLike = fc.oneof(
  fc.constant("eyJhbGciOiJSUzI1NiIsImtpZCI6Imluc18xIn0.eyJzdWIiOiJ1c2VyXzEiLCJzaWQiOiJzZXNzXzEifQ.c2ln"),
  fc
    .tuple(
      fc.base64String({ maxLength: 40 }),
      fc.base64String({ maxLength: 80 }),
      fc.base64String({ maxLength: 40 }),
    )
    .map((p) => p.join(".")),
  text(30),
);

const sessionShape = fc.record(
  {
    object: fc.constant("session"),
    id: fc.oneof(fc.constant("sess_1"), text(10)),
    status: fc.oneof(fc.constantFrom("active", "pending", "expired", "ended"), text(8)),
    last_active_token: fc.oneof(
      fc.record({ object: fc.constant("token"), jwt: jwtLike }, { requiredKeys: [] }),
      fc.constant(null),
    ),
    last_active_organization_id: fc.oneof(fc.constant("org_fuzz"), fc.constant(null), text(10)),
    user: fc.oneof(
      fc.record(
        {
          id: fc.oneof(fc.constant("user_fuzz"), text(12)),
          organization_memberships: fc.array(
            fc.record({
              role: fc.oneof(fc.constant("org:admin"), text(10)),
              organization: fc.record({ id: fc.oneof(fc.constant("org_fuzz"), text(10)) }),
            }),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: [] },
      ),
      fc.constant(null),
    ),
    public_user_data: fc.oneof(
      fc.record({ user_id: fc.oneof(fc.constant("user_fuzz"), text(12)) }),
      fc.constant(null),
    ),
  },
  { requiredKeys: ["id"] },
);

const clientShape = fc.record(
  { object: fc.constant("client"), id: text(8), sessions: fc.array(sessionShape, { maxLength: 3 }) },
  { requiredKeys: ["sessions"] },
);

const errorEnvelope = fc.record(
  {
    errors: fc.array(
      fc.record(
        {
          code: fc.oneof(
            fc.constantFrom(
              "form_password_incorrect",
              "form_identifier_not_found",
              "user_locked",
              "too_many_requests",
              "form_password_pwned",
              "resource_not_found",
              "session_exists",
            ),
            text(15),
          ),
          message: text(30),
          long_message: text(40),
          meta: fc.oneof(
            fc.record({ lockout_expires_in_seconds: fc.integer({ min: -10, max: 10_000 }) }),
            fc.object({ maxDepth: 1 }),
          ),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    clerk_trace_id: fc.oneof(text(20), fc.integer()),
  },
  { requiredKeys: [] },
);

const signInBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        response: fc.record(
          {
            object: fc.constant("sign_in_attempt"),
            status: fc.oneof(
              fc.constantFrom(
                "complete",
                "needs_second_factor",
                "needs_client_trust",
                "needs_first_factor",
                "needs_new_password",
                "needs_identifier",
              ),
              text(10),
            ),
            created_session_id: fc.oneof(fc.constant("sess_1"), fc.constant(null), text(10)),
          },
          { requiredKeys: [] },
        ),
        client: clientShape,
      })
      .map((v) => JSON.stringify(v)),
  },
  { weight: 2, arbitrary: errorEnvelope.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: text(100) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      "<html><body>502 Bad Gateway</body></html>",
      '{"response":{"object":"sign_in_attempt","id":"sia_',
      "null",
      "[]",
    ),
  },
);

const sessionBody = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record(
        { response: sessionShape, client: fc.oneof(clientShape, fc.constant(null)) },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
  },
  { weight: 1, arbitrary: errorEnvelope.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: text(60) },
);

const tokenBody = fc.oneof(
  fc
    .record({ object: fc.constant("token"), jwt: jwtLike }, { requiredKeys: [] })
    .map((v) => JSON.stringify(v)),
  errorEnvelope.map((v) => JSON.stringify(v)),
  text(60),
);

const jwksBody = fc.oneof(
  fc
    .record({
      keys: fc.array(
        fc.record(
          {
            kty: fc.constantFrom("RSA", "EC", "oct", "x"),
            kid: text(10),
            n: fc.base64String({ maxLength: 40 }),
            e: fc.constant("AQAB"),
            alg: fc.constantFrom("RS256", "none"),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
    })
    .map((v) => JSON.stringify(v)),
  fc.json(),
  text(40),
);

const status = fc.oneof(
  { weight: 5, arbitrary: fc.constant(200) },
  { weight: 3, arbitrary: fc.constantFrom(400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }) },
);

const answerHeaders = fc.record(
  {
    "content-type": fc.oneof(
      fc.constantFrom("application/json", "application/json; charset=utf-8", "text/html", "text/plain"),
      headerValue(30),
    ),
    "retry-after": fc.oneof(
      fc.integer({ min: -5, max: 100_000 }).map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
      headerValue(20),
    ),
    authorization: fc.oneof(fc.constant("client_token_fuzz"), headerValue(40)),
    location: fc.constant("https://evil.example/elsewhere"),
  },
  { requiredKeys: [] },
);

const answer = (body: fc.Arbitrary<string>): fc.Arbitrary<FakeAnswer> =>
  fc.oneof(
    {
      weight: 20,
      arbitrary: fc.record({
        kind: fc.constant("answer" as const),
        status,
        headers: answerHeaders,
        body,
        delayMs: fc.oneof(
          { weight: 9, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: 0, max: FAKE_TIMEOUT_MS * 2 }) },
        ),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: "hang" as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: "reset" as const }) },
  );

const script: fc.Arbitrary<FakeScript> = fc.record({
  signIn: answer(signInBody),
  touch: answer(sessionBody),
  token: answer(tokenBody),
  jwks: answer(jwksBody),
});

function isFapiResult(r: FapiResult<unknown>): boolean {
  if (r.ok) return true;
  return ["clerk", "timeout", "network", "malformed"].includes(r.error.kind);
}

function fapiClientTarget(): FuzzTarget {
  return {
    name: "Clerk FAPI client and sign-in flow against arbitrary FAPI answers",
    quickRuns: 50,
    run: async (options) => {
      const fake = await startFakeFapi();
      try {
        const fapi = new FapiClient({ baseUrl: fake.url, timeoutMs: FAKE_TIMEOUT_MS });
        return await checkAsync(
          options,
          [script, fc.boolean(), fc.boolean()],
          async (s, withOrganization, withTemplate) => {
            fake.setScript(s);
            const bound = FAKE_TIMEOUT_MS * 4 + 1000;
            const signIn = await within(bound, "FapiClient.signIn", () =>
              fapi.signIn("user@example.com", "pw"),
            );
            assert.ok(isFapiResult(signIn));
            if (s.signIn.kind === "hang") assert.equal(!signIn.ok && signIn.error.kind, "timeout");
            if (
              s.signIn.kind === "answer" &&
              s.signIn.delayMs === 0 &&
              !signIn.ok &&
              signIn.error.kind === "timeout"
            )
              assert.fail("an immediate answer was reported as a timeout");
            const touched = await within(bound, "FapiClient.touch", () =>
              fapi.touch("ct", "sess_1", "org_fuzz"),
            );
            assert.ok(isFapiResult(touched));
            const token = await within(bound, "FapiClient.templateToken", () =>
              fapi.templateToken("ct", "sess_1", "t"),
            );
            assert.ok(isFapiResult(token));
            const flow = await within(bound * 3, "signInWithPassword", () =>
              signInWithPassword(fapi, {
                identifier: "user@example.com",
                password: "pw",
                ...(withOrganization ? { organization: { id: "org_fuzz", source: "request" as const } } : {}),
                ...(withTemplate ? { template: "t" } : {}),
              }),
            );
            if (!flow.ok) {
              const mapped = mapSignInFailure(flow.failure);
              assert.ok(
                [400, 401, 429, 500, 503].includes(mapped.failure.status),
                String(mapped.failure.status),
              );
              if (mapped.failure.status === 429 || mapped.failure.status === 503) {
                assert.equal(mapped.failure.error, "temporarily_unavailable");
                assert.ok((mapped.failure.retryAfterSeconds ?? 0) >= 1);
              }
              if (mapped.failure.status === 500) assert.equal(mapped.failure.error, "server_error");
            }
          },
        );
      } finally {
        await fake.close();
      }
    },
  };
}

function clerkTokenEndpointTarget(): FuzzTarget {
  return {
    name: "token endpoint with the Clerk provider against arbitrary FAPI answers (issue and clerk modes)",
    quickRuns: 60,
    run: async (options) => {
      const fake = await startFakeFapi();
      const dataDir = mkdtempSync(join(tmpdir(), "ileap-fuzz-clerk-"));
      const logs = new LogSink();
      const logger = pino({ level: "info" }, logs);
      const hosts: IleapServer[] = [];
      try {
        const config = loadConfig({
          env: {
            ILEAP_DATA_DIR: dataDir,
            ILEAP_DEMO: "true",
            ILEAP_TOKEN_RATE_PER_CLIENT: "0",
            ILEAP_TOKEN_RATE_PER_ADDRESS: "0",
          },
        });
        const keys = await loadKeyRing({ dataDir });
        const common = {
          ILEAP_CLERK_FRONTEND_API: fake.url,
          ILEAP_CLERK_TIMEOUT_MS: String(FAKE_TIMEOUT_MS),
          ILEAP_CLERK_CACHE_SIZE: "0",
          ILEAP_CLERK_RETRY_AFTER_SECONDS: "3",
          // Every case reaches the fake FAPI (the sign-in budget would answer most of them itself).
          ILEAP_CLERK_SIGN_IN_BUDGET: "0",
        };
        for (const env of [
          { ...common, ILEAP_CLERK_ORGANIZATION_ID: "org_fuzz" },
          {
            ...common,
            ILEAP_CLERK_TOKEN_MODE: "clerk",
            ILEAP_CLERK_JWT_TEMPLATE: "t",
            ILEAP_CLERK_JWT_TEMPLATE_AUDIENCE: "t",
            ILEAP_CLERK_SESSION_REUSE_SECONDS: "0",
          },
        ]) {
          const auth = createClerkAuthProvider(loadClerkConfig(env), { keys, logger, tokenTtlSeconds: 600 });
          hosts.push(await createIleapServer(config, { auth, logger }));
        }
        let n = 0;
        return await checkAsync(options, [script, fc.boolean()], async (s, clerkMode) => {
          fake.setScript(s);
          const app = (hosts[clerkMode ? 1 : 0] as IleapServer).app;
          const identifier = `fuzz-${n++}@example.com`; // a fresh identifier: the failed-attempt throttle stays out of the way
          const res = await within(FAKE_TIMEOUT_MS * 10 + 2000, "token endpoint (Clerk)", () =>
            Promise.resolve(
              app.request("/auth/token", {
                method: "POST",
                headers: {
                  authorization: `Basic ${Buffer.from(`${identifier}:pw`).toString("base64")}`,
                  "content-type": "application/x-www-form-urlencoded",
                },
                body: "grant_type=client_credentials",
              }),
            ),
          );
          const body = await res.text();
          const json = JSON.parse(body) as { error?: string; access_token?: string };
          assert.ok([200, 400, 429, 500, 503].includes(res.status), `${res.status} ${body}`);
          assert.equal(res.headers.get("cache-control"), "no-store");
          if (res.status === 429 || res.status === 503) {
            assert.equal(json.error, "temporarily_unavailable");
            assert.match(res.headers.get("retry-after") ?? "", /^\d+$/);
          }
          // A 500 is only ever the documented answer to a Clerk answer that cannot be used (server_error), never an unhandled failure.
          if (res.status === 500) assert.equal(json.error, "server_error", body);
          if (res.status === 200 && !clerkMode) {
            const list = await app.request("/2/footprints?limit=1", {
              headers: { authorization: `Bearer ${json.access_token}` },
            });
            assert.equal(list.status, 200, "a token we minted verifies");
          }
          assert.ok(!logs.lines.some((l) => l.includes('"unhandled error"')), "unhandled error logged");
        });
      } finally {
        for (const h of hosts) await h.close().catch(() => undefined);
        await fake.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Every fuzz target. The HTTP targets share one in-process host (`host()`), which the caller starts
 * with {@link startInProcessHost} before running them and closes afterwards.
 */
export function fuzzTargets(host: () => InProcessHost): FuzzTarget[] {
  return [
    odataTarget(),
    odataPrintTarget(),
    tadTarget(),
    pageTokenTarget(),
    tokenEndpointTarget(host),
    eventsTarget(host),
    footprintQueryTarget(host),
    tadQueryTarget(host),
    adminTarget(host),
    fapiClientTarget(),
    clerkTokenEndpointTarget(),
  ];
}
