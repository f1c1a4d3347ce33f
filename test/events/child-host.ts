/**
 * Runs our host in a child process for crash and multi-worker tests:
 *
 *     node --import tsx child-host.ts REQUESTER_URL DATA_DIR [DATABASE_URL] [--events=JSON] [--log]
 *
 * Prints the base URL on stdout once listening, then runs until killed. `DATABASE_URL` selects
 * PostgreSQL (default: SQLite in `DATA_DIR`); `--events` adds `events` settings (JSON object, e.g.
 * a longer lease); `--log` then also prints every log line of the host (pino JSON, one a line) on
 * stdout, so the parent can see e.g. which process delivered which event. When stdin is a pipe,
 * the process exits once it closes (the parent is gone: no orphaned hosts).
 */
import { fstatSync } from "node:fs";
import { startTestHost } from "./host.ts";

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith("--"));
const [requesterUrl, dataDir, databaseUrl] = args.filter((a) => !a.startsWith("--"));
const usage = "usage: child-host.ts REQUESTER_URL DATA_DIR [DATABASE_URL] [--events=JSON] [--log]";
if (!requesterUrl || !dataDir) throw new Error(usage);
let events: Record<string, unknown> | undefined;
let log = false;
for (const flag of flags) {
  if (flag === "--log") log = true;
  else if (flag.startsWith("--events=")) events = JSON.parse(flag.slice("--events=".length));
  else throw new Error(`unknown flag ${flag}; ${usage}`);
}

const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on("close", () => process.exit(0));
  process.stdin.resume();
}

const host = await startTestHost({
  requesterUrl,
  dataDir,
  ...(databaseUrl ? { databaseUrl } : {}),
  ...(events ? { events } : {}),
});
process.stdout.write(`${host.baseUrl}\n`);
if (log) {
  // Lines already written, then each new one as the sink receives it (synchronously: none lost).
  const lines = host.logs.lines;
  for (const line of lines) process.stdout.write(`${line}\n`);
  const push = lines.push.bind(lines);
  lines.push = (...items: string[]): number => {
    for (const line of items) process.stdout.write(`${line}\n`);
    return push(...items);
  };
}
