/**
 * The PACT v3 side of the relational store (migration 3): what is written per footprint version
 * (both renderings, the effective validity window, the lower-cased v3 filter values) and the v3
 * read queries. Shared by the SQLite and PostgreSQL stores.
 */
import type { Principal } from "../../auth/principal.ts";
import { renderFootprint } from "../../model/v3/render.ts";
import type { PactVersion } from "../../model/v3/types.ts";
import { plusThreeYearsMs } from "../../model/v3/validate.ts";
import { canonicalJson } from "../canonical-json.ts";
import type { FootprintRecord, ListFootprintsV3Query } from "../store.ts";
import { and, type FootprintColumns, footprintColumns, kindsSql, type Sql, visibleToSql } from "./queries.ts";

/** A `footprint_v3_values` entry: criterion name and lower-cased value. */
export type V3Value = readonly [criterion: string, value: string];

/** The columns of migration 3 for one footprint version. */
export interface RenderedColumns {
  readonly authored: PactVersion;
  /** The v2 rendering of a v3-authored footprint (null otherwise: `document` is the v2 text). */
  readonly v2Text: string | null;
  /** The v3 rendering of a v2-authored footprint (null otherwise: `document` is the v3 text). */
  readonly v3Text: string | null;
  /** Whether v2 / v3 can represent the footprint. */
  readonly inV2: boolean;
  readonly inV3: boolean;
  readonly v2Absent: string | null;
  readonly v3Absent: string | null;
  readonly validFromMs: number | null;
  readonly validToMs: number | null;
  readonly v3Values: readonly V3Value[];
}

/** Everything stored for one footprint version. */
export interface FootprintWrite extends RenderedColumns {
  /** Indexed v2 columns (of the v2 rendering when there is one), `version` resolved. */
  readonly columns: FootprintColumns;
  /** Canonical text of the document as authored. */
  readonly text: string;
}

type Doc = Record<string, unknown>;

/** Renders a footprint version for storage (see {@link FootprintWrite}). */
export function footprintWrite(record: FootprintRecord): FootprintWrite {
  const doc = record.document;
  const version = typeof doc.version === "number" ? doc.version : (record.version ?? 1);
  const r = record.renderings ?? renderFootprint(doc, version);
  const columns = { ...footprintColumns(r.v2 ?? doc), version };
  const window = r.v3 ? effectiveWindow(r.v3) : { from: null, to: null };
  const text = canonicalJson(doc);
  return {
    columns,
    authored: r.authored,
    text,
    v2Text: r.authored === "3" && r.v2 ? canonicalJson(r.v2) : null,
    v3Text: r.authored === "2" && r.v3 ? canonicalJson(r.v3) : null,
    inV2: r.v2 !== undefined,
    inV3: r.v3 !== undefined,
    v2Absent: r.v2Absent ?? null,
    v3Absent: r.v3Absent ?? null,
    validFromMs: window.from,
    validToMs: window.to,
    v3Values: r.v3 ? v3Values(r.v3) : [],
  };
}

function time(v: unknown): number | null {
  if (typeof v !== "string") return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The effective validity window of a v3 document (PACT 3.0 §Validity Period): `validityPeriodStart`
 * (else `referencePeriodEnd`) to `validityPeriodEnd` (else `referencePeriodEnd` + 3 years).
 */
export function effectiveWindow(doc: Doc): { from: number | null; to: number | null } {
  const pcf = (doc.pcf ?? {}) as Doc;
  const refEnd = typeof pcf.referencePeriodEnd === "string" ? pcf.referencePeriodEnd : undefined;
  const from = time(doc.validityPeriodStart) ?? time(refEnd);
  const plus3 = refEnd === undefined ? Number.NaN : plusThreeYearsMs(refEnd);
  const to = time(doc.validityPeriodEnd) ?? (Number.isNaN(plus3) ? null : plus3);
  return { from, to };
}

/** The lower-cased v3 filter values of a v3 document. */
export function v3Values(doc: Doc): V3Value[] {
  const out = new Set<string>();
  const add = (criterion: string, v: unknown): void => {
    if (typeof v === "string") out.add(`${criterion}\u0000${v.toLowerCase()}`);
  };
  const each = (criterion: string, list: unknown): void => {
    if (Array.isArray(list)) for (const v of list) add(criterion, v);
  };
  each("productId", doc.productIds);
  each("companyId", doc.companyIds);
  each("classification", doc.productClassifications);
  const pcf = (doc.pcf ?? {}) as Doc;
  add("geography", pcf.geographyCountry);
  add("geography", pcf.geographyCountrySubdivision);
  add("geography", pcf.geographyRegionOrSubregion);
  return [...out].map((e) => {
    const i = e.indexOf("\u0000");
    return [e.slice(0, i), e.slice(i + 1)] as const;
  });
}

/** The v3 text of a footprint row: the document itself when v3-authored, else its v3 rendering. */
export const V3_TEXT = "CASE WHEN f.authored = '3' THEN f.document ELSE f.doc_v3 END";

/** The latest visible v3 rendering of one footprint: selects `document`. */
export function getFootprintV3Sql(id: string, principal: Principal): Sql {
  const where = and(
    { text: "f.id = ? AND f.is_latest = 1 AND f.in_v3 = 1", params: [id] },
    kindsSql(principal),
    visibleToSql("f", "footprint_visibility", principal),
  );
  return {
    text: `SELECT ${V3_TEXT} AS document FROM footprints f WHERE ${where.text}`,
    params: where.params,
  };
}

const LIST_CRITERIA = ["productId", "companyId", "classification", "geography"] as const;

/** One criterion (OR over its values) as a per-row probe of `footprint_v3_values`. */
function criterionProbe(criterion: string, values: readonly string[]): Sql {
  return {
    text: `(SELECT COUNT(*) FROM footprint_v3_values x WHERE x.criterion = ? AND x.value IN (${values.map(() => "?").join(", ")}) AND x.id = f.id AND x.seq = f.seq) > 0`,
    params: [criterion, ...values],
  };
}

/**
 * One page (plus one row) of latest visible v3 renderings matching the criteria, in id order:
 * selects `id`, `document`; undefined when the criteria cannot match anything (an empty value
 * list, a `status` no footprint has). Keyset pages (`id > position`). A single-valued list
 * criterion (productId preferred) drives the listing through the `(criterion, value, id, seq)`
 * index, in id order; otherwise the partial indexes on the latest v3 renderings are walked and
 * every criterion is tested per row.
 */
export function listFootprintsV3Sql(query: ListFootprintsV3Query): Sql | undefined {
  const c = query.criteria;
  if (c.status === null) return undefined;
  for (const name of LIST_CRITERIA) if (c[name] !== undefined && c[name].length === 0) return undefined;
  const driver = LIST_CRITERIA.find((name) => c[name]?.length === 1);
  const common: Sql[] = [
    { text: "f.is_latest = 1 AND f.in_v3 = 1", params: [] },
    kindsSql(query.principal),
    visibleToSql("f", "footprint_visibility", query.principal),
  ];
  for (const name of LIST_CRITERIA) {
    const values = c[name];
    if (values !== undefined && name !== driver) common.push(criterionProbe(name, values));
  }
  if (c.status) common.push({ text: "f.status = ?", params: [c.status] });
  if (c.validOn !== undefined)
    common.push({ text: "f.valid_from_ms <= ? AND f.valid_to_ms >= ?", params: [c.validOn, c.validOn] });
  if (c.validAfter !== undefined) common.push({ text: "f.valid_from_ms > ?", params: [c.validAfter] });
  if (c.validBefore !== undefined) common.push({ text: "f.valid_to_ms < ?", params: [c.validBefore] });
  if (driver !== undefined) {
    const position: Sql[] = query.after === undefined ? [] : [{ text: "d.id > ?", params: [query.after] }];
    const where = and(
      {
        text: "d.criterion = ? AND d.value = ?",
        params: [driver, (c[driver] as readonly string[])[0] as string],
      },
      ...position,
      ...common,
    );
    return {
      text: `SELECT f.id, ${V3_TEXT} AS document FROM footprint_v3_values d JOIN footprints f ON f.seq = d.seq WHERE ${where.text} ORDER BY d.id LIMIT ?`,
      params: [...where.params, query.limit + 1],
    };
  }
  const position: Sql[] = query.after === undefined ? [] : [{ text: "f.id > ?", params: [query.after] }];
  const where = and(...common, ...position);
  return {
    text: `SELECT f.id, ${V3_TEXT} AS document FROM footprints f WHERE ${where.text} ORDER BY f.id LIMIT ?`,
    params: [...where.params, query.limit + 1],
  };
}

/** Rows still to render after migration 3 (at most `limit`): selects `seq, id, version, document`. */
export function unrenderedSql(limit: number): Sql {
  return {
    text: "SELECT seq, id, version, document FROM footprints WHERE rendered = 0 ORDER BY seq LIMIT ?",
    params: [limit],
  };
}

/**
 * The write of a row stored before migration 3 (its `document` is a v2 document). A document that
 * cannot be rendered (malformed beyond what the field map expects) keeps its v2 rendering and gets
 * no v3 one, with the error as the reason: one bad row must not stop the store from opening.
 */
export function renderStoredRow(row: {
  readonly id: string;
  readonly version: number;
  readonly document: string;
}): RenderedColumns {
  try {
    const doc = JSON.parse(row.document) as Doc;
    return footprintWrite({ document: doc, kind: "pcf", version: row.version });
  } catch (e) {
    return {
      authored: "2",
      v2Text: null,
      v3Text: null,
      inV2: true,
      inV3: false,
      v2Absent: null,
      v3Absent: `cannot be rendered: ${(e as Error).message}`,
      validFromMs: null,
      validToMs: null,
      v3Values: [],
    };
  }
}

/** The columns {@link footprintWrite} sets beside the v2 ones, in insert order. */
export const V3_COLUMNS = [
  "authored",
  "doc_v2",
  "doc_v3",
  "in_v2",
  "in_v3",
  "v2_absent",
  "v3_absent",
  "rendered",
  "valid_from_ms",
  "valid_to_ms",
] as const;

/** Values of {@link V3_COLUMNS} for one write. */
export function v3ColumnValues(w: RenderedColumns): (string | number | null)[] {
  return [
    w.authored,
    w.v2Text,
    w.v3Text,
    w.inV2 ? 1 : 0,
    w.inV3 ? 1 : 0,
    w.v2Absent,
    w.v3Absent,
    1,
    w.validFromMs,
    w.validToMs,
  ];
}

/**
 * The deprecating version of a v3-authored footprint: the same document with `status`
 * `Deprecated` (v3 documents carry no `version`/`updated`; the store counts the version).
 */
export function deprecatedV3Document(stored: Doc): Doc {
  return { ...stored, status: "Deprecated" };
}
