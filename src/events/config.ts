/**
 * Configuration of PACT events: the peers we may call (`peers` in the config file) and the
 * delivery settings (`events`). Parsed from the config file by {@link parsePeers} and
 * {@link parseEventsSettings}; secrets may be given indirectly through an environment variable.
 * @module
 */

/** A host we deliver events to (request answers and `Published` notifications). */
export interface PeerConfig {
  /** Base URL of the peer's API (`{baseUrl}/2/events`, `{baseUrl}/auth/token`), no trailing slash. */
  readonly baseUrl: string;
  /** Our client id at the peer. */
  readonly clientId: string;
  /** Our client secret at the peer (from `clientSecret` or the variable named by `clientSecretEnv`). Never logged. */
  readonly clientSecret: string;
  /**
   * Further event `source` values answered with this peer's credentials: exact URLs or patterns
   * where `*` matches one or more letters, digits or hyphens (one host label or path segment
   * part, e.g. `https://*.example.com`). Default: none.
   */
  readonly sourcePatterns: readonly string[];
  /**
   * Client ids (of our own issuer or identity provider) allowed to name this peer as `source` of a
   * request. Default: empty = any authenticated client (then a client can have answers, limited
   * to what it may see itself, sent to this peer).
   */
  readonly inboundClientIds: readonly string[];
  /** Send `ProductFootprint.Published.v1` events to this peer when our footprints change. Default false. */
  readonly subscribe: boolean;
  /**
   * Client id (of our built-in issuer's `auth.clients`) whose visibility limits the `pfIds` sent to
   * this peer in `Published` events: only footprints that client may see are announced. Default:
   * none (every changed id is announced).
   */
  readonly visibleAs?: string;
  /** Base URL of the peer's authorization endpoints when not `baseUrl`. Default: `baseUrl`. */
  readonly authBaseUrl?: string;
  /**
   * PACT version of the `Published` events sent to this peer: `"2"` (`ProductFootprint.Published.v1`
   * to `{baseUrl}/2/events`) or `"3"` (`ProductFootprint.PublishedEvent.3` to `{baseUrl}/3/events`;
   * with `visibleAs`, only footprints that client may see on `/3`). Request answers always follow
   * the request's version. Default `"2"`.
   */
  readonly pactVersion?: "2" | "3";
}

/** Delivery settings (`events` in the config file). */
export interface EventsSettings {
  /** Run the delivery worker in `ileap serve`. Default true. */
  readonly workerEnabled: boolean;
  /** `source` of the events we send. Default: `publicUrl`, else `http://{host}:{port}{pathPrefix}`. */
  readonly source?: string;
  /** Allow delivery to loopback, private, link-local and unique-local addresses. Default false. */
  readonly allowPrivateNetworks: boolean;
  /** First retry delay, ms (doubling per attempt, with jitter). Default 1000. */
  readonly backoffBaseMs: number;
  /** Longest retry delay, ms. Default 3600000 (1 h). */
  readonly backoffMaxMs: number;
  /** Give up (dead-letter) this long after the event was enqueued, ms. Default 259200000 (3 days). */
  readonly maxAgeMs: number;
  /** How often the worker looks for due deliveries, ms. Default 1000. */
  readonly pollIntervalMs: number;
  /** How long a claimed delivery stays reserved for its worker, ms (then another may take it). Default 60000. */
  readonly leaseMs: number;
  /** Time limit of one delivery attempt (token + POST), ms. Default 15000. */
  readonly timeoutMs: number;
  /**
   * How long finished history is kept, ms: delivered deliveries (from delivery), dead-lettered
   * ones (from enqueueing) and received `Published` records; the worker deletes older rows at
   * start and then hourly. 0 keeps everything. Default 2592000000 (30 days).
   */
  readonly retentionMs: number;
}

/** Defaults of {@link EventsSettings}. */
export const DEFAULT_EVENTS_SETTINGS: EventsSettings = {
  workerEnabled: true,
  allowPrivateNetworks: false,
  backoffBaseMs: 1000,
  backoffMaxMs: 3_600_000,
  maxAgeMs: 3 * 24 * 3_600_000,
  pollIntervalMs: 1000,
  leaseMs: 60_000,
  timeoutMs: 15_000,
  retentionMs: 30 * 24 * 3_600_000,
};

/** A configuration error in the `peers` or `events` section (message names the key). */
export class EventsConfigError extends Error {
  override readonly name = "EventsConfigError";
}

function key(path: string): string {
  return `config file key '${path}'`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function baseUrlOf(raw: unknown, at: string): string {
  if (typeof raw !== "string" || !URL.canParse(raw)) {
    throw new EventsConfigError(`${key(at)}: expected an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  }
  const u = new URL(raw);
  if ((u.protocol !== "http:" && u.protocol !== "https:") || u.search || u.hash || u.username) {
    throw new EventsConfigError(`${key(at)}: expected an http(s) URL without credentials, query or fragment`);
  }
  return raw.replace(/\/+$/, "");
}

function stringList(raw: unknown, at: string): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.some((s) => typeof s !== "string" || s === "")) {
    throw new EventsConfigError(`${key(at)}: expected a list of non-empty strings`);
  }
  return raw as string[];
}

const PEER_KEYS = [
  "baseUrl",
  "clientId",
  "clientSecret",
  "clientSecretEnv",
  "sourcePatterns",
  "inboundClientIds",
  "subscribe",
  "authBaseUrl",
  "visibleAs",
  "pactVersion",
];

/** Options of {@link parsePeers}. */
export interface ParsePeersOptions {
  /**
   * Read each peer's secret (`clientSecretEnv` must then name a set variable). `false` checks the
   * list's shape only and leaves `clientSecret` empty: for commands that never call a peer.
   * Default `true`.
   */
  readonly resolveSecrets?: boolean;
}

/**
 * Parses the config file's `peers` list. `clientSecret` or `clientSecretEnv` (the name of an
 * environment variable holding the secret) is required.
 * @throws {EventsConfigError} naming the offending key (never the secret).
 */
export function parsePeers(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
  where = "peers",
  options: ParsePeersOptions = {},
): PeerConfig[] {
  const resolveSecrets = options.resolveSecrets ?? true;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new EventsConfigError(`${key(where)}: expected a list of peers`);
  const seen = new Set<string>();
  return raw.map((p: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(p))
      throw new EventsConfigError(`${key(at)}: expected an object with baseUrl, clientId, clientSecret`);
    for (const k of Object.keys(p)) {
      if (!PEER_KEYS.includes(k))
        throw new EventsConfigError(`${key(`${at}.${k}`)}: unknown key (expected ${PEER_KEYS.join(", ")})`);
    }
    const baseUrl = baseUrlOf(p.baseUrl, `${at}.baseUrl`);
    if (seen.has(baseUrl)) throw new EventsConfigError(`${key(`${at}.baseUrl`)}: duplicate peer ${baseUrl}`);
    seen.add(baseUrl);
    if (typeof p.clientId !== "string" || p.clientId === "") {
      throw new EventsConfigError(`${key(`${at}.clientId`)}: expected a non-empty string`);
    }
    // Without resolveSecrets the secret stays empty: only the list's shape is checked.
    let secret = "";
    if (typeof p.clientSecretEnv === "string" && p.clientSecretEnv !== "") {
      const value = env[p.clientSecretEnv];
      if (resolveSecrets && !value) {
        throw new EventsConfigError(
          `${key(`${at}.clientSecretEnv`)}: environment variable ${p.clientSecretEnv} is not set`,
        );
      }
      if (resolveSecrets && value) secret = value;
    } else if (typeof p.clientSecret === "string" && p.clientSecret !== "") {
      if (resolveSecrets) secret = p.clientSecret;
    } else {
      throw new EventsConfigError(`${key(at)}: give clientSecret or clientSecretEnv (a non-empty string)`);
    }
    if (p.subscribe !== undefined && typeof p.subscribe !== "boolean") {
      throw new EventsConfigError(`${key(`${at}.subscribe`)}: expected true or false`);
    }
    const pactVersion = p.pactVersion === undefined ? "2" : String(p.pactVersion);
    if (pactVersion !== "2" && pactVersion !== "3") {
      throw new EventsConfigError(`${key(`${at}.pactVersion`)}: expected 2 or 3`);
    }
    return {
      baseUrl,
      clientId: p.clientId,
      clientSecret: secret,
      sourcePatterns: stringList(p.sourcePatterns, `${at}.sourcePatterns`),
      inboundClientIds: stringList(p.inboundClientIds, `${at}.inboundClientIds`),
      subscribe: p.subscribe === true,
      pactVersion,
      ...(p.authBaseUrl === undefined ? {} : { authBaseUrl: baseUrlOf(p.authBaseUrl, `${at}.authBaseUrl`) }),
      ...(typeof p.visibleAs === "string" && p.visibleAs !== "" ? { visibleAs: p.visibleAs } : {}),
    };
  });
}

const INT_KEYS = [
  "backoffBaseMs",
  "backoffMaxMs",
  "maxAgeMs",
  "pollIntervalMs",
  "leaseMs",
  "timeoutMs",
] as const;

/**
 * Parses the config file's `events` object (every key optional; see {@link EventsSettings} for
 * defaults).
 * @throws {EventsConfigError} naming the offending key.
 */
export function parseEventsSettings(raw: unknown, where = "events"): EventsSettings {
  if (raw === undefined) return DEFAULT_EVENTS_SETTINGS;
  if (!isObject(raw)) throw new EventsConfigError(`${key(where)}: expected an object`);
  const out: Record<string, unknown> = { ...DEFAULT_EVENTS_SETTINGS };
  for (const [k, v] of Object.entries(raw)) {
    const at = `${where}.${k}`;
    if ((INT_KEYS as readonly string[]).includes(k)) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
        throw new EventsConfigError(`${key(at)}: expected a positive integer (ms), got ${JSON.stringify(v)}`);
      }
      out[k] = v;
    } else if (k === "retentionMs") {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
        throw new EventsConfigError(
          `${key(at)}: expected 0 (keep everything) or a positive integer (ms), got ${JSON.stringify(v)}`,
        );
      }
      out[k] = v;
    } else if (k === "allowPrivateNetworks" || k === "workerEnabled") {
      if (typeof v !== "boolean") throw new EventsConfigError(`${key(at)}: expected true or false`);
      out[k] = v;
    } else if (k === "source") {
      out[k] = baseUrlOf(v, at);
    } else {
      throw new EventsConfigError(
        `${key(at)}: unknown key (expected ${[...INT_KEYS, "retentionMs", "allowPrivateNetworks", "workerEnabled", "source"].join(", ")})`,
      );
    }
  }
  return out as unknown as EventsSettings;
}

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/\/+$/, "").replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replaceAll("*", "[A-Za-z0-9-]+")}$`);
}

/**
 * The peer an event `source` belongs to: exact base URL (trailing slashes ignored) or one of a
 * peer's `sourcePatterns`; undefined when none (the source must then never be called), and for
 * any source with a query, fragment, user info, backslash or whitespace.
 */
export function peerForSource(peers: readonly PeerConfig[], source: string): PeerConfig | undefined {
  const s = source.replace(/\/+$/, "");
  if (!URL.canParse(s) || /[?#@\\\s]/.test(s)) return undefined;
  return (
    peers.find((p) => p.baseUrl === s) ??
    peers.find((p) => p.sourcePatterns.some((pattern) => patternToRegExp(pattern).test(s)))
  );
}
