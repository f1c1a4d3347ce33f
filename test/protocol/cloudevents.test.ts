import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { PACT_EVENT_TYPES, type PactEvent, parseEvent } from "../../src/protocol/cloudevents.ts";

const CE = "application/cloudevents+json; charset=UTF-8";
const UUID = "3a6c14a7-4deb-498a-b5ea-16ce2535b576";

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: PACT_EVENT_TYPES.published,
    specversion: "1.0",
    id: "evt-1",
    source: "https://webhook.example.com",
    time: "2023-05-19T11:30:00Z",
    data: { pfIds: [UUID] },
    ...overrides,
  };
}

function accepted(body: unknown, contentType = CE): PactEvent {
  const r = parseEvent(contentType, typeof body === "string" ? body : JSON.stringify(body));
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  return r.value;
}

function rejected(body: unknown, ...fragments: string[]): string {
  return rejectedWith(CE, body, ...fragments);
}

function rejectedWith(contentType: string | undefined, body: unknown, ...fragments: string[]): string {
  const r = parseEvent(contentType, typeof body === "string" ? body : JSON.stringify(body));
  assert.ok(!r.ok, "expected a rejection");
  assert.equal(r.error.code, "BadRequest");
  for (const f of fragments)
    assert.ok(r.error.message.includes(f), `${JSON.stringify(r.error.message)} lacks ${f}`);
  return r.error.message;
}

describe("parseEvent: content type", () => {
  it("accepts both media types with any parameters, case-insensitively", () => {
    for (const ct of [
      "application/cloudevents+json",
      "application/cloudevents+json; charset=UTF-8",
      "application/json",
      "application/json;charset=utf-8",
      "Application/JSON ; charset=UTF-8",
      "APPLICATION/CLOUDEVENTS+JSON",
    ]) {
      accepted(event(), ct);
    }
  });

  it("rejects other or absent content types", () => {
    rejectedWith(undefined, event(), "Content-Type is absent");
    rejectedWith("text/plain", event(), '"text/plain" is not supported');
    rejectedWith("application/cloudevents-batch+json", event(), "not supported");
    rejectedWith("application/x-www-form-urlencoded", event(), "expected application/cloudevents+json");
    rejectedWith("", event());
  });
});

describe("parseEvent: envelope", () => {
  it("parses the conformance tool's Published event (TC15)", () => {
    assert.deepEqual(accepted(event()), {
      specversion: "1.0",
      id: "evt-1",
      source: "https://webhook.example.com",
      time: "2023-05-19T11:30:00Z",
      type: PACT_EVENT_TYPES.published,
      data: { pfIds: [UUID] },
    });
  });

  it("omits an absent time and ignores extra attributes", () => {
    const e = accepted(event({ time: undefined, datacontenttype: "application/json", extra: 1 }));
    assert.equal("time" in e, false);
    assert.equal("extra" in e, false);
  });

  it("rejects bodies that are not a JSON object", () => {
    rejected("", "not valid JSON");
    rejected("{", "not valid JSON");
    rejected("[]", "JSON object", "an empty array");
    rejected("null", "JSON object", "null");
    rejected('"x"', "JSON object");
  });

  it("requires specversion exactly 1.0", () => {
    rejected(event({ specversion: "1.1" }), "specversion", '"1.1"');
    rejected(event({ specversion: 1 }), "specversion", "1");
    rejected(event({ specversion: undefined }), "specversion", "absent");
  });

  it("requires non-empty string id, source and type", () => {
    for (const field of ["id", "source", "type"]) {
      rejected(event({ [field]: "" }), field, "non-empty string");
      rejected(event({ [field]: 5 }), field, "got 5");
      rejected(event({ [field]: undefined }), field, "absent");
    }
  });

  it("requires time to be a string when present", () => {
    rejected(event({ time: 5 }), "time must be a string");
  });

  it("requires data to be a JSON object", () => {
    rejected(event({ data: undefined }), "data must be a JSON object", "absent");
    rejected(event({ data: null }), "data must be a JSON object", "null");
    rejected(event({ data: [] }), "data must be a JSON object", "array");
    rejected(event({ data: "x" }), "data must be a JSON object");
  });

  it("rejects unknown types, naming them", () => {
    rejected(
      event({ type: "org.wbcsd.pact.ProductFootprint.PublishedEvent.3" }),
      "PublishedEvent.3",
      "not supported",
    );
    rejected(event({ type: "com.example.Other" }), '"com.example.Other"', PACT_EVENT_TYPES.requestCreated);
  });
});

describe("parseEvent: Published", () => {
  it("accepts UUIDs in any case, also the nil UUID", () => {
    const e = accepted(
      event({ data: { pfIds: [UUID.toUpperCase(), "00000000-0000-0000-0000-000000000000"] } }),
    );
    assert.equal(e.type, PACT_EVENT_TYPES.published);
    if (e.type === PACT_EVENT_TYPES.published) assert.equal(e.data.pfIds.length, 2);
  });

  it("rejects a non-UUID id (TC21), naming it", () => {
    rejected(
      event({ data: { pfIds: ["urn:gtin:4712345060507"] } }),
      "data.pfIds[0]",
      '"urn:gtin:4712345060507"',
      "UUID",
    );
    rejected(event({ data: { pfIds: [UUID, 7] } }), "data.pfIds[1]", "got 7");
  });

  it("requires a non-empty array", () => {
    rejected(event({ data: { pfIds: [] } }), "data.pfIds", "non-empty array");
    rejected(event({ data: { pfIds: UUID } }), "data.pfIds", "non-empty array");
    rejected(event({ data: {} }), "data.pfIds", "absent");
  });

  it("truncates long values in messages", () => {
    const message = rejected(event({ data: { pfIds: ["x".repeat(10_000)] } }), "data.pfIds[0]");
    assert.ok(message.length < 300, message);
  });
});

describe("parseEvent: request events", () => {
  it("parses the conformance tool's request (TC12) and rejection trigger (TC14.A)", () => {
    const e = accepted({
      specversion: "1.0",
      id: "test-run-id-12345",
      source: "https://webhook.example.com",
      time: "2023-05-19T10:30:00Z",
      type: PACT_EVENT_TYPES.requestCreated,
      data: {
        pf: { productIds: ["urn:gtin:1234567890123"] },
        comment: "Please send PCF data for this year.",
      },
    });
    assert.deepEqual(e.data, {
      pf: { productIds: ["urn:gtin:1234567890123"] },
      comment: "Please send PCF data for this year.",
    });
    const reject = accepted(
      event({ type: PACT_EVENT_TYPES.requestCreated, data: { pf: { productIds: ["urn:pact:null"] } } }),
    );
    assert.deepEqual(reject.data, { pf: { productIds: ["urn:pact:null"] } });
  });

  it("treats a null comment as absent and rejects other non-strings", () => {
    const e = accepted(event({ type: PACT_EVENT_TYPES.requestCreated, data: { pf: {}, comment: null } }));
    assert.deepEqual(e.data, { pf: {} });
    rejected(event({ type: PACT_EVENT_TYPES.requestCreated, data: { pf: {}, comment: 3 } }), "data.comment");
  });

  it("requires pf to be an object", () => {
    for (const pf of [undefined, null, [], "x"]) {
      rejected(
        event({ type: PACT_EVENT_TYPES.requestCreated, data: { pf } }),
        "data.pf must be a JSON object",
      );
    }
  });

  it("parses Fulfilled events", () => {
    const e = accepted(
      event({
        type: PACT_EVENT_TYPES.requestFulfilled,
        data: { requestEventId: "req-1", pfs: [{ id: UUID }] },
      }),
    );
    assert.deepEqual(e.data, { requestEventId: "req-1", pfs: [{ id: UUID }] });
    accepted(event({ type: PACT_EVENT_TYPES.requestFulfilled, data: { requestEventId: "req-1", pfs: [] } }));
    rejected(
      event({ type: PACT_EVENT_TYPES.requestFulfilled, data: { pfs: [] } }),
      "data.requestEventId",
      "absent",
    );
    rejected(
      event({ type: PACT_EVENT_TYPES.requestFulfilled, data: { requestEventId: "r", pfs: {} } }),
      "data.pfs must be an array",
    );
    rejected(
      event({ type: PACT_EVENT_TYPES.requestFulfilled, data: { requestEventId: "r", pfs: [1] } }),
      "data.pfs[0]",
    );
  });

  it("parses Rejected events", () => {
    const e = accepted(
      event({
        type: PACT_EVENT_TYPES.requestRejected,
        data: { requestEventId: "req-1", error: { code: "NoSuchFootprint", message: "none" } },
      }),
    );
    assert.deepEqual(e.data, {
      requestEventId: "req-1",
      error: { code: "NoSuchFootprint", message: "none" },
    });
    const type = PACT_EVENT_TYPES.requestRejected;
    rejected(event({ type, data: { requestEventId: "r" } }), "data.error");
    rejected(event({ type, data: { requestEventId: "r", error: { message: "m" } } }), "data.error.code");
    rejected(event({ type, data: { requestEventId: "r", error: { code: "X" } } }), "data.error.message");
    rejected(
      event({ type, data: { requestEventId: 1, error: { code: "X", message: "m" } } }),
      "data.requestEventId",
    );
  });
});

describe("parseEvent: properties", () => {
  it("never throws on arbitrary JSON bodies and content types", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.json(), fc.string()),
        fc.option(fc.constantFrom("application/json", CE, "text/plain", ""), { nil: undefined }),
        (body, contentType) => {
          const r = parseEvent(contentType, body);
          if (!r.ok) assert.equal(r.error.code, "BadRequest");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("never throws on event-shaped JSON with arbitrary fields", () => {
    const anyType = fc.constantFrom(...Object.values(PACT_EVENT_TYPES), "x");
    fc.assert(
      fc.property(
        anyType,
        fc.jsonValue(),
        fc.dictionary(
          fc.constantFrom("pfIds", "pf", "comment", "requestEventId", "pfs", "error"),
          fc.jsonValue(),
        ),
        (type, id, data) => {
          const r = parseEvent(CE, JSON.stringify({ specversion: "1.0", id, source: "s", type, data }));
          if (!r.ok) assert.equal(r.error.code, "BadRequest");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("survives deeply nested bodies", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const r = parseEvent(
      CE,
      `{"specversion":"1.0","id":"i","source":"s","type":"${PACT_EVENT_TYPES.published}","data":{"pfIds":${deep}}}`,
    );
    assert.ok(!r.ok);
    assert.equal(r.error.code, "BadRequest");
  });
});

describe("parseEvent: request without data.pf (official TC 14.A document shape)", () => {
  it("accepts top-level productId/productIds as the fragment's productIds", () => {
    for (const key of ["productId", "productIds"]) {
      const parsed = parseEvent(
        "application/cloudevents+json; charset=UTF-8",
        JSON.stringify({
          specversion: "1.0",
          id: "test-run-id-12345",
          source: "https://webhook.example.com",
          type: "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
          data: { [key]: ["urn:null"], comment: "Please send PCF data for this year." },
        }),
      );
      assert.ok(parsed.ok, key);
      assert.deepEqual((parsed.value.data as { pf: unknown }).pf, { productIds: ["urn:null"] });
    }
    const none = parseEvent(
      "application/json",
      JSON.stringify({
        specversion: "1.0",
        id: "x",
        source: "s",
        type: "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
        data: { productId: [] },
      }),
    );
    assert.equal(none.ok, false);
  });
});
