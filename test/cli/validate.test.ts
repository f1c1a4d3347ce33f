/** `ileap validate` as a child process: JSON, arrays, API responses, NDJSON, stdin, --set, JSON paths, exit codes. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { pointerToPath } from "../../src/cli/commands/validate.ts";
import { ileapExtension } from "../../src/model/ileap-mapping.ts";
import { DEMO_FOOTPRINT_IDS, demoFootprints, demoTad } from "../../src/testing/demo-data.ts";
import { runCli } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "ileap-validate-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

const docs = demoFootprints().map((f) => f.document);
const byId = (id: string) => structuredClone(docs.find((d) => d.id === id)!);

interface Report {
  valid: boolean;
  documents: number;
  files: {
    file: string;
    documents: number;
    issues: { path: string; pointer: string; rule: string; line?: number }[];
  }[];
}

describe("ileap validate", () => {
  it("accepts valid documents in every container format, exit 0", async () => {
    const single = file("single.json", byId(DEMO_FOOTPRINT_IDS.sfRoad));
    const array = file("array.json", docs);
    const response = file("response.json", { data: docs.slice(0, 3) });
    const ndjson = file(
      "tad.ndjson",
      `${demoTad()
        .map((t) => JSON.stringify(t))
        .join("\n")}\n`,
    );
    const sfData = ileapExtension(byId(DEMO_FOOTPRINT_IDS.sfMultimodal))!.extension.data;
    const tocData = ileapExtension(byId(DEMO_FOOTPRINT_IDS.tocSea))!.extension.data;
    const hocData = ileapExtension(byId(DEMO_FOOTPRINT_IDS.hocDuisburg))!.extension.data;
    const bare = file("bare.json", [sfData, tocData, hocData]);
    const r = await runCli(["validate", "--set", array, single, response, ndjson, bare]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /✓ .*array\.json: 12 documents valid/);
    assert.match(r.stdout, /✓ .*tad\.ndjson: 22 documents valid/);
    assert.match(r.stdout, /✓ .*bare\.json: 3 documents valid/);
    assert.match(r.stdout, /all valid: 41 documents in 5 files/);
  });

  it("reports each problem with its JSON path and exits 1", async () => {
    const broken = byId(DEMO_FOOTPRINT_IDS.pcfBox) as unknown as Record<string, Record<string, unknown>>;
    broken.pcf!.declaredUnit = "parsec";
    (broken as Record<string, unknown>).comment = null;
    const tad = structuredClone(demoTad()[0]!) as unknown as Record<string, unknown>;
    tad.mode = "Teleport";
    const f1 = file("broken.json", [byId(DEMO_FOOTPRINT_IDS.tocSea), broken, { hello: "world" }]);
    const f2 = file("broken.ndjson", `${JSON.stringify(demoTad()[1])}\n${JSON.stringify(tad)}\n{not json\n`);
    const r = await runCli(["validate", f1, f2]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✗ .*broken\.json: 3 problems in 3 documents/);
    assert.match(r.stdout, /\$\[1\]\.pcf\.declaredUnit: .*\(schema\.enum\)/);
    assert.match(r.stdout, /\$\[1\]\.comment: must not be null/);
    assert.match(r.stdout, /\$\[2\]: cannot tell the document type/);
    assert.match(r.stdout, /line 2: \$\.mode: /);
    assert.match(r.stdout, /line 3: \$: not JSON/);
    const json = await runCli(["validate", "--json", f1, f2]);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as Report;
    assert.equal(report.valid, false);
    assert.equal(report.documents, 5);
    const paths = report.files.flatMap((f) => f.issues.map((i) => `${i.line ?? ""}${i.path}`));
    assert.ok(paths.includes("$[1].pcf.declaredUnit"), paths.join(", "));
    assert.ok(paths.includes("2$.mode"), paths.join(", "));
  });

  it("checks set rules with --set: a shipment needs its TOCs", async () => {
    const alone = file("alone.json", byId(DEMO_FOOTPRINT_IDS.sfRoad));
    assert.equal((await runCli(["validate", alone])).code, 0);
    const r = await runCli(["validate", "--set", "--json", alone]);
    assert.equal(r.code, 1);
    const issue = (JSON.parse(r.stdout) as Report).files[0]!.issues[0]!;
    assert.equal(issue.rule, "ileap.set.reference");
    assert.match(issue.path, /^\$\.extensions\[0\]\.data\.tces\[0\]\.tocId$/);
  });

  it("reads stdin with '-', honours --type, and exits 2 for unreadable files", async () => {
    const stdin = await runCli(["validate", "--type", "tad", "-"], {
      stdin: JSON.stringify(demoTad().slice(0, 2)),
    });
    assert.equal(stdin.code, 0, stdin.stdout);
    assert.match(stdin.stdout, /<stdin>: 2 documents valid/);
    const wrongType = await runCli(["validate", "--type", "toc", "-"], {
      stdin: JSON.stringify(demoTad()[0]),
    });
    assert.equal(wrongType.code, 1);
    const missing = await runCli(["validate", join(dir, "nope.json")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file/);
    const directory = await runCli(["validate", dir]);
    assert.equal(directory.code, 2);
    assert.match(directory.stderr, /is a directory: validate takes files/);
    assert.match(directory.stderr, /hint: name the files, e\.g\. ileap validate .*\/\*\.json/);
    const badType = await runCli(["validate", "--type", "pdf", "x.json"]);
    assert.equal(badType.code, 2);
    const empty = await runCli(["validate", file("empty.json", "  ")]);
    assert.equal(empty.code, 1);
    assert.match(empty.stdout, /the file is empty/);
  });

  it("turns JSON pointers into JSON paths", () => {
    assert.equal(pointerToPath(""), "$");
    assert.equal(pointerToPath("/pcf/declaredUnit"), "$.pcf.declaredUnit");
    assert.equal(pointerToPath("/extensions/0/data", "$[3]"), "$[3].extensions[0].data");
    assert.equal(pointerToPath("/a~1b/c~0d/my key"), '$["a/b"]["c~d"]["my key"]');
  });
});
