/**
 * iLEAP Transport Activity Data filters (iLEAP §HTTP REST API, PROTOCOL.md §5): plain query
 * pairs `name=value`, resolved against the leaf paths of the TAD data model. Pure; never throws.
 */
import { type PactError, type PactErrorCode, type Parsed, pactError } from "./errors.ts";
import type { TadFilterClause } from "./filter-ast.ts";

/**
 * Every scalar leaf of the TAD data model as a full dotted path, array levels transparent
 * (`energyCarriers.feedstocks.feedstock`), in schema order. Generated from
 * `reference/ileap/schemas/tad.json` (iLEAP v1.0.0); a test recomputes it from the schema.
 */
export const TAD_LEAF_PATHS: readonly string[] = [
  "activityId",
  "consignmentIds",
  "distance.actual",
  "distance.gcd",
  "distance.sfd",
  "mass",
  "loadFactor",
  "emptyDistanceFactor",
  "origin.street",
  "origin.zip",
  "origin.city",
  "origin.country",
  "origin.iata",
  "origin.locode",
  "origin.uic",
  "origin.lat",
  "origin.lng",
  "destination.street",
  "destination.zip",
  "destination.city",
  "destination.country",
  "destination.iata",
  "destination.locode",
  "destination.uic",
  "destination.lat",
  "destination.lng",
  "departureAt",
  "arrivalAt",
  "mode",
  "packagingOrTrEqType",
  "packagingOrTrEqAmount",
  "energyCarriers.energyCarrier",
  "energyCarriers.feedstocks.feedstock",
  "energyCarriers.feedstocks.feedstockShare",
  "energyCarriers.feedstocks.regionProvenance",
  "energyCarriers.energyConsumption",
  "energyCarriers.energyConsumptionUnit",
  "energyCarriers.emissionFactorWTW",
  "energyCarriers.emissionFactorTTW",
  "energyCarriers.relativeShare",
  "temperatureControl",
];

/**
 * Filter names that designate several leaf paths (`country`: `origin.country` and
 * `destination.country`), each with its paths. Stores index their values under the alias
 * {@link tadAliasPath} too, so that such a filter reads one index range instead of testing every
 * record.
 */
export const TAD_AMBIGUOUS_NAMES: ReadonlyMap<string, readonly string[]> = (() => {
  const names = new Map<string, string[]>();
  for (const path of TAD_LEAF_PATHS) {
    const segments = path.split(".");
    for (let i = 0; i < segments.length; i++) {
      const name = segments.slice(i).join(".");
      names.set(name, [...(names.get(name) ?? []), path]);
    }
  }
  return new Map([...names].filter(([, paths]) => paths.length > 1));
})();

/** First character of the index paths of ambiguous names; no indexed leaf path starts with it. */
export const TAD_ALIAS_PREFIX = "*";

/** The index path under which the values of an ambiguous name are stored (`*country`). */
export function tadAliasPath(name: string): string {
  return `${TAD_ALIAS_PREFIX}${name}`;
}

/** Ambiguous-name aliases of each leaf path (`origin.country` → [`*country`]). */
const ALIASES_OF_PATH: ReadonlyMap<string, readonly string[]> = (() => {
  const out = new Map<string, string[]>();
  for (const [name, paths] of TAD_AMBIGUOUS_NAMES)
    for (const path of paths) out.set(path, [...(out.get(path) ?? []), tadAliasPath(name)]);
  return out;
})();

/** The one index path a clause is looked up under: its leaf path, or its name's alias. */
export function tadIndexPath(clause: TadFilterClause): string {
  return clause.paths.length === 1 ? (clause.paths[0] as string) : tadAliasPath(clause.name);
}

/** Most filter pairs accepted in one request (reserved parameters not counted). */
export const MAX_TAD_FILTER_PAIRS = 20;
/** Longest filter name accepted, in UTF-16 code units. */
export const MAX_TAD_FILTER_NAME_LENGTH = 128;
/** Longest filter value accepted, in UTF-16 code units. */
export const MAX_TAD_FILTER_VALUE_LENGTH = 512;

const EXAMPLE_NAMES =
  "mode, feedstock, energyCarrier, packagingOrTrEqType, origin.country, temperatureControl";

function fail(code: PactErrorCode, message: string): { readonly ok: false; readonly error: PactError } {
  return { ok: false, error: pactError(code, message) };
}

function truncate(s: string, max = 48): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/** The leaf paths a filter name designates: those equal to it or ending with `.` + name. */
export function tadPathsFor(name: string): string[] {
  return TAD_LEAF_PATHS.filter((p) => p === name || p.endsWith(`.${name}`));
}

/**
 * Resolves query pairs into TAD filter clauses (combined with AND by the store).
 *
 * Every pair whose name is not in `reserved` is a filter pair (the HTTP layer reserves `limit`
 * and its page-state parameter). A name designates the leaf paths of {@link TAD_LEAF_PATHS} equal
 * to it or ending with `.` + name: `feedstock` → `energyCarriers.feedstocks.feedstock`,
 * `country` → `origin.country` and `destination.country`. Names are case-sensitive; values are
 * lower-cased with `toLowerCase()` (comparison is case-insensitive). Repeated names give
 * repeated clauses (all must hold).
 *
 * Errors: unknown name → `NotImplemented`; empty name or value, more than
 * {@link MAX_TAD_FILTER_PAIRS} pairs, a name longer than {@link MAX_TAD_FILTER_NAME_LENGTH} or a
 * value longer than {@link MAX_TAD_FILTER_VALUE_LENGTH} → `BadRequest`. Stops reading `pairs` at
 * the first error. Never throws (unless iterating `pairs` itself throws).
 */
export function parseTadFilter(
  pairs: Iterable<[string, string]>,
  reserved: ReadonlySet<string>,
): Parsed<TadFilterClause[]> {
  const clauses: TadFilterClause[] = [];
  for (const [name, value] of pairs) {
    if (reserved.has(name)) continue;
    if (clauses.length >= MAX_TAD_FILTER_PAIRS) {
      return fail("BadRequest", `too many filter parameters; at most ${MAX_TAD_FILTER_PAIRS} are accepted`);
    }
    if (name.length === 0) return fail("BadRequest", "a filter parameter has an empty name");
    if (name.length > MAX_TAD_FILTER_NAME_LENGTH) {
      return fail(
        "BadRequest",
        `filter name '${truncate(name)}' is ${name.length} characters long; at most ${MAX_TAD_FILTER_NAME_LENGTH} are accepted`,
      );
    }
    const paths = tadPathsFor(name);
    if (paths.length === 0) {
      const caseHint = TAD_LEAF_PATHS.find(
        (p) => p.toLowerCase() === name.toLowerCase() || p.toLowerCase().endsWith(`.${name.toLowerCase()}`),
      );
      const hint =
        caseHint === undefined
          ? ""
          : ` (names are case-sensitive: did you mean '${caseHint.split(".").slice(-name.split(".").length).join(".")}'?)`;
      return fail(
        "NotImplemented",
        `filtering on '${truncate(name)}' is not supported${hint}; use a TAD field name such as ${EXAMPLE_NAMES}`,
      );
    }
    if (value.length === 0) return fail("BadRequest", `filter '${truncate(name)}' has an empty value`);
    if (value.length > MAX_TAD_FILTER_VALUE_LENGTH) {
      return fail(
        "BadRequest",
        `value of filter '${truncate(name)}' is ${value.length} characters long; at most ${MAX_TAD_FILTER_VALUE_LENGTH} are accepted`,
      );
    }
    clauses.push({ name, paths, value: value.toLowerCase() });
  }
  return { ok: true, value: clauses };
}

/**
 * Prints clauses as a URL query string (`name=value&…`, form-encoded) that {@link parseTadFilter}
 * reads back (through `URLSearchParams`) to the same clauses; the inverse of parsing, used to
 * check parse → print → parse stability. Values are printed as stored (already lower-cased).
 */
export function printTadFilter(clauses: readonly TadFilterClause[]): string {
  return new URLSearchParams(clauses.map((c): [string, string] => [c.name, c.value])).toString();
}

/** One row of the TAD filter index: a full dotted leaf path and its lower-cased value. */
export interface TadIndexEntry {
  readonly path: string;
  readonly value: string;
}

/**
 * Flattens a TAD document into index rows: one per distinct (full dotted path, lower-cased
 * value) of every scalar leaf. Strings are lower-cased with `toLowerCase()`, finite numbers
 * become their JSON text, booleans `true`/`false`; `null` and non-finite numbers are skipped.
 * Array levels are transparent (`energyCarriers[0].feedstocks[1].feedstock` →
 * `energyCarriers.feedstocks.feedstock`). All scalar leaves are indexed, also fields outside the
 * TAD model (except paths starting with {@link TAD_ALIAS_PREFIX}); a leaf designated by an
 * ambiguous name (`origin.country` by `country`) is indexed under the name's alias
 * ({@link tadAliasPath}) too. Iterative (no recursion), so any depth is safe; never throws.
 */
export function tadIndexEntries(doc: unknown): TadIndexEntry[] {
  const entries: TadIndexEntry[] = [];
  const seen = new Set<string>();
  const stack: Array<{ path: string; node: unknown }> = [{ path: "", node: doc }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { path, node } = item;
    let value: string | undefined;
    if (typeof node === "string") value = node.toLowerCase();
    else if (typeof node === "number") value = Number.isFinite(node) ? JSON.stringify(node) : undefined;
    else if (typeof node === "boolean") value = node ? "true" : "false";
    else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ path, node: node[i] });
      continue;
    } else if (typeof node === "object" && node !== null) {
      const children = Object.entries(node);
      for (let i = children.length - 1; i >= 0; i--) {
        const [key, child] = children[i]!;
        stack.push({ path: path === "" ? key : `${path}.${key}`, node: child });
      }
      continue;
    }
    // Paths starting with the alias prefix (keys outside the TAD model) are not indexed: they
    // would be taken for an alias.
    if (value === undefined || path === "" || path.startsWith(TAD_ALIAS_PREFIX)) continue;
    for (const p of [path, ...(ALIASES_OF_PATH.get(path) ?? [])]) {
      const key = `${p}\u0000${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({ path: p, value });
    }
  }
  return entries;
}
