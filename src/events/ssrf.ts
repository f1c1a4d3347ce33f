/**
 * Outbound request guard: event delivery only calls configured peers, and by default never
 * loopback, private, link-local, unique-local or otherwise special addresses.
 * @module
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { FetchFunction } from "../client/http.ts";

/** Thrown when an outbound URL is refused. */
export class OutboundRefusedError extends Error {
  override readonly name = "OutboundRefusedError";
}

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

/** Whether an IP address (v4 or v6) is loopback, private, link-local, unique-local, multicast or unspecified. */
export function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 4) return ipv4Private(ip);
  const v6 = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (mapped?.[1]) return ipv4Private(mapped[1]);
  return (
    v6 === "::" ||
    v6 === "::1" ||
    v6.startsWith("fc") ||
    v6.startsWith("fd") ||
    v6.startsWith("fe8") ||
    v6.startsWith("fe9") ||
    v6.startsWith("fea") ||
    v6.startsWith("feb") ||
    v6.startsWith("ff")
  );
}

/**
 * Refuses a URL that is not http(s) or whose host is (or resolves to) a private address, unless
 * `allowPrivateNetworks`. The check happens before each request; DNS may still change between the
 * check and the connection (rebinding), so firewalls remain the primary defence.
 * @throws {OutboundRefusedError}
 */
export async function checkOutboundUrl(url: string, allowPrivateNetworks: boolean): Promise<void> {
  const u = new URL(url);
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new OutboundRefusedError(`refused ${u.protocol} URL (only http and https)`);
  }
  if (allowPrivateNetworks) return;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  const bad = addresses.find(isPrivateAddress);
  if (bad !== undefined || host === "localhost") {
    throw new OutboundRefusedError(
      `refused ${u.host}: resolves to a loopback or private address (set events.allowPrivateNetworks to allow)`,
    );
  }
}

/**
 * A `fetch` that checks every URL with {@link checkOutboundUrl} and never follows redirects (a
 * redirect could lead anywhere): a 3xx is returned as is, which the client reports as an error.
 */
export function guardedFetch(allowPrivateNetworks: boolean, inner: FetchFunction = fetch): FetchFunction {
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    await checkOutboundUrl(url, allowPrivateNetworks);
    return inner(input, { ...init, redirect: "manual" });
  };
}
