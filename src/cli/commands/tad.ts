/**
 * `ileap tad list`: iLEAP transport activity data with query-pair filters.
 * @module
 */
import type { Command } from "commander";
import { type TAD, TRANSPORT_MODES } from "../../model/types.ts";
import type { CliContext } from "../context.ts";
import { toCliError } from "../errors.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { addOutputOptions, type OutputFlags, outputFormat, parseLimit, printListing } from "../listing.ts";
import type { Column } from "../output.ts";
import { addProfileOption, type HostFlags, openSession } from "../session.ts";

function text(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

function place(loc: unknown): string {
  if (typeof loc !== "object" || loc === null) return "";
  const l = loc as Record<string, unknown>;
  const city = text(l.city);
  const country = text(l.country);
  return city && country ? `${city}, ${country}` : city || country || text(l.locode) || text(l.iata);
}

/** Table columns of a TAD list. */
export function tadColumns(): Column<TAD>[] {
  return [
    { header: "ACTIVITY ID", value: (t) => text(t.activityId) },
    { header: "MODE", value: (t) => text(t.mode) },
    { header: "FROM", value: (t) => place(t.origin), shrink: true, minWidth: 10 },
    { header: "TO", value: (t) => place(t.destination), shrink: true, minWidth: 10 },
    {
      header: "DEPARTURE",
      value: (t) => text(t.departureAt).replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}).*$/, "$1 $2"),
    },
    {
      header: "DISTANCE KM",
      value: (t) => text(t.distance?.actual ?? t.distance?.gcd ?? t.distance?.sfd),
      align: "right",
    },
    { header: "MASS KG", value: (t) => text(t.mass), align: "right" },
  ];
}

interface ListFlags extends HostFlags, OutputFlags {
  readonly mode?: string;
  readonly where: string[];
  readonly limit?: string;
  readonly all?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `field=value` → `[field, value]`. */
export function parseWhere(pair: string): [string, string] {
  const eq = pair.indexOf("=");
  if (eq <= 0 || eq === pair.length - 1) {
    throw new CliError(`--where expects field=value, got ${JSON.stringify(pair)}`, EXIT.usage);
  }
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

/** Registers `tad list`. */
export function registerTadCommands(program: Command, ctx: CliContext): void {
  const group = program.command("tad").description("iLEAP transport activity data (TAD)");
  const list = group
    .command("list")
    .description("list transport activity data: a table, or JSON with --json/--ndjson")
    .option("--mode <mode>", `transport mode: ${TRANSPORT_MODES.join(", ")}`)
    .option("--where <field=value>", "filter on a TAD field (repeatable; all must match)", collect, [])
    .option("--limit <n>", "page size (without --all: how many to show)")
    .option("--all", "fetch every page (progress on stderr)");
  addOutputOptions(list);
  addProfileOption(list).addHelpText(
    "after",
    `
Field names are TAD field names, case-sensitive: a dotted path (origin.country,
energyCarriers.feedstocks.feedstock) or its last segments (feedstock; country matches origin and
destination). Values compare case-insensitively. Several filters must all match.

Examples:
  $ ileap tad list --mode Rail
  $ ileap tad list --where feedstock=Fossil --where origin.country=DE --all
  $ ileap tad list --mode Road --where packagingOrTrEqType=Pallet --ndjson`,
  );
  list.action(async (flags: ListFlags) => {
    const limit = flags.limit === undefined ? undefined : parseLimit(flags.limit);
    const pairs = flags.where.map(parseWhere);
    if (flags.mode !== undefined) {
      const mode = TRANSPORT_MODES.find((m) => m.toLowerCase() === flags.mode?.toLowerCase());
      if (mode === undefined) {
        throw new CliError(
          `--mode must be one of ${TRANSPORT_MODES.join(", ")}, got ${JSON.stringify(flags.mode)}`,
          EXIT.usage,
        );
      }
      pairs.unshift(["mode", mode]);
    }
    const session = openSession(flags, ctx.env, ctx.warn);
    try {
      await printListing(
        ctx,
        session.client.listTad({ filters: pairs, ...(limit !== undefined ? { limit } : {}) }),
        {
          all: flags.all === true,
          format: outputFormat(flags),
          columns: tadColumns(),
          noun: ["activity", "activities"],
        },
      );
    } catch (err) {
      throw toCliError(err, session.loginHint);
    }
  });
}
