/**
 * iLEAP Transport Activity Data cases (`GET /2/ileap/tad`): iLEAP TC004 to TC008.
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
  expectStatus,
  statusList,
} from "./expect.ts";
import { formatIssues } from "./issues.ts";
import { excerpt, isObject } from "./json.ts";
import { findNextLink } from "./link.ts";

/** The transport modes iterated by iLEAP TC005. */
export const TRANSPORT_MODES = ["Road", "Rail", "Air", "Sea", "InlandWaterway"] as const;

/** Schema and no-null problems of one TAD, prefixed with where it was found. */
export function tadProblems(ctx: SuiteContext, tad: unknown, where: string, pointer: string): string[] {
  const schema = ctx.schemas.validate("tad", tad);
  return [
    ...formatIssues(schema, { base: pointer, max: 3, noun: "schema errors" }).map(
      (e) => `${where}: ${e} (iLEAP TAD schema)`,
    ),
    ...formatIssues(nullIssues(tad), { base: pointer }).map((e) => `${where}: ${e}`),
  ];
}

function tadUrl(ctx: SuiteContext, query = ""): string {
  return ctx.api(`/2/ileap/tad${query}`);
}

/** iLEAP TC004: all TAD → 200 `{data:[…]}`, each valid against `tad.json`. */
export const tc004: CaseDefinition = {
  id: "ileap-tc004",
  title: "Get all TransportActivityData",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const res = await ctx.getAuthed(tadUrl(ctx));
    expectStatus(t, res, [200]);
    const items = expectDataArray(t, res);
    if (items.length === 0) t.note(`${describeRes(res)}: empty list (ileap-tc005 needs at least one TAD)`);
    items.forEach((item, i) => {
      t.addProblems(tadProblems(ctx, item, res.url, `/data/${i}`));
    });
  },
};

/** iLEAP TC005: `?mode=X` for every mode → at least one non-empty answer, every item of that mode. */
export const tc005: CaseDefinition = {
  id: "ileap-tc005",
  title: "Get filtered list of TransportActivityData",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    let found = 0;
    for (const mode of TRANSPORT_MODES) {
      const res = await ctx.getAuthed(tadUrl(ctx, `?mode=${mode}`));
      if (res.status === 400 && errorCodeOf(res) === "NotImplemented") {
        t.note(`${describeRes(res)} NotImplemented`);
        continue;
      }
      if (res.status !== 200) {
        t.problem(`${describeRes(res)}, expected 200; body: ${excerpt(res.body)}`);
        continue;
      }
      const items = expectDataArray(t, res);
      found += items.length > 0 ? 1 : 0;
      const wrong = items.filter((item) => !isObject(item) || item.mode !== mode);
      if (wrong.length) {
        t.problem(
          `${describeRes(res)}: ${wrong.length} of ${items.length} item(s) do not have mode "${mode}" (e.g. ${JSON.stringify(isObject(wrong[0]) ? wrong[0].mode : wrong[0])})`,
        );
      }
      items.forEach((item, i) => {
        t.addProblems(tadProblems(ctx, item, res.url, `/data/${i}`));
      });
    }
    if (found === 0)
      t.problem(`none of ?mode=${TRANSPORT_MODES.join("|")} returned any TransportActivityData`);
  },
};

/** iLEAP TC006: `limit=1` → ≤ 1 item; next link → 200 with ≥ 1 item, or no link and the same count as unlimited. */
export const tc006: CaseDefinition = {
  id: "ileap-tc006",
  title: "Get limited list of TransportActivityData",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const url = tadUrl(ctx, "?limit=1");
    const res = await ctx.getAuthed(url);
    expectStatus(t, res, [200]);
    const items = expectDataArray(t, res);
    if (items.length > 1) t.problem(`${describeRes(res)}: ${items.length} items returned for limit=1`);
    items.forEach((item, i) => {
      t.addProblems(tadProblems(ctx, item, res.url, `/data/${i}`));
    });
    const next = findNextLink(res.headers.link, url, { host: new URL(url).host });
    if (next) {
      for (const p of next.problems) t.problem(`${describeRes(res)}: ${p}`);
      if (next.url === "") t.fail(`${describeRes(res)}: the next link cannot be followed`);
      const page = await ctx.getAuthed(next.url);
      if (page.status !== 200)
        t.fail(`${describeRes(page)} (pagination link), expected 200; body: ${excerpt(page.body)}`);
      const more = expectDataArray(t, page);
      if (more.length < 1)
        t.problem(`${describeRes(page)}: the pagination link returned no TransportActivityData`);
      if (more.length > 1)
        t.problem(`${describeRes(page)}: ${more.length} items on a page of a limit=1 request`);
      more.forEach((item, i) => {
        t.addProblems(tadProblems(ctx, item, page.url, `/data/${i}`));
      });
      return;
    }
    const all = await ctx.getAuthed(tadUrl(ctx));
    if (all.status !== 200) t.fail(`${describeRes(all)}, expected 200`);
    const allItems = expectDataArray(t, all);
    if (allItems.length !== items.length) {
      t.problem(
        `${describeRes(res)} returned ${items.length} item(s) and no Link rel="next", but ${describeRes(all)} returned ${allItems.length}`,
      );
    }
  },
};

/** iLEAP TC007: invalid token → 403 `AccessDenied`. */
export const tc007: CaseDefinition = {
  id: "ileap-tc007",
  title: "Attempt TransportActivityData with invalid token",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const res = await ctx.get(tadUrl(ctx), `very-invalid-access-token-${crypto.randomUUID()}`);
    if (res.status !== 403)
      t.fail(`${describeRes(res)}, expected 403 AccessDenied; body: ${excerpt(res.body)}`);
    checkPactError(t, res, ["AccessDenied"]);
  },
};

/** iLEAP TC008: expired token → 401 `TokenExpired` (`ExpiredToken`, the test's prose, is noted). */
export const tc008: CaseDefinition = {
  id: "ileap-tc008",
  title: "Attempt TransportActivityData with expired token",
  mandatory: true,
  needsExpiredToken: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const expired = await ctx.expiredToken(t);
    const res = await ctx.get(tadUrl(ctx), expired);
    if (res.status !== 401) {
      t.fail(
        `${describeRes(res)} with an expired token, expected ${statusList([401])} TokenExpired; body: ${excerpt(res.body)}`,
      );
    }
    checkPactError(t, res, ["TokenExpired", "ExpiredToken"]);
    if (errorCodeOf(res) === "ExpiredToken") {
      t.note(
        `${describeRes(res)}: code "ExpiredToken" follows the test prose; the iLEAP response table and PACT say "TokenExpired"`,
      );
    }
  },
};
