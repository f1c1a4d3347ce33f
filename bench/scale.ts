/**
 * Scale benchmark (issue 4): imports realistic synthetic footprints and TAD through the ingestion
 * pipeline (validation, lifecycle and reference checks, store writes: what `ileap import` does),
 * then measures over HTTP, against the real host in a child process:
 * - p50/p99 of list pages for every supported filter, on the first page and deep in the listing
 *   (a page token positioned at 90 % of the listing);
 * - p50/p99 of GetFootprint by id;
 * - the host's resident memory (RSS) while a client walks the whole listing, page by page.
 *
 *   npx tsx bench/scale.ts                                   # both stores at the issue's sizes
 *   npx tsx bench/scale.ts --store sqlite --footprints 20000 --tad 20000
 *   npx tsx bench/scale.ts --store postgres --database-url postgres://…/empty_db
 *
 * Options: `--store sqlite|postgres|both` (default both); `--footprints N`, `--tad N` (default
 * PostgreSQL 1,000,000 each, SQLite 200,000 each); `--samples N` requests per measured case
 * (default 50); `--batch-size N` records per import batch (default 1000); `--database-url URL` an
 * empty PostgreSQL database (default: a throw-away cluster from the installed binaries, started
 * with `shared_buffers=1GB`); `--explain` prints the query plan of every listing case;
 * `--seed N` (default 1); `--response-cache` keeps the host's GET response cache on (default off:
 * the repeated samples would otherwise measure the cache, not the store). The host runs the
 * compiled package (`dist/`: run `npm run build` first), as `ileap serve` does, so its RSS is what
 * users see; without `dist/` it runs the sources through tsx (about 30 MB more RSS) and prints a
 * warning. Targets (issue 4): import ≥ 5,000 records/s; p99 ≤ 20 ms on PostgreSQL
 * at any page depth; RSS flat and < 200 MB while walking the listing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import Database from "better-sqlite3";
import pg from "pg";
import type { Principal } from "../src/auth/principal.ts";
import { hashSecret } from "../src/auth/secret-hash.ts";
import { runImport } from "../src/cli/commands/import.ts";
import { PageTokens } from "../src/http/page-token.ts";
import { parseFootprintFilter } from "../src/protocol/odata-filter.ts";
import { parseTadFilter } from "../src/protocol/tad-filter.ts";
import { toPgPlaceholders } from "../src/store/postgres/placeholders.ts";
import { listFootprintsSql, listTadSql, type Sql } from "../src/store/sql/queries.ts";
import { startPostgres } from "../test/helpers/postgres.ts";
import { flag, num, option, storesOption } from "./support/args.ts";
import { BENCH_COMPANY, generateFootprints, generateTad } from "./support/generate.ts";
import { writeNdjson } from "./support/ndjson.ts";

const stores = storesOption();
const samples = num("samples") ?? 50;
const batchSize = num("batch-size") ?? 1000;
const seed = num("seed") ?? 1;
const CLIENT = { id: "bench", secret: "bench-secret" };

function pct(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const ms = (v: number) => v.toFixed(v < 10 ? 2 : 1);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

interface Case {
  readonly name: string;
  readonly route: "footprints" | "tad";
  readonly pairs: readonly [string, string][];
}

const FOOTPRINT_CASES: readonly Case[] = (
  [
    ["no filter", ""],
    ["productCategoryCpc eq (plain PCFs, ~2 %)", "productCategoryCpc eq '34720'"],
    ["productCategoryCpc eq 83117 (iLEAP, ~78 %)", "productCategoryCpc eq '83117'"],
    ["pcf/geographyCountry eq", "pcf/geographyCountry eq 'FR'"],
    ["created ge (recent half)", "created ge '2023-07-01T00:00:00Z'"],
    ["created one week", "created ge '2023-03-01T00:00:00Z' and created lt '2023-03-08T00:00:00Z'"],
    ["updated gt (later versions)", "updated gt '2022-01-01T00:00:00Z'"],
    ["pcf/referencePeriodStart ge", "pcf/referencePeriodStart ge '2024-01-01T00:00:00Z'"],
    ["pcf/referencePeriodEnd lt", "pcf/referencePeriodEnd lt '2023-01-01T00:00:00Z'"],
    [
      "productIds/any (one product)",
      "productIds/any(p:(p eq 'urn:pathfinder:product:customcode:vendor-assigned:product-PLACEHOLDER'))",
    ],
    ["companyIds/any (data owner, ~90 %)", `companyIds/any(c:(c eq '${BENCH_COMPANY.companyIds[0]}'))`],
    [
      "companyIds/any (one supplier)",
      "companyIds/any(c:(c eq 'urn:pathfinder:company:customcode:buyer-assigned:supplier-7'))",
    ],
    ["cpc eq and created ge", "productCategoryCpc eq '83117' and created ge '2024-01-01T00:00:00Z'"],
  ] as const
).map(([name, filter]) => ({ name, route: "footprints", pairs: filter ? [["$filter", filter]] : [] }));

const TAD_CASES: readonly Case[] = (
  [
    ["no filter", []],
    ["mode=Road (~60 %)", [["mode", "Road"]]],
    ["mode=Air (~5 %)", [["mode", "Air"]]],
    ["feedstock=Natural gas", [["feedstock", "Natural gas"]]],
    ["origin.country=SE", [["origin.country", "SE"]]],
    ["country=DE (origin or destination)", [["country", "DE"]]],
    [
      "mode=Rail&packagingOrTrEqType=Container-FEU",
      [
        ["mode", "Rail"],
        ["packagingOrTrEqType", "Container-FEU"],
      ],
    ],
    ["activityId (one record)", [["activityId", "tad-000000777"]]],
  ] as const
).map(([name, pairs]) => ({ name, route: "tad", pairs: pairs as unknown as [string, string][] }));

/**
 * The host runs compiled (`dist/`, what `ileap serve` runs; tsx alone adds about 30 MB of RSS);
 * without `dist/` it runs the sources through tsx, and says so.
 */
const COMPILED = existsSync("dist/server.js");

function startHost(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const args = COMPILED
    ? ["bench/support/scale-host.js"]
    : ["--import", "tsx", "bench/support/scale-host.js"];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", ...env, ...(COMPILED ? {} : { ILEAP_BENCH_FROM_SOURCE: "1" }) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (url) => resolve({ child, url: url.trim() }));
    child.once("exit", (code) => reject(new Error(`scale host exited with ${code}`)));
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function timedGet(
  url: string,
  token: string,
): Promise<{ ms: number; status: number; link?: string; count: number }> {
  const t = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  const elapsed = performance.now() - t;
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${body.slice(0, 200)}`);
  const link = res.headers.get("link") ?? undefined;
  const count = (body.match(/"id":"|"activityId":"/g) ?? []).length;
  return { ms: elapsed, status: res.status, ...(link ? { link } : {}), count };
}

function scopeOf(c: Case): string {
  const pairs = [...c.pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${c.route}?${new URLSearchParams(pairs as [string, string][]).toString()}`;
}

function caseUrl(base: string, c: Case, limit: number, token?: string): string {
  const params = new URLSearchParams(c.pairs as [string, string][]);
  params.set("limit", String(limit));
  if (token) params.set("pageToken", token);
  return `${base}${c.route === "tad" ? "/2/ileap/tad" : "/2/footprints"}?${params.toString()}`;
}

async function explain(kind: string, target: string, c: Case, after: string | undefined): Promise<string> {
  const principal: Principal = {
    subject: CLIENT.id,
    clientId: CLIENT.id,
    roles: [],
    grants: new Set(["pcf", "shipment-footprint", "toc", "hoc", "tad"]),
  };
  let sql: Sql | undefined;
  if (c.route === "footprints") {
    const parsed = parseFootprintFilter(c.pairs[0]?.[1] ?? "");
    if (!parsed.ok) throw new Error(parsed.error.message);
    sql = listFootprintsSql({ principal, filter: parsed.value, limit: 100, ...(after ? { after } : {}) });
  } else {
    const parsed = parseTadFilter(c.pairs, new Set());
    if (!parsed.ok) throw new Error(parsed.error.message);
    sql = listTadSql({ principal, filter: parsed.value, limit: 100, ...(after ? { after } : {}) });
  }
  if (!sql) return "";
  if (kind === "sqlite") {
    const db = new Database(target, { readonly: true });
    try {
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql.text}`).all(...sql.params) as { detail: string }[])
        .map((r) => `      ${r.detail}`)
        .join("\n");
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    const res = await client.query(`EXPLAIN (ANALYZE, COSTS OFF) ${toPgPlaceholders(sql.text).text}`, [
      ...sql.params,
    ]);
    return res.rows.map((r: Record<string, string>) => `      ${r["QUERY PLAN"]}`).join("\n");
  } finally {
    await client.end();
  }
}

async function runStore(kind: string): Promise<void> {
  const defaults = kind === "postgres" ? 1_000_000 : 200_000;
  const footprints = num("footprints") ?? defaults;
  const tads = num("tad") ?? num("footprints") ?? defaults;
  const dataDir = mkdtempSync(join(tmpdir(), `ileap-scale-${kind}-`));
  const tokenKey = randomBytes(32);
  writeFileSync(join(dataDir, "page-token.key"), tokenKey, { mode: 0o600 });
  const configFile = join(dataDir, "bench.yaml");
  writeFileSync(
    configFile,
    `auth:\n  clients:\n    - id: ${CLIENT.id}\n      secretHash: "${await hashSecret(CLIENT.secret)}"\n      grants: ["*"]\n`,
  );
  let cluster: Awaited<ReturnType<typeof startPostgres>> | undefined;
  let url = option("database-url") ?? process.env.DATABASE_URL;
  if (kind === "postgres" && !url) {
    cluster = await startPostgres({ database: "scale" });
    const admin = new pg.Client({ connectionString: cluster.connectionString });
    await admin.connect();
    await admin.query("ALTER SYSTEM SET shared_buffers = '1GB'");
    await admin.query("ALTER SYSTEM SET max_wal_size = '8GB'");
    await admin.end();
    await cluster.restart();
    url = cluster.connectionString;
  }
  const sqliteFile = join(dataDir, "ileap.sqlite");
  console.log(
    `\n=== ${kind === "postgres" ? "PostgreSQL" : "SQLite"}: ${fmt(footprints)} footprints, ${fmt(tads)} TAD ===`,
  );
  let host: { child: ChildProcess; url: string } | undefined;
  try {
    // The data as files, then `ileap import` (in-process, direct to the store) on each of them.
    const footprintFile = join(dataDir, "footprints.ndjson");
    const tadFile = join(dataDir, "tad.ndjson");
    const genStarted = performance.now();
    await writeNdjson(
      footprintFile,
      (function* () {
        for (const f of generateFootprints(footprints, { seed })) yield f.document;
      })(),
    );
    await writeNdjson(tadFile, generateTad(tads, { seed }));
    console.log(
      `generated ${fmt(footprints)} footprints (${fmt(statSync(footprintFile).size / 1e6)} MB NDJSON) and ${fmt(tads)} TAD (${fmt(statSync(tadFile).size / 1e6)} MB) in ${((performance.now() - genStarted) / 1000).toFixed(0)} s`,
    );
    const env = {
      ILEAP_DATA_DIR: dataDir,
      ILEAP_DB_STATEMENT_TIMEOUT_MS: "60000",
      ...(kind === "postgres" ? { DATABASE_URL: url as string } : {}),
      ILEAP_COMPANY_NAME: BENCH_COMPANY.companyName,
      ILEAP_COMPANY_IDS: BENCH_COMPANY.companyIds.join(","),
    };
    console.log(
      `import with \`ileap import FILE --kind … --mode partial --batch-size ${batchSize}\` (direct to the store: parse, schema + iLEAP rules + lifecycle + references, write; ANALYZE at the end):`,
    );
    for (const [name, file, k] of [
      ["footprints", footprintFile, "footprints"],
      ["TAD", tadFile, "tad"],
    ] as const) {
      let summary = "";
      const started = performance.now();
      const code = await runImport(
        [file],
        { kind: k, mode: "partial", batchSize: String(batchSize), progress: false },
        env,
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
      const seconds = (performance.now() - started) / 1000;
      const records = k === "tad" ? tads : footprints;
      console.log(
        `  ${name.padEnd(10)} ${fmt(records).padStart(10)} records in ${seconds.toFixed(1)} s = ${fmt(records / seconds)} records/s${code !== 0 ? ` (EXIT ${code})` : ""}`,
      );
      console.log(`             ${summary.trim().split("\n")[0]}`);
    }

    const cacheMb = flag("response-cache") ? "32" : "0";
    host = await startHost(
      kind === "postgres"
        ? {
            DATABASE_URL: url as string,
            ILEAP_DATA_DIR: dataDir,
            ILEAP_BENCH_CONFIG: configFile,
            ILEAP_RESPONSE_CACHE_MB: cacheMb,
          }
        : { ILEAP_DATA_DIR: dataDir, ILEAP_BENCH_CONFIG: configFile, ILEAP_RESPONSE_CACHE_MB: cacheMb },
    );
    const base = host.url;
    const idleRss = rssMb(host.child.pid as number);
    console.log(
      `host started (${COMPILED ? "compiled, dist/" : "sources through tsx: dist/ is missing, run `npm run build` to measure what users run"}): RSS ${fmt(idleRss)} MB, response cache ${cacheMb === "0" ? "off" : `${cacheMb} MB`}`,
    );
    const tokenRes = await fetch(`${base}/auth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const pageTokens = new PageTokens(tokenKey);
    // A product id that exists: the generator numbers plain PCFs' products by their position.
    const firstPcf = await fetch(
      caseUrl(
        base,
        { name: "", route: "footprints", pairs: [["$filter", "productCategoryCpc eq '34720'"]] },
        1,
      ),
      {
        headers: { authorization: `Bearer ${token}` },
      },
    ).then((r) => r.json() as Promise<{ data: { productIds: string[]; id: string }[] }>);
    const productNo = /product-(\d+)$/.exec(firstPcf.data[0]?.productIds[0] ?? "")?.[1] ?? "1";
    const maxSeq = tads;

    console.log(
      `list pages over HTTP (limit=100, ${samples} requests per case after 3 warm-ups; deep = page token at 90 % of the listing):`,
    );
    console.log(
      `  ${"case".padEnd(48)} ${"first p50".padStart(10)} ${"first p99".padStart(10)} ${"deep p50".padStart(10)} ${"deep p99".padStart(10)}  items first/deep`,
    );
    // Warm the host up (JIT, caches) before measuring.
    for (const c of [...FOOTPRINT_CASES, ...TAD_CASES]) {
      const warm = {
        ...c,
        pairs: c.pairs.map(([k, v]) => [k, v.replace("PLACEHOLDER", productNo)] as [string, string]),
      };
      for (let i = 0; i < 5; i++) await timedGet(caseUrl(base, warm, 100), token);
    }
    let worstP99 = 0;
    for (const c0 of [...FOOTPRINT_CASES, ...TAD_CASES]) {
      const c: Case = {
        ...c0,
        pairs: c0.pairs.map(([k, v]) => [k, v.replace("PLACEHOLDER", productNo)] as [string, string]),
      };
      const deepPosition = c.route === "footprints" ? "e6666666" : String(Math.floor(maxSeq * 0.9));
      const results: string[] = [];
      const items: number[] = [];
      for (const position of [undefined, deepPosition]) {
        const url = caseUrl(base, c, 100, position ? pageTokens.encode(scopeOf(c), position) : undefined);
        for (let i = 0; i < 3; i++) await timedGet(url, token);
        const times: number[] = [];
        let count = 0;
        for (let i = 0; i < samples; i++) {
          const r = await timedGet(url, token);
          times.push(r.ms);
          count = r.count;
        }
        items.push(count);
        worstP99 = Math.max(worstP99, pct(times, 99));
        results.push(ms(pct(times, 50)).padStart(10), ms(pct(times, 99)).padStart(10));
      }
      console.log(
        `  ${`${c.route === "tad" ? "TAD " : ""}${c.name}`.padEnd(48)} ${results.join(" ")}  ${items.join("/")}`,
      );
      if (flag("explain")) {
        const target = kind === "postgres" ? (url as string) : sqliteFile;
        console.log(`    first page plan:\n${await explain(kind, target, c, undefined)}`);
        console.log(`    deep page plan:\n${await explain(kind, target, c, deepPosition)}`);
      }
    }
    console.log(`  worst p99 of all list cases: ${ms(worstP99)} ms`);

    // GetFootprint: ids sampled from the first pages of a few listings.
    const ids: string[] = [];
    for (const prefix of ["1", "4", "8", "b", "e"]) {
      const page = await fetch(
        caseUrl(
          base,
          { name: "", route: "footprints", pairs: [] },
          40,
          pageTokens.encode(scopeOf({ name: "", route: "footprints", pairs: [] }), prefix),
        ),
        {
          headers: { authorization: `Bearer ${token}` },
        },
      ).then((r) => r.json() as Promise<{ data: { id: string }[] }>);
      ids.push(...page.data.map((d) => d.id));
    }
    const getTimes: number[] = [];
    for (let i = 0; i < Math.max(samples * 4, ids.length); i++) {
      getTimes.push((await timedGet(`${base}/2/footprints/${ids[i % ids.length]}`, token)).ms);
    }
    console.log(
      `GetFootprint by id (${getTimes.length} requests): p50 ${ms(pct(getTimes, 50))} ms, p99 ${ms(pct(getTimes, 99))} ms`,
    );

    // Walk every listing to its end, sampling the host's RSS.
    for (const [route, path] of [
      ["footprints", "/2/footprints"],
      ["tad", "/2/ileap/tad"],
    ] as const) {
      const pid = host.child.pid as number;
      const rss: number[] = [rssMb(pid)];
      const sampler = setInterval(() => rss.push(rssMb(pid)), 100);
      const started = performance.now();
      let next: string | undefined = `${base}${path}?limit=1000`;
      let pages = 0;
      let items = 0;
      const pageTimes: number[] = [];
      while (next) {
        const r = await timedGet(next, token);
        pageTimes.push(r.ms);
        pages += 1;
        items += r.count;
        next = r.link ? /<([^>]+)>/.exec(r.link)?.[1] : undefined;
      }
      clearInterval(sampler);
      rss.push(rssMb(pid));
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `walk ${route.padEnd(10)} ${fmt(items)} items in ${fmt(pages)} pages of 1000, ${seconds.toFixed(1)} s (${fmt(items / seconds)} items/s, page p50 ${ms(pct(pageTimes, 50))} ms, p99 ${ms(pct(pageTimes, 99))} ms); host RSS start ${fmt(rss[0] ?? 0)} MB, max ${fmt(Math.max(...rss))} MB, end ${fmt(rss[rss.length - 1] ?? 0)} MB`,
      );
    }
  } finally {
    if (host) {
      host.child.kill("SIGTERM");
      await new Promise((r) => host?.child.once("exit", r));
    }
    await cluster?.stop();
    if (!flag("keep")) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`kept ${dataDir}`);
  }
}

console.log(`scale benchmark: node ${process.version}, ${(await import("node:os")).cpus().length} CPUs`);
for (const kind of stores) await runStore(kind);
