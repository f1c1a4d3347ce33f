/**
 * PACT v3 ListFootprints filters (plain query parameters, OpenAPI 3.0.3 `components/parameters`):
 * the official tool's cases TC20–TC39, plus our check that unknown parameters and bad dates are
 * refused. Like the tool, the values come from the first footprint of the unfiltered list; unlike
 * it, every page is walked and that first footprint must be in every positive result.
 * @module
 */
import type { CaseDefinition, CaseScope } from "./case.ts";
import type { SuiteContext } from "./context.ts";
import { checkPactError, describeRes, expectDataArray, expectStatus } from "./expect.ts";
import { listUrl } from "./footprints.ts";
import { excerpt, isObject, type JsonObject, str } from "./json.ts";
import { walkList } from "./pagination.ts";

const THREE_YEARS_MS_NOTE = "referencePeriodEnd + 3 years";

/** `iso` + 3 calendar years (UTC), in ms; NaN when not a timestamp. */
export function plusThreeYears(iso: string): number {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return Number.NaN;
  d.setUTCFullYear(d.getUTCFullYear() + 3);
  return d.getTime();
}

/**
 * The effective validity window of a v3 footprint (PACT v3 §Validity Period): `validityPeriodStart`
 * / `validityPeriodEnd`, else `referencePeriodEnd` and `referencePeriodEnd` + 3 years. NaN where
 * the footprint gives no usable timestamp.
 */
export function validityWindow(pf: unknown): { readonly start: number; readonly end: number } {
  if (!isObject(pf)) return { start: Number.NaN, end: Number.NaN };
  const refEnd = isObject(pf.pcf) ? str(pf.pcf.referencePeriodEnd) : undefined;
  const start = str(pf.validityPeriodStart) ?? refEnd;
  const end = str(pf.validityPeriodEnd);
  return {
    start: start === undefined ? Number.NaN : Date.parse(start),
    end: end !== undefined ? Date.parse(end) : refEnd !== undefined ? plusThreeYears(refEnd) : Number.NaN,
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === "string") : [];
}

function geographyOf(pf: unknown): string[] {
  if (!isObject(pf) || !isObject(pf.pcf)) return [];
  const p = pf.pcf;
  return [p.geographyCountry, p.geographyRegionOrSubregion, p.geographyCountrySubdivision].filter(
    (x): x is string => typeof x === "string",
  );
}

const DAY_MS = 86_400_000;

/** The filter values the official tool derives from the first footprint. */
interface FilterValues {
  readonly first: JsonObject;
  readonly productId?: string;
  readonly companyId?: string;
  readonly geography?: string;
  readonly classification?: string;
  readonly validOn?: string;
  readonly validAfter?: string;
  readonly validBefore?: string;
  readonly status?: string;
}

async function filterValues(ctx: SuiteContext): Promise<FilterValues> {
  return ctx.memo("v3:filter-values", async () => {
    const first = (await ctx.footprints())[0] as JsonObject;
    const w = validityWindow(first);
    const iso = (ms: number): string | undefined =>
      Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
    const values: Record<string, string | undefined> = {
      productId: strings(first.productIds)[0],
      companyId: strings(first.companyIds)[0],
      geography: geographyOf(first)[0],
      classification: strings(first.productClassifications)[0],
      validOn: iso(w.start),
      validAfter: iso(w.start - DAY_MS),
      validBefore: iso(w.end + DAY_MS),
      status: str(first.status),
    };
    return {
      first,
      ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)),
    } as FilterValues;
  });
}

function random(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16);
}

type Criterion = Exclude<keyof FilterValues, "first">;

/**
 * A positive filter case: every item of every page satisfies `holds`, the first footprint is among
 * them, no item twice.
 */
function positive(
  n: number,
  title: string,
  criterion: Criterion,
  query: (v: FilterValues) => [string, string][],
  holds: (pf: unknown, v: FilterValues) => boolean,
  rule: (v: FilterValues) => string,
): CaseDefinition {
  return {
    id: `pact-tc${n}`,
    title,
    mandatory: true,
    async run(ctx: SuiteContext, t: CaseScope) {
      const v = await filterValues(ctx);
      if (v[criterion] === undefined) {
        t.fail(
          `the first listed footprint (${String(v.first.id)}) gives no ${criterion} to filter on: the official tool derives every filter value from data[0], so make it complete`,
        );
      }
      const url = listUrl(ctx, query(v));
      const walk = await walkList(ctx, url, { linkExpectations: { baseUrl: ctx.opts.baseUrl } });
      t.addProblems(walk.problems);
      const bad = walk.items.filter((pf) => !holds(pf, v));
      if (bad.length > 0) {
        t.problem(
          `${url}: ${bad.length} of ${walk.items.length} footprint(s) do not satisfy ${rule(v)}: ${bad
            .slice(0, 3)
            .map((pf) => (isObject(pf) ? String(pf.id) : excerpt(JSON.stringify(pf), 60)))
            .join(", ")}`,
        );
      }
      const ids = walk.items.map((pf) => (isObject(pf) ? String(pf.id) : ""));
      if (walk.complete && !ids.includes(String(v.first.id))) {
        t.problem(`${url}: the first footprint ${String(v.first.id)} satisfies ${rule(v)} but is not listed`);
      }
      const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
      if (dup.length > 0)
        t.problem(`${url}: footprint(s) listed twice: ${[...new Set(dup)].slice(0, 3).join(", ")}`);
    },
  };
}

/** A negative filter case: 200 with `{"data": []}` and no next link. */
function negative(n: number, title: string, query: () => [string, string][]): CaseDefinition {
  return {
    id: `pact-tc${n}`,
    title,
    mandatory: true,
    async run(ctx: SuiteContext, t: CaseScope) {
      const res = await ctx.getAuthed(listUrl(ctx, query()));
      expectStatus(t, res, [200]);
      const data = expectDataArray(t, res);
      if (data.length > 0) {
        t.problem(
          `${describeRes(res)}: ${data.length} footprint(s) listed, expected "data": [] for a value nothing matches`,
        );
      }
      if (res.headers.link !== undefined && /rel="?next"?/i.test(res.headers.link)) {
        t.problem(`${describeRes(res)}: a next link on an empty result`);
      }
    },
  };
}

const has = (field: "productIds" | "companyIds" | "productClassifications") => (pf: unknown, value: string) =>
  isObject(pf) && strings(pf[field]).some((x) => x.toLowerCase() === value.toLowerCase());

const hasProduct = has("productIds");
const hasCompany = has("companyIds");
const hasClassification = has("productClassifications");

export const v3tc20 = positive(
  20,
  'V3 filtering: "productId" parameter',
  "productId",
  (v) => [["productId", v.productId as string]],
  (pf, v) => hasProduct(pf, v.productId as string),
  (v) => `productIds contains ${v.productId}`,
);

export const v3tc21 = positive(
  21,
  'V3 filtering: "companyId" parameter',
  "companyId",
  (v) => [["companyId", v.companyId as string]],
  (pf, v) => hasCompany(pf, v.companyId as string),
  (v) => `companyIds contains ${v.companyId}`,
);

export const v3tc22 = positive(
  22,
  'V3 filtering: "geography" parameter',
  "geography",
  (v) => [["geography", v.geography as string]],
  (pf, v) => geographyOf(pf).some((g) => g.toLowerCase() === (v.geography as string).toLowerCase()),
  (v) => `pcf geography = ${v.geography}`,
);

export const v3tc23 = positive(
  23,
  'V3 filtering: "classification" parameter',
  "classification",
  (v) => [["classification", v.classification as string]],
  (pf, v) => hasClassification(pf, v.classification as string),
  (v) => `productClassifications contains ${v.classification}`,
);

export const v3tc24 = positive(
  24,
  'V3 filtering: "validOn" parameter',
  "validOn",
  (v) => [["validOn", v.validOn as string]],
  (pf, v) => {
    const w = validityWindow(pf);
    const at = Date.parse(v.validOn as string);
    return w.start <= at && at <= w.end;
  },
  (v) => `validity start <= ${v.validOn} <= validity end (else ${THREE_YEARS_MS_NOTE})`,
);

export const v3tc25 = positive(
  25,
  'V3 filtering: "validAfter" parameter',
  "validAfter",
  (v) => [["validAfter", v.validAfter as string]],
  (pf, v) => validityWindow(pf).start > Date.parse(v.validAfter as string),
  (v) => `validity start > ${v.validAfter}`,
);

export const v3tc26 = positive(
  26,
  'V3 filtering: "validBefore" parameter',
  "validBefore",
  (v) => [["validBefore", v.validBefore as string]],
  (pf, v) => validityWindow(pf).end < Date.parse(v.validBefore as string),
  (v) => `validity end < ${v.validBefore} (else ${THREE_YEARS_MS_NOTE})`,
);

export const v3tc27 = positive(
  27,
  'V3 filtering: "status" parameter',
  "status",
  (v) => [["status", v.status as string]],
  (pf, v) => isObject(pf) && pf.status === v.status,
  (v) => `status = ${v.status}`,
);

export const v3tc28 = positive(
  28,
  'V3 filtering: "status" and "productId" parameters',
  "productId",
  (v) => [
    ["status", v.status ?? "Active"],
    ["productId", v.productId as string],
  ],
  (pf, v) => isObject(pf) && pf.status === (v.status ?? "Active") && hasProduct(pf, v.productId as string),
  (v) => `status = ${v.status ?? "Active"} AND productIds contains ${v.productId}`,
);

export const v3tc29 = positive(
  29,
  "V3 filtering: several values of one criterion (OR)",
  "companyId",
  (v) => [
    ["companyId", v.companyId as string],
    ["companyId", `urn:bogus:company:${random()}`],
    ["companyId", `urn:bogus:company:${random()}`],
  ],
  (pf, v) => hasCompany(pf, v.companyId as string),
  (v) => `companyIds contains ${v.companyId}`,
);

export const v3tc30 = negative(30, 'V3 filtering: "productId" parameter (negative)', () => [
  ["productId", `urn:bogus:product:${random()}`],
]);
export const v3tc31 = negative(31, 'V3 filtering: "companyId" parameter (negative)', () => [
  ["companyId", `urn:bogus:company:${random()}`],
]);
export const v3tc32 = negative(32, 'V3 filtering: "geography" parameter (negative)', () => [
  ["geography", "XX"],
]);
export const v3tc33 = negative(33, 'V3 filtering: "classification" parameter (negative)', () => [
  ["classification", `urn:bogus:classification:${random()}`],
]);
export const v3tc34 = negative(34, 'V3 filtering: "validOn" parameter (negative)', () => [
  ["validOn", "1900-01-01T00:00:00Z"],
]);
export const v3tc35 = negative(35, 'V3 filtering: "validAfter" parameter (negative)', () => [
  ["validAfter", "2099-12-31T23:59:59Z"],
]);
export const v3tc36 = negative(36, 'V3 filtering: "validBefore" parameter (negative)', () => [
  ["validBefore", "1900-01-01T00:00:00Z"],
]);
export const v3tc37 = negative(37, 'V3 filtering: "status" parameter (negative)', () => [
  ["status", `BogusStatus${random().slice(0, 8)}`],
]);
export const v3tc38 = negative(38, "V3 filtering: several criteria (AND, negative)", () => [
  ["companyId", `urn:bogus:company:${random()}`],
  ["productId", `urn:bogus:product:${random()}`],
]);
export const v3tc39 = negative(39, "V3 filtering: several values of one criterion (OR, negative)", () => [
  ["companyId", `urn:bogus:company:${random()}`],
  ["companyId", `urn:bogus:company:${random()}`],
  ["companyId", `urn:bogus:company:${random()}`],
]);

/**
 * Unknown query parameters (the v2 `$filter` among them) and malformed dates are refused with 400
 * `BadRequest` rather than ignored: an ignored criterion returns data the client did not ask for.
 * Not checked by the official tool; `x-…` vendor parameters are the spec's extension point.
 */
export const v3UnknownParameter: CaseDefinition = {
  id: "pact-ext-v3-bad-query",
  title: "Unknown query parameters and malformed dates are refused with 400 BadRequest",
  mandatory: false,
  async run(ctx: SuiteContext, t: CaseScope) {
    const queries: [string, string][][] = [
      [["bogusParameter", "1"]],
      [["$filter", "created ge '2023-01-15T10:15:30Z'"]],
      [["validOn", "not-a-date"]],
    ];
    for (const q of queries) {
      const res = await ctx.getAuthed(listUrl(ctx, q));
      if (res.status !== 400) {
        t.problem(
          `${describeRes(res)}, expected 400 BadRequest naming the parameter; body: ${excerpt(res.body)}`,
        );
        continue;
      }
      checkPactError(t, res, ["BadRequest"]);
    }
  },
};
