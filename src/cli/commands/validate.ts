/**
 * `ileap validate FILE…`: checks ProductFootprints (PACT v2, or v3 when `specVersion` is 3.x),
 * iLEAP ShipmentFootprints, TOCs, HOCs and TAD against the official JSON Schemas and the PACT/iLEAP
 * rules, reporting each problem with its JSON path. Files hold one document, an array, an API
 * response (`{"data": …}`) or NDJSON.
 * @module
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { Option } from "commander";
import type { ProductFootprint, TAD, ValidationIssue } from "../../model/types.ts";
import type { CliContext } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { formatJson, plural } from "../output.ts";
import { readStdin } from "../secrets.ts";

/** Document types `validate` knows (`footprint` = PACT v2, `footprint-v3` = PACT v3.0). */
export const DOCUMENT_TYPES = [
  "footprint",
  "footprint-v3",
  "shipment-footprint",
  "toc",
  "hoc",
  "tad",
] as const;
/** One of {@link DOCUMENT_TYPES}. */
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** A document found in a file. */
interface Doc {
  readonly value: unknown;
  /** JSONPath of the document within its file (`$`, `$[3]`, `$.data[0]`). */
  readonly path: string;
  /** 1-based line for NDJSON input. */
  readonly line?: number;
}

/** One reported problem. */
export interface ReportedIssue {
  readonly file: string;
  /** 1-based line (NDJSON input only). */
  readonly line?: number;
  /** JSONPath of the offending value in the file's document (e.g. `$[1].pcf.declaredUnit`). */
  readonly path: string;
  /** JSON Pointer of the offending value relative to the document (RFC 6901). */
  readonly pointer: string;
  readonly message: string;
  readonly rule: string;
  /** `should`: a SHOULD of the specs or a policy of this package; `must` otherwise. */
  readonly level: "must" | "should";
  /** The document type it was checked as. */
  readonly type?: DocumentType;
}

/** Per-file result. */
interface FileResult {
  readonly file: string;
  readonly documents: number;
  readonly issues: ReportedIssue[];
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JSON Pointer (RFC 6901) appended to a JSONPath: `/pcf/0/x` → `$.pcf[0].x`. */
export function pointerToPath(pointer: string, base = "$"): string {
  if (pointer === "") return base;
  let path = base;
  for (const raw of pointer.slice(1).split("/")) {
    const token = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (/^(0|[1-9]\d*)$/.test(token)) path += `[${token}]`;
    else if (IDENTIFIER.test(token)) path += `.${token}`;
    else path += `[${JSON.stringify(token)}]`;
  }
  return path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The type of a document, by its members; `undefined` when it is none of the known ones. A
 * footprint whose `specVersion` is `3.x.y` is a PACT v3 footprint, any other a v2 one.
 */
export function detectType(doc: unknown): DocumentType | undefined {
  if (!isRecord(doc)) return undefined;
  if ("pcf" in doc || "specVersion" in doc) {
    return typeof doc.specVersion === "string" && /^3\./.test(doc.specVersion) ? "footprint-v3" : "footprint";
  }
  if ("activityId" in doc) return "tad";
  if ("tces" in doc || "shipmentId" in doc) return "shipment-footprint";
  if ("tocId" in doc) return "toc";
  if ("hocId" in doc) return "hoc";
  return undefined;
}

/** Splits a file's text into documents, or returns the parse problem. */
function documentsOf(
  text: string,
  ndjson: boolean,
): { docs: Doc[]; problems: Omit<ReportedIssue, "file">[] } {
  const problems: Omit<ReportedIssue, "file">[] = [];
  if (text.trim() === "") {
    return {
      docs: [],
      problems: [{ path: "$", pointer: "", message: "the file is empty", rule: "json", level: "must" }],
    };
  }
  if (!ndjson) {
    try {
      const value: unknown = JSON.parse(text);
      return { docs: unwrap(value), problems };
    } catch (err) {
      // More than one line: perhaps NDJSON; else report the JSON error.
      if (text.trim().split(/\r?\n/).length < 2) {
        return {
          docs: [],
          problems: [
            {
              path: "$",
              pointer: "",
              message: `not JSON: ${(err as Error).message}`,
              rule: "json",
              level: "must",
            },
          ],
        };
      }
    }
  }
  const docs: Doc[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      docs.push({ value: JSON.parse(line), path: "$", line: i + 1 });
    } catch (err) {
      problems.push({
        line: i + 1,
        path: "$",
        pointer: "",
        message: `not JSON: ${(err as Error).message}`,
        rule: "json",
        level: "must",
      });
    }
  });
  return { docs, problems };
}

/** A parsed file's documents: an array's elements, an API response's `data`, or the value itself. */
function unwrap(value: unknown): Doc[] {
  if (Array.isArray(value)) return value.map((v, i) => ({ value: v, path: `$[${i}]` }));
  if (isRecord(value) && "data" in value && detectType(value) === undefined) {
    const data = value.data;
    if (Array.isArray(data)) return data.map((v, i) => ({ value: v, path: `$.data[${i}]` }));
    return [{ value: data, path: "$.data" }];
  }
  return [{ value, path: "$" }];
}

interface ValidateFlags {
  readonly type?: DocumentType;
  readonly set?: boolean;
  readonly json?: boolean;
}

function readInput(file: string): Promise<string> {
  if (file === "-") return readStdin();
  try {
    return Promise.resolve(readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EISDIR") {
      throw new CliError(
        `${file} is a directory: validate takes files (JSON, NDJSON) or - for stdin`,
        EXIT.usage,
        `name the files, e.g. ileap validate ${file.replace(/\/+$/, "")}/*.json`,
      );
    }
    throw new CliError(
      `cannot read ${file}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`,
      EXIT.usage,
    );
  }
}

/** Registers `validate`. */
export function registerValidateCommand(program: Command, ctx: CliContext): void {
  program
    .command("validate")
    .description("validate footprints / iLEAP objects / TAD against the official schemas and iLEAP rules")
    .argument("<files...>", "JSON or NDJSON files ('-' for stdin)")
    .addOption(
      new Option("--type <type>", "document type (default: detected per document)").choices(DOCUMENT_TYPES),
    )
    .option("--set", "also check rules across all documents (referenced TOCs/HOCs present, unique TAD ids)")
    .option("--json", "print the report as JSON")
    .addHelpText(
      "after",
      `
A file holds one document, an array of documents, an API response ({"data": …}) or NDJSON (one
document per line). Types are detected: ProductFootprint (pcf; PACT v3.0 when specVersion is 3.x,
checked against the v3 schema and rules, else PACT v2), TAD (activityId), bare
ShipmentFootprint (tces), TOC (tocId), HOC (hocId). Every problem is printed with its JSON path;
"should" marks SHOULD-level rules and policies (they fail validation too, as they fail imports).
Exit code 0 when every document is valid, 1 when not, 2 when a file cannot be read.

Examples:
  $ ileap validate footprint.json
  $ ileap validate --set export.ndjson
  $ ileap footprints list --all --json | ileap validate --set -
  $ ileap validate --type tad --json tad/*.json`,
    )
    .action(async (files: string[], flags: ValidateFlags) => {
      const { term } = ctx;
      // Loaded on use: the JSON Schema validators are compiled only when something is validated.
      const { checkDocument, footprintSetRules, tadSetRules } = await import("../validation.ts");
      const results: FileResult[] = [];
      const footprints: { doc: ProductFootprint; file: string; at: Doc }[] = [];
      const tads: { doc: TAD; file: string; at: Doc }[] = [];
      for (const file of files) {
        const text = await readInput(file);
        const ndjson = /\.(ndjson|jsonl)$/i.test(file);
        const { docs, problems } = documentsOf(text, ndjson);
        const label = file === "-" ? "<stdin>" : file;
        const issues: ReportedIssue[] = problems.map((p) => ({ file: label, ...p }));
        for (const d of docs) {
          const type = flags.type ?? detectType(d.value);
          const found: ValidationIssue[] =
            type === undefined
              ? [
                  {
                    pointer: "",
                    rule: "type",
                    message:
                      "cannot tell the document type: expected a ProductFootprint, ShipmentFootprint, TOC, HOC or TAD (use --type)",
                  },
                ]
              : checkDocument(type, d.value);
          for (const i of found) issues.push(report(label, d, i, type));
          // v3 footprints carry the same iLEAP extension: the set rules (referenced TOCs/HOCs) apply.
          if (type === "footprint" || type === "footprint-v3")
            footprints.push({ doc: d.value as ProductFootprint, file: label, at: d });
          if (type === "tad") tads.push({ doc: d.value as TAD, file: label, at: d });
        }
        results.push({ file: label, documents: docs.length, issues });
      }
      if (flags.set) {
        const setIssues: [typeof footprints | typeof tads, ValidationIssue[], DocumentType][] = [
          [footprints, footprintSetRules(footprints.map((f) => f.doc)), "footprint"],
          [tads, tadSetRules(tads.map((t) => t.doc)), "tad"],
        ];
        for (const [list, found, type] of setIssues) {
          for (const issue of found) {
            const [, index, ...rest] = issue.pointer.split("/");
            const entry = list[Number(index)];
            if (entry === undefined) continue;
            const result = results.find((r) => r.file === entry.file);
            result?.issues.push(
              report(
                entry.file,
                entry.at,
                { ...issue, pointer: rest.length ? `/${rest.join("/")}` : "" },
                type,
              ),
            );
          }
        }
      }
      const documents = results.reduce((n, r) => n + r.documents, 0);
      const allIssues = results.flatMap((r) => r.issues);
      const valid = allIssues.length === 0;
      if (flags.json) {
        term.stdout.write(formatJson({ valid, documents, files: results }, term.stdout));
      } else {
        for (const r of results) {
          const ok = r.issues.length === 0;
          const head = ok
            ? `${term.out.green("✓")} ${r.file}: ${plural(r.documents, "document")} valid`
            : `${term.out.red("✗")} ${r.file}: ${plural(r.issues.length, "problem")} in ${plural(r.documents, "document")}`;
          term.stdout.write(`${head}\n`);
          for (const i of r.issues) {
            const where = `${i.line !== undefined ? `line ${i.line}: ` : ""}${i.path}`;
            const level = i.level === "should" ? term.out.yellow(" [should]") : "";
            term.stdout.write(
              `  ${term.out.bold(where)}: ${i.message} ${term.out.dim(`(${i.rule})`)}${level}\n`,
            );
          }
        }
        if (files.length > 1) {
          term.stdout.write(
            `${valid ? "all valid" : `${plural(allIssues.length, "problem")}`}: ${plural(documents, "document")} in ${plural(files.length, "file")}\n`,
          );
        }
      }
      if (!valid) process.exitCode = EXIT.failure;
    });
}

function report(
  file: string,
  doc: Doc,
  issue: ValidationIssue,
  type: DocumentType | undefined,
): ReportedIssue {
  return {
    file,
    ...(doc.line !== undefined ? { line: doc.line } : {}),
    path: pointerToPath(issue.pointer, doc.path),
    pointer: issue.pointer,
    message: issue.message,
    rule: issue.rule,
    level: issue.level === "should" ? "should" : "must",
    ...(type !== undefined ? { type } : {}),
  };
}
