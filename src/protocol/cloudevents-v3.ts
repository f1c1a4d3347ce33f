/**
 * Parsing of PACT v3.0 events posted to `/3/events` (OpenAPI 3.0.3 `BaseEvent`,
 * `RequestCreatedEvent`, `RequestFulfilledEvent`, `RequestRejectedEvent`, `PublishedEvent`):
 * CloudEvents 1.0 in structured JSON mode. Pure; never throws. The envelope rules are those of
 * `/2/events` (`./cloudevents.ts`) plus `time`, which `BaseEvent` requires.
 */
import {
  bad,
  type EventEnvelope,
  type Failure,
  isObject,
  type JsonObject,
  nonEmptyString,
  parseEnvelope,
  parseRejectedData,
  show,
  UUID,
} from "./cloudevents.ts";
import type { Parsed } from "./errors.ts";
import { parseV3CriteriaObject, type V3Criteria } from "./v3-filter.ts";

/** The PACT v3 event types, by role. */
export const PACT_V3_EVENT_TYPES = {
  published: "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
  requestCreated: "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
  requestFulfilled: "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
  requestRejected: "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
} as const;

interface V3Envelope extends EventEnvelope {
  readonly time: string;
}

export interface V3PublishedEvent extends V3Envelope {
  readonly type: typeof PACT_V3_EVENT_TYPES.published;
  readonly data: { readonly pfIds: readonly string[] };
}

/** A request for footprints: `data` is the criteria object of ListFootprints (and a comment). */
export interface V3RequestCreatedEvent extends V3Envelope {
  readonly type: typeof PACT_V3_EVENT_TYPES.requestCreated;
  /** The criteria as received (kept for the answer's resolution). */
  readonly data: JsonObject;
  /** The criteria, parsed. */
  readonly criteria: V3Criteria;
}

export interface V3RequestFulfilledEvent extends V3Envelope {
  readonly type: typeof PACT_V3_EVENT_TYPES.requestFulfilled;
  readonly data: { readonly requestEventId: string; readonly pfs: readonly JsonObject[] };
}

export interface V3RequestRejectedEvent extends V3Envelope {
  readonly type: typeof PACT_V3_EVENT_TYPES.requestRejected;
  readonly data: {
    readonly requestEventId: string;
    readonly error: { readonly code: string; readonly message: string };
  };
}

/** A parsed PACT v3 event, discriminated by `type`. */
export type PactV3Event =
  | V3PublishedEvent
  | V3RequestCreatedEvent
  | V3RequestFulfilledEvent
  | V3RequestRejectedEvent;

/** True for a v3 event type (`….3`). */
export function isV3EventType(type: unknown): boolean {
  return typeof type === "string" && (Object.values(PACT_V3_EVENT_TYPES) as string[]).includes(type);
}

/**
 * Parses an event posted to `/3/events`: content type as on `/2/events`; `specversion` `"1.0"`,
 * non-empty `id`, `source`, `type`, a string `time` and a `data` object; per type:
 * `PublishedEvent.3` needs `data.pfIds` (non-empty array of UUIDs), `RequestCreatedEvent.3` takes
 * the ListFootprints criteria in `data` (arrays of strings; malformed dates are a 400),
 * `RequestFulfilledEvent.3` needs `data.requestEventId` and a non-empty `data.pfs`,
 * `RequestRejectedEvent.3` needs `data.requestEventId` and `data.error{code, message}`. Any other
 * type (v2 types included) → `BadRequest` naming the supported ones.
 */
export function parseEventV3(contentType: string | undefined, body: string): Parsed<PactV3Event> {
  const parsed = parseEnvelope(contentType, body, Object.values(PACT_V3_EVENT_TYPES), {
    timeRequired: true,
    where: " on /3/events",
  });
  if (!parsed.ok) return parsed;
  const { id, source, type, data } = parsed.value;
  const envelope: V3Envelope = { specversion: "1.0", id, source, time: parsed.value.time as string };
  switch (type) {
    case PACT_V3_EVENT_TYPES.published: {
      const pfIds = data.pfIds;
      if (!Array.isArray(pfIds) || pfIds.length === 0)
        return bad(`data.pfIds must be a non-empty array of footprint ids (UUIDs), got ${show(pfIds)}`);
      for (const [i, pfId] of pfIds.entries()) {
        if (typeof pfId !== "string" || !UUID.test(pfId))
          return bad(`data.pfIds[${i}] must be a footprint id (UUID), got ${show(pfId)}`);
      }
      return {
        ok: true,
        value: { ...envelope, type: PACT_V3_EVENT_TYPES.published, data: { pfIds: pfIds as string[] } },
      };
    }
    case PACT_V3_EVENT_TYPES.requestCreated: {
      const comment = data.comment;
      if (comment !== undefined && typeof comment !== "string")
        return bad(`data.comment must be a string, got ${show(comment)}`);
      const criteria = parseV3CriteriaObject(data);
      if (!criteria.ok) return criteria;
      return {
        ok: true,
        value: { ...envelope, type: PACT_V3_EVENT_TYPES.requestCreated, data, criteria: criteria.value },
      };
    }
    case PACT_V3_EVENT_TYPES.requestFulfilled: {
      const requestEventId = nonEmptyString(data, "requestEventId", "data.requestEventId");
      if (!requestEventId.ok) return requestEventId;
      const pfs = data.pfs;
      if (!Array.isArray(pfs) || pfs.length === 0)
        return bad(`data.pfs must be a non-empty array of ProductFootprints, got ${show(pfs)}`);
      for (const [i, pf] of pfs.entries())
        if (!isObject(pf)) return bad(`data.pfs[${i}] must be a ProductFootprint object, got ${show(pf)}`);
      return {
        ok: true,
        value: {
          ...envelope,
          type: PACT_V3_EVENT_TYPES.requestFulfilled,
          data: { requestEventId: requestEventId.value, pfs: pfs as JsonObject[] },
        },
      };
    }
    case PACT_V3_EVENT_TYPES.requestRejected: {
      const rejected = parseRejectedData(data);
      if (!rejected.ok) return rejected;
      return {
        ok: true,
        value: { ...envelope, type: PACT_V3_EVENT_TYPES.requestRejected, data: rejected.value },
      };
    }
    default:
      return unsupported(type);
  }
}

function unsupported(type: string): Failure {
  return bad(`event type ${show(type)} is not supported`);
}
