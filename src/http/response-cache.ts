/**
 * Cache of successful GET responses (footprint lists, single footprints, TAD lists), so that a
 * client polling unchanged data costs neither a query nor the assembly of the body.
 *
 * Exactness comes from the store: {@link Store.dataVersion} changes with every committed write
 * (from any process or instance), and an entry is only served while the version it was filled under is still
 * current. The version is read *before* the handler queries the store, so an entry can hold newer
 * data than its version says but never older data. Entries are per principal (every field of it:
 * visibility rules are the store's business) and per public base URL (the `Link` header is
 * absolute), then per path and query as sent. Only 200 answers that a handler marked with
 * {@link markCacheable} are stored.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { LRUCache } from "lru-cache";
import type { Principal } from "../auth/principal.ts";
import type { Store } from "../store/store.ts";
import type { AppEnv } from "./env.ts";
import { jsonTextResponse } from "./responses.ts";

/** A cached answer: the JSON body and the headers that belong to it (e.g. `Link`). */
export interface CachedResponse {
  readonly version: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly bytes: number;
}

/** Options of {@link ResponseCache}. */
export interface ResponseCacheOptions {
  /** Total size of the cached bodies and keys, bytes. 0 disables the cache. Default 32 MiB. */
  readonly maxBytes?: number;
  /** Largest single body cached, bytes. Default 1 MiB. */
  readonly maxEntryBytes?: number;
}

/** Byte-bounded LRU (`lru-cache`) of responses, each tagged with the store's data version it was filled under. */
export class ResponseCache {
  /** Undefined when disabled (`maxBytes` 0). */
  readonly #entries: LRUCache<string, CachedResponse> | undefined;
  #hits = 0;
  #misses = 0;

  constructor(options: ResponseCacheOptions = {}) {
    const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.#entries =
      maxBytes > 0
        ? new LRUCache<string, CachedResponse>({
            maxSize: maxBytes,
            maxEntrySize: Math.min(options.maxEntryBytes ?? 1024 * 1024, maxBytes),
            sizeCalculation: (entry) => entry.bytes,
          })
        : undefined;
  }

  /** Whether anything can be cached at all. */
  get enabled(): boolean {
    return this.#entries !== undefined;
  }

  /** Hits, misses and current size (for `/ready` details and benchmarks). */
  get stats(): { hits: number; misses: number; entries: number; bytes: number } {
    return {
      hits: this.#hits,
      misses: this.#misses,
      entries: this.#entries?.size ?? 0,
      bytes: this.#entries?.calculatedSize ?? 0,
    };
  }

  /** The entry for `key` if it was filled under `version`; a stale entry is dropped. */
  get(key: string, version: string): CachedResponse | undefined {
    const entry = this.peek(key, version);
    if (entry === undefined) {
      this.#misses++;
      this.#entries?.delete(key);
    }
    return entry;
  }

  /**
   * The entry for `key` if it was filled under `version`, else `undefined` without counting a miss
   * or dropping a stale entry: for the raw fast path, whose misses go on to {@link get}.
   */
  peek(key: string, version: string): CachedResponse | undefined {
    const entry = this.#entries?.get(key);
    if (entry === undefined || entry.version !== version) return undefined;
    this.#hits++;
    return entry;
  }

  /** Stores an answer filled under `version` (ignored when larger than `maxEntryBytes`). */
  set(
    key: string,
    version: string,
    body: string,
    headers: Readonly<Record<string, string>> | undefined,
  ): void {
    // UTF-16 code units × 2 overestimates nothing by much and needs no encoding pass.
    const bytes = (key.length + body.length) * 2 + 200;
    this.#entries?.set(key, { version, body, headers, bytes });
  }

  /** Drops everything. */
  clear(): void {
    this.#entries?.clear();
  }
}

/** Per principal object (verification caches hand out the same object per token): its cache-key part. */
const principalKeys = new WeakMap<Principal, string>();

function principalKey(p: Principal): string {
  let key = principalKeys.get(p);
  if (key === undefined) {
    key = JSON.stringify([
      p.subject,
      p.clientId,
      p.organizationId ?? null,
      [...p.roles].sort(),
      [...p.grants].sort(),
    ]);
    principalKeys.set(p, key);
  }
  return key;
}

/**
 * The cache key of a request: its principal (every field), its public base URL and its target
 * (path and query as sent) taken from the absolute `url`. The one key function of
 * {@link cacheResponses} and the raw fast path.
 */
export function responseCacheKey(principal: Principal, baseUrl: string, url: string): string {
  return `${principalKey(principal)}\n${baseUrl}\n${url.slice(url.indexOf("/", url.indexOf("//") + 2))}`;
}

/** What a handler answered, for {@link cacheResponses}; set by {@link markCacheable}. */
interface Cacheable {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>> | undefined;
}

const CACHEABLE = new WeakMap<Context<AppEnv>, Cacheable>();

/**
 * A 200 JSON answer that {@link cacheResponses} may store (use for GET answers that depend only
 * on the principal, the URL and the stored data).
 */
export function markCacheable(
  c: Context<AppEnv>,
  body: string,
  headers?: Readonly<Record<string, string>>,
): Response {
  CACHEABLE.set(c, { body, headers });
  return jsonTextResponse(c, body, headers);
}

/**
 * Serves GET answers from `cache` while the store's data version is unchanged; place it after
 * authentication. Does nothing when the store has no `dataVersion` or the cache is disabled.
 */
export function cacheResponses(store: Store, cache: ResponseCache | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (cache === undefined || !cache.enabled || store.dataVersion === undefined) return next();
    let version: unknown;
    try {
      version = store.dataVersion();
      if (typeof version !== "string") version = await version; // stores that ask their database
    } catch {
      return next(); // the store will report its own failure to the handler
    }
    if (typeof version !== "string") return next();
    const key = responseCacheKey(c.get("principal"), c.get("baseUrl"), c.req.url);
    const hit = cache.get(key, version);
    if (hit !== undefined) return jsonTextResponse(c, hit.body, hit.headers as Record<string, string>);
    await next();
    const answer = CACHEABLE.get(c);
    if (answer !== undefined && c.res.status === 200) cache.set(key, version, answer.body, answer.headers);
  };
}
