/**
 * The durable outbox of PACT events we send, and the record of `Published` events we receive.
 * Kept in its own tables (`outbox_deliveries`, `outbox_inbound_published`, versioned by
 * `outbox_schema_migrations`) in the same database as the store. Implementations:
 * `SqliteOutbox` (one worker per database) and `PostgresOutbox` (`FOR UPDATE SKIP LOCKED`, any
 * number of workers).
 *
 * Delivery semantics: a delivery is claimed with a lease (`leaseMs`) and a random claim token;
 * only the holder of the current token can mark it delivered, reschedule or dead-letter it, and
 * a delivered row is never claimed again, so a peer that acknowledged an event is not sent it
 * again. A worker that dies after claiming (before or during the POST) leaves the lease to expire,
 * after which another worker sends the same event (same `id`) again: at-least-once, with the
 * duplicate only possible when the crash fell between the peer's 200 and our mark.
 * @module
 */

/** Status of a delivery. */
export type DeliveryStatus = "pending" | "delivered" | "dead";

/** What a delivery carries. */
export type DeliveryKind = "response" | "published";

/** The answer to build for a request event (kind `response`), kept until the answer is built. */
export interface PendingRequest {
  /**
   * PACT version of the request: `"3"` for `RequestCreatedEvent.3` (answered with v3 events and
   * footprints at `{source}/3/events`). Absent: v2.
   */
  readonly pact?: "3";
  /**
   * The request event as received, parsed: v2 `ProductFootprintRequest.Created.v1` (`data.pf`, a
   * footprint fragment) or v3 `RequestCreatedEvent.3` (`data`: the ListFootprints criteria).
   */
  readonly event: {
    readonly id: string;
    readonly source: string;
    readonly data: { readonly pf?: Readonly<Record<string, unknown>>; readonly comment?: string } & Readonly<
      Record<string, unknown>
    >;
  };
  /** The principal that sent it: the answer contains only what it may see. */
  readonly principal: {
    readonly subject: string;
    readonly clientId: string;
    readonly organizationId?: string;
    readonly roles: readonly string[];
    readonly grants: readonly string[];
  };
}

/** A delivery to enqueue. */
export interface NewDelivery {
  /** Our outbound event id (a UUID), also the delivery id. */
  readonly id: string;
  readonly kind: DeliveryKind;
  /** Base URL the event is POSTed to (`{target}/2/events`). */
  readonly target: string;
  /**
   * Idempotency key: enqueueing a second delivery with the same key does nothing (e.g.
   * `response:{source}:{requestId}`).
   */
  readonly dedupeKey: string;
  /** For `response`: the request to answer (the body is built by the worker). */
  readonly request?: PendingRequest;
  /** The complete CloudEvent JSON to send, when already known (`published`). */
  readonly body?: string;
  /** Enqueue directly as `dead` with this reason (e.g. unknown source): it is never sent. */
  readonly refusedReason?: string;
}

/** A stored delivery. */
export interface Delivery {
  readonly id: string;
  readonly kind: DeliveryKind;
  readonly target: string;
  readonly dedupeKey: string;
  readonly status: DeliveryStatus;
  readonly request?: PendingRequest;
  readonly body?: string;
  /** Attempts made so far. */
  readonly attempts: number;
  /** When the next attempt is due (epoch ms). */
  readonly nextAttemptAt: number;
  readonly lastError?: string;
  /** Enqueue time (epoch ms). */
  readonly createdAt: number;
  readonly deliveredAt?: number;
}

/** A delivery claimed by a worker: only `claimToken` may change it while the lease lasts. */
export interface ClaimedDelivery extends Delivery {
  readonly claimToken: string;
}

/** A `Published` event received from a peer. */
export interface InboundPublished {
  readonly eventId: string;
  readonly source: string;
  readonly pfIds: readonly string[];
  /** Client id of the principal that sent it. */
  readonly receivedFrom: string;
  /** Epoch ms. */
  readonly receivedAt: number;
}

/** Counts by status, for `/ready` and the CLI. */
export type DeliveryCounts = Readonly<Record<DeliveryStatus, number>>;

/** Filter of {@link Outbox.list}. */
export interface ListDeliveriesQuery {
  /** Only this status. Default: all. */
  readonly status?: DeliveryStatus;
  /** At most this many, newest first. Default 50. */
  readonly limit?: number;
}

/** What {@link Outbox.purge} deleted. */
export interface PurgeResult {
  /** Delivered and dead-lettered deliveries removed. */
  readonly deliveries: number;
  /** Received `Published` records removed. */
  readonly inbound: number;
}

/** The outbox seam. All times are epoch milliseconds supplied by the caller (testable clocks). */
export interface Outbox {
  /** Stores a delivery durably; false when one with the same `dedupeKey` exists (nothing changed). */
  enqueue(delivery: NewDelivery, now: number): Promise<boolean>;
  /**
   * Claims up to `limit` pending deliveries due at `now` whose lease is free, leasing them until
   * `now + leaseMs`, oldest due first.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /** Stores the built event body of a claimed `response` delivery (so retries send the same event). */
  setBody(id: string, claimToken: string, body: string): Promise<boolean>;
  /** Marks a claimed delivery delivered (the peer acknowledged it). False when the claim was lost. */
  markDelivered(id: string, claimToken: string, now: number): Promise<boolean>;
  /** Releases a claimed delivery for another attempt at `nextAttemptAt`. */
  scheduleRetry(id: string, claimToken: string, nextAttemptAt: number, error: string): Promise<boolean>;
  /** Gives up on a claimed delivery (dead-letter). */
  markDead(id: string, claimToken: string, error: string): Promise<boolean>;
  /** Makes a dead (or pending) delivery due now again, restarting its age. False when unknown or delivered. */
  retry(id: string, now: number): Promise<boolean>;
  /** One delivery by id. */
  get(id: string): Promise<Delivery | undefined>;
  /** Deliveries, newest first. */
  list(query?: ListDeliveriesQuery): Promise<Delivery[]>;
  /** Number of deliveries by status. */
  counts(): Promise<DeliveryCounts>;
  /** Records a `Published` event from a peer; idempotent per (source, eventId). */
  recordInboundPublished(event: InboundPublished): Promise<void>;
  /** Received `Published` events, newest first. Default limit 50. */
  listInboundPublished(limit?: number): Promise<InboundPublished[]>;
  /**
   * Deletes finished history older than `before` (epoch ms): deliveries delivered before it,
   * dead-lettered deliveries enqueued before it, and `Published` records received before it.
   * Pending deliveries are never deleted. Works in batches (short locks). Once a response
   * delivery is gone, the same request event (same source and id) would be answered again.
   */
  purge(before: number): Promise<PurgeResult>;
  close(): Promise<void>;
}

/** A stored row, as both backends return it (snake_case columns). */
export interface DeliveryRow {
  readonly id: string;
  readonly kind: string;
  readonly target: string;
  readonly dedupe_key: string;
  readonly status: string;
  readonly request: string | null;
  readonly body: string | null;
  readonly attempts: number | string;
  readonly next_attempt_at: number | string;
  readonly last_error: string | null;
  readonly created_at: number | string;
  readonly delivered_at: number | string | null;
  readonly claim_token?: string | null;
}

/** Converts a stored row (both backends) into a {@link Delivery}. */
export function rowToDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    kind: row.kind as DeliveryKind,
    target: row.target,
    dedupeKey: row.dedupe_key,
    status: row.status as DeliveryStatus,
    ...(row.request === null ? {} : { request: JSON.parse(row.request) as PendingRequest }),
    ...(row.body === null ? {} : { body: row.body }),
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    createdAt: Number(row.created_at),
    ...(row.delivered_at === null ? {} : { deliveredAt: Number(row.delivered_at) }),
  };
}

/** The schema of the outbox tables, as migrations by version (shared by both backends). */
export function outboxMigrations(dialect: "sqlite" | "postgres"): readonly (readonly string[])[] {
  const bigint = dialect === "postgres" ? "BIGINT" : "INTEGER";
  return [
    [
      `CREATE TABLE outbox_deliveries (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        dedupe_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        request TEXT,
        body TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at ${bigint} NOT NULL,
        lease_until ${bigint},
        claim_token TEXT,
        last_error TEXT,
        created_at ${bigint} NOT NULL,
        delivered_at ${bigint}
      )`,
      "CREATE INDEX outbox_deliveries_due ON outbox_deliveries (status, next_attempt_at)",
      `CREATE TABLE outbox_inbound_published (
        source TEXT NOT NULL,
        event_id TEXT NOT NULL,
        pf_ids TEXT NOT NULL,
        received_from TEXT NOT NULL,
        received_at ${bigint} NOT NULL,
        PRIMARY KEY (source, event_id)
      )`,
    ],
    // v2: history purge and the newest-first listing of received Published events.
    [
      "CREATE INDEX outbox_deliveries_finished ON outbox_deliveries (status, delivered_at, created_at)",
      "CREATE INDEX outbox_inbound_published_received ON outbox_inbound_published (received_at)",
    ],
  ];
}

/** Rows deleted per statement by {@link Outbox.purge}. */
export const PURGE_BATCH = 1000;

/**
 * The purge statements (one batch each; run until they delete fewer than {@link PURGE_BATCH}).
 * The cutoff is `$1` (PostgreSQL) or `@before` (SQLite).
 */
export function purgeStatements(dialect: "sqlite" | "postgres"): { deliveries: string; inbound: string } {
  const p = dialect === "postgres" ? "$1" : "@before";
  return {
    deliveries: `DELETE FROM outbox_deliveries WHERE id IN (
      SELECT id FROM outbox_deliveries
      WHERE (status = 'delivered' AND delivered_at < ${p}) OR (status = 'dead' AND created_at < ${p})
      LIMIT ${PURGE_BATCH})`,
    inbound: `DELETE FROM outbox_inbound_published WHERE (source, event_id) IN (
      SELECT source, event_id FROM outbox_inbound_published WHERE received_at < ${p} LIMIT ${PURGE_BATCH})`,
  };
}

/** Columns selected for a {@link DeliveryRow}. */
export const DELIVERY_COLUMNS =
  "id, kind, target, dedupe_key, status, request, body, attempts, next_attempt_at, last_error, created_at, delivered_at, claim_token";
