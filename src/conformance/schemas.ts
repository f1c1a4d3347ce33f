/**
 * Validators built from the official JSON Schemas (PACT v2 data model, iLEAP ShipmentFootprint,
 * TOC, HOC, TAD). Each schema is compiled once per source.
 * @module
 */
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";
import type { ConformanceSchemaSet } from "./types.ts";

/** Which schema to validate against. */
export type SchemaName = keyof ConformanceSchemaSet;

/** File name of each schema in a schema directory. */
export const SCHEMA_FILES: Readonly<Record<SchemaName, string>> = {
  productFootprint: "data-model-schema.json",
  shipmentFootprint: "shipment-footprint.json",
  toc: "toc.json",
  hoc: "hoc.json",
  tad: "tad.json",
};

/** Default schema directory: the copies shipped in `src/model/schemas/`. */
export const DEFAULT_SCHEMA_DIR = new URL("../model/schemas/", import.meta.url);

/** Validates a value against one schema; returns problems (empty when valid). */
export interface SchemaValidators {
  /**
   * Problems of `value` against schema `name`, each `"<JSON pointer> <message>"` with the pointer
   * prefixed by `basePointer` (default `""`). At most `maxErrors` (default 5) plus a count of the rest.
   */
  validate(name: SchemaName, value: unknown, basePointer?: string, maxErrors?: number): string[];
}

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the
// module object, so take the callable from whichever shape arrives.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  typeof addFormatsPlugin === "function"
    ? (addFormatsPlugin as unknown as FormatsPlugin)
    : (addFormatsPlugin as unknown as { default: FormatsPlugin }).default;

function formatError(e: ErrorObject, basePointer: string): string {
  const at = `${basePointer}${e.instancePath}` || "/";
  let detail = e.message ?? "is invalid";
  if (e.keyword === "enum" && Array.isArray(e.params.allowedValues)) {
    detail += ` (${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")})`;
  } else if (e.keyword === "additionalProperties" && typeof e.params.additionalProperty === "string") {
    detail += ` (${JSON.stringify(e.params.additionalProperty)})`;
  }
  return `${at} ${detail}`;
}

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  // Non-standard formats of the Rust-generated iLEAP schemas.
  ajv.addFormat("uint", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= 0 });
  ajv.addFormat("double", { type: "number", validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat("float", { type: "number", validate: (n: number) => Number.isFinite(n) });
  return ajv;
}

function compileSet(set: ConformanceSchemaSet): SchemaValidators {
  const ajv = createAjv();
  const compiled = new Map<SchemaName, ValidateFunction>();
  for (const name of Object.keys(SCHEMA_FILES) as SchemaName[]) {
    compiled.set(name, ajv.compile(set[name]));
  }
  return {
    validate(name, value, basePointer = "", maxErrors = 5) {
      const fn = compiled.get(name);
      if (!fn) throw new Error(`unknown schema ${name}`);
      if (fn(value)) return [];
      const errors = fn.errors ?? [];
      // anyOf branches of optional fields (`{"type": "null"}`) and the anyOf/oneOf summaries only
      // repeat what the branch errors say: drop them when something more specific remains.
      const specific = errors.filter(
        (e) =>
          e.keyword !== "anyOf" &&
          e.keyword !== "oneOf" &&
          !(e.keyword === "type" && e.params.type === "null"),
      );
      const kept = specific.length > 0 ? specific : errors;
      // The missing properties of one object are reported in one message.
      const missing = new Map<string, string[]>();
      for (const e of kept) {
        if (e.keyword === "required" && typeof e.params.missingProperty === "string") {
          const at = `${basePointer}${e.instancePath}` || "/";
          missing.set(at, [...(missing.get(at) ?? []), e.params.missingProperty]);
        }
      }
      const messages = kept.map((e) => {
        if (e.keyword !== "required") return formatError(e, basePointer);
        const at = `${basePointer}${e.instancePath}` || "/";
        const names = missing.get(at) ?? [];
        const noun = names.length > 1 ? "properties" : "property";
        return `${at} is missing required ${noun} ${names.map((n) => JSON.stringify(n)).join(", ")}`;
      });
      const unique = [...new Set(messages)];
      const shown = unique.slice(0, maxErrors);
      if (unique.length > maxErrors) shown.push(`… and ${unique.length - maxErrors} more schema errors`);
      return shown;
    },
  };
}

function loadDir(dir: URL): ConformanceSchemaSet {
  const read = (file: string): object => {
    const url = new URL(file, dir);
    try {
      return JSON.parse(readFileSync(url, "utf8")) as object;
    } catch (err) {
      throw new Error(`cannot load JSON Schema ${fileURLToPath(url)}: ${(err as Error).message}`);
    }
  };
  return {
    productFootprint: read(SCHEMA_FILES.productFootprint),
    shipmentFootprint: read(SCHEMA_FILES.shipmentFootprint),
    toc: read(SCHEMA_FILES.toc),
    hoc: read(SCHEMA_FILES.hoc),
    tad: read(SCHEMA_FILES.tad),
  };
}

const byDir = new Map<string, SchemaValidators>();
const bySet = new WeakMap<ConformanceSchemaSet, SchemaValidators>();

/**
 * Validators for a schema source: parsed documents, or a directory path / file URL.
 * Default: {@link DEFAULT_SCHEMA_DIR}. Throws when a schema file is missing or does not compile.
 */
export function loadSchemaValidators(
  source: ConformanceSchemaSet | string | URL = DEFAULT_SCHEMA_DIR,
): SchemaValidators {
  if (typeof source === "string" || source instanceof URL) {
    let dir = typeof source === "string" ? pathToFileURL(source) : source;
    if (!dir.href.endsWith("/")) dir = new URL(`${dir.href}/`);
    const cached = byDir.get(dir.href);
    if (cached) return cached;
    const validators = compileSet(loadDir(dir));
    byDir.set(dir.href, validators);
    return validators;
  }
  const cached = bySet.get(source);
  if (cached) return cached;
  const validators = compileSet(source);
  bySet.set(source, validators);
  return validators;
}
