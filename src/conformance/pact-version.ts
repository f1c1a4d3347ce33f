/**
 * What differs between the PACT versions the suite checks: paths, error codes, event types and
 * shapes, the footprint schema. The cases read these instead of hard-coding `/2/…`, so that one
 * implementation of each rule serves both versions.
 * @module
 */

/** PACT versions the suite checks (`--version` of `ileap conformance`). */
export const PACT_VERSIONS = ["2.3", "3.0"] as const;

/** A PACT version the suite checks. */
export type PactVersion = (typeof PACT_VERSIONS)[number];

/** CloudEvent types of one PACT version. */
export interface PactEventTypes {
  readonly published: string;
  readonly requestCreated: string;
  readonly requestFulfilled: string;
  readonly requestRejected: string;
}

/** The version-specific facts the cases use. */
export interface PactProfile {
  readonly version: PactVersion;
  /** Major version: the path segment (`/2/…`, `/3/…`). */
  readonly major: 2 | 3;
  /** `/2/footprints` or `/3/footprints`. */
  readonly footprintsPath: string;
  /** `/2/events` or `/3/events`. */
  readonly eventsPath: string;
  /** Error code of GetFootprint for an unknown id (v2 `NoSuchFootprint`, v3 `NotFound`). */
  readonly notFoundCode: string;
  /** Error code of a Rejected event for a request nothing matches. */
  readonly rejectedCode: string;
  readonly eventTypes: PactEventTypes;
  /** Which schema of the run validates a ProductFootprint of this version. */
  readonly footprintSchema: "productFootprint" | "productFootprintV3";
  /** Label of that schema in failure reasons. */
  readonly schemaLabel: string;
  /** Status the spec prescribes for a missing or invalid token on the PACT endpoints. */
  readonly invalidTokenStatus: 400 | 401;
  /** `data` of a request event asking for footprints with any of `productIds`. */
  requestData(productIds: readonly string[]): Record<string, unknown>;
  /** The product ids a request event's `data` asks for (to check an answer against). */
  requestedProductIds(data: Readonly<Record<string, unknown>>): readonly string[];
}

const V2: PactProfile = {
  version: "2.3",
  major: 2,
  footprintsPath: "/2/footprints",
  eventsPath: "/2/events",
  notFoundCode: "NoSuchFootprint",
  rejectedCode: "NoSuchFootprint",
  eventTypes: {
    published: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
    requestCreated: "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
    requestFulfilled: "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1",
    requestRejected: "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1",
  },
  footprintSchema: "productFootprint",
  schemaLabel: "PACT v2 ProductFootprint schema",
  // PACT v2 (2.2+) and the official tool: 400 BadRequest for an invalid token.
  invalidTokenStatus: 400,
  requestData: (productIds) => ({ pf: { productIds: [...productIds] } }),
  requestedProductIds: (data) => {
    const pf = data.pf;
    const ids = pf && typeof pf === "object" ? (pf as Record<string, unknown>).productIds : undefined;
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === "string") : [];
  },
};

const V3: PactProfile = {
  version: "3.0",
  major: 3,
  footprintsPath: "/3/footprints",
  eventsPath: "/3/events",
  notFoundCode: "NotFound",
  rejectedCode: "NotFound",
  eventTypes: {
    published: "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
    requestCreated: "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
    requestFulfilled: "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
    requestRejected: "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
  },
  footprintSchema: "productFootprintV3",
  schemaLabel: "PACT v3 ProductFootprint schema",
  // PACT v3.0 OpenAPI: every authenticated action answers 401 UnauthorizedResponse.
  invalidTokenStatus: 401,
  requestData: (productIds) => ({ productId: [...productIds] }),
  requestedProductIds: (data) =>
    Array.isArray(data.productId) ? data.productId.filter((x): x is string => typeof x === "string") : [],
};

/** The profile of a PACT version. */
export function pactProfile(version: PactVersion): PactProfile {
  return version === "3.0" ? V3 : V2;
}

/** Parses a version as users write it (`2.3`, `V3.0`, `3`). Throws a `TypeError` naming the accepted ones. */
export function parsePactVersion(value: string): PactVersion {
  const v = value.trim().replace(/^v/i, "");
  if (v === "2" || v === "2.3" || v === "2.2") return "2.3";
  if (v === "3" || v === "3.0") return "3.0";
  throw new TypeError(`unknown PACT version ${JSON.stringify(value)}: use 2.3 or 3.0`);
}
