/**
 * `ileap conformance --self` / `npm run selfcheck`: starts a throw-away demo host over HTTPS (a
 * fresh self-signed certificate for 127.0.0.1, 2-second tokens, a temporary data directory) and
 * runs the whole conformance suite against it — the plain-HTTP refusal and expired-token cases
 * included, and the callback cases 13 and 14.B through an in-process callback listener that the
 * host knows as its peer — then removes everything it made.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../config/load.ts";
import { createIleapServer } from "../server.ts";
import { startCallbackListener } from "./callback-listener.ts";
import { runConformance } from "./index.ts";
import type { ConformanceOptions, ConformanceReport } from "./types.ts";

/** Token lifetime of the throw-away host: the expired-token cases wait this long. */
export const SELF_CHECK_TOKEN_TTL_SECONDS = 2;

/** What the self-check ran against, for the report's header. */
export interface SelfCheckResult {
  readonly baseUrl: string;
  readonly report: ConformanceReport;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid for one day (PEM). */
async function throwAwayCertificate(): Promise<{ cert: string; key: string }> {
  const { generate } = await import("selfsigned");
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 24 * 3600_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Runs the suite against a throw-away demo host over HTTPS; `options` may narrow the cases. */
export async function selfCheck(
  options: Pick<ConformanceOptions, "cases" | "timeoutMs" | "version"> = {},
): Promise<SelfCheckResult> {
  const dir = mkdtempSync(join(tmpdir(), "ileap-selfcheck-"));
  try {
    const { cert, key } = await throwAwayCertificate();
    writeFileSync(join(dir, "cert.pem"), cert);
    writeFileSync(join(dir, "key.pem"), key, { mode: 0o600 });
    // The requester of cases 12–14.B: the host answers its request events at this listener.
    const listener = await startCallbackListener();
    writeFileSync(
      join(dir, "ileap.yaml"),
      `${listener.peerConfig()}  pollIntervalMs: 100\n  backoffBaseMs: 100\n  backoffMaxMs: 1000\n`,
    );
    try {
      const config = loadConfig({
        file: join(dir, "ileap.yaml"),
        env: {
          ILEAP_HOST: "127.0.0.1",
          PORT: "0",
          ILEAP_DATA_DIR: join(dir, "data"),
          ILEAP_DEMO: "true",
          ILEAP_TOKEN_TTL_SECONDS: String(SELF_CHECK_TOKEN_TTL_SECONDS),
          ILEAP_TLS_CERT_FILE: join(dir, "cert.pem"),
          ILEAP_TLS_KEY_FILE: join(dir, "key.pem"),
        },
      });
      const host = await createIleapServer(config, { logger: pino({ level: "silent" }) });
      try {
        const running = await host.listen();
        try {
          const baseUrl = running.url.replace("://localhost", "://127.0.0.1");
          const report = await runConformance({
            baseUrl,
            clientId: "hello",
            clientSecret: "pathfinder",
            tls: { ca: cert },
            maxWaitForExpirySeconds: SELF_CHECK_TOKEN_TTL_SECONDS * 10,
            callbacks: listener,
            ...options,
          });
          return { baseUrl, report };
        } finally {
          await running.close(1000);
        }
      } finally {
        await host.close();
      }
    } finally {
      await listener.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
