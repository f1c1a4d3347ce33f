/**
 * Test helper: the official schemas as shipped in `src/model/schemas/` (byte-for-byte copies of the
 * iLEAP and PACT publications, pinned by SHA-256 below), and an ajv instance that compiles them as
 * they are, independently of `src/model/validate.ts`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/** Absolute path of a file under `src/model/schemas/`. */
export function shippedPath(name: string): string {
  return fileURLToPath(new URL(`../../src/model/schemas/${name}`, import.meta.url));
}

/**
 * SHA-256 of each official file as published (iLEAP v1.0.0 JSON Schemas of `sine-fdn/ileap-extension`
 * with their LICENSE; PACT v2 `data-model-schema.json` with the WBCSD licence). The shipped copies
 * must stay byte-identical to them: `src/model/schemas/README.md` forbids edits.
 */
export const OFFICIAL_SHA256: Readonly<Record<string, string>> = {
  "shipment-footprint.json": "3d740fdb0fa00c0085e4d269d2224013e08f12d79895dd88b2018c8e3ab9cdc5",
  "toc.json": "349789ab65da3ff875d028c75ddd4dcccc709abef1899584f96f5806a79875f5",
  "hoc.json": "c17e12b85242b3bfedefacf8eee122a4a49cab3be9b2ab5075b3e6778995e458",
  "tad.json": "03a8f277e04112e89e5869f51b194497cfdcfe5a06197f530a23706bcae20e8d",
  "pcf-shipment-footprint.json": "7a3f1f74c4df9d79093430c036b670abe0f5b41ab20155ba1d03f53517c74c57",
  "pcf-toc.json": "4994843b064c7cae26de5a54fab77ae602f493c5f96f982a4ace3c2b944009ef",
  "pcf-hoc.json": "0f4bdebf281ff2476af9d99b5def315edd9611d262b38aaa6a2e76c44d472ffd",
  "pcf-tad.json": "780e54a61b712ca8cab52da28bef8e190e86f13047f1eb85586f93f6c94e0108",
  "data-model-schema.json": "483e7db6588ea898fb37831abe4360bb3368a687d3b9bd847002374779900891",
  "LICENSE-ileap": "beb6c4f6dc50608c2050aa231d961da8bdbc98cc4ad650f14055cae13f8d83e7",
  "LICENSE-PACT": "64cf0531b078c289f54e6bf03ebb50dc1adaf8a02bc1e79f407d8e9e3c923a04",
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

/** Compiles one official schema file (by its name in `src/model/schemas/`) as it is. */
export function compileReference(ajv: Ajv, name: string): ValidateFunction {
  return ajv.compile(JSON.parse(readFileSync(shippedPath(name), "utf8")) as object);
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
