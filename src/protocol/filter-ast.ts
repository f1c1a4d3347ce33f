/**
 * Typed filters handed from the protocol layer to the store. The store turns them into SQL; it
 * never filters in JavaScript.
 */

/** Comparison operators of the PACT `$filter` subset. */
export type ComparisonOp = "eq" | "lt" | "le" | "gt" | "ge";

/** Footprint properties compared as instants (stored as epoch milliseconds). */
export type TimeProperty = "created" | "updated" | "pcf/referencePeriodStart" | "pcf/referencePeriodEnd";

/** Footprint properties compared as exact strings. */
export type TextProperty = "productCategoryCpc" | "pcf/geographyCountry";

/** Collections usable in an `any` lambda (`productIds/any(p:(p eq '…'))`). */
export type CollectionProperty = "productIds" | "companyIds";

/** One node of a parsed `$filter`. Several top-level clauses are an `and`. */
export type FootprintFilter =
  | {
      readonly kind: "time";
      readonly property: TimeProperty;
      readonly op: ComparisonOp;
      readonly epochMs: number;
    }
  | {
      readonly kind: "text";
      readonly property: TextProperty;
      readonly op: ComparisonOp;
      readonly value: string;
    }
  | { readonly kind: "any"; readonly property: CollectionProperty; readonly value: string }
  | { readonly kind: "and"; readonly clauses: readonly FootprintFilter[] };

/**
 * One TAD query pair resolved against the TAD data model: `paths` are the full dotted leaf paths
 * (array levels are transparent, e.g. `energyCarriers.feedstocks.feedstock`) that the name
 * designates; `value` is already lower-cased (comparison is case-insensitive). Pairs are ANDed.
 */
export interface TadFilterClause {
  readonly name: string;
  readonly paths: readonly string[];
  readonly value: string;
}
