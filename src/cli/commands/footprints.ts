/**
 * `ileap footprints list|get`: PACT ListFootprints and GetFootprint against the logged-in host.
 * @module
 */
import type { Command } from "commander";
import { footprintKind } from "../../model/ileap-mapping.ts";
import type { ProductFootprint } from "../../model/types.ts";
import { parseFootprintFilter } from "../../protocol/odata-filter.ts";
import type { CliContext } from "../context.ts";
import { toCliError } from "../errors.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { addOutputOptions, type OutputFlags, outputFormat, parseLimit, printListing } from "../listing.ts";
import { type Column, formatJson } from "../output.ts";
import { addProfileOption, type HostFlags, openSession } from "../session.ts";

const KIND_LABEL: Readonly<Record<string, string>> = {
  "shipment-footprint": "SF",
  toc: "TOC",
  hoc: "HOC",
  pcf: "PCF",
};

/** `2025-02-20T09:00:00Z` → `2025-02-20 09:00`. */
function shortTime(value: unknown): string {
  if (typeof value !== "string") return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
  return m ? `${m[1]} ${m[2]}` : value;
}

function text(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

/** Table columns of a footprint list. */
export function footprintColumns(ctx: CliContext): Column<ProductFootprint>[] {
  const s = ctx.term.out;
  return [
    { header: "ID", value: (pf) => text(pf.id) },
    { header: "KIND", value: (pf) => KIND_LABEL[footprintKind(pf)] ?? "" },
    { header: "PRODUCT", value: (pf) => text(pf.productNameCompany), shrink: true, minWidth: 16 },
    { header: "COMPANY", value: (pf) => text(pf.companyName), shrink: true, minWidth: 12 },
    { header: "PCF", value: (pf) => text(pf.pcf?.pCfExcludingBiogenic), align: "right" },
    { header: "DECLARED UNIT", value: (pf) => text(pf.pcf?.declaredUnit) },
    {
      header: "STATUS",
      value: (pf) => text(pf.status),
      style: (cell, pf) => (pf.status === "Deprecated" ? s.yellow(cell) : cell),
    },
    { header: "UPDATED", value: (pf) => shortTime(pf.updated ?? pf.created) },
  ];
}

interface ListFlags extends HostFlags, OutputFlags {
  readonly filter?: string;
  readonly limit?: string;
  readonly all?: boolean;
}

interface GetFlags extends HostFlags, OutputFlags {}

function describeFootprint(ctx: CliContext, pf: ProductFootprint): string {
  const pcf = pf.pcf ?? ({} as Partial<ProductFootprint["pcf"]>);
  const rows: [string, string][] = [
    ["id", text(pf.id)],
    ["kind", footprintKind(pf)],
    ["product", text(pf.productNameCompany)],
    ["description", text(pf.productDescription)],
    ["product ids", Array.isArray(pf.productIds) ? pf.productIds.join("\n") : ""],
    ["company", text(pf.companyName)],
    ["status", `${text(pf.status)}${pf.version !== undefined ? ` (version ${pf.version})` : ""}`],
    ["created", text(pf.created)],
    ["updated", text(pf.updated)],
    [
      "pCF (excl. biogenic)",
      `${text(pcf.pCfExcludingBiogenic)} kgCO2e per ${text(pcf.unitaryProductAmount)} ${text(pcf.declaredUnit)}`,
    ],
    ["reference period", `${text(pcf.referencePeriodStart)} – ${text(pcf.referencePeriodEnd)}`],
    ["spec version", text(pf.specVersion)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const indent = " ".repeat(width + 2);
  return `${rows
    .filter(([, v]) => v.trim() !== "")
    .map(([k, v]) => `${ctx.term.out.bold(k.padEnd(width))}  ${v.split("\n").join(`\n${indent}`)}`)
    .join("\n")}\n`;
}

/** Registers `footprints list` and `footprints get`. */
export function registerFootprintsCommands(program: Command, ctx: CliContext): void {
  const group = program
    .command("footprints")
    .description("list and get product footprints (PACT ListFootprints / GetFootprint)");

  const list = group
    .command("list")
    .description("list footprints: a table, or JSON with --json/--ndjson")
    .option("--filter <odata>", "PACT $filter, e.g. \"updated gt '2025-01-01T00:00:00Z'\"")
    .option("--limit <n>", "page size (without --all: how many to show)")
    .option("--all", "fetch every page (progress on stderr)");
  addOutputOptions(list);
  addProfileOption(list).addHelpText(
    "after",
    `
Filters (PACT v2 $filter subset): eq lt le gt ge, and, parentheses on created, updated,
productCategoryCpc, pcf/geographyCountry, pcf/referencePeriodStart, pcf/referencePeriodEnd, and
productIds/any(p:(p eq '…')), companyIds/any(…).

Examples:
  $ ileap footprints list
  $ ileap footprints list --all --ndjson > footprints.ndjson
  $ ileap footprints list --filter "productCategoryCpc eq '83117' and updated ge '2025-01-01T00:00:00Z'"
  $ ileap footprints list --filter "productIds/any(p:(p eq 'urn:pathfinder:product:customcode:vendor-assigned:shipment:SHP-1'))" --json`,
  );
  list.action(async (flags: ListFlags) => {
    const limit = flags.limit === undefined ? undefined : parseLimit(flags.limit);
    if (flags.filter !== undefined) {
      const parsed = parseFootprintFilter(flags.filter);
      // Syntax errors stop here; constructs outside our subset are left for the host to judge.
      if (!parsed.ok && parsed.error.code === "BadRequest") {
        throw new CliError(`--filter: ${parsed.error.message}`, EXIT.usage);
      }
    }
    const session = openSession(flags, ctx.env, ctx.warn);
    try {
      const listing = session.client.listFootprints({
        ...(flags.filter !== undefined ? { filter: flags.filter } : {}),
        ...(limit !== undefined ? { limit } : {}),
      });
      await printListing(ctx, listing, {
        all: flags.all === true,
        format: outputFormat(flags),
        columns: footprintColumns(ctx),
        noun: ["footprint", "footprints"],
      });
    } catch (err) {
      throw toCliError(err, session.loginHint);
    }
  });

  const get = group.command("get").description("show one footprint").argument("<id>", "footprint id (UUID)");
  addOutputOptions(get, false);
  addProfileOption(get).addHelpText(
    "after",
    `
Examples:
  $ ileap footprints get 1860b074-7254-43e0-9d53-6a0715866916
  $ ileap footprints get 1860b074-7254-43e0-9d53-6a0715866916 --json | jq .pcf`,
  );
  get.action(async (id: string, flags: GetFlags) => {
    const session = openSession(flags, ctx.env, ctx.warn);
    let pf: ProductFootprint;
    try {
      pf = await session.client.getFootprint(id);
    } catch (err) {
      throw toCliError(err, session.loginHint);
    }
    if (flags.json) ctx.term.stdout.write(formatJson(pf, ctx.term.stdout));
    else {
      ctx.term.stdout.write(describeFootprint(ctx, pf));
      ctx.term.stderr.write(`${ctx.term.err.dim("the whole document: add --json")}\n`);
    }
  });
}
