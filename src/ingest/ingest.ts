/**
 * Ingestion: turns input records of one kind into validated footprint or TAD records and stores
 * them, with a report naming every rejected record (index, id, JSON pointer, value, rule).
 *
 * Checks, in order: the record's shape; the official JSON Schemas and the iLEAP/PACT rules of the
 * model (`checkFootprint`, `checkTad`); the PACT lifecycle against the stored state (a new version
 * must be higher and carry a later `updated`; a `Deprecated` footprint no longer changes;
 * `precedingPfIds` exist in the store or the batch); the set rules (every TOC/HOC a
 * ShipmentFootprint references is stored or in the batch, and its emissions match them). A batch
 * is atomic by default (one rejected record: nothing is stored); in `partial` mode the valid
 * records are stored. The store writes each batch in one transaction, so nothing is half-written.
 */
import type { FootprintKind } from "../auth/principal.ts";
import { checkFootprint, checkTad } from "../model/check.ts";
import { ileapProductId } from "../model/constants.ts";
import { type CompanyInfo, footprintKind, ileapExtension } from "../model/ileap-mapping.ts";
import { footprintSetRules, RULE, type RuleOptions } from "../model/ileap-rules.ts";
import type { ProductFootprint, ValidationIssue } from "../model/types.ts";
import { type FootprintRenderings, renderFootprint } from "../model/v3/render.ts";
import { isV3Document, validateV3Footprint } from "../model/v3/validate.ts";
import { canonicalJson } from "../store/canonical-json.ts";
import { deprecatedDocument } from "../store/sql/queries.ts";
import {
  DeprecatedFootprintError,
  type FootprintRecord,
  type FootprintVersionRef,
  footprintVersionKey,
  type Store,
  type StoredFootprint,
  type TadRecord,
  UnknownReferenceError,
  VersionConflictError,
  type Visibility,
} from "../store/store.ts";
import { buildNative, NATIVE_KINDS, type NativeRecord, nativePointer, readNativeRecord } from "./native.ts";
import {
  CONFLICT_RULES,
  INGEST_RULE,
  type IngestKind,
  type IngestMode,
  type IngestReport,
  type RecordError,
  type RejectedRecord,
} from "./types.ts";
import {
  immutableMessage,
  type SuccessorDeprecations,
  sameAsStored,
  singleVersionOf,
  storedIsV3,
  successorDeprecations,
} from "./v3.ts";

/** Options of {@link ingest}. */
export interface IngestOptions {
  /** Where records are stored; its optional write-side lookups make the pre-checks precise. */
  readonly store: Store;
  /** Company fields of ProductFootprints built from iLEAP-native records. Default: none (such records are rejected unless they carry their own). */
  readonly company?: CompanyInfo;
  /** Default `"atomic"`. */
  readonly mode?: IngestMode;
  /** Validate only; nothing is written. Default false. */
  readonly dryRun?: boolean;
  /**
   * Who may see every record of the batch. Default: none given (a new record is visible to every
   * principal granted its kind; a new version keeps the replaced version's visibility).
   */
  readonly visibility?: Visibility;
  /** Clock for `created`/`updated` of built and deprecated footprints (ms since epoch). Default `Date.now`. */
  readonly now?: () => number;
  /** Tolerances of the consistency rules. Default: the model's. */
  readonly ruleOptions?: RuleOptions;
  /**
   * State carried across the batches of one import: records accepted by a dry run (or not written
   * because an earlier batch was refused) count as existing for later batches. Default: none.
   */
  readonly session?: IngestSession;
}

/** What a multi-batch import remembers of records it accepted but did not write. */
export class IngestSession {
  /** Footprint id → latest accepted version and status. */
  readonly heads = new Map<string, { readonly version: number; readonly status: string }>();
  /** Accepted TOC and HOC ProductFootprints (referenced by later ShipmentFootprints). */
  readonly references: ProductFootprint[] = [];
}

/** Records of one kind, as parsed from a request body or a file (a record that did not parse is an error). */
export type IngestInput = { readonly value: unknown } | { readonly error: RecordError };

/** Wraps plain values as {@link IngestInput}s. */
export function inputsOf(values: readonly unknown[]): IngestInput[] {
  return values.map((value) => ({ value }));
}

/** A batch checked by {@link prepare}; `commit()` stores it (or not, per the options it was prepared with). */
export interface PreparedBatch {
  readonly kind: IngestKind;
  /** Records rejected by the checks (known before the commit). */
  readonly rejected: number;
  /** Footprints the commit will write (for the pipeline's in-flight state). */
  readonly accepted: readonly ProductFootprint[];
  commit(): Promise<IngestReport>;
}

/**
 * Validates and stores one batch of records of `kind` ({@link prepare} then {@link commit}).
 * @returns the report; the store's availability errors propagate (nothing is stored then).
 */
export async function ingest(
  kind: IngestKind,
  inputs: readonly IngestInput[],
  options: IngestOptions,
): Promise<IngestReport> {
  return (await prepare(kind, inputs, options)).commit();
}

/**
 * Checks one batch against the model and the stored state, without writing (reads only). The
 * returned batch's `commit()` stores it per `options` (mode, dry run, visibility).
 */
export async function prepare(
  kind: IngestKind,
  inputs: readonly IngestInput[],
  options: IngestOptions,
): Promise<PreparedBatch> {
  return kind === "tad" ? prepareTad(inputs, options) : prepareFootprints(kind, inputs, options);
}

/** Options of {@link Pipeline}. */
export interface PipelineOptions extends IngestOptions {
  /**
   * Batches written while the next one is checked: with 2, a PostgreSQL write overlaps the next
   * batch's validation (writes themselves run one at a time, in batch order). Records of a batch in flight count as existing for the next ones (ids,
   * versions, TOCs/HOCs); should that batch fail to commit, the store's own checks catch what
   * depended on it. Default 1 (no overlap).
   */
  readonly depth?: number;
}

interface InFlight {
  readonly commit: Promise<IngestReport>;
  readonly heads: readonly (readonly [string, { readonly version: number; readonly status: string }])[];
  readonly references: readonly ProductFootprint[];
  readonly onReport: (report: IngestReport) => void;
}

/**
 * Ingests a stream of batches of one kind, overlapping the check of a batch with the write of the
 * previous one (see {@link PipelineOptions.depth}). Reports are delivered in batch order.
 */
export class Pipeline {
  readonly #kind: IngestKind;
  readonly #options: PipelineOptions;
  readonly #inflight: InFlight[] = [];
  readonly #session: IngestSession;

  constructor(kind: IngestKind, options: PipelineOptions) {
    this.#kind = kind;
    this.#options = options;
    this.#session = options.session ?? new IngestSession();
  }

  /**
   * Checks `inputs` and schedules their write (or, with `dryRun`, only checks them); `onReport`
   * receives the batch's report once it is committed.
   * @returns the number of records the checks rejected (known before the write).
   */
  async push(
    inputs: readonly IngestInput[],
    onReport: (report: IngestReport) => void,
    dryRun = this.#options.dryRun ?? false,
  ): Promise<number> {
    const prepared = await prepare(this.#kind, inputs, { ...this.#options, session: this.#session, dryRun });
    while (this.#inflight.length >= Math.max(1, this.#options.depth ?? 1)) await this.#settleOne();
    // In flight: the next batches see these records as existing until the store has them.
    const heads = prepared.accepted.map(
      (doc) => [doc.id, { version: doc.version, status: doc.status }] as const,
    );
    for (const [id, head] of heads) this.#session.heads.set(id, head);
    const references = prepared.accepted.filter((doc) => ileapIdOf(doc) !== undefined);
    this.#session.references.push(...references);
    // Batches are written in order, one after another: only the checks of the next batch overlap a
    // write. (Two writes at once could commit in either order on a pooled store, and a later version
    // committed first makes the earlier one conflict.)
    const previous = this.#inflight.at(-1)?.commit;
    const commit = previous
      ? previous.then(
          () => prepared.commit(),
          () => prepared.commit(),
        )
      : prepared.commit();
    this.#inflight.push({ commit, heads, references, onReport });
    if ((this.#options.depth ?? 1) <= 1) await this.#settleOne();
    return prepared.rejected;
  }

  async #settleOne(): Promise<void> {
    const next = this.#inflight.shift();
    if (!next) return;
    try {
      next.onReport(await next.commit);
    } finally {
      for (const [id, head] of next.heads)
        if (this.#session.heads.get(id) === head) this.#session.heads.delete(id);
      const gone = new Set(next.references);
      const kept = this.#session.references.filter((d) => !gone.has(d));
      this.#session.references.length = 0;
      this.#session.references.push(...kept);
    }
  }

  /** Waits until every scheduled batch is committed. */
  async flush(): Promise<void> {
    while (this.#inflight.length > 0) await this.#settleOne();
  }
}

// ---------------------------------------------------------------------------------------------
// Footprints
// ---------------------------------------------------------------------------------------------

type Outcome = "pending" | "rejected" | "unchanged" | "accepted";

interface Item {
  readonly index: number;
  id?: string;
  sourceId?: string;
  native?: NativeRecord;
  document?: ProductFootprint;
  kind?: FootprintKind;
  errors: RecordError[];
  outcome: Outcome;
  /** A new version of an id stored or earlier in the batch. */
  replaces: boolean;
  /** An iLEAP-native record without `version` that a later record of the batch (same id) follows. */
  superseded?: boolean;
  /** Both PACT renderings of the document (accepted and unchanged records), made once for the report and the store. */
  renderings?: FootprintRenderings;
}

interface Head {
  readonly version: number;
  readonly status: string;
  /** Canonical JSON of the version, when known (stored versions). */
  readonly document?: string;
}

/**
 * The head an accepted record becomes: its canonical JSON is made only when a later record of the
 * same id in the batch needs it (rare), not for every record.
 */
function acceptedHead(doc: ProductFootprint): Head {
  let text: string | undefined;
  return {
    version: doc.version,
    status: doc.status,
    get document() {
      text ??= canonicalJson(doc);
      return text;
    },
  };
}

const MAX_VALUE_CHARS = 300;

/** The issue as a record error, with its pointer mapped and bulky values left out. */
function toRecordError(issue: ValidationIssue, pointer: string): RecordError {
  let value = issue.value;
  if (value !== null && typeof value === "object" && JSON.stringify(value).length > MAX_VALUE_CHARS)
    value = undefined;
  return { pointer, message: issue.message, ...(value === undefined ? {} : { value }), rule: issue.rule };
}

function reject(item: Item, errors: readonly RecordError[]): void {
  if (errors.length === 0) return;
  item.errors.push(...errors);
  item.outcome = "rejected";
}

function pointerOf(item: Item, pointer: string): string {
  return item.native ? nativePointer(item.native, pointer) : pointer;
}

/** An issue of a document as an error of the item's record (pointer mapped into the record). */
function itemError(item: Item, issue: ValidationIssue): RecordError {
  const pointer = pointerOf(item, issue.pointer);
  const error = toRecordError(issue, pointer);
  const native = item.native;
  if (!native || pointer !== issue.pointer) return error;
  const top = pointer.split("/")[1] ?? "";
  if (native.dataPointer !== "" && top in native.envelope) return error;
  return { ...error, message: `${error.message} (property of the ProductFootprint built from this record)` };
}

function isoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

function stringsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function parseStored(text: string | undefined): Record<string, unknown> | undefined {
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

/** A timestamp after `now`, `created` and the previous `updated` (each strictly, to the second). */
function nextUpdated(now: number, ...after: (string | undefined)[]): string {
  let ms = Math.floor(now / 1000) * 1000;
  for (const t of after) {
    const prev = t === undefined ? Number.NaN : Date.parse(t);
    if (!Number.isNaN(prev) && ms <= prev) ms = Math.floor(prev / 1000) * 1000 + 1000;
  }
  return isoSeconds(ms);
}

async function prepareFootprints(
  kind: Exclude<IngestKind, "tad">,
  inputs: readonly IngestInput[],
  options: IngestOptions,
): Promise<PreparedBatch> {
  const now = options.now ?? Date.now;
  const nativeKind = NATIVE_KINDS[kind];
  // 1. Shape (and, for native records, the iLEAP object's schema).
  const items: Item[] = inputs.map((input, index) => {
    const item: Item = { index, errors: [], outcome: "pending", replaces: false };
    if ("error" in input) {
      reject(item, [input.error]);
      return item;
    }
    const value = input.value;
    if (nativeKind) {
      const read = readNativeRecord(nativeKind, value, options.company);
      if (read.ok) {
        item.native = read.record;
        item.id = read.record.id;
        item.sourceId = read.record.sourceId;
      } else {
        if (read.id) item.id = read.id;
        if (read.sourceId) item.sourceId = read.sourceId;
        reject(item, read.errors);
      }
    } else if (value === null || typeof value !== "object" || Array.isArray(value)) {
      reject(item, [
        { pointer: "", message: "must be a JSON object (a ProductFootprint)", rule: INGEST_RULE.notObject },
      ]);
    } else {
      item.document = value as ProductFootprint;
      const id = (value as Record<string, unknown>).id;
      if (typeof id === "string") item.id = id;
    }
    return item;
  });

  const lastOfId = new Map<string, Item>();
  for (const item of items)
    if (item.id !== undefined && item.outcome !== "rejected") lastOfId.set(item.id, item);
  for (const item of items)
    if (item.native && item.id !== undefined && lastOfId.get(item.id) !== item) item.superseded = true;

  // 2. The stored (or earlier accepted) latest versions of the ids and of their precedingPfIds.
  const wanted = new Set<string>();
  for (const item of items) {
    if (item.id !== undefined) wanted.add(item.id);
    const source = item.native
      ? item.native.envelope
      : (item.document as Record<string, unknown> | undefined);
    for (const id of stringsOf(source?.precedingPfIds)) wanted.add(id);
  }
  const stored: Map<string, StoredFootprint> = options.store.latestFootprints
    ? await options.store.latestFootprints([...wanted])
    : new Map();
  const heads = new Map<string, Head>(stored);
  for (const [id, head] of options.session?.heads ?? []) heads.set(id, head);
  const existing = new Set(heads.keys());
  const olderVersions = await storedOlderVersions(items, stored, options.store);

  // 3. Per record, in batch order: build, validate, lifecycle against the running heads.
  for (const item of items) {
    if (item.outcome === "rejected") continue;
    const head = item.id === undefined ? undefined : heads.get(item.id);
    if (item.native) {
      const built = buildNativeVersion(item.native, head, now(), olderOf(item, head, olderVersions));
      if (!built.ok) {
        reject(item, [built.error]);
        continue;
      }
      item.document = built.document;
      item.kind = footprintKind(built.document);
      if (built.unchanged) {
        item.outcome = "unchanged";
        continue;
      }
    }
    const doc = item.document as ProductFootprint;
    item.kind = footprintKind(doc);
    // Identical to a stored older version (a file re-run after a crash that stored a later one).
    if (
      head &&
      typeof doc.version === "number" &&
      doc.version < head.version &&
      olderVersions.get(footprintVersionKey(doc.id, doc.version)) === canonicalJson(doc)
    ) {
      item.outcome = "unchanged";
      continue;
    }
    // PACT v3 documents (`specVersion` 3.x): the v3 schema and rules; v2 ones: the v2 checks.
    const v3 = !item.native && isV3Document(doc);
    const issues = v3 ? validateV3Footprint(doc) : checkFootprint(doc, options.ruleOptions);
    if (issues.length > 0) {
      reject(
        item,
        issues.map((i) => itemError(item, i)),
      );
      continue;
    }
    if (v3) {
      // v3 footprints never change: the same document again is unchanged, anything else a conflict.
      if (head && sameAsStored(doc, head, "3")) {
        item.outcome = "unchanged";
        continue;
      }
      if (head) {
        reject(item, [
          {
            pointer: pointerOf(item, ""),
            message: immutableMessage(doc.id, head.status),
            value: doc.id,
            rule: INGEST_RULE.v3Immutable,
          },
        ]);
        continue;
      }
      item.outcome = "accepted";
      heads.set(doc.id, { version: 1, status: doc.status });
      continue;
    }
    const version = doc.version;
    if (head) {
      if (head.version === version && sameAsStored(doc, head, "2")) {
        item.outcome = "unchanged";
        continue;
      }
      if (head.document !== undefined && storedIsV3(head.document)) {
        // A v3-authored footprint never changes, not even through a new v2 version.
        reject(item, [
          {
            pointer: pointerOf(item, "/version"),
            message: immutableMessage(doc.id, head.status),
            value: doc.version,
            rule: INGEST_RULE.v3Immutable,
          },
        ]);
        continue;
      }
      const lifecycle = lifecycleErrors(item, doc, head);
      if (lifecycle.length > 0) {
        reject(item, lifecycle);
        continue;
      }
      item.replaces = true;
    }
    item.outcome = "accepted";
    // With its document: a later record of the same id in this batch builds on its created/updated.
    heads.set(doc.id, acceptedHead(doc));
  }

  // 4. precedingPfIds: stored, earlier accepted, or accepted in this batch (until nothing changes).
  for (let changed = true; changed; ) {
    changed = false;
    const known = new Set(existing);
    for (const item of items)
      if (item.outcome === "accepted" || item.outcome === "unchanged") known.add(item.id as string);
    for (const item of items) {
      if (item.outcome !== "accepted") continue;
      const preceding = stringsOf((item.document as ProductFootprint).precedingPfIds);
      const errors: RecordError[] = [];
      preceding.forEach((id, i) => {
        if (!known.has(id)) {
          errors.push({
            pointer: pointerOf(item, `/precedingPfIds/${i}`),
            message: "references a footprint that is neither stored nor in this batch",
            value: id,
            rule: INGEST_RULE.precedingPfIds,
          });
        }
      });
      if (errors.length > 0) {
        reject(item, errors);
        changed = true;
      }
    }
  }

  // 5. Set rules: referenced TOCs/HOCs stored or in the batch, emissions consistent with them.
  await checkReferences(items, options);

  // 6. PACT v3 lifecycle: stored active footprints named in an accepted v3 footprint's
  // precedingPfIds become Deprecated (written with the batch).
  const rejected = items.filter((i) => i.outcome === "rejected");
  const accepted = items.filter((i) => i.outcome === "accepted");
  const deprecations = successorDeprecations(
    accepted.map((i) => i.document as unknown as Record<string, unknown>),
    stored,
    (d) => footprintKind(d),
    nextUpdated(now()),
  );
  const extras = {
    deprecated: [...deprecations.before, ...deprecations.after].map((r) => String(r.document.id)),
    singleVersion: items.flatMap((i) => {
      if ((i.outcome !== "accepted" && i.outcome !== "unchanged") || !i.document) return [];
      const doc = i.document as unknown as Record<string, unknown>;
      // The version the store renders with (a document without one is stored as version 1).
      i.renderings = renderFootprint(doc, typeof doc.version === "number" ? doc.version : 1);
      const note = singleVersionOf(i.index, doc, i.renderings);
      return note ? [note] : [];
    }),
  };

  // 7. Store (or not), on commit.
  const atomicRefused = rejected.length > 0 && (options.mode ?? "atomic") === "atomic";
  const notWritten = options.dryRun || atomicRefused;
  return {
    kind,
    rejected: rejected.length,
    accepted: notWritten ? [] : accepted.map((i) => i.document as ProductFootprint),
    commit: async () => {
      if (notWritten) {
        remember(options.session, accepted);
        return withV3(report(items, { written: false, refused: atomicRefused }), extras);
      }
      const deprecatedIds = accepted.length > 0 ? await write(accepted, options, deprecations) : [];
      const written = accepted.some((i) => i.outcome === "accepted");
      const done = report(items, { written, refused: false });
      // Deprecations are written only with their successor; they are changes to announce too.
      const deprecated = written ? extras.deprecated.filter((id) => deprecatedIds.includes(id)) : [];
      return withV3(
        {
          ...done,
          changedIds: [
            ...(done.changedIds ?? []),
            ...deprecated.filter((id) => !done.changedIds?.includes(id)),
          ],
        },
        { ...extras, deprecated },
      );
    },
  };
}

/** Most stored older versions compared with a superseded iLEAP-native record. */
const MAX_OLDER_VERSIONS = 20;

/**
 * The stored older versions (below the stored latest one) that records may be identical
 * re-imports of, keyed by {@link footprintVersionKey}: the version a record names (its own
 * `version`, or an iLEAP envelope's), and for an iLEAP-native record without one that a later
 * record of the batch supersedes, the {@link MAX_OLDER_VERSIONS} most recent. A file holding
 * versions 1 and 2 of a footprint, re-run after a crash that stored version 2, then reports
 * version 1 `unchanged` instead of a conflict.
 */
async function storedOlderVersions(
  items: readonly Item[],
  stored: ReadonlyMap<string, StoredFootprint>,
  store: Store,
): Promise<Map<string, string>> {
  if (!store.footprintVersions) return new Map();
  const refs = new Map<string, FootprintVersionRef>();
  const add = (id: string, version: number) => refs.set(footprintVersionKey(id, version), { id, version });
  for (const item of items) {
    if (item.outcome === "rejected" || item.id === undefined) continue;
    const head = stored.get(item.id);
    if (!head) continue;
    const version = item.native
      ? item.native.envelope.version
      : (item.document as Record<string, unknown> | undefined)?.version;
    if (typeof version === "number" && Number.isInteger(version)) {
      if (version < head.version) add(item.id, version);
    } else if (item.superseded) {
      for (let v = head.version - 1; v >= Math.max(1, head.version - MAX_OLDER_VERSIONS); v--)
        add(item.id, v);
    }
  }
  return refs.size === 0 ? new Map() : store.footprintVersions([...refs.values()]);
}

/** The stored older versions of `item` among `older`, newest first (see {@link storedOlderVersions}). */
function olderOf(item: Item, head: Head | undefined, older: ReadonlyMap<string, string>): string[] {
  if (!item.native || item.id === undefined || !head) return [];
  const explicit = item.native.envelope.version;
  const versions =
    typeof explicit === "number"
      ? [explicit]
      : item.superseded
        ? Array.from({ length: head.version - 1 }, (_, i) => head.version - 1 - i)
        : [];
  return versions
    .map((v) => older.get(footprintVersionKey(item.id as string, v)))
    .filter((t): t is string => t !== undefined);
}

/**
 * The native record built as the stored version `text` (its version, `created` and `updated`),
 * when that is exactly the stored document: the record is an identical re-import of it.
 */
function nativeSameAsStored(record: NativeRecord, text: string, now: number): ProductFootprint | undefined {
  const stored = parseStored(text);
  if (typeof stored?.version !== "number") return undefined;
  const created = typeof stored.created === "string" ? stored.created : isoSeconds(now);
  const updated = typeof stored.updated === "string" ? stored.updated : undefined;
  const same = buildNative(record, { version: stored.version, created, ...(updated ? { updated } : {}) });
  return same.ok && canonicalJson(same.document) === text ? same.document : undefined;
}

/**
 * Builds a native record's ProductFootprint at the version its lifecycle calls for: unchanged when
 * it is identical to the stored latest version, or to one of `older` (stored older versions the
 * record may be a re-import of: the one its envelope's `version` names, or — when a later record of
 * the same batch supersedes it — any recent one).
 */
function buildNativeVersion(
  record: NativeRecord,
  head: Head | undefined,
  now: number,
  older: readonly string[] = [],
): { ok: true; document: ProductFootprint; unchanged: boolean } | { ok: false; error: RecordError } {
  const e = record.envelope;
  const storedDoc = parseStored(head?.document);
  const storedCreated = typeof storedDoc?.created === "string" ? storedDoc.created : undefined;
  const storedUpdated = typeof storedDoc?.updated === "string" ? storedDoc.updated : undefined;
  const explicitVersion = typeof e.version === "number" ? e.version : undefined;
  const latest =
    head?.document !== undefined &&
    (explicitVersion === undefined ? head.status !== "Deprecated" : explicitVersion === head.version)
      ? [head.document]
      : [];
  for (const text of [...latest, ...older]) {
    // Same content as a stored version? Then nothing changes.
    const same = nativeSameAsStored(record, text, now);
    if (same) return { ok: true, document: same, unchanged: true };
  }
  const version = explicitVersion ?? (head ? head.version + 1 : 1);
  const created = storedCreated ?? isoSeconds(now);
  const updated = head && version > head.version ? nextUpdated(now, storedCreated, storedUpdated) : undefined;
  const built = buildNative(record, { version, created, ...(updated ? { updated } : {}) });
  return built.ok ? { ok: true, document: built.document, unchanged: false } : built;
}

/** The PACT lifecycle rules for a record whose id has a latest version already. */
function lifecycleErrors(item: Item, doc: ProductFootprint, head: Head): RecordError[] {
  if (head.status === "Deprecated") {
    return [
      {
        pointer: pointerOf(item, "/status"),
        message: `footprint ${doc.id} is deprecated (version ${head.version}) and can no longer change`,
        value: doc.status,
        rule: INGEST_RULE.deprecated,
      },
    ];
  }
  if (doc.version <= head.version) {
    return [
      {
        pointer: pointerOf(item, "/version"),
        message: `must be higher than the latest version ${head.version} of footprint ${doc.id}${head.version === doc.version ? " (a different document with the same version)" : ""}`,
        value: doc.version,
        rule: INGEST_RULE.version,
      },
    ];
  }
  const previous = parseStored(head.document);
  const previousUpdated = typeof previous?.updated === "string" ? previous.updated : undefined;
  if (doc.updated === undefined) {
    return [
      {
        pointer: pointerOf(item, "/updated"),
        message: `a new version (${doc.version}) must set updated to the time of the change`,
        rule: INGEST_RULE.updated,
      },
    ];
  }
  if (previousUpdated !== undefined && !(Date.parse(doc.updated) > Date.parse(previousUpdated))) {
    return [
      {
        pointer: pointerOf(item, "/updated"),
        message: `must be after the updated ${previousUpdated} of version ${head.version}`,
        value: doc.updated,
        rule: INGEST_RULE.updated,
      },
    ];
  }
  return [];
}

/** TOC/HOC ids a ShipmentFootprint document references. */
function referencesOf(doc: ProductFootprint): { tocs: string[]; hocs: string[] } {
  const found = ileapExtension(doc);
  const tocs: string[] = [];
  const hocs: string[] = [];
  if (found?.kind !== "shipment-footprint") return { tocs, hocs };
  const tces = (found.extension.data as { tces?: unknown }).tces;
  for (const tce of Array.isArray(tces) ? tces : []) {
    if (typeof tce?.tocId === "string") tocs.push(tce.tocId);
    if (typeof tce?.hocId === "string") hocs.push(tce.hocId);
  }
  return { tocs, hocs };
}

function ileapIdOf(doc: ProductFootprint): { kind: "toc" | "hoc"; id: string } | undefined {
  const found = ileapExtension(doc);
  const data = found?.extension.data as Record<string, unknown> | undefined;
  if (found?.kind === "toc" && typeof data?.tocId === "string") return { kind: "toc", id: data.tocId };
  if (found?.kind === "hoc" && typeof data?.hocId === "string") return { kind: "hoc", id: data.hocId };
  return undefined;
}

async function checkReferences(items: Item[], options: IngestOptions): Promise<void> {
  const present = () => items.filter((i) => i.outcome === "accepted" || i.outcome === "unchanged");
  const shipments = present().filter((i) => i.kind === "shipment-footprint");
  if (shipments.length === 0) return;
  // Stored (or earlier accepted) TOCs/HOCs that the batch does not provide itself.
  const provided = new Set<string>();
  for (const item of present()) {
    const ref = ileapIdOf(item.document as ProductFootprint);
    if (ref) provided.add(`${ref.kind}:${ref.id}`);
  }
  const needed = new Map<string, { kind: "toc" | "hoc"; id: string }>();
  for (const item of shipments) {
    const { tocs, hocs } = referencesOf(item.document as ProductFootprint);
    for (const id of tocs) if (!provided.has(`toc:${id}`)) needed.set(`toc:${id}`, { kind: "toc", id });
    for (const id of hocs) if (!provided.has(`hoc:${id}`)) needed.set(`hoc:${id}`, { kind: "hoc", id });
  }
  const context: ProductFootprint[] = [];
  if (needed.size > 0) {
    const keep = (doc: ProductFootprint) => {
      const ref = ileapIdOf(doc);
      return ref !== undefined && needed.has(`${ref.kind}:${ref.id}`);
    };
    context.push(...(options.session?.references ?? []).filter(keep));
    if (options.store.latestFootprintsByProductIds) {
      const urns = [...needed.values()].flatMap(({ kind, id }) => [
        ileapProductId(kind, id, "vendor"),
        ileapProductId(kind, id, "buyer"),
      ]);
      for (const text of await options.store.latestFootprintsByProductIds(urns)) {
        const doc = JSON.parse(text) as ProductFootprint;
        if (keep(doc)) context.push(doc);
      }
    }
  }
  // Rejecting a TOC can make a ShipmentFootprint referencing it invalid: repeat until stable.
  for (let round = 0; round < 10; round++) {
    const batch = present();
    const docs = [...batch.map((i) => i.document as ProductFootprint), ...context];
    const byIndex = new Map<number, RecordError[]>();
    for (const issue of footprintSetRules(docs, options.ruleOptions)) {
      const [, first, ...rest] = issue.pointer.split("/");
      const d = Number(first);
      const item = batch[d];
      if (!item) continue;
      const errors = byIndex.get(d) ?? [];
      errors.push(itemError(item, { ...issue, pointer: rest.length > 0 ? `/${rest.join("/")}` : "" }));
      byIndex.set(d, errors);
    }
    if (byIndex.size === 0) return;
    for (const [d, errors] of byIndex) reject(batch[d] as Item, errors);
  }
}

function remember(session: IngestSession | undefined, accepted: readonly Item[]): void {
  if (!session) return;
  for (const item of accepted) {
    const doc = item.document as ProductFootprint;
    session.heads.set(doc.id, { version: doc.version ?? 1, status: doc.status });
    if (item.kind === "toc" || item.kind === "hoc") session.references.push(doc);
  }
}

function toRecord(item: Item, visibility: Visibility | undefined): FootprintRecord {
  return {
    document: item.document as unknown as Record<string, unknown>,
    kind: item.kind as FootprintKind,
    ...(visibility ? { visibility } : {}),
    ...(item.renderings ? { renderings: item.renderings } : {}),
  };
}

/** The report with the v3 notes (omitted when empty). */
function withV3(
  r: IngestReport,
  extras: { readonly deprecated: readonly string[]; readonly singleVersion: IngestReport["singleVersion"] },
): IngestReport {
  return {
    ...r,
    ...(extras.singleVersion && extras.singleVersion.length > 0
      ? { singleVersion: extras.singleVersion }
      : {}),
    ...(extras.deprecated.length > 0 ? { deprecated: extras.deprecated } : {}),
  };
}

/**
 * Writes the accepted items and, in the same transaction, the deprecations their v3 successors
 * cause; a conflict found by the store (a concurrent writer) rejects its record. Returns the ids
 * of the footprints deprecated.
 */
async function write(
  accepted: Item[],
  options: IngestOptions,
  deprecations: SuccessorDeprecations,
): Promise<string[]> {
  const idOf = (r: FootprintRecord) => String(r.document.id);
  try {
    await options.store.putFootprints([
      ...deprecations.before,
      ...accepted.map((i) => toRecord(i, options.visibility)),
      ...deprecations.after,
    ]);
    return [...deprecations.before, ...deprecations.after].map(idOf);
  } catch (e) {
    if (!(e instanceof VersionConflictError || e instanceof UnknownReferenceError)) throw e;
    if ((options.mode ?? "atomic") === "atomic") {
      const culprit = storeErrorId(e);
      const item = accepted.find((i) => i.id === culprit) ?? accepted[0];
      if (item) reject(item, [storeError(item, e)]);
      for (const i of accepted) if (i.outcome === "accepted") i.outcome = "pending";
      return [];
    }
  }
  // Partial mode: one transaction per record, so that one conflict does not refuse the others;
  // a stored predecessor is deprecated in its successor's transaction (PACT 3.0 lifecycle).
  const deprecated: string[] = [];
  const stored = new Set<string>();
  for (const item of accepted) {
    const own = deprecations.before.filter((r) => deprecations.successorOf.get(idOf(r)) === item.id);
    try {
      await options.store.putFootprints([...own, toRecord(item, options.visibility)]);
      if (item.id !== undefined) stored.add(item.id);
      deprecated.push(...own.map(idOf));
    } catch (e) {
      if (!(e instanceof VersionConflictError || e instanceof UnknownReferenceError)) throw e;
      reject(item, [storeError(item, e)]);
    }
  }
  // A predecessor accepted in the same batch: deprecated once it and its successor are both stored.
  for (const record of deprecations.after) {
    const id = idOf(record);
    const successor = deprecations.successorOf.get(id);
    if (!stored.has(id) || successor === undefined || !stored.has(successor)) continue;
    try {
      await options.store.putFootprints([record]);
      deprecated.push(id);
    } catch (e) {
      // Another writer changed it since: its own version stands, and the report does not list it.
      if (!(e instanceof VersionConflictError)) throw e;
    }
  }
  return deprecated;
}

function storeErrorId(e: VersionConflictError | UnknownReferenceError): string | undefined {
  return e instanceof UnknownReferenceError ? e.id : e.conflict?.id;
}

function storeError(item: Item, e: VersionConflictError | UnknownReferenceError): RecordError {
  if (e instanceof UnknownReferenceError) {
    return {
      pointer: pointerOf(item, "/precedingPfIds"),
      message: e.message,
      value: [...e.missing],
      rule: INGEST_RULE.precedingPfIds,
    };
  }
  return {
    pointer: pointerOf(item, e instanceof DeprecatedFootprintError ? "/status" : "/version"),
    message: e.message,
    ...(e.conflict?.version === undefined ? {} : { value: e.conflict.version }),
    rule: e instanceof DeprecatedFootprintError ? INGEST_RULE.deprecated : INGEST_RULE.version,
  };
}

function report(items: readonly Item[], state: { written: boolean; refused: boolean }): IngestReport {
  const rejected: RejectedRecord[] = items
    .filter((i) => i.outcome === "rejected")
    .map((i) => ({
      index: i.index,
      ...(i.id === undefined ? {} : { id: i.id }),
      ...(i.sourceId === undefined ? {} : { sourceId: i.sourceId }),
      errors: i.errors,
    }));
  const valid = items.filter(
    (i) => i.outcome === "accepted" || i.outcome === "pending" || i.outcome === "unchanged",
  );
  if (state.refused || valid.some((i) => i.outcome === "pending")) {
    return {
      accepted: 0,
      created: 0,
      replaced: 0,
      unchanged: 0,
      notWritten: valid.length,
      rejected,
      written: false,
      changedIds: [],
      conflict: isConflict(rejected),
    };
  }
  const accepted = items.filter((i) => i.outcome === "accepted");
  const unchanged = items.filter((i) => i.outcome === "unchanged").length;
  return {
    accepted: accepted.length + unchanged,
    created: accepted.filter((i) => !i.replaces).length,
    replaced: accepted.filter((i) => i.replaces).length,
    unchanged,
    notWritten: 0,
    rejected,
    written: state.written,
    changedIds: state.written ? accepted.flatMap((i) => (i.id === undefined ? [] : [i.id])) : [],
    conflict: isConflict(rejected),
  };
}

function isConflict(rejected: readonly RejectedRecord[]): boolean {
  return (
    rejected.length > 0 &&
    rejected.every((r) => r.errors.length > 0 && r.errors.every((e) => CONFLICT_RULES.has(e.rule)))
  );
}

// ---------------------------------------------------------------------------------------------
// TAD
// ---------------------------------------------------------------------------------------------

async function prepareTad(inputs: readonly IngestInput[], options: IngestOptions): Promise<PreparedBatch> {
  const items: Item[] = inputs.map((_, index) => ({
    index,
    errors: [],
    outcome: "pending",
    replaces: false,
  }));
  const seen = new Map<string, number>();
  const documents: (Record<string, unknown> | undefined)[] = [];
  for (const [i, input] of inputs.entries()) {
    const item = items[i] as Item;
    documents.push(undefined);
    if ("error" in input) {
      reject(item, [input.error]);
      continue;
    }
    const value = input.value;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      reject(item, [{ pointer: "", message: "must be a JSON object (a TAD)", rule: INGEST_RULE.notObject }]);
      continue;
    }
    const doc = value as Record<string, unknown>;
    if (typeof doc.activityId === "string") item.id = doc.activityId;
    const issues = checkTad(doc);
    if (issues.length > 0) {
      reject(
        item,
        issues.map((x) => toRecordError(x, x.pointer)),
      );
      continue;
    }
    const earlier = item.id === undefined ? undefined : seen.get(item.id);
    if (earlier !== undefined) {
      reject(item, [
        {
          pointer: "/activityId",
          message: `must be unique within the batch (record ${earlier} has the same activityId)`,
          value: item.id,
          rule: RULE.tadDuplicateId,
        },
      ]);
      continue;
    }
    if (item.id !== undefined) seen.set(item.id, i);
    documents[i] = doc;
    item.outcome = "accepted";
  }
  const accepted = items.filter((i) => i.outcome === "accepted");
  const rejectedCount = items.length - accepted.length;
  const refused = rejectedCount > 0 && (options.mode ?? "atomic") === "atomic";
  const writes = !options.dryRun && !refused && accepted.length > 0;
  return {
    kind: "tad",
    rejected: rejectedCount,
    accepted: [],
    commit: async () => {
      if (writes) {
        const records: TadRecord[] = accepted.map((i) => ({
          document: documents[i.index] as Record<string, unknown>,
          ...(options.visibility ? { visibility: options.visibility } : {}),
        }));
        await options.store.putTad(records);
      }
      const base = report(items, { written: writes, refused });
      return { ...base, created: 0, replaced: 0 };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Deprecation
// ---------------------------------------------------------------------------------------------

/** Thrown by {@link deprecate} when the store cannot deprecate (it lacks the optional write-side methods). */
export class UnsupportedStoreError extends Error {
  override readonly name = "UnsupportedStoreError";
}

/**
 * Deprecates footprint `id`: a new version with `status` `Deprecated`, `version` + 1 and `updated`
 * now (or just after the previous `updated`, whichever is later), keeping its visibility.
 * @returns the new version's canonical JSON text, or undefined when the id is not stored.
 * @throws {DeprecatedFootprintError} when it is deprecated already.
 */
export async function deprecate(
  store: Store,
  id: string,
  options: { readonly statusComment?: string; readonly now?: () => number } = {},
): Promise<string | undefined> {
  if (!store.latestFootprints || !store.deprecateFootprint) {
    throw new UnsupportedStoreError("this store cannot deprecate footprints");
  }
  const head = (await store.latestFootprints([id])).get(id);
  if (!head) return undefined;
  if (head.status === "Deprecated") {
    throw new DeprecatedFootprintError(`footprint ${id} is already deprecated`, {
      id,
      currentVersion: head.version,
    });
  }
  const stored = JSON.parse(head.document) as Record<string, unknown>;
  const updated = nextUpdated(
    (options.now ?? Date.now)(),
    typeof stored.created === "string" ? stored.created : undefined,
    typeof stored.updated === "string" ? stored.updated : undefined,
  );
  const change = {
    updated,
    ...(options.statusComment === undefined ? {} : { statusComment: options.statusComment }),
  };
  // A v3-authored footprint deprecates as the same v3 document with status Deprecated (v3 has no
  // version, updated or statusComment).
  const issues = isV3Document(stored)
    ? validateV3Footprint({ ...stored, status: "Deprecated" })
    : checkFootprint(deprecatedDocument(stored, change));
  if (issues.length > 0) {
    throw new TypeError(
      `the deprecated version of ${id} would be invalid: ${issues[0]?.pointer} ${issues[0]?.message}`,
    );
  }
  return store.deprecateFootprint(id, change);
}
