/**
 * PACT v3.0 ListFootprints criteria (OpenAPI 3.0.3 `components.parameters`; also the `data` of a
 * `RequestCreatedEvent.3`): plain query parameters, pure parsing, never throws.
 *
 * - `productId`, `companyId`, `geography`, `classification`: repeatable; a footprint matches a
 *   criterion when it matches ONE of its values (OR), and must match EVERY criterion given (AND).
 *   Values are never split on commas (URNs contain commas). Matching is case-insensitive (the
 *   spec: "The match must be case-insensitive"), so values are lower-cased here.
 * - `validOn`, `validAfter`, `validBefore`: RFC 3339 date-times (a date alone means its midnight
 *   UTC), compared with the effective validity window (`validityPeriodStart/End`, else
 *   `referencePeriodEnd` … + 3 years).
 * - `status`: `Active` or `Deprecated`, case-insensitive; any other value matches nothing.
 * - Parameter names are matched case-insensitively (the spec's own example writes `productid`,
 *   `validon`); `limit` and our page token are the listing's; any other name is a 400 naming it.
 */
import { type PactError, type Parsed, pactError } from "./errors.ts";
import { parseTimestamp } from "./timestamp.ts";

/** Repeatable criteria (values lower-cased). */
export const V3_LIST_CRITERIA = ["productId", "companyId", "geography", "classification"] as const;
export type V3ListCriterion = (typeof V3_LIST_CRITERIA)[number];

/** Single-valued date criteria. */
export const V3_DATE_CRITERIA = ["validOn", "validAfter", "validBefore"] as const;
export type V3DateCriterion = (typeof V3_DATE_CRITERIA)[number];

/** Parsed v3 criteria. Absent = not restricted. */
export interface V3Criteria {
  readonly productId?: readonly string[];
  readonly companyId?: readonly string[];
  readonly geography?: readonly string[];
  readonly classification?: readonly string[];
  /** Epoch ms. */
  readonly validOn?: number;
  readonly validAfter?: number;
  readonly validBefore?: number;
  /** `Active`, `Deprecated`, or `null` when a value was given that no footprint can have. */
  readonly status?: "Active" | "Deprecated" | null;
}

/** Most values one request may give for all repeatable criteria together. */
export const MAX_V3_CRITERIA_VALUES = 100;

const CANONICAL = new Map<string, string>(
  [...V3_LIST_CRITERIA, ...V3_DATE_CRITERIA, "status"].map((n) => [n.toLowerCase(), n]),
);

/** The canonical criterion name of a query parameter name, or undefined (case-insensitive). */
export function v3CriterionName(name: string): string | undefined {
  return CANONICAL.get(name.toLowerCase());
}

/** Parses an RFC 3339 date-time (or a date: midnight UTC) into epoch ms. */
export function parseV3DateTime(value: string): number | undefined {
  const v = value.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v;
  return parseTimestamp(date)?.ms;
}

/**
 * Parses the criteria of a ListFootprints request.
 * @param pairs the query pairs other than `limit` and the page token (decoded), in order.
 * @param vendor names of `x-…` vendor parameters to ignore here (none defined today).
 */
export function parseV3Criteria(pairs: readonly (readonly [string, string])[]): Parsed<V3Criteria> {
  const lists = new Map<V3ListCriterion, string[]>();
  const dates = new Map<V3DateCriterion, number>();
  let status: V3Criteria["status"];
  const unknown: string[] = [];
  let count = 0;
  for (const [rawName, value] of pairs) {
    const name = v3CriterionName(rawName);
    if (name === undefined) {
      unknown.push(rawName);
      continue;
    }
    if ((V3_LIST_CRITERIA as readonly string[]).includes(name)) {
      if (++count > MAX_V3_CRITERIA_VALUES)
        return fail(
          `At most ${MAX_V3_CRITERIA_VALUES} values may be given for productId, companyId, geography and classification together`,
        );
      const list = lists.get(name as V3ListCriterion) ?? [];
      list.push(value.toLowerCase());
      lists.set(name as V3ListCriterion, list);
    } else if ((V3_DATE_CRITERIA as readonly string[]).includes(name)) {
      if (dates.has(name as V3DateCriterion)) return fail(`${name} is given more than once`);
      const ms = parseV3DateTime(value);
      if (ms === undefined)
        return fail(
          `${name} must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z, got ${JSON.stringify(value.slice(0, 100))}`,
        );
      dates.set(name as V3DateCriterion, ms);
    } else {
      if (status !== undefined) return fail("status is given more than once");
      const v = value.toLowerCase();
      status = v === "active" ? "Active" : v === "deprecated" ? "Deprecated" : null;
    }
  }
  if (unknown.length > 0) {
    const names = [...new Set(unknown)].slice(0, 10).map((n) => JSON.stringify(n.slice(0, 100)));
    return fail(
      `Unknown query parameter${unknown.length > 1 ? "s" : ""} ${names.join(", ")}; /3/footprints accepts limit, productId, companyId, geography, classification, validOn, validAfter, validBefore and status`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of lists) out[k] = [...new Set(v)];
  for (const [k, v] of dates) out[k] = v;
  if (status !== undefined) out.status = status;
  return { ok: true, value: out as V3Criteria };
}

/**
 * Parses the criteria object of a `RequestCreatedEvent.3` (`data`): the same criteria as JSON
 * (arrays of strings for the repeatable ones; a single string is accepted too). `comment` is
 * ignored; unknown properties are ignored (events may carry more than we filter on).
 */
export function parseV3CriteriaObject(data: Readonly<Record<string, unknown>>): Parsed<V3Criteria> {
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(data)) {
    const name = v3CriterionName(key);
    if (name === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== "string") return fail(`data.${key} must be a string or an array of strings`);
      pairs.push([name, v]);
    }
  }
  return parseV3Criteria(pairs);
}

function fail(message: string): { readonly ok: false; readonly error: PactError } {
  return { ok: false, error: pactError("BadRequest", message) };
}
