/**
 * Lists that follow `Link: <…>; rel="next"` headers (RFC 8288) to the end, one page at a time.
 * @module
 */
import { hasRel, parseLinkHeader } from "../conformance/link.ts";
import { IleapResponseError } from "./errors.ts";

/** One page of a list. */
export interface Page<T> {
  /** The items of this page, in the host's order. */
  readonly data: readonly T[];
  /** URL this page was fetched from. */
  readonly url: string;
  /** URL of the next page (from the `Link` header), when there is one. */
  readonly nextUrl?: string;
  /** Fetches the next page (once: later calls return the same promise); `undefined` on the last page. */
  next(): Promise<Page<T> | undefined>;
}

/** What a page request returns to the listing: the items and the raw `Link` header. */
export interface RawPage<T> {
  readonly data: readonly T[];
  readonly link: string | null;
}

/** Fetches one page by URL (authorized GET, status and body checked). */
export type PageFetcher<T> = (url: string) => Promise<RawPage<T>>;

/**
 * The `rel="next"` target of a `Link` header, resolved against `requestUrl` (relative targets are
 * tolerated). `undefined` when there is none or the header cannot be parsed.
 */
export function nextLinkTarget(header: string | null, requestUrl: string): string | undefined {
  if (header === null || header.trim() === "") return undefined;
  const parsed = parseLinkHeader(header);
  if (!parsed.ok) return undefined;
  const link = parsed.links.find((l) => hasRel(l, "next"));
  if (link === undefined || !URL.canParse(link.target, requestUrl)) return undefined;
  return new URL(link.target, requestUrl).href;
}

/**
 * A list request: iterate it with `for await` to get every item of every page, or take one page
 * with {@link Listing.page}. Nothing is fetched until then; each iteration starts again from the
 * first page. The bearer token is only sent to the origin of the client's base URL: a `Link` to
 * another origin, or one that repeats a URL of the same walk, fails with {@link IleapResponseError}.
 */
export class Listing<T> implements AsyncIterable<T> {
  readonly #firstUrl: string;
  readonly #origin: string;
  readonly #fetchPage: PageFetcher<T>;

  /**
   * @param firstUrl URL of the first page.
   * @param origin origin (`scheme://host:port`) that `Link` targets must have.
   * @param fetchPage fetches one page.
   */
  constructor(firstUrl: string, origin: string, fetchPage: PageFetcher<T>) {
    this.#firstUrl = firstUrl;
    this.#origin = origin;
    this.#fetchPage = fetchPage;
  }

  /** URL of the first page (with the filters and `limit`). */
  get url(): string {
    return this.#firstUrl;
  }

  /** The first page only. */
  page(): Promise<Page<T>> {
    return this.#load(this.#firstUrl, new Set());
  }

  /** Every page, first to last. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> | undefined = await this.page();
    while (page !== undefined) {
      yield page;
      page = await page.next();
    }
  }

  /** Every item of every page. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every item of every page, collected into an array. */
  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }

  async #load(url: string, visited: Set<string>): Promise<Page<T>> {
    visited.add(url);
    const raw = await this.#fetchPage(url);
    const nextUrl = nextLinkTarget(raw.link, url);
    if (nextUrl !== undefined) {
      if (new URL(nextUrl).origin !== this.#origin) {
        throw new IleapResponseError(
          `GET ${url}: the next-page Link points to another origin (${new URL(nextUrl).origin}); not following it with the access token`,
          { method: "GET", url, status: 200 },
        );
      }
      if (visited.has(nextUrl)) {
        throw new IleapResponseError(`GET ${url}: the next-page Link repeats an earlier page (${nextUrl})`, {
          method: "GET",
          url,
          status: 200,
        });
      }
    }
    // `next()` is memoised (a failed attempt is forgotten, so it can be retried): the walk's
    // `visited` set then sees each page once however often `next()` is called.
    let pending: Promise<Page<T>> | undefined;
    const next = (): Promise<Page<T> | undefined> => {
      if (nextUrl === undefined) return Promise.resolve(undefined);
      pending ??= this.#load(nextUrl, visited).catch((err: unknown) => {
        pending = undefined;
        visited.delete(nextUrl);
        throw err;
      });
      return pending;
    };
    return { data: raw.data, url, ...(nextUrl !== undefined ? { nextUrl } : {}), next };
  }
}
