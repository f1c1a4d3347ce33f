/**
 * Checks recorded HTTP exchanges against our OpenAPI document (`src/http/openapi.ts`) with ajv
 * (JSON Schema 2020-12, as OpenAPI 3.1 uses): documented path and method, documented status,
 * documented content type and body schema (or an empty body when none is documented), required
 * and documented response headers.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { OpenApiDocument } from "../../src/http/openapi.ts";

/** One request and its answer, as seen on the server side. */
export interface Exchange {
  readonly method: string;
  /** Path below the API base URL (no prefix), without the query. */
  readonly path: string;
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

type Json = { [key: string]: unknown };

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

/** A compiled view of the document. */
export class OpenApiValidator {
  readonly #ajv: Ajv2020;
  readonly #doc: OpenApiDocument;
  readonly #routes: { template: string; pattern: RegExp }[];

  constructor(doc: OpenApiDocument) {
    this.#doc = doc;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    this.#ajv.addSchema(doc as object, "openapi");
    this.#routes = Object.keys(doc.paths as Json).map((template) => ({
      template,
      pattern: new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`,
      ),
    }));
  }

  /** The documented operation of an exchange, or `undefined` (an unrouted request). */
  operation(method: string, path: string): { template: string; method: string } | undefined {
    const route = this.#routes.find((r) => r.pattern.test(path));
    if (!route) return undefined;
    const ops = (this.#doc.paths as Json)[route.template] as Json;
    const m = method.toLowerCase();
    return ops[m] ? { template: route.template, method: m } : undefined;
  }

  #validate(ref: string, value: unknown): string[] {
    const check = this.#ajv.getSchema(`openapi#/${ref}`);
    if (!check) return [`no schema at ${ref}`];
    if (check(value)) return [];
    return (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
  }

  #resolve(node: Json): Json {
    const r = node.$ref;
    if (typeof r !== "string") return node;
    let target: unknown = this.#doc;
    for (const part of r.replace(/^#\//, "").split("/"))
      target = (target as Json)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
    return target as Json;
  }

  /** Problems of one exchange against the document (empty when it conforms). */
  check(x: Exchange): string[] {
    const op = this.operation(x.method, x.path);
    if (!op) {
      // Not an API operation: only our catch-all 404 may answer it.
      const body = safeJson(x.body) as Json | undefined;
      return x.status === 404 && body?.code === "NotFound"
        ? []
        : [`undocumented ${x.method} ${x.path} answered ${x.status}`];
    }
    const where = `${x.method} ${x.path} → ${x.status}`;
    const responses = ((this.#doc.paths as Json)[op.template] as Json)[op.method] as Json;
    const table = responses.responses as Json;
    const key = String(x.status) in table ? String(x.status) : "default" in table ? "default" : undefined;
    if (key === undefined)
      return [`${where}: status not documented (documented: ${Object.keys(table).join(", ")})`];
    const response = this.#resolve(table[key] as Json);
    const problems: string[] = [];
    const content = response.content as Json | undefined;
    const mediaType = (x.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (!content) {
      if (x.body !== "")
        problems.push(`${where}: body ${JSON.stringify(x.body.slice(0, 80))} where none is documented`);
    } else if (!(mediaType in content)) {
      problems.push(
        `${where}: content type ${JSON.stringify(mediaType)} not documented (${Object.keys(content).join(", ")})`,
      );
    } else {
      const value = safeJson(x.body);
      if (value === undefined) problems.push(`${where}: body is not JSON: ${x.body.slice(0, 80)}`);
      else {
        const ref = pointer(
          "paths",
          op.template,
          op.method,
          "responses",
          key,
          "content",
          mediaType,
          "schema",
        );
        for (const p of this.#validate(ref, value)) problems.push(`${where}: body ${p}`);
      }
    }
    for (const [name, spec] of Object.entries((response.headers as Json | undefined) ?? {})) {
      const header = spec as Json;
      const value = x.headers[name.toLowerCase()];
      const resolved = this.#resolve(header);
      if (value === undefined) {
        if (resolved.required === true) problems.push(`${where}: required header ${name} missing`);
        continue;
      }
      const schemaRef =
        typeof header.$ref === "string"
          ? `${(header.$ref as string).replace(/^#\//, "")}/schema`
          : pointer("paths", op.template, op.method, "responses", key, "headers", name, "schema");
      if (resolved.schema === undefined) continue;
      for (const p of this.#validate(schemaRef, value))
        problems.push(`${where}: header ${name}: ${JSON.stringify(value)} ${p}`);
    }
    return problems;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
