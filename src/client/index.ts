/**
 * Client SDK for iLEAP hosts (PACT Data Exchange Protocol v2 + iLEAP v1.0, and PACT v3.0 with
 * `pact: 3`): package subpath `ileap-ts/client`.
 *
 * @example
 * ```ts
 * import { IleapClient, footprintFilter as f } from "ileap-ts/client";
 *
 * const client = new IleapClient({ baseUrl: "https://api.example.com", clientId: "acme", clientSecret });
 * const pf = await client.getFootprint("1860b074-7254-43e0-9d53-6a0715866916");
 * for await (const tad of client.listTad({ filters: { mode: "Rail" } })) console.log(tad.activityId);
 * const firstPage = await client.listFootprints({ filter: f.productCategoryCpc.eq("83117"), limit: 10 }).page();
 * ```
 * @module
 */

export type { ProductFootprint, TAD } from "../model/types.ts";
export type { V3ProductFootprint } from "../model/v3/types.ts";
export {
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type FootprintOf,
  IleapClient,
  type IleapClientOptions,
  type ListFootprintsOptions,
  type ListTadOptions,
  type PactMajor,
  type RequestOptions,
  type SendEventOptions,
  type TadFilters,
  type V3FootprintCriteria,
  v3CriteriaPairs,
} from "./client.ts";
export { discoverTokenEndpoint, fallbackTokenEndpoint, type TokenEndpoint } from "./discovery.ts";
export {
  type HttpErrorDetails,
  IleapApiError,
  IleapAuthError,
  IleapError,
  IleapHttpError,
  IleapLoginRequiredError,
  IleapNetworkError,
  IleapResponseError,
  IleapTimeoutError,
} from "./errors.ts";
export {
  completeEvent,
  PACT_EVENT_TYPES,
  PACT_V3_EVENT_TYPES,
  type PactEventInput,
  publishedEvent,
  publishedEventV3,
  requestCreatedEvent,
  requestCreatedEventV3,
  requestFulfilledEvent,
  requestRejectedEvent,
  type SentEvent,
} from "./events.ts";
export {
  and,
  type CollectionComparisons,
  type FilterTime,
  FootprintFilterExpression,
  footprintFilter,
  type TextComparisons,
  type TimeComparisons,
} from "./filter.ts";
export type { FetchFunction } from "./http.ts";
export { Listing, nextLinkTarget, type Page } from "./pagination.ts";
export { parseRetryAfter } from "./retry.ts";
export {
  type AccessToken,
  isFresh,
  jwtExpiry,
  MAX_RENEWAL_MARGIN_MS,
  renewalMarginMs,
  type TokenCache,
} from "./token.ts";
