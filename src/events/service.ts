/**
 * PACT events: answering request events, notifying subscribed peers of footprint changes, and the
 * delivery worker that drains the {@link Outbox}.
 *
 * - {@link EventsService.handleInbound} is called by `POST /2/events` after the event is recorded
 *   and before the 200: a request event gets a `response` delivery (idempotent per source + id; a
 *   source that is no configured peer is recorded as `dead` and never called); a `Published`
 *   event is recorded.
 * - {@link EventsService.footprintsChanged} is the hook for ingestion: call it after footprints
 *   were created or updated, with their ids; every peer with `subscribe: true` gets one
 *   `Published` event.
 * - The worker ({@link EventsService.start}) claims due deliveries, builds a response's event on
 *   its first attempt (stored, so retries send the same event id), authenticates against the
 *   peer with the client SDK (`IleapClient`: discovery, else `/auth/token`, token cached per peer)
 *   and POSTs the event. Failures are retried with exponential backoff and jitter (at least the
 *   peer's `Retry-After`) until `maxAgeMs` after enqueueing, then dead-lettered.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { lruByCount } from "../auth/lru.ts";
import type { Principal } from "../auth/principal.ts";
import { IleapClient } from "../client/client.ts";
import { IleapError, IleapHttpError } from "../client/errors.ts";
import { completeEvent } from "../client/events.ts";
import type { FetchFunction } from "../client/http.ts";
import { clip } from "../log-fields.ts";
import { PACT_EVENT_TYPES, type PactEvent } from "../protocol/cloudevents.ts";
import { PACT_V3_EVENT_TYPES, type PactV3Event } from "../protocol/cloudevents-v3.ts";
import type { Store } from "../store/store.ts";
import { type EventsSettings, type PeerConfig, peerForSource } from "./config.ts";
import { resolveRequest, storedPrincipal } from "./fulfil.ts";
import type { ClaimedDelivery, DeliveryCounts, Outbox, PurgeResult } from "./outbox.ts";
import {
  checkOutboundUrl,
  guardedFetch,
  isOutboundRefusal,
  OutboundRefusedError,
  originPinnedFetch,
  type Resolver,
} from "./ssrf.ts";

/** Options of {@link EventsService}. */
export interface EventsServiceOptions {
  readonly outbox: Outbox;
  readonly store: Store;
  readonly peers: readonly PeerConfig[];
  readonly settings: EventsSettings;
  /** `source` of the events we send (our public base URL), or a function giving it once known. */
  readonly source: string | (() => string);
  readonly logger: Logger;
  /** Underlying `fetch` (wrapped by the SSRF guard). Default: global `fetch`. */
  readonly fetch?: FetchFunction;
  /** Clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Random number in [0, 1) for jitter. Default `Math.random`. */
  readonly random?: () => number;
  /**
   * The principal of one of our clients, for a peer's `visibleAs`. Default: none (a peer with
   * `visibleAs` then gets no `Published` events: fail closed).
   */
  readonly principalFor?: (clientId: string) => Principal | undefined;
}

/** Peer clients kept (each caches its access token). */
const MAX_CACHED_CLIENTS = 256;

/** How often the worker deletes old history (see {@link EventsSettings.retentionMs}). */
const PURGE_INTERVAL_MS = 3_600_000;

/** HTTP statuses after which resending the same event cannot succeed: dead-lettered at once. */
const PERMANENT_STATUSES = new Set([400, 404, 405, 410, 413, 415, 422]);

/**
 * Delay before retry number `attempt` (1 = first retry): `base · 2^(attempt−1)` capped at `max`,
 * with "equal jitter" (between half and all of it), and at least `retryAfterMs`.
 */
export function backoffDelay(
  attempt: number,
  settings: Pick<EventsSettings, "backoffBaseMs" | "backoffMaxMs">,
  random: () => number = Math.random,
  retryAfterMs = 0,
): number {
  const exp = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exp / 2 + (exp / 2) * random());
  return Math.max(jittered, retryAfterMs);
}

function describeError(e: unknown): string {
  if (e instanceof IleapHttpError) return `${e.name}: HTTP ${e.status} from ${e.method} ${e.url}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 500);
  return String(e).slice(0, 500);
}

/** The events component of a host (see the module documentation). */
export class EventsService {
  readonly #o: EventsServiceOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  /** One client per target (token cache); bounded: pattern peers can name many targets. */
  readonly #clients = lruByCount<string, IleapClient>(MAX_CACHED_CLIENTS);
  /** One guarded fetch (and so one connection pool) for every peer. */
  readonly #fetch: FetchFunction;
  #timer: NodeJS.Timeout | undefined;
  #purgeTimer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = true;
  #again = false;

  constructor(options: EventsServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#fetch = guardedFetch(options.settings.allowPrivateNetworks, options.fetch);
  }

  #source(): string {
    const s = this.#o.source;
    return typeof s === "string" ? s : s();
  }

  /** The delivery settings in force. */
  get settings(): EventsSettings {
    return this.#o.settings;
  }

  /** The outbox (for the CLI and `/ready`). */
  get outbox(): Outbox {
    return this.#o.outbox;
  }

  /**
   * Handles an accepted inbound event (already recorded by the store). Resolves once the
   * resulting delivery or record is durable.
   */
  async handleInbound(event: PactEvent | PactV3Event, principal: Principal): Promise<void> {
    const now = this.#now();
    if (event.type === PACT_EVENT_TYPES.published || event.type === PACT_V3_EVENT_TYPES.published) {
      await this.#o.outbox.recordInboundPublished({
        eventId: event.id,
        source: event.source,
        pfIds: event.data.pfIds,
        receivedFrom: principal.clientId,
        receivedAt: now,
      });
      this.#o.logger.info(
        { eventId: clip(event.id), source: clip(event.source), pfIds: event.data.pfIds.length },
        "published event recorded",
      );
      return;
    }
    if (event.type !== PACT_EVENT_TYPES.requestCreated && event.type !== PACT_V3_EVENT_TYPES.requestCreated)
      return;
    const v3 = event.type === PACT_V3_EVENT_TYPES.requestCreated;
    const peer = peerForSource(this.#o.peers, event.source);
    const refused =
      peer === undefined
        ? "source is not a configured peer: not answered"
        : peer.inboundClientIds.length > 0 && !peer.inboundClientIds.includes(principal.clientId)
          ? `client ${clip(principal.clientId)} may not name this source: not answered`
          : undefined;
    const created = await this.#o.outbox.enqueue(
      {
        id: randomUUID(),
        kind: "response",
        target: event.source.replace(/\/+$/, ""),
        dedupeKey: `response:${event.source}:${event.id}`,
        request: {
          ...(v3 ? { pact: "3" as const } : {}),
          event: { id: event.id, source: event.source, data: event.data },
          principal: storedPrincipal(principal),
        },
        ...(refused === undefined ? {} : { refusedReason: refused }),
      },
      now,
    );
    if (refused !== undefined) {
      this.#o.logger.warn(
        { eventId: clip(event.id), source: clip(event.source), clientId: clip(principal.clientId) },
        `request event refused: ${refused}`,
      );
    } else if (created) {
      this.#o.logger.info(
        { eventId: clip(event.id), source: clip(event.source) },
        "request event queued for an answer",
      );
      this.kick();
    }
  }

  /**
   * Hook for ingestion: footprints `pfIds` were created or updated. Enqueues one `Published`
   * event per subscribed peer (`subscribe: true`) and resolves with the number enqueued. A peer
   * with `visibleAs` is told only the ids that client may see (none → no event); without it,
   * every id is announced.
   */
  async footprintsChanged(pfIds: readonly string[]): Promise<number> {
    if (pfIds.length === 0) return 0;
    let n = 0;
    for (const peer of this.#o.peers.filter((p) => p.subscribe)) {
      const visible = await this.#visibleTo(peer, pfIds);
      if (visible.length === 0) continue;
      const id = randomUUID();
      const type = peer.pactVersion === "3" ? PACT_V3_EVENT_TYPES.published : PACT_EVENT_TYPES.published;
      const body = completeEvent(
        { type, source: this.#source(), id, data: { pfIds: visible } },
        () => new Date(this.#now()),
      );
      if (
        await this.#o.outbox.enqueue(
          {
            id,
            kind: "published",
            target: peer.baseUrl,
            dedupeKey: `published:${id}`,
            body: JSON.stringify(body),
          },
          this.#now(),
        )
      )
        n++;
    }
    if (n > 0) this.kick();
    return n;
  }

  async #visibleTo(peer: PeerConfig, pfIds: readonly string[]): Promise<string[]> {
    if (peer.visibleAs === undefined) return [...pfIds];
    const principal = this.#o.principalFor?.(peer.visibleAs);
    if (!principal) {
      this.#o.logger.warn(
        { peer: peer.baseUrl },
        "peer visibleAs names no known client: no Published events sent",
      );
      return [];
    }
    const out: string[] = [];
    const store = this.#o.store;
    const get =
      peer.pactVersion === "3" && store.getFootprintV3
        ? store.getFootprintV3.bind(store)
        : store.getFootprint.bind(store);
    for (const id of pfIds) if ((await get(id, principal)) !== undefined) out.push(id);
    return out;
  }

  /**
   * Checks every peer URL (`baseUrl`, `authBaseUrl`) against the outbound guard ahead of time and
   * warns, once per URL, about those it will refuse (loopback, private or special addresses
   * without `events.allowPrivateNetworks`): every delivery to them would end in the dead-letter
   * state. A name that does not resolve within 2 s is skipped (it may resolve later). Resolves
   * with the refused URLs. Run by {@link start}; `resolve` is for tests.
   */
  async checkPeers(resolve?: Resolver): Promise<string[]> {
    const refused: string[] = [];
    const urls = new Set(
      this.#o.peers.flatMap((p) => [p.baseUrl, ...(p.authBaseUrl ? [p.authBaseUrl] : [])]),
    );
    for (const url of urls) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((r) => {
        timer = setTimeout(r, 2000);
        timer.unref();
      });
      try {
        await Promise.race([checkOutboundUrl(url, this.#o.settings.allowPrivateNetworks, resolve), timeout]);
      } catch (e) {
        if (!isOutboundRefusal(e)) continue;
        refused.push(url);
        this.#o.logger.warn(
          { peer: clip(url), reason: clip((e as Error).message) },
          "peer refused by the outbound guard: every event delivery to it will fail; set events.allowPrivateNetworks: true if it is meant to be on a private network",
        );
      } finally {
        clearTimeout(timer);
      }
    }
    return refused;
  }

  /** Starts the delivery worker (polling every `pollIntervalMs`, and at once after an enqueue). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.checkPeers();
    const { leaseMs, timeoutMs } = this.#o.settings;
    if (leaseMs <= 3 * timeoutMs) {
      // discovery + token + POST may take 3 × timeoutMs; a shorter lease lets another worker
      // take over a delivery still in progress (a duplicate send).
      this.#o.logger.warn({ leaseMs, timeoutMs }, "events.leaseMs should exceed 3 × events.timeoutMs");
    }
    this.#schedule(0);
    if (this.#o.settings.retentionMs > 0) {
      const purge = () => {
        this.purgeHistory().catch((e: unknown) => {
          this.#o.logger.error({ err: describeError(e) }, "events history purge failed");
        });
      };
      purge();
      this.#purgeTimer = setInterval(purge, PURGE_INTERVAL_MS);
      this.#purgeTimer.unref();
    }
  }

  /**
   * Deletes finished history older than `settings.retentionMs` (see {@link Outbox.purge}); the
   * worker runs it at start and hourly. Resolves with what was deleted (nothing when
   * `retentionMs` is 0).
   */
  async purgeHistory(): Promise<PurgeResult> {
    const { retentionMs } = this.#o.settings;
    if (retentionMs <= 0) return { deliveries: 0, inbound: 0 };
    const result = await this.#o.outbox.purge(this.#now() - retentionMs);
    if (result.deliveries + result.inbound > 0) {
      this.#o.logger.info({ ...result, retentionMs }, "events history purged");
    }
    return result;
  }

  /** Stops the worker and waits for the current round. Claimed deliveries not finished are retried after their lease. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#purgeTimer) clearInterval(this.#purgeTimer);
    this.#purgeTimer = undefined;
    await this.#running?.catch(() => 0);
  }

  /** Runs a round soon (after an enqueue). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.runOnce()
        .catch((e: unknown) => {
          this.#o.logger.error({ err: describeError(e) }, "event delivery round failed");
          return 0;
        })
        .finally(() => {
          this.#running = undefined;
          const again = this.#again;
          this.#again = false;
          this.#schedule(again ? 0 : this.#o.settings.pollIntervalMs);
        });
    }, ms);
    this.#timer.unref();
  }

  /** One worker round: claims due deliveries (up to 20) and attempts each. Resolves with the number claimed. */
  async runOnce(): Promise<number> {
    const claimed = await this.#o.outbox.claimDue(this.#now(), 20, this.#o.settings.leaseMs);
    await Promise.all(claimed.map((d) => this.deliver(d)));
    return claimed.length;
  }

  /** Counts of deliveries by status. */
  counts(): Promise<DeliveryCounts> {
    return this.#o.outbox.counts();
  }

  #client(peer: PeerConfig): IleapClient {
    let client = this.#clients.get(peer.baseUrl);
    if (!client) {
      client = new IleapClient({
        baseUrl: peer.baseUrl,
        clientId: peer.clientId,
        clientSecret: peer.clientSecret,
        // Credentials go only to the peer's configured origins, never where discovery points.
        fetch: originPinnedFetch(this.#fetch, [
          peer.baseUrl,
          ...(peer.authBaseUrl === undefined ? [] : [peer.authBaseUrl]),
        ]),
        timeoutMs: this.#o.settings.timeoutMs,
        retries: 0,
        userAgent: "ileap-ts-events",
        ...(peer.authBaseUrl === undefined ? {} : { authBaseUrl: peer.authBaseUrl }),
      });
      this.#clients.set(peer.baseUrl, client);
    }
    return client;
  }

  /** Attempts one claimed delivery and records the outcome. */
  async deliver(d: ClaimedDelivery): Promise<void> {
    const log = this.#o.logger.child({
      deliveryId: d.id,
      kind: d.kind,
      target: clip(d.target),
      attempt: d.attempts + 1,
    });
    const outbox = this.#o.outbox;
    let body = d.body;
    try {
      const peer = peerForSource(this.#o.peers, d.target);
      if (!peer) throw new OutboundRefusedError("target is not a configured peer");
      if (body === undefined) {
        if (!d.request) throw new Error("response delivery without its request");
        const outcome = await resolveRequest(this.#o.store, d.request);
        // Answered in the request's version: v3 types (and v3 footprints) for a v3 request.
        const types = d.request.pact === "3" ? PACT_V3_EVENT_TYPES : PACT_EVENT_TYPES;
        const event =
          outcome.kind === "fulfilled"
            ? {
                type: types.requestFulfilled,
                data: { requestEventId: d.request.event.id, pfs: outcome.pfs },
              }
            : {
                type: types.requestRejected,
                data: { requestEventId: d.request.event.id, error: outcome.error },
              };
        body = JSON.stringify(
          completeEvent({ ...event, id: d.id, source: this.#source() }, () => new Date(this.#now())),
        );
        if (!(await outbox.setBody(d.id, d.claimToken, body))) {
          log.warn("delivery claim lost before sending; left to its new owner");
          return;
        }
      }
      const parsed = JSON.parse(body) as Record<string, unknown> & {
        type: string;
        source: string;
        data: Record<string, unknown>;
      };
      // Same event with a different target URL: the client's base URL is the peer's; a pattern
      // peer's target differs, so use a client for the target with the peer's credentials.
      const client = this.#client(peer.baseUrl === d.target ? peer : { ...peer, baseUrl: d.target });
      const sent = await client.sendEvent(parsed);
      if (await outbox.markDelivered(d.id, d.claimToken, this.#now())) {
        log.info({ status: sent.status, eventType: parsed.type }, "event delivered");
      } else {
        log.warn("event delivered but the claim was lost (another worker may send it again)");
      }
    } catch (e) {
      await this.#failed(d, e, log);
    }
  }

  async #failed(d: ClaimedDelivery, e: unknown, log: Logger): Promise<void> {
    const error = describeError(e);
    const permanent =
      isOutboundRefusal(e) ||
      (e instanceof IleapHttpError && PERMANENT_STATUSES.has(e.status) && !e.url.endsWith("/token"));
    const now = this.#now();
    const retryAfterMs =
      e instanceof IleapHttpError && e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : 0;
    const next = now + backoffDelay(d.attempts + 1, this.#o.settings, this.#random, retryAfterMs);
    if (permanent || next > d.createdAt + this.#o.settings.maxAgeMs) {
      await this.#o.outbox.markDead(d.id, d.claimToken, error);
      log.error({ err: error, permanent }, "event delivery given up (dead-letter)");
      return;
    }
    await this.#o.outbox.scheduleRetry(d.id, d.claimToken, next, error);
    log.warn(
      {
        err: error,
        retryInMs: next - now,
        network: e instanceof IleapError && !(e instanceof IleapHttpError),
      },
      "event delivery failed; will retry",
    );
  }
}
