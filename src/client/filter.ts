/**
 * A small typed builder for the PACT v2 `$filter` subset (PROTOCOL.md §5). It builds the same
 * typed AST the server parses (`src/protocol/filter-ast.ts`) and prints it with the protocol's
 * printer, so every string it emits is a valid PACT filter.
 *
 * @example
 * ```ts
 * import { footprintFilter as f } from "ileap-ts/client";
 * const filter = f.updated.ge("2025-01-01T00:00:00Z")
 *   .and(f.productIds.contains("urn:pathfinder:product:customcode:vendor-assigned:shipment:SHP-1"))
 *   .and(f.geographyCountry.eq("DE"));
 * String(filter); // "updated ge '2025-01-01T00:00:00.000Z' and productIds/any(p:(p eq '…')) and pcf/geographyCountry eq 'DE'"
 * ```
 * @module
 */
import type {
  CollectionProperty,
  ComparisonOp,
  FootprintFilter,
  TextProperty,
  TimeProperty,
} from "../protocol/filter-ast.ts";
import { printFootprintFilter } from "../protocol/odata-filter.ts";
import { parseTimestamp } from "../protocol/timestamp.ts";

/** A built filter: its AST, `and` to combine, `toString()` for the `$filter` text (not URL-encoded). */
export class FootprintFilterExpression {
  /** The typed filter (the server's AST). */
  readonly ast: FootprintFilter;

  constructor(ast: FootprintFilter) {
    this.ast = ast;
  }

  /** This filter and every one of `others` (flattened into one `and`). */
  and(...others: readonly FootprintFilterExpression[]): FootprintFilterExpression {
    return and(this, ...others);
  }

  /** The `$filter` text, e.g. `updated gt '2025-01-01T00:00:00.000Z'`. */
  toString(): string {
    return printFootprintFilter(this.ast);
  }
}

/** A time value: a `Date`, or an RFC 3339 timestamp with `Z` or an offset. */
export type FilterTime = Date | string;

/** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the printable range of timestamps. */
const YEAR_0000 = -62167219200000;
const YEAR_10000 = 253402300800000;

function toEpochMs(value: FilterTime): number {
  let ms: number;
  if (value instanceof Date) {
    ms = value.getTime();
  } else {
    const instant = parseTimestamp(value);
    if (instant === undefined) {
      throw new TypeError(
        `not an RFC 3339 timestamp with Z or an offset: ${JSON.stringify(value)} (e.g. 2025-01-01T00:00:00Z)`,
      );
    }
    ms = instant.ms;
  }
  if (!Number.isFinite(ms) || ms < YEAR_0000 || ms >= YEAR_10000) {
    throw new TypeError(`timestamp out of range (years 0000–9999): ${String(value)}`);
  }
  return ms;
}

/** Comparisons on a timestamp property (`created`, `updated`, reference period bounds). */
export interface TimeComparisons {
  eq(value: FilterTime): FootprintFilterExpression;
  lt(value: FilterTime): FootprintFilterExpression;
  le(value: FilterTime): FootprintFilterExpression;
  gt(value: FilterTime): FootprintFilterExpression;
  ge(value: FilterTime): FootprintFilterExpression;
}

/** Comparisons on a text property (`productCategoryCpc`, `pcf/geographyCountry`). */
export interface TextComparisons {
  eq(value: string): FootprintFilterExpression;
  lt(value: string): FootprintFilterExpression;
  le(value: string): FootprintFilterExpression;
  gt(value: string): FootprintFilterExpression;
  ge(value: string): FootprintFilterExpression;
}

/** `any` lambda on a URN collection (`productIds`, `companyIds`). */
export interface CollectionComparisons {
  /** The collection contains `value` (`productIds/any(p:(p eq 'value'))`). */
  contains(value: string): FootprintFilterExpression;
}

const OPS: readonly ComparisonOp[] = ["eq", "lt", "le", "gt", "ge"];

function timeProperty(property: TimeProperty): TimeComparisons {
  const entries = OPS.map((op) => [
    op,
    (value: FilterTime) =>
      new FootprintFilterExpression({ kind: "time", property, op, epochMs: toEpochMs(value) }),
  ]);
  return Object.freeze(Object.fromEntries(entries)) as unknown as TimeComparisons;
}

function textProperty(property: TextProperty): TextComparisons {
  const entries = OPS.map((op) => [
    op,
    (value: string) => {
      if (typeof value !== "string") throw new TypeError(`${property}: expected a string`);
      return new FootprintFilterExpression({ kind: "text", property, op, value });
    },
  ]);
  return Object.freeze(Object.fromEntries(entries)) as unknown as TextComparisons;
}

function collection(property: CollectionProperty): CollectionComparisons {
  return Object.freeze({
    contains(value: string) {
      if (typeof value !== "string") throw new TypeError(`${property}: expected a string`);
      return new FootprintFilterExpression({ kind: "any", property, value });
    },
  });
}

/** Every filter and the flattened clauses of nested `and`s. At least one filter is required. */
export function and(...filters: readonly FootprintFilterExpression[]): FootprintFilterExpression {
  if (filters.length === 0) throw new TypeError("and() needs at least one filter");
  const clauses = filters.flatMap((f) => (f.ast.kind === "and" ? f.ast.clauses : [f.ast]));
  return clauses.length === 1
    ? new FootprintFilterExpression(clauses[0]!)
    : new FootprintFilterExpression({ kind: "and", clauses });
}

/**
 * Entry points of the builder, one per filterable property of PACT v2 ListFootprints. Time values
 * are `Date`s or RFC 3339 strings (printed as UTC with milliseconds; finer digits are dropped).
 */
export const footprintFilter = Object.freeze({
  created: timeProperty("created"),
  updated: timeProperty("updated"),
  /** `pcf/referencePeriodStart` */
  referencePeriodStart: timeProperty("pcf/referencePeriodStart"),
  /** `pcf/referencePeriodEnd` */
  referencePeriodEnd: timeProperty("pcf/referencePeriodEnd"),
  productCategoryCpc: textProperty("productCategoryCpc"),
  /** `pcf/geographyCountry` */
  geographyCountry: textProperty("pcf/geographyCountry"),
  productIds: collection("productIds"),
  companyIds: collection("companyIds"),
  and,
});
