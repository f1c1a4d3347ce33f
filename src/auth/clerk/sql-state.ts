/**
 * {@link ClerkSharedState} in the store's database (tables of migration 5 in
 * `src/store/sql/schema.ts`): on PostgreSQL every replica shares lockouts, aliases, known users,
 * the sign-in budget and the circuit; on the embedded SQLite file they survive restarts and
 * `ileap clerk unlock` reaches them. Own small connection pool / handle, like the event outbox.
 * Identifiers appear only as HMAC fingerprints (the key is stored once, in `clerk_settings`).
 */
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { toPgPlaceholders } from "../../store/postgres/placeholders.ts";
import type { BudgetDecision, ClerkSharedState, LockoutRecord } from "./shared-state.ts";

type Row = Record<string, unknown>;

/** Statements shared by both dialects (`?` placeholders; upserts with `RETURNING`). */
const Q = {
  lockout: "SELECT failures, known_good FROM clerk_lockouts WHERE lock_key = ?",
  reserve:
    "INSERT INTO clerk_lockouts (lock_key, failures, known_good, updated_ms) VALUES (?, 1, NULL, ?) " +
    "ON CONFLICT (lock_key) DO UPDATE SET failures = clerk_lockouts.failures + 1, updated_ms = excluded.updated_ms " +
    "WHERE clerk_lockouts.failures < ? RETURNING failures",
  add:
    "INSERT INTO clerk_lockouts (lock_key, failures, known_good, updated_ms) VALUES (?, 1, NULL, ?) " +
    "ON CONFLICT (lock_key) DO UPDATE SET failures = clerk_lockouts.failures + 1, updated_ms = excluded.updated_ms RETURNING failures",
  release:
    "UPDATE clerk_lockouts SET failures = failures - 1 WHERE lock_key = ? AND failures > 0 RETURNING failures",
  succeed:
    "INSERT INTO clerk_lockouts (lock_key, failures, known_good, updated_ms) VALUES (?, 0, ?, ?) " +
    "ON CONFLICT (lock_key) DO UPDATE SET failures = 0, known_good = excluded.known_good, updated_ms = excluded.updated_ms RETURNING failures",
  forget:
    "UPDATE clerk_lockouts SET known_good = NULL WHERE lock_key = ? AND known_good = ? RETURNING failures",
  unlock: "UPDATE clerk_lockouts SET failures = 0 WHERE lock_key = ? AND failures > 0 RETURNING failures",
  alias: "SELECT user_id FROM clerk_aliases WHERE identifier_key = ?",
  setAlias:
    "INSERT INTO clerk_aliases (identifier_key, user_id, updated_ms) VALUES (?, ?, ?) " +
    "ON CONFLICT (identifier_key) DO UPDATE SET user_id = excluded.user_id, updated_ms = excluded.updated_ms RETURNING user_id",
  knownUser: "SELECT user_id FROM clerk_known_users WHERE user_id = ?",
  addKnownUser:
    "INSERT INTO clerk_known_users (user_id, signed_in_ms) VALUES (?, ?) " +
    "ON CONFLICT (user_id) DO UPDATE SET signed_in_ms = excluded.signed_in_ms RETURNING user_id",
  setting: "SELECT value FROM clerk_settings WHERE name = ?",
  initSetting: "INSERT INTO clerk_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
  putSetting:
    "INSERT INTO clerk_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value RETURNING value",
  pruneSignIns: "DELETE FROM clerk_sign_ins WHERE started_ms <= ?",
  signIns: "SELECT COUNT(*) AS n, MIN(started_ms) AS oldest FROM clerk_sign_ins",
  addSignIn: "INSERT INTO clerk_sign_ins (started_ms) VALUES (?)",
} as const;

/** Arbitrary constant key of the advisory lock that serializes the sign-in budget on PostgreSQL. */
const BUDGET_LOCK = 7_240_514_131;

/** The few operations the state needs from a database. */
interface Runner {
  all(sql: string, params: readonly unknown[]): Promise<Row[]>;
  /** Runs the budget check atomically (one sign-in budget for every process on the database). */
  budget(now: number, max: number, windowMs: number): Promise<BudgetDecision>;
  close(): Promise<void>;
}

function decide(
  count: number,
  oldest: number | null,
  now: number,
  max: number,
  windowMs: number,
): BudgetDecision {
  return count >= max
    ? { allowed: false, retryAfterMs: Math.max(1, (oldest ?? now) + windowMs - now) }
    : { allowed: true };
}

class SqliteRunner implements Runner {
  readonly #db: Database.Database;
  constructor(file: string) {
    this.#db = new Database(file);
    this.#db.pragma("busy_timeout = 5000");
  }
  async all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    const stmt = this.#db.prepare(sql);
    if (stmt.reader) return stmt.all(...params) as Row[];
    stmt.run(...params);
    return [];
  }
  async budget(now: number, max: number, windowMs: number): Promise<BudgetDecision> {
    return this.#db
      .transaction((): BudgetDecision => {
        this.#db.prepare(Q.pruneSignIns).run(now - windowMs);
        const row = this.#db.prepare(Q.signIns).get() as { n: number; oldest: number | null };
        const d = decide(row.n, row.oldest, now, max, windowMs);
        if (d.allowed) this.#db.prepare(Q.addSignIn).run(now);
        return d;
      })
      .immediate();
  }
  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

class PostgresRunner implements Runner {
  readonly #pool: pg.Pool;
  #closed = false;
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }
  async all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return (await this.#pool.query(toPgPlaceholders(sql).text, params as unknown[])).rows as Row[];
  }
  async budget(now: number, max: number, windowMs: number): Promise<BudgetDecision> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [BUDGET_LOCK]);
      await client.query(toPgPlaceholders(Q.pruneSignIns).text, [now - windowMs]);
      const row = (await client.query(Q.signIns)).rows[0] as { n: string; oldest: string | null };
      const d = decide(Number(row.n), row.oldest === null ? null : Number(row.oldest), now, max, windowMs);
      if (d.allowed) await client.query(toPgPlaceholders(Q.addSignIn).text, [now]);
      await client.query("COMMIT");
      return d;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}

/** Where the state lives: the store's SQLite file, or a PostgreSQL URL (never logged). */
export type SqlClerkStateOptions =
  | { readonly sqliteFile: string }
  | {
      readonly connectionString: string;
      /** Pooled connections. Default 2. */
      readonly poolMax?: number;
      /** ms. Default 5000. */
      readonly connectionTimeoutMs?: number;
      /** Server-side statement timeout, ms. Default 5000. */
      readonly statementTimeoutMs?: number;
    };

/** {@link ClerkSharedState} in the database. The tables must exist (store migration 5). */
export class SqlClerkState implements ClerkSharedState {
  readonly #db: Runner;
  readonly #now: () => number;
  #key: Promise<Buffer> | undefined;

  constructor(options: SqlClerkStateOptions, now: () => number = Date.now) {
    this.#now = now;
    if ("sqliteFile" in options) {
      this.#db = new SqliteRunner(options.sqliteFile);
    } else {
      const timeout = options.statementTimeoutMs ?? 5000;
      const pool = new pg.Pool({
        connectionString: options.connectionString,
        max: options.poolMax ?? 2,
        connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
        statement_timeout: timeout,
        query_timeout: timeout + 1000,
      });
      pool.on("error", () => {
        // An idle client lost its connection; the pool replaces it.
      });
      this.#db = new PostgresRunner(pool);
    }
  }

  hmacKey(): Promise<Buffer> {
    this.#key ??= (async () => {
      await this.#db.all(Q.initSetting, ["hmac_key", randomBytes(32).toString("base64")]);
      const rows = await this.#db.all(Q.setting, ["hmac_key"]);
      return Buffer.from(String(rows[0]?.value), "base64");
    })();
    // A failed first read is retried on the next call.
    this.#key.catch(() => {
      this.#key = undefined;
    });
    return this.#key;
  }

  async lockout(key: string): Promise<LockoutRecord> {
    const row = (await this.#db.all(Q.lockout, [key]))[0];
    return {
      failures: row ? Number(row.failures) : 0,
      knownGood: typeof row?.known_good === "string" ? row.known_good : undefined,
    };
  }

  async reserveFailure(key: string, max: number): Promise<boolean> {
    return (await this.#db.all(Q.reserve, [key, this.#now(), max])).length > 0;
  }

  async addFailure(key: string): Promise<void> {
    await this.#db.all(Q.add, [key, this.#now()]);
  }

  async releaseFailure(key: string): Promise<void> {
    await this.#db.all(Q.release, [key]);
  }

  async succeed(key: string, fingerprint: string): Promise<void> {
    await this.#db.all(Q.succeed, [key, fingerprint, this.#now()]);
  }

  async forgetKnownGood(key: string, fingerprint: string): Promise<void> {
    await this.#db.all(Q.forget, [key, fingerprint]);
  }

  async unlock(key: string): Promise<boolean> {
    return (await this.#db.all(Q.unlock, [key])).length > 0;
  }

  async alias(identifierKey: string): Promise<string | undefined> {
    const row = (await this.#db.all(Q.alias, [identifierKey]))[0];
    return typeof row?.user_id === "string" ? row.user_id : undefined;
  }

  async setAliases(identifierKeys: readonly string[], userId: string): Promise<void> {
    for (const k of identifierKeys) await this.#db.all(Q.setAlias, [k, userId, this.#now()]);
  }

  async isKnownUser(userId: string): Promise<boolean> {
    return (await this.#db.all(Q.knownUser, [userId])).length > 0;
  }

  async addKnownUser(userId: string, now: number): Promise<void> {
    await this.#db.all(Q.addKnownUser, [userId, now]);
  }

  takeSignIn(now: number, max: number, windowMs: number): Promise<BudgetDecision> {
    return this.#db.budget(now, max, windowMs);
  }

  async openCircuit(until: number): Promise<void> {
    if (until > (await this.circuitUntil()))
      await this.#db.all(Q.putSetting, ["circuit_until", String(until)]);
  }

  async circuitUntil(): Promise<number> {
    const row = (await this.#db.all(Q.setting, ["circuit_until"]))[0];
    const v = Number(row?.value ?? 0);
    return Number.isFinite(v) ? v : 0;
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}
