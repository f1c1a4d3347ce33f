import type { Context } from "hono";
import { type PactError, pactError } from "../protocol/errors.ts";
import { parseLimit } from "../protocol/limit.ts";
import type { Page } from "../store/store.ts";
import type { AppEnv, HttpOptions } from "./env.ts";
import type { PageTokens } from "./page-token.ts";
import { markCacheable } from "./response-cache.ts";
import { dataListBody } from "./responses.ts";

/** Query parameter that carries our page state in `Link` URLs. */
export const PAGE_TOKEN_PARAM = "pageToken";

/** A list request's query, split into the page size, the decoded position and the filter pairs. */
export interface ListingQuery {
  /** Every query pair as received (decoded), in order. */
  readonly pairs: readonly [string, string][];
  /** Pairs other than `limit` and the page token: the filter part, kept in every `Link`. */
  readonly filterPairs: readonly [string, string][];
  /** Page size to use (client's `limit` clamped, or the default). */
  readonly pageSize: number;
  /** Whether the client gave `limit` (then it is repeated in `Link`). */
  readonly clientLimit?: string;
  /** Decoded store position, when a page token was given. */
  readonly after?: string;
  /** Identifies the listing (route + filter pairs) that page tokens are bound to. */
  readonly scope: string;
}

/**
 * Parses `limit` and the page token of a list request. The raw query is decoded with
 * `URLSearchParams` (`+` becomes a space, as in forms; the `$filter` parser copes with that).
 */
export function parseListingQuery(
  c: Context<AppEnv>,
  route: string,
  options: HttpOptions,
  tokens: PageTokens,
): { ok: true; value: ListingQuery } | { ok: false; error: PactError } {
  const url = c.req.url;
  const q = url.indexOf("?");
  const pairs = [...new URLSearchParams(q === -1 ? "" : url.slice(q + 1))];
  const limits = pairs.filter(([k]) => k === "limit");
  const tokenPairs = pairs.filter(([k]) => k === PAGE_TOKEN_PARAM);
  if (limits.length > 1)
    return { ok: false, error: pactError("BadRequest", "limit is given more than once") };
  if (tokenPairs.length > 1)
    return { ok: false, error: pactError("BadRequest", `${PAGE_TOKEN_PARAM} is given more than once`) };
  const limit = parseLimit(limits[0]?.[1], options.limits.maxPageSize);
  if (!limit.ok) return limit;
  const filterPairs = pairs.filter(([k]) => k !== "limit" && k !== PAGE_TOKEN_PARAM);
  const scope = `${route}?${new URLSearchParams([...filterPairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toString()}`;
  let after: string | undefined;
  const token = tokenPairs[0]?.[1];
  if (token !== undefined) {
    after = tokens.decode(scope, token);
    if (after === undefined) {
      return {
        ok: false,
        error: pactError(
          "BadRequest",
          `${PAGE_TOKEN_PARAM} is not valid for this listing; follow the Link header URL unchanged`,
        ),
      };
    }
  }
  return {
    ok: true,
    value: {
      pairs,
      filterPairs,
      pageSize: limit.value ?? options.limits.defaultPageSize,
      ...(limits[0] ? { clientLimit: limits[0][1] } : {}),
      ...(after !== undefined ? { after } : {}),
      scope,
    },
  };
}

/**
 * The `{"data":[…]}` response of a list page, with `Link: <next>; rel="next"` when more exist.
 * @param path route path after the prefix, e.g. `/2/footprints`.
 */
export function pageResponse(
  c: Context<AppEnv>,
  path: string,
  query: ListingQuery,
  tokens: PageTokens,
  page: Page,
): Response {
  const headers: Record<string, string> = {};
  if (page.next !== undefined) {
    headers.link = nextLinkHeader(c.get("baseUrl"), path, query, tokens.encode(query.scope, page.next));
  }
  return markCacheable(c, dataListBody(page.items), headers);
}

/** `Link: <absolute next URL>; rel="next"` keeping every filter pair and the client's `limit`. */
export function nextLinkHeader(baseUrl: string, path: string, query: ListingQuery, token: string): string {
  const params = new URLSearchParams(query.filterPairs as [string, string][]);
  if (query.clientLimit !== undefined) params.set("limit", query.clientLimit);
  params.set(PAGE_TOKEN_PARAM, token);
  return `<${baseUrl}${path}?${params.toString()}>; rel="next"`;
}
