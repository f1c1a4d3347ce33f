/**
 * `ileap events list|show|retry|purge`: the host's PACT events outbox (deliveries of request answers
 * and `Published` events) and the `Published` events received from peers. Reads the same
 * configuration as `ileap serve` (`--config`, `--data-dir`, `DATABASE_URL`), without needing the
 * peers' secrets or the Clerk keys.
 * @module
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { Delivery, DeliveryStatus, Outbox } from "../../events/outbox.ts";
import { type CliContext, createContext } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { type Column, formatJson, processTerminal, renderTable } from "../output.ts";
import { loadStorageConfig, type StorageFlags } from "../storage-config.ts";

/**
 * Opens the configured outbox as the host does (loaded lazily: the database drivers and the host
 * are not needed by other commands). An SQLite file must exist already: a typo in `--data-dir`
 * should not create an empty database.
 */
async function openHostOutbox(ctx: CliContext, flags: StorageFlags): Promise<Outbox> {
  const config = loadStorageConfig(flags, ctx.env);
  const dataDir = resolve(config.dataDir);
  const file = join(dataDir, "ileap.sqlite");
  if (!config.database.url && !existsSync(file)) {
    throw new CliError(`no database at ${file}`, EXIT.usage, "give --data-dir (or --config) of the host");
  }
  const { openOutbox } = await import("../../server.ts");
  return openOutbox(config, dataDir);
}

async function withOutbox<T>(
  ctx: CliContext,
  flags: StorageFlags,
  run: (o: Outbox) => Promise<T>,
): Promise<T> {
  const outbox = await openHostOutbox(ctx, flags);
  try {
    return await run(outbox);
  } finally {
    await outbox.close();
  }
}

const STATUSES: readonly DeliveryStatus[] = ["pending", "delivered", "dead"];

function iso(ms: number | undefined): string {
  return ms === undefined ? "" : new Date(ms).toISOString();
}

/** A delivery as shown to users (the stored request principal and body are summarized). */
function view(d: Delivery): Record<string, unknown> {
  return {
    id: d.id,
    kind: d.kind,
    status: d.status,
    target: d.target,
    attempts: d.attempts,
    createdAt: iso(d.createdAt),
    nextAttemptAt: d.status === "pending" ? iso(d.nextAttemptAt) : undefined,
    deliveredAt: iso(d.deliveredAt) || undefined,
    lastError: d.lastError,
    requestEventId: d.request?.event.id,
    requester: d.request?.principal.clientId,
    eventType: d.body ? (JSON.parse(d.body) as { type?: string }).type : undefined,
  };
}

const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `30d`, `12h`, `90m` or `3600s` into ms. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
  const unit = m?.[2] === undefined ? undefined : DURATION_UNITS[m[2]];
  if (!m || unit === undefined) {
    throw new CliError(
      `${flag} must be a whole number with a unit s, m, h or d (e.g. 30d); got '${text}'`,
      EXIT.usage,
    );
  }
  return Number(m[1]) * unit;
}

function withStoreOptions(cmd: Command): Command {
  return cmd
    .option("-c, --config <file>", "the host's JSON or YAML config file")
    .option("--data-dir <dir>", "the host's data directory (default ./.ileap)");
}

/**
 * Registers `ileap events` (`list`, `show`, `retry`).
 * @param ctx terminal and environment. Default: the process's.
 */
export function registerEventsCommand(
  program: Command,
  ctx: CliContext = createContext(processTerminal(process.env), process.env),
): void {
  const events = program
    .command("events")
    .description("PACT events outbox of the host: list, show, retry, purge");
  const out = (s: string) => ctx.term.stdout.write(s);

  withStoreOptions(events.command("list"))
    .description("list outbound deliveries (newest first), or received Published events with --inbound")
    .option("--status <status>", `only deliveries in this status (${STATUSES.join(", ")})`)
    .option("--limit <n>", "at most this many (1–10000)", "50")
    .option("--inbound", "list Published events received from peers instead")
    .option("--json", "JSON output")
    .action(
      async (flags: StorageFlags & { status?: string; limit: string; inbound?: boolean; json?: boolean }) => {
        if (flags.status !== undefined && !STATUSES.includes(flags.status as DeliveryStatus)) {
          throw new CliError(`--status must be one of ${STATUSES.join(", ")}`, EXIT.usage);
        }
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
          throw new CliError(`--limit must be an integer from 1 to 10000; got '${flags.limit}'`, EXIT.usage);
        await withOutbox(ctx, flags, async (outbox) => {
          if (flags.inbound) {
            const rows = (await outbox.listInboundPublished(limit)).map((e) => ({
              ...e,
              receivedAt: iso(e.receivedAt),
            }));
            if (flags.json) return out(formatJson(rows, ctx.term.stdout));
            const cols: Column<(typeof rows)[number]>[] = [
              { header: "EVENT ID", value: (r) => r.eventId },
              { header: "SOURCE", value: (r) => r.source, shrink: true },
              { header: "FROM", value: (r) => r.receivedFrom },
              { header: "RECEIVED", value: (r) => r.receivedAt },
              { header: "PF IDS", value: (r) => r.pfIds.join(","), shrink: true },
            ];
            return out(renderTable(cols, rows, { styles: ctx.term.out }));
          }
          const rows = await outbox.list({
            limit,
            ...(flags.status ? { status: flags.status as DeliveryStatus } : {}),
          });
          if (flags.json) return out(formatJson(rows.map(view), ctx.term.stdout));
          const cols: Column<Delivery>[] = [
            { header: "ID", value: (d) => d.id },
            { header: "KIND", value: (d) => d.kind },
            { header: "STATUS", value: (d) => d.status },
            { header: "ATTEMPTS", value: (d) => String(d.attempts), align: "right" },
            { header: "TARGET", value: (d) => d.target, shrink: true },
            { header: "CREATED", value: (d) => iso(d.createdAt) },
            { header: "LAST ERROR", value: (d) => d.lastError ?? "", shrink: true },
          ];
          return out(renderTable(cols, rows, { styles: ctx.term.out }));
        });
      },
    );

  withStoreOptions(events.command("show"))
    .description("show one delivery, with the event sent (or to be sent)")
    .argument("<id>", "delivery id (= the outbound event id)")
    .action(async (id: string, flags: StorageFlags) => {
      await withOutbox(ctx, flags, async (outbox) => {
        const d = await outbox.get(id);
        if (!d) throw new CliError(`no delivery ${id}`, EXIT.failure);
        out(
          formatJson(
            { ...view(d), event: d.body ? (JSON.parse(d.body) as unknown) : undefined },
            ctx.term.stdout,
          ),
        );
      });
    });

  withStoreOptions(events.command("retry"))
    .description("make a dead (or waiting) delivery due now again; a running host sends it on its next round")
    .argument("<id>", "delivery id")
    .action(async (id: string, flags: StorageFlags) => {
      await withOutbox(ctx, flags, async (outbox) => {
        if (!(await outbox.retry(id, Date.now()))) {
          throw new CliError(`no delivery ${id} to retry (unknown or already delivered)`, EXIT.failure);
        }
        out(`delivery ${id} is due again\n`);
      });
    });

  withStoreOptions(events.command("purge"))
    .description(
      "delete finished history: deliveries delivered (or dead-lettered) and Published events received before the cutoff; pending deliveries are kept",
    )
    .option("--older-than <duration>", "cutoff age, e.g. 30d, 12h, 90m", "30d")
    .option("--json", "JSON output")
    .action(async (flags: StorageFlags & { olderThan: string; json?: boolean }) => {
      const age = parseDuration(flags.olderThan, "--older-than");
      await withOutbox(ctx, flags, async (outbox) => {
        const result = await outbox.purge(Date.now() - age);
        if (flags.json) return out(formatJson(result, ctx.term.stdout));
        out(
          `deleted ${result.deliveries} deliver${result.deliveries === 1 ? "y" : "ies"} and ${result.inbound} received Published record${result.inbound === 1 ? "" : "s"} older than ${flags.olderThan}\n`,
        );
      });
    });
}
