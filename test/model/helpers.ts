/**
 * Test helper: the official schemas as kept in `../shared/reference/` (outside the package), and
 * an ajv instance that compiles them as they are, independently of `src/model/validate.ts`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/** Absolute path of a file under `/work/shared/reference/` (the repository's `../shared/reference`). */
export function referencePath(relative: string): string {
  return fileURLToPath(new URL(`../../../shared/reference/${relative}`, import.meta.url));
}

/** Absolute path of a file under `src/model/schemas/`. */
export function shippedPath(name: string): string {
  return fileURLToPath(new URL(`../../src/model/schemas/${name}`, import.meta.url));
}

/** Shipped schema file → reference file. */
export const SHIPPED_TO_REFERENCE: Readonly<Record<string, string>> = {
  "shipment-footprint.json": "ileap/schemas/shipment-footprint.json",
  "toc.json": "ileap/schemas/toc.json",
  "hoc.json": "ileap/schemas/hoc.json",
  "tad.json": "ileap/schemas/tad.json",
  "pcf-shipment-footprint.json": "ileap/schemas/pcf-shipment-footprint.json",
  "pcf-toc.json": "ileap/schemas/pcf-toc.json",
  "pcf-hoc.json": "ileap/schemas/pcf-hoc.json",
  "pcf-tad.json": "ileap/schemas/pcf-tad.json",
  "data-model-schema.json": "pact/v2/data-model-schema.json",
  "LICENSE-ileap": "ileap/schemas/LICENSE",
  "LICENSE-PACT": "pact/LICENSE.md",
};

type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

/** A fresh ajv (draft-07, allErrors, strict off) with the formats the official schemas use. */
export function referenceAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addFormat("uint", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= 0 });
  return ajv;
}

/** Compiles one reference schema file as it is. */
export function compileReference(ajv: Ajv, relative: string): ValidateFunction {
  return ajv.compile(JSON.parse(readFileSync(referencePath(relative), "utf8")) as object);
}

/** Marker for {@link edit}: remove the property. */
export const REMOVE = Symbol("remove");

/**
 * Returns a deep copy of `doc` with the value at a JSON Pointer replaced (or removed with
 * {@link REMOVE}). Intermediate containers must exist.
 */
export function edit<T>(doc: T, pointer: string, value: unknown): T {
  const copy = structuredClone(doc) as unknown;
  const tokens = pointer
    .split("/")
    .slice(1)
    .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
  const last = tokens.pop();
  if (last === undefined) throw new Error("cannot edit the root");
  let node = copy as Record<string, unknown>;
  for (const t of tokens) node = node[t] as Record<string, unknown>;
  if (value === REMOVE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy as T;
}

/** Applies several {@link edit}s in order. */
export function edits<T>(doc: T, changes: readonly [string, unknown][]): T {
  return changes.reduce((d, [p, v]) => edit(d, p, v), doc);
}
