/**
 * Token endpoint benchmark of the Clerk auth provider (not part of the tests).
 *
 * 1. Throughput of `POST /auth/token` on a cache hit (Clerk provider, issue mode) against the
 *    built-in LocalIssuer (scrypt-checked secret + RS256 signature per request), both real hosts
 *    in child processes of the same kind, measured with autocannon over loopback in the same run.
 * 2. Login storm: N clients × M concurrent token requests against a fresh host; counts the FAPI
 *    sign-in calls the Clerk emulator received (single flight + cache: N; a naive proxy: N × M).
 *
 *   npx tsx bench/clerk-token.ts [--duration 10] [--connections 50] [--clients 20] [--concurrency 25]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pino from "pino";
import { createClerkAuthProvider } from "../src/auth/clerk/clerk-provider.ts";
import { loadClerkConfig } from "../src/auth/clerk/config.ts";
import { loadKeyRing } from "../src/auth/local/keyring.ts";
import { loadConfig } from "../src/config/load.ts";
import { createIleapServer } from "../src/server.ts";
import { type ClerkEmulatorUser, startClerkEmulator } from "../src/testing/clerk-emulator/index.ts";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const sarg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const PASSWORD = "bench-password-not-a-secret";
const FORM = "application/x-www-form-urlencoded";
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

/** Child mode: one host on a free loopback port; prints its URL, stops on SIGTERM. */
async function serve(kind: "local" | "clerk", fapi: string | undefined): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-bench-clerk-"));
  const config = loadConfig({
    env: {
      ILEAP_HOST: "127.0.0.1",
      PORT: "0",
      ILEAP_DEMO: "true",
      ILEAP_DATA_DIR: dataDir,
      // The benchmark measures the token path itself: the per-client/address rate limits are off.
      ILEAP_TOKEN_RATE_PER_CLIENT: "0",
      ILEAP_TOKEN_RATE_PER_ADDRESS: "0",
    },
  });
  const logger = pino({ level: "info" }, pino.destination("/dev/null"));
  const auth =
    kind === "clerk"
      ? createClerkAuthProvider(loadClerkConfig({ ILEAP_CLERK_FRONTEND_API: fapi as string }), {
          keys: await loadKeyRing({ dataDir }),
          logger,
          tokenTtlSeconds: config.auth.tokenTtlSeconds,
        })
      : undefined;
  const host = await createIleapServer(config, { logger, ...(auth ? { auth } : {}) });
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

async function tokenRequest(url: string, id: string, secret: string): Promise<number> {
  const res = await fetch(`${url}/auth/token`, {
    method: "POST",
    headers: { authorization: basic(id, secret), "content-type": FORM },
    body: "grant_type=client_credentials",
  });
  await res.arrayBuffer();
  return res.status;
}

async function throughput(url: string, id: string, secret: string, connections: number, duration: number) {
  const result = await autocannon({
    url: `${url}/auth/token`,
    method: "POST",
    connections,
    duration,
    headers: { authorization: basic(id, secret), "content-type": FORM },
    body: "grant_type=client_credentials",
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function main(): Promise<void> {
  const duration = arg("duration", 10);
  const connections = arg("connections", 50);
  const clients = arg("clients", 20);
  const concurrency = arg("concurrency", 25);
  const users: ClerkEmulatorUser[] = Array.from({ length: clients }, (_, i) => ({
    email: `bench-${i}@example.com`,
    password: PASSWORD,
  }));
  // Sign-in rate limit off: we count the calls our host makes, not Clerk's answers to a storm.
  const emulator = await startClerkEmulator({ users, signInRateLimit: false });
  const children: ChildProcess[] = [];
  try {
    const local = await startChild(["--serve", "local"]);
    children.push(local.child);
    const clerk = await startChild(["--serve", "clerk", "--fapi", emulator.url]);
    children.push(clerk.child);

    console.log(
      `clerk token benchmark: ${connections} connections, ${duration} s per run, node ${process.version}`,
    );
    // 1. Cache hit vs the built-in issuer.
    if ((await tokenRequest(clerk.url, "bench-0@example.com", PASSWORD)) !== 200)
      throw new Error("clerk host: no token");
    await throughput(local.url, "hello", "pathfinder", connections, Math.min(3, duration)); // warm-up
    await throughput(clerk.url, "bench-0@example.com", PASSWORD, connections, Math.min(3, duration));
    const signInsBefore = emulator.control.signInCount;
    const baseline = await throughput(local.url, "hello", "pathfinder", connections, duration);
    const ours = await throughput(clerk.url, "bench-0@example.com", PASSWORD, connections, duration);
    console.log(
      `POST /auth/token  clerk (issue mode, cache hit) ${ours.rps.toFixed(0)} req/s p50 ${ours.p50} ms p99 ${ours.p99} ms | local issuer ${baseline.rps.toFixed(0)} req/s p50 ${baseline.p50} ms p99 ${baseline.p99} ms | ratio ${(ours.rps / baseline.rps).toFixed(2)} | FAPI sign-ins during the runs: ${emulator.control.signInCount - signInsBefore}`,
    );

    // 2. Login storm against a fresh host (empty cache).
    const fresh = await startChild(["--serve", "clerk", "--fapi", emulator.url]);
    children.push(fresh.child);
    for (let wave = 1; wave <= 2; wave++) {
      emulator.control.resetStats();
      const started = performance.now();
      const statuses = await Promise.all(
        users.flatMap((u) =>
          Array.from({ length: concurrency }, () => tokenRequest(fresh.url, u.email as string, PASSWORD)),
        ),
      );
      const ms = performance.now() - started;
      const stats = emulator.control.stats();
      const fapiCalls = Object.values(stats.calls).reduce((a, b) => a + b, 0);
      const ok = statuses.filter((s) => s === 200).length;
      console.log(
        `login storm wave ${wave}: ${clients} clients × ${concurrency} concurrent = ${statuses.length} requests, ${ok} × 200 in ${ms.toFixed(0)} ms | FAPI sign-ins ${stats.signIns.attempts} (naive proxy: ${statuses.length}; ratio ${(stats.signIns.attempts / statuses.length).toFixed(3)}), FAPI calls in total ${fapiCalls}`,
      );
    }
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await emulator.close();
  }
}

const serveKind = sarg("serve");
if (serveKind === "local" || serveKind === "clerk") await serve(serveKind, sarg("fapi"));
else await main();
