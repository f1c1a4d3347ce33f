/**
 * Output of list commands: a table for people, `--json` (one array) or `--ndjson` (one object per
 * line, streamed) for scripts; `--all` walks every page with a progress line on stderr.
 * @module
 */

import type { Command } from "commander";
import { Option } from "commander";
import type { Listing } from "../client/pagination.ts";
import type { CliContext } from "./context.ts";
import { CliError, EXIT } from "./exit-codes.ts";
import { type Column, formatJson, Progress, plural, renderTable } from "./output.ts";

/** How a command prints its result. */
export type OutputFormat = "table" | "json" | "ndjson";

/** Flags of {@link addOutputOptions}. */
export interface OutputFlags {
  readonly json?: boolean;
  readonly ndjson?: boolean;
}

/** Adds `--json` (and, for lists, `--ndjson`). */
export function addOutputOptions(cmd: Command, ndjson = true): Command {
  cmd.option("--json", "print JSON (for scripts)");
  if (ndjson) cmd.addOption(new Option("--ndjson", "print one JSON object per line").conflicts("json"));
  return cmd;
}

/** The format selected by the flags. */
export function outputFormat(flags: OutputFlags): OutputFormat {
  return flags.ndjson ? "ndjson" : flags.json ? "json" : "table";
}

/** Parses `--limit`: a positive integer. */
export function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new CliError(`--limit must be a positive integer, got ${JSON.stringify(value)}`, EXIT.usage);
  }
  return Number(value);
}

/** Options of {@link printListing}. */
export interface PrintListingOptions<T> {
  /** Walk every page (else: the first page only). */
  readonly all: boolean;
  readonly format: OutputFormat;
  readonly columns: readonly Column<T>[];
  /** Singular and plural noun, e.g. `["footprint", "footprints"]`. */
  readonly noun: readonly [string, string];
}

/** Fetches a listing (first page, or every page with `all`) and prints it in the chosen format. */
export async function printListing<T>(
  ctx: CliContext,
  listing: Listing<T>,
  options: PrintListingOptions<T>,
): Promise<void> {
  const { term } = ctx;
  const [one, many] = options.noun;
  const items: T[] = [];
  let more = false;
  const emit = (item: T) => {
    if (options.format === "ndjson") term.stdout.write(`${JSON.stringify(item)}\n`);
    else items.push(item);
  };
  let count = 0;
  if (options.all) {
    const progress = new Progress(term.stderr);
    let pages = 0;
    try {
      for await (const page of listing.pages()) {
        pages++;
        for (const item of page.data) emit(item);
        count += page.data.length;
        progress.update(`fetched ${plural(count, one, many)} (${plural(pages, "page")})…`);
      }
    } finally {
      progress.done();
    }
  } else {
    const page = await listing.page();
    for (const item of page.data) emit(item);
    count = page.data.length;
    more = page.nextUrl !== undefined;
  }
  if (options.format === "json") term.stdout.write(formatJson(items, term.stdout));
  if (options.format === "table") {
    if (count === 0) term.stderr.write(`no ${many} found\n`);
    else {
      const maxWidth = term.stdout.isTTY ? term.stdout.columns : undefined;
      term.stdout.write(
        renderTable(options.columns, items, { styles: term.out, ...(maxWidth ? { maxWidth } : {}) }),
      );
      term.stderr.write(`${term.err.dim(plural(count, one, many))}\n`);
    }
  }
  if (more) term.stderr.write(`${term.err.dim("more available: add --all to fetch every page")}\n`);
}
