/**
 * Outbound request guard: event delivery only calls configured peers, and by default never
 * loopback, private, link-local, unique-local or otherwise special addresses.
 *
 * {@link guardedFetch} checks the addresses a connection is made to, not a separate DNS answer:
 * its connections resolve host names through a `lookup` that refuses private addresses and hands
 * the checked addresses to the socket, so a name that changes its answer between a check and the
 * connection (DNS rebinding) cannot reach a refused address.
 * @module
 */
import type { LookupAddress, LookupOptions } from "node:dns";
import { lookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import type { Agent, fetch as undiciFetch } from "undici";
import type { FetchFunction } from "../client/http.ts";

/** Thrown when an outbound URL is refused. */
export class OutboundRefusedError extends Error {
  override readonly name = "OutboundRefusedError";
}

/**
 * Whether `e`, or any error in its `cause` chain, is an {@link OutboundRefusedError}: the client
 * SDK wraps fetch failures (`IleapNetworkError`) and `fetch` wraps connection failures
 * (`TypeError: fetch failed`), keeping the original as `cause`.
 */
export function isOutboundRefusal(e: unknown): boolean {
  const seen = new Set<unknown>();
  for (let cur = e; cur instanceof Error && !seen.has(cur) && seen.size < 16; cur = cur.cause) {
    if (cur instanceof OutboundRefusedError) return true;
    seen.add(cur);
  }
  return false;
}

/** One address a host name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  /** 4 or 6 (informative: the family is taken from the address itself). */
  readonly family?: number;
}

/** Resolves a host name to all its addresses. Default: `dns.lookup(hostname, { all: true })`. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

const defaultResolver: Resolver = (hostname) => lookup(hostname, { all: true });

function ipv4Private(ip: string): boolean {
  const [a = 0, b = 0] = ip.split(".").map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** The 8 groups of a valid IPv6 address (zone id dropped, embedded dotted IPv4 converted). */
function ipv6Groups(ip: string): number[] | undefined {
  let s = ip.toLowerCase();
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(":");
  const tail = s.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (isIP(tail) !== 4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = tail.split(".").map(Number);
    s = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined): string[] => (part ? part.split(":") : []);
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  const fill = 8 - head.length - rest.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : fill).fill("0"), ...rest].map((g) =>
    /^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN,
  );
  return groups.some(Number.isNaN) ? undefined : groups;
}

/** Dotted IPv4 address of two 16-bit groups. */
function v4Of(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function ipv6Private(ip: string): boolean {
  const g = ipv6Groups(ip);
  if (!g) return true; // not an address we understand: fail closed
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052): the IPv4 address is the last 32 bits.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return ipv4Private(v4Of(g6, g7));
  }
  // Local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215): translates to whatever the site chooses.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return true;
  // ::/96 IPv4-compatible (deprecated; includes :: → 0.0.0.0 and ::1 → 0.0.0.1, both private),
  // ::ffff:0:0/96 IPv4-mapped, ::ffff:0:0:0/96 IPv4-translated (RFC 2765).
  if (zeroUpTo(6) || (zeroUpTo(5) && g5 === 0xffff) || (zeroUpTo(4) && g4 === 0xffff && g5 === 0)) {
    return ipv4Private(v4Of(g6, g7));
  }
  if (g0 < 0x100) return true; // rest of ::/8: reserved, not globally routable
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return true; // 100::/64 discard-only
  if (g0 === 0x2002) return ipv4Private(v4Of(g1, g2)); // 6to4 2002:V4ADDR::/48
  if (g0 === 0x2001 && g1 === 0) return ipv4Private(v4Of(g6 ^ 0xffff, g7 ^ 0xffff)); // Teredo client
  return (
    (g0 & 0xfe00) === 0xfc00 || // fc00::/7 unique local
    (g0 & 0xffc0) === 0xfe80 || // fe80::/10 link-local
    (g0 & 0xffc0) === 0xfec0 || // fec0::/10 site-local (deprecated)
    (g0 & 0xff00) === 0xff00 // ff00::/8 multicast
  );
}

/**
 * Whether an IP address (v4 or v6) is loopback, private, link-local, unique-local, multicast,
 * unspecified or otherwise special. IPv6 forms embedding an IPv4 address (IPv4-mapped,
 * IPv4-compatible, IPv4-translated, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo) are judged by
 * that IPv4 address. Anything that is not an IP address counts as private (fail closed).
 */
export function isPrivateAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) return ipv4Private(ip);
  if (kind === 6) return ipv6Private(ip);
  return true;
}

function refused(host: string): OutboundRefusedError {
  return new OutboundRefusedError(
    `refused ${host}: resolves to a loopback or private address (set events.allowPrivateNetworks to allow)`,
  );
}

/**
 * Checks what can be checked without DNS: the protocol (http or https only), an IP-literal host
 * and `localhost`. Returns the host name still to resolve, or `undefined` for an IP literal.
 */
function checkStatic(u: URL, allowPrivateNetworks: boolean): string | undefined {
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new OutboundRefusedError(`refused ${u.protocol} URL (only http and https)`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(host) !== 0;
  if (!allowPrivateNetworks && ((literal && isPrivateAddress(host)) || host === "localhost")) {
    throw refused(u.host);
  }
  return literal ? undefined : host;
}

/** Resolves `hostname` and refuses it if any address is private (unless allowed). */
async function resolveChecked(
  hostname: string,
  allowPrivateNetworks: boolean,
  resolve: Resolver,
): Promise<LookupAddress[]> {
  const answers = await resolve(hostname);
  const addresses = answers.map((a) => ({ address: a.address, family: isIP(a.address) }));
  if (addresses.length === 0) {
    throw Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND", hostname });
  }
  if (addresses.some((a) => a.family === 0)) {
    throw new OutboundRefusedError(`refused ${hostname}: resolver answered something that is not an address`);
  }
  if (
    !allowPrivateNetworks &&
    (hostname === "localhost" || addresses.some((a) => isPrivateAddress(a.address)))
  ) {
    throw refused(hostname);
  }
  return addresses;
}

/**
 * Refuses a URL that is not http(s) or whose host is (or resolves to) a private address, unless
 * `allowPrivateNetworks`. This is a check ahead of time: DNS may change between it and a
 * connection (rebinding). {@link guardedFetch} (without `inner`) checks the connection's own
 * addresses instead.
 * @throws {OutboundRefusedError}
 */
export async function checkOutboundUrl(
  url: string,
  allowPrivateNetworks: boolean,
  resolve: Resolver = defaultResolver,
): Promise<void> {
  const host = checkStatic(new URL(url), allowPrivateNetworks);
  if (host === undefined || allowPrivateNetworks) return;
  await resolveChecked(host, allowPrivateNetworks, resolve);
}

/**
 * A `lookup` for `net.connect` / `tls.connect`: resolves with `resolve`, refuses (with
 * {@link OutboundRefusedError}) a name with any private address unless `allowPrivateNetworks`,
 * and hands exactly the checked addresses to the socket. One resolution per connection.
 */
export function guardedLookup(
  allowPrivateNetworks: boolean,
  resolve: Resolver = defaultResolver,
): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolveChecked(hostname, allowPrivateNetworks, resolve).then(
      (addresses) => {
        const want =
          options.family === 4 || options.family === "IPv4"
            ? 4
            : options.family === 6 || options.family === "IPv6"
              ? 6
              : 0;
        const usable = want === 0 ? addresses : addresses.filter((a) => a.family === want);
        const first = usable[0];
        if (!first) {
          const err = Object.assign(new Error(`no IPv${want} address for ${hostname}`), {
            code: "ENOTFOUND",
            hostname,
          });
          callback(err, "");
        } else if (options.all) {
          callback(null, usable);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, ""),
    );
  };
}

/** Options of {@link guardedFetch}'s own connections (tests). */
export interface GuardedFetchOptions {
  /** Resolves host names. Default: `dns.lookup` with `all: true`. */
  readonly resolve?: Resolver;
  /** Time limit of establishing a connection, ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
}

/**
 * A `fetch` that only reaches http(s) URLs whose addresses are public (unless
 * `allowPrivateNetworks`), and never follows redirects (a redirect could lead anywhere): a 3xx is
 * returned as is, which the client reports as an error. Refusals throw
 * {@link OutboundRefusedError} (IP literals and `localhost`, before any connection) or reject with
 * a `TypeError: fetch failed` whose `cause` is one (names: see {@link isOutboundRefusal}).
 *
 * Without `inner`, requests go through undici's `fetch` on one keep-alive `Agent` per
 * `guardedFetch` whose connections resolve names with {@link guardedLookup}: the addresses checked
 * are the addresses connected to, so DNS rebinding cannot reach a refused address. A kept-alive
 * connection stays on its checked address; idle connections close after undici's keep-alive
 * timeout (4 s unless the peer says otherwise, at most 10 min) and never keep the process alive.
 *
 * With `inner` (tests), the URL is checked with {@link checkOutboundUrl} and then handed to
 * `inner`: a check ahead of time only, which does not pin addresses.
 */
export function guardedFetch(
  allowPrivateNetworks: boolean,
  inner?: FetchFunction,
  options: GuardedFetchOptions = {},
): FetchFunction {
  if (inner) {
    return async (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      await checkOutboundUrl(url, allowPrivateNetworks, options.resolve);
      return inner(input, { ...init, redirect: "manual" });
    };
  }
  let agent: Agent | undefined;
  return async (input, init) => {
    const request = typeof input === "string" || input instanceof URL ? undefined : input;
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    checkStatic(new URL(url), allowPrivateNetworks);
    // undici is loaded on the first delivery, not at start-up (about 5 MB resident: issue 14).
    const undici = await import("undici");
    agent ??= new undici.Agent({
      connect: {
        lookup: guardedLookup(allowPrivateNetworks, options.resolve),
        ...(options.connectTimeoutMs === undefined ? {} : { timeout: options.connectTimeoutMs }),
      },
    });
    const fromRequest = request
      ? {
          method: request.method,
          headers: request.headers,
          signal: request.signal,
          ...(request.body ? { body: request.body, duplex: "half" } : {}),
        }
      : {};
    const res = await undici.fetch(url, {
      ...fromRequest,
      ...init,
      redirect: "manual",
      dispatcher: agent,
    } as Parameters<typeof undiciFetch>[1]);
    return res as unknown as Response;
  };
}

/** The origin (`scheme://host[:port]`) of a URL, or `undefined` when it is not one. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Wraps `fetch` so that it only reaches the given origins (issue 15, finding 9): a peer's client
 * sends our credentials to its token endpoint, and a discovery document naming a token endpoint on
 * another origin must not redirect them there. Any other URL is refused with an
 * {@link OutboundRefusedError} naming it and the allowed origins, before any connection.
 */
export function originPinnedFetch(fetch: FetchFunction, urls: readonly string[]): FetchFunction {
  const origins = new Set(urls.map(originOf).filter((o): o is string => o !== undefined));
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const origin = originOf(url);
    if (origin === undefined || !origins.has(origin)) {
      return Promise.reject(
        new OutboundRefusedError(
          `refused ${url.slice(0, 200)}: not on the peer's configured origin (${[...origins].join(", ")}); a discovery document may not send our credentials elsewhere (set the peer's authBaseUrl to that origin to allow it)`,
        ),
      );
    }
    return fetch(input, init);
  };
}
