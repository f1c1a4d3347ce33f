/**
 * `/openapi.json` as served is a valid OpenAPI 3.1 document: the official 3.1 JSON Schema (through
 * `@seriousme/openapi-schema-validator`), and the Reference Object rule that schema leaves open —
 * "This object cannot be extended with additional properties" (OpenAPI 3.1.0 §4.8.23): outside
 * Schema Objects (where JSON Schema 2020-12 allows siblings) a `$ref` stands with at most
 * `summary` and `description`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

type Json = { [key: string]: unknown };

/** JSON pointers of Reference Objects (outside Schema Objects) that carry other properties. */
function refSiblings(node: unknown, path = ""): string[] {
  if (node === null || typeof node !== "object") return [];
  if (Array.isArray(node)) return node.flatMap((v, i) => refSiblings(v, `${path}/${i}`));
  const obj = node as Json;
  const found: string[] = [];
  if ("$ref" in obj) {
    const extra = Object.keys(obj).filter((k) => !["$ref", "summary", "description"].includes(k));
    if (extra.length > 0) found.push(`${path} (${extra.join(", ")})`);
  }
  for (const [key, value] of Object.entries(obj)) {
    if (key === "schema" || (key === "schemas" && path === "/components")) continue; // JSON Schema
    found.push(...refSiblings(value, `${path}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`));
  }
  return found;
}

async function served(server: RunningDemoServer): Promise<Json> {
  const res = await fetch(`${server.baseUrl}/openapi.json`);
  assert.equal(res.status, 200);
  return (await res.json()) as Json;
}

describe("/openapi.json", () => {
  let server: RunningDemoServer;
  before(async () => {
    server = await startDemoServer();
  });
  after(() => server.close());

  it("passes the official OpenAPI 3.1 schema", async () => {
    const doc = await served(server);
    assert.match(String(doc.openapi), /^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.equal(validator.version, "3.1");
    assert.deepEqual(result.errors ?? [], [], JSON.stringify(result.errors, null, 1));
    assert.equal(result.valid, true);
  });

  it("puts nothing beside a Reference Object's $ref (headers, responses, parameters)", async () => {
    assert.deepEqual(refSiblings(await served(server)), []);
  });

  it("both checks can fail", async () => {
    const doc = await served(server);
    const paths = doc.paths as Record<string, Record<string, { responses: Record<string, Json> }>>;
    const first = Object.values(Object.values(paths)[0]!)[0]!;
    const response = Object.values(first.responses)[0]!;
    response.headers = { ...(response.headers as Json), "X-Broken": { $ref: "#/x", required: true } };
    assert.equal(refSiblings(doc).length, 1);
    first.responses["200"] = { content: {} }; // a response without its required description
    assert.equal((await new Validator().validate(doc)).valid, false);
  });
});
