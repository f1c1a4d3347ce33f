/**
 * Resident memory of the compiled server (`node dist/cli/main.js serve --demo`, default limits)
 * under abuse (issue 14, target 2): a flood of refused token requests (wrong secrets under ever
 * new client ids, answered 400 or 429) together with a flood of invalid bearer tokens (ever new
 * JWT-shaped strings, answered 400/403), each from its own autocannon instance. Prints RSS before
 * (idle, after a few requests), the peak sampled every second during the flood, and after the flood
 * has settled, with the targets: growth < 30 MiB, and back within 10 % of the idle figure.
 *
 *   npm run build && npx tsx bench/abuse-rss.ts [--duration 60] [--connections 20] [--settle-ms 10000]
 *     [--only token|bearer]
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DURATION = flag("duration", 60);
const CONNECTIONS = flag("connections", 20);
const SETTLE_MS = flag("settle-ms", 10_000);
const onlyAt = process.argv.indexOf("--only");
/** `token` or `bearer` runs that flood alone (default: both at once). */
const ONLY = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once("error", reject);
  });
}

/** Resident set size of a process in MiB (`ps`). */
function rssMiB(pid: number): number {
  const kib = Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim());
  return kib / 1024;
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`${url} did not answer`);
}

const b64url = (bytes: number) => randomBytes(bytes).toString("base64url");

const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), "ileap-abuse-rss-"));
const child = spawn(
  process.execPath,
  [
    "dist/cli/main.js",
    "serve",
    "--demo",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--data-dir",
    dataDir,
  ],
  { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, PORT: String(port) } },
);
const base = `http://127.0.0.1:${port}`;
try {
  await waitFor(`${base}/health`, child);
  // A few genuine requests first, so that "before" is a server that has served something.
  const token = await fetch(`${base}/auth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from("hello:pathfinder").toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  const { access_token } = (await token.json()) as { access_token: string };
  for (const path of ["/2/footprints?limit=10", "/2/ileap/tad?limit=10"]) {
    await (
      await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${access_token}` } })
    ).arrayBuffer();
  }
  await sleep(SETTLE_MS / 2);
  const before = rssMiB(child.pid as number);

  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB(child.pid as number));
  }, 1000);
  const statuses = new Map<string, number>();
  const count = (what: string) => (statusCode: number) => {
    const key = `${what} ${statusCode}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  };
  let tokenRequests = 0;
  const skipped = Promise.resolve({ requests: { total: 0 } });
  const tokenFlood =
    ONLY === "bearer"
      ? skipped
      : autocannon({
          url: `${base}/auth/token`,
          connections: CONNECTIONS,
          duration: DURATION,
          requests: [
            {
              method: "POST",
              setupRequest: (req) => ({
                ...req,
                headers: {
                  // Mostly a known client id with wrong secrets (refused 429 once its failure budget is
                  // spent, without scrypt), every fourth an ever new client id (scrypt, then 400 or 429).
                  authorization: `Basic ${Buffer.from(`${++tokenRequests % 4 === 0 ? `client-${b64url(9)}` : "hello"}:${b64url(12)}`).toString("base64")}`,
                  "content-type": "application/x-www-form-urlencoded",
                },
                body: "grant_type=client_credentials",
              }),
              onResponse: count("token"),
            },
          ],
        });
  const bearerFlood =
    ONLY === "token"
      ? skipped
      : autocannon({
          url: `${base}/2/footprints?limit=10`,
          connections: CONNECTIONS,
          duration: DURATION,
          requests: [
            {
              setupRequest: (req) => ({
                ...req,
                headers: {
                  authorization: `Bearer ${b64url(27)}.${b64url(90)}.${b64url(256)}`,
                },
              }),
              onResponse: count("bearer"),
            },
          ],
        });
  const [tokens, bearers] = await Promise.all([tokenFlood, bearerFlood]);
  clearInterval(sampler);
  peak = Math.max(peak, rssMiB(child.pid as number));
  await sleep(SETTLE_MS);
  const after = rssMiB(child.pid as number);

  const growth = peak - before;
  const back = (after - before) / before;
  console.log(
    `abuse RSS (compiled server, default limits, ${DURATION} s, ${CONNECTIONS}+${CONNECTIONS} connections, node ${process.version})`,
  );
  console.log(
    `requests: token ${tokens.requests.total} (${(tokens.requests.total / DURATION).toFixed(0)}/s), bearer ${bearers.requests.total} (${(bearers.requests.total / DURATION).toFixed(0)}/s); answers: ${[...statuses].map(([k, n]) => `${k}: ${n}`).join(", ")}`,
  );
  console.log(
    `RSS before ${before.toFixed(1)} MiB, peak during ${peak.toFixed(1)} MiB (growth ${growth.toFixed(1)} MiB, target < 30: ${growth < 30 ? "met" : "MISSED"}), after ${SETTLE_MS / 1000} s ${after.toFixed(1)} MiB (${(back * 100).toFixed(1)} % vs before, target ≤ 10 %: ${back <= 0.1 ? "met" : "MISSED"})`,
  );
  if ([...statuses.keys()].some((k) => k.endsWith(" 200")))
    throw new Error("a flood request was answered 200: the benchmark is not measuring refusals");
} finally {
  child.kill("SIGTERM");
  await sleep(300);
  rmSync(dataDir, { recursive: true, force: true });
}
