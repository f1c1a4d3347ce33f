/** Starts our host (demo data) configured with one peer: the test requester. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { hashSecret } from "../../src/auth/secret-hash.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createIleapServer, type IleapServer } from "../../src/server.ts";
import { getToken, send, type WireResponse } from "../helpers/http.ts";
import { LogSink } from "../helpers/servers.ts";
import { REQUESTER_CLIENT_ID } from "./requester.ts";

export interface TestHost {
  readonly baseUrl: string;
  readonly host: IleapServer;
  readonly logs: LogSink;
  /** POSTs an event to our host as the given demo client. */
  post(event: unknown, client?: readonly [string, string]): Promise<WireResponse>;
  close(): Promise<void>;
}

export interface TestHostOptions {
  readonly requesterUrl: string;
  readonly databaseUrl?: string;
  /** Extra `events` settings. */
  readonly events?: Record<string, unknown>;
  readonly subscribe?: boolean;
  /** Data directory to use (kept on close). Default: a fresh temporary one (deleted on close). */
  readonly dataDir?: string;
  /** Extra clients of the built-in issuer (e.g. an admin for the admin API). */
  readonly clients?: readonly Record<string, unknown>[];
}

/** An admin client (minted secret, fast hash) that may read `/ready` details. */
export const READY_ADMIN = { id: "ready-admin", secret: `ilsk_${"r".repeat(43)}` } as const;
const READY_ADMIN_CLIENT = {
  id: READY_ADMIN.id,
  secretHash: await hashSecret(READY_ADMIN.secret),
  grants: [],
  roles: ["admin"],
};

/** Starts the host with fast retry settings and loopback allowed. */
export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "ileap-events-"));
  const file = join(dataDir, "config.json");
  writeFileSync(
    file,
    JSON.stringify({
      auth: { clients: [READY_ADMIN_CLIENT, ...(options.clients ?? [])] },
      peers: [
        {
          baseUrl: options.requesterUrl,
          clientId: REQUESTER_CLIENT_ID,
          clientSecretEnv: "TEST_PEER_SECRET",
          subscribe: options.subscribe ?? false,
        },
      ],
      events: {
        allowPrivateNetworks: true,
        backoffBaseMs: 40,
        backoffMaxMs: 150,
        pollIntervalMs: 30,
        leaseMs: 400,
        timeoutMs: 2000,
        ...options.events,
      },
    }),
  );
  const config = loadConfig({
    file,
    env: {
      ILEAP_HOST: "127.0.0.1",
      PORT: "0",
      ILEAP_DATA_DIR: dataDir,
      ILEAP_DEMO: "true",
      TEST_PEER_SECRET: "s3cret-at-requester",
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    },
  });
  const logs = new LogSink();
  const host = await createIleapServer(config, { logger: pino({ level: "debug" }, logs) });
  const running = await host.listen();
  const baseUrl = running.url;
  const tokens = new Map<string, string>();
  return {
    baseUrl,
    host,
    logs,
    post: async (event, client = ["hello", "pathfinder"]) => {
      const [id, secret] = client;
      let token = tokens.get(id);
      if (!token) {
        token = await getToken(baseUrl, id, secret);
        tokens.set(id, token);
      }
      return send(`${baseUrl}/2/events`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/cloudevents+json; charset=UTF-8",
        },
        body: JSON.stringify(event),
      });
    },
    close: async () => {
      await running.close(1000);
      await host.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A `ProductFootprintRequest.Created.v1` event from `source`. */
export function requestEvent(source: string, pf: Record<string, unknown>, id: string = crypto.randomUUID()) {
  return {
    specversion: "1.0",
    id,
    source,
    time: "2023-05-19T10:30:00Z",
    type: "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
    data: { pf, comment: "Please send PCF data for this year." },
  };
}

/** Polls `check` until it holds. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
