import { TAD_ALIAS_PREFIX, TAD_AMBIGUOUS_NAMES, tadAliasPath } from "../../protocol/tad-filter.ts";

/**
 * Versioned migrations of the relational store. Each entry runs once, in order, inside a
 * transaction; the applied versions are kept in `schema_migrations`. The DDL is portable between
 * SQLite and PostgreSQL except for the pieces the {@link Dialect} supplies.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  /** Statements, given the dialect's column types. */
  readonly statements: (dialect: Dialect) => readonly string[];
}

/** The column types (and the few statements) that differ between SQLite and PostgreSQL. */
export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /** Auto-increment primary key column (`INTEGER PRIMARY KEY AUTOINCREMENT`, `BIGSERIAL PRIMARY KEY`). */
  readonly serialKey: string;
  /**
   * Text column that is ordered or range-compared (`ORDER BY f.id`, `f.id > ?`,
   * `productCategoryCpc lt '…'`): byte order in both dialects, so listings and comparisons behave
   * the same whatever the PostgreSQL database's default locale is (SQLite's BINARY collation is
   * byte order already), and indexes do not depend on the C library's locale data.
   */
  readonly orderedText: string;
}

/** SQLite column types. */
export const SQLITE_DIALECT: Dialect = {
  name: "sqlite",
  serialKey: "INTEGER PRIMARY KEY AUTOINCREMENT",
  orderedText: "TEXT",
};

/** PostgreSQL column types. */
export const POSTGRES_DIALECT: Dialect = {
  name: "postgres",
  serialKey: "BIGSERIAL PRIMARY KEY",
  orderedText: 'TEXT COLLATE "C"',
};

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "footprints, TAD, visibility, inbound events",
    statements: ({ serialKey, orderedText }) => [
      `CREATE TABLE footprints (
        seq ${serialKey},
        id ${orderedText} NOT NULL,
        version INTEGER NOT NULL,
        is_latest INTEGER NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT,
        product_category_cpc ${orderedText},
        geography_country ${orderedText},
        ref_period_start_ms BIGINT,
        ref_period_end_ms BIGINT,
        restricted INTEGER NOT NULL,
        document TEXT NOT NULL,
        UNIQUE (id, version)
      )`,
      "CREATE INDEX footprints_latest_id ON footprints (is_latest, id)",
      "CREATE INDEX footprints_created ON footprints (is_latest, created_ms)",
      "CREATE INDEX footprints_updated ON footprints (is_latest, updated_ms)",
      "CREATE INDEX footprints_cpc ON footprints (is_latest, product_category_cpc)",
      "CREATE INDEX footprints_country ON footprints (is_latest, geography_country)",
      "CREATE INDEX footprints_period ON footprints (is_latest, ref_period_start_ms, ref_period_end_ms)",
      "CREATE TABLE footprint_product_ids (seq BIGINT NOT NULL REFERENCES footprints (seq), value TEXT NOT NULL)",
      "CREATE INDEX footprint_product_ids_value ON footprint_product_ids (value, seq)",
      "CREATE INDEX footprint_product_ids_seq ON footprint_product_ids (seq)",
      "CREATE TABLE footprint_company_ids (seq BIGINT NOT NULL REFERENCES footprints (seq), value TEXT NOT NULL)",
      "CREATE INDEX footprint_company_ids_value ON footprint_company_ids (value, seq)",
      "CREATE INDEX footprint_company_ids_seq ON footprint_company_ids (seq)",
      "CREATE TABLE footprint_visibility (seq BIGINT NOT NULL REFERENCES footprints (seq), grantee TEXT NOT NULL)",
      "CREATE INDEX footprint_visibility_seq ON footprint_visibility (seq, grantee)",
      `CREATE TABLE tad (
        seq ${serialKey},
        activity_id TEXT NOT NULL UNIQUE,
        restricted INTEGER NOT NULL,
        document TEXT NOT NULL
      )`,
      "CREATE TABLE tad_values (seq BIGINT NOT NULL REFERENCES tad (seq), path TEXT NOT NULL, value TEXT NOT NULL)",
      "CREATE INDEX tad_values_lookup ON tad_values (path, value, seq)",
      "CREATE INDEX tad_values_seq ON tad_values (seq)",
      "CREATE TABLE tad_visibility (seq BIGINT NOT NULL REFERENCES tad (seq), grantee TEXT NOT NULL)",
      "CREATE INDEX tad_visibility_seq ON tad_visibility (seq, grantee)",
      `CREATE TABLE inbound_events (
        seq ${serialKey},
        source TEXT NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        body TEXT NOT NULL,
        received_from TEXT NOT NULL,
        received_at TEXT NOT NULL,
        state TEXT NOT NULL,
        UNIQUE (source, event_id)
      )`,
    ],
  },
  {
    version: 2,
    description: "one latest version per id; keyset-ordered filter indexes; leaner side-table indexes",
    // Every footprint listing walks the latest versions in id order (keyset `id > ?`), every TAD
    // listing walks seq order (`seq > ?`). The indexes below return the matches of each filter in
    // that order, so a page costs the same at any depth:
    // - partial indexes on the latest versions with a trailing `id`: an equality filter (or the
    //   principal's kinds) reads its matches in id order and stops after one page; for range
    //   filters the planner chooses between walking the id order and sorting the range;
    // - the productIds/companyIds side tables carry the footprint id: `(value, id, seq)` drives a
    //   `…/any(…)` listing in id order (before, every match had to be found and sorted);
    // - `tad_values (path, value, seq)` already drives a TAD listing in seq order.
    // The `(seq)` indexes of the side tables served nothing but foreign-key checks and replacing a
    // TAD record, which now deletes its old entries through the lookup index: dropping them makes
    // imports cheaper (about 30 `tad_values` rows per TAD record). On PostgreSQL the foreign keys of
    // the high-volume side tables go too (a key-share lock and an index probe per inserted row); the
    // store writes parent and side rows in one transaction and never deletes footprints or TAD.
    statements: ({ name, orderedText }) => [
      "CREATE UNIQUE INDEX footprints_one_latest ON footprints (id) WHERE is_latest = 1",
      "DROP INDEX footprints_latest_id",
      "DROP INDEX footprints_created",
      "DROP INDEX footprints_updated",
      "DROP INDEX footprints_cpc",
      "DROP INDEX footprints_country",
      "DROP INDEX footprints_period",
      "CREATE INDEX footprints_latest_kind ON footprints (kind, id) WHERE is_latest = 1",
      "CREATE INDEX footprints_latest_created ON footprints (created_ms, id) WHERE is_latest = 1",
      "CREATE INDEX footprints_latest_updated ON footprints (updated_ms, id) WHERE is_latest = 1 AND updated_ms IS NOT NULL",
      "CREATE INDEX footprints_latest_cpc ON footprints (product_category_cpc, id) WHERE is_latest = 1",
      "CREATE INDEX footprints_latest_country ON footprints (geography_country, id) WHERE is_latest = 1",
      "CREATE INDEX footprints_latest_period_start ON footprints (ref_period_start_ms, id) WHERE is_latest = 1",
      "CREATE INDEX footprints_latest_period_end ON footprints (ref_period_end_ms, id) WHERE is_latest = 1",
      ...["footprint_product_ids", "footprint_company_ids"].flatMap((table) => [
        `ALTER TABLE ${table} ADD COLUMN id ${orderedText}`,
        `UPDATE ${table} SET id = (SELECT f.id FROM footprints f WHERE f.seq = ${table}.seq)`,
        `DROP INDEX ${table}_value`,
        `DROP INDEX ${table}_seq`,
        `CREATE INDEX ${table}_value_id ON ${table} (value, id, seq)`,
        ...(name === "postgres" ? [`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table}_seq_fkey`] : []),
      ]),
      "DROP INDEX tad_values_seq",
      ...(name === "postgres"
        ? ["ALTER TABLE tad_values DROP CONSTRAINT IF EXISTS tad_values_seq_fkey"]
        : []),
    ],
  },
  {
    version: 3,
    description: "PACT v3 beside v2: both renderings of every footprint, v3 filter columns and values",
    // One stored record, two renderings (README "PACT v3"): `document` stays the document as
    // authored (`authored` = "2" or "3"), so it is also the rendering of its own version; the other
    // version's rendering is `doc_v2` (of a v3-authored footprint) or `doc_v3` (of a v2-authored
    // one), made at write time so that reads stay string concatenation. `in_v2`/`in_v3` say whether
    // that version can represent the footprint (else it is absent there, the reason in
    // `v2_absent`/`v3_absent`). Rows written before this migration are v2-authored and served on v2
    // as before (no document is copied); their v3 rendering is made by the store right after
    // migrating (`rendered = 0` marks the rows still to do: it needs the field map, not SQL).
    // `valid_from_ms`/`valid_to_ms`: the effective validity window (validityPeriodStart/End, else
    // referencePeriodEnd … + 3 years). `footprint_v3_values`: lower-cased productId, companyId,
    // geography (country, subdivision, region) and classification values of the v3 rendering
    // (the v3 filters match case-insensitively); `(criterion, value, id, seq)` drives a filtered
    // listing in id order like the v2 side tables.
    statements: ({ orderedText }) => [
      "ALTER TABLE footprints ADD COLUMN authored TEXT NOT NULL DEFAULT '2'",
      "ALTER TABLE footprints ADD COLUMN doc_v2 TEXT",
      "ALTER TABLE footprints ADD COLUMN doc_v3 TEXT",
      "ALTER TABLE footprints ADD COLUMN in_v2 INTEGER NOT NULL DEFAULT 1",
      "ALTER TABLE footprints ADD COLUMN in_v3 INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE footprints ADD COLUMN v2_absent TEXT",
      "ALTER TABLE footprints ADD COLUMN v3_absent TEXT",
      "ALTER TABLE footprints ADD COLUMN rendered INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE footprints ADD COLUMN valid_from_ms BIGINT",
      "ALTER TABLE footprints ADD COLUMN valid_to_ms BIGINT",
      "CREATE INDEX footprints_unrendered ON footprints (seq) WHERE rendered = 0",
      "CREATE INDEX footprints_v3_latest ON footprints (id) WHERE is_latest = 1 AND in_v3 = 1",
      "CREATE INDEX footprints_v3_status ON footprints (status, id) WHERE is_latest = 1 AND in_v3 = 1",
      "CREATE INDEX footprints_v3_valid_from ON footprints (valid_from_ms, id) WHERE is_latest = 1 AND in_v3 = 1",
      "CREATE INDEX footprints_v3_valid_to ON footprints (valid_to_ms, id) WHERE is_latest = 1 AND in_v3 = 1",
      `CREATE TABLE footprint_v3_values (
        seq BIGINT NOT NULL,
        id ${orderedText} NOT NULL,
        criterion TEXT NOT NULL,
        value TEXT NOT NULL
      )`,
      "CREATE INDEX footprint_v3_values_lookup ON footprint_v3_values (criterion, value, id, seq)",
    ],
  },
  {
    version: 4,
    description: "TAD filters on names designating several fields (country, city, …) read one index range",
    // `?country=DE` means origin.country or destination.country: two index paths, so the listing
    // was driven by no index and tested every TAD record (60–130 ms at 40,000 records, every
    // request with a new value). The index entries of such leaves are now also stored under the
    // name's alias path (`*country`), see `tadIndexEntries`; this backfills them. Entries of keys
    // outside the TAD model that start with the alias prefix are dropped (they are no longer
    // indexed, so they cannot be taken for an alias).
    statements: () => [
      `DELETE FROM tad_values WHERE path LIKE '${TAD_ALIAS_PREFIX}%'`,
      ...[...TAD_AMBIGUOUS_NAMES].map(
        ([name, paths]) =>
          `INSERT INTO tad_values (seq, path, value) SELECT DISTINCT seq, '${tadAliasPath(name)}', value FROM tad_values WHERE path IN (${paths.map((p) => `'${p}'`).join(", ")})`,
      ),
    ],
  },
  {
    version: 5,
    description: "Clerk adapter state shared by replicas: lockouts, aliases, known users, sign-in budget",
    // Read and written by src/auth/clerk/sql-state.ts (issue 13). Identifiers appear only as HMAC
    // fingerprints whose key is the `hmac_key` row of clerk_settings.
    statements: ({ serialKey }) => [
      "CREATE TABLE clerk_lockouts (lock_key TEXT PRIMARY KEY, failures INTEGER NOT NULL, known_good TEXT, updated_ms BIGINT NOT NULL)",
      "CREATE TABLE clerk_aliases (identifier_key TEXT PRIMARY KEY, user_id TEXT NOT NULL, updated_ms BIGINT NOT NULL)",
      "CREATE TABLE clerk_known_users (user_id TEXT PRIMARY KEY, signed_in_ms BIGINT NOT NULL)",
      `CREATE TABLE clerk_sign_ins (id ${serialKey}, started_ms BIGINT NOT NULL)`,
      "CREATE INDEX clerk_sign_ins_started ON clerk_sign_ins (started_ms)",
      "CREATE TABLE clerk_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
  },
];
