/**
 * A small PACT v3.0 host written for the conformance tests, independent of our server: correct by
 * default, with switchable defects so that every v3 case of the suite can be seen failing. It keeps
 * three footprints whose filter values are disjoint (so an ignored filter shows) and answers
 * request events on the requester's `/3/events` through the PACT auth flow (discovery, token).
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** Defects the host can be told to have; each targets one rule. */
export type V3Defect =
  | "no-discovery" // TC18
  | "wrong-oauth-error" // TC2: 401 unauthorized_client
  | "get-wrong-id" // TC3
  | "schema-error" // TC4: a footprint without pcf.fossilGhgEmissions
  | "relative-link" // TC5
  | "invalid-token-403" // TC6, TC7, TC16
  | "v2-not-found-code" // TC8: 404 NoSuchFootprint
  | "events-202" // TC12, TC14.A, TC15
  | "answer-v2-shape" // TC13: Fulfilled sent to /2/events with the v2 type
  | "answer-without-token" // TC13, TC14.B: answers sent without the requester's token
  | "reject-without-error" // TC14.B
  | "accept-malformed-published" // TC40
  | "ignore-filters" // TC20–TC39, and the bad-query extra check
  | "serve-plain-http"; // TC9–TC11, TC17 (requests under /plain stand for plain HTTP)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function footprint(
  n: number,
  p: {
    status: string;
    geo: string;
    refStart: string;
    refEnd: string;
    validStart: string;
    validEnd: string;
    created: string;
  },
): Record<string, unknown> {
  return {
    id: `0000000${n}-1111-4222-8333-44444444444${n}`,
    specVersion: "3.0.0",
    created: p.created,
    status: p.status,
    validityPeriodStart: p.validStart,
    validityPeriodEnd: p.validEnd,
    companyName: `Company ${n}`,
    companyIds: [`urn:company:example:c${n}`],
    productDescription: `Product ${n}, bulk`,
    productIds: [`urn:gtin:100000000000${n}`, `urn:pact:example:product,${n}`],
    productClassifications: [`urn:pact:productclassification:cas:${n}`],
    productNameCompany: `Product ${n}`,
    pcf: {
      declaredUnitOfMeasurement: "kilogram",
      declaredUnitAmount: "1",
      productMassPerDeclaredUnit: "1",
      referencePeriodStart: p.refStart,
      referencePeriodEnd: p.refEnd,
      geographyCountry: p.geo,
      pcfExcludingBiogenicUptake: "1.5",
      pcfIncludingBiogenicUptake: "1.5",
      fossilGhgEmissions: "1.5",
      fossilCarbonContent: "0",
      ipccCharacterizationFactors: ["AR6"],
      crossSectoralStandards: ["ISO14067"],
      exemptedEmissionsPercent: "0",
    },
  };
}

/** The three footprints: the first complete; the others before and after its validity window. */
export const V3_FOOTPRINTS: readonly Record<string, unknown>[] = [
  footprint(1, {
    status: "Active",
    geo: "DE",
    refStart: "2024-01-01T00:00:00Z",
    refEnd: "2024-12-31T00:00:00Z",
    validStart: "2025-01-01T00:00:00Z",
    validEnd: "2026-01-01T00:00:00Z",
    created: "2025-01-01T00:00:00Z",
  }),
  footprint(2, {
    status: "Deprecated",
    geo: "FR",
    refStart: "2020-01-01T00:00:00Z",
    refEnd: "2020-12-31T00:00:00Z",
    validStart: "2021-01-01T00:00:00Z",
    validEnd: "2022-01-01T00:00:00Z",
    created: "2021-01-01T00:00:00Z",
  }),
  footprint(3, {
    status: "Active",
    geo: "US",
    refStart: "2026-01-01T00:00:00Z",
    refEnd: "2026-12-31T00:00:00Z",
    validStart: "2027-01-01T00:00:00Z",
    validEnd: "2029-01-01T00:00:00Z",
    created: "2027-01-01T00:00:00Z",
  }),
];

const EVENT = "org.wbcsd.pact.ProductFootprint.";
const FILTERS = new Set([
  "productid",
  "companyid",
  "geography",
  "classification",
  "validon",
  "validafter",
  "validbefore",
  "status",
]);

function window(pf: Record<string, unknown>): [number, number] {
  return [Date.parse(String(pf.validityPeriodStart)), Date.parse(String(pf.validityPeriodEnd))];
}

function matches(pf: Record<string, unknown>, criteria: Map<string, string[]>): boolean {
  const pcf = pf.pcf as Record<string, unknown>;
  const lower = (xs: unknown): string[] => (Array.isArray(xs) ? xs.map((x) => String(x).toLowerCase()) : []);
  const [start, end] = window(pf);
  for (const [name, values] of criteria) {
    const vs = values.map((v) => v.toLowerCase());
    const any = (have: string[]): boolean => vs.some((v) => have.includes(v));
    const ok =
      name === "productid"
        ? any(lower(pf.productIds))
        : name === "companyid"
          ? any(lower(pf.companyIds))
          : name === "classification"
            ? any(lower(pf.productClassifications))
            : name === "geography"
              ? any([String(pcf.geographyCountry).toLowerCase()])
              : name === "status"
                ? any([String(pf.status).toLowerCase()])
                : name === "validon"
                  ? values.every((v) => start <= Date.parse(v) && Date.parse(v) <= end)
                  : name === "validafter"
                    ? values.every((v) => start > Date.parse(v))
                    : values.every((v) => end < Date.parse(v));
    if (!ok) return false;
  }
  return true;
}

export interface FakeV3Host {
  readonly url: string;
  /** Where the "plain-HTTP" variant of `url` is (the suite's `httpBaseUrl`). */
  readonly plainUrl: string;
  /** Peer credentials the host uses at requesters (the suite's callback listener). */
  setPeer(peer: { clientId: string; clientSecret: string }): void;
  close(): Promise<void>;
}

/** Starts the host on a free loopback port; `clientId`/`clientSecret` is its one client. */
export async function startFakeV3Host(defects: readonly V3Defect[] = []): Promise<FakeV3Host> {
  const has = (d: V3Defect): boolean => defects.includes(d);
  const TOKEN = "fake-v3-token";
  let peer = { clientId: "", clientSecret: "" };
  let base = "";
  const sockets = new Set<Socket>();
  const send = (
    res: http.ServerResponse,
    status: number,
    body?: unknown,
    headers: http.OutgoingHttpHeaders = {},
  ) => {
    if (body === undefined) res.writeHead(status, headers);
    else res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };

  /** Answers a request event like a PACT host: token from the requester, then POST its events. */
  const answer = async (event: Record<string, unknown>): Promise<void> => {
    const source = String(event.source).replace(/\/+$/, "");
    const data = event.data as Record<string, unknown>;
    const wanted = Array.isArray(data.productId) ? data.productId.map(String) : [];
    const pfs = V3_FOOTPRINTS.filter((pf) => (pf.productIds as string[]).some((p) => wanted.includes(p)));
    const discovery = (await (await fetch(`${source}/.well-known/openid-configuration`)).json()) as {
      token_endpoint: string;
    };
    const tokenRes = await fetch(discovery.token_endpoint, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${peer.clientId}:${peer.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const fulfil = pfs.length > 0;
    const v2Shape = has("answer-v2-shape") && fulfil;
    const reply = {
      specversion: "1.0",
      id: crypto.randomUUID(),
      source: base,
      time: new Date().toISOString(),
      type: v2Shape
        ? "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1"
        : `${EVENT}${fulfil ? "RequestFulfilledEvent" : "RequestRejectedEvent"}.3`,
      data: fulfil
        ? { requestEventId: event.id, pfs }
        : has("reject-without-error")
          ? { requestEventId: event.id }
          : { requestEventId: event.id, error: { code: "NotFound", message: "no footprint matches" } },
    };
    await fetch(`${source}${v2Shape ? "/2/events" : "/3/events"}`, {
      method: "POST",
      headers: {
        "content-type": "application/cloudevents+json; charset=UTF-8",
        ...(has("answer-without-token") ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(reply),
    });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      // Requests under /plain stand for plain-HTTP requests (the suite's `httpBaseUrl`): refused
      // unless the host is told to serve them.
      const plain = (req.url ?? "/").startsWith("/plain/");
      const url = new URL((req.url ?? "/").slice(plain ? "/plain".length : 0), base);
      const body = Buffer.concat(chunks).toString("utf8");
      const refused = plain && !has("serve-plain-http");
      const authed = req.headers.authorization === `Bearer ${TOKEN}`;
      const denied = (): void =>
        has("invalid-token-403")
          ? send(res, 403, { code: "AccessDenied", message: "no" })
          : send(res, 401, { code: "BadRequest", message: "invalid token" });
      if (url.pathname === "/.well-known/openid-configuration" && !has("no-discovery")) {
        return send(res, 200, {
          issuer: base,
          token_endpoint: `${base}/auth/token`,
          jwks_uri: `${base}/jwks`,
          response_types_supported: ["token"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
        });
      }
      if (url.pathname === "/jwks")
        return send(res, 200, { keys: [{ kty: "RSA", kid: "k", n: "AQAB", e: "AQAB" }] });
      if (url.pathname === "/auth/token" && req.method === "POST") {
        if (refused) return send(res, 400, { error: "invalid_request", error_description: "HTTPS only" });
        const ok = req.headers.authorization === `Basic ${Buffer.from("client:secret").toString("base64")}`;
        if (!ok) {
          return has("wrong-oauth-error")
            ? send(res, 401, { error: "unauthorized_client" })
            : send(res, 400, { error: "invalid_client" });
        }
        if (new URLSearchParams(body).get("grant_type") !== "client_credentials") {
          return send(res, 400, { error: "unsupported_grant_type" });
        }
        return send(res, 200, { access_token: TOKEN, token_type: "bearer", expires_in: 3600 });
      }
      if (refused && url.pathname.startsWith("/3/"))
        return send(res, 400, { code: "BadRequest", message: "HTTPS only" });
      if (url.pathname === "/3/footprints" && req.method === "GET") {
        if (!authed) return denied();
        const criteria = new Map<string, string[]>();
        for (const [k, v] of url.searchParams) {
          const name = k.toLowerCase();
          if (name === "limit" || name === "offset") continue;
          if (!FILTERS.has(name)) {
            if (has("ignore-filters")) continue;
            return send(res, 400, { code: "BadRequest", message: `unknown query parameter ${k}` });
          }
          if (name.startsWith("valid") && Number.isNaN(Date.parse(v)) && !has("ignore-filters")) {
            return send(res, 400, { code: "BadRequest", message: `${k} is not a date-time` });
          }
          criteria.set(name, [...(criteria.get(name) ?? []), v]);
        }
        let list = V3_FOOTPRINTS.filter((pf) => has("ignore-filters") || matches(pf, criteria));
        if (has("schema-error")) {
          list = list.map((pf, i) =>
            i === 1 ? { ...pf, pcf: { ...(pf.pcf as object), fossilGhgEmissions: undefined } } : pf,
          );
        }
        const offset = Number(url.searchParams.get("offset") ?? "0");
        const limit = Number(url.searchParams.get("limit") ?? "100");
        const headers: http.OutgoingHttpHeaders = {};
        if (offset + limit < list.length) {
          const next = new URL(url);
          next.searchParams.set("offset", String(offset + limit));
          headers.link = has("relative-link")
            ? `<${next.pathname}${next.search}>; rel="next"`
            : `<${next.href}>; rel="next"`;
        }
        return send(res, 200, { data: list.slice(offset, offset + limit) }, headers);
      }
      if (url.pathname.startsWith("/3/footprints/") && req.method === "GET") {
        if (!authed) return denied();
        const id = decodeURIComponent(url.pathname.slice("/3/footprints/".length));
        const pf = V3_FOOTPRINTS.find((f) => f.id === id);
        if (pf) return send(res, 200, { data: has("get-wrong-id") ? V3_FOOTPRINTS[2] : pf });
        return send(res, 404, {
          code: has("v2-not-found-code") ? "NoSuchFootprint" : "NotFound",
          message: id,
        });
      }
      if (url.pathname === "/3/events" && req.method === "POST") {
        if (!authed) return denied();
        let event: Record<string, unknown>;
        try {
          event = JSON.parse(body) as Record<string, unknown>;
        } catch {
          return send(res, 400, { code: "BadRequest", message: "not JSON" });
        }
        const data = (event.data ?? {}) as Record<string, unknown>;
        const ok = has("events-202") ? 202 : 200;
        if (event.type === `${EVENT}PublishedEvent.3`) {
          const ids = Array.isArray(data.pfIds) ? data.pfIds : [];
          if (
            !has("accept-malformed-published") &&
            (ids.length === 0 || !ids.every((x) => UUID.test(String(x))))
          ) {
            return send(res, 400, { code: "BadRequest", message: "pfIds must be UUIDs" });
          }
          return send(res, ok);
        }
        if (event.type === `${EVENT}RequestCreatedEvent.3`) {
          send(res, ok);
          setTimeout(() => void answer(event).catch(() => undefined), 50);
          return;
        }
        return send(res, 400, { code: "BadRequest", message: "unknown type" });
      }
      send(res, 404, { code: "NotFound", message: "no route" });
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    plainUrl: `${base}/plain`,
    setPeer: (p) => {
      peer = p;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
