/**
 * The {@link Outbox} in PostgreSQL (normally the store's database, own pool and tables). Claims use
 * `FOR UPDATE SKIP LOCKED`, so any number of workers (processes) can deliver concurrently.
 * @module
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import {
  type ClaimedDelivery,
  DELIVERY_COLUMNS,
  type Delivery,
  type DeliveryCounts,
  type DeliveryRow,
  type InboundPublished,
  type ListDeliveriesQuery,
  type NewDelivery,
  type Outbox,
  outboxMigrations,
  PURGE_BATCH,
  type PurgeResult,
  purgeStatements,
  rowToDelivery,
} from "./outbox.ts";

/** Options of {@link PostgresOutbox.connect}. */
export interface PostgresOutboxOptions {
  /** PostgreSQL URL (contains a password: never logged). */
  readonly connectionString: string;
  /** Pooled connections. Default 2. */
  readonly poolMax?: number;
  /** Time to open a connection, ms. Default 5000. */
  readonly connectionTimeoutMs?: number;
}

/** Arbitrary constant key of the advisory lock serializing outbox migrations. */
const MIGRATION_LOCK = 7_240_514_113;

/** {@link Outbox} on PostgreSQL. Build with {@link PostgresOutbox.connect} (migrates its tables). */
export class PostgresOutbox implements Outbox {
  readonly #pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects and applies pending outbox migrations. */
  static async connect(options: PostgresOutboxOptions): Promise<PostgresOutbox> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolMax ?? 2,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    });
    pool.on("error", () => {
      // An idle client lost its connection; the pool replaces it. Nothing to do here.
    });
    const outbox = new PostgresOutbox(pool);
    try {
      await outbox.#migrate();
    } catch (e) {
      await pool.end();
      throw e;
    }
    return outbox;
  }

  async #migrate(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await client.query(
        "CREATE TABLE IF NOT EXISTS outbox_schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
      );
      const res = await client.query<{ v: number | null }>(
        "SELECT MAX(version) AS v FROM outbox_schema_migrations",
      );
      const migrations = outboxMigrations("postgres");
      for (let v = (res.rows[0]?.v ?? 0) + 1; v <= migrations.length; v++) {
        for (const stmt of migrations[v - 1] ?? []) await client.query(stmt);
        await client.query("INSERT INTO outbox_schema_migrations (version, applied_at) VALUES ($1, $2)", [
          v,
          new Date().toISOString(),
        ]);
      }
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async enqueue(d: NewDelivery, now: number): Promise<boolean> {
    const res = await this.#pool.query(
      `INSERT INTO outbox_deliveries (id, kind, target, dedupe_key, status, request, body, attempts, next_attempt_at, last_error, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $8) ON CONFLICT (dedupe_key) DO NOTHING`,
      [
        d.id,
        d.kind,
        d.target,
        d.dedupeKey,
        d.refusedReason === undefined ? "pending" : "dead",
        d.request === undefined ? null : JSON.stringify(d.request),
        d.body ?? null,
        now,
        d.refusedReason ?? null,
      ],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const token = randomUUID();
    const res = await this.#pool.query<DeliveryRow>(
      `WITH due AS (
         SELECT id FROM outbox_deliveries
         WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
         ORDER BY next_attempt_at, created_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE outbox_deliveries d SET lease_until = $3, claim_token = $4 || ':' || d.id
       FROM due WHERE d.id = due.id
       RETURNING ${DELIVERY_COLUMNS.split(", ")
         .map((c) => `d.${c}`)
         .join(", ")}`,
      [now, limit, now + leaseMs, token],
    );
    return res.rows
      .map((r) => ({ ...rowToDelivery(r), claimToken: r.claim_token as string }))
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt);
  }

  async #guarded(set: string, params: unknown[], id: string, claimToken: string): Promise<boolean> {
    const n = params.length;
    const res = await this.#pool.query(
      `UPDATE outbox_deliveries SET ${set} WHERE id = $${n + 1} AND claim_token = $${n + 2} AND status = 'pending'`,
      [...params, id, claimToken],
    );
    return (res.rowCount ?? 0) > 0;
  }

  setBody(id: string, claimToken: string, body: string): Promise<boolean> {
    return this.#guarded("body = $1", [body], id, claimToken);
  }

  markDelivered(id: string, claimToken: string, now: number): Promise<boolean> {
    return this.#guarded(
      "status = 'delivered', delivered_at = $1, attempts = attempts + 1, lease_until = NULL, claim_token = NULL, last_error = NULL",
      [now],
      id,
      claimToken,
    );
  }

  scheduleRetry(id: string, claimToken: string, nextAttemptAt: number, error: string): Promise<boolean> {
    return this.#guarded(
      "attempts = attempts + 1, next_attempt_at = $1, last_error = $2, lease_until = NULL, claim_token = NULL",
      [nextAttemptAt, error],
      id,
      claimToken,
    );
  }

  markDead(id: string, claimToken: string, error: string): Promise<boolean> {
    return this.#guarded(
      "status = 'dead', attempts = attempts + 1, last_error = $1, lease_until = NULL, claim_token = NULL",
      [error],
      id,
      claimToken,
    );
  }

  async retry(id: string, now: number): Promise<boolean> {
    const res = await this.#pool.query(
      `UPDATE outbox_deliveries SET status = 'pending', next_attempt_at = $1, created_at = $1, lease_until = NULL, claim_token = NULL
       WHERE id = $2 AND status <> 'delivered'`,
      [now, id],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async get(id: string): Promise<Delivery | undefined> {
    const res = await this.#pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM outbox_deliveries WHERE id = $1`,
      [id],
    );
    const row = res.rows[0];
    return row && rowToDelivery(row);
  }

  async list(query: ListDeliveriesQuery = {}): Promise<Delivery[]> {
    const res = await this.#pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM outbox_deliveries WHERE ($1::text IS NULL OR status = $1)
       ORDER BY created_at DESC, id LIMIT $2`,
      [query.status ?? null, query.limit ?? 50],
    );
    return res.rows.map(rowToDelivery);
  }

  async counts(): Promise<DeliveryCounts> {
    const res = await this.#pool.query<{ status: string; n: string }>(
      "SELECT status, COUNT(*) AS n FROM outbox_deliveries GROUP BY status",
    );
    const out = { pending: 0, delivered: 0, dead: 0 };
    for (const r of res.rows) if (r.status in out) out[r.status as keyof typeof out] = Number(r.n);
    return out;
  }

  async recordInboundPublished(e: InboundPublished): Promise<void> {
    await this.#pool.query(
      `INSERT INTO outbox_inbound_published (source, event_id, pf_ids, received_from, received_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, event_id) DO NOTHING`,
      [e.source, e.eventId, JSON.stringify(e.pfIds), e.receivedFrom, e.receivedAt],
    );
  }

  async listInboundPublished(limit = 50): Promise<InboundPublished[]> {
    const res = await this.#pool.query<{
      source: string;
      event_id: string;
      pf_ids: string;
      received_from: string;
      received_at: string;
    }>(
      "SELECT source, event_id, pf_ids, received_from, received_at FROM outbox_inbound_published ORDER BY received_at DESC LIMIT $1",
      [limit],
    );
    return res.rows.map((r) => ({
      source: r.source,
      eventId: r.event_id,
      pfIds: JSON.parse(r.pf_ids) as string[],
      receivedFrom: r.received_from,
      receivedAt: Number(r.received_at),
    }));
  }

  async purge(before: number): Promise<PurgeResult> {
    const sql = purgeStatements("postgres");
    const drain = async (statement: string): Promise<number> => {
      let total = 0;
      for (;;) {
        const n = (await this.#pool.query(statement, [before])).rowCount ?? 0;
        total += n;
        if (n < PURGE_BATCH) return total;
      }
    };
    return { deliveries: await drain(sql.deliveries), inbound: await drain(sql.inbound) };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
