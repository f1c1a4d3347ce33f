/**
 * Idle memory (resident set size) of the compiled server — plain `node dist/cli/main.js serve
 * --demo`, no tsx — beside a bare node:http server measured in the same run, and, for reference,
 * the same server run from the TypeScript sources through tsx. Each is started on a free loopback
 * port, answers a few requests (health, token, one listing), then idles; RSS is read after a pause.
 *
 *   npm run build && npx tsx bench/idle-rss.ts [--settle-ms 3000] [--long-settle-ms 0]
 *
 * `--long-settle-ms N` (e.g. 45000) reads RSS a second time after N ms of idling: V8 keeps a young
 * generation grown during start-up (up to 32 MiB) until its memory reducer runs, about 30 s later.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const settleArg = process.argv.indexOf("--settle-ms");
const SETTLE_MS = settleArg > 0 ? Number(process.argv[settleArg + 1]) : 3000;
const longArg = process.argv.indexOf("--long-settle-ms");
const LONG_SETTLE_MS = longArg > 0 ? Number(process.argv[longArg + 1]) : 0;
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

async function measure(name: string, args: string[], demo: boolean): Promise<number> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-rss-"));
  const child = spawn(
    process.execPath,
    demo ? [...args, "--port", String(port), "--data-dir", dataDir] : args,
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, ILEAP_LOG_LEVEL: "warn", PORT: String(port) },
    },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/health`, child);
    if (demo) {
      const token = await fetch(`${base}/auth/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from("hello:pathfinder").toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
      const { access_token } = (await token.json()) as { access_token: string };
      const list = await fetch(`${base}/2/footprints?limit=10`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      if (list.status !== 200) throw new Error(`${name}: listing answered ${list.status}`);
      await list.arrayBuffer();
    }
    await sleep(SETTLE_MS);
    const rss = rssMiB(child.pid!);
    let line = `${name.padEnd(44)} ${rss.toFixed(1).padStart(7)} MiB`;
    if (LONG_SETTLE_MS > SETTLE_MS) {
      await sleep(LONG_SETTLE_MS - SETTLE_MS);
      line += `, after ${LONG_SETTLE_MS / 1000} s idle ${rssMiB(child.pid!).toFixed(1).padStart(6)} MiB`;
    }
    console.log(line);
    return rss;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const compiled = join(ROOT, "dist/cli/main.js");
if (!existsSync(compiled)) {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(1);
}
const bare = `require("node:http").createServer((q, s) => s.end('{"status":"ok"}')).listen(Number(process.env.PORT), "127.0.0.1")`;

console.log(`idle RSS after start-up and a few requests (${SETTLE_MS} ms settle), node ${process.version}`);
const baseline = await measure("bare node:http server (baseline)", ["-e", bare], false);
const host = await measure("ileap serve --demo, compiled (node dist/…)", [compiled, "serve", "--demo"], true);
const viaTsx = await measure(
  "ileap serve --demo, sources through tsx",
  ["scripts/ileap-dev.js", "serve", "--demo"],
  true,
);
console.log(
  `compiled / baseline: ${(host / baseline).toFixed(2)}×; tsx / compiled: ${(viaTsx / host).toFixed(2)}×`,
);
