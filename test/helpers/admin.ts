import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { hashSecret } from "../../src/auth/secret-hash.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { IleapConfig } from "../../src/config/types.ts";
import type { HOC, ProductFootprint, ShipmentFootprint, TOC } from "../../src/model/types.ts";
import { createIleapServer, type IleapServer } from "../../src/server.ts";
import { demoFootprints } from "../../src/testing/demo-data.ts";
import { LogSink } from "./servers.ts";

/** Clients of the admin test configuration. */
export const CLIENTS = {
  admin: { id: "ops-admin", secret: "admin-secret-1" },
  reader: { id: "reader", secret: "reader-secret-1" },
  alice: { id: "alice", secret: "alice-secret-1" },
} as const;

/** Company fields the test servers are configured with. */
export const TEST_COMPANY = {
  name: "Admin Test Carrier GmbH",
  ids: [
    "urn:uuid:0f0e0d0c-0b0a-4908-8706-050403020100",
    "urn:pathfinder:company:customcode:vendor-assigned:admin-test",
  ],
} as const;

/**
 * Writes a YAML config file with an `admin` client (role admin, every grant), a `reader` (every
 * grant, no role) and `alice` (every grant), secrets hashed cheaply (N=1024) for speed.
 */
export async function writeAdminConfig(dir: string): Promise<string> {
  const hash = (s: string) => hashSecret(s, { N: 1024, r: 8, p: 1 });
  const file = join(dir, "ileap.yaml");
  writeFileSync(
    file,
    [
      "auth:",
      "  clients:",
      `    - id: ${CLIENTS.admin.id}`,
      `      secretHash: "${await hash(CLIENTS.admin.secret)}"`,
      '      grants: ["*"]',
      "      roles: [admin]",
      `    - id: ${CLIENTS.reader.id}`,
      `      secretHash: "${await hash(CLIENTS.reader.secret)}"`,
      '      grants: ["*"]',
      `    - id: ${CLIENTS.alice.id}`,
      `      secretHash: "${await hash(CLIENTS.alice.secret)}"`,
      '      grants: ["*"]',
      "",
    ].join("\n"),
  );
  return file;
}

/** A running host with the admin test configuration on a fresh, empty store. */
export interface AdminServer {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly configFile: string;
  readonly config: IleapConfig;
  readonly host: IleapServer;
  readonly logs: LogSink;
  close(): Promise<void>;
}

/** Starts the host (no demo data) with the admin test configuration and company fields. */
export async function startAdminServer(env: Record<string, string> = {}): Promise<AdminServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-admin-"));
  const configFile = await writeAdminConfig(dataDir);
  const config = loadConfig({
    env: {
      ILEAP_HOST: "127.0.0.1",
      PORT: "0",
      ILEAP_DATA_DIR: dataDir,
      ILEAP_COMPANY_NAME: TEST_COMPANY.name,
      ILEAP_COMPANY_IDS: TEST_COMPANY.ids.join(","),
      ILEAP_ALLOWED_HOSTS: "127.0.0.1",
      ...env,
    },
    file: configFile,
  });
  const logs = new LogSink();
  const host = await createIleapServer(config, { logger: pino({ level: "info" }, logs) });
  const running = await host.listen();
  return {
    baseUrl: `${running.url}${config.pathPrefix}`,
    dataDir,
    configFile,
    config,
    host,
    logs,
    close: async () => {
      await running.close(1000);
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The iLEAP objects and plain PACT footprints of the demo data, as import fixtures. */
export function fixtures(): {
  tocs: TOC[];
  hocs: HOC[];
  shipments: ShipmentFootprint[];
  pcfs: ProductFootprint[];
} {
  const all = demoFootprints();
  const data = <T>(kind: string) =>
    all.filter((f) => f.kind === kind).map((f) => f.document.extensions?.[0]?.data as unknown as T);
  return {
    tocs: data<TOC>("toc"),
    hocs: data<HOC>("hoc"),
    shipments: data<ShipmentFootprint>("shipment-footprint"),
    pcfs: all.filter((f) => f.kind === "pcf").map((f) => f.document),
  };
}
