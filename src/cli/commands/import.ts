/**
 * `ileap import FILE…`: loads footprints (PACT ProductFootprints, or iLEAP-native
 * ShipmentFootprints, TOCs, HOCs) or TAD from JSON-array or NDJSON files, either through a running
 * host's admin API (`--url`) or directly into the store configured like the server (`DATABASE_URL`,
 * else the SQLite store in `ILEAP_DATA_DIR`). Files are streamed record by record and sent in
 * batches (one transaction, or one request, per batch).
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import pino from "pino";
import type { IleapConfig } from "../../config/types.ts";
import type { Outbox } from "../../events/outbox.ts";
import type { EventsService } from "../../events/service.ts";
import { IngestSession, Pipeline } from "../../ingest/ingest.ts";
import { type FileRecord, RecordFileReader, RecordSyntaxError } from "../../ingest/read.ts";
import { AdminApiClient, AdminApiError } from "../../ingest/remote.ts";
import {
  INGEST_KINDS,
  type IngestKind,
  type IngestMode,
  type IngestReport,
  type RecordError,
  type SingleVersionRecord,
} from "../../ingest/types.ts";
import { clientsOf, companyOf, createEventsService, openOutbox, openStore } from "../../server.ts";
import type { Store, Visibility } from "../../store/store.ts";
import { CliError, EXIT, type ExitCode } from "../exit-codes.ts";
import { type OutStream, Progress } from "../output.ts";
import { loadStorageConfig } from "../storage-config.ts";

/** Flags of `ileap import`. */
export interface ImportFlags {
  readonly kind: IngestKind;
  readonly mode: IngestMode;
  readonly dryRun?: boolean;
  readonly batchSize: string;
  readonly visibleTo?: readonly string[];
  readonly url?: string;
  readonly clientId?: string;
  readonly clientSecretStdin?: boolean;
  readonly report?: string;
  readonly config?: string;
  readonly dataDir?: string;
  readonly progress: boolean;
}

/** Where `ileap import` writes its human-readable output. */
export interface ImportIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /** Reads the whole of stdin (for `--client-secret-stdin`). */
  readonly readStdin: () => Promise<string>;
}

/** One rejected record in the machine-readable report. */
export interface ImportRejection {
  readonly file: string;
  /** 0-based position of the record in its file. */
  readonly index: number;
  /** 1-based line (NDJSON files). */
  readonly line?: number;
  readonly id?: string;
  readonly sourceId?: string;
  readonly errors: readonly RecordError[];
}

/** The `--report` file. */
export interface ImportReportFile {
  readonly kind: IngestKind;
  readonly mode: IngestMode;
  readonly dryRun: boolean;
  readonly target: "store" | "url";
  readonly files: readonly string[];
  readonly records: number;
  readonly accepted: number;
  readonly created: number;
  readonly replaced: number;
  readonly unchanged: number;
  /** Valid records not written because their atomic batch (or an earlier one) had rejected records. */
  readonly notWritten: number;
  readonly rejectedCount: number;
  /** Where writing stopped in atomic mode (the first batch with a rejected record), if it did. */
  readonly writingStoppedAt?: { readonly file: string; readonly index: number };
  readonly durationMs: number;
  readonly rejected: readonly ImportRejection[];
  /** Rejections left out of `rejected` (more than {@link MAX_REPORTED}). */
  readonly rejectedOmitted?: number;
  /**
   * Footprints served in one PACT version only (`/2` or `/3`), and why the other version cannot
   * represent them (at most {@link MAX_REPORTED}).
   */
  readonly singleVersion?: readonly (SingleVersionRecord & { readonly file: string })[];
  /** Stored footprints made `Deprecated` by a PACT v3 successor's `precedingPfIds`. */
  readonly deprecated?: readonly string[];
}

/** Most rejections kept for the report file. */
const MAX_REPORTED = 100_000;
/** Most rejections printed on stderr. */
const MAX_PRINTED = 10;
/** Largest NDJSON request body the remote mode builds (below the admin API's 16 MiB default). */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
/** Direct imports of at least this many records refresh the planner statistics at the end. */
const ANALYZE_AFTER = 10_000;

/** Registers `ileap import` on the program. */
export function registerImportCommand(program: Command): void {
  program
    .command("import")
    .description(
      "import footprints or TAD from JSON-array or NDJSON files, through a host's admin API (--url) or directly into the configured store",
    )
    .argument("<files...>", "JSON array (.json) or NDJSON (.ndjson, .jsonl) files")
    .addOption(
      new Option("--kind <kind>", "what the files hold").choices([...INGEST_KINDS]).makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--mode <mode>",
        "atomic: a batch with a rejected record stores nothing, and writing stops there; partial: store the valid records",
      )
        .choices(["atomic", "partial"])
        .default("atomic"),
    )
    .option("--dry-run", "validate only; nothing is written")
    .option("--batch-size <n>", "records per batch (one transaction or request)", "500")
    .option(
      "--visible-to <ids...>",
      "who may see the imported records: client ids (or client:ID) and organizations (org:ID); default: every client granted the kind (a new version keeps the visibility of the one it replaces)",
    )
    .option(
      "--url <url>",
      "base URL of a running host (uses its admin API); default: write into the store configured by DATABASE_URL, else ILEAP_DATA_DIR",
    )
    .option("--client-id <id>", "admin client id (with --url)")
    .option("--client-secret-stdin", "read the client secret from stdin (default: env ILEAP_CLIENT_SECRET)")
    .option(
      "--report <file>",
      "write a JSON report of every rejected record (file, index, line, id, pointer, value, rule)",
    )
    .option("-c, --config <file>", "config file, as for `ileap serve` (database, data directory, company)")
    .option("--data-dir <dir>", "data directory of the embedded store (default ILEAP_DATA_DIR or ./.ileap)")
    .option("--no-progress", "no progress bar (it is shown only when stderr is a terminal anyway)")
    .addHelpText(
      "after",
      `
Examples:
  $ ileap import footprints.ndjson --kind footprints --dry-run
  $ ileap import tocs.json hocs.json --kind tocs --report errors.json
  $ ILEAP_CLIENT_SECRET=… ileap import shipments.ndjson --kind shipment-footprints --url https://api.example.com --client-id ops-admin
  $ ileap import tad.ndjson --kind tad --visible-to acme-shipper org:org_2abc --mode partial

Exit codes: 0 everything imported; 1 records were rejected; 2 usage, file or configuration error;
3 credentials refused or no admin role; 4 host or database unreachable.`,
    )
    .action(async (files: string[], flags: ImportFlags) => {
      process.exitCode = await runImport(files, flags, process.env, {
        stdout: process.stdout,
        stderr: process.stderr,
        readStdin: async () => {
          const chunks: Buffer[] = [];
          for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
          return Buffer.concat(chunks)
            .toString("utf8")
            .replace(/\r?\n$/, "");
        },
      });
    });
}

/** A destination for batches: the store directly, or a host's admin API. */
interface Sink {
  readonly target: "store" | "url";
  /**
   * Checks a batch and schedules its write (or only checks it); `onReport` gets the report once
   * the batch is committed (possibly after later batches were sent). Resolves with the number of
   * records the checks rejected, when known before the write (else 0).
   */
  send(
    batch: readonly FileRecord[],
    dryRun: boolean,
    onReport: (report: IngestReport) => void,
  ): Promise<number>;
  /** Waits for every scheduled batch. */
  flush(): Promise<void>;
  close(written: number): Promise<void>;
}

function number(n: number): string {
  return n.toLocaleString("en-US");
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

function parseVisibleTo(values: readonly string[] | undefined): {
  visibility?: Visibility;
  entries: string[];
} {
  if (!values || values.length === 0) return { entries: [] };
  const entries = values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  const clientIds: string[] = [];
  const organizationIds: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith("org:") && entry.length > 4) organizationIds.push(entry.slice(4));
    else if (entry.startsWith("client:") && entry.length > 7) clientIds.push(entry.slice(7));
    else if (!entry.includes(":")) clientIds.push(entry);
    else
      throw new CliError(
        `--visible-to ${JSON.stringify(entry)}: expected a client id, client:ID or org:ID`,
        EXIT.usage,
      );
  }
  return {
    visibility: {
      ...(clientIds.length > 0 ? { clientIds } : {}),
      ...(organizationIds.length > 0 ? { organizationIds } : {}),
    },
    entries: [...clientIds.map((c) => `client:${c}`), ...organizationIds.map((o) => `org:${o}`)],
  };
}

async function directSink(
  kind: IngestKind,
  flags: ImportFlags,
  env: NodeJS.ProcessEnv,
  visibility: Visibility | undefined,
  warn: (text: string) => void,
): Promise<Sink> {
  const config = loadStorageConfig(flags, env);
  const dataDir = resolve(config.dataDir);
  let store: Store;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // A short-lived process: a large SQLite page cache speeds up index maintenance a lot, and
    // checkpointing every 64 MiB of log instead of every 4 MiB (each commit) spares copying index
    // pages that the next batch changes again.
    store = await openStore(config, dataDir, {
      sqliteCacheSizeKiB: 256 * 1024,
      sqliteWalAutocheckpointPages: 16 * 1024,
    });
  } catch (e) {
    const name = (e as Error).name;
    if (name === "StoreUnavailableError")
      throw new CliError(`the database is unreachable: ${(e as Error).message}`, EXIT.network);
    if (name === "SchemaOutOfDateError")
      throw new CliError((e as Error).message, EXIT.usage, "run `ileap db migrate`");
    throw e;
  }
  const { company } = companyOf(config);
  // Footprints written here are announced to subscribed peers like admin API writes: `Published`
  // events go into the host's outbox, and the running host's worker delivers them.
  let announcer: Announcer | undefined;
  if (kind !== "tad" && config.peers.some((p) => p.subscribe)) {
    if (config.events.source === undefined && config.publicUrl === undefined) {
      warn(
        `warning: Published events will name source http://${config.host}:${config.port}${config.pathPrefix}; set events.source or ILEAP_PUBLIC_URL to the host's public URL`,
      );
    }
    try {
      announcer = await Announcer.open(config, dataDir, store);
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  // Depth 2: with PostgreSQL, a batch is written while the next one is checked.
  const pipeline = new Pipeline(kind, {
    store,
    mode: flags.mode,
    session: new IngestSession(),
    depth: 2,
    ...(company ? { company } : {}),
    ...(visibility ? { visibility } : {}),
  });
  return {
    target: "store",
    send: (batch, dryRun, onReport) =>
      pipeline.push(
        batch.map((r) => r.input),
        (report) => {
          if (!dryRun && report.changedIds?.length) announcer?.announce(report.changedIds);
          onReport(report);
        },
        dryRun,
      ),
    flush: async () => {
      await pipeline.flush();
      await announcer?.flush();
    },
    close: async (written) => {
      try {
        const analyzable = store as Store & { analyze?: () => Promise<void> };
        if (written >= ANALYZE_AFTER && analyzable.analyze) await analyzable.analyze();
      } finally {
        await announcer?.close();
        await store.close();
      }
    },
  };
}

/**
 * Enqueues `Published` events for written footprints, in order, one call at a time (the report
 * callback is synchronous; {@link flush} waits for what was enqueued and reports a failure).
 */
class Announcer {
  readonly #events: EventsService;
  readonly #outbox: Outbox;
  #chain: Promise<void> = Promise.resolve();
  #failure: unknown;

  private constructor(events: EventsService, outbox: Outbox) {
    this.#events = events;
    this.#outbox = outbox;
  }

  static async open(config: IleapConfig, dataDir: string, store: Store): Promise<Announcer> {
    const outbox = await openOutbox(config, dataDir);
    const events = createEventsService(config, {
      outbox,
      store,
      logger: pino({ level: "silent" }),
      clients: await clientsOf(config),
    });
    return new Announcer(events, outbox);
  }

  announce(ids: readonly string[]): void {
    this.#chain = this.#chain.then(async () => {
      if (this.#failure !== undefined) return;
      try {
        await this.#events.footprintsChanged(ids);
      } catch (e) {
        this.#failure = e;
      }
    });
  }

  /** Waits for the enqueued announcements. @throws {CliError} when one could not be stored. */
  async flush(): Promise<void> {
    await this.#chain;
    if (this.#failure !== undefined) {
      throw new CliError(
        `the records were stored, but their Published events could not be queued for subscribed peers: ${(this.#failure as Error).message}`,
        EXIT.failure,
        "subscribed peers are not told of these changes",
      );
    }
  }

  async close(): Promise<void> {
    await this.#chain;
    await this.#outbox.close();
  }
}

async function remoteSink(
  kind: IngestKind,
  flags: ImportFlags,
  env: NodeJS.ProcessEnv,
  io: ImportIo,
  visibleTo: readonly string[],
): Promise<Sink> {
  const url = flags.url as string;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new CliError(`--url ${JSON.stringify(url)}: expected an http(s) URL`, EXIT.usage);
  }
  if (!flags.clientId)
    throw new CliError("--url needs --client-id (an admin client of the host)", EXIT.usage);
  const secret = flags.clientSecretStdin ? await io.readStdin() : env.ILEAP_CLIENT_SECRET;
  if (!secret) {
    throw new CliError(
      "no client secret: pipe it with --client-secret-stdin or set ILEAP_CLIENT_SECRET",
      EXIT.usage,
    );
  }
  const client = new AdminApiClient({ baseUrl: url, clientId: flags.clientId, clientSecret: secret });
  return {
    target: "url",
    flush: async () => {},
    send: async (batch, dryRun, onReport) => {
      // Records that did not parse are reported here; the others go to the host.
      const sent: number[] = [];
      const lines: string[] = [];
      const local: { index: number; errors: RecordError[] }[] = [];
      batch.forEach((r, i) => {
        if ("error" in r.input) local.push({ index: i, errors: [r.input.error] });
        else {
          sent.push(i);
          lines.push(JSON.stringify(r.input.value));
        }
      });
      // Atomic: a batch with an unparsable record stores nothing, so the rest is only checked.
      const refuse = !dryRun && flags.mode === "atomic" && local.length > 0;
      let report: IngestReport =
        lines.length > 0
          ? await client.postBatch(kind, lines, { mode: flags.mode, dryRun: dryRun || refuse, visibleTo })
          : {
              accepted: 0,
              created: 0,
              replaced: 0,
              unchanged: 0,
              notWritten: 0,
              rejected: [],
              written: false,
              conflict: false,
            };
      if (refuse) {
        report = {
          ...report,
          accepted: 0,
          created: 0,
          replaced: 0,
          unchanged: 0,
          notWritten: report.notWritten + report.accepted,
          written: false,
        };
      }
      const rejected = [
        ...local,
        ...report.rejected.map((r) => ({ ...r, index: sent[r.index] ?? r.index })),
      ].sort((a, b) => a.index - b.index);
      onReport({ ...report, rejected });
      return rejected.length;
    },
    close: async () => {},
  };
}

/**
 * Runs an import.
 * @returns the exit code: 0 everything accepted, 1 records rejected, else the {@link EXIT} code of
 *   the failure (thrown as {@link CliError} for usage, auth and network failures).
 */
export async function runImport(
  files: readonly string[],
  flags: ImportFlags,
  env: NodeJS.ProcessEnv,
  io: ImportIo,
): Promise<ExitCode> {
  const batchSize = Number(flags.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new CliError(
      `--batch-size ${JSON.stringify(flags.batchSize)}: expected an integer from 1 to 100000`,
      EXIT.usage,
    );
  }
  if (!flags.url && (flags.clientId || flags.clientSecretStdin)) {
    throw new CliError("--client-id and --client-secret-stdin need --url", EXIT.usage);
  }
  const { visibility, entries } = parseVisibleTo(flags.visibleTo);
  const readers: { file: string; reader: RecordFileReader }[] = [];
  for (const file of files) {
    try {
      readers.push({ file, reader: new RecordFileReader(file) });
    } catch (e) {
      throw new CliError(
        `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        EXIT.usage,
      );
    }
  }
  const sink = flags.url
    ? await remoteSink(flags.kind, flags, env, io, entries)
    : await directSink(flags.kind, flags, env, visibility, (text) => io.stderr.write(`${text}\n`));

  const started = performance.now();
  const totalBytes = readers.reduce((s, r) => s + r.reader.size, 0);
  const progress = new Progress(io.stderr, flags.progress !== false && io.stderr.isTTY === true);
  const totals = {
    records: 0,
    accepted: 0,
    created: 0,
    replaced: 0,
    unchanged: 0,
    notWritten: 0,
    rejected: 0,
    written: 0,
  };
  const rejections: ImportRejection[] = [];
  const singleVersion: (SingleVersionRecord & { readonly file: string })[] = [];
  const deprecated: string[] = [];
  let writing = !flags.dryRun;
  let stoppedAt: { file: string; index: number } | undefined;
  let doneBytes = 0;
  let lastDraw = 0;

  const draw = (current: RecordFileReader | undefined, force = false): void => {
    const nowMs = performance.now();
    if (!force && nowMs - lastDraw < 150) return;
    lastDraw = nowMs;
    const bytes = doneBytes + (current?.bytesRead ?? 0);
    const fraction = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 1;
    const seconds = (nowMs - started) / 1000;
    const rate = seconds > 0 ? totals.records / seconds : 0;
    const eta = fraction > 0 ? (seconds / fraction) * (1 - fraction) : Number.POSITIVE_INFINITY;
    const width = 24;
    const filled = Math.round(fraction * width);
    // Records first (read, then what became of them); the bar and ETA follow the bytes read.
    const outcome = flags.dryRun ? `${number(totals.accepted)} valid` : `${number(totals.written)} written`;
    progress.update(
      `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${number(totals.records)} records: ${outcome}, ${number(totals.rejected)} rejected  ${number(Math.round(rate))} rec/s  ETA ${duration(eta)}`,
    );
  };

  const account = (
    file: string,
    batch: readonly FileRecord[],
    dryRun: boolean,
    report: IngestReport,
  ): void => {
    totals.records += batch.length;
    totals.rejected += report.rejected.length;
    totals.notWritten += report.notWritten;
    if (dryRun && !flags.dryRun) {
      // Checked only, after writing stopped (atomic mode): valid, but not written.
      totals.notWritten += report.accepted;
    } else {
      totals.accepted += report.accepted;
      totals.created += report.created;
      totals.replaced += report.replaced;
      totals.unchanged += report.unchanged;
      if (!dryRun) totals.written += report.accepted - report.unchanged;
    }
    for (const n of report.singleVersion ?? []) {
      if (singleVersion.length < MAX_REPORTED)
        singleVersion.push({ ...n, file, index: batch[n.index]?.index ?? n.index });
    }
    if (!dryRun) deprecated.push(...(report.deprecated ?? []));
    for (const r of report.rejected) {
      const record = batch[r.index];
      if (rejections.length < MAX_REPORTED) {
        rejections.push({
          file,
          index: record?.index ?? r.index,
          ...(record?.line === undefined ? {} : { line: record.line }),
          ...(r.id === undefined ? {} : { id: r.id }),
          ...(r.sourceId === undefined ? {} : { sourceId: r.sourceId }),
          errors: r.errors,
        });
      }
    }
    if (!dryRun && flags.mode === "atomic" && report.rejected.length > 0) {
      writing = false;
      stoppedAt ??= { file, index: batch[0]?.index ?? 0 };
    }
  };

  const flush = async (file: string, batch: FileRecord[], reader: RecordFileReader): Promise<void> => {
    if (batch.length === 0) return;
    const dryRun = !writing;
    const rejectedNow = await sink.send(batch, dryRun, (report) => account(file, batch, dryRun, report));
    // Atomic: the first batch with a rejected record is not written, nor anything after it.
    if (writing && flags.mode === "atomic" && rejectedNow > 0) writing = false;
    draw(reader);
  };

  try {
    for (const { file, reader } of readers) {
      let batch: FileRecord[] = [];
      let batchBytes = 0;
      try {
        for await (const record of reader) {
          batch.push(record);
          if (flags.url && "value" in record.input)
            batchBytes += JSON.stringify(record.input.value).length + 1;
          if (batch.length >= batchSize || batchBytes >= MAX_REQUEST_BYTES) {
            await flush(file, batch, reader);
            batch = [];
            batchBytes = 0;
          }
          draw(reader);
        }
      } catch (e) {
        if (e instanceof RecordSyntaxError)
          throw new CliError(
            `${file}: ${e.message}`,
            EXIT.usage,
            "use NDJSON (one record per line) or a JSON array of records",
          );
        throw e;
      }
      await flush(file, batch, reader);
      doneBytes += reader.size;
    }
    await sink.flush();
  } catch (e) {
    progress.done();
    await sink.close(totals.written).catch(() => undefined);
    if (e instanceof AdminApiError) {
      throw new CliError(
        e.message,
        e.kind === "auth" ? EXIT.auth : e.kind === "network" ? EXIT.network : EXIT.failure,
      );
    }
    if ((e as Error).name === "StoreUnavailableError") {
      throw new CliError(
        `the database became unreachable: ${(e as Error).message}; ${number(totals.written)} records were written before`,
        EXIT.network,
      );
    }
    throw e;
  }
  draw(undefined, true);
  progress.done();
  await sink.close(totals.written);
  const durationMs = Math.round(performance.now() - started);

  if (flags.report) {
    const report: ImportReportFile = {
      kind: flags.kind,
      mode: flags.mode,
      dryRun: flags.dryRun === true,
      target: sink.target,
      files: [...files],
      records: totals.records,
      accepted: totals.accepted,
      created: totals.created,
      replaced: totals.replaced,
      unchanged: totals.unchanged,
      notWritten: totals.notWritten,
      rejectedCount: totals.rejected,
      ...(stoppedAt ? { writingStoppedAt: stoppedAt } : {}),
      durationMs,
      rejected: rejections,
      ...(totals.rejected > rejections.length
        ? { rejectedOmitted: totals.rejected - rejections.length }
        : {}),
      ...(singleVersion.length > 0 ? { singleVersion } : {}),
      ...(deprecated.length > 0 ? { deprecated } : {}),
    };
    try {
      writeFileSync(flags.report, `${JSON.stringify(report, null, 2)}\n`);
    } catch (e) {
      throw new CliError(
        `cannot write the report ${flags.report}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        EXIT.usage,
      );
    }
  }

  for (const r of rejections.slice(0, MAX_PRINTED)) {
    const where = `${r.file} ${r.line !== undefined ? `line ${r.line}` : `record ${r.index}`}${r.id ? ` (${r.id})` : r.sourceId ? ` (${r.sourceId})` : ""}`;
    for (const e of r.errors.slice(0, 3)) {
      const value = e.value === undefined ? "" : ` (value ${truncateJson(e.value)})`;
      io.stderr.write(`${where}: ${e.pointer || "/"}: ${e.message}${value} [${e.rule}]\n`);
    }
    if (r.errors.length > 3) io.stderr.write(`${where}: … ${r.errors.length - 3} more errors\n`);
  }
  if (totals.rejected > MAX_PRINTED) {
    io.stderr.write(
      `… ${number(totals.rejected - MAX_PRINTED)} more rejected records${flags.report ? ` (all in ${flags.report})` : " (use --report FILE for all of them)"}\n`,
    );
  }

  const seconds = durationMs / 1000;
  const rate = seconds > 0 ? Math.round(totals.records / seconds) : totals.records;
  const verb = flags.dryRun ? "Checked" : "Imported";
  const counts =
    flags.kind === "tad"
      ? `${number(totals.accepted)} accepted`
      : `${number(totals.created)} created, ${number(totals.replaced)} replaced, ${number(totals.unchanged)} unchanged`;
  io.stdout.write(
    `${verb} ${number(totals.records)} records from ${files.length} file${files.length === 1 ? "" : "s"} in ${seconds.toFixed(1)} s (${number(rate)} records/s): ${counts}; ${number(totals.rejected)} rejected${flags.dryRun ? " (dry run: nothing written)" : ""}.\n`,
  );
  if (singleVersion.length > 0) {
    const only = (v: "2" | "3") => singleVersion.filter((n) => n.servedIn === v).length;
    io.stdout.write(
      `${number(singleVersion.length)} footprint(s) are served in one PACT version only (${number(only("2"))} on /2 only, ${number(only("3"))} on /3 only)${flags.report ? `: see singleVersion in ${flags.report}` : "; --report FILE lists them with the reason"}.\n`,
    );
    for (const n of singleVersion.slice(0, 3))
      io.stdout.write(`  ${n.id} (${n.file} record ${n.index}): /${n.servedIn} only: ${n.reason}\n`);
  }
  if (deprecated.length > 0) {
    io.stdout.write(
      `${number(deprecated.length)} stored footprint(s) were deprecated by their PACT v3 successor: ${deprecated.slice(0, 5).join(", ")}${deprecated.length > 5 ? ", …" : ""}\n`,
    );
  }
  if (stoppedAt) {
    io.stdout.write(
      `Writing stopped at the batch starting with record ${stoppedAt.index} of ${stoppedAt.file} (--mode atomic); ${number(totals.written)} records were written before it, the rest was only checked. Fix the rejected records and import again (already stored records are reported unchanged), or use --mode partial.\n`,
    );
  }
  return totals.rejected > 0 ? EXIT.failure : EXIT.ok;
}

function truncateJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
