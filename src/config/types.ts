import type { ClerkConfig } from "../auth/clerk/config.ts";
import type { DataKind } from "../auth/principal.ts";
import type { EventsSettings, PeerConfig } from "../events/config.ts";

/** A client of the built-in OAuth2 issuer. */
export interface ClientConfig {
  /** OAuth2 client id (the Basic user name). */
  readonly id: string;
  /** scrypt hash of the secret, as written by `ileap hash-secret` (`scrypt$N$r$p$salt$hash`). */
  readonly secretHash: string;
  /** Data kinds the client may read; `*` grants every kind. */
  readonly grants: readonly (DataKind | "*")[];
  /** Roles carried by the client's principal (e.g. `admin`). Default: none. */
  readonly roles?: readonly string[];
  /** Organization the client belongs to, matched against record visibility. Default: none. */
  readonly organizationId?: string;
}

/** Everything the host needs, validated. Built by {@link loadConfig}; nothing else reads `process.env`. */
export interface IleapConfig {
  /** Interface to listen on. Default `0.0.0.0` (`127.0.0.1` in demo mode). Env `ILEAP_HOST`. */
  readonly host: string;
  /** Port. Default 8080. Env `PORT` or `ILEAP_PORT`. */
  readonly port: number;
  /** Path prefix of every route, e.g. `/ileap`. Default none. Env `ILEAP_PATH_PREFIX`. */
  readonly pathPrefix: string;
  /** Public base URL (scheme://host[:port][/prefix]) used for discovery, issuer and links. Default: from each request. Env `ILEAP_PUBLIC_URL`. */
  readonly publicUrl?: string;
  /**
   * Host names this host answers for (`name` = any port, `name:port`), besides the `publicUrl`'s;
   * requests for other hosts get 421 (`/health` and `/ready` excepted). Outside demo mode
   * `publicUrl` or this list is required. Env `ILEAP_ALLOWED_HOSTS` (comma-separated).
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Trust `X-Forwarded-Proto`/`-Host`: `true` from any peer, a list of proxy IP addresses, or `false`.
   * Default false. Env `ILEAP_TRUST_PROXY` (`true`, `false` or `10.0.0.2,10.0.0.3`).
   */
  readonly trustProxy: boolean | readonly string[];
  /** Refuse requests that arrived as plain HTTP (per trusted `X-Forwarded-Proto`). Default false. Env `ILEAP_REQUIRE_HTTPS`. */
  readonly requireHttps: boolean;
  /** Answer cached reads and token requests on the raw `node:http` listener in front of Hono (same answers). Default true. */
  readonly fastPath: boolean;
  /** Serve HTTPS with this certificate and key (PEM files). Env `ILEAP_TLS_CERT_FILE`, `ILEAP_TLS_KEY_FILE`. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /**
   * File holding the HMAC key of page tokens (at least 32 bytes). Instances behind one load
   * balancer must share it, or a `Link` URL minted by one is refused (400) by another. Default:
   * `dataDir/page-token.key`, generated on first start. Env `ILEAP_PAGE_TOKEN_KEY_FILE`.
   */
  readonly pageTokenKeyFile?: string;
  /** Directory of the embedded store and generated keys. Default `./.ileap`. Env `ILEAP_DATA_DIR`. */
  readonly dataDir: string;
  /** The store: PostgreSQL when `url` is set, else the embedded SQLite store in `dataDir`. */
  readonly database: {
    /** PostgreSQL URL (contains a password: never logged). Default: none. Env `DATABASE_URL`. */
    readonly url?: string;
    /** Pooled connections per process. Default 10. Env `ILEAP_DB_POOL_MAX`. */
    readonly poolMax: number;
    /** Server-side statement timeout, ms (0 = none). Default 5000. Env `ILEAP_DB_STATEMENT_TIMEOUT_MS`. */
    readonly statementTimeoutMs: number;
    /** Time to open a connection, ms. Default 5000. Env `ILEAP_DB_CONNECTION_TIMEOUT_MS`. */
    readonly connectionTimeoutMs: number;
    /** Run pending migrations at start-up. Default true. Env `ILEAP_DB_MIGRATE`. */
    readonly migrate: boolean;
    /**
     * Reader connections of the embedded store, in worker threads (reads leave the event loop);
     * 0 = read on the main thread. Default 2. Env `ILEAP_SQLITE_READERS`.
     */
    readonly sqliteReaders: number;
  };
  /**
   * The data owner: `companyName` and `companyIds` of the ProductFootprints built from iLEAP-native
   * ShipmentFootprints, TOCs and HOCs imported through the admin API or `ileap import`. Default:
   * none (such records must then carry their own). Env `ILEAP_COMPANY_NAME`, `ILEAP_COMPANY_IDS`
   * (comma-separated URNs).
   */
  readonly company?: { readonly name?: string; readonly ids?: readonly string[] };
  /** Load the demo data and demo clients. Default false (`ileap serve --demo` sets it). Env `ILEAP_DEMO`. */
  readonly demo: boolean;
  /** Log level (pino). Default `info`. Env `ILEAP_LOG_LEVEL`. */
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /**
   * Log format: `json` (one pino JSON object a line), `pretty` (human-readable, pino-pretty) or
   * `auto` (pretty when stdout is a terminal, JSON otherwise). Default `auto`. Env `ILEAP_LOG_FORMAT`.
   */
  readonly logFormat: "auto" | "json" | "pretty";
  readonly auth: {
    /** `builtin` (our OAuth2 issuer) or `clerk` (sign-in through Clerk's Frontend API). Default `builtin`. Env `ILEAP_AUTH`. */
    readonly provider: "builtin" | "clerk";
    /** Clerk settings (`ILEAP_CLERK_*`, `CLERK_*`), present when `provider` is `clerk`. */
    readonly clerk?: ClerkConfig;
    /** Access token lifetime in seconds. Default 3600. Env `ILEAP_TOKEN_TTL_SECONDS`. */
    readonly tokenTtlSeconds: number;
    /** `aud` of issued tokens. Default: the issuer. Env `ILEAP_TOKEN_AUDIENCE`. */
    readonly audience?: string;
    /** `iss` of issued tokens. Default: the public base URL. Env `ILEAP_TOKEN_ISSUER`. */
    readonly issuer?: string;
    /** PEM file of the RS256 signing key. Default: generated on first start in `dataDir/keys.json`. Env `ILEAP_SIGNING_KEY_FILE`. */
    readonly signingKeyFile?: string;
    /** PEM file of the previous signing key, still published in the JWKS. Env `ILEAP_PREVIOUS_SIGNING_KEY_FILE`. */
    readonly previousSigningKeyFile?: string;
    /** Clients of the built-in issuer. Demo mode adds the three demo clients. */
    readonly clients: readonly ClientConfig[];
  };
  /** Hosts we deliver PACT events to (config file key `peers`; see README "PACT events"). Default: none. */
  readonly peers: readonly PeerConfig[];
  /** Event delivery settings (config file key `events`). Defaults: `DEFAULT_EVENTS_SETTINGS`. */
  readonly events: EventsSettings;
  /**
   * Memory for cached GET answers (lists and single footprints), MiB; 0 = off. Only stores that
   * report a data version (SQLite, PostgreSQL, own stores with `dataVersion`) are cached, and
   * never stale. Default 32.
   * Env `ILEAP_RESPONSE_CACHE_MB`.
   */
  readonly responseCacheMb: number;
  readonly limits: {
    /** Largest request body in bytes. Default 1 MiB. Env `ILEAP_MAX_BODY_BYTES`. */
    readonly maxBodyBytes: number;
    /** Largest request body of the admin API (`/admin/v1/…`) in bytes. Default 16 MiB. Env `ILEAP_ADMIN_MAX_BODY_BYTES`. */
    readonly maxAdminBodyBytes: number;
    /** Longest request URL (path + query) in bytes. Default 8192. Env `ILEAP_MAX_URL_BYTES`. */
    readonly maxUrlBytes: number;
    /** Largest `limit` honoured; larger values are clamped. Default 1000. Env `ILEAP_MAX_PAGE_SIZE`. */
    readonly maxPageSize: number;
    /** Page size when the client gives no `limit`. Default 100. Env `ILEAP_DEFAULT_PAGE_SIZE`. */
    readonly defaultPageSize: number;
    /** Time allowed to receive request headers, ms. Default 10000. Env `ILEAP_HEADERS_TIMEOUT_MS`. */
    readonly headersTimeoutMs: number;
    /** Time allowed to receive a whole request, ms. Default 30000. Env `ILEAP_REQUEST_TIMEOUT_MS`. */
    readonly requestTimeoutMs: number;
    /** Largest total size of request headers, bytes. Default 16384. Env `ILEAP_MAX_HEADER_BYTES`. */
    readonly maxHeaderBytes: number;
    /**
     * Failed client authentications (`invalid_client`) allowed per client id *and* source address
     * and minute on `POST /auth/token` (token bucket, burst of the same size); more → 429
     * `temporarily_unavailable` with `Retry-After`. Malformed requests and successful ones are not
     * counted; credentials that already authenticated are never throttled. 0 = no limit.
     * Default 10. Env `ILEAP_TOKEN_RATE_PER_CLIENT`.
     */
    readonly tokenRatePerClient: number;
    /**
     * `POST /auth/token` requests allowed per source address and minute (the client address behind
     * trusted proxies, see `trustProxy`); more → 429 with `Retry-After`. 0 = no limit. Default 1200.
     * Env `ILEAP_TOKEN_RATE_PER_ADDRESS`.
     */
    readonly tokenRatePerAddress: number;
    /**
     * scrypt checks of client secrets running at once (per process; the rest wait in a queue
     * shared fairly between source addresses). Default: CPU cores − 1, from 1 to 4.
     * Env `ILEAP_SCRYPT_CONCURRENCY`.
     */
    readonly scryptConcurrency?: number;
    /**
     * Time budget of every store read of the API (queueing included), ms; then 503 with
     * `Retry-After`. Default 5000. Env `ILEAP_QUERY_TIMEOUT_MS`.
     */
    readonly queryTimeoutMs: number;
    /**
     * Store reads of the API running at once. Default: the SQLite readers (1 without), the
     * PostgreSQL pool size, or 10 for an own store. Env `ILEAP_QUERY_CONCURRENCY`.
     */
    readonly queryConcurrency?: number;
    /**
     * Store reads of one client (client id and organization) running at once; its further reads
     * wait behind its own, served round-robin with other clients'. Default: half of
     * `queryConcurrency`, at least 1. Env `ILEAP_QUERY_CONCURRENCY_PER_CLIENT`.
     */
    readonly queryConcurrencyPerClient?: number;
  };
}
