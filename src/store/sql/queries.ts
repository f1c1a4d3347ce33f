import type { Principal } from "../../auth/principal.ts";
import type { ComparisonOp, FootprintFilter, TadFilterClause } from "../../protocol/filter-ast.ts";
import type { Visibility } from "../store.ts";

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
