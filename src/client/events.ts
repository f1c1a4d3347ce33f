/**
 * PACT v2 events (CloudEvents 1.0, structured JSON mode) for `POST /2/events`.
 * @module
 */
import { PACT_EVENT_TYPES } from "../protocol/cloudevents.ts";

export { PACT_EVENT_TYPES };

/**
 * An event to send. `specversion` defaults to `"1.0"`, `id` to a random UUID and `time` to now
 * (ISO 8601 UTC); any other CloudEvents attribute is sent as given.
 */
export interface PactEventInput {
  /** Event type, e.g. {@link PACT_EVENT_TYPES}`.published`. */
  readonly type: string;
  /** URI of the sender; hosts answer request events at `{source}/2/events`. */
  readonly source: string;
  /** The event data (a JSON object). */
  readonly data: Readonly<Record<string, unknown>>;
  /** Event id, unique per source. Default: `crypto.randomUUID()`. */
  readonly id?: string;
  /** Time of the event, RFC 3339. Default: now. */
  readonly time?: string;
  /** CloudEvents version. Default: `"1.0"`. */
  readonly specversion?: "1.0";
  /** Further CloudEvents attributes or extensions, sent as given. */
  readonly [attribute: string]: unknown;
}

/** What the host confirmed. */
export interface SentEvent {
  /** The event's `id` (generated when the input had none). */
  readonly id: string;
  /** HTTP status of the host's answer (PACT: 200). */
  readonly status: number;
}

/** The complete CloudEvent for an input: defaults applied, attributes in a stable order. */
export function completeEvent(
  event: PactEventInput,
  now: () => Date = () => new Date(),
): Record<string, unknown> {
  const { specversion, id, type, source, time, data, ...rest } = event;
  return {
    specversion: specversion ?? "1.0",
    id: id ?? crypto.randomUUID(),
    source,
    type,
    time: time ?? now().toISOString(),
    datacontenttype: "application/json",
    ...rest,
    data,
  };
}

/** A `ProductFootprint.Published.v1` event: the footprints `pfIds` changed. */
export function publishedEvent(source: string, pfIds: readonly string[]): PactEventInput {
  return { type: PACT_EVENT_TYPES.published, source, data: { pfIds } };
}

/** A `ProductFootprintRequest.Created.v1` event: asks for footprints matching the fragment `pf`. */
export function requestCreatedEvent(
  source: string,
  pf: Readonly<Record<string, unknown>>,
  comment?: string,
): PactEventInput {
  return {
    type: PACT_EVENT_TYPES.requestCreated,
    source,
    data: { pf, ...(comment !== undefined ? { comment } : {}) },
  };
}

/** A `ProductFootprintRequest.Fulfilled.v1` event answering the request event `requestEventId`. */
export function requestFulfilledEvent(
  source: string,
  requestEventId: string,
  pfs: readonly Readonly<Record<string, unknown>>[],
): PactEventInput {
  return { type: PACT_EVENT_TYPES.requestFulfilled, source, data: { requestEventId, pfs } };
}

/** A `ProductFootprintRequest.Rejected.v1` event refusing the request event `requestEventId`. */
export function requestRejectedEvent(
  source: string,
  requestEventId: string,
  error: { readonly code: string; readonly message: string },
): PactEventInput {
  return { type: PACT_EVENT_TYPES.requestRejected, source, data: { requestEventId, error } };
}

/** CloudEvent types of PACT v3.0 (for clients with `pact: 3`: `POST /3/events`). */
export const PACT_V3_EVENT_TYPES = {
  published: "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
  requestCreated: "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
  requestFulfilled: "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
  requestRejected: "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
} as const;

/** A v3 `PublishedEvent.3`: the footprints `pfIds` were published or changed. */
export function publishedEventV3(source: string, pfIds: readonly string[]): PactEventInput {
  return { type: PACT_V3_EVENT_TYPES.published, source, data: { pfIds } };
}

/**
 * A v3 `RequestCreatedEvent.3`: asks for footprints matching `criteria`, the ListFootprints
 * criteria as arrays (`{ productId: ["urn:…"], geography: ["DE"] }`); hosts answer at
 * `{source}/3/events`.
 */
export function requestCreatedEventV3(
  source: string,
  criteria: Readonly<Record<string, readonly string[] | string>>,
  comment?: string,
): PactEventInput {
  return {
    type: PACT_V3_EVENT_TYPES.requestCreated,
    source,
    data: { ...criteria, ...(comment !== undefined ? { comment } : {}) },
  };
}
