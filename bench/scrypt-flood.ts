/**
 * Issue 15, finding 3 replayed (scrypt starvation; not part of the tests).
 *
 * A real host runs in a child process. Attack: 64 wrong-secret token requests kept in flight from
 * 8 loopback addresses (127.0.0.1–127.0.0.8, 8 each; every request names a fresh client id, so the
 * per-client failure limit never stops them and each one costs a full scrypt check; under the
 * per-address limit). Victim, from 127.0.0.9: token requests of scrypt clients whose secret is not
 * cached yet (a different client each time), token requests of a minted-secret client
 * (`ileap secret new`, hmac-sha256 fast path), and `GET /2/footprints` with a valid token, one
 * probe every 3 s (a legitimate client asks for a token about once an hour). Each is
 * measured idle (baseline) and under the flood, in the same run, for two hosts:
 * - `unbounded`: scrypt checks unqueued (the behaviour before issue 15),
 * - `fair`: the fair scrypt queue (default concurrency).
 * Target: the victim's uncached token request ≤ 200 ms under the flood (fair host).
 *
 *   npx tsx bench/scrypt-flood.ts [--samples 10] [--warmup 2]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pino from "pino";
import {
  configureScryptQueue,
  defaultScryptConcurrency,
  hashSecret,
  mintSecret,
} from "../src/auth/secret-hash.ts";
import { loadConfig } from "../src/config/load.ts";
import { createIleapServer } from "../src/server.ts";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const sarg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const FORM = "application/x-www-form-urlencoded";
const ATTACK_ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 1}`);
const IN_FLIGHT_PER_ADDRESS = 8;
const VICTIM_ADDRESS = "127.0.0.9";
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

/** Child mode: a host with the given clients file; prints its URL, stops on SIGTERM. */
async function serve(mode: string, file: string): Promise<void> {
  configureScryptQueue({ concurrency: mode === "unbounded" ? 0 : defaultScryptConcurrency() });
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-bench-scrypt-"));
  const config = loadConfig({
    env: { ILEAP_HOST: "127.0.0.1", PORT: "0", ILEAP_DEMO: "true", ILEAP_DATA_DIR: dataDir },
    file,
  });
  const logger = pino({ level: "info" }, pino.destination("/dev/null"));
  const host = await createIleapServer(config, { logger });
  const running = await host.listen();
  process.stdout.write(`${running.url}\n`);
  process.on("SIGTERM", async () => {
    await running.close(500);
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

function startChild(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    lines.once("line", (url) => resolve({ child, url: url.trim() }));
    child.once("exit", (code) => reject(new Error(`child ${args.join(" ")} exited with ${code}`)));
  });
}

interface Answer {
  readonly status: number;
  readonly ms: number;
  readonly body: string;
}

function call(
  url: string,
  agent: Agent,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          ms: performance.now() - started,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

const token = (base: string, agent: Agent, id: string, secret: string) =>
  call(`${base}/auth/token`, agent, {
    method: "POST",
    headers: { authorization: basic(id, secret), "content-type": FORM },
    body: "grant_type=client_credentials",
  });

const stats = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { p50: at(0.5), p90: at(0.9), max: s[s.length - 1] as number };
};
const fmt = (x: { p50: number; p90: number; max: number }) =>
  `p50 ${x.p50.toFixed(0)} ms, p90 ${x.p90.toFixed(0)} ms, max ${x.max.toFixed(0)} ms`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One host: baseline, then the flood; returns the victim's latencies. */
async function measure(
  base: string,
  secrets: { scrypt: readonly string[]; minted: string },
  samples: number,
  warmupSeconds: number,
) {
  const victim = new Agent({ keepAlive: true, localAddress: VICTIM_ADDRESS });
  const bearer = JSON.parse((await token(base, victim, "hello", "pathfinder")).body) as {
    access_token: string;
  };
  let next = 0;
  const probe = async () => {
    const i = next++;
    const t = await token(base, victim, `person-${i}`, secrets.scrypt[i] as string);
    if (t.status !== 200) throw new Error(`victim token ${i}: ${t.status} ${t.body}`);
    const m = await token(base, victim, "minted", secrets.minted);
    if (m.status !== 200) throw new Error(`minted token: ${m.status} ${m.body}`);
    const l = await call(`${base}/2/footprints?limit=10`, victim, {
      method: "GET",
      headers: { authorization: `Bearer ${bearer.access_token}` },
    });
    if (l.status !== 200) throw new Error(`list: ${l.status}`);
    return { token: t.ms, minted: m.ms, list: l.ms };
  };
  const run = async (n: number) => {
    const out = { token: [] as number[], minted: [] as number[], list: [] as number[] };
    for (let i = 0; i < n; i++) {
      const r = await probe();
      out.token.push(r.token);
      out.minted.push(r.minted);
      out.list.push(r.list);
      await sleep(3000);
    }
    return out;
  };
  const idle = await run(samples);

  let flooding = true;
  let sent = 0;
  const statuses = new Map<number, number>();
  const floodStarted = performance.now();
  const loops = ATTACK_ADDRESSES.flatMap((address) => {
    const agent = new Agent({ keepAlive: true, localAddress: address });
    return Array.from({ length: IN_FLIGHT_PER_ADDRESS }, async (_, k) => {
      while (flooding) {
        const r = await token(base, agent, `guess-${address}-${k}-${sent++}`, `wrong-${sent}`);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    });
  });
  await sleep(warmupSeconds * 1000);
  const flood = await run(samples);
  flooding = false;
  await Promise.all(loops);
  const seconds = (performance.now() - floodStarted) / 1000;
  victim.destroy();
  return { idle, flood, attackRate: sent / seconds, statuses: Object.fromEntries(statuses) };
}

async function main(): Promise<void> {
  const samples = arg("samples", 10);
  const warmup = arg("warmup", 2);
  const dir = mkdtempSync(join(tmpdir(), "ileap-bench-scrypt-cfg-"));
  const children: ChildProcess[] = [];
  try {
    const count = 2 * samples + 2;
    const scrypt = Array.from({ length: count }, (_, i) => `person ${i} chose this passphrase`);
    const minted = mintSecret();
    const clients = [
      ...(await Promise.all(
        scrypt.map(async (s, i) => ({ id: `person-${i}`, secretHash: await hashSecret(s), grants: ["*"] })),
      )),
      { id: "minted", secretHash: await hashSecret(minted), grants: ["*"] },
    ];
    const file = join(dir, "ileap.json");
    writeFileSync(file, JSON.stringify({ auth: { clients } }));
    console.log(
      `scrypt flood (issue 15, finding 3): ${ATTACK_ADDRESSES.length} addresses × ${IN_FLIGHT_PER_ADDRESS} wrong-secret requests in flight; victim from ${VICTIM_ADDRESS}; ${samples} samples each; node ${process.version}, fair-queue concurrency ${defaultScryptConcurrency()}`,
    );
    for (const mode of ["unbounded", "fair"]) {
      const host = await startChild(["--serve", mode, "--file", file]);
      children.push(host.child);
      const r = await measure(host.url, { scrypt, minted }, samples, warmup);
      host.child.kill("SIGTERM");
      const t = stats(r.flood.token);
      console.log(
        [
          `${mode}: attack ${r.attackRate.toFixed(1)} req/s answered (statuses ${JSON.stringify(r.statuses)})`,
          `  uncached scrypt token: idle ${fmt(stats(r.idle.token))} | flood ${fmt(t)} | ratio p50 ${(t.p50 / stats(r.idle.token).p50).toFixed(1)}×${mode === "fair" ? ` | target ≤ 200 ms: p50 ${t.p50 <= 200 ? "met" : "NOT met"}, max ${t.max <= 200 ? "met" : "NOT met"}` : ""}`,
          `  minted-secret token:   idle ${fmt(stats(r.idle.minted))} | flood ${fmt(stats(r.flood.minted))}`,
          `  GET /2/footprints:     idle ${fmt(stats(r.idle.list))} | flood ${fmt(stats(r.flood.list))}`,
        ].join("\n"),
      );
    }
  } finally {
    for (const c of children) c.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

const mode = sarg("serve");
if (mode) await serve(mode, sarg("file") as string);
else await main();
