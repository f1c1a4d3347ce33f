/**
 * The JSON Schema validators of a run: by default the model's validators of the shipped official
 * schemas (`src/model/validate.ts`); otherwise schemas given as parsed documents or a directory,
 * compiled the same way by the model's `compileSchema`.
 * @module
 */
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ValidationIssue } from "../model/types.ts";
import { validateV3Footprint } from "../model/v3/validate.ts";
import {
  compileSchema,
  type SchemaName as ModelSchemaName,
  type SchemaCheck,
  schemaIssues,
} from "../model/validate.ts";
import type { ConformanceSchemaSet } from "./types.ts";

/** Which schema to validate against. */
export type SchemaName = keyof ConformanceSchemaSet;

/** The schemas every set has (the v3 one is optional in a given set). */
type V2SchemaName = Exclude<SchemaName, "productFootprintV3">;

/** The shipped schema of the model that each conformance schema name stands for. */
const MODEL_SCHEMA: Readonly<Record<V2SchemaName, ModelSchemaName>> = {
  productFootprint: "data-model-schema",
  shipmentFootprint: "shipment-footprint",
  toc: "toc",
  hoc: "hoc",
  tad: "tad",
};

/** File name of each schema in a schema directory (the names of the shipped copies). */
export const SCHEMA_FILES: Readonly<Record<SchemaName, string>> = {
  productFootprint: `${MODEL_SCHEMA.productFootprint}.json`,
  shipmentFootprint: `${MODEL_SCHEMA.shipmentFootprint}.json`,
  toc: `${MODEL_SCHEMA.toc}.json`,
  hoc: `${MODEL_SCHEMA.hoc}.json`,
  tad: `${MODEL_SCHEMA.tad}.json`,
  productFootprintV3: "pact-v3-product-footprint.json",
};

const NAMES = Object.keys(MODEL_SCHEMA) as V2SchemaName[];

/**
 * The shipped v3 check: the v3 schema plus the model's v3 rules (validity period, DQR range,
 * `specVersion` 3.x, the iLEAP extension's data).
 */
const shippedV3 = (value: unknown) => validateV3Footprint(value);

/** Validates values against the schemas of a run. */
export interface SchemaValidators {
  /** Schema issues of `value` against schema `name` (no `null` check), pointers relative to `value`. */
  validate(name: SchemaName, value: unknown): ValidationIssue[];
}

/** The model's validators of the shipped schemas. */
const SHIPPED: SchemaValidators = {
  validate: (name, value) =>
    name === "productFootprintV3" ? shippedV3(value) : schemaIssues(MODEL_SCHEMA[name], value),
};

function compileSet(set: ConformanceSchemaSet): SchemaValidators {
  const checks = new Map<SchemaName, SchemaCheck>(NAMES.map((name) => [name, compileSchema(set[name])]));
  if (set.productFootprintV3 !== undefined)
    checks.set("productFootprintV3", compileSchema(set.productFootprintV3));
  return {
    validate: (name, value) => {
      const check = checks.get(name);
      return check ? check(value) : shippedV3(value);
    },
  };
}

function loadDir(dir: URL): ConformanceSchemaSet {
  const read = (name: SchemaName): object => {
    const url = new URL(SCHEMA_FILES[name], dir);
    try {
      return JSON.parse(readFileSync(url, "utf8")) as object;
    } catch (err) {
      throw new Error(`cannot load JSON Schema ${fileURLToPath(url)}: ${(err as Error).message}`);
    }
  };
  const v3Url = new URL(SCHEMA_FILES.productFootprintV3, dir);
  let productFootprintV3: object | undefined;
  try {
    productFootprintV3 = JSON.parse(readFileSync(v3Url, "utf8")) as object;
  } catch {
    productFootprintV3 = undefined; // optional in a directory: the shipped v3 check applies
  }
  return {
    ...(productFootprintV3 !== undefined ? { productFootprintV3 } : {}),
    productFootprint: read("productFootprint"),
    shipmentFootprint: read("shipmentFootprint"),
    toc: read("toc"),
    hoc: read("hoc"),
    tad: read("tad"),
  };
}

const byDir = new Map<string, SchemaValidators>();
const bySet = new WeakMap<ConformanceSchemaSet, SchemaValidators>();

/**
 * Validators for a schema source: parsed documents, or a directory path / file URL holding the
 * files of {@link SCHEMA_FILES}; each source is compiled once. Default: the model's validators of
 * the schemas shipped in `src/model/schemas/`. Throws when a schema file is missing or does not
 * compile.
 */
export function loadSchemaValidators(source?: ConformanceSchemaSet | string | URL): SchemaValidators {
  if (source === undefined) return SHIPPED;
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
