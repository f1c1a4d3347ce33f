import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Principal } from "../../auth/principal.ts";
import { tadIndexEntries } from "../../protocol/tad-filter.ts";
import { canonicalJson } from "../canonical-json.ts";
import {
  footprintColumns,
  getFootprintSql,
  granteeKeys,
  listFootprintsSql,
  listTadSql,
  type Sql,
  toPage,
} from "../sql/queries.ts";
import { MIGRATIONS } from "../sql/schema.ts";
import {
  type FootprintRecord,
  type InboundEvent,
  InvalidPagePositionError,
  type ListFootprintsQuery,
  type ListTadQuery,
  type Page,
  type Store,
  StoreUnavailableError,
  type TadRecord,
  VersionConflictError,
} from "../store.ts";

/** Options of the embedded SQLite store. */
export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throw-away store. */
  readonly file: string;
  /** Busy timeout in ms when another connection holds the write lock. Default 5000. */
  readonly busyTimeoutMs?: number;
}

type Row = Record<string, unknown>;

/** The embedded store: one SQLite file in WAL mode, versioned migrations, filters pushed into SQL. */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(options: SqliteStoreOptions) {
    if (options.file !== ":memory:") mkdirSync(dirname(options.file), { recursive: true });
    this.#db = new Database(options.file);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = NORMAL");
    this.#db.pragma("foreign_keys = ON");
    this.#db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.#migrate();
  }

  #migrate(): void {
    this.#db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    );
    const applied = new Set(
      (this.#db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.#db.transaction(() => {
        for (const statement of m.statements("INTEGER PRIMARY KEY AUTOINCREMENT")) this.#db.exec(statement);
        this.#db
          .prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
          .run(m.version, new Date().toISOString());
      })();
    }
  }

  #prepare(text: string): Database.Statement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.#db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  #all(sql: Sql): Row[] {
    try {
      return this.#prepare(sql.text).all(...sql.params) as Row[];
    } catch (e) {
      throw wrap(e);
    }
  }

  async getFootprint(id: string, principal: Principal): Promise<string | undefined> {
    const row = this.#all(getFootprintSql(id, principal))[0];
    return row ? (row.document as string) : undefined;
  }

  async listFootprints(query: ListFootprintsQuery): Promise<Page> {
    return toPage(this.#all(listFootprintsSql(query)), query.limit, (r) => r.id as string);
  }

  async listTad(query: ListTadQuery): Promise<Page> {
    const sql = listTadSql(query);
    return sql ? toPage(this.#all(sql), query.limit, (r) => String(r.seq)) : { items: [] };
  }

  async putFootprints(records: readonly FootprintRecord[]): Promise<void> {
    const insert = this.#db.prepare(
      `INSERT INTO footprints (id, version, is_latest, kind, status, created_ms, updated_ms, product_category_cpc,
         geography_country, ref_period_start_ms, ref_period_end_ms, restricted, document)
       VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const latest = this.#db.prepare("SELECT version FROM footprints WHERE id = ? AND is_latest = 1");
    const demote = this.#db.prepare("UPDATE footprints SET is_latest = 0 WHERE id = ? AND is_latest = 1");
    const productId = this.#db.prepare("INSERT INTO footprint_product_ids (seq, value) VALUES (?, ?)");
    const companyId = this.#db.prepare("INSERT INTO footprint_company_ids (seq, value) VALUES (?, ?)");
    const grant = this.#db.prepare("INSERT INTO footprint_visibility (seq, grantee) VALUES (?, ?)");
    try {
      this.#db.transaction(() => {
        for (const record of records) {
          const c = footprintColumns(record.document);
          const current = latest.get(c.id) as { version: number } | undefined;
          if (current && current.version >= c.version) {
            throw new VersionConflictError(
              `footprint ${c.id}: version ${c.version} is not newer than the stored version ${current.version}`,
            );
          }
          if (current) demote.run(c.id);
          const grantees = granteeKeys(record.visibility);
          const { lastInsertRowid } = insert.run(
            c.id,
            c.version,
            record.kind,
            c.status,
            c.createdMs,
            c.updatedMs,
            c.productCategoryCpc,
            c.geographyCountry,
            c.refPeriodStartMs,
            c.refPeriodEndMs,
            grantees.length > 0 ? 1 : 0,
            canonicalJson(record.document),
          );
          for (const v of new Set(c.productIds)) productId.run(lastInsertRowid, v);
          for (const v of new Set(c.companyIds)) companyId.run(lastInsertRowid, v);
          for (const g of grantees) grant.run(lastInsertRowid, g);
        }
      })();
    } catch (e) {
      throw e instanceof VersionConflictError ? e : wrap(e);
    }
  }

  async putTad(records: readonly TadRecord[]): Promise<void> {
    const find = this.#db.prepare("SELECT seq FROM tad WHERE activity_id = ?");
    const insert = this.#db.prepare("INSERT INTO tad (activity_id, restricted, document) VALUES (?, ?, ?)");
    const update = this.#db.prepare("UPDATE tad SET restricted = ?, document = ? WHERE seq = ?");
    const clearValues = this.#db.prepare("DELETE FROM tad_values WHERE seq = ?");
    const clearGrants = this.#db.prepare("DELETE FROM tad_visibility WHERE seq = ?");
    const value = this.#db.prepare("INSERT INTO tad_values (seq, path, value) VALUES (?, ?, ?)");
    const grant = this.#db.prepare("INSERT INTO tad_visibility (seq, grantee) VALUES (?, ?)");
    try {
      this.#db.transaction(() => {
        for (const record of records) {
          const activityId = record.document.activityId;
          if (typeof activityId !== "string") throw new TypeError("TAD needs a string activityId");
          const grantees = granteeKeys(record.visibility);
          const restricted = grantees.length > 0 ? 1 : 0;
          const text = canonicalJson(record.document);
          const existing = find.get(activityId) as { seq: number } | undefined;
          let seq: number | bigint;
          if (existing) {
            seq = existing.seq;
            update.run(restricted, text, seq);
            clearValues.run(seq);
            clearGrants.run(seq);
          } else {
            seq = insert.run(activityId, restricted, text).lastInsertRowid;
          }
          for (const entry of tadIndexEntries(record.document)) value.run(seq, entry.path, entry.value);
          for (const g of grantees) grant.run(seq, g);
        }
      })();
    } catch (e) {
      throw wrap(e);
    }
  }

  async recordInboundEvent(event: InboundEvent): Promise<void> {
    try {
      this.#prepare(
        `INSERT INTO inbound_events (source, event_id, type, body, received_from, received_at, state)
         VALUES (?, ?, ?, ?, ?, ?, 'received') ON CONFLICT (source, event_id) DO NOTHING`,
      ).run(event.source, event.id, event.type, event.body, event.receivedFrom, new Date().toISOString());
    } catch (e) {
      throw wrap(e);
    }
  }

  /** Number of stored footprint versions (all versions, every kind). */
  async countFootprints(): Promise<number> {
    return (this.#prepare("SELECT COUNT(*) AS n FROM footprints").get() as { n: number }).n;
  }

  async ping(): Promise<void> {
    try {
      this.#prepare("SELECT 1").get();
    } catch (e) {
      throw wrap(e);
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

function wrap(e: unknown): Error {
  if (e instanceof InvalidPagePositionError || e instanceof VersionConflictError) return e;
  const code = (e as { code?: string }).code ?? "";
  if (
    /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY)/.test(code) ||
    (e as Error).message?.includes("not open")
  ) {
    return new StoreUnavailableError(`embedded store unavailable (${code || (e as Error).message})`);
  }
  return e instanceof Error ? e : new Error(String(e));
}
