import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import pg from "pg";
import type { runImport as RunImport } from "../src/cli/commands/import.ts";
import { footprintKind } from "../src/model/ileap-mapping.ts";
import type { ProductFootprint } from "../src/model/types.ts";
import { PostgresStore } from "../src/store/postgres/postgres-store.ts";
import { SqliteStore } from "../src/store/sqlite/sqlite-store.ts";
import type { FootprintRecord, Store } from "../src/store/store.ts";
import { startPostgres } from "../test/helpers/postgres.ts";
import { flag, num, option, storesOption } from "./support/args.ts";
import { BENCH_COMPANY, generateFootprints, generateTad } from "./support/generate.ts";
import { writeNdjson } from "./support/ndjson.ts";

const stores = storesOption();
const count = num("count") ?? 100_000;
const footprints = num("footprints") ?? count;
const tads = num("tad") ?? count;
const batchSize = num("batch-size") ?? 1000;
const seed = num("seed") ?? 1;
const kinds = (option("kinds") ?? "footprints,tad").split(",") as ("footprints" | "tad")[];
const before = option("before");
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Peak RSS (MB) of this process while `run` runs, sampled every 50 ms. */
async function withRss<T>(
  run: () => Promise<T>,
  serverCpu: () => number | undefined = () => undefined,
): Promise<{ value: T; peakMb: number; startMb: number; cpuUs: number; serverCpuUs?: number }> {
  const startMb = process.memoryUsage.rss() / 1e6;
  const cpu = process.cpuUsage();
  const serverStart = serverCpu();
  let peak = startMb;
  const samples: number[] = [];
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss() / 1e6;
    samples.push(rss);
    peak = Math.max(peak, rss);
  }, 50);
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage.rss() / 1e6);
    if (flag("rss-quarters") && samples.length >= 4) {
      // Flat memory: the peak of each quarter of the import's duration.
      const q = samples.length / 4;
      const peaks = [0, 1, 2, 3].map((i) =>
        Math.max(...samples.slice(Math.floor(i * q), Math.floor((i + 1) * q))),
      );
      const m = process.memoryUsage();
      console.log(
        `  RSS peak per quarter of the run: ${peaks.map((p) => fmt(p)).join(" → ")} MB; at the end JS heap ${fmt(m.heapUsed / 1e6)} of ${fmt(m.heapTotal / 1e6)} MB, external + array buffers ${fmt((m.external + m.arrayBuffers) / 1e6)} MB`,
      );
    }
    const used = process.cpuUsage(cpu);
    const serverEnd = serverCpu();
    return {
      value,
      peakMb: peak,
      startMb,
      cpuUs: used.user + used.system,
      ...(serverStart !== undefined && serverEnd !== undefined
        ? { serverCpuUs: (serverEnd - serverStart) * 1e6 }
        : {}),
    };
  } finally {
    clearInterval(timer);
  }
}

const TICKS_PER_SECOND = 100;

/** CPU seconds of a process (and of its reaped children) from /proc, or 0 where unreadable. */
function processCpuSeconds(pid: number, withChildren: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14–17 of proc(5) (utime, stime, cutime, cstime) are at 11–14 after the name.
    const ticks = fields.slice(11, withChildren ? 15 : 13).reduce((sum, v) => sum + Number(v), 0);
    return ticks / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used so far by a PostgreSQL server: the postmaster with its exited (reaped)
 * backends, plus the live backends. Undefined when it cannot be read (e.g. `--database-url`).
 */
function serverCpuSeconds(dataDir: string | undefined): number | undefined {
  if (!dataDir) return undefined;
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return undefined;
  }
  let total = processCpuSeconds(postmaster, true);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === postmaster) total += processCpuSeconds(Number(entry), false);
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

interface Target {
  /** Environment of `ileap import` for a fresh database. */
  readonly env: Record<string, string>;
  open(): Promise<Store>;
}

/** The store's ceiling: parsed records straight into put*, no checks. */
async function bareInsert(target: Target, file: string, kind: "footprints" | "tad"): Promise<number> {
  const store = await target.open();
  try {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    let batch: Record<string, unknown>[] = [];
    let n = 0;
    const put = async () => {
      if (kind === "tad") await store.putTad(batch.map((document) => ({ document })));
      else
        await store.putFootprints(
          batch.map(
            (document): FootprintRecord => ({
              document,
              kind: footprintKind(document as unknown as ProductFootprint),
            }),
          ),
        );
      n += batch.length;
      batch = [];
    };
    for await (const line of lines) {
      if (line === "") continue;
      batch.push(JSON.parse(line) as Record<string, unknown>);
      if (batch.length >= batchSize) await put();
    }
    if (batch.length > 0) await put();
    return n;
  } finally {
    await store.close();
  }
}

async function importWith(
  runImport: typeof RunImport,
  target: Target,
  file: string,
  kind: "footprints" | "tad",
): Promise<{ summary: string; code: number }> {
  let summary = "";
  const code = await runImport(
    [file],
    { kind, mode: "partial", batchSize: String(batchSize), progress: false },
    target.env,
    {
      stdout: {
        write: (t: string) => {
          summary += t;
          return true;
        },
      },
      stderr: process.stderr,
      readStdin: async () => "",
    },
  );
  return { summary: summary.trim().split("\n")[0] ?? "", code };
}

async function main(): Promise<void> {
  console.log(
    `import benchmark: node ${process.version}, ${cpus().length} CPUs, batch size ${fmt(batchSize)}, mode partial`,
  );
  const work = mkdtempSync(join(tmpdir(), "ileap-import-bench-"));
  const files = { footprints: join(work, "footprints.ndjson"), tad: join(work, "tad.ndjson") };
  const runners: [string, typeof RunImport][] = [];
  if (before) {
    const mod = (await import(pathToFileURL(resolve(before, "src/cli/commands/import.ts")).href)) as {
      runImport: typeof RunImport;
    };
    runners.push(["before", mod.runImport]);
  }
  runners.push(["ileap import", (await import("../src/cli/commands/import.ts")).runImport]);
  let cluster: Awaited<ReturnType<typeof startPostgres>> | undefined;
  try {
    const genStarted = performance.now();
    if (kinds.includes("footprints"))
      await writeNdjson(
        files.footprints,
        (function* () {
          for (const f of generateFootprints(footprints, { seed })) yield f.document;
        })(),
      );
    if (kinds.includes("tad")) await writeNdjson(files.tad, generateTad(tads, { seed }));
    console.log(
      `generated ${kinds.map((k) => `${fmt(k === "tad" ? tads : footprints)} ${k} (${fmt(statSync(files[k]).size / 1e6)} MB NDJSON)`).join(", ")} in ${((performance.now() - genStarted) / 1000).toFixed(0)} s`,
    );
    let databases = 0;
    let serverUrl = option("database-url");
    const fresh = async (kind: string): Promise<Target> => {
      databases += 1;
      const company = {
        ILEAP_COMPANY_NAME: BENCH_COMPANY.companyName,
        ILEAP_COMPANY_IDS: BENCH_COMPANY.companyIds.join(","),
      };
      if (kind === "sqlite") {
        const dataDir = join(work, `sqlite-${databases}`);
        mkdirSync(dataDir);
        return {
          env: { ILEAP_DATA_DIR: dataDir, ...company },
          open: async () =>
            // Tuned like `ileap import`'s own store (page cache, WAL checkpoints every 64 MiB).
            new SqliteStore({
              file: join(dataDir, "ileap.sqlite"),
              readers: 0,
              cacheSizeKiB: 256 * 1024,
              walAutocheckpointPages: 16 * 1024,
            }),
        };
      }
      if (!serverUrl) {
        cluster = await startPostgres({ database: "bench" });
        const admin = new pg.Client({ connectionString: cluster.connectionString });
        await admin.connect();
        await admin.query("ALTER SYSTEM SET shared_buffers = '512MB'");
        await admin.query("ALTER SYSTEM SET max_wal_size = '8GB'");
        await admin.end();
        await cluster.restart();
        serverUrl = cluster.connectionString;
      }
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      const name = `import_bench_${process.pid}_${databases}`;
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const connectionString = url.toString();
      return {
        env: { DATABASE_URL: connectionString, ILEAP_DATA_DIR: join(work, "pg-data"), ...company },
        open: () => PostgresStore.connect({ connectionString, migrate: true }),
      };
    };

    const serverCpu = () => serverCpuSeconds(cluster ? join(cluster.dir, "data") : undefined);
    for (const kind of stores) {
      console.log(`\n=== ${kind === "postgres" ? "PostgreSQL" : "SQLite"} ===`);
      console.log(
        `  ${"what".padEnd(26)} ${"records".padStart(9)} ${"seconds".padStart(8)} ${"records/s".padStart(10)} ${"× bare".padStart(7)} ${"RSS start→peak MB".padStart(18)} ${"CPU µs/rec".padStart(10)}${kind === "postgres" ? ` ${"server CPU µs/rec".padStart(17)}` : ""}`,
      );
      for (const k of kinds) {
        const records = k === "tad" ? tads : footprints;
        let bareRate: number | undefined;
        const line = (
          what: string,
          seconds: number,
          rss: { startMb: number; peakMb: number; cpuUs: number; serverCpuUs?: number },
          extra = "",
        ) => {
          const rate = records / seconds;
          console.log(
            `  ${`${k} ${what}`.padEnd(26)} ${fmt(records).padStart(9)} ${seconds.toFixed(1).padStart(8)} ${fmt(rate).padStart(10)} ${(bareRate ? (rate / bareRate).toFixed(2) : "–").padStart(7)} ${`${fmt(rss.startMb)}→${fmt(rss.peakMb)}`.padStart(18)} ${fmt(rss.cpuUs / records).padStart(10)}${rss.serverCpuUs === undefined ? "" : ` ${fmt(rss.serverCpuUs / records).padStart(17)}`}${extra}`,
          );
          return rate;
        };
        if (!flag("no-bare")) {
          const target = await fresh(kind);
          const started = performance.now();
          const r = await withRss(
            () => bareInsert(target, files[k], k),
            kind === "postgres" ? serverCpu : undefined,
          );
          bareRate = line("bare insert", (performance.now() - started) / 1000, r);
        }
        for (const [name, runImport] of runners) {
          const target = await fresh(kind);
          global.gc?.();
          const started = performance.now();
          const r = await withRss(
            () => importWith(runImport, target, files[k], k),
            kind === "postgres" ? serverCpu : undefined,
          );
          line(
            name,
            (performance.now() - started) / 1000,
            r,
            r.value.code !== 0 ? ` EXIT ${r.value.code}` : "",
          );
          console.log(`  ${"".padEnd(26)} ${r.value.summary}`);
        }
      }
    }
  } finally {
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
