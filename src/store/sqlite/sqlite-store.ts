import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Principal } from "../../auth/principal.ts";
import { tadIndexEntries } from "../../protocol/tad-filter.ts";
import { canonicalJson } from "../canonical-json.ts";
import {
  checkNewVersion,
  chunks,
  deprecatedDocument,
  footprintGranteesSql,
  getFootprintSql,
  granteeKeys,
  latestFootprintsByProductIdsSql,
  latestFootprintsSql,
  listFootprintsSql,
  listTadSql,
  precedingPfIds,
  type Sql,
  toPage,
  visibilityOf,
} from "../sql/queries.ts";
import { MIGRATIONS, SQLITE_DIALECT } from "../sql/schema.ts";
import {
  deprecatedV3Document,
  footprintWrite,
  getFootprintV3Sql,
  listFootprintsV3Sql,
  renderStoredRow,
  unrenderedSql,
  V3_COLUMNS,
  v3ColumnValues,
} from "../sql/v3.ts";
import {
  DeprecatedFootprintError,
  type Deprecation,
  type FootprintRecord,
  type FootprintVersionRef,
  footprintVersionKey,
  type InboundEvent,
  InvalidPagePositionError,
  type ListFootprintsQuery,
  type ListFootprintsV3Query,
  type ListTadQuery,
  type Page,
  type Store,
  type StoredFootprint,
  StoreUnavailableError,
  type TadRecord,
  UnknownReferenceError,
  VersionConflictError,
  type Visibility,
} from "../store.ts";
import { SqliteReaderPool } from "./reader-pool.ts";

/** Options of the embedded SQLite store. */
export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throw-away store. */
  readonly file: string;
  /** Busy timeout in ms when another connection holds the write lock. Default 5000. */
  readonly busyTimeoutMs?: number;
  /**
   * Page cache of the connection in KiB. Large imports and deep listings slow down a lot once the
   * indexes outgrow the cache (SQLite's own default is 2 MiB). Default 16384 (16 MiB).
   */
  readonly cacheSizeKiB?: number;
  /**
   * Page cache of each reader connection (worker thread) in KiB. Default 2048 (SQLite's own
   * default): the readers' pages are in the operating system's page cache anyway, and at 16 MiB
   * each, two readers walking a large listing held about 14 MB more resident memory (issue 14).
   */
  readonly readerCacheSizeKiB?: number;
  /**
   * Reader connections in worker threads for `getFootprint`, `listFootprints` and `listTad`, so
   * that a slow query does not stall the event loop. 0 = read on the main connection (always so
   * for `:memory:`). Default 2.
   */
  readonly readers?: number;
  /** Time a read may run on a reader, ms (then {@link QueryTimeoutError}). Default 5000. */
  readonly readTimeoutMs?: number;
  /**
   * WAL size in pages (4 KiB) at which a commit of this connection copies the log into the
   * database file (`PRAGMA wal_autocheckpoint`). A bulk writer gains from a larger one: a batch of
   * 1,000 footprints logs ~10 MB, so at SQLite's default (1000 pages) every commit checkpointed,
   * copying index pages that the next batch changes again. Default: SQLite's (1000).
   */
  readonly walAutocheckpointPages?: number;
}

type Row = Record<string, unknown>;

/** The embedded store: one SQLite file in WAL mode, versioned migrations, filters pushed into SQL. */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #version: Database.Statement | undefined;
  /** Write calls through this store (committed or not): the own-writes half of {@link dataVersion}. */
  #writes = 0;
  /** Migration versions applied when this store was opened (empty when the file was current). */
  readonly appliedMigrations: readonly number[];
  /** Reader threads (undefined: reads run on the main connection). */
  readonly #readers: SqliteReaderPool | undefined;

  constructor(options: SqliteStoreOptions) {
    if (options.file !== ":memory:") mkdirSync(dirname(options.file), { recursive: true });
    this.#db = new Database(options.file);
    this.#db.pragma("journal_mode = WAL");
    if (options.walAutocheckpointPages !== undefined)
      this.#db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(options.walAutocheckpointPages))}`);
    this.#db.pragma("synchronous = NORMAL");
    this.#db.pragma("foreign_keys = ON");
    this.#db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.#db.pragma(`cache_size = -${Math.max(1024, Math.floor(options.cacheSizeKiB ?? 16384))}`);
    this.appliedMigrations = this.#migrate();
    this.#renderPending();
    const readers = options.readers ?? 2;
    this.#readers =
      options.file === ":memory:" || readers <= 0
        ? undefined
        : new SqliteReaderPool({
            file: options.file,
            size: readers,
            timeoutMs: options.readTimeoutMs ?? 5000,
            busyTimeoutMs: options.busyTimeoutMs ?? 5000,
            cacheSizeKiB: Math.max(1024, Math.floor(options.readerCacheSizeKiB ?? 2048)),
          });
  }

  /**
   * Renders the rows written before migration 3 (`rendered = 0`) in both versions, in batches
   * of 500 rows per transaction; nothing to do on a current store.
   */
  #renderPending(): void {
    const select = this.#db.prepare(unrenderedSql(500).text);
    const update = this.#db.prepare(
      `UPDATE footprints SET ${V3_COLUMNS.map((c) => `${c} = ?`).join(", ")} WHERE seq = ?`,
    );
    const value = this.#db.prepare(
      "INSERT INTO footprint_v3_values (seq, id, criterion, value) VALUES (?, ?, ?, ?)",
    );
    for (;;) {
      const rows = select.all(500) as { seq: number; id: string; version: number; document: string }[];
      if (rows.length === 0) return;
      this.#db.transaction(() => {
        for (const row of rows) {
          const w = renderStoredRow(row);
          update.run(...v3ColumnValues(w), row.seq);
          for (const [criterion, v] of w.v3Values) value.run(row.seq, row.id, criterion, v);
        }
      })();
    }
  }

  /** A read of the HTTP API: on a reader thread when there are any. */
  async #read(sql: Sql): Promise<Row[]> {
    if (!this.#readers) return this.#all(sql);
    try {
      return await this.#readers.all(sql);
    } catch (e) {
      throw wrap(e);
    }
  }

  #migrate(): number[] {
    this.#db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    );
    const applied = new Set(
      (this.#db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    const done: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.#db.transaction(() => {
        for (const statement of m.statements(SQLITE_DIALECT)) this.#db.exec(statement);
        this.#db
          .prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
          .run(m.version, new Date().toISOString());
      })();
      done.push(m.version);
    }
    return done;
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
    const row = (await this.#read(getFootprintSql(id, principal)))[0];
    return row ? (row.document as string) : undefined;
  }

  async listFootprints(query: ListFootprintsQuery): Promise<Page> {
    return toPage(await this.#read(listFootprintsSql(query)), query.limit, (r) => r.id as string);
  }

  async listTad(query: ListTadQuery): Promise<Page> {
    const sql = listTadSql(query);
    return sql ? toPage(await this.#read(sql), query.limit, (r) => String(r.seq)) : { items: [] };
  }

  async getFootprintV3(id: string, principal: Principal): Promise<string | undefined> {
    const row = (await this.#read(getFootprintV3Sql(id, principal)))[0];
    return row ? (row.document as string) : undefined;
  }

  async listFootprintsV3(query: ListFootprintsV3Query): Promise<Page> {
    const sql = listFootprintsV3Sql(query);
    return sql ? toPage(await this.#read(sql), query.limit, (r) => r.id as string) : { items: [] };
  }

  async putFootprints(records: readonly FootprintRecord[]): Promise<void> {
    try {
      this.#db.transaction(() => this.#insertFootprints(records))();
    } catch (e) {
      throw wrap(e);
    } finally {
      this.#writes++;
    }
  }

  /** Writes footprint versions inside the caller's transaction. */
  #insertFootprints(records: readonly FootprintRecord[]): void {
    const insert = this.#prepare(
      `INSERT INTO footprints (id, version, is_latest, kind, status, created_ms, updated_ms, product_category_cpc,
         geography_country, ref_period_start_ms, ref_period_end_ms, restricted, document, ${V3_COLUMNS.join(", ")})
       VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${V3_COLUMNS.map(() => "?").join(", ")})`,
    );
    const v3Value = this.#prepare(
      "INSERT INTO footprint_v3_values (seq, id, criterion, value) VALUES (?, ?, ?, ?)",
    );
    const latest = this.#prepare(
      "SELECT seq, version, status, restricted FROM footprints WHERE id = ? AND is_latest = 1",
    );
    const exists = this.#prepare("SELECT 1 FROM footprints WHERE id = ? AND is_latest = 1");
    const demote = this.#prepare("UPDATE footprints SET is_latest = 0 WHERE seq = ?");
    const productId = this.#prepare("INSERT INTO footprint_product_ids (seq, id, value) VALUES (?, ?, ?)");
    const companyId = this.#prepare("INSERT INTO footprint_company_ids (seq, id, value) VALUES (?, ?, ?)");
    const grant = this.#prepare("INSERT INTO footprint_visibility (seq, grantee) VALUES (?, ?)");
    const inherit = this.#prepare(
      "INSERT INTO footprint_visibility (seq, grantee) SELECT ?, grantee FROM footprint_visibility WHERE seq = ?",
    );
    const batchIds = new Set(records.map((r) => r.document.id));
    for (const record of records) {
      const w = footprintWrite(record);
      const c = w.columns;
      const current = latest.get(c.id) as
        | { seq: number; version: number; status: string; restricted: number }
        | undefined;
      if (current) checkNewVersion(c.id, c.version, current);
      const missing = precedingPfIds(record.document).filter(
        (id) => !batchIds.has(id) && exists.get(id) === undefined,
      );
      if (missing.length > 0) throw new UnknownReferenceError(c.id, missing);
      if (current) demote.run(current.seq);
      const grantees = granteeKeys(record.visibility);
      const inherited = record.visibility === undefined && current !== undefined;
      const restricted = inherited ? current.restricted : grantees.length > 0 ? 1 : 0;
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
        restricted,
        w.text,
        ...v3ColumnValues(w),
      );
      for (const [criterion, v] of w.v3Values) v3Value.run(lastInsertRowid, c.id, criterion, v);
      for (const v of new Set(c.productIds)) productId.run(lastInsertRowid, c.id, v);
      for (const v of new Set(c.companyIds)) companyId.run(lastInsertRowid, c.id, v);
      if (inherited) inherit.run(lastInsertRowid, current.seq);
      else for (const g of grantees) grant.run(lastInsertRowid, g);
    }
  }

  async putTad(records: readonly TadRecord[]): Promise<void> {
    const find = this.#prepare("SELECT seq, document FROM tad WHERE activity_id = ?");
    const insert = this.#prepare("INSERT INTO tad (activity_id, restricted, document) VALUES (?, ?, ?)");
    const update = this.#prepare("UPDATE tad SET document = ? WHERE seq = ?");
    // The replaced document's entries, found through the lookup index (there is no seq index).
    const clearValue = this.#prepare("DELETE FROM tad_values WHERE path = ? AND value = ? AND seq = ?");
    const value = this.#prepare("INSERT INTO tad_values (seq, path, value) VALUES (?, ?, ?)");
    try {
      this.#db.transaction(() => {
        for (const record of records) {
          const activityId = record.document.activityId;
          if (typeof activityId !== "string") throw new TypeError("TAD needs a string activityId");
          const grantees = granteeKeys(record.visibility);
          const text = canonicalJson(record.document);
          const existing = find.get(activityId) as { seq: number; document: string } | undefined;
          let seq: number | bigint;
          if (existing) {
            seq = existing.seq;
            update.run(text, seq);
            for (const e of tadIndexEntries(JSON.parse(existing.document)))
              clearValue.run(e.path, e.value, seq);
            if (record.visibility !== undefined) this.#replaceTadGrants(seq, grantees);
          } else {
            seq = insert.run(activityId, grantees.length > 0 ? 1 : 0, text).lastInsertRowid;
            this.#replaceTadGrants(seq, grantees);
          }
          for (const entry of tadIndexEntries(record.document)) value.run(seq, entry.path, entry.value);
        }
      })();
    } catch (e) {
      throw wrap(e);
    } finally {
      this.#writes++;
    }
  }

  #replaceTadGrants(seq: number | bigint, grantees: readonly string[]): void {
    this.#prepare("DELETE FROM tad_visibility WHERE seq = ?").run(seq);
    this.#prepare("UPDATE tad SET restricted = ? WHERE seq = ?").run(grantees.length > 0 ? 1 : 0, seq);
    const grant = this.#prepare("INSERT INTO tad_visibility (seq, grantee) VALUES (?, ?)");
    for (const g of grantees) grant.run(seq, g);
  }

  async latestFootprints(ids: readonly string[]): Promise<Map<string, StoredFootprint>> {
    const out = new Map<string, StoredFootprint>();
    try {
      for (const chunk of chunks([...new Set(ids)])) {
        const rows = this.#all(latestFootprintsSql(chunk));
        const grantees = new Map<number, string[]>();
        for (const seqs of chunks(rows.map((r) => r.seq as number))) {
          for (const g of this.#all(footprintGranteesSql(seqs))) {
            const list = grantees.get(g.seq as number) ?? [];
            list.push(g.grantee as string);
            grantees.set(g.seq as number, list);
          }
        }
        for (const r of rows) {
          out.set(r.id as string, {
            id: r.id as string,
            version: r.version as number,
            status: r.status as string,
            document: r.document as string,
            visibility: visibilityOf(grantees.get(r.seq as number) ?? []),
          });
        }
      }
    } catch (e) {
      throw wrap(e);
    }
    return out;
  }

  async latestFootprintsByProductIds(productIds: readonly string[]): Promise<string[]> {
    const seen = new Set<string>();
    for (const chunk of chunks([...new Set(productIds)])) {
      for (const r of this.#all(latestFootprintsByProductIdsSql(chunk))) seen.add(r.document as string);
    }
    return [...seen];
  }

  async footprintVersions(keys: readonly FootprintVersionRef[]): Promise<Map<string, string>> {
    const find = this.#prepare("SELECT document FROM footprints WHERE id = ? AND version = ?").pluck();
    const out = new Map<string, string>();
    try {
      for (const { id, version } of keys) {
        const document = find.get(id, version) as string | undefined;
        if (document !== undefined) out.set(footprintVersionKey(id, version), document);
      }
    } catch (e) {
      throw wrap(e);
    }
    return out;
  }

  async deprecateFootprint(id: string, change: Deprecation): Promise<string | undefined> {
    const latest = this.#prepare(
      "SELECT seq, kind, version, status, authored, document FROM footprints WHERE id = ? AND is_latest = 1",
    );
    try {
      return this.#db.transaction((): string | undefined => {
        const row = latest.get(id) as
          | {
              seq: number;
              kind: FootprintRecord["kind"];
              version: number;
              status: string;
              authored: string;
              document: string;
            }
          | undefined;
        if (!row) return undefined;
        if (row.status === "Deprecated") {
          throw new DeprecatedFootprintError(`footprint ${id} is already deprecated`, {
            id,
            currentVersion: row.version,
          });
        }
        const stored = JSON.parse(row.document) as Record<string, unknown>;
        const v3 = row.authored === "3";
        const document = v3 ? deprecatedV3Document(stored) : deprecatedDocument(stored, change);
        // Same transaction; the new version inherits the visibility.
        this.#insertFootprints([{ document, kind: row.kind, ...(v3 ? { version: row.version + 1 } : {}) }]);
        return canonicalJson(document);
      })();
    } catch (e) {
      throw wrap(e);
    } finally {
      this.#writes++;
    }
  }

  async setFootprintVisibility(id: string, visibility: Visibility): Promise<boolean> {
    const grantees = granteeKeys(visibility);
    try {
      return this.#db.transaction((): boolean => {
        const seqs = (
          this.#prepare("SELECT seq FROM footprints WHERE id = ?").all(id) as { seq: number }[]
        ).map((r) => r.seq);
        const clear = this.#prepare("DELETE FROM footprint_visibility WHERE seq = ?");
        const mark = this.#prepare("UPDATE footprints SET restricted = ? WHERE seq = ?");
        const grant = this.#prepare("INSERT INTO footprint_visibility (seq, grantee) VALUES (?, ?)");
        for (const seq of seqs) {
          clear.run(seq);
          mark.run(grantees.length > 0 ? 1 : 0, seq);
          for (const g of grantees) grant.run(seq, g);
        }
        return seqs.length > 0;
      })();
    } catch (e) {
      throw wrap(e);
    } finally {
      this.#writes++;
    }
  }

  async setTadVisibility(activityId: string, visibility: Visibility): Promise<boolean> {
    try {
      return this.#db.transaction((): boolean => {
        const row = this.#prepare("SELECT seq FROM tad WHERE activity_id = ?").get(activityId) as
          | { seq: number }
          | undefined;
        if (!row) return false;
        this.#replaceTadGrants(row.seq, granteeKeys(visibility));
        return true;
      })();
    } catch (e) {
      throw wrap(e);
    } finally {
      this.#writes++;
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
    } finally {
      this.#writes++;
    }
  }

  /**
   * Refreshes the query planner's statistics (`ANALYZE`). Call it after a bulk import: without
   * statistics SQLite cannot tell a selective range filter from a broad one and may walk a whole
   * index instead of sorting a few matches.
   */
  async analyze(): Promise<void> {
    try {
      this.#db.exec("ANALYZE");
    } catch (e) {
      throw wrap(e);
    } finally {
      this.#writes++;
    }
  }

  /** Number of stored footprint versions (all versions, every kind). */
  async countFootprints(): Promise<number> {
    return (this.#prepare("SELECT COUNT(*) AS n FROM footprints").get() as { n: number }).n;
  }

  /**
   * Our own write count (every write method bumps it, whether it committed or not) and `PRAGMA
   * data_version` (changes whenever another connection or process commits to the file; it does
   * not change for this connection's own commits): together they change with every commit that
   * may affect a read. One pragma per call — `total_changes()` in SQL besides cost as much again.
   */
  dataVersion(): string {
    this.#version ??= this.#db.prepare("PRAGMA data_version").pluck();
    return `${this.#writes}:${this.#version.get() as number}`;
  }

  async ping(): Promise<void> {
    try {
      this.#prepare("SELECT 1").get();
    } catch (e) {
      throw wrap(e);
    }
  }

  async close(): Promise<void> {
    await this.#readers?.close();
    if (this.#db.open) this.#db.close();
  }
}

function wrap(e: unknown): Error {
  if (
    e instanceof StoreUnavailableError ||
    e instanceof InvalidPagePositionError ||
    e instanceof VersionConflictError ||
    e instanceof UnknownReferenceError
  )
    return e;
  const code = (e as { code?: string }).code ?? "";
  if (
    /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY)/.test(code) ||
    (e as Error).message?.includes("not open")
  ) {
    return new StoreUnavailableError(`embedded store unavailable (${code || (e as Error).message})`);
  }
  return e instanceof Error ? e : new Error(String(e));
}
