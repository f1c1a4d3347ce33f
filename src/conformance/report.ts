/**
 * Aggregation of case results into a report. Pure functions.
 * @module
 */
import type { PactVersion } from "./pact-version.ts";
import type { CaseResult, ConformanceReport, ConformanceSummary } from "./types.ts";

/** Counts results; a mandatory case that did not pass (failed or skipped) is listed. */
export function summarize(results: readonly CaseResult[]): ConformanceSummary {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const mandatoryNotPassed: string[] = [];
  for (const r of results) {
    if (r.status === "passed") passed++;
    else if (r.status === "failed") failed++;
    else skipped++;
    if (r.mandatory && r.status !== "passed") mandatoryNotPassed.push(r.id);
  }
  return { passed, failed, skipped, mandatoryNotPassed };
}

/** Whether a set of results is a conformance pass: every mandatory case passed (skipped is not a pass). */
export function isPass(results: readonly CaseResult[]): boolean {
  return results.every((r) => !r.mandatory || r.status === "passed");
}

/** Builds the report of a run. */
export function buildReport(
  baseUrl: string,
  startedAt: Date,
  durationMs: number,
  results: readonly CaseResult[],
  version: PactVersion = "2.3",
): ConformanceReport {
  return {
    baseUrl,
    version,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    results,
    summary: summarize(results),
    passed: isPass(results),
  };
}

/** A plain-text rendering of a report, one line per case (for CLIs and test failure messages). */
export function formatReport(report: ConformanceReport): string {
  const lines = [
    `Conformance of ${report.baseUrl}, PACT ${report.version} (${report.startedAt}, ${report.durationMs} ms)`,
  ];
  for (const r of report.results) {
    const mark = r.status === "passed" ? "PASS" : r.status === "failed" ? "FAIL" : "SKIP";
    const flag = r.mandatory ? "" : " (optional)";
    lines.push(`${mark} ${r.id}${flag} ${r.title}${r.reason ? `: ${r.reason}` : ""}`);
    for (const n of r.notes ?? []) lines.push(`     note: ${n}`);
  }
  const s = report.summary;
  lines.push(
    `${report.passed ? "PASSED" : "NOT PASSED"}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped` +
      (s.mandatoryNotPassed.length > 0 ? `; mandatory not passed: ${s.mandatoryNotPassed.join(", ")}` : ""),
  );
  return lines.join("\n");
}
