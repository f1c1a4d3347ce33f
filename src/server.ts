import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Hono } from "hono";
import pino, { type Logger } from "pino";
import { createClerkAuthProvider } from "./auth/clerk/clerk-provider.ts";
import { LocalIssuer } from "./auth/local/issuer.ts";
import { loadKeyRing } from "./auth/local/keyring.ts";
import type { AuthProvider } from "./auth/provider.ts";
import { hashSecret } from "./auth/secret-hash.ts";
import { DEMO_CLIENTS } from "./config/demo-clients.ts";
import type { ClientConfig, IleapConfig } from "./config/types.ts";
import { createApp } from "./http/app.ts";
import type { AppEnv } from "./http/env.ts";
import { PageTokens } from "./http/page-token.ts";
import { type RunningHttpServer, startHttpServer } from "./http/server.ts";
import { PostgresStore } from "./store/postgres/postgres-store.ts";
import { SqliteStore } from "./store/sqlite/sqlite-store.ts";
import type { Store } from "./store/store.ts";
import { demoFootprints, demoTad } from "./testing/demo-data.ts";

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
}

/** A composed host: the app and its parts, ready to listen. */
export interface IleapServer {
  readonly app: Hono<AppEnv>;
  readonly store: Store;
  readonly auth: AuthProvider;
  readonly logger: Logger;
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

async function demoClientConfigs(): Promise<ClientConfig[]> {
  return Promise.all(
    DEMO_CLIENTS.map(async (c) => ({
      id: c.id,
      secretHash: await hashSecret(c.secret),
      grants: c.grants,
      roles: [],
    })),
  );
}

/** The configured store: PostgreSQL when `database.url` is set, else SQLite in the data directory. */
async function openStore(config: IleapConfig, dataDir: string): Promise<Store> {
  const db = config.database;
  if (!db.url) return new SqliteStore({ file: join(dataDir, "ileap.sqlite") });
  return PostgresStore.connect({
    connectionString: db.url,
    poolMax: db.poolMax,
    statementTimeoutMs: db.statementTimeoutMs,
    connectionTimeoutMs: db.connectionTimeoutMs,
    migrate: db.migrate,
  });
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
  await store.putFootprints(
    demoFootprints().map((f) => ({
      document: f.document as unknown as Record<string, unknown>,
      kind: f.kind,
    })),
  );
  await store.putTad(demoTad().map((t) => ({ document: t as unknown as Record<string, unknown> })));
  return true;
}

/**
 * The composition root: builds the store, the auth provider and the app from a validated
 * configuration. Nothing below this reads the environment.
 */
export async function createIleapServer(
  config: IleapConfig,
  overrides: ServerOverrides = {},
): Promise<IleapServer> {
  const logger = overrides.logger ?? pino({ level: config.logLevel, base: { service: "ileap-ts" } });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = overrides.store ?? (await openStore(config, dataDir));
  try {
    const clients = [...config.auth.clients, ...(config.demo ? await demoClientConfigs() : [])];
    const keys = await loadKeyRing({ dataDir, ...config.auth });
    const fixedClaims = {
      ...(config.auth.issuer ? { issuer: config.auth.issuer } : {}),
      ...(config.auth.audience ? { audience: config.auth.audience } : {}),
      ...(overrides.now ? { now: overrides.now } : {}),
    };
    const auth: AuthProvider =
      overrides.auth ??
      (config.auth.clerk
        ? createClerkAuthProvider(config.auth.clerk, {
            keys,
            logger,
            tokenTtlSeconds: config.auth.tokenTtlSeconds,
            ...fixedClaims,
          })
        : new LocalIssuer({ keys, clients, tokenTtlSeconds: config.auth.tokenTtlSeconds, ...fixedClaims }));
    if (config.demo && (await seedDemoData(store))) logger.info("demo data loaded into an empty store");
    const pageTokens = new PageTokens(readOrCreateSecretFile(join(dataDir, "page-token.key"), 32));
    const app = createApp({
      auth,
      store,
      logger,
      pageTokens,
      options: {
        pathPrefix: config.pathPrefix,
        trustProxy: config.trustProxy,
        requireHttps: config.requireHttps,
        limits: config.limits,
        ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      },
    });
    return {
      app,
      store,
      auth,
      logger,
      listen: () =>
        startHttpServer(app, {
          host: config.host,
          port: config.port,
          headersTimeoutMs: config.limits.headersTimeoutMs,
          requestTimeoutMs: config.limits.requestTimeoutMs,
          maxHeaderBytes: config.limits.maxHeaderBytes,
          ...(config.tls ? { tls: config.tls } : {}),
        }),
      close: async () => {
        await auth.close?.();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
