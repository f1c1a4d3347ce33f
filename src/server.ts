import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Hono } from "hono";
import type { Logger } from "pino";
import type { SqlClerkState } from "./auth/clerk/sql-state.ts";
import { LocalIssuer } from "./auth/local/issuer.ts";
import { loadKeyRing } from "./auth/local/keyring.ts";
import { DATA_KINDS, type DataKind, type Principal } from "./auth/principal.ts";
import type { AuthProvider } from "./auth/provider.ts";
import { configureScryptQueue } from "./auth/secret-hash.ts";
import { DEMO_CLIENTS } from "./config/demo-clients.ts";
import { ConfigError, checkHostTrust } from "./config/load.ts";
import type { ClientConfig, IleapConfig } from "./config/types.ts";
import type { Outbox } from "./events/outbox.ts";
import { EventsService } from "./events/service.ts";
import { SqliteOutbox } from "./events/sqlite-outbox.ts";
import { createApp } from "./http/app.ts";
import type { AppEnv } from "./http/env.ts";
import { PageTokens } from "./http/page-token.ts";
import { ResponseCache } from "./http/response-cache.ts";
import { type RunningHttpServer, startHttpServer } from "./http/server.ts";
import { createLogger } from "./logging.ts";
import type { CompanyInfo } from "./model/ileap-mapping.ts";
import { withQueryBudget } from "./store/query-budget.ts";
import { SqliteStore } from "./store/sqlite/sqlite-store.ts";
import type { Store } from "./store/store.ts";
import { demoFootprints, demoTad } from "./testing/demo-data.ts";
import { demoFootprintsV3 } from "./testing/demo-data-v3.ts";

/** Optional replacements for the pieces the configuration would build. */
export interface ServerOverrides {
  /** Logger. Default: pino to stdout at the configured level. */
  readonly logger?: Logger;
  /** Store. Default: the embedded SQLite store in `dataDir`. */
  readonly store?: Store;
  /** Auth provider. Default: the built-in issuer. */
  readonly auth?: AuthProvider;
  /** Clock for the built-in issuer (ms since epoch). Default `Date.now`. */
  readonly now?: () => number;
  /** Events outbox. Default: tables in the store's database (SQLite file or `database.url`). */
  readonly outbox?: Outbox;
}

/** A composed host: the app and its parts, ready to listen. */
export interface IleapServer {
  readonly app: Hono<AppEnv>;
  readonly store: Store;
  readonly auth: AuthProvider;
  readonly logger: Logger;
  /** PACT events: request answers, `footprintsChanged` hook for ingestion, outbox and worker. */
  readonly events: EventsService;
  /** Starts listening as configured (host, port, TLS, timeouts). */
  listen(): Promise<RunningHttpServer>;
  /** Closes the store and the auth provider (call after the HTTP server closed). */
  close(): Promise<void>;
}

function readOrCreateSecretFile(file: string, bytes: number): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const key = randomBytes(bytes);
  writeFileSync(file, key, { mode: 0o600, flag: "wx" });
  return readFileSync(file);
}

/** The principal of a configured client of the built-in issuer (for a peer's `visibleAs`). */
function principalOfClient(clients: readonly ClientConfig[], clientId: string): Principal | undefined {
  const c = clients.find((x) => x.id === clientId);
  if (!c) return undefined;
  return {
    subject: c.id,
    clientId: c.id,
    roles: c.roles ?? [],
    grants: new Set<DataKind>(c.grants.includes("*") ? DATA_KINDS : (c.grants as DataKind[])),
    ...(c.organizationId ? { organizationId: c.organizationId } : {}),
  };
}

function demoClientConfigs(): ClientConfig[] {
  return DEMO_CLIENTS.map((c) => ({
    id: c.id,
    secretHash: c.secretHash,
    grants: c.grants,
    roles: c.roles ?? [],
  }));
}

/**
 * The configured store: PostgreSQL when `database.url` is set, else SQLite in `dataDir` (an
 * existing, resolved directory). Pending migrations are applied per `database.migrate`.
 * `tuning.sqliteCacheSizeKiB`: page cache of the SQLite store (default: the store's, 16 MiB; bulk
 * imports run faster with more).
 */
export async function openStore(
  config: IleapConfig,
  dataDir: string,
  tuning: { readonly sqliteCacheSizeKiB?: number; readonly sqliteWalAutocheckpointPages?: number } = {},
): Promise<Store> {
  const db = config.database;
  if (!db.url) {
    return new SqliteStore({
      file: join(dataDir, "ileap.sqlite"),
      readers: db.sqliteReaders,
      readTimeoutMs: config.limits.queryTimeoutMs,
      ...(tuning.sqliteCacheSizeKiB ? { cacheSizeKiB: tuning.sqliteCacheSizeKiB } : {}),
      ...(tuning.sqliteWalAutocheckpointPages
        ? { walAutocheckpointPages: tuning.sqliteWalAutocheckpointPages }
        : {}),
    });
  }
  // Loaded only when used: the pg driver costs about 12 MB of resident memory (issue 14).
  const { PostgresStore } = await import("./store/postgres/postgres-store.ts");
  return PostgresStore.connect({
    connectionString: db.url,
    poolMax: db.poolMax,
    statementTimeoutMs: db.statementTimeoutMs,
    connectionTimeoutMs: db.connectionTimeoutMs,
    migrate: db.migrate,
  });
}

/**
 * The store as the API reads it: every read within the query budget (`limits.queryTimeoutMs`,
 * `queryConcurrency`, `queryConcurrencyPerClient`; defaults from the store's own parallelism).
 */
function budgeted(store: Store, config: IleapConfig, own: boolean): Store {
  const concurrency =
    config.limits.queryConcurrency ??
    (own ? 10 : config.database.url ? config.database.poolMax : Math.max(1, config.database.sqliteReaders));
  return withQueryBudget(store, {
    concurrency,
    perClient: config.limits.queryConcurrencyPerClient ?? Math.max(1, Math.floor(concurrency / 2)),
    timeoutMs: config.limits.queryTimeoutMs,
  });
}

/** The configured page-token key; a missing or short file stops the start-up with a clear message. */
function readPageTokenKey(file: string): Buffer {
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch (e) {
    throw new ConfigError(
      `ILEAP_PAGE_TOKEN_KEY_FILE (pageTokenKeyFile) ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  if (key.length < 32) {
    throw new ConfigError(
      `ILEAP_PAGE_TOKEN_KEY_FILE (pageTokenKeyFile) ${file}: expected at least 32 bytes, got ${key.length}`,
    );
  }
  return key;
}

/** The configured data owner (company name and ids), for the admin API's iLEAP-native imports. */
export function companyOf(config: IleapConfig): { company?: CompanyInfo } {
  const c = config.company;
  return c?.name && c.ids && c.ids.length > 0 ? { company: { companyName: c.name, companyIds: c.ids } } : {};
}

/**
 * The hosts the app answers for: `allowedHosts` plus the public URL's host; none (every host) in
 * demo mode without an explicit list.
 */
export function allowedHostsOf(config: IleapConfig): { allowedHosts?: readonly string[] } {
  if (config.demo && !config.allowedHosts?.length) return {};
  return {
    allowedHosts: [
      ...(config.allowedHosts ?? []),
      ...(config.publicUrl ? [new URL(config.publicUrl).host] : []),
    ],
  };
}

/** Loads the demo data into an empty store (a store that already holds footprints is left alone). */
export async function seedDemoData(store: Store): Promise<boolean> {
  const probe = await store.listFootprints({
    principal: {
      subject: "seed",
      clientId: "seed",
      roles: [],
      grants: new Set(["pcf", "shipment-footprint", "toc", "hoc"]),
    },
    filter: null,
    limit: 1,
  });
  if (probe.items.length > 0) return false;
  await store.putFootprints([
    ...demoFootprints().map((f) => ({
      document: f.document as unknown as Record<string, unknown>,
      kind: f.kind,
    })),
    ...demoFootprintsV3().map((document) => ({ document, kind: "pcf" as const })),
  ]);
  await store.putTad(demoTad().map((t) => ({ document: t as unknown as Record<string, unknown> })));
  return true;
}

/** The clients of the built-in issuer: configured ones, plus the demo clients in demo mode. */
export async function clientsOf(config: IleapConfig): Promise<ClientConfig[]> {
  return [...config.auth.clients, ...(config.demo ? demoClientConfigs() : [])];
}

/** Opens the events outbox of the configured database (PostgreSQL, else the SQLite file in `dataDir`). */
export async function openOutbox(config: IleapConfig, dataDir: string): Promise<Outbox> {
  return config.database.url
    ? (await import("./events/postgres-outbox.ts")).PostgresOutbox.connect({
        connectionString: config.database.url,
        connectionTimeoutMs: config.database.connectionTimeoutMs,
      })
    : new SqliteOutbox({ file: join(dataDir, "ileap.sqlite") });
}

/** The Clerk adapter's shared state in the store's database (migration 5 creates its tables). */
export async function openClerkState(config: IleapConfig, dataDir: string): Promise<SqlClerkState> {
  // Loaded only with Clerk configured (it imports the pg driver).
  const { SqlClerkState } = await import("./auth/clerk/sql-state.ts");
  return config.database.url
    ? new SqlClerkState({
        connectionString: config.database.url,
        connectionTimeoutMs: config.database.connectionTimeoutMs,
        statementTimeoutMs: config.database.statementTimeoutMs,
      })
    : new SqlClerkState({ sqliteFile: join(dataDir, "ileap.sqlite") });
}

/**
 * The events component from the configuration (its worker is not started). `ileap serve` runs
 * its worker; `ileap import` only enqueues `Published` events, which a running host delivers.
 * The `source` of our events: `events.source`, else `publicUrl`, else the listen URL + path prefix.
 */
export function createEventsService(
  config: IleapConfig,
  parts: {
    readonly outbox: Outbox;
    readonly store: Store;
    readonly logger: Logger;
    readonly clients: readonly ClientConfig[];
    /** The URL we listen on. Default: `http://{host}:{port}` from the configuration. */
    readonly listenUrl?: () => string;
  },
): EventsService {
  const listenUrl = parts.listenUrl ?? (() => `http://${config.host}:${config.port}`);
  return new EventsService({
    outbox: parts.outbox,
    store: parts.store,
    peers: config.peers,
    settings: config.events,
    source: () => config.events.source ?? config.publicUrl ?? `${listenUrl()}${config.pathPrefix}`,
    logger: parts.logger.child({ component: "events" }),
    principalFor: (clientId) => principalOfClient(parts.clients, clientId),
  });
}

/**
 * The composition root: builds the store, the auth provider and the app from a validated
 * configuration. Nothing below this reads the environment.
 */
export async function createIleapServer(
  config: IleapConfig,
  overrides: ServerOverrides = {},
): Promise<IleapServer> {
  checkHostTrust(config);
  const logger = overrides.logger ?? (await createLogger(config));
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = overrides.store ?? (await openStore(config, dataDir));
  let outbox: Outbox | undefined;
  try {
    outbox = overrides.outbox ?? (await openOutbox(config, dataDir));
    if (config.limits.scryptConcurrency)
      configureScryptQueue({ concurrency: config.limits.scryptConcurrency }); // process-wide
    const clients = await clientsOf(config);
    let listenUrl = `http://${config.host}:${config.port}`;
    const events = createEventsService(config, {
      outbox,
      store,
      logger,
      clients,
      listenUrl: () => listenUrl,
    });
    const keys = await loadKeyRing({ dataDir, ...config.auth });
    const fixedClaims = {
      ...(config.auth.issuer ? { issuer: config.auth.issuer } : {}),
      ...(config.auth.audience ? { audience: config.auth.audience } : {}),
      ...(overrides.now ? { now: overrides.now } : {}),
    };
    const auth: AuthProvider =
      overrides.auth ??
      (config.auth.clerk
        ? (await import("./auth/clerk/clerk-provider.ts")).createClerkAuthProvider(config.auth.clerk, {
            keys,
            logger,
            tokenTtlSeconds: config.auth.tokenTtlSeconds,
            ...fixedClaims,
            // Lockouts, known users and the sign-in budget live in the store's database (shared by
            // replicas on PostgreSQL); with a user-supplied Store, in this process.
            ...(overrides.store ? {} : { state: await openClerkState(config, dataDir) }),
          })
        : new LocalIssuer({ keys, clients, tokenTtlSeconds: config.auth.tokenTtlSeconds, ...fixedClaims }));
    if (config.demo && (await seedDemoData(store))) logger.info("demo data loaded into an empty store");
    const pageTokens = new PageTokens(
      config.pageTokenKeyFile
        ? readPageTokenKey(config.pageTokenKeyFile)
        : readOrCreateSecretFile(join(dataDir, "page-token.key"), 32),
    );
    const app = createApp({
      auth,
      store: budgeted(store, config, overrides.store !== undefined),
      logger,
      pageTokens,
      events,
      responseCache: new ResponseCache({ maxBytes: config.responseCacheMb * 1024 * 1024 }),
      ...companyOf(config),
      options: {
        pathPrefix: config.pathPrefix,
        trustProxy: config.trustProxy,
        requireHttps: config.requireHttps,
        fastPath: config.fastPath,
        limits: config.limits,
        ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
        ...allowedHostsOf(config),
      },
    });
    return {
      app,
      store,
      auth,
      logger,
      events,
      listen: async () => {
        const running = await startHttpServer(app, {
          host: config.host,
          port: config.port,
          headersTimeoutMs: config.limits.headersTimeoutMs,
          requestTimeoutMs: config.limits.requestTimeoutMs,
          maxHeaderBytes: config.limits.maxHeaderBytes,
          ...(config.tls ? { tls: config.tls } : {}),
        });
        listenUrl = running.url;
        if (config.events.workerEnabled) events.start();
        return running;
      },
      close: async () => {
        await events.stop();
        await outbox?.close();
        await auth.close?.();
        await store.close();
      },
    };
  } catch (e) {
    await outbox?.close();
    await store.close();
    throw e;
  }
}
