/**
 * Throughput and p99 latency of `GET /2/footprints?limit=10` and `GET /2/ileap/tad?limit=10` with a
 * valid bearer token (50 connections) against a baseline measured in the same run: a bare
 * node:http server returning the identical response bytes. Both servers run in child processes
 * of the same kind (tsx), autocannon runs here. Target: host ≥ 0.8 × baseline.
 *
 *   npx tsx bench/list-throughput.ts [--duration 10] [--connections 50]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const duration = arg("duration", 10);
const connections = arg("connections", 50);

function startChild(script: string, args: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (url) => resolve({ child, url: url.trim() }));
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function run(url: string, token: string) {
  const result = await autocannon({
    url,
    connections,
    duration,
    headers: { authorization: `Bearer ${token}` },
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50 };
}

const host = await startChild("bench/support/demo-host.ts");
let bare: { child: ChildProcess; url: string } | undefined;
try {
  const tokenRes = await fetch(`${host.url}/auth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from("hello:pathfinder").toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  const paths = ["/2/footprints", "/2/ileap/tad"];
  const routes: Record<string, { headers: Record<string, string>; body: string }> = {};
  for (const path of paths) {
    const res = await fetch(`${host.url}${path}?limit=10`, { headers: { authorization: `Bearer ${token}` } });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!["date", "connection", "keep-alive", "transfer-encoding"].includes(k)) headers[k] = v;
    });
    routes[path] = { headers, body: await res.text() };
  }
  const file = join(mkdtempSync(join(tmpdir(), "ileap-bench-")), "captured.json");
  writeFileSync(file, JSON.stringify({ routes }));
  bare = await startChild("bench/support/bare-host.ts", [file]);

  console.log(`list benchmark: ${connections} connections, ${duration} s per run, node ${process.version}`);
  for (const path of paths) {
    await run(`${host.url}${path}?limit=10`, token); // warm-up (JIT, statement cache, verification cache)
    const baseline = await run(`${bare.url}${path}?limit=10`, token);
    const ours = await run(`${host.url}${path}?limit=10`, token);
    console.log(
      `${path}?limit=10  host ${ours.rps.toFixed(0)} req/s p50 ${ours.p50} ms p99 ${ours.p99} ms | baseline ${baseline.rps.toFixed(0)} req/s p50 ${baseline.p50} ms p99 ${baseline.p99} ms | ratio ${(ours.rps / baseline.rps).toFixed(2)} (target ≥ 0.80), body ${routes[path]!.body.length} bytes`,
    );
  }
} finally {
  host.child.kill("SIGTERM");
  bare?.child.kill("SIGTERM");
}
