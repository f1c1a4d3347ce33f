/** `ileap validate` on PACT v3.0 footprints: detected by specVersion, checked against the v3 schema and rules. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "../helpers/cli.ts";
import { V3_FOOTPRINTS } from "../helpers/fake-v3-host.ts";

describe("ileap validate on PACT v3 footprints", () => {
  const dir = mkdtempSync(join(tmpdir(), "ileap-validate-v3-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, value: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
    return path;
  };

  it("accepts valid v3 footprints (an API response), reporting them as v3", async () => {
    const r = await runCli(["validate", "--json", file("list.json", { data: V3_FOOTPRINTS })]);
    assert.equal(r.code, 0, r.stdout);
    const report = JSON.parse(r.stdout) as { valid: boolean; documents: number };
    assert.deepEqual([report.valid, report.documents], [true, 3]);
  });

  it("reports v3 problems with JSON paths: v2 fields, numbers for decimals, validity outside the window", async () => {
    const [first, second] = V3_FOOTPRINTS as [Record<string, unknown>, Record<string, unknown>];
    const pcf = first.pcf as Record<string, unknown>;
    const bad = [
      { ...first, pcf: { ...pcf, pcfExcludingBiogenicUptake: 1.5 } },
      { ...second, validityPeriodEnd: "2030-01-01T00:00:00Z" },
    ];
    const r = await runCli([
      "validate",
      "--json",
      file("bad.ndjson", bad.map((d) => JSON.stringify(d)).join("\n")),
    ]);
    assert.equal(r.code, 1, r.stdout);
    const report = JSON.parse(r.stdout) as {
      files: { issues: { line?: number; path: string; rule: string; type?: string }[] }[];
    };
    const issues = report.files[0]?.issues ?? [];
    assert.ok(
      issues.some(
        (i) => i.line === 1 && i.path === "$.pcf.pcfExcludingBiogenicUptake" && i.type === "footprint-v3",
      ),
      JSON.stringify(issues),
    );
    assert.ok(
      issues.some(
        (i) => i.line === 2 && i.path === "$.validityPeriodEnd" && i.rule === "pact-v3.validity-period-end",
      ),
      JSON.stringify(issues),
    );
  });

  it("still checks a v2 footprint as v2, and --type footprint-v3 forces the v3 checks", async () => {
    const v2 = { ...(V3_FOOTPRINTS[0] as Record<string, unknown>), specVersion: "2.2.0" };
    const detected = await runCli(["validate", "--json", file("v2.json", v2)]);
    assert.equal(detected.code, 1);
    const asV2 = JSON.parse(detected.stdout) as { files: { issues: { type?: string }[] }[] };
    assert.ok(asV2.files[0]?.issues.every((i) => i.type === "footprint"));
    const forced = await runCli(["validate", "--type", "footprint-v3", "--json", file("v2.json", v2)]);
    const asV3 = JSON.parse(forced.stdout) as { files: { issues: { rule: string; type?: string }[] }[] };
    assert.ok(
      asV3.files[0]?.issues.some((i) => i.type === "footprint-v3" && i.rule === "pact-v3.spec-version"),
    );
  });
});
