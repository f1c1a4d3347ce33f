/**
 * Slow-query starvation benchmark (issue 15, finding 1). The real host runs in a child process on
 * the embedded SQLite store with the demo footprints and 40,000 generated TAD records; the
 * response cache is off (every request reaches the store), unless `--response-cache`.
 *
 * 1. idle: a victim client (`hello`) requests `GET /2/footprints?limit=10` one after another;
 * 2. attack: the same, while an attacker client (`transport_service_organizer`) keeps 8
 *    connections busy with `GET /2/ileap/tad?country=ZZ<n>` (a new value each time: no cache hit).
 *
 * Prints the victim's p50/p99 in both phases and the ratio of the p99s (target ≤ 3), plus the
 * attacker's throughput and latency.
 *
 *   npx tsx bench/slow-query.ts [--tad 40000] [--seconds 10] [--connections 8] [--response-cache]
 *     [--query 'mode=Road&temperatureControl=zz{n}']   (the attacker's filter; `{n}` = a new number each time;
 *                                                      this one matches nothing and has no selective index)
 *     [--env KEY=VALUE …]   (host settings, e.g. --env ILEAP_SQLITE_READERS=0 to read on the main thread)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { seedDemoData } from "../src/server.ts";
import { SqliteStore } from "../src/store/sqlite/sqlite-store.ts";
import { generateTad } from "./support/generate.ts";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const tadCount = Number(option("tad") ?? 40_000);
const seconds = Number(option("seconds") ?? 10);
const connections = Number(option("connections") ?? 8);
/** The attacker's query string; `{n}` becomes a new number each time (no cache hit). */
const attackQuery = option("query") ?? "country=ZZ{n}";
const extraEnv = Object.fromEntries(
  args.flatMap((a, i) => (args[i - 1] === "--env" ? [a.split("=", 2) as [string, string]] : [])),
);

function pct(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;

async function token(base: string, id: string, secret: string): Promise<string> {
  const res = await fetch(`${base}/auth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  if (res.status !== 200) throw new Error(`token for ${id}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Sends `next()` requests back to back until `until`; returns each latency (ms) and the statuses. */
async function loop(
  next: () => string,
  bearer: string,
  until: number,
): Promise<{ latencies: number[]; statuses: Map<number, number> }> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  while (Date.now() < until) {
    const started = performance.now();
    const res = await fetch(next(), { headers: { authorization: `Bearer ${bearer}` } });
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  return { latencies, statuses };
}

const dataDir = mkdtempSync(join(tmpdir(), "ileap-slow-query-"));
let child: ChildProcess | undefined;
try {
  // The store: demo footprints and `tadCount` TAD records, written directly.
  const store = new SqliteStore({ file: join(dataDir, "ileap.sqlite") });
  await seedDemoData(store);
  let batch: { document: Record<string, unknown> }[] = [];
  for (const tad of generateTad(tadCount)) {
    batch.push({ document: tad as unknown as Record<string, unknown> });
    if (batch.length === 2000) {
      await store.putTad(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.putTad(batch);
  await store.analyze();
  await store.close();

  child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./support/scale-host.js", import.meta.url).pathname],
    {
      env: {
        ...process.env,
        // The sources (this benchmark compares behaviour, not memory; no build needed).
        ILEAP_BENCH_FROM_SOURCE: "1",
        ILEAP_DATA_DIR: dataDir,
        ILEAP_DEMO: "true",
        ILEAP_RESPONSE_CACHE_MB: args.includes("--response-cache") ? "32" : "0",
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const stdout = child.stdout;
  if (!stdout) throw new Error("no stdout from the host");
  const [base] = (await createInterface({ input: stdout })[Symbol.asyncIterator]().next()).value.split("\n");
  const victim = await token(base, "hello", "pathfinder");
  const attacker = await token(base, "transport_service_organizer", "ileap");
  const victimUrl = () => `${base}/2/footprints?limit=10`;
  // Warm-up.
  await loop(victimUrl, victim, Date.now() + 1000);

  const idle = await loop(victimUrl, victim, Date.now() + seconds * 1000);
  let n = 0;
  const until = Date.now() + seconds * 1000;
  const attack = Array.from({ length: connections }, () =>
    loop(() => `${base}/2/ileap/tad?${attackQuery.replace("{n}", String(n++))}`, attacker, until),
  );
  const loaded = await loop(victimUrl, victim, until);
  const attackers = await Promise.all(attack);
  const attackLatencies = attackers.flatMap((a) => a.latencies);
  const attackStatuses = new Map<number, number>();
  for (const a of attackers)
    for (const [s, c] of a.statuses) attackStatuses.set(s, (attackStatuses.get(s) ?? 0) + c);

  const row = (name: string, l: readonly number[], statuses: Map<number, number>) =>
    `${name.padEnd(34)} ${String(l.length).padStart(6)} req  p50 ${ms(pct(l, 50)).padStart(9)}  p90 ${ms(pct(l, 90)).padStart(9)}  p99 ${ms(pct(l, 99)).padStart(9)}  statuses ${JSON.stringify(Object.fromEntries(statuses))}`;
  console.log(
    `slow-query: ${tadCount} TAD, ${connections} attacker connections, ${seconds} s per phase, response cache ${args.includes("--response-cache") ? "on" : "off"}${Object.keys(extraEnv).length ? `, ${JSON.stringify(extraEnv)}` : ""}`,
  );
  console.log(row("victim /2/footprints, idle", idle.latencies, idle.statuses));
  console.log(row("victim /2/footprints, under attack", loaded.latencies, loaded.statuses));
  console.log(row(`attacker ?${attackQuery}`, attackLatencies, attackStatuses));
  const ratio = pct(loaded.latencies, 99) / pct(idle.latencies, 99);
  console.log(
    `victim p99 under attack / idle p99: ${ratio.toFixed(2)} (target ≤ 3) ${ratio <= 3 ? "MET" : "NOT MET"}; attacker ${(attackLatencies.length / seconds).toFixed(0)} req/s`,
  );
} finally {
  if (child) {
    child.kill("SIGTERM");
    await new Promise((r) => child?.once("exit", r));
  }
  rmSync(dataDir, { recursive: true, force: true });
}
