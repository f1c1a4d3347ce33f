/**
 * Load and soak test: a mixed workload (token requests, footprint lists with filters and limits,
 * next-page links, GetFootprint, TAD lists with filters, events) against the real host (demo data,
 * SQLite store) in a child process. First measures the maximum rate briefly (closed loop,
 * `--connections` concurrent requests), then runs open-loop at a fixed rate (default 70 % of that
 * maximum) for `--duration` seconds, printing progress every 10 s and at the end: throughput,
 * p50/p99/max latency, errors (any non-2xx, network error or timeout) and the host's RSS at the
 * start and end of the fixed-rate run. Exits non-zero when there were errors or RSS grew ≥ 10 %.
 *
 *   npx tsx bench/soak.ts [--duration 600] [--rate <req/s>] [--fraction 0.7] [--probe 10] [--connections 32]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { availableParallelism, loadavg } from "node:os";
import { createInterface } from "node:readline";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const durationSeconds = arg("duration", 600);
const fixedRate = arg("rate", 0);
const fraction = arg("fraction", 0.7);
const probeSeconds = arg("probe", 10);
const connections = arg("connections", 32);
const TIMEOUT_MS = 10_000;

function startHost(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/support/soak-host.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (url) => resolve({ child, url: url.trim() }));
    child.once("exit", (code) => reject(new Error(`host exited with ${code}`)));
  });
}

/** Resident set size of a process in MiB (Linux `/proc`). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

// Idle sockets are dropped after 4 s, before the host's 5 s keep-alive timeout closes them: reusing a
// socket the server is closing at that moment is a client-side race, not a host error.
const agent = new Agent({ keepAlive: true, maxSockets: connections * 4, timeout: 4_000 });

interface Call {
  readonly kind: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

function send(base: URL, call: Call): Promise<{ status: number; body: string; link?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: call.method,
        path: call.path,
        agent,
        headers:
          call.body === undefined
            ? call.headers
            : { ...call.headers, "content-length": Buffer.byteLength(call.body) },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            ...(typeof res.headers.link === "string" ? { link: res.headers.link } : {}),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    if (call.body !== undefined) req.write(call.body);
    req.end();
  });
}

const FORM = "application/x-www-form-urlencoded";
const basicHello = `Basic ${Buffer.from("hello:pathfinder").toString("base64")}`;

/** The workload: weighted request kinds, built from what the host serves. */
async function workload(base: URL): Promise<() => Call> {
  const token = JSON.parse(
    (
      await send(base, {
        kind: "token",
        method: "POST",
        path: "/auth/token",
        headers: { authorization: basicHello, "content-type": FORM },
        body: "grant_type=client_credentials",
      })
    ).body,
  ).access_token as string;
  const auth = { authorization: `Bearer ${token}` };
  const all = await send(base, { kind: "list", method: "GET", path: "/2/footprints", headers: auth });
  const ids = (JSON.parse(all.body) as { data: { id: string }[] }).data.map((f) => f.id);
  const linkOf = async (path: string) => {
    const res = await send(base, { kind: "list", method: "GET", path, headers: auth });
    const url = /<([^>]+)>/.exec(res.link ?? "")?.[1];
    if (!url) throw new Error(`${path}: no Link header`);
    const u = new URL(url);
    return u.pathname + u.search;
  };
  const nextPages = [await linkOf("/2/footprints?limit=2"), await linkOf("/2/ileap/tad?limit=3&mode=Road")];
  const lists = [
    "/2/footprints",
    "/2/footprints?limit=5",
    `/2/footprints?$filter=${encodeURIComponent("productCategoryCpc eq '83117'")}`,
    `/2/footprints?$filter=${encodeURIComponent("created ge '2020-01-01T00:00:00Z' and pcf/geographyCountry eq 'DE'")}&limit=3`,
    `/2/footprints?$filter=${encodeURIComponent("productIds/any(p:(p eq 'urn:x'))")}`,
  ];
  const tads = [
    "/2/ileap/tad",
    "/2/ileap/tad?mode=Rail",
    "/2/ileap/tad?feedstock=Fossil&limit=5",
    "/2/ileap/tad?origin.country=DE",
  ];
  let n = 0;
  const pick = <T>(xs: readonly T[]): T => xs[n % xs.length] as T;
  const kinds: [number, () => Call][] = [
    [
      1,
      () => ({
        kind: "token",
        method: "POST",
        path: "/auth/token",
        headers: { authorization: basicHello, "content-type": FORM },
        body: "grant_type=client_credentials",
      }),
    ],
    [60, () => ({ kind: "list", method: "GET", path: pick(lists), headers: auth })],
    [16, () => ({ kind: "next-page", method: "GET", path: pick(nextPages), headers: auth })],
    [50, () => ({ kind: "get", method: "GET", path: `/2/footprints/${pick(ids)}`, headers: auth })],
    [50, () => ({ kind: "tad", method: "GET", path: pick(tads), headers: auth })],
    [
      20,
      () => ({
        kind: "event",
        method: "POST",
        path: "/2/events",
        headers: { ...auth, "content-type": "application/cloudevents+json" },
        body: JSON.stringify({
          specversion: "1.0",
          id: `soak-${process.pid}-${n}`,
          source: "https://soak.example",
          type: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
          data: { pfIds: [pick(ids)] },
        }),
      }),
    ],
  ];
  const total = kinds.reduce((a, [w]) => a + w, 0);
  const table: (() => Call)[] = kinds.flatMap(([w, make]) => Array.from({ length: w }, () => make));
  // A fixed shuffled order keeps the mix exact over every window of `total` requests.
  for (let i = table.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [table[i], table[j]] = [table[j] as () => Call, table[i] as () => Call];
  }
  void total;
  return () => (table[n++ % table.length] as () => Call)();
}

class Stats {
  latencies: number[] = [];
  readonly byKind = new Map<string, { n: number; errors: number; latencies: number[] }>();
  errors = 0;
  readonly errorSamples: string[] = [];
  record(kind: string, ms: number, error?: string): void {
    this.latencies.push(ms);
    let k = this.byKind.get(kind);
    if (!k) {
      k = { n: 0, errors: 0, latencies: [] };
      this.byKind.set(kind, k);
    }
    k.n++;
    k.latencies.push(ms);
    if (error !== undefined) {
      this.errors++;
      k.errors++;
      if (this.errorSamples.length < 10) this.errorSamples.push(`${kind}: ${error}`);
    }
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function execute(base: URL, call: Call, stats: Stats): Promise<void> {
  const started = performance.now();
  try {
    const res = await send(base, call);
    const ok = res.status >= 200 && res.status < 300;
    stats.record(
      call.kind,
      performance.now() - started,
      ok ? undefined : `${res.status} ${res.body.slice(0, 120)}`,
    );
  } catch (e) {
    stats.record(call.kind, performance.now() - started, (e as Error).message);
  }
}

/** Closed loop: `connections` workers back to back for `seconds`; returns requests per second. */
async function measureMax(
  base: URL,
  next: () => Call,
  seconds: number,
): Promise<{ rate: number; stats: Stats }> {
  const stats = new Stats();
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) await execute(base, next(), stats);
    }),
  );
  return { rate: stats.latencies.length / ((performance.now() - started) / 1000), stats };
}

/** Open loop at a fixed rate for `seconds`, with a progress line every 10 s. */
async function runFixed(
  base: URL,
  next: () => Call,
  rate: number,
  seconds: number,
  pid: number,
): Promise<Stats> {
  const stats = new Stats();
  const started = performance.now();
  let issued = 0;
  let inFlight = 0;
  let lastReport = started;
  let windowStart = 0;
  const maxInFlight = 10_000;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      const elapsed = (now - started) / 1000;
      if (elapsed >= seconds) {
        clearInterval(tick);
        const wait = setInterval(() => {
          if (inFlight === 0) {
            clearInterval(wait);
            resolve();
          }
        }, 20);
        return;
      }
      const due = Math.floor(rate * elapsed) - issued;
      for (let i = 0; i < due; i++) {
        issued++;
        if (inFlight >= maxInFlight) {
          stats.record("backlog", 0, "client backlog full (host too slow for the rate)");
          continue;
        }
        inFlight++;
        void execute(base, next(), stats).finally(() => inFlight--);
      }
      if (now - lastReport >= 10_000) {
        const window = stats.latencies.slice(windowStart);
        console.log(
          `  ${elapsed.toFixed(0).padStart(4)} s  ${(window.length / ((now - lastReport) / 1000)).toFixed(0)} req/s  p50 ${percentile(window, 50).toFixed(1)} ms  p99 ${percentile(window, 99).toFixed(1)} ms  errors ${stats.errors}  RSS ${rssMiB(pid).toFixed(1)} MiB`,
        );
        windowStart = stats.latencies.length;
        lastReport = now;
      }
    }, 5);
  });
  return stats;
}

const { child, url } = await startHost();
const base = new URL(url);
const pid = child.pid as number;
let exitCode = 0;
try {
  const next = await workload(base);
  console.log(
    `soak: node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0]?.toFixed(2)}, host pid ${pid}, ${connections} connections for the probe`,
  );
  await measureMax(base, next, 3); // warm-up (JIT, statement caches, verification cache)
  const probe = await measureMax(base, next, probeSeconds);
  console.log(
    `max rate (closed loop, ${probeSeconds} s): ${probe.rate.toFixed(0)} req/s, p50 ${percentile(probe.stats.latencies, 50).toFixed(1)} ms, p99 ${percentile(probe.stats.latencies, 99).toFixed(1)} ms, errors ${probe.stats.errors}`,
  );
  const rate = fixedRate > 0 ? fixedRate : Math.floor(probe.rate * fraction);
  const rssStart = rssMiB(pid);
  console.log(`fixed rate: ${rate} req/s for ${durationSeconds} s (RSS at start ${rssStart.toFixed(1)} MiB)`);
  const started = performance.now();
  const stats = await runFixed(base, next, rate, durationSeconds, pid);
  const seconds = (performance.now() - started) / 1000;
  const rssEnd = rssMiB(pid);
  const growth = ((rssEnd - rssStart) / rssStart) * 100;
  console.log("per kind:");
  for (const [kind, k] of [...stats.byKind].sort()) {
    console.log(
      `  ${kind.padEnd(10)} ${String(k.n).padStart(8)} requests  p50 ${percentile(k.latencies, 50).toFixed(1)} ms  p99 ${percentile(k.latencies, 99).toFixed(1)} ms  errors ${k.errors}`,
    );
  }
  for (const sample of stats.errorSamples) console.log(`  error: ${sample}`);
  console.log(
    `result: ${stats.latencies.length} requests in ${seconds.toFixed(0)} s = ${(stats.latencies.length / seconds).toFixed(0)} req/s (target ${rate}), p50 ${percentile(stats.latencies, 50).toFixed(1)} ms, p99 ${percentile(stats.latencies, 99).toFixed(1)} ms, max ${stats.latencies.reduce((a, b) => Math.max(a, b), 0).toFixed(1)} ms, errors ${stats.errors}, RSS ${rssStart.toFixed(1)} → ${rssEnd.toFixed(1)} MiB (${growth >= 0 ? "+" : ""}${growth.toFixed(1)} %; target < 10 %)`,
  );
  console.log(`load average at the end: ${loadavg()[0]?.toFixed(2)} (the load generator shares the machine)`);
  if (stats.errors > 0 || growth >= 10) exitCode = 1;
} finally {
  child.kill("SIGTERM");
  agent.destroy();
}
process.exit(exitCode);
