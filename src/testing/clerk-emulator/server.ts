/** `startClerkEmulator`: the emulator listening on loopback over HTTP. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type ClerkEmulatorControl, createClerkEmulator } from "./emulator.ts";
import type { ClerkEmulatorOptions } from "./types.ts";

/** Options of {@link startClerkEmulator}: the emulator's plus where to listen. */
export interface StartClerkEmulatorOptions extends ClerkEmulatorOptions {
  /** TCP port. Default 0 (a free port). */
  readonly port?: number;
  /** Interface to bind. Default `"127.0.0.1"` (loopback only). */
  readonly hostname?: string;
}

/** A listening emulator. */
export interface RunningClerkEmulator {
  /** Base URL = the FAPI URL = the token issuer (unless `issuer` was given), e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /**
   * A development publishable key naming this emulator: `pk_test_` + base64(`127.0.0.1:<port>$`).
   * Clerk SDKs derive `https://<host>` from it, so give consumers the plain-HTTP `url` as well.
   */
  readonly publishableKey: string;
  readonly control: ClerkEmulatorControl;
  /** Releases hanging requests, drops every connection and stops listening. */
  close(): Promise<void>;
}

/** Clerk's publishable-key encoding of a FAPI URL's host: `pk_test_` + base64(`host$`). */
export function publishableKeyFor(fapiUrl: string): string {
  return `pk_test_${Buffer.from(`${new URL(fapiUrl).host}$`).toString("base64")}`;
}

/** Starts a Clerk FAPI emulator on `hostname:port` (defaults `127.0.0.1`, a free port). */
export async function startClerkEmulator(
  options: StartClerkEmulatorOptions = {},
): Promise<RunningClerkEmulator> {
  const { port = 0, hostname = "127.0.0.1", ...emulatorOptions } = options;
  const { app, control } = createClerkEmulator(emulatorOptions);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => resolve(s as Server)) as Server;
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  control.setListenUrl(url);
  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    publishableKey: publishableKeyFor(url),
    control,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        control.releaseHangs();
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
