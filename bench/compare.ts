/**
 * Side-by-side comparison on the same machine, in one run: our host (demo data, response cache
 * on, token rate limits off), a bare node:http server answering the same bytes (the ceiling for
 * the GETs), and — when its sources and `go` are available — the Go peer ileap-go's demo server.
 * Each request kind is measured in `--rounds` rounds per server (servers interleaved within a
 * round so that machine noise hits all of them alike); the table shows medians.
 *
 *   npx tsx bench/compare.ts [--duration 5] [--connections 50] [--rounds 3] [--ileap-go-src DIR] [--hono-only]
 *
 * A third host of ours runs with the response cache off (`ILEAP_RESPONSE_CACHE_MB=0`) for the row
 * "cache off (SQLite)": every request queries the embedded store (issue 14: ≥ 0.5× bare).
 *
 * `--hono-only` adds a second host of ours with the raw fast path off (`ILEAP_FAST_PATH=false`,
 * every request through Hono) as column `ileap-ts (Hono only)`, with its ratio to bare.
 *
 * `--ileap-go-src` (or env `ILEAP_GO_SRC`) names a checkout of way-platform/ileap-go; the script
 * builds `cmd/ileap` into a temporary folder. Without it, or without `go` on the PATH, the Go
 * column is skipped with a note. Only loopback addresses are used.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const duration = Number(flag("duration") ?? 5);
const connections = Number(flag("connections") ?? 50);
const rounds = Number(flag("rounds") ?? 3);
const goSource = flag("ileap-go-src") ?? process.env.ILEAP_GO_SRC;
const honoOnly = process.argv.includes("--hono-only");

interface Target {
  readonly name: string;
  readonly url: string;
  readonly token: string;
  readonly footprintId: string;
  /** A footprint listed on `/3` (ours only; empty for the Go peer, which has no v3 routes). */
  readonly footprintIdV3: string;
  readonly child: ChildProcess;
}

interface Sample {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
}

function startNodeChild(script: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  return firstLine(child).then((url) => ({ child, url }));
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve(line.trim()));
    child.once("exit", (code) => reject(new Error(`child exited with ${code}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/auth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from("hello:pathfinder").toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`${url}/auth/token answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function firstFootprintId(url: string, bearer: string, pact: 2 | 3 = 2): Promise<string> {
  const res = await fetch(`${url}/${pact}/footprints?limit=1`, {
    headers: { authorization: `Bearer ${bearer}` },
    signal: AbortSignal.timeout(5000),
  });
  const body = (await res.json()) as { data: { id: string }[] };
  const id = body.data[0]?.id;
  if (!id) throw new Error(`${url}/2/footprints lists nothing`);
  return id;
}

async function goPeer(): Promise<Target | string> {
  if (!goSource) return "skipped: no --ileap-go-src / ILEAP_GO_SRC given";
  if (!existsSync(join(goSource, "cmd", "ileap"))) return `skipped: ${goSource}/cmd/ileap not found`;
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
  } catch {
    return "skipped: `go` is not on the PATH";
  }
  const binary = join(mkdtempSync(join(tmpdir(), "ileap-go-")), "ileap-go");
  execFileSync("go", ["build", "-o", binary, "."], { cwd: join(goSource, "cmd", "ileap"), stdio: "inherit" });
  const port = await freePort();
  const child = spawn(binary, ["demo-server", "--port", String(port)], {
    stdio: ["ignore", "ignore", "ignore"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/.well-known/openid-configuration`, 15_000);
  const bearer = await token(url);
  return {
    name: "ileap-go",
    url,
    token: bearer,
    footprintId: await firstFootprintId(url, bearer),
    footprintIdV3: "",
    child,
  };
}

interface RequestKind {
  readonly label: string;
  readonly path: (target: Target) => string;
  readonly method: "GET" | "POST";
  /** Whether the bare baseline serves it (the token endpoint has no fixed-bytes equivalent). */
  readonly baseline: boolean;
  /** Whether ileap-go serves it (it has no PACT v3 routes). Default true. */
  readonly peer?: boolean;
  /**
   * Measured on our host with the response cache off (`ILEAP_RESPONSE_CACHE_MB=0`: every request
   * queries the store) and on bare only; its "ours" figures are that host's. Default false.
   */
  readonly cacheOff?: boolean;
}

const kinds: RequestKind[] = [
  {
    label: "GET /2/footprints?limit=10",
    path: () => "/2/footprints?limit=10",
    method: "GET",
    baseline: true,
  },
  {
    label: "GET /2/footprints/{id}",
    path: (t) => `/2/footprints/${t.footprintId}`,
    method: "GET",
    baseline: true,
  },
  { label: "GET /2/ileap/tad?limit=10", path: () => "/2/ileap/tad?limit=10", method: "GET", baseline: true },
  {
    label: "GET /3/footprints?limit=10",
    path: () => "/3/footprints?limit=10",
    method: "GET",
    baseline: true,
    peer: false,
  },
  {
    label: "GET /3/footprints/{id}",
    path: (t) => `/3/footprints/${t.footprintIdV3}`,
    method: "GET",
    baseline: true,
    peer: false,
  },
  {
    label: "GET /2/footprints?limit=10, cache off (SQLite)",
    path: () => "/2/footprints?limit=10",
    method: "GET",
    baseline: true,
    peer: false,
    cacheOff: true,
  },
  { label: "POST /auth/token", path: () => "/auth/token", method: "POST", baseline: false },
];

async function measure(target: Target, kind: RequestKind): Promise<Sample> {
  const post = kind.method === "POST";
  const result = await autocannon({
    url: `${target.url}${kind.path(target)}`,
    method: kind.method,
    connections,
    duration,
    headers: post
      ? {
          authorization: `Basic ${Buffer.from("hello:pathfinder").toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        }
      : { authorization: `Bearer ${target.token}` },
    ...(post ? { body: "grant_type=client_credentials" } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${target.name} ${kind.label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

function median(samples: readonly Sample[]): Sample {
  const pick = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return {
    rps: pick(samples.map((s) => s.rps)),
    p50: pick(samples.map((s) => s.p50)),
    p99: pick(samples.map((s) => s.p99)),
  };
}

const started: ChildProcess[] = [];

/** A host of ours (demo data, token rate limits off, `env` on top) as a measured target. */
async function ourHost(name: string, env: Record<string, string>): Promise<Target> {
  const host = await startNodeChild("bench/support/demo-host.ts", [], {
    ILEAP_TOKEN_RATE_PER_CLIENT: "0",
    ILEAP_TOKEN_RATE_PER_ADDRESS: "0",
    ...env,
  });
  started.push(host.child);
  const bearer = await token(host.url);
  return {
    name,
    url: host.url,
    token: bearer,
    footprintId: await firstFootprintId(host.url, bearer),
    footprintIdV3: await firstFootprintId(host.url, bearer, 3),
    child: host.child,
  };
}

try {
  const oursTarget = await ourHost("ileap-ts", {});

  // The bare baseline answers each GET path with the bytes our host answered (headers included).
  const routes: Record<string, { headers: Record<string, string>; body: string }> = {};
  for (const kind of kinds.filter((k) => k.baseline)) {
    const path = kind.path(oursTarget);
    const res = await fetch(`${oursTarget.url}${path}`, {
      headers: { authorization: `Bearer ${oursTarget.token}` },
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      if (!["date", "connection", "keep-alive", "transfer-encoding"].includes(key)) headers[key] = value;
    });
    routes[path.split("?")[0] as string] = { headers, body: await res.text() };
  }
  const captured = join(mkdtempSync(join(tmpdir(), "ileap-compare-")), "captured.json");
  writeFileSync(captured, JSON.stringify({ routes }));
  const bare = await startNodeChild("bench/support/bare-host.ts", [captured]);
  started.push(bare.child);
  const bareTarget: Target = { ...oursTarget, name: "bare", url: bare.url, child: bare.child };

  const hono: Target[] = [];
  if (honoOnly) {
    hono.push(await ourHost("ileap-ts (Hono only)", { ILEAP_FAST_PATH: "false" }));
  }

  // The cache-miss row: a host of ours with the response cache off (every request reaches SQLite).
  const coldTarget = await ourHost("ileap-ts (cache off)", { ILEAP_RESPONSE_CACHE_MB: "0" });

  const go = await goPeer();
  if (typeof go !== "string") started.push(go.child);
  const targets = [oursTarget, ...hono, coldTarget, bareTarget, ...(typeof go === "string" ? [] : [go])];

  console.log(
    `compare: ${connections} connections, ${duration} s × ${rounds} rounds per cell (medians), node ${process.version}`,
  );
  if (typeof go === "string") console.log(`ileap-go: ${go}`);

  const results = new Map<string, Sample[]>();
  for (const kind of kinds) {
    const skip = (target: Target) =>
      (target.name === "bare" && !kind.baseline) ||
      (target.name === "ileap-go" && kind.peer === false) ||
      (kind.cacheOff === true ? target !== coldTarget && target !== bareTarget : target === coldTarget);
    for (const target of targets) {
      if (skip(target)) continue;
      await measure(target, { ...kind }); // warm-up: JIT, caches, connection set-up
    }
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        if (skip(target)) continue;
        const key = `${kind.label}|${target.name}`;
        results.set(key, [...(results.get(key) ?? []), await measure(target, kind)]);
      }
    }
  }

  const cell = (sample: Sample | undefined) =>
    sample ? `${sample.rps.toFixed(0)} req/s (p50 ${sample.p50} ms, p99 ${sample.p99} ms)` : "–";
  const header = [
    "request",
    ...targets.map((t) => t.name),
    "ours / bare",
    ...(honoOnly ? ["Hono only / bare"] : []),
    "ours / ileap-go",
  ];
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const kind of kinds) {
    const get = (name: string) => {
      const samples = results.get(`${kind.label}|${name}`);
      return samples ? median(samples) : undefined;
    };
    const ourSample = get(kind.cacheOff ? coldTarget.name : "ileap-ts");
    const bareSample = get("bare");
    const goSample = get("ileap-go");
    const ratio = (other: Sample | undefined, mine = ourSample) =>
      mine && other ? (mine.rps / other.rps).toFixed(2) : "–";
    const honoRatio = honoOnly ? [ratio(bareSample, get("ileap-ts (Hono only)"))] : [];
    console.log(
      `| ${[kind.label, ...targets.map((t) => cell(get(t.name))), ratio(bareSample), ...honoRatio, ratio(goSample)].join(" | ")} |`,
    );
  }
} finally {
  for (const child of started) child.kill("SIGTERM");
}
