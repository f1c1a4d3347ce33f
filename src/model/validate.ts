/**
 * Validators built from the official JSON Schemas (draft-07) shipped in `./schemas/`, plus our own
 * rule that documents never contain `null`. Each validator is compiled once, on first use.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import { footprintKind } from "./ileap-mapping.ts";
import type { IleapKind, ValidationIssue } from "./types.ts";

export type { ValidationIssue } from "./types.ts";

/** Names of the schema files shipped in `src/model/schemas/`. */
export type SchemaName =
  | "data-model-schema"
  | "shipment-footprint"
  | "toc"
  | "hoc"
  | "tad"
  | "pcf-shipment-footprint"
  | "pcf-toc"
  | "pcf-hoc"
  | "pcf-tad";

/** Rule id of the "never `null`" check. */
export const NO_NULL_RULE = "no-null";

/**
 * Validates a PACT v2 ProductFootprint against the PACT schema and, when it carries an iLEAP
 * extension (see `footprintKind`), also against the official iLEAP wrapper schema
 * (`pcf-shipment-footprint.json`, `pcf-toc.json`, `pcf-hoc.json`), which validates the iLEAP object
 * in `extensions[*].data`. Also rejects `null` anywhere. Semantic rules are in `ileap-rules.ts`.
 * @returns the issues found; empty when valid.
 */
export function validateProductFootprint(doc: unknown): ValidationIssue[] {
  const issues = [...nullIssues(doc), ...schemaIssues("data-model-schema", doc)];
  const kind = footprintKind(doc);
  if (kind !== "pcf") issues.push(...schemaIssues(WRAPPER[kind], doc));
  return finish(issues);
}

/** Validates a bare ShipmentFootprint (`shipment-footprint.json`) and rejects `null` anywhere. */
export function validateShipmentFootprint(data: unknown): ValidationIssue[] {
  return validateWith("shipment-footprint", data);
}

/** Validates a bare TOC (`toc.json`) and rejects `null` anywhere. */
export function validateToc(data: unknown): ValidationIssue[] {
  return validateWith("toc", data);
}

/** Validates a bare HOC (`hoc.json`) and rejects `null` anywhere. */
export function validateHoc(data: unknown): ValidationIssue[] {
  return validateWith("hoc", data);
}

/** Validates a TAD (`tad.json`) and rejects `null` anywhere. */
export function validateTad(data: unknown): ValidationIssue[] {
  return validateWith("tad", data);
}

/** Validates a bare iLEAP object of the given kind (dispatches to the functions above). */
export function validateIleapData(kind: IleapKind, data: unknown): ValidationIssue[] {
  return validateWith(kind, data);
}

/**
 * One issue per `null` found anywhere in `doc` (object properties and array elements), rule
 * `no-null`. Absent optional properties must be omitted, never `null`.
 */
export function nullIssues(doc: unknown, pointer = ""): ValidationIssue[] {
  // Fast path (imports validate millions of documents): no pointer strings unless there is a null.
  if (!containsNull(doc)) return [];
  const out: ValidationIssue[] = [];
  const walk = (value: unknown, at: string): void => {
    if (value === null) {
      out.push({
        pointer: at,
        message: "must not be null (omit absent optional properties)",
        value,
        rule: NO_NULL_RULE,
      });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        walk(v, `${at}/${i}`);
      });
    } else if (typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, `${at}/${escapePointer(k)}`);
    }
  };
  walk(doc, pointer);
  return out;
}

function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== "object") return false;
  if (Array.isArray(value)) {
    for (const v of value) if (containsNull(v)) return true;
    return false;
  }
  for (const k in value) if (containsNull((value as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * Schema issues only (no `null` check) of `doc` against one shipped schema.
 * @returns the issues; empty when valid.
 */
export function schemaIssues(schema: SchemaName, doc: unknown): ValidationIssue[] {
  return validator(schema)(doc);
}

/** Schema issues (no `null` check) of a document against one compiled schema; empty when valid. */
export type SchemaCheck = (doc: unknown) => ValidationIssue[];

/**
 * Compiles a JSON Schema (draft-07) document the way the shipped schemas are compiled: the same
 * formats (incl. the iLEAP `uint`), dangling `#/definitions/…` references aliased to a
 * case-insensitive match, and `null` alternatives dropped (documents never hold `null`; check
 * them with {@link nullIssues}). The document is not modified.
 * @throws Error when the schema does not compile.
 */
export function compileSchema(schema: object): SchemaCheck {
  const fn = ajv().compile(
    stripNullBranches(repairDanglingRefs(schema as Record<string, unknown>)) as object,
  );
  return (doc) => (fn(doc) ? [] : toIssues(fn.errors ?? []));
}

/** All shipped schema names. */
export const SCHEMA_NAMES: readonly SchemaName[] = [
  "data-model-schema",
  "shipment-footprint",
  "toc",
  "hoc",
  "tad",
  "pcf-shipment-footprint",
  "pcf-toc",
  "pcf-hoc",
  "pcf-tad",
];

/**
 * Compiles every validator now instead of on first use (e.g. at server start, so that the first
 * request does not pay for it). Calling it again does nothing.
 */
export function precompileValidators(): void {
  for (const name of SCHEMA_NAMES) validator(name);
}

/** Escapes one JSON Pointer reference token (RFC 6901). */
export function escapePointer(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

// ---------------------------------------------------------------------------------------------

const WRAPPER: Readonly<Record<IleapKind, SchemaName>> = {
  "shipment-footprint": "pcf-shipment-footprint",
  toc: "pcf-toc",
  hoc: "pcf-hoc",
};

function validateWith(schema: SchemaName, data: unknown): ValidationIssue[] {
  return finish([...nullIssues(data), ...schemaIssues(schema, data)]);
}

type FormatsPlugin = (ajv: Ajv) => Ajv;
// ajv-formats is CommonJS: at run time the default import is the plugin function itself.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

let ajvInstance: Ajv | undefined;
const compiled = new Map<SchemaName, SchemaCheck>();

function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  // strict off: the generated schemas use union types, `type` next to `anyOf`, and custom formats.
  const instance = new Ajv({ allErrors: true, strict: false, verbose: true });
  addFormats(instance); // date-time, uuid, int32, float, double, …
  instance.addFormat("uint", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= 0 });
  ajvInstance = instance;
  return instance;
}

function validator(name: SchemaName): SchemaCheck {
  let fn = compiled.get(name);
  if (!fn) {
    const text = readFileSync(new URL(`./schemas/${name}.json`, import.meta.url), "utf8");
    fn = compileSchema(JSON.parse(text) as object);
    compiled.set(name, fn);
  }
  return fn;
}

/**
 * The official `pcf-toc.json`, `pcf-hoc.json` and `pcf-tad.json` reference `#/definitions/Toc`
 * (`Hoc`, `Tad`) while defining `TOC` (`HOC`, `TAD`). We keep the files byte-identical and add, in
 * memory, an alias for every dangling local reference that matches a definition case-insensitively.
 */
function repairDanglingRefs(schema: Record<string, unknown>): Record<string, unknown> {
  const definitions = schema.definitions as Record<string, unknown> | undefined;
  if (!definitions) return schema;
  const refs = new Set<string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if (k === "$ref" && typeof v === "string" && v.startsWith("#/definitions/")) refs.add(v.slice(14));
        else collect(v);
      }
    }
  };
  collect(schema);
  const aliases: Record<string, unknown> = {};
  for (const ref of refs) {
    if (ref in definitions) continue;
    const target = Object.keys(definitions).find((d) => d.toLowerCase() === ref.toLowerCase());
    if (target) aliases[ref] = { $ref: `#/definitions/${target}` };
  }
  if (Object.keys(aliases).length === 0) return schema;
  return { ...schema, definitions: { ...definitions, ...aliases } };
}

/**
 * The schemas are generated from Rust: optional properties accept `null` through
 * `type: [T, "null"]` or `anyOf: [T, {type: "null"}]`. We never accept `null` (the no-null check
 * reports it), so the in-memory copy drops those branches: validity is unchanged for every
 * document we accept, and error reports lose the noise of the `null` alternatives.
 */
function stripNullBranches(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripNullBranches);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = stripNullBranches(v);
  if (Array.isArray(out.type) && out.type.includes("null")) {
    const rest = out.type.filter((t) => t !== "null");
    out.type = rest.length === 1 ? rest[0] : rest;
  }
  if (Array.isArray(out.anyOf)) {
    const isNull = (b: unknown) =>
      !!b &&
      typeof b === "object" &&
      Object.keys(b).length === 1 &&
      (b as { type?: unknown }).type === "null";
    const rest = out.anyOf.filter((b) => !isNull(b));
    if (rest.length !== out.anyOf.length) {
      delete out.anyOf;
      if (rest.length === 1 && Object.keys(out).length === 0) return rest[0];
      if (rest.length === 1) out.allOf = rest;
      else out.anyOf = rest;
    }
  }
  return out;
}

/**
 * Turns ajv errors into issues. A failed `anyOf`/`oneOf` is replaced by what its branches said:
 * when every branch only misses a property, one merged `required` issue; otherwise the branch
 * errors below the combinator's own level (a property that is present but wrong) win over the
 * `required` errors of the other branches. Branch errors are found as the contiguous run of errors
 * inside the combinator's instance location that ajv emits right before the combinator error.
 * Errors on `null` values are left to the no-null check.
 */
function toIssues(errors: readonly ErrorObject[]): ValidationIssue[] {
  const dropped = new Set<number>();
  const merged = new Map<number, ValidationIssue>();
  const within = (e: ErrorObject, at: string): boolean =>
    e.instancePath === at || e.instancePath.startsWith(`${at}/`);
  errors.forEach((comb, k) => {
    if (comb.keyword !== "anyOf" && comb.keyword !== "oneOf") return;
    const at = comb.instancePath;
    const children: number[] = [];
    for (let j = k - 1; j >= 0 && within(errors[j]!, at); j--) children.unshift(j);
    const alive = children.filter((j) => !dropped.has(j) && errors[j]!.data !== null);
    if (alive.length === 0) {
      if (comb.data === null || children.length > 0) dropped.add(k);
      return; // no branch errors: e.g. a oneOf that matched several branches
    }
    dropped.add(k);
    const shallowRequired = (j: number) =>
      errors[j]!.keyword === "required" && errors[j]!.instancePath === at;
    if (alive.every(shallowRequired)) {
      const names = [...new Set(alive.map((j) => String(errors[j]!.params.missingProperty)))];
      for (const j of alive) dropped.add(j);
      const quantifier = comb.keyword === "oneOf" ? "exactly" : "at least";
      merged.set(k, {
        pointer: at,
        message: `must have ${quantifier} one of the properties ${names.map((n) => `'${n}'`).join(", ")}`,
        value: comb.data,
        rule: "schema.required",
      });
    } else if (alive.some((j) => errors[j]!.instancePath !== at)) {
      for (const j of alive) if (shallowRequired(j)) dropped.add(j);
    }
  });
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  const issues: ValidationIssue[] = [];
  errors.forEach((e, k) => {
    const m = merged.get(k);
    if (m) issues.push(m);
    if (dropped.has(k) || e.data === null) return;
    if (e.keyword === "format" && typeErrorAt.has(e.instancePath)) return; // the type error says it
    issues.push(toIssue(e));
  });
  return issues;
}

function toIssue(e: ErrorObject): ValidationIssue {
  const rule = `schema.${e.keyword.replaceAll(" ", "-")}`;
  if (e.keyword === "required") {
    const prop = String(e.params.missingProperty);
    return { pointer: `${e.instancePath}/${escapePointer(prop)}`, message: "is required", rule };
  }
  let message = e.message ?? "is invalid";
  if (e.keyword === "type") {
    const types = ([] as unknown[]).concat(e.params.type).filter((t) => t !== "null");
    message = `must be ${types.join(" or ")}`;
  } else if (e.keyword === "false schema") {
    message = "must not be present together with the other properties (e.g. at most one geography property)";
  } else if (e.keyword === "enum") {
    message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")} (case-exact)`;
  } else if (e.keyword === "pattern") {
    message = `must match pattern ${String(e.params.pattern)}`;
  }
  return { pointer: e.instancePath, message, value: e.data, rule };
}

/** Dedupes (same pointer, rule and message) and sorts by pointer, keeping the order otherwise. */
function finish(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.pointer}\u0000${i.rule}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) =>
      a.issue.pointer < b.issue.pointer ? -1 : a.issue.pointer > b.issue.pointer ? 1 : a.index - b.index,
    )
    .map((x) => x.issue);
}
