/**
 * Parsing of PACT v2 events posted to `/2/events`: CloudEvents 1.0 in structured JSON mode
 * (PROTOCOL.md §6). Pure; never throws.
 */

import { type PactError, type Parsed, pactError } from "./errors.ts";
import { depthMessage, findDepthExceeded } from "./json-depth.ts";

/** The PACT v2 event types, by role. */
export const PACT_EVENT_TYPES = {
  published: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
  requestCreated: "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
  requestFulfilled: "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1",
  requestRejected: "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1",
} as const;

/** Media types accepted for an event body (any parameters, case-insensitive type). */
export const EVENT_MEDIA_TYPES: readonly string[] = ["application/cloudevents+json", "application/json"];

/** A JSON object as produced by `JSON.parse`. */
export type JsonObject = { readonly [key: string]: unknown };

/** CloudEvents context attributes common to every PACT event. */
export interface EventEnvelope {
  readonly specversion: "1.0";
  /** Non-empty event id, unique per source. */
  readonly id: string;
  /** Non-empty URI-reference of the sender; request events are answered at `{source}/2/events`. */
  readonly source: string;
  /** The optional `time` attribute, as sent (not validated beyond being a string). */
  readonly time?: string;
}

/** A footprint-update notification: the listed footprints changed. */
export interface PublishedEvent extends EventEnvelope {
  readonly type: typeof PACT_EVENT_TYPES.published;
  readonly data: { readonly pfIds: readonly string[] };
}

/** A request for footprints matching a ProductFootprint fragment. */
export interface RequestCreatedEvent extends EventEnvelope {
  readonly type: typeof PACT_EVENT_TYPES.requestCreated;
  readonly data: { readonly pf: JsonObject; readonly comment?: string };
}

/** The answer to a request event: the matching footprints (unvalidated objects). */
export interface RequestFulfilledEvent extends EventEnvelope {
  readonly type: typeof PACT_EVENT_TYPES.requestFulfilled;
  readonly data: { readonly requestEventId: string; readonly pfs: readonly JsonObject[] };
}

/** The refusal of a request event, with a PACT error. */
export interface RequestRejectedEvent extends EventEnvelope {
  readonly type: typeof PACT_EVENT_TYPES.requestRejected;
  readonly data: {
    readonly requestEventId: string;
    readonly error: { readonly code: string; readonly message: string };
  };
}

/** A parsed PACT v2 event, discriminated by `type`. */
export type PactEvent = PublishedEvent | RequestCreatedEvent | RequestFulfilledEvent | RequestRejectedEvent;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Failure = { readonly ok: false; readonly error: PactError };

export function bad(message: string): Failure {
  return { ok: false, error: pactError("BadRequest", message) };
}

/**
 * A short rendering of a JSON value for error messages. Containers are only summarized (never
 * serialized: a deeply nested value would overflow `JSON.stringify`'s stack).
 */
export function show(value: unknown): string {
  if (value === undefined) return "absent";
  if (Array.isArray(value))
    return value.length === 0 ? "an empty array" : `an array of ${value.length} items`;
  if (typeof value === "object" && value !== null) return "an object";
  if (typeof value === "string") return JSON.stringify(truncate(value));
  return String(value);
}

function truncate(s: string, max = 60): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function nonEmptyString(obj: JsonObject, field: string, label = field): Parsed<string> {
  const value = obj[field];
  if (typeof value !== "string" || value.length === 0) {
    return bad(`${label} must be a non-empty string, got ${show(value)}`);
  }
  return { ok: true, value };
}

export function mediaTypeOf(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

/**
 * Parses a posted event body.
 *
 * - `contentType` must be `application/cloudevents+json` or `application/json` (media type
 *   case-insensitive, any parameters such as `; charset=UTF-8`); absent or other → `BadRequest`.
 * - `body` must be a JSON object with `specversion` exactly `"1.0"`, non-empty string `id`,
 *   `source` and `type`, optional string `time`, and `data` a JSON object.
 * - Per type: `…Published.v1` needs `data.pfIds`, a non-empty array of UUID strings;
 *   `…ProductFootprintRequest.Created.v1` needs `data.pf` (an object) and an optional string
 *   `data.comment` (`null` counts as absent); `…Fulfilled.v1` needs a non-empty string
 *   `data.requestEventId` and an array of objects `data.pfs`; `…Rejected.v1` needs
 *   `data.requestEventId` and `data.error` with string `code` and `message`. Any other type →
 *   `BadRequest`. Extra attributes and data fields are ignored.
 *
 * Every error is `BadRequest` and names the field, the value received (truncated) and what was
 * expected. Never throws.
 */
/** The CloudEvents envelope common to `/2/events` and `/3/events`, checked in wire order. */
export interface ParsedEnvelope {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string | undefined;
  readonly data: JsonObject;
}

/**
 * Content type, JSON (depth-bounded), `specversion` `"1.0"`, non-empty `id`, `source`, `type`,
 * `time` (a string; required with `timeRequired`), `type` one of `supported`, `data` an object.
 * `where` is appended to the unsupported-type message (e.g. " on /3/events").
 */
export function parseEnvelope(
  contentType: string | undefined,
  body: string,
  supported: readonly string[],
  options: { readonly timeRequired: boolean; readonly where?: string },
): Parsed<ParsedEnvelope> {
  if (contentType === undefined || !EVENT_MEDIA_TYPES.includes(mediaTypeOf(contentType))) {
    return bad(
      `Content-Type ${contentType === undefined ? "is absent" : `${show(contentType)} is not supported`}; expected ${EVENT_MEDIA_TYPES.join(" or ")} (structured CloudEvents JSON)`,
    );
  }
  const parsed = parseJson(body);
  if (!parsed.ok) return parsed;
  const event = parsed.value;
  if (!isObject(event)) return bad(`the event body must be a JSON object, got ${show(event)}`);
  if (event.specversion !== "1.0") {
    return bad(`specversion must be "1.0", got ${show(event.specversion)}`);
  }
  const id = nonEmptyString(event, "id");
  if (!id.ok) return id;
  const source = nonEmptyString(event, "source");
  if (!source.ok) return source;
  const type = nonEmptyString(event, "type");
  if (!type.ok) return type;
  let time: string | undefined;
  if (options.timeRequired) {
    const required = nonEmptyString(event, "time");
    if (!required.ok) return required;
    time = required.value;
  } else {
    if (event.time !== undefined && typeof event.time !== "string")
      return bad(`time must be a string, got ${show(event.time)}`);
    time = event.time;
  }
  if (!supported.includes(type.value)) {
    return bad(
      `event type ${show(type.value)} is not supported${options.where ?? ""}; supported: ${supported.join(", ")}`,
    );
  }
  const data = event.data;
  if (!isObject(data)) return bad(`data must be a JSON object, got ${show(data)}`);
  return { ok: true, value: { id: id.value, source: source.value, type: type.value, time, data } };
}

/** `data.error` of a Rejected event (v2 and v3 alike): `{code: non-empty string, message: string}`. */
export function parseEventError(error: unknown): Parsed<{ code: string; message: string }> {
  if (!isObject(error)) return bad(`data.error must be an error object {code, message}, got ${show(error)}`);
  const { code, message } = error;
  if (typeof code !== "string" || code.length === 0)
    return bad(`data.error.code must be a non-empty string, got ${show(code)}`);
  if (typeof message !== "string") return bad(`data.error.message must be a string, got ${show(message)}`);
  return { ok: true, value: { code, message } };
}

/** `data` of a Rejected event (v2 and v3 alike): `requestEventId` and {@link parseEventError}'s `error`. */
export function parseRejectedData(
  data: Record<string, unknown>,
): Parsed<{ requestEventId: string; error: { code: string; message: string } }> {
  const requestEventId = nonEmptyString(data, "requestEventId", "data.requestEventId");
  if (!requestEventId.ok) return requestEventId;
  const error = parseEventError(data.error);
  if (!error.ok) return error;
  return { ok: true, value: { requestEventId: requestEventId.value, error: error.value } };
}

export function parseEvent(contentType: string | undefined, body: string): Parsed<PactEvent> {
  const parsed = parseEnvelope(contentType, body, Object.values(PACT_EVENT_TYPES), { timeRequired: false });
  if (!parsed.ok) return parsed;
  const { id, source, type, time, data } = parsed.value;
  const envelope: EventEnvelope = {
    specversion: "1.0",
    id,
    source,
    ...(time === undefined ? {} : { time }),
  };

  switch (type) {
    case PACT_EVENT_TYPES.published: {
      const pfIds = data.pfIds;
      if (!Array.isArray(pfIds) || pfIds.length === 0) {
        return bad(`data.pfIds must be a non-empty array of footprint ids (UUIDs), got ${show(pfIds)}`);
      }
      const ids: string[] = [];
      for (const [i, pfId] of pfIds.entries()) {
        if (typeof pfId !== "string" || !UUID.test(pfId)) {
          return bad(`data.pfIds[${i}] must be a footprint id (UUID), got ${show(pfId)}`);
        }
        ids.push(pfId);
      }
      return { ok: true, value: { ...envelope, type: PACT_EVENT_TYPES.published, data: { pfIds: ids } } };
    }
    case PACT_EVENT_TYPES.requestCreated: {
      const pf = data.pf === undefined ? legacyFragment(data) : data.pf;
      if (!isObject(pf))
        return bad(`data.pf must be a JSON object (a ProductFootprint fragment), got ${show(pf)}`);
      const comment = data.comment;
      if (comment !== undefined && comment !== null && typeof comment !== "string") {
        return bad(`data.comment must be a string, got ${show(comment)}`);
      }
      return {
        ok: true,
        value: {
          ...envelope,
          type: PACT_EVENT_TYPES.requestCreated,
          data: typeof comment === "string" ? { pf, comment } : { pf },
        },
      };
    }
    case PACT_EVENT_TYPES.requestFulfilled: {
      const requestEventId = nonEmptyString(data, "requestEventId", "data.requestEventId");
      if (!requestEventId.ok) return requestEventId;
      const pfs = data.pfs;
      if (!Array.isArray(pfs)) return bad(`data.pfs must be an array of ProductFootprints, got ${show(pfs)}`);
      const footprints: JsonObject[] = [];
      for (const [i, pf] of pfs.entries()) {
        if (!isObject(pf)) return bad(`data.pfs[${i}] must be a ProductFootprint object, got ${show(pf)}`);
        footprints.push(pf);
      }
      return {
        ok: true,
        value: {
          ...envelope,
          type: PACT_EVENT_TYPES.requestFulfilled,
          data: { requestEventId: requestEventId.value, pfs: footprints },
        },
      };
    }
    case PACT_EVENT_TYPES.requestRejected: {
      const rejected = parseRejectedData(data);
      if (!rejected.ok) return rejected;
      return {
        ok: true,
        value: { ...envelope, type: PACT_EVENT_TYPES.requestRejected, data: rejected.value },
      };
    }
    default:
      return bad(`event type ${show(type)} is not supported`);
  }
}

export function parseJson(body: string): Parsed<unknown> {
  // Before parsing: nothing recurses over an over-deep body, and nothing of it is recorded.
  const exceeded = findDepthExceeded(body);
  if (exceeded) return bad(`the event body is ${depthMessage(exceeded)}`);
  try {
    // JSON.parse reports malformed input only by throwing a SyntaxError; this is the one place
    // where that is turned into a value.
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (e) {
    const detail = e instanceof SyntaxError ? `: ${e.message.slice(0, 120)}` : "";
    return bad(`the event body is not valid JSON${detail}`);
  }
}

/**
 * A request without `data.pf` but with top-level `productId`/`productIds` (a string array): the
 * shape the official test-case document shows for TC 14.A. Accepted as `{ productIds }` so that
 * such a request is answered (with a rejection when nothing matches) instead of refused.
 */
function legacyFragment(data: JsonObject): JsonObject | undefined {
  const ids = data.productIds ?? data.productId;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((v) => typeof v === "string")) return undefined;
  return { productIds: ids };
}
