import { DATA_KINDS, type Principal } from "../../auth/principal.ts";
import type { ComparisonOp, FootprintFilter, TadFilterClause } from "../../protocol/filter-ast.ts";
import { tadIndexPath } from "../../protocol/tad-filter.ts";
import {
  DeprecatedFootprintError,
  InvalidPagePositionError,
  type ListFootprintsQuery,
  type ListTadQuery,
  type Page,
  VersionConflictError,
  type Visibility,
} from "../store.ts";

/** A SQL fragment with `?` placeholders and its parameters, in order. */
export interface Sql {
  readonly text: string;
  readonly params: readonly (string | number)[];
}

const OPERATORS: Record<ComparisonOp, string> = { eq: "=", lt: "<", le: "<=", gt: ">", ge: ">=" };

const TIME_COLUMNS = {
  created: "created_ms",
  updated: "updated_ms",
  "pcf/referencePeriodStart": "ref_period_start_ms",
  "pcf/referencePeriodEnd": "ref_period_end_ms",
} as const;

const TEXT_COLUMNS = {
  productCategoryCpc: "product_category_cpc",
  "pcf/geographyCountry": "geography_country",
} as const;

const COLLECTION_TABLES = {
  productIds: "footprint_product_ids",
  companyIds: "footprint_company_ids",
} as const;

/**
 * Compiles a footprint filter into a WHERE fragment over `footprints f`. A collection clause
 * (`productIds/any(…)`) becomes a per-row probe of its side table's `(value, id, seq)` index,
 * written as a `COUNT(*)` subquery so that PostgreSQL keeps it a probe instead of turning it into
 * a join that reads every match (the listing that drives by a collection clause is built by
 * {@link listFootprintsSql}).
 */
export function footprintFilterSql(filter: FootprintFilter): Sql {
  switch (filter.kind) {
    case "time":
      return {
        text: `f.${TIME_COLUMNS[filter.property]} ${OPERATORS[filter.op]} ?`,
        params: [filter.epochMs],
      };
    case "text":
      return { text: `f.${TEXT_COLUMNS[filter.property]} ${OPERATORS[filter.op]} ?`, params: [filter.value] };
    case "any":
      return {
        text: `(SELECT COUNT(*) FROM ${COLLECTION_TABLES[filter.property]} x WHERE x.value = ? AND x.id = f.id AND x.seq = f.seq) > 0`,
        params: [filter.value],
      };
    case "and": {
      const parts = filter.clauses.map(footprintFilterSql);
      return {
        text: parts.map((p) => `(${p.text})`).join(" AND ") || "1 = 1",
        params: parts.flatMap((p) => p.params),
      };
    }
  }
}

/** The top-level conjuncts of a filter (nested `and`s flattened). */
function conjuncts(filter: FootprintFilter | null): FootprintFilter[] {
  if (filter === null) return [];
  return filter.kind === "and" ? filter.clauses.flatMap(conjuncts) : [filter];
}

/** Grantee keys a principal matches in a visibility table. */
export function granteesOf(principal: Principal): string[] {
  const keys = [`client:${principal.clientId}`];
  if (principal.organizationId) keys.push(`org:${principal.organizationId}`);
  return keys;
}

/** Grantee keys stored for a record's visibility (empty = unrestricted). */
export function granteeKeys(visibility: Visibility | undefined): string[] {
  return [
    ...(visibility?.clientIds ?? []).map((id) => `client:${id}`),
    ...(visibility?.organizationIds ?? []).map((id) => `org:${id}`),
  ];
}

/** WHERE fragment: the record (alias `alias`, visibility table `table`) is visible to the principal. */
export function visibleToSql(alias: string, table: string, principal: Principal): Sql {
  const grantees = granteesOf(principal);
  return {
    text: `(${alias}.restricted = 0 OR EXISTS (SELECT 1 FROM ${table} v WHERE v.seq = ${alias}.seq AND v.grantee IN (${grantees.map(() => "?").join(", ")})))`,
    params: grantees,
  };
}

/**
 * TAD paths with few distinct values (enumerations): a poor choice to drive a filtered listing
 * when the request has a more selective clause too.
 */
const LOW_CARDINALITY_TAD_PATHS = new Set([
  "mode",
  "temperatureControl",
  "packagingOrTrEqType",
  "energyCarriers.energyCarrier",
  "energyCarriers.feedstocks.feedstock",
  "energyCarriers.energyConsumptionUnit",
]);

/**
 * WHERE fragment: one TAD clause matches (a per-row probe of the `(path, value, seq)` index, as a
 * `COUNT(*)` subquery so that PostgreSQL does not turn it into a join reading every match).
 */
function tadClauseProbe(c: TadFilterClause): Sql {
  return {
    text: "(SELECT COUNT(*) FROM tad_values x WHERE x.seq = t.seq AND x.path = ? AND x.value = ?) > 0",
    params: [tadIndexPath(c), c.value],
  };
}

/** WHERE fragment: every TAD clause matches (AND across pairs). */
export function tadFilterSql(clauses: readonly TadFilterClause[]): Sql {
  const parts = clauses.map(tadClauseProbe);
  return { text: parts.map((p) => p.text).join(" AND ") || "1 = 1", params: parts.flatMap((p) => p.params) };
}

/**
 * The clause that drives a filtered TAD listing: its index range `(path, value, seq > position)`
 * yields the matches in listing order. Every clause has one index path (a name designating
 * several fields, such as `country`, has an alias path: see `tadIndexEntries`); paths with many
 * distinct values are preferred. -1 without clauses.
 */
function tadDriver(clauses: readonly TadFilterClause[]): number {
  const selective = clauses.findIndex((c) => !LOW_CARDINALITY_TAD_PATHS.has(tadIndexPath(c)));
  return selective >= 0 ? selective : clauses.length > 0 ? 0 : -1;
}

/** Joins fragments with AND. */
export function and(...parts: readonly Sql[]): Sql {
  return { text: parts.map((p) => `(${p.text})`).join(" AND "), params: parts.flatMap((p) => p.params) };
}

/** The indexed columns of one footprint document. */
export interface FootprintColumns {
  readonly id: string;
  readonly version: number;
  readonly status: string;
  readonly createdMs: number;
  readonly updatedMs: number | null;
  readonly productCategoryCpc: string | null;
  readonly geographyCountry: string | null;
  readonly refPeriodStartMs: number | null;
  readonly refPeriodEndMs: number | null;
  readonly productIds: readonly string[];
  readonly companyIds: readonly string[];
}

function timeMs(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Extracts the filterable properties of a (validated) ProductFootprint. */
export function footprintColumns(doc: Record<string, unknown>): FootprintColumns {
  const pcf = (doc.pcf ?? {}) as Record<string, unknown>;
  const created = timeMs(doc.created);
  if (typeof doc.id !== "string" || created === null)
    throw new TypeError("footprint needs a string id and a created timestamp");
  return {
    id: doc.id,
    version: typeof doc.version === "number" ? doc.version : 1,
    status: typeof doc.status === "string" ? doc.status : "Active",
    createdMs: created,
    updatedMs: timeMs(doc.updated),
    productCategoryCpc: typeof doc.productCategoryCpc === "string" ? doc.productCategoryCpc : null,
    geographyCountry: typeof pcf.geographyCountry === "string" ? pcf.geographyCountry : null,
    refPeriodStartMs: timeMs(pcf.referencePeriodStart),
    refPeriodEndMs: timeMs(pcf.referencePeriodEnd),
    productIds: strings(doc.productIds),
    companyIds: strings(doc.companyIds),
  };
}

const FOOTPRINT_KIND_COUNT = DATA_KINDS.length - 1;

/** WHERE fragment: the footprint's kind is one the principal is granted (omitted when it has them all). */
export function kindsSql(principal: Principal): Sql {
  const kinds = [...principal.grants].filter((k) => k !== "tad");
  if (kinds.length === 0) return { text: "1 = 0", params: [] };
  if (kinds.length === FOOTPRINT_KIND_COUNT) return { text: "1 = 1", params: [] };
  return { text: `f.kind IN (${kinds.map(() => "?").join(", ")})`, params: kinds };
}

/**
 * The v2 text of a footprint row (migration 3): the document itself when v2-authored, else its v2
 * rendering. Rows without a v2 rendering have `in_v2 = 0` and are never selected.
 */
export const V2_TEXT = "CASE WHEN f.authored = '3' THEN f.doc_v2 ELSE f.document END";

/** The v2 rendering of the latest visible version of one footprint: selects `document`. */
export function getFootprintSql(id: string, principal: Principal): Sql {
  const where = and(
    { text: "f.id = ? AND f.is_latest = 1 AND f.in_v2 = 1", params: [id] },
    kindsSql(principal),
    visibleToSql("f", "footprint_visibility", principal),
  );
  return {
    text: `SELECT ${V2_TEXT} AS document FROM footprints f WHERE ${where.text}`,
    params: where.params,
  };
}

/**
 * One page (plus one row to detect more) of latest visible footprints by id: selects `id`,
 * `document`. Keyset pages: `id > position`, in id order, read from an index that is in id order
 * for the filter, so that a page deep in a listing costs the same as the first:
 * - with a collection clause (`productIds/any(…)`, `companyIds/any(…)`; `productIds` preferred),
 *   the listing is driven by that side table's `(value, id, seq)` index and joined to the
 *   footprints; the other clauses are tested per row;
 * - otherwise by the partial indexes on the latest versions (`(column, id)` for equality filters,
 *   `(kind, id)` for the principal's kinds, `(id)`), the planner choosing for range filters
 *   between walking the id order and sorting the range.
 */
export function listFootprintsSql(query: ListFootprintsQuery): Sql {
  const clauses = conjuncts(query.filter);
  const driver =
    clauses.find((c) => c.kind === "any" && c.property === "productIds") ??
    clauses.find((c) => c.kind === "any");
  const common: Sql[] = [
    { text: "f.is_latest = 1 AND f.in_v2 = 1", params: [] },
    kindsSql(query.principal),
    visibleToSql("f", "footprint_visibility", query.principal),
    ...clauses.filter((c) => c !== driver).map(footprintFilterSql),
  ];
  if (driver?.kind === "any") {
    const position: Sql[] = query.after === undefined ? [] : [{ text: "d.id > ?", params: [query.after] }];
    const where = and({ text: "d.value = ?", params: [driver.value] }, ...position, ...common);
    return {
      text: `SELECT f.id, ${V2_TEXT} AS document FROM ${COLLECTION_TABLES[driver.property]} d JOIN footprints f ON f.seq = d.seq WHERE ${where.text} ORDER BY d.id LIMIT ?`,
      params: [...where.params, query.limit + 1],
    };
  }
  const position: Sql[] = query.after === undefined ? [] : [{ text: "f.id > ?", params: [query.after] }];
  const where = and(...common, ...position);
  return {
    text: `SELECT f.id, ${V2_TEXT} AS document FROM footprints f WHERE ${where.text} ORDER BY f.id LIMIT ?`,
    params: [...where.params, query.limit + 1],
  };
}

/**
 * One page (plus one row) of visible TAD by seq: selects `seq`, `document`. Undefined when the
 * principal may not read TAD. Keyset pages (`seq > position`): with a filter, the listing is
 * driven by one clause's `(path, value, seq)` index range starting at the position (matches come
 * in listing order; the other clauses are tested per row); without one the TAD table is walked in
 * seq order from the position.
 * @throws {InvalidPagePositionError} for a position that is not a seq.
 */
export function listTadSql(query: ListTadQuery): Sql | undefined {
  if (!query.principal.grants.has("tad")) return undefined;
  let afterSeq: number | undefined;
  if (query.after !== undefined) {
    if (!/^\d{1,15}$/.test(query.after)) throw new InvalidPagePositionError("bad TAD position");
    afterSeq = Number(query.after);
  }
  const driverIndex = tadDriver(query.filter);
  const visible = visibleToSql("t", "tad_visibility", query.principal);
  const others = tadFilterSql(query.filter.filter((_, i) => i !== driverIndex));
  const driver = query.filter[driverIndex];
  if (driver) {
    // Only `d.seq > ?` (not also `t.seq > ?`): SQLite's planner then keeps the index order.
    const position: Sql[] = afterSeq === undefined ? [] : [{ text: "d.seq > ?", params: [afterSeq] }];
    const where = and(
      { text: "d.path = ? AND d.value = ?", params: [tadIndexPath(driver), driver.value] },
      ...position,
      visible,
      others,
    );
    return {
      text: `SELECT t.seq, t.document FROM tad_values d JOIN tad t ON t.seq = d.seq WHERE ${where.text} ORDER BY d.seq LIMIT ?`,
      params: [...where.params, query.limit + 1],
    };
  }
  const position: Sql[] = afterSeq === undefined ? [] : [{ text: "t.seq > ?", params: [afterSeq] }];
  const where = and(visible, others, ...position);
  return {
    text: `SELECT t.seq, t.document FROM tad t WHERE ${where.text} ORDER BY t.seq LIMIT ?`,
    params: [...where.params, query.limit + 1],
  };
}

/** Turns `limit + 1` rows into a page whose `next` is the last item's position when more exist. */
export function toPage(
  rows: readonly Record<string, unknown>[],
  limit: number,
  position: (row: Record<string, unknown>) => string,
): Page {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => r.document as string),
    ...(rows.length > limit && last ? { next: position(last) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Write side (ingestion): lookups that ignore visibility
// ---------------------------------------------------------------------------------------------

/** Most values bound in one `IN (…)` list by the write-side lookups (callers split longer lists). */
export const MAX_IN_LIST = 500;

/** Splits `values` into chunks of at most {@link MAX_IN_LIST}. */
export function chunks<T>(values: readonly T[], size = MAX_IN_LIST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

function inList(values: readonly unknown[]): string {
  return values.map(() => "?").join(", ");
}

/** The latest version of each of `ids` (≤ {@link MAX_IN_LIST}): selects `seq, id, version, status, document`. */
export function latestFootprintsSql(ids: readonly string[]): Sql {
  return {
    text: `SELECT f.seq, f.id, f.version, f.status, f.document FROM footprints f WHERE f.is_latest = 1 AND f.id IN (${inList(ids)})`,
    params: ids,
  };
}

/** Grantee keys of the given footprint versions (≤ {@link MAX_IN_LIST} seqs): selects `seq, grantee`. */
export function footprintGranteesSql(seqs: readonly (number | string)[]): Sql {
  return {
    text: `SELECT v.seq, v.grantee FROM footprint_visibility v WHERE v.seq IN (${inList(seqs)})`,
    params: seqs,
  };
}

/** Latest versions whose productIds contain one of `productIds` (≤ {@link MAX_IN_LIST}): selects `document`. */
export function latestFootprintsByProductIdsSql(productIds: readonly string[]): Sql {
  return {
    text: `SELECT f.document FROM footprints f WHERE f.is_latest = 1 AND f.seq IN (SELECT x.seq FROM footprint_product_ids x WHERE x.value IN (${inList(productIds)}))`,
    params: productIds,
  };
}

/** Turns grantee keys (`client:…`, `org:…`) back into a {@link Visibility}. */
export function visibilityOf(grantees: readonly string[]): Visibility {
  const clientIds = grantees.filter((g) => g.startsWith("client:")).map((g) => g.slice(7));
  const organizationIds = grantees.filter((g) => g.startsWith("org:")).map((g) => g.slice(4));
  return {
    ...(clientIds.length > 0 ? { clientIds } : {}),
    ...(organizationIds.length > 0 ? { organizationIds } : {}),
  };
}

/**
 * The document of a footprint's deprecating version: `status` `Deprecated`, `version` + 1, the
 * given `updated` (and `statusComment`, when given), every other property unchanged.
 */
export function deprecatedDocument(
  stored: Record<string, unknown>,
  change: { readonly updated: string; readonly statusComment?: string },
): Record<string, unknown> {
  const version = typeof stored.version === "number" ? stored.version : 1;
  const out: Record<string, unknown> = {};
  // Keep the stored key order; insert properties the stored version lacks at PACT's positions.
  for (const [k, v] of Object.entries(stored)) {
    if (k === "version") out.version = version + 1;
    else if (k === "created") {
      out.created = v;
      out.updated = change.updated;
    } else if (k === "updated") continue;
    else if (k === "status") {
      out.status = "Deprecated";
      if (change.statusComment !== undefined) out.statusComment = change.statusComment;
    } else if (k === "statusComment") {
      if (change.statusComment === undefined) out.statusComment = v;
    } else out[k] = v;
  }
  out.version ??= version + 1;
  out.updated ??= change.updated;
  out.status ??= "Deprecated";
  if (change.statusComment !== undefined) out.statusComment ??= change.statusComment;
  return out;
}

/**
 * The PACT lifecycle rules for a new version of a stored footprint (shared by both stores).
 * @throws {DeprecatedFootprintError} when the current version is `Deprecated`.
 * @throws {VersionConflictError} when `version` is not higher than the current one.
 */
export function checkNewVersion(
  id: string,
  version: number,
  current: { readonly version: number; readonly status: string },
): void {
  if (current.status === "Deprecated") {
    throw new DeprecatedFootprintError(
      `footprint ${id} is deprecated (version ${current.version}) and can no longer change`,
      { id, version, currentVersion: current.version },
    );
  }
  if (current.version >= version) {
    throw new VersionConflictError(
      `footprint ${id}: version ${version} is not newer than the stored version ${current.version}`,
      { id, version, currentVersion: current.version },
    );
  }
}

/** The string entries of a document's `precedingPfIds`. */
export function precedingPfIds(document: Record<string, unknown>): string[] {
  const ids = document.precedingPfIds;
  return Array.isArray(ids) ? ids.filter((v): v is string => typeof v === "string") : [];
}
