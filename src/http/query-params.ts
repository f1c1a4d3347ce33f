/**
 * Query parameters a route does not define are refused, never ignored: an ignored `$top`,
 * `$orderby` or misspelt `$FILTER` would answer data the client did not ask for (README: a clause
 * is never silently dropped). Every route states which names it defines; anything else is a 400
 * `BadRequest` that names the parameter and lists the accepted ones.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { type PactError, pactError } from "../protocol/errors.ts";
import type { AppEnv } from "./env.ts";
import { pactErrorResponse } from "./responses.ts";

/** Which query parameters a route defines. */
export interface QueryParamRules {
  /** Route as shown in messages, e.g. `GET /2/footprints`. */
  readonly route: string;
  /** Names the route defines (case-sensitive). */
  readonly names: readonly string[];
  /**
   * Further names the route accepts beyond {@link names} (e.g. TAD field names, checked later by
   * their own parser). Default: none.
   */
  readonly accepts?: (name: string) => boolean;
  /** How the accepted names are described in messages. Default: the list of {@link names}. */
  readonly describe?: string;
}

/** Longest part of a parameter name echoed in a message. */
const MAX_SHOWN = 64;

function shown(name: string): string {
  return JSON.stringify(name.length <= MAX_SHOWN ? name : `${name.slice(0, MAX_SHOWN)}…`);
}

/** The decoded query pairs of a URL, in order (`+` as a space, as in forms). */
export function queryPairs(url: string): [string, string][] {
  const q = url.indexOf("?");
  if (q === -1) return [];
  const hash = url.indexOf("#", q);
  return [...new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash))];
}

/**
 * The error for the first pair whose name the route does not define, or undefined when every
 * name is defined. A name that differs from a defined one only in case gets a hint.
 */
export function unexpectedQueryParam(
  pairs: Iterable<readonly [string, string]>,
  rules: QueryParamRules,
): PactError | undefined {
  const names = new Set(rules.names);
  for (const [name] of pairs) {
    if (names.has(name) || rules.accepts?.(name)) continue;
    const accepted =
      rules.describe ?? (rules.names.length > 0 ? rules.names.join(", ") : "no query parameters");
    const near = rules.names.find((n) => n.toLowerCase() === name.toLowerCase());
    const hint =
      near === undefined ? "" : ` (names are case-sensitive: did you mean ${JSON.stringify(near)}?)`;
    return pactError(
      "BadRequest",
      `query parameter ${shown(name)} is not supported by ${rules.route}${hint}; accepted: ${accepted}`,
    );
  }
  return undefined;
}

/** Middleware: answers 400 `BadRequest` for a query parameter the route does not define. */
export function onlyQueryParams(rules: QueryParamRules): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const error = unexpectedQueryParam(queryPairs(c.req.url), rules);
    if (error) return pactErrorResponse(c, error);
    await next();
  };
}
