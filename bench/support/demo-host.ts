// Child process of the list benchmark: the real host with demo data on a free loopback port.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../../src/config/load.ts";
import { createIleapServer } from "../../src/server.ts";

// ILEAP_* variables of the parent (e.g. rate limits off for the token benchmarks) pass through.
const passedThrough = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith("ILEAP_")),
);
const config = loadConfig({
  env: {
    ...passedThrough,
    ILEAP_HOST: "127.0.0.1",
    PORT: "0",
    ILEAP_DEMO: "true",
    ILEAP_DATA_DIR: mkdtempSync(join(tmpdir(), "ileap-bench-")),
  },
});
// Access logs at level "info" to /dev/null, written asynchronously as `ileap serve` writes stdout
// (level "silent" would skip the logging work the real host does).
const host = await createIleapServer(config, {
  logger: pino({ level: "info" }, pino.destination({ dest: "/dev/null", sync: false })),
});
const running = await host.listen();
process.stdout.write(`${running.url}\n`);
process.on("SIGTERM", async () => {
  await running.close(500);
  await host.close();
  process.exit(0);
});
