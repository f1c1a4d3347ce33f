// Child process of the scale benchmark: the real host over an existing store (DATABASE_URL, else
// the SQLite store in ILEAP_DATA_DIR) on a free loopback port, clients from ILEAP_BENCH_CONFIG.
// Prints its URL on stdout; logs go nowhere (the access log still runs, as in production).
// Plain JavaScript so that it runs the compiled host (`dist/`, what `ileap serve` runs) under plain
// `node`; with ILEAP_BENCH_FROM_SOURCE=1 (run under `--import tsx`) it loads `src/` instead.
import pino from "pino";

const fromSource = process.env.ILEAP_BENCH_FROM_SOURCE === "1";
const root = fromSource ? "../../src" : "../../dist";
const ext = fromSource ? "ts" : "js";
const { loadConfig } = await import(`${root}/config/load.${ext}`);
const { createIleapServer } = await import(`${root}/server.${ext}`);

const config = loadConfig({
  env: {
    ...process.env,
    ILEAP_HOST: "127.0.0.1",
    PORT: "0",
    ILEAP_LOG_LEVEL: "info",
    ILEAP_ALLOWED_HOSTS: "127.0.0.1",
  },
  ...(process.env.ILEAP_BENCH_CONFIG ? { file: process.env.ILEAP_BENCH_CONFIG } : {}),
});
const host = await createIleapServer(config, {
  logger: pino({ level: "info" }, pino.destination("/dev/null")),
});
const running = await host.listen();
process.stdout.write(`${running.url}\n`);
process.on("SIGTERM", async () => {
  await running.close(500);
  await host.close();
  process.exit(0);
});
