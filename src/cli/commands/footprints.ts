/**
 * `ileap footprints list|get`: PACT ListFootprints and GetFootprint against the logged-in host, on
 * PACT v2 (`/2/footprints`, `$filter`) or v3 (`/3/footprints`, criteria) with `--pact`.
 * @module
 */
import type { Command } from "commander";
import type { PactMajor, V3FootprintCriteria } from "../../client/client.ts";
import { footprintKind } from "../../model/ileap-mapping.ts";
import type { ProductFootprint } from "../../model/types.ts";
import type { V3ProductFootprint } from "../../model/v3/types.ts";
import { parseFootprintFilter } from "../../protocol/odata-filter.ts";
import type { CliContext } from "../context.ts";
import { toCliError } from "../errors.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { addOutputOptions, type OutputFlags, outputFormat, parseLimit, printListing } from "../listing.ts";
import { type Column, formatJson } from "../output.ts";
import { addProfileOption, type HostFlags, openSession, type Session } from "../session.ts";

/** A footprint of either PACT version. */
type AnyFootprint = ProductFootprint | V3ProductFootprint;

/** Fields of a footprint's `pcf` by name, whatever the version. */
function pcfOf(pf: AnyFootprint): Record<string, unknown> {
  return (pf.pcf ?? {}) as unknown as Record<string, unknown>;
}

/** The emissions value: v2 `pCfExcludingBiogenic`, v3 `pcfExcludingBiogenicUptake`. */
function pcfValue(pf: AnyFootprint): unknown {
  const pcf = pcfOf(pf);
  return pcf.pCfExcludingBiogenic ?? pcf.pcfExcludingBiogenicUptake;
}

/** The declared unit: v2 `declaredUnit`, v3 `declaredUnitAmount declaredUnitOfMeasurement`. */
function declaredUnit(pf: AnyFootprint): string {
  const pcf = pcfOf(pf);
  if (typeof pcf.declaredUnit === "string") return pcf.declaredUnit;
  const unit = text(pcf.declaredUnitOfMeasurement);
  const amount = text(pcf.declaredUnitAmount);
  return amount !== "" && amount !== "1" ? `${amount} ${unit}` : unit;
}

/** The PACT version of `--pact`: 2, 3 or `auto` (ask the host). */
function parsePactFlag(value: string | undefined): PactMajor | "auto" {
  const v = (value ?? "2").trim().toLowerCase().replace(/^v/, "");
  if (v === "2" || v === "2.3" || v === "2.2") return 2;
  if (v === "3" || v === "3.0") return 3;
  if (v === "auto") return "auto";
  throw new CliError(`--pact must be 2, 3 or auto, got ${JSON.stringify(value)}`, EXIT.usage);
}

interface PactFlags extends HostFlags {
  readonly pact?: string;
}

/** A session for the PACT version of `--pact`; `auto` asks the host (`GET /3/footprints?limit=1`). */
async function footprintSession(ctx: CliContext, flags: PactFlags): Promise<Session<PactMajor>> {
  const pact = parsePactFlag(flags.pact);
  if (pact !== "auto") return openSession<PactMajor>(flags, ctx.env, ctx.warn, pact);
  const probe = openSession<PactMajor>(flags, ctx.env, ctx.warn, 2);
  let detected: PactMajor;
  try {
    detected = await probe.client.detectPactVersion();
  } catch (err) {
    throw toCliError(err, probe.loginHint);
  }
  return detected === 2 ? probe : openSession<PactMajor>(flags, ctx.env, ctx.warn, 3);
}

function addPactOption(cmd: Command): Command {
  return cmd.option("--pact <version>", "PACT version: 2 (/2/footprints), 3 (/3/footprints) or auto", "2");
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

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
export function footprintColumns(ctx: CliContext): Column<AnyFootprint>[] {
  const s = ctx.term.out;
  return [
    { header: "ID", value: (pf) => text(pf.id) },
    { header: "KIND", value: (pf) => KIND_LABEL[footprintKind(pf)] ?? "" },
    { header: "PRODUCT", value: (pf) => text(pf.productNameCompany), shrink: true, minWidth: 16 },
    { header: "COMPANY", value: (pf) => text(pf.companyName), shrink: true, minWidth: 12 },
    { header: "PCF", value: (pf) => text(pcfValue(pf)), align: "right" },
    { header: "DECLARED UNIT", value: (pf) => declaredUnit(pf) },
    {
      header: "STATUS",
      value: (pf) => text(pf.status),
      style: (cell, pf) => (pf.status === "Deprecated" ? s.yellow(cell) : cell),
    },
    { header: "UPDATED", value: (pf) => shortTime(("updated" in pf ? pf.updated : undefined) ?? pf.created) },
  ];
}

interface ListFlags extends PactFlags, OutputFlags {
  readonly filter?: string;
  readonly limit?: string;
  readonly all?: boolean;
  readonly productId?: string[];
  readonly companyId?: string[];
  readonly geography?: string[];
  readonly classification?: string[];
  readonly validOn?: string;
  readonly validAfter?: string;
  readonly validBefore?: string;
  readonly status?: string;
}

interface GetFlags extends PactFlags, OutputFlags {}

/** The v3 criteria of the flags (`undefined` when none is given). */
function v3Criteria(flags: ListFlags): V3FootprintCriteria | undefined {
  const criteria: V3FootprintCriteria = {
    ...(flags.productId ? { productId: flags.productId } : {}),
    ...(flags.companyId ? { companyId: flags.companyId } : {}),
    ...(flags.geography ? { geography: flags.geography } : {}),
    ...(flags.classification ? { classification: flags.classification } : {}),
    ...(flags.validOn !== undefined ? { validOn: flags.validOn } : {}),
    ...(flags.validAfter !== undefined ? { validAfter: flags.validAfter } : {}),
    ...(flags.validBefore !== undefined ? { validBefore: flags.validBefore } : {}),
    ...(flags.status !== undefined ? { status: flags.status } : {}),
  };
  for (const name of ["validOn", "validAfter", "validBefore"] as const) {
    const value = criteria[name];
    if (typeof value === "string" && Number.isNaN(Date.parse(value))) {
      const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new CliError(
        `${flag} must be a date-time (e.g. 2025-01-01T00:00:00Z), got ${JSON.stringify(value)}`,
        EXIT.usage,
      );
    }
  }
  return Object.keys(criteria).length > 0 ? criteria : undefined;
}

function describeFootprint(ctx: CliContext, doc: AnyFootprint): string {
  const pf = doc as ProductFootprint & Partial<V3ProductFootprint>;
  const pcf = pcfOf(doc);
  const amount = pcf.unitaryProductAmount ?? pcf.declaredUnitAmount;
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
      "validity",
      pf.validityPeriodStart || pf.validityPeriodEnd
        ? `${text(pf.validityPeriodStart)} – ${text(pf.validityPeriodEnd)}`
        : "",
    ],
    [
      "pCF (excl. biogenic)",
      `${text(pcfValue(doc))} kgCO2e per ${text(amount)} ${text(pcf.declaredUnit ?? pcf.declaredUnitOfMeasurement)}`,
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
    .option("--filter <odata>", "PACT v2 $filter, e.g. \"updated gt '2025-01-01T00:00:00Z'\"")
    .option("--product-id <urn>", "PACT v3: with this product id (repeatable: any of them)", collect)
    .option("--company-id <urn>", "PACT v3: of this company id (repeatable)", collect)
    .option("--geography <code>", "PACT v3: country, subdivision or region (repeatable)", collect)
    .option("--classification <urn>", "PACT v3: with this product classification (repeatable)", collect)
    .option("--valid-on <date-time>", "PACT v3: valid at this instant")
    .option("--valid-after <date-time>", "PACT v3: validity starts after this instant")
    .option("--valid-before <date-time>", "PACT v3: validity ends before this instant")
    .option("--status <status>", "PACT v3: Active or Deprecated")
    .option("--limit <n>", "page size (without --all: how many to show)")
    .option("--all", "fetch every page (progress on stderr)");
  addPactOption(list);
  addOutputOptions(list);
  addProfileOption(list).addHelpText(
    "after",
    `
Filters (PACT v2 $filter subset): eq lt le gt ge, and, parentheses on created, updated,
productCategoryCpc, pcf/geographyCountry, pcf/referencePeriodStart, pcf/referencePeriodEnd, and
productIds/any(p:(p eq '…')), companyIds/any(…).

PACT v3 (--pact 3): --product-id, --company-id, --geography, --classification (each repeatable:
any of the values), --valid-on/--valid-after/--valid-before, --status; different options must all
match. --pact auto asks the host which version it serves.

Examples:
  $ ileap footprints list
  $ ileap footprints list --all --ndjson > footprints.ndjson
  $ ileap footprints list --filter "productCategoryCpc eq '83117' and updated ge '2025-01-01T00:00:00Z'"
  $ ileap footprints list --filter "productIds/any(p:(p eq 'urn:pathfinder:product:customcode:vendor-assigned:shipment:SHP-1'))" --json
  $ ileap footprints list --pact 3 --geography DE --geography FR --status Active --valid-on 2025-06-01T00:00:00Z`,
  );
  list.action(async (flags: ListFlags) => {
    const limit = flags.limit === undefined ? undefined : parseLimit(flags.limit);
    const pact = parsePactFlag(flags.pact);
    const criteria = v3Criteria(flags);
    if (pact === 2 && criteria !== undefined) {
      throw new CliError(
        `${Object.keys(criteria)
          .map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)
          .join(", ")}: PACT v3 criteria; add --pact 3 (or use --filter on v2)`,
        EXIT.usage,
      );
    }
    if (pact === 3 && flags.filter !== undefined) {
      throw new CliError(
        "--filter is PACT v2 ($filter, deprecated in v3.0): use the v3 criteria options",
        EXIT.usage,
      );
    }
    if (flags.filter !== undefined) {
      const parsed = parseFootprintFilter(flags.filter);
      // Syntax errors stop here; constructs outside our subset are left for the host to judge.
      if (!parsed.ok && parsed.error.code === "BadRequest") {
        throw new CliError(`--filter: ${parsed.error.message}`, EXIT.usage);
      }
    }
    const session = await footprintSession(ctx, flags);
    if (session.client.pact === 2 && criteria !== undefined) {
      throw new CliError(
        "the host serves PACT v2 only: the v3 criteria cannot be used (use --filter)",
        EXIT.usage,
      );
    }
    if (session.client.pact === 3 && flags.filter !== undefined) {
      throw new CliError(
        "the host serves PACT v3: use the v3 criteria options instead of --filter",
        EXIT.usage,
      );
    }
    try {
      const listing = session.client.listFootprints({
        ...(flags.filter !== undefined && session.client.pact === 2 ? { filter: flags.filter } : {}),
        ...(criteria !== undefined && session.client.pact === 3 ? { criteria } : {}),
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
  addPactOption(get);
  addOutputOptions(get, false);
  addProfileOption(get).addHelpText(
    "after",
    `
Examples:
  $ ileap footprints get 1860b074-7254-43e0-9d53-6a0715866916
  $ ileap footprints get 1860b074-7254-43e0-9d53-6a0715866916 --json | jq .pcf
  $ ileap footprints get 1860b074-7254-43e0-9d53-6a0715866916 --pact 3`,
  );
  get.action(async (id: string, flags: GetFlags) => {
    const session = await footprintSession(ctx, flags);
    let pf: AnyFootprint;
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
