/**
 * The PACT v3.0 part of `/openapi.json`: `GET /3/footprints`, `GET /3/footprints/{id}`,
 * `POST /3/events` and their schemas. The v3 ProductFootprint schema is the one we validate with
 * (`src/model/schemas/pact-v3-product-footprint.json`), its definitions turned into components
 * (`PactV3…`), so the document and the validator cannot drift apart.
 * @module
 */
import { readFileSync } from "node:fs";
import { PACT_V3_EVENT_TYPES } from "../protocol/cloudevents-v3.ts";
import { V3_DATE_CRITERIA, V3_LIST_CRITERIA } from "../protocol/v3-filter.ts";
import type { JsonValue } from "./openapi.ts";

type Schema = { [key: string]: JsonValue };

/** The helpers of `openapi.ts` the v3 paths are built with (one style for the whole document). */
export interface OpenApiHelpers {
  readonly ref: (name: string) => Schema;
  readonly headerRef: (name: string) => Schema;
  readonly response: (description: string, schema?: Schema, headers?: Record<string, JsonValue>) => Schema;
  readonly pactErrorWith: (...codes: string[]) => Schema;
  /** Answers shared by every route (414, 500) and by data routes (503). */
  readonly common: Record<string, JsonValue>;
  readonly bodyTooLarge: Record<string, JsonValue>;
  readonly limitParam: JsonValue;
  readonly pageTokenParam: JsonValue;
}

const PREFIX = "PactV3";

/** Rewrites `#/definitions/X` references to `#/components/schemas/PactV3X`. */
function rewriteRefs(node: JsonValue): JsonValue {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== "object") return node;
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] =
      k === "$ref" && typeof v === "string" && v.startsWith("#/definitions/")
        ? `#/components/schemas/${PREFIX}${v.slice(14)}`
        : rewriteRefs(v);
  }
  return out;
}

/** The v3 component schemas: `ProductFootprintV3`, its definitions, lists, items and events. */
export function v3Schemas(): Record<string, Schema> {
  const text = readFileSync(
    new URL("../model/schemas/pact-v3-product-footprint.json", import.meta.url),
    "utf8",
  );
  const {
    $schema: _schema,
    $comment: _comment,
    definitions,
    ...root
  } = JSON.parse(text) as Schema & {
    definitions: Record<string, Schema>;
  };
  const out: Record<string, Schema> = {
    ProductFootprintV3: rewriteRefs({
      ...root,
      description:
        'PACT v3.0 ProductFootprint (Technical Specifications 3.0.3). Footprints authored in v2 are rendered in v3 by our field map (README "PACT v3").',
    }) as Schema,
  };
  for (const [name, schema] of Object.entries(definitions))
    out[`${PREFIX}${name}`] = rewriteRefs(schema) as Schema;
  const productFootprint = { $ref: "#/components/schemas/ProductFootprintV3" };
  out.FootprintListV3 = {
    type: "object",
    required: ["data"],
    properties: { data: { type: "array", items: productFootprint } },
  };
  out.FootprintItemV3 = { type: "object", required: ["data"], properties: { data: productFootprint } };
  const event = (type: string, data: Schema): Schema => ({
    type: "object",
    required: ["specversion", "id", "source", "type", "time", "data"],
    properties: {
      specversion: { type: "string", const: "1.0" },
      id: { type: "string", minLength: 1 },
      source: { type: "string", minLength: 1 },
      type: { type: "string", const: type },
      time: { type: "string", minLength: 1 },
      data,
    },
  });
  const stringOrList: Schema = {
    oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
  };
  out.CloudEventV3 = {
    oneOf: [
      event(PACT_V3_EVENT_TYPES.published, {
        type: "object",
        required: ["pfIds"],
        properties: { pfIds: { type: "array", minItems: 1, items: { type: "string", format: "uuid" } } },
      }),
      event(PACT_V3_EVENT_TYPES.requestCreated, {
        type: "object",
        description: "The ListFootprints criteria (and a comment).",
        properties: {
          ...Object.fromEntries(V3_LIST_CRITERIA.map((c) => [c, stringOrList])),
          ...Object.fromEntries(V3_DATE_CRITERIA.map((c) => [c, { type: "string", format: "date-time" }])),
          status: { type: "string" },
          comment: { type: "string" },
        },
      }),
      event(PACT_V3_EVENT_TYPES.requestFulfilled, {
        type: "object",
        required: ["requestEventId", "pfs"],
        properties: {
          requestEventId: { type: "string", minLength: 1 },
          pfs: { type: "array", minItems: 1, items: productFootprint },
        },
      }),
      event(PACT_V3_EVENT_TYPES.requestRejected, {
        type: "object",
        required: ["requestEventId", "error"],
        properties: {
          requestEventId: { type: "string", minLength: 1 },
          error: {
            type: "object",
            required: ["code", "message"],
            properties: { code: { type: "string", minLength: 1 }, message: { type: "string" } },
          },
        },
      }),
    ],
  };
  return out;
}

const CRITERIA_DESCRIPTIONS: Record<string, string> = {
  productId: "Product id (URN) in `productIds`; repeatable (OR); case-insensitive; never split on commas.",
  companyId: "Company id (URN) in `companyIds`; repeatable (OR); case-insensitive.",
  geography:
    "`pcf.geographyCountry`, `geographyCountrySubdivision` or `geographyRegionOrSubregion`; repeatable (OR); case-insensitive.",
  classification: "Entry of `productClassifications` (URN); repeatable (OR); case-insensitive.",
  validOn:
    "Footprints valid at this instant: effective validity start ≤ validOn ≤ end (validityPeriodStart/End, else referencePeriodEnd … + 3 years).",
  validAfter: "Footprints whose effective validity starts after this instant.",
  validBefore: "Footprints whose effective validity ends before this instant.",
  status: "`Active` or `Deprecated` (case-insensitive); any other value matches nothing.",
};

/** The `/3` paths. */
export function v3Paths(h: OpenApiHelpers): Record<string, JsonValue> {
  const authErrors = {
    "401": h.response(
      "Missing or invalid access token (BadRequest), or a genuine token that has expired (TokenExpired).",
      h.pactErrorWith("BadRequest", "TokenExpired"),
    ),
    "403": h.response("Valid token without permission for footprints.", h.pactErrorWith("AccessDenied")),
  };
  const criteria: JsonValue[] = [...V3_LIST_CRITERIA, ...V3_DATE_CRITERIA, "status"].map(
    (name): JsonValue => {
      const repeatable = (V3_LIST_CRITERIA as readonly string[]).includes(name);
      const schema: Schema = repeatable ? { type: "array", items: { type: "string" } } : { type: "string" };
      return {
        name,
        in: "query",
        required: false,
        description: CRITERIA_DESCRIPTIONS[name] ?? name,
        schema,
        ...(repeatable ? { explode: true } : {}),
      };
    },
  );
  return {
    "/3/footprints": {
      get: {
        operationId: "listFootprintsV3",
        tags: ["pact-v3"],
        summary: "PACT v3.0 ListFootprints: the v3 rendering of each footprint v3 can represent",
        description:
          "Criteria combine with AND; the values of one criterion with OR. Parameter names are case-insensitive. Any other parameter is 400 BadRequest naming it; a value that matches nothing answers 200 with an empty list.",
        security: [{ bearerAuth: [] }],
        parameters: [...criteria, h.limitParam, h.pageTokenParam],
        responses: {
          "200": h.response("A page of footprints.", h.ref("FootprintListV3"), {
            Link: h.headerRef("NextLink"),
          }),
          "400": h.response(
            "Unknown query parameter, malformed date or limit, or a page token of another listing.",
            h.pactErrorWith("BadRequest"),
          ),
          ...authErrors,
          "501": h.response("The configured store does not serve v3.", h.pactErrorWith("NotImplemented")),
          ...h.common,
        },
      },
    },
    "/3/footprints/{id}": {
      get: {
        operationId: "getFootprintV3",
        tags: ["pact-v3"],
        summary: "PACT v3.0 GetFootprint",
        security: [{ bearerAuth: [] }],
        parameters: [
          {
            name: "id",
            in: "path",
            required: true,
            description: "Footprint id (a UUID; anything else is 404 NotFound).",
            schema: { type: "string" },
          },
        ],
        responses: {
          "200": h.response("The footprint.", h.ref("FootprintItemV3")),
          ...authErrors,
          "403": h.response(
            "Valid token without permission for footprints, or for this stored footprint (PACT 3.0 GetFootprint).",
            h.pactErrorWith("AccessDenied"),
          ),
          "404": h.response(
            "Unknown or malformed id, or a footprint v3 cannot represent.",
            h.pactErrorWith("NotFound"),
          ),
          "501": h.response("The configured store does not serve v3.", h.pactErrorWith("NotImplemented")),
          ...h.common,
        },
      },
    },
    "/3/events": {
      post: {
        operationId: "postEventV3",
        tags: ["pact-v3"],
        summary:
          "Receive a PACT v3.0 event; request events are answered at the requester's /3/events with v3 events",
        security: [{ bearerAuth: [] }],
        requestBody: {
          required: true,
          content: {
            "application/cloudevents+json": { schema: h.ref("CloudEventV3") },
            "application/json": { schema: h.ref("CloudEventV3") },
          },
        },
        responses: {
          "200": h.response("Accepted (and stored). Empty body."),
          "400": h.response(
            "Wrong content type, or a malformed or unknown event (v2 types included).",
            h.pactErrorWith("BadRequest"),
          ),
          ...authErrors,
          ...h.bodyTooLarge,
          ...h.common,
        },
      },
    },
  };
}
