/**
 * Walking a paginated list (`{"data":[…]}` + `Link: <…>; rel="next"`) to its end.
 * @module
 */
import type { SuiteContext } from "./context.ts";
import { describeRes, statusList, tryJson } from "./expect.ts";
import type { HttpResponse } from "./http-client.ts";
import { excerpt, isObject } from "./json.ts";
import { findNextLink, type NextLink, type NextLinkExpectations } from "./link.ts";

/** Options of {@link walkList}. */
export interface WalkOptions {
  /** The `limit` the first request carried: no page may hold more items. Default: no check. */
  readonly limit?: number;
  /** Statuses accepted for a page. Default: `[200]`. */
  readonly okStatuses?: readonly number[];
  /** Checks applied to each next link. Default: absolute, quoted rel, no prefix/host check. */
  readonly linkExpectations?: NextLinkExpectations;
  /** Stop after this many pages (a problem is reported). Default: `1000`. */
  readonly maxPages?: number;
  /** Bearer token for every page. Default: the run's access token, renewed when it nears expiry. */
  readonly token?: string;
}

/** One page of a walk. */
export interface WalkPage {
  readonly response: HttpResponse;
  readonly items: readonly unknown[];
  readonly next?: NextLink;
}

/** A walk: the pages, all items in order, and the problems found (empty when conformant). */
export interface WalkResult {
  readonly pages: readonly WalkPage[];
  readonly items: readonly unknown[];
  readonly problems: readonly string[];
  /** Whether the walk reached a page without a next link. */
  readonly complete: boolean;
}

/**
 * Requests `firstUrl` and follows `rel="next"` links until there is none.
 * Relative links are resolved (and reported) so that the walk can go on.
 */
export async function walkList(
  ctx: SuiteContext,
  firstUrl: string,
  options: WalkOptions = {},
): Promise<WalkResult> {
  const okStatuses = options.okStatuses ?? [200];
  const maxPages = options.maxPages ?? 1000;
  const pages: WalkPage[] = [];
  const items: unknown[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  let url = firstUrl;
  for (;;) {
    if (pages.length >= maxPages) {
      problems.push(`stopped after ${maxPages} pages without reaching the end (last link: ${url})`);
      return { pages, items, problems, complete: false };
    }
    seen.add(url);
    const res = options.token !== undefined ? await ctx.get(url, options.token) : await ctx.getAuthed(url);
    if (!okStatuses.includes(res.status)) {
      problems.push(`${describeRes(res)}, expected ${statusList(okStatuses)}; body: ${excerpt(res.body)}`);
      return { pages, items, problems, complete: false };
    }
    const body = tryJson(res);
    if (!isObject(body) || !Array.isArray(body.data)) {
      problems.push(
        `${describeRes(res)}: expected Content-Type application/json and a {"data": [...]} body, got ${JSON.stringify(res.headers["content-type"] ?? "")}: ${excerpt(res.body)}`,
      );
      return { pages, items, problems, complete: false };
    }
    const pageItems = body.data;
    if (options.limit !== undefined && pageItems.length > options.limit) {
      problems.push(
        `${describeRes(res)}: ${pageItems.length} items on a page requested with limit=${options.limit}`,
      );
    }
    const next = findNextLink(res.headers.link, url, options.linkExpectations);
    pages.push({ response: res, items: pageItems, ...(next ? { next } : {}) });
    items.push(...pageItems);
    if (!next) return { pages, items, problems, complete: true };
    for (const p of next.problems) problems.push(`${describeRes(res)}: ${p}`);
    if (next.url === "") return { pages, items, problems, complete: false };
    if (seen.has(next.url)) {
      problems.push(
        `${describeRes(res)}: next link ${next.url} points to a page already visited (pagination loop)`,
      );
      return { pages, items, problems, complete: false };
    }
    url = next.url;
  }
}
