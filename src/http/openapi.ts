/**
 * The OpenAPI 3.1 description of the host's HTTP API: PACT Data Exchange Protocol v2 (discovery,
 * token, ListFootprints, GetFootprint, events), iLEAP v1.0 (TAD), the admin API and the health
 * endpoints.
 * Served at `GET /openapi.json` with `servers` set to the request's public base URL; kept true by
 * `test/http/openapi-contract.test.ts`, which validates every response of the conformance suite
 * and of a replay of our HTTP tests against it.
 *
 * The data schemas (ProductFootprint, TAD) are our own condensed reading of the PACT v2 and iLEAP
 * data models: they state what we emit (never `null`, decimals as strings) without copying the
 * official schemas, which remain the reference (`src/model/schemas/`).
 * @module
 */

/** A JSON value (the document is plain JSON). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** An OpenAPI document as a JSON object. */
export type OpenApiDocument = { [key: string]: JsonValue };

type Schema = { [key: string]: JsonValue };

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const headerRef = (name: string): Schema => ({ $ref: `#/components/headers/${name}` });

const DECIMAL = "^-?\\d+(\\.\\d+)?$";
const POSITIVE_DECIMAL = "^\\d+(\\.\\d+)?$";
const URN = "^([uU][rR][nN]):";

const UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/** A CloudEvents 1.0 envelope of one PACT event type with its `data` schema. */
function cloudEvent(type: string, data: Schema): Schema {
  return {
    type: "object",
    required: ["specversion", "id", "source", "type", "data"],
    properties: {
      specversion: { type: "string", const: "1.0" },
      id: { type: "string", minLength: 1 },
      source: { type: "string", minLength: 1 },
      type: { type: "string", const: type },
      time: { type: "string" },
      data,
    },
  };
}

const schemas: Record<string, Schema> = {
  PactError: {
    type: "object",
    description:
      "PACT error body. `NotFound` (no route, unknown TAD record) and `Conflict` (admin API) are ours; the others are PACT error codes.",
    required: ["code", "message"],
    properties: {
      code: {
        type: "string",
        enum: [
          "AccessDenied",
          "BadRequest",
          "NoSuchFootprint",
          "NotImplemented",
          "TokenExpired",
          "InternalError",
          "NotFound",
          "Conflict",
        ],
      },
      message: { type: "string", minLength: 1 },
    },
  },
  OAuthError: {
    type: "object",
    description: "OAuth 2.0 error body (RFC 6749 §5.2).",
    required: ["error", "error_description"],
    properties: {
      error: {
        type: "string",
        enum: [
          "invalid_request",
          "invalid_client",
          "unsupported_grant_type",
          "temporarily_unavailable",
          "server_error",
        ],
      },
      error_description: { type: "string" },
    },
  },
  TokenResponse: {
    type: "object",
    description: "OAuth 2.0 access token response (RFC 6749 §5.1); `scope` only when there is one.",
    required: ["access_token", "token_type", "expires_in"],
    properties: {
      access_token: { type: "string", pattern: "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$" },
      token_type: { type: "string", const: "bearer" },
      expires_in: { type: "integer", minimum: 1 },
      scope: { type: "string" },
    },
  },
  TokenRequest: {
    type: "object",
    required: ["grant_type"],
    properties: {
      grant_type: { type: "string", const: "client_credentials" },
      scope: { type: "string" },
      organization_id: {
        type: "string",
        description: "Clerk provider only: organization (id or slug) to activate for this token.",
      },
    },
  },
  OpenIdConfiguration: {
    type: "object",
    required: [
      "issuer",
      "token_endpoint",
      "jwks_uri",
      "response_types_supported",
      "subject_types_supported",
      "id_token_signing_alg_values_supported",
    ],
    properties: {
      issuer: { type: "string", minLength: 1 },
      token_endpoint: { type: "string", format: "uri" },
      jwks_uri: { type: "string", format: "uri" },
      response_types_supported: { type: "array", items: { type: "string" } },
      subject_types_supported: { type: "array", items: { type: "string" } },
      id_token_signing_alg_values_supported: { type: "array", items: { type: "string" } },
      grant_types_supported: { type: "array", items: { type: "string" } },
      token_endpoint_auth_methods_supported: { type: "array", items: { type: "string" } },
    },
  },
  Jwks: {
    type: "object",
    required: ["keys"],
    properties: {
      keys: {
        type: "array",
        items: {
          type: "object",
          required: ["kty"],
          properties: {
            kty: { type: "string" },
            kid: { type: "string" },
            alg: { type: "string" },
            use: { type: "string" },
            n: { type: "string" },
            e: { type: "string" },
          },
        },
      },
    },
  },
  Health: {
    type: "object",
    required: ["status"],
    properties: { status: { type: "string", const: "ok" } },
  },
  Readiness: {
    type: "object",
    required: ["status", "checks"],
    properties: {
      status: { type: "string", enum: ["ready", "unavailable"] },
      checks: {
        type: "object",
        required: ["store"],
        properties: { store: { type: "string", enum: ["ok", "unavailable"] } },
      },
      details: {
        type: "object",
        description:
          "Operational counts, only for a bearer token with the admin role: `events` = outbox deliveries by status (pending, delivered, dead); `responseCache` = hits, misses, entries and bytes of the GET response cache.",
      },
    },
  },
  Decimal: { type: "string", pattern: DECIMAL },
  PositiveDecimal: { type: "string", pattern: POSITIVE_DECIMAL },
  Urn: { type: "string", pattern: URN },
  CountryCode: { type: "string", pattern: "^[A-Z]{2}$" },
  DataModelExtension: {
    type: "object",
    required: ["specVersion", "dataSchema", "data"],
    properties: {
      specVersion: { type: "string", pattern: "^\\d+\\.\\d+\\.\\d+(-\\d{8})?$" },
      dataSchema: { type: "string", format: "uri" },
      documentation: { type: "string", format: "uri" },
      data: { type: "object" },
    },
  },
  CarbonFootprint: {
    type: "object",
    description: "PACT v2 CarbonFootprint (the mandatory part; optional fields are omitted, never null).",
    required: [
      "declaredUnit",
      "unitaryProductAmount",
      "pCfExcludingBiogenic",
      "fossilGhgEmissions",
      "fossilCarbonContent",
      "biogenicCarbonContent",
      "characterizationFactors",
      "ipccCharacterizationFactorsSources",
      "crossSectoralStandardsUsed",
      "boundaryProcessesDescription",
      "referencePeriodStart",
      "referencePeriodEnd",
      "exemptedEmissionsPercent",
      "exemptedEmissionsDescription",
      "packagingEmissionsIncluded",
    ],
    properties: {
      declaredUnit: {
        type: "string",
        enum: [
          "liter",
          "kilogram",
          "cubic meter",
          "kilowatt hour",
          "megajoule",
          "ton kilometer",
          "square meter",
        ],
      },
      unitaryProductAmount: ref("PositiveDecimal"),
      pCfExcludingBiogenic: ref("PositiveDecimal"),
      pCfIncludingBiogenic: ref("Decimal"),
      fossilGhgEmissions: ref("PositiveDecimal"),
      fossilCarbonContent: ref("PositiveDecimal"),
      biogenicCarbonContent: ref("PositiveDecimal"),
      characterizationFactors: { type: "string", enum: ["AR5", "AR6"] },
      ipccCharacterizationFactorsSources: {
        type: "array",
        minItems: 1,
        items: { type: "string", pattern: "^AR\\d+$" },
      },
      crossSectoralStandardsUsed: { type: "array", items: { type: "string" } },
      boundaryProcessesDescription: { type: "string" },
      referencePeriodStart: { type: "string", format: "date-time" },
      referencePeriodEnd: { type: "string", format: "date-time" },
      geographyCountry: ref("CountryCode"),
      geographyRegionOrSubregion: { type: "string" },
      geographyCountrySubdivision: { type: "string", minLength: 1 },
      exemptedEmissionsPercent: { type: "number", minimum: 0, maximum: 5 },
      exemptedEmissionsDescription: { type: "string" },
      packagingEmissionsIncluded: { type: "boolean" },
      packagingGhgEmissions: ref("PositiveDecimal"),
      primaryDataShare: { type: "number", minimum: 0, maximum: 100 },
    },
  },
  ProductFootprint: {
    type: "object",
    description:
      "PACT v2 ProductFootprint. iLEAP ShipmentFootprints, TOCs and HOCs are carried in `extensions[].data`.",
    required: [
      "id",
      "specVersion",
      "version",
      "created",
      "status",
      "companyName",
      "companyIds",
      "productDescription",
      "productIds",
      "productCategoryCpc",
      "productNameCompany",
      "comment",
      "pcf",
    ],
    properties: {
      id: { type: "string", format: "uuid" },
      specVersion: { type: "string", pattern: "^\\d+\\.\\d+\\.\\d+(-\\d{8})?$" },
      precedingPfIds: { type: "array", minItems: 1, items: { type: "string", format: "uuid" } },
      version: { type: "integer", minimum: 0, maximum: 2147483647 },
      created: { type: "string", format: "date-time" },
      updated: { type: "string", format: "date-time" },
      status: { type: "string", enum: ["Active", "Deprecated"] },
      statusComment: { type: "string" },
      validityPeriodStart: { type: "string", format: "date-time" },
      validityPeriodEnd: { type: "string", format: "date-time" },
      companyName: { type: "string", minLength: 1 },
      companyIds: { type: "array", minItems: 1, uniqueItems: true, items: ref("Urn") },
      productDescription: { type: "string" },
      productIds: { type: "array", minItems: 1, uniqueItems: true, items: ref("Urn") },
      productCategoryCpc: { type: "string", minLength: 1 },
      productNameCompany: { type: "string", minLength: 1 },
      comment: { type: "string" },
      pcf: ref("CarbonFootprint"),
      extensions: { type: "array", items: ref("DataModelExtension") },
    },
  },
  Location: {
    type: "object",
    required: ["city", "country"],
    properties: {
      street: { type: "string" },
      zip: { type: "string" },
      city: { type: "string" },
      country: ref("CountryCode"),
      iata: { type: "string" },
      locode: { type: "string" },
      uic: { type: "string" },
      lat: ref("Decimal"),
      lng: ref("Decimal"),
    },
  },
  Tad: {
    type: "object",
    description: "iLEAP Transport Activity Data.",
    required: [
      "activityId",
      "consignmentIds",
      "distance",
      "origin",
      "destination",
      "departureAt",
      "arrivalAt",
      "mode",
    ],
    properties: {
      activityId: { type: "string" },
      consignmentIds: { type: "array", items: { type: "string" } },
      distance: {
        type: "object",
        minProperties: 1,
        properties: { actual: ref("Decimal"), gcd: ref("Decimal"), sfd: ref("Decimal") },
      },
      mass: ref("Decimal"),
      loadFactor: ref("Decimal"),
      emptyDistanceFactor: ref("Decimal"),
      origin: ref("Location"),
      destination: ref("Location"),
      departureAt: { type: "string", format: "date-time" },
      arrivalAt: { type: "string", format: "date-time" },
      mode: { type: "string", enum: ["Road", "Rail", "Air", "Sea", "InlandWaterway"] },
      packagingOrTrEqType: {
        type: "string",
        enum: ["Box", "Pallet", "Container-TEU", "Container-FEU", "Container"],
      },
      packagingOrTrEqAmount: { type: "integer", minimum: 0 },
      energyCarriers: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          required: ["energyCarrier", "emissionFactorWTW", "emissionFactorTTW", "relativeShare"],
          properties: {
            energyCarrier: { type: "string" },
            feedstocks: {
              type: "array",
              items: {
                type: "object",
                required: ["feedstock"],
                properties: {
                  feedstock: { type: "string" },
                  feedstockShare: ref("Decimal"),
                  regionProvenance: { type: "string" },
                },
              },
            },
            energyConsumption: ref("Decimal"),
            energyConsumptionUnit: { type: "string", enum: ["l", "kg", "kWh", "MJ"] },
            emissionFactorWTW: ref("Decimal"),
            emissionFactorTTW: ref("Decimal"),
            relativeShare: ref("Decimal"),
          },
        },
      },
      temperatureControl: { type: "string", enum: ["ambient", "refrigerated"] },
    },
  },
  RecordError: {
    type: "object",
    required: ["pointer", "message", "rule"],
    properties: {
      pointer: { type: "string", description: "JSON Pointer into the record as given" },
      message: { type: "string" },
      value: {},
      rule: { type: "string", description: "Stable rule id, e.g. schema.required, pact.lifecycle.version" },
    },
  },
  RejectedRecord: {
    type: "object",
    required: ["index", "errors"],
    properties: {
      index: { type: "integer", minimum: 0 },
      id: { type: "string" },
      sourceId: { type: "string" },
      errors: { type: "array", items: ref("RecordError") },
    },
  },
  IngestReport: {
    type: "object",
    description: "Outcome of an admin import batch.",
    required: ["accepted", "created", "replaced", "unchanged", "rejected"],
    properties: {
      accepted: { type: "integer", minimum: 0 },
      created: { type: "integer", minimum: 0 },
      replaced: { type: "integer", minimum: 0 },
      unchanged: { type: "integer", minimum: 0 },
      notWritten: { type: "integer", minimum: 1 },
      dryRun: { type: "boolean", const: true },
      rejected: { type: "array", items: ref("RejectedRecord") },
    },
  },
  Visibility: {
    type: "object",
    description: "Who may see a record; `{}` = every client granted its kind.",
    additionalProperties: false,
    properties: {
      clientIds: { type: "array", items: { type: "string", minLength: 1 } },
      organizationIds: { type: "array", items: { type: "string", minLength: 1 } },
    },
  },
  FootprintList: {
    type: "object",
    required: ["data"],
    properties: { data: { type: "array", items: ref("ProductFootprint") } },
  },
  FootprintItem: {
    type: "object",
    required: ["data"],
    properties: { data: ref("ProductFootprint") },
  },
  TadList: {
    type: "object",
    required: ["data"],
    properties: { data: { type: "array", items: ref("Tad") } },
  },
  CloudEvent: {
    description:
      "A PACT v2 event: CloudEvents 1.0 structured JSON; `data` depends on `type` (PACT v2 §Events). Extra attributes are ignored.",
    oneOf: [
      cloudEvent("org.wbcsd.pathfinder.ProductFootprint.Published.v1", {
        type: "object",
        required: ["pfIds"],
        properties: { pfIds: { type: "array", minItems: 1, items: { type: "string", pattern: UUID } } },
      }),
      cloudEvent("org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1", {
        type: "object",
        required: ["pf"],
        properties: { pf: { type: "object" }, comment: { type: "string" } },
      }),
      cloudEvent("org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1", {
        type: "object",
        required: ["requestEventId", "pfs"],
        properties: {
          requestEventId: { type: "string", minLength: 1 },
          pfs: { type: "array", items: { type: "object" } },
        },
      }),
      cloudEvent("org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1", {
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
  },
};

/** A PACT error body whose `code` is one of `codes`. */
const pactErrorWith = (...codes: string[]): Schema => ({
  allOf: [
    ref("PactError"),
    {
      type: "object",
      properties: { code: codes.length === 1 ? { const: codes[0] as string } : { enum: codes } },
    },
  ],
});

const oauthErrorWith = (...codes: string[]): Schema => ({
  allOf: [
    ref("OAuthError"),
    {
      type: "object",
      properties: { error: codes.length === 1 ? { const: codes[0] as string } : { enum: codes } },
    },
  ],
});

const json = (schema: Schema): JsonValue => ({ "application/json": { schema } });

type Response = { [key: string]: JsonValue };

const COMMON_HEADERS = {
  "X-Request-Id": headerRef("RequestId"),
  "X-Content-Type-Options": headerRef("NoSniff"),
};

function response(description: string, schema?: Schema, headers: Record<string, JsonValue> = {}): Response {
  return {
    description,
    headers: { ...COMMON_HEADERS, ...headers },
    ...(schema ? { content: json(schema) } : {}),
  };
}

const RETRY_AFTER = { "Retry-After": { ...headerRef("RetryAfter"), required: true } as JsonValue };

/** Answers every route may give: URL too long, unexpected failure. */
const ANY_ROUTE = {
  "414": response(
    "The URL (path and query) is longer than the configured limit.",
    pactErrorWith("BadRequest"),
  ),
  "421": response(
    "The request names a host this host does not serve (ILEAP_PUBLIC_URL / ILEAP_ALLOWED_HOSTS); never on /health and /ready.",
    pactErrorWith("BadRequest"),
  ),
  "500": response("Unexpected failure (no stack, no secrets).", pactErrorWith("InternalError")),
};

const BODY_TOO_LARGE = {
  "413": response("The request body is larger than the configured limit.", pactErrorWith("BadRequest")),
};

const DEPENDENCY_UNAVAILABLE = {
  "503": response(
    "The data store, or the identity provider's signing keys (Clerk mode), are temporarily unavailable; retry the same request.",
    pactErrorWith("InternalError"),
    RETRY_AFTER,
  ),
};

/** Plain-HTTP refusal when HTTPS is required (any route but health). */
const HTTPS_REQUIRED = {
  "400": response(
    "HTTPS is required and the request arrived over plain HTTP (only with ILEAP_REQUIRE_HTTPS).",
    pactErrorWith("BadRequest"),
  ),
};

const LIMIT_PARAM: JsonValue = {
  name: "limit",
  in: "query",
  required: false,
  description: "Page size: a positive integer (larger values are clamped to the configured maximum).",
  schema: { type: "integer", minimum: 1 },
};

const PAGE_TOKEN_PARAM: JsonValue = {
  name: "pageToken",
  in: "query",
  required: false,
  description: "Opaque page state; only ever taken from a `Link` header URL, unchanged.",
  schema: { type: "string" },
};

const tadFilter = (name: string, description: string, schema: Schema = { type: "string", minLength: 1 }) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});

const FOOTPRINT_AUTH_ERRORS = {
  "400": response(
    "Missing or invalid access token (BadRequest), malformed query (BadRequest), or a filter outside the supported subset (NotImplemented).",
    pactErrorWith("BadRequest", "NotImplemented"),
  ),
  "401": response("The access token verified but has expired.", pactErrorWith("TokenExpired")),
  "403": response("Valid token without permission for footprints.", pactErrorWith("AccessDenied")),
};

const ADMIN_AUTH_ERRORS = {
  "401": response("The access token verified but has expired.", pactErrorWith("TokenExpired")),
  "403": response("Valid token without the `admin` role.", pactErrorWith("AccessDenied")),
};

/** An admin error that may carry the import report. */
const adminError = (...codes: string[]): Schema => ({
  allOf: [pactErrorWith(...codes), ref("IngestReport")],
});

const ADMIN_KINDS: Record<string, string> = {
  footprints: "PACT ProductFootprints (plain, or carrying an iLEAP extension)",
  "shipment-footprints":
    "iLEAP ShipmentFootprints (bare, or in an envelope with ProductFootprint properties)",
  tocs: "iLEAP TOCs (bare or in an envelope)",
  hocs: "iLEAP HOCs (bare or in an envelope)",
  tad: "iLEAP Transport Activity Data (created, or replaced by activityId)",
};

/** The admin API (`/admin/v1/…`, role `admin`): imports, deprecation, visibility. */
function adminPaths(): Record<string, JsonValue> {
  const paths: Record<string, JsonValue> = {};
  for (const [kind, what] of Object.entries(ADMIN_KINDS)) {
    const record: Schema =
      kind === "footprints" ? ref("ProductFootprint") : kind === "tad" ? ref("Tad") : { type: "object" };
    paths[`/admin/v1/${kind}`] = {
      post: {
        operationId: `adminImport${kind.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase())}`,
        tags: ["admin"],
        summary: `Import ${what}`,
        description:
          "Every record is validated (official JSON Schemas, iLEAP rules, PACT lifecycle) before anything is stored; each rejected record is named with its errors. `atomic` (default): any rejected record stores nothing; `partial`: the valid records are stored (207 when some were rejected).",
        security: [{ bearerAuth: [] }],
        parameters: [
          {
            name: "mode",
            in: "query",
            required: false,
            schema: { type: "string", enum: ["atomic", "partial"] },
          },
          {
            name: "dryRun",
            in: "query",
            required: false,
            schema: { type: "string", enum: ["true", "false"] },
          },
          {
            name: "visibleTo",
            in: "query",
            required: false,
            description: "`client:ID`, `org:ID` or a client id; repeated or comma-separated.",
            style: "form",
            explode: true,
            schema: { type: "array", items: { type: "string", minLength: 1 } },
          },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { oneOf: [{ type: "array", items: record }, record] },
            },
            "application/x-ndjson": { schema: { type: "string", description: "One JSON record per line." } },
          },
        },
        responses: {
          "200": response("Every record accepted (or would be, in a dry run).", ref("IngestReport")),
          "207": response(
            "`partial` mode: the valid records were stored, the others are listed.",
            ref("IngestReport"),
          ),
          "400": response(
            "Missing or invalid token, bad query, unreadable body, or rejected records (nothing stored; the report names them); NotImplemented when the store cannot import.",
            { anyOf: [adminError("BadRequest"), pactErrorWith("BadRequest", "NotImplemented")] },
          ),
          ...ADMIN_AUTH_ERRORS,
          "409": response(
            "Every rejected record conflicts with the stored versions; nothing was stored.",
            adminError("Conflict"),
          ),
          "413": response("The body is larger than the admin limit.", pactErrorWith("BadRequest")),
          "415": response(
            "Content-Type is not application/json or application/x-ndjson.",
            pactErrorWith("BadRequest"),
          ),
          ...DEPENDENCY_UNAVAILABLE,
          ...ANY_ROUTE,
        },
      },
    };
  }
  const idParam = (name: string, description: string): JsonValue => ({
    name,
    in: "path",
    required: true,
    description,
    schema: { type: "string" },
  });
  paths["/admin/v1/footprints/{id}/deprecate"] = {
    post: {
      operationId: "adminDeprecateFootprint",
      tags: ["admin"],
      summary: "Store a new version of a footprint with status Deprecated",
      security: [{ bearerAuth: [] }],
      parameters: [idParam("id", "Footprint id.")],
      requestBody: {
        required: false,
        content: {
          "application/json": {
            schema: {
              type: "object",
              additionalProperties: false,
              properties: { statusComment: { type: "string" } },
            },
          },
        },
      },
      responses: {
        "200": response("The new (deprecated) version.", ref("FootprintItem")),
        "400": response(
          "Missing or invalid token, or a malformed body; NotImplemented when the store cannot.",
          pactErrorWith("BadRequest", "NotImplemented"),
        ),
        ...ADMIN_AUTH_ERRORS,
        "404": response("No footprint with this id.", pactErrorWith("NoSuchFootprint")),
        "409": response("The footprint is already deprecated.", pactErrorWith("Conflict")),
        ...DEPENDENCY_UNAVAILABLE,
        ...ANY_ROUTE,
      },
    },
  };
  const visibility = (path: string, operationId: string, key: string, notFound: Schema): void => {
    paths[path] = {
      put: {
        operationId,
        tags: ["admin"],
        summary: "Replace who may see the record (every stored version)",
        security: [{ bearerAuth: [] }],
        parameters: [idParam(key, key === "id" ? "Footprint id." : "TAD activityId.")],
        requestBody: { required: true, content: { "application/json": { schema: ref("Visibility") } } },
        responses: {
          "200": response("The new visibility.", {
            type: "object",
            required: [key, "visibility"],
            properties: { [key]: { type: "string" }, visibility: ref("Visibility") },
          }),
          "400": response(
            "Missing or invalid token, or a malformed body; NotImplemented when the store cannot.",
            pactErrorWith("BadRequest", "NotImplemented"),
          ),
          ...ADMIN_AUTH_ERRORS,
          "404": response("No such record.", notFound),
          ...DEPENDENCY_UNAVAILABLE,
          ...ANY_ROUTE,
        },
      },
    };
  };
  visibility(
    "/admin/v1/footprints/{id}/visibility",
    "adminSetFootprintVisibility",
    "id",
    pactErrorWith("NoSuchFootprint"),
  );
  visibility(
    "/admin/v1/tad/{activityId}/visibility",
    "adminSetTadVisibility",
    "activityId",
    pactErrorWith("NotFound"),
  );
  return paths;
}

const document: OpenApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "ileap-ts host: PACT Data Exchange Protocol v2 + iLEAP v1.0",
    version: "0.1.0",
    description:
      "Status codes and error bodies follow PROTOCOL.md §2 (the official PACT and iLEAP conformance tools): an invalid or missing token is 400 BadRequest on footprints and events and 403 AccessDenied on TAD; an expired genuine token is 401 TokenExpired everywhere; NotImplemented is 400.",
    license: { name: "MIT", identifier: "MIT" },
  },
  tags: [
    { name: "auth", description: "OIDC discovery and the OAuth 2.0 client-credentials grant" },
    { name: "pact", description: "PACT Data Exchange Protocol v2" },
    { name: "ileap", description: "iLEAP v1.0 extension" },
    { name: "admin", description: "Admin API (role `admin`): imports, deprecation, visibility" },
    { name: "ops", description: "Health, readiness, this document" },
  ],
  paths: {
    "/.well-known/openid-configuration": {
      get: {
        operationId: "openIdConfiguration",
        tags: ["auth"],
        summary: "OIDC discovery (URLs built from the request or the configured public URL)",
        security: [],
        responses: {
          "200": response("Discovery document.", ref("OpenIdConfiguration")),
          ...HTTPS_REQUIRED,
          ...ANY_ROUTE,
        },
      },
    },
    "/jwks": {
      get: {
        operationId: "jwks",
        tags: ["auth"],
        summary: "Public keys that sign access tokens",
        security: [],
        responses: {
          "200": response("JSON Web Key Set.", ref("Jwks")),
          ...HTTPS_REQUIRED,
          ...ANY_ROUTE,
        },
      },
    },
    "/auth/token": {
      post: {
        operationId: "token",
        tags: ["auth"],
        summary: "OAuth 2.0 client-credentials grant (HTTP Basic client authentication)",
        security: [{ basicAuth: [] }],
        requestBody: {
          required: true,
          content: { "application/x-www-form-urlencoded": { schema: ref("TokenRequest") } },
        },
        responses: {
          "200": response("Access token.", ref("TokenResponse"), {
            "Cache-Control": { ...headerRef("NoStore"), required: true } as JsonValue,
          }),
          "400": response(
            "Wrong client id or secret (invalid_client), missing or unsupported grant_type (unsupported_grant_type), missing or garbled Basic credentials, wrong content type, unparsable body or a repeated parameter (invalid_request).",
            oauthErrorWith("invalid_request", "invalid_client", "unsupported_grant_type"),
          ),
          "401": response("Client authentication failed.", oauthErrorWith("invalid_client")),
          "413": response(
            "The request body is larger than the configured limit.",
            oauthErrorWith("invalid_request"),
          ),
          "429": response(
            "Too many token requests from this address, too many failed authentications for this client id from this address, too many failed sign-ins (Clerk), or the identity provider rate-limits us.",
            oauthErrorWith("temporarily_unavailable"),
            RETRY_AFTER,
          ),
          "503": response(
            "The identity provider is down or does not answer in time, or too many secret checks are waiting (built-in issuer).",
            oauthErrorWith("temporarily_unavailable"),
            RETRY_AFTER,
          ),
          "414": response(
            "The URL (path and query) is longer than the configured limit.",
            oauthErrorWith("invalid_request"),
          ),
          "431": response(
            "The request headers are larger than the configured limit.",
            oauthErrorWith("invalid_request"),
          ),
          "421": response(
            "The request names a host this host does not serve (ILEAP_PUBLIC_URL / ILEAP_ALLOWED_HOSTS).",
            oauthErrorWith("invalid_request"),
          ),
          "500": response("Identity provider misconfiguration (server_error) or an unexpected failure.", {
            oneOf: [oauthErrorWith("server_error"), pactErrorWith("InternalError")],
          }),
        },
      },
    },
    "/2/footprints": {
      get: {
        operationId: "listFootprints",
        tags: ["pact"],
        summary: "ListFootprints: the latest version of each footprint visible to the client",
        security: [{ bearerAuth: [] }],
        parameters: [
          {
            name: "$filter",
            in: "query",
            required: false,
            description:
              "OData v4 subset of PACT v2 §6: eq lt le gt ge, and, parentheses, productIds/any(p:(p eq '…')), companyIds/any(…) on created, updated, productCategoryCpc, pcf/geographyCountry, pcf/referencePeriodStart, pcf/referencePeriodEnd. Anything else is 400 NotImplemented.",
            schema: { type: "string" },
          },
          LIMIT_PARAM,
          PAGE_TOKEN_PARAM,
        ],
        responses: {
          "200": response("A page of footprints.", ref("FootprintList"), {
            Link: headerRef("NextLink"),
          }),
          ...FOOTPRINT_AUTH_ERRORS,
          ...DEPENDENCY_UNAVAILABLE,
          ...ANY_ROUTE,
        },
      },
    },
    "/2/footprints/{id}": {
      get: {
        operationId: "getFootprint",
        tags: ["pact"],
        summary: "GetFootprint: the latest version of one footprint",
        security: [{ bearerAuth: [] }],
        parameters: [
          {
            name: "id",
            in: "path",
            required: true,
            description: "Footprint id (a UUID; anything else is 404 NoSuchFootprint).",
            schema: { type: "string" },
          },
        ],
        responses: {
          "200": response("The footprint.", ref("FootprintItem")),
          "400": response("Missing or invalid access token.", pactErrorWith("BadRequest")),
          "401": FOOTPRINT_AUTH_ERRORS["401"],
          "403": FOOTPRINT_AUTH_ERRORS["403"],
          "404": response(
            "Unknown or malformed id, or not visible to the client.",
            pactErrorWith("NoSuchFootprint"),
          ),
          ...DEPENDENCY_UNAVAILABLE,
          ...ANY_ROUTE,
        },
      },
    },
    "/2/events": {
      post: {
        operationId: "postEvent",
        tags: ["pact"],
        summary: "Receive a PACT v2 event (CloudEvents 1.0, structured JSON); stored before the 200",
        security: [{ bearerAuth: [] }],
        requestBody: {
          required: true,
          content: {
            "application/cloudevents+json": { schema: ref("CloudEvent") },
            "application/json": { schema: ref("CloudEvent") },
          },
        },
        responses: {
          "200": response("Accepted (and stored). Empty body."),
          "400": response(
            "Missing or invalid access token, wrong content type, or a malformed or unknown event.",
            pactErrorWith("BadRequest"),
          ),
          "401": response("The access token verified but has expired.", pactErrorWith("TokenExpired")),
          "403": response("Valid token without permission.", pactErrorWith("AccessDenied")),
          ...BODY_TOO_LARGE,
          ...DEPENDENCY_UNAVAILABLE,
          ...ANY_ROUTE,
        },
      },
    },
    "/2/ileap/tad": {
      get: {
        operationId: "listTad",
        tags: ["ileap"],
        summary: "iLEAP Transport Activity Data",
        description:
          "Filters are plain query pairs `name=value` on TAD field names (a full dotted path such as `origin.country`, or its last segments such as `feedstock`); names are case-sensitive, values compare case-insensitively, several pairs are combined with AND. Unknown names are 400 NotImplemented. The parameters below are examples; every TAD field name works.",
        security: [{ bearerAuth: [] }],
        parameters: [
          tadFilter("mode", "Transport mode.", {
            type: "string",
            enum: ["Road", "Rail", "Air", "Sea", "InlandWaterway"],
          }),
          tadFilter("feedstock", "Feedstock of an energy carrier (e.g. Fossil)."),
          tadFilter("energyCarrier", "Energy carrier (e.g. Diesel)."),
          tadFilter("packagingOrTrEqType", "Packaging or transport equipment (e.g. Pallet)."),
          tadFilter("temperatureControl", "ambient or refrigerated."),
          tadFilter("origin.country", "ISO 3166 country of the origin."),
          tadFilter("destination.country", "ISO 3166 country of the destination."),
          tadFilter("activityId", "Activity id."),
          LIMIT_PARAM,
          PAGE_TOKEN_PARAM,
        ],
        responses: {
          "200": response("A page of TAD records.", ref("TadList"), { Link: headerRef("NextLink") }),
          "400": response(
            "Malformed query (BadRequest) or a filter on an unknown field (NotImplemented).",
            pactErrorWith("BadRequest", "NotImplemented"),
          ),
          "401": response("The access token verified but has expired.", pactErrorWith("TokenExpired")),
          "403": response(
            "Missing or invalid access token, or a valid token without the TAD grant (iLEAP TC007).",
            pactErrorWith("AccessDenied"),
          ),
          ...DEPENDENCY_UNAVAILABLE,
          ...ANY_ROUTE,
        },
      },
    },
    ...adminPaths(),
    "/health": {
      get: {
        operationId: "health",
        tags: ["ops"],
        summary: "Liveness: the process answers",
        security: [],
        responses: { "200": response("Alive.", ref("Health")), ...ANY_ROUTE },
      },
    },
    "/ready": {
      get: {
        operationId: "ready",
        tags: ["ops"],
        summary: "Readiness: the store answers too (with an admin bearer token: `details`)",
        security: [],
        responses: {
          "200": response("Ready.", ref("Readiness")),
          "503": response("The store does not answer.", ref("Readiness"), RETRY_AFTER),
          ...ANY_ROUTE,
        },
      },
    },
    "/openapi.json": {
      get: {
        operationId: "openApiDocument",
        tags: ["ops"],
        summary: "This document (`servers` is the request's public base URL)",
        security: [],
        responses: {
          "200": response("OpenAPI 3.1 document.", { type: "object", required: ["openapi", "paths"] }),
          ...HTTPS_REQUIRED,
          ...ANY_ROUTE,
        },
      },
    },
  },
  components: {
    securitySchemes: {
      basicAuth: {
        type: "http",
        scheme: "basic",
        description: "Client id and secret (RFC 6749 §2.3.1: URL-encoded, then Basic).",
      },
      bearerAuth: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT",
        description: "Access token from POST /auth/token.",
      },
    },
    headers: {
      RequestId: {
        description: "The request id: the client's well-formed X-Request-Id, or a generated UUID.",
        schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" },
      },
      NoSniff: { description: "Always `nosniff`.", schema: { type: "string", const: "nosniff" } },
      NoStore: {
        description: "Token responses are never cached.",
        schema: { type: "string", const: "no-store" },
      },
      RetryAfter: {
        description: "Seconds to wait before retrying.",
        schema: { type: "string", pattern: "^\\d+$" },
      },
      NextLink: {
        description:
          'Present when more results exist: `<absolute URL>; rel="next"` (RFC 8288), keeping every filter and `limit`.',
        schema: { type: "string", pattern: '^<https?://[^>]+>; rel="next"$' },
      },
    },
    schemas,
  },
  security: [],
};

/** The API description without `servers` (the route adds the request's base URL). */
export const OPENAPI_DOCUMENT: Readonly<OpenApiDocument> = document;

/** The document with `servers: [{url: baseUrl}]` (`baseUrl` includes any path prefix). */
export function openApiDocumentFor(baseUrl: string): OpenApiDocument {
  const { openapi, info, ...rest } = document;
  return { openapi: openapi as JsonValue, info: info as JsonValue, servers: [{ url: baseUrl }], ...rest };
}
