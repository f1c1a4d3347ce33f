import type { FootprintKind, Principal } from "../auth/principal.ts";
import type { FootprintRenderings } from "../model/v3/render.ts";
import type { FootprintFilter, TadFilterClause } from "../protocol/filter-ast.ts";
import type { V3Criteria } from "../protocol/v3-filter.ts";

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

/** A PACT v3 ListFootprints query (`GET /3/footprints`). */
export interface ListFootprintsV3Query {
  readonly principal: Principal;
  readonly criteria: V3Criteria;
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
  /**
   * Who may see this version. Default (absent): a new id is visible to every principal granted
   * its kind; a new version of a stored id keeps the visibility of the version it replaces. Give
   * `{}` to make a replacement unrestricted.
   */
  readonly visibility?: Visibility;
  /**
   * The stored version number when the document carries none (PACT v3 documents have no
   * `version`): default 1. Ignored for documents with a `version`.
   */
  readonly version?: number;
  /**
   * Both PACT renderings of `document` (`renderFootprint(document, version)`), when the caller
   * made them already (ingestion does, for its report): the store then does not render again.
   */
  readonly renderings?: FootprintRenderings;
}

/** A TAD record to store (created, or replaced by `activityId`). */
export interface TadRecord {
  readonly document: Record<string, unknown>;
  /**
   * Who may see the record. Default (absent): unrestricted for a new `activityId`; a replacement
   * keeps the stored record's visibility. Give `{}` to make a replacement unrestricted.
   */
  readonly visibility?: Visibility;
}

/** The latest stored version of a footprint id, as the write side sees it (visibility ignored). */
export interface StoredFootprint {
  readonly id: string;
  readonly version: number;
  /** `Active` or `Deprecated`. */
  readonly status: string;
  /** Canonical JSON text of the latest version. */
  readonly document: string;
  /** Who may see it (`{}` when unrestricted). */
  readonly visibility: Visibility;
}

/** One version of a footprint id (see {@link Store.footprintVersions}). */
export interface FootprintVersionRef {
  readonly id: string;
  readonly version: number;
}

/** Map key of a footprint version in {@link Store.footprintVersions}' answer. */
export function footprintVersionKey(id: string, version: number): string {
  return `${id}\u0000${version}`;
}

/** How {@link Store.deprecateFootprint} changes a footprint. */
export interface Deprecation {
  /** The new version's `updated` (UTC, `Z`); must be later than the stored `created`/`updated`. */
  readonly updated: string;
  /** The new version's `statusComment`. Default: the stored version's (if any). */
  readonly statusComment?: string;
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
  /**
   * PACT v3 (`/3/footprints/{id}`): the v3 rendering of the latest version visible to the
   * principal, or undefined (also when the footprint cannot be represented in v3). Optional: a
   * store without it does not serve `/3` (501 `NotImplemented`).
   */
  getFootprintV3?(id: string, principal: Principal): Promise<string | undefined>;
  /** PACT v3 (`/3/footprints`): v3 renderings of the latest visible versions matching the criteria, in id order. */
  listFootprintsV3?(query: ListFootprintsV3Query): Promise<Page>;
  /**
   * Stores footprints (one transaction: all or nothing), following the PACT lifecycle: a record
   * whose id is stored becomes its latest version when its `version` is higher (the older versions
   * are kept but no longer listed). The same id may appear several times with increasing versions.
   * @throws {VersionConflictError} for a version not higher than the latest stored (or earlier in
   *   the batch) one.
   * @throws {DeprecatedFootprintError} for a new version of a `Deprecated` footprint.
   * @throws {UnknownReferenceError} when a `precedingPfIds` entry is neither stored nor in the batch.
   */
  putFootprints(records: readonly FootprintRecord[]): Promise<void>;
  /** Stores TAD records (one transaction: all or nothing); a stored `activityId` is replaced in place. */
  putTad(records: readonly TadRecord[]): Promise<void>;
  /**
   * Write side, optional: the latest stored version of each of `ids` that exists (any visibility),
   * keyed by id. Ingestion uses it to check versions and references before writing.
   */
  latestFootprints?(ids: readonly string[]): Promise<Map<string, StoredFootprint>>;
  /**
   * Write side, optional: the latest versions (any visibility) whose `productIds` contain one of
   * `productIds`, as canonical JSON texts, in no particular order. Ingestion uses it to find stored
   * TOCs and HOCs referenced by ShipmentFootprints.
   */
  latestFootprintsByProductIds?(productIds: readonly string[]): Promise<string[]>;
  /**
   * Write side, optional: the canonical JSON of each stored footprint version among `keys` (latest
   * or not, any visibility), keyed by {@link footprintVersionKey}; absent versions are left out.
   * Ingestion uses it so that a record identical to a stored *older* version is `unchanged` (a
   * file holding versions 1 and 2 of a footprint, re-run after a crash that stored version 2).
   */
  footprintVersions?(keys: readonly FootprintVersionRef[]): Promise<Map<string, string>>;
  /**
   * Write side, optional: stores a new version of footprint `id` with `status` `Deprecated`,
   * `version` + 1 and `updated`, keeping its visibility. Resolves with the new version's canonical
   * JSON text, or undefined when the id is not stored.
   * @throws {DeprecatedFootprintError} when it is already deprecated.
   */
  deprecateFootprint?(id: string, change: Deprecation): Promise<string | undefined>;
  /**
   * Write side, optional: replaces who may see every stored version of footprint `id` (`{}` =
   * unrestricted). Resolves false when the id is not stored.
   */
  setFootprintVisibility?(id: string, visibility: Visibility): Promise<boolean>;
  /** Write side, optional: replaces who may see TAD record `activityId`. False when it is not stored. */
  setTadVisibility?(activityId: string, visibility: Visibility): Promise<boolean>;
  /** Persists an inbound event; resolves only once it is durable. Idempotent per (source, id). */
  recordInboundEvent(event: InboundEvent): Promise<void>;
  /** Resolves when the store can serve requests; rejects otherwise. */
  ping(): Promise<void>;
  /**
   * Optional: a value that differs from every earlier one as soon as any committed write — by this
   * process or any other — may change what the read methods return (extra changes are harmless).
   * Called before the query of every cacheable GET, so it must be much cheaper than a query
   * (synchronous where possible). Implementing it enables the HTTP response cache
   * (`ILEAP_RESPONSE_CACHE_MB`); without it responses are never cached.
   */
  dataVersion?(): string | Promise<string>;
  close(): Promise<void>;
}

/** Thrown by a store when its backend cannot be reached (mapped to 503 by the HTTP layer). */
export class StoreUnavailableError extends Error {
  override readonly name: string = "StoreUnavailableError";
}

/**
 * Thrown when a read ran out of its query budget: it waited or ran longer than the time budget, or
 * its client has too many queries queued (HTTP 503 with `Retry-After` and this message).
 */
export class QueryTimeoutError extends StoreUnavailableError {
  override readonly name = "QueryTimeoutError";

  constructor(
    message: string,
    /** The budget that ran out, ms, when known (0: a full queue, or the database's own timeout). */
    readonly budgetMs: number,
  ) {
    super(message);
  }
}

/** Thrown when a page position does not decode (forged or from another listing). */
export class InvalidPagePositionError extends Error {
  override readonly name = "InvalidPagePositionError";
}

/** Details of a {@link VersionConflictError}. */
export interface VersionConflict {
  /** Footprint id. */
  readonly id: string;
  /** Version that was to be written. */
  readonly version?: number;
  /** Latest stored (or earlier in the batch) version. */
  readonly currentVersion?: number;
}

/** Thrown when a write would not increase a footprint's version (HTTP 409). */
export class VersionConflictError extends Error {
  override readonly name: string = "VersionConflictError";
  /** The conflicting footprint, when known. */
  readonly conflict?: VersionConflict;

  constructor(message: string, conflict?: VersionConflict) {
    super(message);
    if (conflict) this.conflict = conflict;
  }
}

/** Thrown when a write would change a footprint whose latest version is `Deprecated` (HTTP 409). */
export class DeprecatedFootprintError extends VersionConflictError {
  override readonly name: string = "DeprecatedFootprintError";
}

/** Thrown when a footprint's `precedingPfIds` name ids that are neither stored nor in the same batch. */
export class UnknownReferenceError extends Error {
  override readonly name = "UnknownReferenceError";

  /**
   * @param id the footprint holding the references
   * @param missing the ids it references that do not exist
   */
  constructor(
    readonly id: string,
    readonly missing: readonly string[],
  ) {
    super(
      `footprint ${id}: precedingPfIds ${missing.map((m) => JSON.stringify(m)).join(", ")} ${missing.length === 1 ? "does" : "do"} not exist`,
    );
  }
}
