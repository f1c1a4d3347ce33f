/**
 * Versioned migrations of the relational store. Each entry runs once, in order, inside a
 * transaction; the applied versions are kept in `schema_migrations`. The DDL is portable between
 * SQLite and PostgreSQL except for the auto-increment key, which the dialect supplies.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  /** Statements, given the dialect's auto-increment primary key column type. */
  readonly statements: (serialKey: string) => readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "footprints, TAD, visibility, inbound events",
    statements: (serialKey) => [
      `CREATE TABLE footprints (
        seq ${serialKey},
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        is_latest INTEGER NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT,
        product_category_cpc TEXT,
        geography_country TEXT,
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
];
