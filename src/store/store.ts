import type { FootprintKind, Principal } from "../auth/principal.ts";
import type { FootprintFilter, TadFilterClause } from "../protocol/filter-ast.ts";

/** A page of stored documents as canonical JSON texts, ready to be joined into a response body. */
export interface Page {
  /** Canonical JSON text of each item, in listing order. */
  readonly items: readonly string[];
  /** Opaque keyset position after the last item, present only when more items exist. */
  readonly next?: string;
}

export interface ListFootprintsQuery {
  readonly principal: Principal;
  readonly filter: FootprintFilter | null;
  /** Maximum number of items (already bounded by the HTTP layer). */
  readonly limit: number;
  /** Position from a previous page's `next`. */
  readonly after?: string;
}

export interface ListTadQuery {
  readonly principal: Principal;
  readonly filter: readonly TadFilterClause[];
  readonly limit: number;
  readonly after?: string;
}

/** Who may see a record: none named = every authenticated principal granted the record's kind. */
export interface Visibility {
  readonly clientIds?: readonly string[];
  readonly organizationIds?: readonly string[];
}

/** A footprint to store: the validated ProductFootprint document and its derived kind. */
export interface FootprintRecord {
  readonly document: Record<string, unknown>;
  readonly kind: FootprintKind;
  readonly visibility?: Visibility;
}

export interface TadRecord {
  readonly document: Record<string, unknown>;
  readonly visibility?: Visibility;
}

/** An inbound CloudEvent accepted by `POST /2/events`, persisted before we answer 200. */
export interface InboundEvent {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  /** The whole event as received (canonical JSON text). */
  readonly body: string;
  /** Client id of the principal that sent it. */
  readonly receivedFrom: string;
}

/**
 * The storage seam. A user who keeps data in their own system implements the read half
 * (`getFootprint`, `listFootprints`, `listTad`, `ping`); the write half feeds ingestion and events.
 */
export interface Store {
  /** Latest version of a footprint visible to the principal, as canonical JSON, or undefined. */
  getFootprint(id: string, principal: Principal): Promise<string | undefined>;
  /** Latest version of each footprint visible to the principal, filtered, in a stable order. */
  listFootprints(query: ListFootprintsQuery): Promise<Page>;
  /** TAD records visible to the principal matching every clause, in a stable order. */
  listTad(query: ListTadQuery): Promise<Page>;
  /** Stores footprints (one transaction: all or nothing). */
  putFootprints(records: readonly FootprintRecord[]): Promise<void>;
  /** Stores TAD records (one transaction: all or nothing). */
  putTad(records: readonly TadRecord[]): Promise<void>;
  /** Persists an inbound event; resolves only once it is durable. Idempotent per (source, id). */
  recordInboundEvent(event: InboundEvent): Promise<void>;
  /** Resolves when the store can serve requests; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by a store when its backend cannot be reached (mapped to 503 by the HTTP layer). */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
}

/** Thrown when a page position does not decode (forged or from another listing). */
export class InvalidPagePositionError extends Error {
  override readonly name = "InvalidPagePositionError";
}

/** Thrown when a write would not increase a footprint's version. */
export class VersionConflictError extends Error {
  override readonly name = "VersionConflictError";
}
