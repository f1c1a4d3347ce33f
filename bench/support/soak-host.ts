// Child process of the soak benchmark: the real host with demo data on a free loopback port, access
// logs written (to /dev/null) as in production, token rate limits off (all load comes from one address).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../../src/config/load.ts";
import { createIleapServer } from "../../src/server.ts";

const dataDir = mkdtempSync(join(tmpdir(), "ileap-soak-"));
const config = loadConfig({
  env: {
    ILEAP_HOST: "127.0.0.1",
    PORT: "0",
    ILEAP_DEMO: "true",
    ILEAP_DATA_DIR: dataDir,
    ILEAP_TOKEN_RATE_PER_CLIENT: "0",
    ILEAP_TOKEN_RATE_PER_ADDRESS: "0",
  },
});
const host = await createIleapServer(config, {
  logger: pino({ level: "info" }, pino.destination("/dev/null")),
});
const running = await host.listen();
process.stdout.write(`${running.url}\n`);
process.on("SIGTERM", async () => {
  await running.close(500);
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
