/**
 * The {@link Outbox} in an SQLite database (normally the store's file, own connection and tables).
 * Claims are leased like in PostgreSQL, but SQLite serializes writers: run one worker per file.
 * @module
 */
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
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

/** Options of {@link SqliteOutbox}. */
export interface SqliteOutboxOptions {
  /** Database file (e.g. `{dataDir}/ileap.sqlite`, shared with the store). */
  readonly file: string;
  /** How long to wait for a lock held by another connection, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
}

/** {@link Outbox} on SQLite; migrates its tables on construction. */
export class SqliteOutbox implements Outbox {
  readonly #db: Database.Database;

  constructor(options: SqliteOutboxOptions) {
    this.#db = new Database(options.file);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = NORMAL");
    this.#db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.#migrate();
  }

  #migrate(): void {
    const db = this.#db;
    db.exec(
      "CREATE TABLE IF NOT EXISTS outbox_schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    );
    const migrations = outboxMigrations("sqlite");
    db.transaction(() => {
      const row = db.prepare("SELECT MAX(version) AS v FROM outbox_schema_migrations").get() as {
        v: number | null;
      };
      for (let v = (row.v ?? 0) + 1; v <= migrations.length; v++) {
        for (const stmt of migrations[v - 1] ?? []) db.exec(stmt);
        db.prepare("INSERT INTO outbox_schema_migrations (version, applied_at) VALUES (?, ?)").run(
          v,
          new Date().toISOString(),
        );
      }
    }).immediate();
  }

  async enqueue(d: NewDelivery, now: number): Promise<boolean> {
    const info = this.#db
      .prepare(
        `INSERT INTO outbox_deliveries (id, kind, target, dedupe_key, status, request, body, attempts, next_attempt_at, last_error, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
      )
      .run(
        d.id,
        d.kind,
        d.target,
        d.dedupeKey,
        d.refusedReason === undefined ? "pending" : "dead",
        d.request === undefined ? null : JSON.stringify(d.request),
        d.body ?? null,
        now,
        d.refusedReason ?? null,
        now,
      );
    return info.changes > 0;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const claim = this.#db.transaction(() => {
      const ids = this.#db
        .prepare(
          `SELECT id FROM outbox_deliveries
           WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
           ORDER BY next_attempt_at, created_at LIMIT ?`,
        )
        .all(now, now, limit) as { id: string }[];
      const out: ClaimedDelivery[] = [];
      const update = this.#db.prepare(
        `UPDATE outbox_deliveries SET lease_until = ?, claim_token = ? WHERE id = ? RETURNING ${DELIVERY_COLUMNS}`,
      );
      for (const { id } of ids) {
        const token = randomUUID();
        const row = update.get(now + leaseMs, token, id) as DeliveryRow;
        out.push({ ...rowToDelivery(row), claimToken: token });
      }
      return out;
    });
    return claim.immediate();
  }

  #guarded(sql: string, ...params: unknown[]): boolean {
    return (
      this.#db.prepare(`${sql} WHERE id = ? AND claim_token = ? AND status = 'pending'`).run(...params)
        .changes > 0
    );
  }

  async setBody(id: string, claimToken: string, body: string): Promise<boolean> {
    return this.#guarded("UPDATE outbox_deliveries SET body = ?", body, id, claimToken);
  }

  async markDelivered(id: string, claimToken: string, now: number): Promise<boolean> {
    return this.#guarded(
      "UPDATE outbox_deliveries SET status = 'delivered', delivered_at = ?, attempts = attempts + 1, lease_until = NULL, claim_token = NULL, last_error = NULL",
      now,
      id,
      claimToken,
    );
  }

  async scheduleRetry(
    id: string,
    claimToken: string,
    nextAttemptAt: number,
    error: string,
  ): Promise<boolean> {
    return this.#guarded(
      "UPDATE outbox_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, lease_until = NULL, claim_token = NULL",
      nextAttemptAt,
      error,
      id,
      claimToken,
    );
  }

  async markDead(id: string, claimToken: string, error: string): Promise<boolean> {
    return this.#guarded(
      "UPDATE outbox_deliveries SET status = 'dead', attempts = attempts + 1, last_error = ?, lease_until = NULL, claim_token = NULL",
      error,
      id,
      claimToken,
    );
  }

  async retry(id: string, now: number): Promise<boolean> {
    return (
      this.#db
        .prepare(
          `UPDATE outbox_deliveries SET status = 'pending', next_attempt_at = ?, created_at = ?, lease_until = NULL, claim_token = NULL
           WHERE id = ? AND status <> 'delivered'`,
        )
        .run(now, now, id).changes > 0
    );
  }

  async get(id: string): Promise<Delivery | undefined> {
    const row = this.#db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM outbox_deliveries WHERE id = ?`).get(id) as
      | DeliveryRow
      | undefined;
    return row && rowToDelivery(row);
  }

  async list(query: ListDeliveriesQuery = {}): Promise<Delivery[]> {
    const rows = (
      query.status
        ? this.#db
            .prepare(
              `SELECT ${DELIVERY_COLUMNS} FROM outbox_deliveries WHERE status = ? ORDER BY created_at DESC, id LIMIT ?`,
            )
            .all(query.status, query.limit ?? 50)
        : this.#db
            .prepare(`SELECT ${DELIVERY_COLUMNS} FROM outbox_deliveries ORDER BY created_at DESC, id LIMIT ?`)
            .all(query.limit ?? 50)
    ) as DeliveryRow[];
    return rows.map(rowToDelivery);
  }

  async counts(): Promise<DeliveryCounts> {
    const rows = this.#db
      .prepare("SELECT status, COUNT(*) AS n FROM outbox_deliveries GROUP BY status")
      .all() as {
      status: string;
      n: number;
    }[];
    const out = { pending: 0, delivered: 0, dead: 0 };
    for (const r of rows) if (r.status in out) out[r.status as keyof typeof out] = Number(r.n);
    return out;
  }

  async recordInboundPublished(e: InboundPublished): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO outbox_inbound_published (source, event_id, pf_ids, received_from, received_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, event_id) DO NOTHING`,
      )
      .run(e.source, e.eventId, JSON.stringify(e.pfIds), e.receivedFrom, e.receivedAt);
  }

  async listInboundPublished(limit = 50): Promise<InboundPublished[]> {
    const rows = this.#db
      .prepare(
        "SELECT source, event_id, pf_ids, received_from, received_at FROM outbox_inbound_published ORDER BY received_at DESC LIMIT ?",
      )
      .all(limit) as {
      source: string;
      event_id: string;
      pf_ids: string;
      received_from: string;
      received_at: number;
    }[];
    return rows.map((r) => ({
      source: r.source,
      eventId: r.event_id,
      pfIds: JSON.parse(r.pf_ids) as string[],
      receivedFrom: r.received_from,
      receivedAt: Number(r.received_at),
    }));
  }

  async purge(before: number): Promise<PurgeResult> {
    const sql = purgeStatements("sqlite");
    const drain = (statement: string): number => {
      const stmt = this.#db.prepare(statement);
      let total = 0;
      for (;;) {
        const n = stmt.run({ before }).changes;
        total += n;
        if (n < PURGE_BATCH) return total;
      }
    };
    return { deliveries: drain(sql.deliveries), inbound: drain(sql.inbound) };
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
