/**
 * Types of the ingestion module: what a caller hands in (records of one kind), what comes back (a
 * report naming every rejected record with its errors).
 */

/** The kinds of input records, as named by the admin API paths and `ileap import --kind`. */
export const INGEST_KINDS = ["footprints", "shipment-footprints", "tocs", "hocs", "tad"] as const;
/**
 * `footprints`: full PACT ProductFootprints (plain or carrying an iLEAP extension);
 * `shipment-footprints`, `tocs`, `hocs`: iLEAP-native objects wrapped into ProductFootprints;
 * `tad`: Transport Activity Data.
 */
export type IngestKind = (typeof INGEST_KINDS)[number];

/** `atomic`: a batch with any rejected record stores nothing; `partial`: the valid records are stored. */
export type IngestMode = "atomic" | "partial";

/** Stable rule ids of the checks the ingestion adds to those of the model (`schema.*`, `ileap.*`, `pact.*`). */
export const INGEST_RULE = {
  /** The record is not valid JSON (NDJSON line, array element). */
  json: "ingest.json",
  /** The record nests objects and arrays deeper than the limit (64 levels). */
  jsonDepth: "ingest.json-depth",
  /** The record is not a JSON object. */
  notObject: "ingest.not-object",
  /** An iLEAP-native envelope has an unknown or malformed property. */
  envelope: "ingest.envelope",
  /** The ProductFootprint could not be built from an iLEAP-native record. */
  build: "ingest.build",
  /** No company is configured for iLEAP-native records. */
  company: "ingest.company",
  /** The version is not higher than the stored (or an earlier record's) version of the id. */
  version: "pact.lifecycle.version",
  /** The stored footprint is `Deprecated` and can no longer change. */
  deprecated: "pact.lifecycle.deprecated",
  /** A PACT v3 footprint is stored under this id and differs: v3 footprints never change. */
  v3Immutable: "pact.lifecycle.v3-immutable",
  /** A new version's `updated` is missing or not after the replaced version's. */
  updated: "pact.lifecycle.updated",
  /** A `precedingPfIds` entry is neither stored nor in the batch. */
  precedingPfIds: "pact.lifecycle.preceding-pf-ids",
  /** The store refused the record (a concurrent writer got there first). */
  store: "ingest.store",
} as const;

/** Rules whose violation is a conflict with the stored state (HTTP 409) rather than invalid input (400). */
export const CONFLICT_RULES: ReadonlySet<string> = new Set([
  INGEST_RULE.version,
  INGEST_RULE.deprecated,
  INGEST_RULE.v3Immutable,
]);

/** A stored (or storable) record that is served in one PACT version only. */
export interface SingleVersionRecord {
  /** Position of the record in the batch (0-based). */
  readonly index: number;
  readonly id: string;
  /** The version whose paths serve it (`/2/footprints` or `/3/footprints`). */
  readonly servedIn: "2" | "3";
  /** Why the other version cannot represent it. */
  readonly reason: string;
}

/** One problem of one record. */
export interface RecordError {
  /** JSON Pointer (RFC 6901) into the record as it was given (`""` = the whole record). */
  readonly pointer: string;
  readonly message: string;
  /** The offending value, when there is one. */
  readonly value?: unknown;
  /** Stable rule id, e.g. `schema.required`, `ileap.tce.toc-or-hoc`, `pact.lifecycle.version`. */
  readonly rule: string;
}

/** A record that was not stored, and why. */
export interface RejectedRecord {
  /** Position of the record in the batch (0-based). */
  readonly index: number;
  /** Footprint id or TAD `activityId`, when known. */
  readonly id?: string;
  /** For iLEAP-native records: the `shipmentId`, `tocId` or `hocId`. */
  readonly sourceId?: string;
  readonly errors: readonly RecordError[];
}

/** The outcome of one batch. */
export interface IngestReport {
  /** Records stored (in a dry run: that would be stored), including unchanged ones. */
  readonly accepted: number;
  /** Footprints: accepted records that create a new id. */
  readonly created: number;
  /** Footprints: accepted records that are a new version of a stored id. */
  readonly replaced: number;
  /** Footprints: accepted records identical to the stored latest version (nothing written). */
  readonly unchanged: number;
  /** Valid records that were not stored because the atomic batch had rejected records. */
  readonly notWritten: number;
  readonly rejected: readonly RejectedRecord[];
  /** Whether anything was written (false for a dry run and for a refused atomic batch). */
  readonly written: boolean;
  /** Ids of the records written (footprint ids; activityIds for TAD): what `Published` events announce. */
  readonly changedIds?: readonly string[];
  /** True when every rejected record was rejected only for conflicts with the stored state. */
  readonly conflict: boolean;
  /**
   * Footprints accepted (or unchanged) that only one PACT version can represent, and why (e.g. unit
   * `piece` has no v2 counterpart; a v2 footprint without `pCfIncludingBiogenic` has no v3 one).
   * Absent when there are none.
   */
  readonly singleVersion?: readonly SingleVersionRecord[];
  /**
   * Ids of stored footprints made `Deprecated` because an accepted PACT v3 footprint names them in
   * `precedingPfIds` (in a dry run or a refused batch: that would be). Absent when there are none.
   */
  readonly deprecated?: readonly string[];
}
