/**
 * Footprint cases of both PACT versions (paths, codes and schema from `ctx.pact`): TC3 to TC8, and
 * the v2 `$filter` case TC20 (the v3 filter cases are in `v3-filters.ts`).
 * @module
 */
import { nullIssues } from "../model/validate.ts";
import type { CaseDefinition, CaseScope } from "./case.ts";
import type { SuiteContext } from "./context.ts";
import {
  checkPactError,
  describeRes,
  errorCodeOf,
  expectDataArray,
  expectDataObject,
  expectStatus,
} from "./expect.ts";
import type { HttpResponse } from "./http-client.ts";
import { formatIssues } from "./issues.ts";
import { canonicalJson, isObject, type JsonObject, str } from "./json.ts";
import { findNextLink } from "./link.ts";
import { walkList } from "./pagination.ts";

/**
 * Schema and no-null problems of one ProductFootprint of the version checked, prefixed with where
 * it was found.
 */
export function footprintProblems(ctx: SuiteContext, pf: unknown, where: string, pointer: string): string[] {
  const schema = ctx.schemas.validate(ctx.pact.footprintSchema, pf).filter((i) => i.rule !== "no-null");
  return [
    ...formatIssues(schema, { base: pointer, max: 3, noun: "schema errors" }).map(
      (e) => `${where}: ${e} (${ctx.pact.schemaLabel})`,
    ),
    ...formatIssues(nullIssues(pf), { base: pointer }).map((e) => `${where}: ${e}`),
  ];
}

/** Key that identifies one footprint version in comparisons. */
function versionKey(pf: unknown): string {
  return isObject(pf) ? `${String(pf.id)}@${String(pf.version)}` : canonicalJson(pf);
}

/** `/N/footprints` with query parameters (values percent-encoded; a name may repeat). */
export function listUrl(
  ctx: SuiteContext,
  query: Record<string, string> | readonly (readonly [string, string])[],
): string {
  const pairs = Array.isArray(query) ? query : Object.entries(query);
  const parts = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return ctx.footprintsUrl(parts.length ? `?${parts.join("&")}` : "");
}

/** Compares the items of a walk with an expected list: duplicates, missing and unexpected versions. */
export function compareSets(
  t: CaseScope,
  what: string,
  got: readonly unknown[],
  expected: readonly unknown[],
): void {
  const seen = new Map<string, number>();
  for (const item of got) seen.set(versionKey(item), (seen.get(versionKey(item)) ?? 0) + 1);
  const dup = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  if (dup.length)
    t.problem(`${what}: returned twice: ${dup.slice(0, 5).join(", ")}${dup.length > 5 ? ", …" : ""}`);
  const want = new Set(expected.map(versionKey));
  const missing = [...want].filter((k) => !seen.has(k));
  if (missing.length) {
    t.problem(
      `${what}: ${missing.length} footprint(s) of the unpaginated list never returned: ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}`,
    );
  }
  const extra = [...seen.keys()].filter((k) => !want.has(k));
  if (extra.length) {
    t.problem(
      `${what}: returned footprint(s) absent from the unpaginated list: ${extra.slice(0, 5).join(", ")}`,
    );
  }
}

/** PACT TC3: GetFootprint of a listed id → 200 `{data:{…}}`, same id, valid against the schema. */
export const tc03: CaseDefinition = {
  id: "pact-tc03",
  title: "Get PCF using GetFootprint",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const id = str((await ctx.footprints())[0]?.id) as string;
    const res = await ctx.getAuthed(ctx.footprintsUrl(`/${encodeURIComponent(id)}`));
    expectStatus(t, res, [200]);
    const data = expectDataObject(t, res);
    if (data.id !== id)
      t.problem(`${describeRes(res)}: data.id is ${JSON.stringify(data.id)}, expected "${id}"`);
    t.addProblems(footprintProblems(ctx, data, res.url, "/data"));
  },
};

/** PACT TC4: ListFootprints → 200 or 202, `{data:[…]}` with ≥ 2 footprints, each valid. */
export const tc04: CaseDefinition = {
  id: "pact-tc04",
  title: "Get all PCFs using ListFootprints",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const res = await ctx.getAuthed(ctx.footprintsUrl());
    expectStatus(t, res, [200, 202]);
    if (res.status === 202)
      t.problem(`${describeRes(res)}: 202 must not be returned without a $filter (PACT §ListFootprints)`);
    const items = expectDataArray(t, res);
    if (items.length < 2) {
      t.problem(
        `${describeRes(res)}: ${items.length} footprint(s) listed; the official test tool needs at least 2 visible to the test client`,
      );
    }
    items.forEach((pf, i) => {
      t.addProblems(footprintProblems(ctx, pf, res.url, `/data/${i}`));
    });
  },
};

async function checkNextLinkRepeatable(ctx: SuiteContext, t: CaseScope): Promise<void> {
  const url = listUrl(ctx, { limit: "1" });
  const first = await ctx.getAuthed(url);
  expectStatus(t, first, [200]);
  const firstItems = expectDataArray(t, first);
  if (firstItems.length > 1)
    t.problem(`${describeRes(first)}: ${firstItems.length} items returned for limit=1`);
  const next = findNextLink(first.headers.link, url, { baseUrl: ctx.opts.baseUrl });
  if (!next) {
    t.fail(
      `${describeRes(first)}: no Link header with rel="next" although more footprints exist (Link: ${JSON.stringify(first.headers.link ?? null)})`,
    );
  }
  for (const p of next.problems) t.problem(`${describeRes(first)}: ${p}`);
  if (next.url === "") t.fail(`${describeRes(first)}: the next link cannot be followed`);
  const a = await ctx.getAuthed(next.url);
  const b = await ctx.getAuthed(next.url);
  for (const r of [a, b]) {
    expectStatus(t, r, [200]);
    const data = expectDataArray(t, r);
    if (data.length > 1) t.problem(`${describeRes(r)}: ${data.length} items on a page of a limit=1 request`);
  }
  const dataA = expectDataArray(t, a);
  const dataB = expectDataArray(t, b);
  if (canonicalJson(dataA) !== canonicalJson(dataB)) {
    t.problem(`calling the pagination link ${next.url} twice returned different data`);
  }
}

function createdFilterTarget(all: readonly JsonObject[]): string | undefined {
  const withCreated = all
    .map((pf) => str(pf.created))
    .filter((c): c is string => c !== undefined && !Number.isNaN(Date.parse(c)))
    .sort((x, y) => Date.parse(x) - Date.parse(y));
  // The second-oldest keeps ≥ 2 matches when there are ≥ 3 footprints and excludes the oldest.
  return withCreated[withCreated.length >= 3 ? 1 : 0];
}

/** A filter for the filtered walk of TC5: its query and the test an item must pass. */
interface WalkFilter {
  readonly label: string;
  readonly query: Record<string, string>;
  readonly holds: (pf: unknown) => boolean;
}

function walkFilter(ctx: SuiteContext, all: readonly JsonObject[]): WalkFilter | undefined {
  if (ctx.pact.major === 3) {
    // v3: the status of the first footprint (a filter every v3 host must support).
    const status = str(all[0]?.status);
    if (status === undefined) return undefined;
    return {
      label: `status=${status}`,
      query: { status },
      holds: (pf) => isObject(pf) && pf.status === status,
    };
  }
  const created = createdFilterTarget(all);
  if (created === undefined) return undefined;
  const threshold = Date.parse(created);
  return {
    label: `created ge '${created}'`,
    query: { $filter: `created ge '${created}'` },
    holds: (pf) => isObject(pf) && Date.parse(String(pf.created)) >= threshold,
  };
}

async function checkFilteredWalk(ctx: SuiteContext, t: CaseScope, all: readonly JsonObject[]): Promise<void> {
  const wf = walkFilter(ctx, all);
  if (wf === undefined) {
    t.note("no value to filter on in the first footprint: pagination with a filter not checked");
    return;
  }
  const filter = wf.label;
  const unlimitedUrl = listUrl(ctx, wf.query);
  const unlimited = await walkList(ctx, unlimitedUrl, { okStatuses: [200, 202] });
  const firstRes = unlimited.pages[0]?.response;
  if (!unlimited.complete) {
    const res = await ctx.getAuthed(unlimitedUrl);
    if (res.status === 400 && errorCodeOf(res) === "NotImplemented") {
      t.note(`${describeRes(res)} NotImplemented: pagination with a filter not checked`);
      return;
    }
    t.addProblems(unlimited.problems.map((p) => `filtered list: ${p}`));
    return;
  }
  const honoured = unlimited.items.every(wf.holds);
  const limit = Math.max(1, Math.ceil(unlimited.items.length / 10));
  const pagedUrl = listUrl(ctx, { ...wf.query, limit: String(limit) });
  const paged = await walkList(ctx, pagedUrl, {
    limit,
    linkExpectations: { baseUrl: ctx.opts.baseUrl },
  });
  t.addProblems(paged.problems);
  compareSets(t, `walk of ${pagedUrl}`, paged.items, unlimited.items);
  if (honoured) {
    paged.pages.forEach((page, i) => {
      const bad = page.items.filter((pf) => !wf.holds(pf));
      if (bad.length) {
        t.problem(
          `${describeRes(page.response)} (page ${i + 1}): ${bad.length} item(s) do not satisfy ${filter}: the next link does not keep the filter`,
        );
      }
    });
  } else if (firstRes) {
    t.note(
      `${describeRes(firstRes)}: the host ignores ${filter} (allowed by PACT); filter-keeping not observable`,
    );
  }
}

/** PACT TC5: pagination with `limit`, absolute repeatable next links, complete walk with and without a filter. */
export const tc05: CaseDefinition = {
  id: "pact-tc05",
  title: "Pagination link implementation of Action ListFootprints",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const all = await ctx.allFootprints();
    if (all.length < 2) t.fail(`only ${all.length} footprint(s) listed: pagination needs at least 2`);
    await checkNextLinkRepeatable(ctx, t);
    const limit = Math.max(1, Math.ceil(all.length / 20));
    const url = listUrl(ctx, { limit: String(limit) });
    const walk = await walkList(ctx, url, { limit, linkExpectations: { baseUrl: ctx.opts.baseUrl } });
    t.addProblems(walk.problems);
    if (walk.pages.length < 2 && all.length > limit) {
      t.problem(`walk of ${url}: a single page for ${all.length} footprints with limit=${limit}`);
    }
    compareSets(t, `walk of ${url}`, walk.items, all);
    await checkFilteredWalk(ctx, t, all);
  },
};

function invalidToken(): string {
  return `very-invalid-access-token-${crypto.randomUUID()}`;
}

/**
 * An invalid token → 400 or 401 (what the official tool accepts in both versions), `BadRequest`
 * recommended; a status other than the one the version's spec names is noted.
 */
export function checkInvalidTokenResponse(ctx: SuiteContext, t: CaseScope, res: HttpResponse): void {
  expectStatus(t, res, [400, 401]);
  checkPactError(t, res, ["BadRequest"], "note");
  if (res.status !== ctx.pact.invalidTokenStatus) {
    t.note(
      `${describeRes(res)}: PACT ${ctx.pact.version} names ${ctx.pact.invalidTokenStatus} for an invalid token`,
    );
  }
}

/** PACT TC6: ListFootprints with an invalid token → 400 or 401 (`BadRequest` recommended). */
export const tc06: CaseDefinition = {
  id: "pact-tc06",
  title: "Attempt ListFootprints with invalid token",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    checkInvalidTokenResponse(ctx, t, await ctx.get(ctx.footprintsUrl(), invalidToken()));
  },
};

/** PACT TC7: GetFootprint with an invalid token → 400 or 401 (`BadRequest` recommended). */
export const tc07: CaseDefinition = {
  id: "pact-tc07",
  title: "Attempt GetFootprint with invalid token",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    let id: string;
    try {
      id = str((await ctx.footprints())[0]?.id) as string;
    } catch {
      id = crypto.randomUUID();
      t.note(`no footprint listed: used the random id ${id}`);
    }
    checkInvalidTokenResponse(
      ctx,
      t,
      await ctx.get(ctx.footprintsUrl(`/${encodeURIComponent(id)}`), invalidToken()),
    );
  },
};

/**
 * PACT TC8: GetFootprint of a non-UUID and of the nil UUID → 400 or 404 with the version's
 * not-found code (v2 `NoSuchFootprint`, v3 `NotFound`) or `BadRequest`.
 */
export const tc08: CaseDefinition = {
  id: "pact-tc08",
  title: "Attempt GetFootprint with non-existent PfId",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    for (const id of [`non-existent-id-${Date.now()}`, "00000000-0000-0000-0000-000000000000"]) {
      const res = await ctx.getAuthed(ctx.footprintsUrl(`/${encodeURIComponent(id)}`));
      if (![400, 404].includes(res.status)) {
        t.problem(`${describeRes(res)}, expected 404 (the test tool accepts 400 or 404)`);
        continue;
      }
      const code = ctx.pact.notFoundCode;
      checkPactError(t, res, [code, "BadRequest"]);
      if (res.status !== 404 || errorCodeOf(res) !== code) {
        t.note(
          `${describeRes(res)} ${errorCodeOf(res) ?? ""}: 404 ${code} is the PACT ${ctx.pact.version} answer for an unknown id`,
        );
      }
    }
  },
};

/** PACT TC20: `$filter=created ge '…'` (as emitted and as `+00:00`, `+` percent-encoded) and an unsupported filter. */
export const tc20: CaseDefinition = {
  id: "pact-tc20",
  title: "Get filtered list of footprints",
  mandatory: false,
  async run(ctx: SuiteContext, t: CaseScope) {
    const first = (await ctx.footprints())[0] as JsonObject;
    const created = str(first.created);
    if (created === undefined || Number.isNaN(Date.parse(created))) {
      t.fail(`footprint ${String(first.id)} has no parsable "created": ${JSON.stringify(first.created)}`);
    }
    const threshold = Date.parse(created);
    const runFilter = async (value: string): Promise<readonly unknown[] | undefined> => {
      const url = listUrl(ctx, { $filter: `created ge '${value}'` });
      const walk = await walkList(ctx, url);
      if (!walk.complete) {
        t.addProblems(walk.problems);
        return undefined;
      }
      const bad = walk.items.filter((pf) => !isObject(pf) || !(Date.parse(String(pf.created)) >= threshold));
      if (bad.length) {
        t.problem(
          `${url}: ${bad.length} footprint(s) with created before ${value}: ${bad
            .slice(0, 3)
            .map((pf) => (isObject(pf) ? `${String(pf.id)} (${String(pf.created)})` : "?"))
            .join(", ")}`,
        );
      }
      const asString = walk.items.filter((pf) => isObject(pf) && !(String(pf.created) >= value));
      if (asString.length && value === created) {
        t.note(
          `${url}: the official tool compares created as strings; ${asString.length} item(s) compare lower as strings`,
        );
      }
      if (!walk.items.some((pf) => isObject(pf) && pf.id === first.id)) {
        t.problem(`${url}: footprint ${String(first.id)} (created ${created}) is missing from the result`);
      }
      return walk.items;
    };
    const asEmitted = await runFilter(created);
    const offsetForm = new Date(threshold).toISOString().replace("Z", "+00:00");
    const withOffset = await runFilter(offsetForm);
    if (
      asEmitted &&
      withOffset &&
      canonicalJson(asEmitted.map(versionKey).sort()) !== canonicalJson(withOffset.map(versionKey).sort())
    ) {
      t.problem(
        `created ge '${created}' and created ge '${offsetForm}' name the same instant but returned different footprints`,
      );
    }
    // A filter outside the usual subset: 200 (processed or ignored) or 400 NotImplemented.
    const name = str(first.productNameCompany) ?? "x";
    const unsupported = `productNameCompany eq '${name.replaceAll("'", "''")}' or productNameCompany ne 'y'`;
    const res = await ctx.getAuthed(listUrl(ctx, { $filter: unsupported }));
    if (res.status === 200 || res.status === 202) {
      expectDataArray(t, res);
    } else if (res.status === 400) {
      checkPactError(t, res, ["NotImplemented"]);
    } else {
      t.problem(
        `${describeRes(res)}, expected 200 or 400 NotImplemented for a filter the host does not support`,
      );
    }
  },
};
