import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { loadClerkConfig } from "../auth/clerk/config.ts";
import { DATA_KINDS } from "../auth/principal.ts";
import { isSecretHash } from "../auth/secret-hash.ts";
import { EventsConfigError, parseEventsSettings, parsePeers } from "../events/config.ts";
import type { ClientConfig, IleapConfig } from "./types.ts";

/** A configuration value that is missing or wrong. The message names the key and what is expected. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Kind =
  | { type: "string"; pattern?: RegExp; expected?: string }
  | { type: "int"; min: number; max: number }
  | { type: "bool" }
  | { type: "enum"; values: readonly string[] }
  | { type: "url" }
  | { type: "list"; pattern: RegExp; expected: string };

interface Setting {
  /** Key path in the config file and in {@link IleapConfig}. */
  readonly path: readonly string[];
  /** Environment variable names, first wins. */
  readonly env: readonly string[];
  readonly kind: Kind;
  readonly default?: string | number | boolean;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Every scalar setting: one table so that env, file and defaults cannot drift apart. */
const SETTINGS: readonly Setting[] = [
  { path: ["host"], env: ["ILEAP_HOST"], kind: { type: "string" }, default: "0.0.0.0" },
  { path: ["port"], env: ["PORT", "ILEAP_PORT"], kind: { type: "int", min: 0, max: 65535 }, default: 8080 },
  {
    path: ["pathPrefix"],
    env: ["ILEAP_PATH_PREFIX"],
    kind: {
      type: "string",
      pattern: /^(\/[A-Za-z0-9._~-]+)*$/,
      expected: "a path such as /ileap (no trailing slash)",
    },
    default: "",
  },
  { path: ["publicUrl"], env: ["ILEAP_PUBLIC_URL"], kind: { type: "url" } },
  {
    path: ["allowedHosts"],
    env: ["ILEAP_ALLOWED_HOSTS"],
    kind: {
      type: "list",
      pattern: /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/,
      expected:
        "host names, each optionally with :port (api.example.com,localhost:8080), comma-separated in the environment",
    },
  },
  {
    path: ["trustProxy"],
    env: ["ILEAP_TRUST_PROXY"],
    kind: {
      type: "string",
      pattern: /^(true|false|[0-9A-Fa-f.:]+(\s*,\s*[0-9A-Fa-f.:]+)*)$/,
      expected: "true, false, or a comma-separated list of proxy IP addresses",
    },
    default: "false",
  },
  { path: ["requireHttps"], env: ["ILEAP_REQUIRE_HTTPS"], kind: { type: "bool" }, default: false },
  { path: ["fastPath"], env: ["ILEAP_FAST_PATH"], kind: { type: "bool" }, default: true },
  { path: ["tls", "certFile"], env: ["ILEAP_TLS_CERT_FILE"], kind: { type: "string" } },
  { path: ["tls", "keyFile"], env: ["ILEAP_TLS_KEY_FILE"], kind: { type: "string" } },
  { path: ["dataDir"], env: ["ILEAP_DATA_DIR"], kind: { type: "string" }, default: "./.ileap" },
  {
    path: ["database", "url"],
    env: ["DATABASE_URL"],
    kind: {
      type: "string",
      pattern: /^postgres(ql)?:\/\/\S+$/,
      expected: "a PostgreSQL URL such as postgres://user:password@host:5432/ileap",
    },
  },
  {
    path: ["database", "poolMax"],
    env: ["ILEAP_DB_POOL_MAX"],
    kind: { type: "int", min: 1, max: 1000 },
    default: 10,
  },
  {
    path: ["database", "statementTimeoutMs"],
    env: ["ILEAP_DB_STATEMENT_TIMEOUT_MS"],
    kind: { type: "int", min: 0, max: 600000 },
    default: 5000,
  },
  {
    path: ["database", "connectionTimeoutMs"],
    env: ["ILEAP_DB_CONNECTION_TIMEOUT_MS"],
    kind: { type: "int", min: 100, max: 600000 },
    default: 5000,
  },
  { path: ["database", "migrate"], env: ["ILEAP_DB_MIGRATE"], kind: { type: "bool" }, default: true },
  { path: ["demo"], env: ["ILEAP_DEMO"], kind: { type: "bool" }, default: false },
  {
    path: ["logLevel"],
    env: ["ILEAP_LOG_LEVEL"],
    kind: { type: "enum", values: LOG_LEVELS },
    default: "info",
  },
  {
    path: ["logFormat"],
    env: ["ILEAP_LOG_FORMAT"],
    kind: { type: "enum", values: ["auto", "json", "pretty"] },
    default: "auto",
  },
  {
    path: ["auth", "provider"],
    env: ["ILEAP_AUTH"],
    kind: { type: "enum", values: ["builtin", "clerk"] },
    default: "builtin",
  },
  {
    path: ["auth", "tokenTtlSeconds"],
    env: ["ILEAP_TOKEN_TTL_SECONDS"],
    kind: { type: "int", min: 1, max: 86400 },
    default: 3600,
  },
  { path: ["auth", "audience"], env: ["ILEAP_TOKEN_AUDIENCE"], kind: { type: "string" } },
  { path: ["auth", "issuer"], env: ["ILEAP_TOKEN_ISSUER"], kind: { type: "string" } },
  { path: ["auth", "signingKeyFile"], env: ["ILEAP_SIGNING_KEY_FILE"], kind: { type: "string" } },
  { path: ["pageTokenKeyFile"], env: ["ILEAP_PAGE_TOKEN_KEY_FILE"], kind: { type: "string" } },
  {
    path: ["auth", "previousSigningKeyFile"],
    env: ["ILEAP_PREVIOUS_SIGNING_KEY_FILE"],
    kind: { type: "string" },
  },
  {
    path: ["limits", "maxBodyBytes"],
    env: ["ILEAP_MAX_BODY_BYTES"],
    kind: { type: "int", min: 1024, max: 64 * 1024 * 1024 },
    default: 1024 * 1024,
  },
  {
    path: ["limits", "maxAdminBodyBytes"],
    env: ["ILEAP_ADMIN_MAX_BODY_BYTES"],
    kind: { type: "int", min: 1024, max: 1024 * 1024 * 1024 },
    default: 16 * 1024 * 1024,
  },
  { path: ["company", "name"], env: ["ILEAP_COMPANY_NAME"], kind: { type: "string" } },
  {
    path: ["company", "ids"],
    env: ["ILEAP_COMPANY_IDS"],
    kind: {
      type: "list",
      pattern: /^urn:\S+$/i,
      expected: "company ids as URNs (urn:…), comma-separated in the environment",
    },
  },
  {
    path: ["limits", "maxUrlBytes"],
    env: ["ILEAP_MAX_URL_BYTES"],
    kind: { type: "int", min: 256, max: 65536 },
    default: 8192,
  },
  {
    path: ["limits", "maxPageSize"],
    env: ["ILEAP_MAX_PAGE_SIZE"],
    kind: { type: "int", min: 1, max: 10000 },
    default: 1000,
  },
  {
    path: ["responseCacheMb"],
    env: ["ILEAP_RESPONSE_CACHE_MB"],
    kind: { type: "int", min: 0, max: 4096 },
    default: 32,
  },
  {
    path: ["limits", "defaultPageSize"],
    env: ["ILEAP_DEFAULT_PAGE_SIZE"],
    kind: { type: "int", min: 1, max: 10000 },
    default: 100,
  },
  {
    path: ["limits", "headersTimeoutMs"],
    env: ["ILEAP_HEADERS_TIMEOUT_MS"],
    kind: { type: "int", min: 100, max: 600000 },
    default: 10000,
  },
  {
    path: ["limits", "requestTimeoutMs"],
    env: ["ILEAP_REQUEST_TIMEOUT_MS"],
    kind: { type: "int", min: 100, max: 3600000 },
    default: 30000,
  },
  {
    path: ["limits", "maxHeaderBytes"],
    env: ["ILEAP_MAX_HEADER_BYTES"],
    kind: { type: "int", min: 1024, max: 1024 * 1024 },
    default: 16384,
  },
  {
    path: ["limits", "tokenRatePerClient"],
    env: ["ILEAP_TOKEN_RATE_PER_CLIENT"],
    kind: { type: "int", min: 0, max: 1_000_000 },
    default: 10,
  },
  {
    path: ["limits", "scryptConcurrency"],
    env: ["ILEAP_SCRYPT_CONCURRENCY"],
    kind: { type: "int", min: 1, max: 64 },
  },
  {
    path: ["limits", "tokenRatePerAddress"],
    env: ["ILEAP_TOKEN_RATE_PER_ADDRESS"],
    kind: { type: "int", min: 0, max: 1_000_000 },
    default: 1200,
  },
  {
    path: ["limits", "queryTimeoutMs"],
    env: ["ILEAP_QUERY_TIMEOUT_MS"],
    kind: { type: "int", min: 100, max: 600000 },
    default: 5000,
  },
  {
    path: ["limits", "queryConcurrency"],
    env: ["ILEAP_QUERY_CONCURRENCY"],
    kind: { type: "int", min: 1, max: 1000 },
  },
  {
    path: ["limits", "queryConcurrencyPerClient"],
    env: ["ILEAP_QUERY_CONCURRENCY_PER_CLIENT"],
    kind: { type: "int", min: 1, max: 1000 },
  },
  {
    path: ["database", "sqliteReaders"],
    env: ["ILEAP_SQLITE_READERS"],
    kind: { type: "int", min: 0, max: 64 },
    default: 2,
  },
];

/** Keys allowed in a config file besides the scalar settings. */
const STRUCTURED_KEYS = new Set(["auth.clients", "peers", "events"]);

/** Where configuration comes from. */
export interface ConfigSources {
  /** Environment (normally `process.env`; only the composition root passes it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Path of a JSON or YAML config file. Default: none. */
  readonly file?: string;
  /** Values from CLI flags; they win over env and file. Keys are dotted paths (`port`, `tls.certFile`). */
  readonly overrides?: Readonly<Record<string, string | number | boolean | undefined>>;
  /**
   * What the configuration is for. `"serve"` (the default) resolves everything a running host
   * needs: the Clerk settings and every peer's secret (a `clientSecretEnv` that is not set is an
   * error). `"storage"` is for commands that only open the store or the outbox (`ileap db`,
   * `ileap import`, `ileap events`): the `peers` list is read (`ileap import` enqueues `Published`
   * events for subscribed peers) but no secret is: every `clientSecret` is empty, so never serve
   * with such a configuration; the Clerk settings are neither read nor required.
   */
  readonly purpose?: "serve" | "storage";
}

function describe(kind: Kind): string {
  switch (kind.type) {
    case "int":
      return `an integer from ${kind.min} to ${kind.max}`;
    case "bool":
      return "true or false (also 1/0, yes/no)";
    case "enum":
      return `one of ${kind.values.join(", ")}`;
    case "url":
      return "an absolute http(s) URL without query or fragment";
    case "list":
      return kind.expected;
    case "string":
      return kind.expected ?? "a non-empty string";
  }
}

function convert(kind: Kind, raw: unknown, where: string): string | number | boolean | string[] {
  const fail = (): never => {
    throw new ConfigError(`${where}: expected ${describe(kind)}, got ${JSON.stringify(raw)}`);
  };
  switch (kind.type) {
    case "int": {
      const n =
        typeof raw === "number"
          ? raw
          : typeof raw === "string" && /^\d+$/.test(raw.trim())
            ? Number(raw)
            : Number.NaN;
      if (!Number.isInteger(n) || n < kind.min || n > kind.max) fail();
      return n;
    }
    case "bool": {
      if (typeof raw === "boolean") return raw;
      const s = typeof raw === "string" ? raw.trim().toLowerCase() : "";
      if (["true", "1", "yes", "on"].includes(s)) return true;
      if (["false", "0", "no", "off", ""].includes(s)) return false;
      return fail();
    }
    case "enum":
      if (typeof raw !== "string" || !kind.values.includes(raw)) fail();
      return raw as string;
    case "url": {
      if (typeof raw !== "string") return fail();
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        return fail();
      }
      if ((u.protocol !== "http:" && u.protocol !== "https:") || u.search || u.hash) fail();
      return raw.replace(/\/+$/, "");
    }
    case "string":
      if (typeof raw !== "string" || raw === "" || (kind.pattern && !kind.pattern.test(raw))) fail();
      return raw as string;
    case "list": {
      const items =
        typeof raw === "string"
          ? raw
              .split(",")
              .map((x) => x.trim())
              .filter((x) => x !== "")
          : raw;
      if (
        !Array.isArray(items) ||
        items.length === 0 ||
        items.some((x) => typeof x !== "string" || !kind.pattern.test(x))
      )
        fail();
      return items as string[];
    }
  }
}

function readFileConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(
      `config file ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = [".yaml", ".yml"].includes(extname(file).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      `config file ${file}: not valid ${extname(file) === ".json" ? "JSON" : "YAML"}: ${(e as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file}: expected an object at the top level`);
  }
  return parsed as Record<string, unknown>;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Map<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !STRUCTURED_KEYS.has(key))
      flatten(v as Record<string, unknown>, key, out);
    else out.set(key, v);
  }
}

function parseClients(raw: unknown, where: string): ClientConfig[] {
  if (!Array.isArray(raw)) throw new ConfigError(`${where}: expected a list of clients`);
  const seen = new Set<string>();
  return raw.map((c: unknown, i) => {
    const at = `${where}[${i}]`;
    if (c === null || typeof c !== "object")
      throw new ConfigError(`${at}: expected an object with id, secretHash, grants`);
    const o = c as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!["id", "secretHash", "grants", "roles", "organizationId"].includes(k)) {
        throw new ConfigError(
          `${at}.${k}: unknown key (expected id, secretHash, grants, roles, organizationId)`,
        );
      }
    }
    if (typeof o.id !== "string" || o.id === "" || o.id.includes(":")) {
      throw new ConfigError(`${at}.id: expected a non-empty string without ':', got ${JSON.stringify(o.id)}`);
    }
    if (seen.has(o.id)) throw new ConfigError(`${at}.id: duplicate client id ${JSON.stringify(o.id)}`);
    seen.add(o.id);
    if (typeof o.secretHash !== "string" || !isSecretHash(o.secretHash)) {
      throw new ConfigError(
        `${at}.secretHash: expected a hash made by 'ileap hash-secret' or 'ileap secret new' (scrypt$… or hmac-sha256$…); plaintext secrets are not accepted`,
      );
    }
    const allowed = ["*", ...DATA_KINDS];
    if (!Array.isArray(o.grants) || o.grants.some((g) => typeof g !== "string" || !allowed.includes(g))) {
      throw new ConfigError(
        `${at}.grants: expected a list of ${allowed.join(", ")}, got ${JSON.stringify(o.grants)}`,
      );
    }
    const roles = o.roles === undefined ? [] : o.roles;
    if (!Array.isArray(roles) || roles.some((r) => typeof r !== "string")) {
      throw new ConfigError(`${at}.roles: expected a list of strings`);
    }
    if (o.organizationId !== undefined && (typeof o.organizationId !== "string" || o.organizationId === "")) {
      throw new ConfigError(`${at}.organizationId: expected a non-empty string`);
    }
    return {
      id: o.id,
      secretHash: o.secretHash,
      grants: o.grants as ClientConfig["grants"],
      roles: roles as string[],
      ...(o.organizationId ? { organizationId: o.organizationId as string } : {}),
    };
  });
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * Host trust (issue 15, finding 7): outside demo mode a host must know which host names it serves
 * (`publicUrl` or `allowedHosts`), or discovery, issuer and `Link` URLs would follow whatever
 * `Host` header a client sends.
 * @throws {ConfigError} naming both settings and an example.
 */
export function checkHostTrust(config: IleapConfig): void {
  if (config.demo || config.publicUrl || (config.allowedHosts?.length ?? 0) > 0) return;
  throw new ConfigError(
    "ILEAP_PUBLIC_URL (publicUrl) or ILEAP_ALLOWED_HOSTS (allowedHosts) is required outside demo mode, " +
      "so that URLs and the token issuer are never built from a client's Host header; e.g. " +
      "ILEAP_PUBLIC_URL=https://api.example.com or ILEAP_ALLOWED_HOSTS=api.example.com,localhost",
  );
}

/**
 * Builds the validated configuration from CLI overrides, environment and an optional file (in that
 * order of precedence), with defaults for the rest.
 * @throws {ConfigError} naming the key (env name or file key) and what is expected.
 */
export function loadConfig(sources: ConfigSources): IleapConfig {
  const fileValues = new Map<string, unknown>();
  if (sources.file) flatten(readFileConfig(sources.file), "", fileValues);
  const known = new Set([...SETTINGS.map((s) => s.path.join(".")), ...STRUCTURED_KEYS]);
  for (const key of fileValues.keys()) {
    if (!known.has(key))
      throw new ConfigError(`config file key '${key}': unknown (known keys: ${[...known].join(", ")})`);
  }
  const out: Record<string, unknown> = {};
  const defaulted = new Set<string>();
  for (const s of SETTINGS) {
    const key = s.path.join(".");
    let value: string | number | boolean | string[] | undefined;
    const override = sources.overrides?.[key];
    const envName = s.env.find((n) => sources.env[n] !== undefined && sources.env[n] !== "");
    if (override !== undefined) value = convert(s.kind, override, `option --${key}`);
    else if (envName) value = convert(s.kind, sources.env[envName], envName);
    else if (fileValues.has(key)) value = convert(s.kind, fileValues.get(key), `config file key '${key}'`);
    else {
      value = s.default;
      defaulted.add(key);
    }
    if (value !== undefined) setPath(out, s.path, value);
  }
  // Demo mode publishes well-known credentials: listen on loopback unless a host was asked for.
  if (out.demo === true && defaulted.has("host")) out.host = "127.0.0.1";
  const auth = (out.auth ?? {}) as Record<string, unknown>;
  const storageOnly = sources.purpose === "storage";
  if (auth.provider === "clerk" && !storageOnly) auth.clerk = loadClerkConfig(sources.env);
  auth.clients = fileValues.has("auth.clients")
    ? parseClients(fileValues.get("auth.clients"), "config file key 'auth.clients'")
    : [];
  out.auth = auth;
  try {
    out.peers = parsePeers(fileValues.get("peers"), sources.env, "peers", { resolveSecrets: !storageOnly });
    out.events = parseEventsSettings(fileValues.get("events"));
  } catch (e) {
    throw e instanceof EventsConfigError ? new ConfigError(e.message) : e;
  }
  const tls = out.tls as { certFile?: string; keyFile?: string } | undefined;
  if (tls && (!tls.certFile || !tls.keyFile)) {
    throw new ConfigError(
      `ILEAP_TLS_CERT_FILE and ILEAP_TLS_KEY_FILE (tls.certFile, tls.keyFile): give both or neither; got only ${tls.certFile ? "the certificate" : "the key"}`,
    );
  }
  const trust = String(out.trustProxy);
  out.trustProxy =
    trust === "true" ? true : trust === "false" ? false : trust.split(",").map((a) => a.trim());
  const limits = out.limits as IleapConfig["limits"];
  if (limits.defaultPageSize > limits.maxPageSize) {
    throw new ConfigError(
      `ILEAP_DEFAULT_PAGE_SIZE (${limits.defaultPageSize}) must not exceed ILEAP_MAX_PAGE_SIZE (${limits.maxPageSize})`,
    );
  }
  return out as unknown as IleapConfig;
}
