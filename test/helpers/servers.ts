import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { loadConfig } from "../../src/config/load.ts";
import type { IleapConfig } from "../../src/config/types.ts";
import { createIleapServer, type IleapServer } from "../../src/server.ts";

const FIXTURES = new URL("../fixtures/tls/", import.meta.url);
export const TLS_CERT_FILE = new URL("localhost-cert.pem", FIXTURES).pathname;
export const TLS_KEY_FILE = new URL("localhost-key.pem", FIXTURES).pathname;
/** CA to trust for the fixture certificate (it is self-signed). */
export const TLS_CA = readFileSync(TLS_CERT_FILE, "utf8");

/** Collects every log line a test server writes, so tests can assert on logs. */
export class LogSink extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  }
}

export interface DemoServerOptions {
  /** Serve HTTPS with the fixture certificate. Default false. */
  readonly tls?: boolean;
  /** Token lifetime. Default 3600. */
  readonly tokenTtlSeconds?: number;
  /** Extra environment variables (ILEAP_*). */
  readonly env?: Record<string, string>;
  /** Clock of the issuer. */
  readonly now?: () => number;
  /** Config file contents (YAML), e.g. `peers:` entries. Default: none. */
  readonly configYaml?: string;
}

export interface RunningDemoServer {
  /** Base URL of the API (incl. any prefix). */
  readonly baseUrl: string;
  /** For TLS servers: the same host and port with `http://` (which must not be processed). */
  readonly httpBaseUrl?: string;
  /** CA certificate to trust for TLS servers. */
  readonly ca?: string;
  readonly config: IleapConfig;
  readonly host: IleapServer;
  readonly logs: LogSink;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** Starts the real host with demo data on a free loopback port and a fresh temporary data directory. */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<RunningDemoServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-test-"));
  const configFile = options.configYaml !== undefined ? join(dataDir, "ileap.yaml") : undefined;
  if (configFile !== undefined) writeFileSync(configFile, options.configYaml as string);
  const config = loadConfig({
    ...(configFile !== undefined ? { file: configFile } : {}),
    env: {
      ILEAP_HOST: "127.0.0.1",
      PORT: "0",
      ILEAP_DATA_DIR: dataDir,
      ILEAP_DEMO: "true",
      ILEAP_TOKEN_TTL_SECONDS: String(options.tokenTtlSeconds ?? 3600),
      ...(options.tls ? { ILEAP_TLS_CERT_FILE: TLS_CERT_FILE, ILEAP_TLS_KEY_FILE: TLS_KEY_FILE } : {}),
      ...options.env,
    },
  });
  const logs = new LogSink();
  const host = await createIleapServer(config, {
    logger: pino({ level: "debug" }, logs),
    ...(options.now ? { now: options.now } : {}),
  });
  const running = await host.listen();
  const baseUrl = `${running.url}${config.pathPrefix}`;
  return {
    baseUrl,
    ...(options.tls ? { httpBaseUrl: baseUrl.replace(/^https:/, "http:"), ca: TLS_CA } : {}),
    config,
    host,
    logs,
    dataDir,
    close: async () => {
      await running.close(1000);
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
