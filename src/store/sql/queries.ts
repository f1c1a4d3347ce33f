import { DATA_KINDS, type Principal } from "../../auth/principal.ts";
import type { ComparisonOp, FootprintFilter, TadFilterClause } from "../../protocol/filter-ast.ts";
import {
  InvalidPagePositionError,
  type ListFootprintsQuery,
  type ListTadQuery,
  type Page,
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

/** Compiles a footprint filter into a WHERE fragment over `footprints f`. */
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
        text: `EXISTS (SELECT 1 FROM ${COLLECTION_TABLES[filter.property]} x WHERE x.seq = f.seq AND x.value = ?)`,
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

/** WHERE fragment: every TAD clause matches (AND across pairs). */
export function tadFilterSql(clauses: readonly TadFilterClause[]): Sql {
  const parts = clauses.map((c) => ({
    text: `EXISTS (SELECT 1 FROM tad_values x WHERE x.seq = t.seq AND x.path IN (${c.paths.map(() => "?").join(", ")}) AND x.value = ?)`,
    params: [...c.paths, c.value],
  }));
  return { text: parts.map((p) => p.text).join(" AND ") || "1 = 1", params: parts.flatMap((p) => p.params) };
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

/** The latest visible version of one footprint: selects `document`. */
export function getFootprintSql(id: string, principal: Principal): Sql {
  const where = and(
    { text: "f.id = ? AND f.is_latest = 1", params: [id] },
    kindsSql(principal),
    visibleToSql("f", "footprint_visibility", principal),
  );
  return { text: `SELECT f.document FROM footprints f WHERE ${where.text}`, params: where.params };
}

/** One page (plus one row to detect more) of latest visible footprints by id: selects `id`, `document`. */
export function listFootprintsSql(query: ListFootprintsQuery): Sql {
  const parts: Sql[] = [
    { text: "f.is_latest = 1", params: [] },
    kindsSql(query.principal),
    visibleToSql("f", "footprint_visibility", query.principal),
  ];
  if (query.filter) parts.push(footprintFilterSql(query.filter));
  if (query.after !== undefined) parts.push({ text: "f.id > ?", params: [query.after] });
  const where = and(...parts);
  return {
    text: `SELECT f.id, f.document FROM footprints f WHERE ${where.text} ORDER BY f.id LIMIT ?`,
    params: [...where.params, query.limit + 1],
  };
}

/**
 * One page (plus one row) of visible TAD by seq: selects `seq`, `document`. Undefined when the
 * principal may not read TAD. @throws {InvalidPagePositionError} for a position that is not a seq.
 */
export function listTadSql(query: ListTadQuery): Sql | undefined {
  if (!query.principal.grants.has("tad")) return undefined;
  const parts: Sql[] = [visibleToSql("t", "tad_visibility", query.principal), tadFilterSql(query.filter)];
  if (query.after !== undefined) {
    if (!/^\d{1,15}$/.test(query.after)) throw new InvalidPagePositionError("bad TAD position");
    parts.push({ text: "t.seq > ?", params: [Number(query.after)] });
  }
  const where = and(...parts);
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
