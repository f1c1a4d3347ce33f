import pg from "pg";
import type { Principal } from "../../auth/principal.ts";
import { tadIndexEntries } from "../../protocol/tad-filter.ts";
import { canonicalJson } from "../canonical-json.ts";
import {
  checkNewVersion,
  deprecatedDocument,
  getFootprintSql,
  granteeKeys,
  listFootprintsSql,
  listTadSql,
  precedingPfIds,
  type Sql,
  toPage,
  visibilityOf,
} from "../sql/queries.ts";
import { MIGRATIONS, POSTGRES_DIALECT } from "../sql/schema.ts";
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
  type ListFootprintsQuery,
  type ListFootprintsV3Query,
  type ListTadQuery,
  type Page,
  type Store,
  type StoredFootprint,
  StoreUnavailableError,
  type TadRecord,
  UnknownReferenceError,
  type Visibility,
} from "../store.ts";
import { isConnectionBroken, isDeadConnection, isRetryableConflict, toStoreError } from "./errors.ts";
import { toPgPlaceholders } from "./placeholders.ts";

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database?…` (libpq-style URL or key/value string). */
  readonly connectionString: string;
  /** Most pooled connections held by this process. Default 10. */
  readonly poolMax?: number;
  /**
   * Server-side `statement_timeout` of every pooled connection, in ms; a slower statement fails
   * with {@link StoreUnavailableError}. The driver also gives up reading a reply after this time
   * plus one second (a server that vanished without closing the socket). 0 disables both.
   * Default 5000.
   */
  readonly statementTimeoutMs?: number;
  /** Longest wait for a new connection or a free pooled one, in ms. Default 5000. */
  readonly connectionTimeoutMs?: number;
  /** Idle pooled connections are closed after this many ms. Default 30000. */
  readonly idleTimeoutMs?: number;
  /**
   * Apply pending migrations in {@link PostgresStore.open} (safe with several instances starting
   * at once: an advisory lock serializes them). When false, `open()` only checks that the
   * database schema is current and fails otherwise. Default true.
   */
  readonly migrate?: boolean;
  /** `application_name` shown in `pg_stat_activity`. Default `ileap-ts`. */
  readonly applicationName?: string;
  /**
   * Called with errors of idle pooled connections (e.g. the server shut down). Default: ignored;
   * the pool drops the broken connection and opens a new one on demand.
   */
  readonly onPoolError?: (error: Error) => void;
}

/** Advisory lock key (single bigint form) held while migrating: "ileap-ts" in ASCII. */
const MIGRATION_LOCK_KEY = "7596558140635444339";
/** First key of the two-int advisory lock namespace that serializes writers of one footprint id. */
const FOOTPRINT_LOCK_NAMESPACE = 0x696c6561;
/** First key of the two-int advisory lock namespace that serializes writers of one TAD activityId. */
const TAD_LOCK_NAMESPACE = 0x696c6562;
/** Times a transaction is run again after a deadlock or serialization failure. */
const CONFLICT_RETRIES = 3;

type Row = Record<string, unknown>;
type Param = string | number | null | readonly (string | number | null)[];
/** Runs one statement (numbered `$n` placeholders) inside the current transaction. */
type Query = (text: string, params?: readonly Param[]) => Promise<Row[]>;

/** Thrown by `open()` with `migrate: false` when the database schema is not the one this build needs. */
export class SchemaOutOfDateError extends Error {
  override readonly name = "SchemaOutOfDateError";
}

/**
 * The production store: a pooled `pg` connection to PostgreSQL, the same versioned migrations and
 * SQL as the SQLite store, batches in transactions, and availability problems (server down,
 * restarting, overloaded, timed out) reported as {@link StoreUnavailableError}. The pool heals by
 * itself: broken connections are dropped and new ones opened on demand once the server is back.
 */
export class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  readonly #options: PostgresStoreOptions;
  /** Pooled connections that completed a call (a later failure on one may just mean it went stale). */
  readonly #served = new WeakSet<pg.PoolClient>();
  #opened = false;
  #closed = false;

  /** Builds the pool without connecting; call {@link open} (or use {@link PostgresStore.connect}). */
  constructor(options: PostgresStoreOptions) {
    this.#options = options;
    const statementTimeoutMs = options.statementTimeoutMs ?? 5000;
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
      idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
      // 0 disables both (the server's own default then applies).
      ...(statementTimeoutMs > 0
        ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + 1000 }
        : {}),
      application_name: options.applicationName ?? "ileap-ts",
      keepAlive: true,
    });
    // Without a listener an idle connection's error (server shutdown) would crash the process.
    this.#pool.on("error", (error) => options.onPoolError?.(error));
  }

  /** Creates a store and opens it (migrations per `options.migrate`); closes the pool on failure. */
  static async connect(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(options);
    try {
      await store.open();
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  /**
   * Prepares the database: applies pending migrations (or, with `migrate: false`, checks that none
   * is pending). Rejects with {@link StoreUnavailableError} when the server cannot be reached and
   * with {@link SchemaOutOfDateError} when the schema is behind and migrations are disabled.
   */
  async open(): Promise<this> {
    if (this.#opened) return this;
    if (this.#options.migrate ?? true) await this.migrate();
    else {
      const pending = await this.pendingMigrations();
      if (pending.length > 0) {
        throw new SchemaOutOfDateError(
          `the database schema lacks migration(s) ${pending.join(", ")}; run \`ileap db migrate\` or enable migrations at start-up`,
        );
      }
    }
    this.#opened = true;
    return this;
  }

  /**
   * Applies every pending migration, each in its own transaction under an advisory lock (several
   * instances may call this at once; each migration runs exactly once). Uses a dedicated
   * connection without statement timeout. Resolves with the versions it applied (for
   * `ileap db migrate`).
   */
  async migrate(): Promise<number[]> {
    const client = await this.#dedicatedClient();
    const applied: number[] = [];
    try {
      for (;;) {
        await client.query("BEGIN");
        try {
          await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
          await client.query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
          );
          const done = new Set(
            (await client.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map(
              (r) => r.version,
            ),
          );
          const next = MIGRATIONS.find((m) => !done.has(m.version));
          if (!next) {
            await client.query("COMMIT");
            await renderPending(client);
            return applied;
          }
          for (const statement of next.statements(POSTGRES_DIALECT)) await client.query(statement);
          await client.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", [
            next.version,
            new Date().toISOString(),
          ]);
          await client.query("COMMIT");
          applied.push(next.version);
        } catch (e) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw e;
        }
      }
    } catch (e) {
      throw toStoreError(e);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Versions of {@link MIGRATIONS} not yet applied to the database. */
  async pendingMigrations(): Promise<number[]> {
    const client = await this.#dedicatedClient();
    try {
      const exists = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations') AS t");
      const done = new Set<number>();
      if (exists.rows[0]?.t) {
        const rows = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
        for (const r of rows.rows) done.add(r.version);
      }
      return MIGRATIONS.filter((m) => !done.has(m.version)).map((m) => m.version);
    } catch (e) {
      throw toStoreError(e);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async #dedicatedClient(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      connectionTimeoutMillis: this.#options.connectionTimeoutMs ?? 5000,
      application_name: `${this.#options.applicationName ?? "ileap-ts"} (maintenance)`,
    });
    client.on("error", () => undefined); // Reported through the pending query instead.
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => undefined);
      throw toStoreError(e);
    }
    return client;
  }

  /** Checks a connection out of the pool; any failure becomes {@link StoreUnavailableError}. */
  async #checkout(): Promise<pg.PoolClient> {
    if (this.#closed) throw new StoreUnavailableError("PostgreSQL store is closed");
    try {
      return await this.#pool.connect();
    } catch (e) {
      throw new StoreUnavailableError(`PostgreSQL store unavailable (${describe(e)})`, { cause: e });
    }
  }

  /**
   * Runs `work` on one pooled connection and gives it back; a connection that failed at the
   * transport level (or that `work` marks as broken) is destroyed instead. Driver errors propagate
   * unchanged (a failed checkout as {@link StoreUnavailableError}); `attempt.reused` tells whether
   * the connection had served earlier calls, i.e. may have gone stale while idle in the pool.
   */
  async #onClient<T>(
    work: (client: pg.PoolClient, markBroken: () => void) => Promise<T>,
    attempt: { reused: boolean },
  ): Promise<T> {
    const client = await this.#checkout();
    attempt.reused = this.#served.has(client);
    // A checked-out connection that errors while no query runs would otherwise crash the process.
    const onError = (): void => undefined;
    client.on("error", onError);
    let broken = false;
    try {
      return await work(client, () => {
        broken = true;
      });
    } catch (e) {
      if (isConnectionBroken(e)) broken = true;
      throw e;
    } finally {
      client.off("error", onError);
      if (!broken) this.#served.add(client);
      client.release(broken ? true : undefined);
    }
  }

  /**
   * Whether a failed call may run again on another connection: the connection it used had been
   * idle in the pool and turned out dead at once (the server restarted or terminated it
   * meanwhile). A fresh connection failing, or any timeout, means the server is really
   * unavailable: no retry then. Bounded by the pool size (each dead connection is destroyed).
   */
  #mayRetryStale(e: unknown, attempt: { reused: boolean }, retries: number): boolean {
    return (
      attempt.reused &&
      !(e instanceof StoreUnavailableError) &&
      isDeadConnection(e) &&
      !this.#closed &&
      retries < (this.#options.poolMax ?? 10)
    );
  }

  /**
   * Runs an idempotent statement; on a stale pooled connection it runs again on another one.
   */
  async #runIdempotent(sql: Sql): Promise<Row[]> {
    const { text } = toPgPlaceholders(sql.text);
    for (let retries = 0; ; retries++) {
      const attempt = { reused: false };
      try {
        return await this.#onClient(
          async (client) => (await client.query<Row>(text, [...sql.params])).rows,
          attempt,
        );
      } catch (e) {
        if (this.#mayRetryStale(e, attempt, retries)) continue;
        throw toStoreError(e);
      }
    }
  }

  /**
   * Runs `work` in one transaction (all or nothing). A deadlock or serialization failure reruns the
   * whole transaction (up to {@link CONFLICT_RETRIES} times); a stale pooled connection found
   * broken at `BEGIN` (nothing done yet) is replaced by another one. Errors thrown by `work` roll
   * back and propagate (typed store errors unchanged, availability problems as
   * {@link StoreUnavailableError}).
   */
  async #transaction<T>(work: (q: Query) => Promise<T>): Promise<T> {
    let conflicts = 0;
    for (let staleRetries = 0; ; ) {
      const attempt = { reused: false };
      let begun = false;
      try {
        return await this.#onClient(async (client, markBroken) => {
          await client.query("BEGIN");
          begun = true;
          try {
            const result = await work(
              async (text, params = []) => (await client.query<Row>(text, [...params])).rows,
            );
            await client.query("COMMIT");
            return result;
          } catch (e) {
            if (!isConnectionBroken(e)) await client.query("ROLLBACK").catch(markBroken);
            throw e;
          }
        }, attempt);
      } catch (e) {
        if (!begun && this.#mayRetryStale(e, attempt, staleRetries)) {
          staleRetries += 1;
          continue;
        }
        if (isRetryableConflict(e) && conflicts < CONFLICT_RETRIES) {
          conflicts += 1;
          continue;
        }
        throw toStoreError(e);
      }
    }
  }

  async getFootprint(id: string, principal: Principal): Promise<string | undefined> {
    const sql = getFootprintSql(id, principal);
    if (holdsNul(sql.params)) return undefined;
    const row = (await this.#runIdempotent(sql))[0];
    return row ? (row.document as string) : undefined;
  }

  async listFootprints(query: ListFootprintsQuery): Promise<Page> {
    const sql = listFootprintsSql(query);
    if (holdsNul(sql.params)) return { items: [] };
    return toPage(await this.#runIdempotent(sql), query.limit, (r) => r.id as string);
  }

  async listTad(query: ListTadQuery): Promise<Page> {
    const sql = listTadSql(query);
    if (!sql || holdsNul(sql.params)) return { items: [] };
    return toPage(await this.#runIdempotent(sql), query.limit, (r) => String(r.seq));
  }

  async getFootprintV3(id: string, principal: Principal): Promise<string | undefined> {
    const sql = getFootprintV3Sql(id, principal);
    if (holdsNul(sql.params)) return undefined;
    const row = (await this.#runIdempotent(sql))[0];
    return row ? (row.document as string) : undefined;
  }

  async listFootprintsV3(query: ListFootprintsV3Query): Promise<Page> {
    const sql = listFootprintsV3Sql(query);
    if (!sql || holdsNul(sql.params)) return { items: [] };
    return toPage(await this.#runIdempotent(sql), query.limit, (r) => r.id as string);
  }

  async putFootprints(records: readonly FootprintRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.#transaction((q) => this.#insertFootprints(q, records));
  }

  /** Writes footprint versions inside the caller's transaction (see {@link Store.putFootprints}). */
  async #insertFootprints(q: Query, records: readonly FootprintRecord[]): Promise<void> {
    const prepared = records.map((record) => {
      const w = footprintWrite(record);
      const c = w.columns;
      const grantees = record.visibility === undefined ? undefined : granteeKeys(record.visibility);
      const productIds = [...new Set(c.productIds)];
      const companyIds = [...new Set(c.companyIds)];
      const nul = [
        c.id,
        record.kind,
        c.status,
        c.productCategoryCpc,
        c.geographyCountry,
        ...productIds,
        ...companyIds,
        ...(grantees ?? []),
        ...w.v3Values.map(([, v]) => v),
      ];
      if (holdsNul(nul))
        throw new TypeError(`footprint ${JSON.stringify(c.id)}: U+0000 cannot be stored in an indexed field`);
      return { record, w, c, grantees, productIds, companyIds, text: w.text };
    });
    const ids = [...new Set(prepared.map((p) => p.c.id))];
    const lastIndex = new Map<string, number>();
    for (const [i, p] of prepared.entries()) lastIndex.set(p.c.id, i);
    // Writers of the same ids queue up here (in one global order, so they cannot deadlock).
    await q(
      `SELECT pg_advisory_xact_lock(${FOOTPRINT_LOCK_NAMESPACE}, h)
         FROM (SELECT DISTINCT hashtext(x) AS h FROM unnest($1::text[]) AS x) s ORDER BY h`,
      [ids],
    );
    const stored = await q(
      "SELECT seq, id, version, status FROM footprints WHERE id = ANY($1::text[]) AND is_latest = 1",
      [ids],
    );
    const current = new Map<string, { version: number; status: string; grantees?: string[] }>(
      stored.map((r) => [r.id as string, { version: r.version as number, status: r.status as string }]),
    );
    // A new version without visibility keeps the visibility of the version it replaces.
    const inheritFrom = stored.filter((r) =>
      prepared.some((p) => p.c.id === r.id && p.grantees === undefined),
    );
    if (inheritFrom.length > 0) {
      const seqId = new Map(inheritFrom.map((r) => [String(r.seq), r.id as string]));
      const rows = await q("SELECT seq, grantee FROM footprint_visibility WHERE seq = ANY($1::bigint[])", [
        [...seqId.keys()],
      ]);
      for (const id of seqId.values()) {
        const head = current.get(id);
        if (head) head.grantees = [];
      }
      for (const r of rows) current.get(seqId.get(String(r.seq)) ?? "")?.grantees?.push(r.grantee as string);
    }
    const demote = ids.filter((id) => current.has(id));
    const effective: string[][] = [];
    for (const p of prepared) {
      const head = current.get(p.c.id);
      if (head) checkNewVersion(p.c.id, p.c.version, head);
      const grantees = p.grantees ?? head?.grantees ?? [];
      effective.push(grantees);
      current.set(p.c.id, { version: p.c.version, status: p.c.status, grantees });
    }
    const batchIds = new Set(ids);
    const referenced = [
      ...new Set(
        prepared.flatMap((p) => precedingPfIds(p.record.document)).filter((id) => !batchIds.has(id)),
      ),
    ];
    if (referenced.length > 0) {
      const found = new Set(
        (
          await q("SELECT id FROM footprints WHERE id = ANY($1::text[]) AND is_latest = 1", [
            referenced.filter((id) => !id.includes("\u0000")),
          ])
        ).map((r) => r.id as string),
      );
      for (const p of prepared) {
        const missing = precedingPfIds(p.record.document).filter((id) => !batchIds.has(id) && !found.has(id));
        if (missing.length > 0) throw new UnknownReferenceError(p.c.id, missing);
      }
    }
    if (demote.length > 0) {
      await q("UPDATE footprints SET is_latest = 0 WHERE id = ANY($1::text[]) AND is_latest = 1", [demote]);
    }
    const columnValues = prepared.map((p) => v3ColumnValues(p.w));
    const inserted = await q(
      `INSERT INTO footprints (id, version, is_latest, kind, status, created_ms, updated_ms, product_category_cpc,
         geography_country, ref_period_start_ms, ref_period_end_ms, restricted, document, ${V3_COLUMNS.join(", ")})
       SELECT * FROM unnest($1::text[], $2::integer[], $3::integer[], $4::text[], $5::text[], $6::bigint[],
         $7::bigint[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::integer[], ${JOINED_TEXTS("$13")},
         ${V3_COLUMNS.map((c, i) => (V3_DOCUMENT_COLUMNS.has(c) ? JOINED_TEXTS(`$${14 + i}`) : `$${14 + i}::${V3_COLUMN_TYPES[i]}[]`)).join(", ")})
       RETURNING seq, id, version`,
      [
        prepared.map((p) => p.c.id),
        prepared.map((p) => p.c.version),
        prepared.map((p, i) => (lastIndex.get(p.c.id) === i ? 1 : 0)),
        prepared.map((p) => p.record.kind),
        prepared.map((p) => p.c.status),
        prepared.map((p) => p.c.createdMs),
        prepared.map((p) => p.c.updatedMs),
        prepared.map((p) => p.c.productCategoryCpc),
        prepared.map((p) => p.c.geographyCountry),
        prepared.map((p) => p.c.refPeriodStartMs),
        prepared.map((p) => p.c.refPeriodEndMs),
        effective.map((g) => (g.length > 0 ? 1 : 0)),
        joinTexts(prepared.map((p) => p.text)),
        ...V3_COLUMNS.map((c, k) => {
          const values = columnValues.map((v) => v[k] ?? null);
          return V3_DOCUMENT_COLUMNS.has(c) ? joinTexts(values as (string | null)[]) : values;
        }),
      ],
    );
    const seqOf = new Map(inserted.map((r) => [`${r.version as number}:${r.id as string}`, r.seq as string]));
    const side = { product: pairs(), company: pairs(), grant: pairs() };
    const v3 = { seq: [] as string[], id: [] as string[], criterion: [] as string[], value: [] as string[] };
    for (const [i, p] of prepared.entries()) {
      const seq = seqOf.get(`${p.c.version}:${p.c.id}`);
      if (seq === undefined) throw new Error(`footprint ${p.c.id}: inserted row not returned`);
      for (const [criterion, v] of p.w.v3Values) {
        v3.seq.push(seq);
        v3.id.push(p.c.id);
        v3.criterion.push(criterion);
        v3.value.push(v);
      }
      for (const v of p.productIds) side.product.add(seq, v, p.c.id);
      for (const v of p.companyIds) side.company.add(seq, v, p.c.id);
      for (const g of effective[i] ?? []) side.grant.add(seq, g);
    }
    await insertPairs(q, "footprint_product_ids", "value", side.product);
    await insertPairs(q, "footprint_company_ids", "value", side.company);
    await insertPairs(q, "footprint_visibility", "grantee", side.grant);
    if (v3.seq.length > 0) {
      await q(
        `INSERT INTO footprint_v3_values (seq, id, criterion, value)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])`,
        [v3.seq, v3.id, v3.criterion, v3.value],
      );
    }
  }

  async putTad(records: readonly TadRecord[]): Promise<void> {
    if (records.length === 0) return;
    // The same activityId twice in a batch: the last document wins, at the first one's position.
    const byActivity = new Map<
      string,
      { text: string; grantees: string[] | undefined; entries: { path: string; value: string }[] }
    >();
    for (const record of records) {
      const activityId = record.document.activityId;
      if (typeof activityId !== "string") throw new TypeError("TAD needs a string activityId");
      const grantees = record.visibility === undefined ? undefined : granteeKeys(record.visibility);
      if (holdsNul([activityId, ...(grantees ?? [])])) {
        throw new TypeError(`TAD ${JSON.stringify(activityId)}: U+0000 cannot be stored in an indexed field`);
      }
      // PostgreSQL text cannot hold U+0000; such a value could never be matched by a filter anyway.
      const entries = tadIndexEntries(record.document).filter((e) => !holdsNul([e.path, e.value]));
      // The same activityId twice: a later record without visibility keeps the earlier one's.
      const earlier = byActivity.get(activityId)?.grantees;
      byActivity.set(activityId, {
        text: canonicalJson(record.document),
        grantees: grantees ?? earlier,
        entries,
      });
    }
    const activityIds = [...byActivity.keys()];
    const rows = [...byActivity.values()];
    await this.#transaction(async (q) => {
      // Writers of the same activity ids queue up here (one global order: no deadlock), so the
      // documents read below are the ones this transaction replaces.
      await q(
        `SELECT pg_advisory_xact_lock(${TAD_LOCK_NAMESPACE}, h)
           FROM (SELECT DISTINCT hashtext(x) AS h FROM unnest($1::text[]) AS x) s ORDER BY h`,
        [activityIds],
      );
      const replaced = await q(
        "SELECT seq, activity_id, restricted, document FROM tad WHERE activity_id = ANY($1::text[])",
        [activityIds],
      );
      // A replacement without visibility keeps the stored record's (restricted flag and grants).
      const storedRestricted = new Map(
        replaced.map((r) => [r.activity_id as string, r.restricted as number]),
      );
      const upserted = await q(
        `INSERT INTO tad (activity_id, restricted, document)
         SELECT * FROM unnest($1::text[], $2::integer[], ${JOINED_TEXTS("$3")})
         ON CONFLICT (activity_id) DO UPDATE SET restricted = EXCLUDED.restricted, document = EXCLUDED.document
         RETURNING seq, activity_id`,
        [
          activityIds,
          activityIds.map((a, i) => {
            const grantees = rows[i]?.grantees;
            return grantees === undefined ? (storedRestricted.get(a) ?? 0) : grantees.length > 0 ? 1 : 0;
          }),
          joinTexts(rows.map((r) => r.text)),
        ],
      );
      const seqOf = new Map(upserted.map((r) => [r.activity_id as string, r.seq as string]));
      const regrant = activityIds
        .filter((a) => byActivity.get(a)?.grantees !== undefined && storedRestricted.has(a))
        .map((a) => seqOf.get(a) as string);
      if (replaced.length > 0) {
        // The replaced documents' entries, found through the lookup index (there is no seq index).
        const old = { seq: [] as string[], path: [] as string[], value: [] as string[] };
        for (const r of replaced) {
          for (const e of tadIndexEntries(JSON.parse(r.document as string))) {
            if (holdsNul([e.path, e.value])) continue;
            old.seq.push(String(r.seq));
            old.path.push(e.path);
            old.value.push(e.value);
          }
        }
        await q(
          `DELETE FROM tad_values x USING unnest($1::text[], $2::text[], $3::bigint[]) AS o(path, value, seq)
            WHERE x.path = o.path AND x.value = o.value AND x.seq = o.seq`,
          [old.path, old.value, old.seq],
        );
      }
      if (regrant.length > 0) await q("DELETE FROM tad_visibility WHERE seq = ANY($1::bigint[])", [regrant]);
      const values = { seq: [] as string[], path: [] as string[], value: [] as string[] };
      const grants = pairs();
      for (const [activityId, row] of byActivity) {
        const seq = seqOf.get(activityId);
        if (seq === undefined) throw new Error(`TAD ${activityId}: upserted row not returned`);
        for (const e of row.entries) {
          values.seq.push(seq);
          values.path.push(e.path);
          values.value.push(e.value);
        }
        for (const g of row.grantees ?? []) grants.add(seq, g);
      }
      if (values.seq.length > 0) {
        // About 30 entries per record: joined texts where they round-trip (see textColumn).
        const [path, pathParam] = textColumn("$2", values.path);
        const [value, valueParam] = textColumn("$3", values.value);
        await q(
          `INSERT INTO tad_values (seq, path, value)
             SELECT * FROM unnest(string_to_array($1::text, ',')::bigint[], ${path}, ${value})`,
          [values.seq.join(","), pathParam, valueParam],
        );
      }
      await insertPairs(q, "tad_visibility", "grantee", grants);
    });
  }

  async latestFootprints(ids: readonly string[]): Promise<Map<string, StoredFootprint>> {
    const out = new Map<string, StoredFootprint>();
    const wanted = [...new Set(ids)].filter((id) => !id.includes("\u0000"));
    if (wanted.length === 0) return out;
    const rows = await this.#runIdempotentText(
      `SELECT f.id, f.version, f.status, f.document,
              COALESCE((SELECT array_agg(v.grantee) FROM footprint_visibility v WHERE v.seq = f.seq), '{}') AS grantees
         FROM footprints f WHERE f.id = ANY($1::text[]) AND f.is_latest = 1`,
      [wanted],
    );
    for (const r of rows) {
      out.set(r.id as string, {
        id: r.id as string,
        version: r.version as number,
        status: r.status as string,
        document: r.document as string,
        visibility: visibilityOf(r.grantees as string[]),
      });
    }
    return out;
  }

  async latestFootprintsByProductIds(productIds: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(productIds)].filter((id) => !id.includes("\u0000"));
    if (wanted.length === 0) return [];
    const rows = await this.#runIdempotentText(
      `SELECT f.document FROM footprints f WHERE f.is_latest = 1
         AND f.seq IN (SELECT x.seq FROM footprint_product_ids x WHERE x.value = ANY($1::text[]))`,
      [wanted],
    );
    return rows.map((r) => r.document as string);
  }

  async footprintVersions(keys: readonly FootprintVersionRef[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const wanted = keys.filter((k) => !k.id.includes("\u0000") && Number.isInteger(k.version));
    if (wanted.length === 0) return out;
    const rows = await this.#runIdempotentText(
      `SELECT f.id, f.version, f.document FROM footprints f
         JOIN unnest($1::text[], $2::int[]) AS k (id, version) ON f.id = k.id AND f.version = k.version`,
      [wanted.map((k) => k.id), wanted.map((k) => k.version)],
    );
    for (const r of rows)
      out.set(footprintVersionKey(r.id as string, r.version as number), r.document as string);
    return out;
  }

  async deprecateFootprint(id: string, change: Deprecation): Promise<string | undefined> {
    if (id.includes("\u0000")) return undefined;
    return this.#transaction(async (q) => {
      await q(`SELECT pg_advisory_xact_lock(${FOOTPRINT_LOCK_NAMESPACE}, hashtext($1))`, [id]);
      const row = (
        await q(
          "SELECT kind, version, status, authored, document FROM footprints WHERE id = $1 AND is_latest = 1",
          [id],
        )
      )[0];
      if (!row) return undefined;
      if (row.status === "Deprecated") {
        throw new DeprecatedFootprintError(`footprint ${id} is already deprecated`, {
          id,
          currentVersion: row.version as number,
        });
      }
      const stored = JSON.parse(row.document as string) as Record<string, unknown>;
      const v3 = row.authored === "3";
      const document = v3 ? deprecatedV3Document(stored) : deprecatedDocument(stored, change);
      await this.#insertFootprints(q, [
        {
          document,
          kind: row.kind as FootprintRecord["kind"],
          ...(v3 ? { version: (row.version as number) + 1 } : {}),
        },
      ]);
      return canonicalJson(document);
    });
  }

  async setFootprintVisibility(id: string, visibility: Visibility): Promise<boolean> {
    if (id.includes("\u0000")) return false;
    const grantees = granteeKeys(visibility);
    if (holdsNul(grantees)) throw new TypeError("U+0000 cannot be stored in a visibility entry");
    return this.#transaction(async (q) => {
      await q(`SELECT pg_advisory_xact_lock(${FOOTPRINT_LOCK_NAMESPACE}, hashtext($1))`, [id]);
      const seqs = (
        await q("UPDATE footprints SET restricted = $2 WHERE id = $1 RETURNING seq", [
          id,
          grantees.length > 0 ? 1 : 0,
        ])
      ).map((r) => r.seq as string);
      if (seqs.length === 0) return false;
      await q("DELETE FROM footprint_visibility WHERE seq = ANY($1::bigint[])", [seqs]);
      const grants = pairs();
      for (const seq of seqs) for (const g of grantees) grants.add(seq, g);
      await insertPairs(q, "footprint_visibility", "grantee", grants);
      return true;
    });
  }

  async setTadVisibility(activityId: string, visibility: Visibility): Promise<boolean> {
    if (activityId.includes("\u0000")) return false;
    const grantees = granteeKeys(visibility);
    if (holdsNul(grantees)) throw new TypeError("U+0000 cannot be stored in a visibility entry");
    return this.#transaction(async (q) => {
      const row = (
        await q("UPDATE tad SET restricted = $2 WHERE activity_id = $1 RETURNING seq", [
          activityId,
          grantees.length > 0 ? 1 : 0,
        ])
      )[0];
      if (!row) return false;
      await q("DELETE FROM tad_visibility WHERE seq = $1", [row.seq as string]);
      const grants = pairs();
      for (const g of grantees) grants.add(row.seq as string, g);
      await insertPairs(q, "tad_visibility", "grantee", grants);
      return true;
    });
  }

  /** Runs an idempotent statement with `$n` placeholders and array parameters. */
  async #runIdempotentText(text: string, params: readonly Param[]): Promise<Row[]> {
    for (let retries = 0; ; retries++) {
      const attempt = { reused: false };
      try {
        return await this.#onClient(
          async (client) => (await client.query<Row>(text, [...params])).rows,
          attempt,
        );
      } catch (e) {
        if (this.#mayRetryStale(e, attempt, retries)) continue;
        throw toStoreError(e);
      }
    }
  }

  async recordInboundEvent(event: InboundEvent): Promise<void> {
    // Idempotent per (source, id), so it may safely run again after a dead pooled connection.
    await this.#runIdempotent({
      text: `INSERT INTO inbound_events (source, event_id, type, body, received_from, received_at, state)
             VALUES (?, ?, ?, ?, ?, ?, 'received') ON CONFLICT (source, event_id) DO NOTHING`,
      params: [event.source, event.id, event.type, event.body, event.receivedFrom, new Date().toISOString()],
    });
  }

  /**
   * Refreshes the planner statistics of every store table (`ANALYZE`), on a dedicated connection
   * without statement timeout. Call it after a bulk import: until autovacuum catches up, fresh
   * rows are unknown to the planner and listings may pick slow plans.
   */
  async analyze(): Promise<void> {
    const client = await this.#dedicatedClient();
    try {
      await client.query(
        "ANALYZE footprints, footprint_product_ids, footprint_company_ids, footprint_visibility, tad, tad_values, tad_visibility",
      );
    } catch (e) {
      throw toStoreError(e);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Number of stored footprint versions (all versions, every kind). */
  async countFootprints(): Promise<number> {
    const rows = await this.#runIdempotent({ text: "SELECT COUNT(*) AS n FROM footprints", params: [] });
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * The cluster's current snapshot (`xmin:xmax:in-progress xids`): every transaction that writes
   * gets an xid, so a commit anywhere (any instance, any process) either advances `xmax` or removes
   * its xid from the in-progress list. One round trip, much cheaper than a listing query.
   */
  async dataVersion(): Promise<string> {
    const rows = await this.#runIdempotent({ text: "SELECT pg_current_snapshot()::text AS v", params: [] });
    return String(rows[0]?.v);
  }

  async ping(): Promise<void> {
    await this.#runIdempotent({ text: "SELECT 1", params: [] });
  }

  /** Closes every pooled connection; later calls reject with {@link StoreUnavailableError}. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end().catch(() => undefined);
  }
}

/** Side-table rows collected for one multi-row insert: `(seq, value)`, plus the footprint `id` when given. */
interface Pairs {
  readonly seq: string[];
  readonly value: string[];
  readonly id: string[];
  add(seq: string, value: string, id?: string): void;
}

/** The columns of {@link V3_COLUMNS} holding canonical JSON texts (sent with {@link joinTexts}). */
const V3_DOCUMENT_COLUMNS: ReadonlySet<string> = new Set(["doc_v2", "doc_v3"]);

/** Separator of {@link joinTexts}: a control character, which canonical JSON never holds raw. */
const TEXT_SEPARATOR = "\u0001";

/**
 * Canonical JSON texts (or NULLs) as one text parameter, split again in SQL by
 * {@link JOINED_TEXTS}. As a `text[]` parameter the driver would write an array literal, escaping
 * every quote and backslash of every document and concatenating the results: at 1,000 documents
 * per batch that was the largest single CPU cost of an import. `JSON.stringify` writes every
 * control character inside a string as an escape and none outside one, so U+0001 never occurs in
 * canonical JSON and can separate the texts; a NULL is an empty field (canonical JSON is never
 * empty). A lone NULL joins to `''`, which splits into no element: `unnest` pads it back to NULL.
 */
function joinTexts(texts: readonly (string | null)[]): string {
  for (const t of texts) {
    if (t !== null && (t === "" || t.includes(TEXT_SEPARATOR)))
      throw new TypeError("a stored document must be canonical JSON text");
  }
  return texts.map((t) => t ?? "").join(TEXT_SEPARATOR);
}

/**
 * A `text[]` column of arbitrary texts for `unnest`: `[sql, parameter]`, the texts joined as in
 * {@link joinTexts} when that round-trips (no text holds U+0001; not one lone empty text, which
 * would split into no element), else the plain `text[]` parameter.
 */
function textColumn(param: string, texts: readonly string[]): [string, string | readonly string[]] {
  const joinable = !(texts.length === 1 && texts[0] === "") && !texts.some((t) => t.includes(TEXT_SEPARATOR));
  return joinable
    ? [`string_to_array(${param}::text, chr(1))`, texts.join(TEXT_SEPARATOR)]
    : [`${param}::text[]`, texts];
}

/** SQL splitting a {@link joinTexts} parameter back into a `text[]` (empty fields NULL). */
const JOINED_TEXTS = (param: string): string => `string_to_array(${param}::text, chr(1), '')`;

/** PostgreSQL array types of {@link V3_COLUMNS}, in order. */
const V3_COLUMN_TYPES = [
  "text",
  "text",
  "text",
  "integer",
  "integer",
  "text",
  "text",
  "integer",
  "bigint",
  "bigint",
] as const;

/**
 * Renders the rows written before migration 3 (`rendered = 0`), 500 per transaction, each batch
 * under the migration lock (several instances may start at once: a row is rendered once).
 */
async function renderPending(client: pg.Client): Promise<void> {
  const select = unrenderedSql(500);
  for (;;) {
    await client.query("BEGIN");
    try {
      await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      const rows = (
        await client.query<{ seq: string; id: string; version: number; document: string }>(
          toPgPlaceholders(select.text).text,
          [...select.params],
        )
      ).rows;
      if (rows.length === 0) {
        await client.query("COMMIT");
        return;
      }
      for (const row of rows) {
        const w = renderStoredRow(row);
        await client.query(
          `UPDATE footprints SET ${V3_COLUMNS.map((c, i) => `${c} = $${i + 1}`).join(", ")} WHERE seq = $${V3_COLUMNS.length + 1}`,
          [...v3ColumnValues(w), row.seq],
        );
        const values = w.v3Values.filter(([, v]) => !v.includes("\u0000"));
        if (values.length > 0) {
          await client.query(
            `INSERT INTO footprint_v3_values (seq, id, criterion, value)
             SELECT $1::bigint, $2::text, c, v FROM unnest($3::text[], $4::text[]) AS t (c, v)`,
            [row.seq, row.id, values.map(([c]) => c), values.map(([, v]) => v)],
          );
        }
      }
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }
}

function pairs(): Pairs {
  const seq: string[] = [];
  const value: string[] = [];
  const id: string[] = [];
  return {
    seq,
    value,
    id,
    add: (s, v, i) => {
      seq.push(s);
      value.push(v);
      if (i !== undefined) id.push(i);
    },
  };
}

async function insertPairs(q: Query, table: string, column: string, rows: Pairs): Promise<void> {
  if (rows.seq.length === 0) return;
  if (rows.id.length > 0) {
    await q(
      `INSERT INTO ${table} (seq, ${column}, id) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`,
      [rows.seq, rows.value, rows.id],
    );
    return;
  }
  await q(`INSERT INTO ${table} (seq, ${column}) SELECT * FROM unnest($1::bigint[], $2::text[])`, [
    rows.seq,
    rows.value,
  ]);
}

function describe(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message || e.name : String(e);
  return typeof code === "string" && code !== "" ? `${code}: ${message}` : message;
}

function holdsNul(values: readonly unknown[]): boolean {
  return values.some((v) => typeof v === "string" && v.includes("\u0000"));
}
