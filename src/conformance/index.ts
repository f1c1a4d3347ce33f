/**
 * Conformance suite for iLEAP hosts (PACT Data Exchange Protocol v2 + iLEAP v1.0, or PACT v3.0):
 * checks that run against any host base URL.
 *
 * @example
 * ```ts
 * const report = await runConformance({ baseUrl: "https://host.example/ileap", clientId, clientSecret });
 * if (!report.passed) console.log(formatReport(report));
 * ```
 * @module
 */
import { type CallbackListener, startCallbackListener } from "./callback-listener.ts";
import { runCase } from "./case.ts";
import { resolveOptions, SuiteContext } from "./context.ts";
import { selectCases } from "./registry.ts";
import { buildReport } from "./report.ts";
import { loadSchemaValidators } from "./schemas.ts";
import type { CaseResult, ConformanceOptions, ConformanceReport } from "./types.ts";

export type { CallbackListener, CallbackListenerOptions, ReceivedDelivery } from "./callback-listener.ts";
export { callbackPeerConfig, startCallbackListener } from "./callback-listener.ts";
export type { LinkParseResult, NextLink, ParsedLink } from "./link.ts";
export { findNextLink, hasRel, parseLinkHeader } from "./link.ts";
export { PACT_VERSIONS, type PactVersion, parsePactVersion } from "./pact-version.ts";
export { ALL_CASES, CASE_IDS, caseIdsFor, casesFor, selectCases, V3_CASES } from "./registry.ts";
export { buildReport, formatReport, isPass, summarize } from "./report.ts";
export type {
  CaseResult,
  CaseStatus,
  ConformanceOptions,
  ConformanceReport,
  ConformanceSchemaSet,
  ConformanceSummary,
  ConformanceTlsOptions,
} from "./types.ts";

/**
 * Runs the conformance cases (all, or `options.cases`) one after the other against
 * `options.baseUrl` and reports each outcome. Never throws for host behaviour; throws a
 * `TypeError` for unusable options (bad URL, unknown case id) and an `Error` when the JSON
 * Schemas cannot be loaded.
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const opts = resolveOptions(options);
  const cases = selectCases(options.cases, opts.version);
  const schemas = loadSchemaValidators(options.schemas);
  const startedAt = new Date();
  const started = performance.now();
  const given = options.callbacks;
  const ownListener =
    given !== undefined && !isListener(given) ? await startCallbackListener(given) : undefined;
  const listener = ownListener ?? (given !== undefined && isListener(given) ? given : undefined);
  const ctx = new SuiteContext(opts, schemas, listener);
  const results: CaseResult[] = [];
  try {
    // Obtain the token to let expire first, so that waiting overlaps the other cases.
    if (cases.some((c) => c.needsExpiredToken)) ctx.startExpiredToken();
    for (const def of cases) results.push(await runCase(def, ctx));
  } finally {
    ctx.close();
    await ownListener?.close();
  }
  return buildReport(opts.baseUrl, startedAt, performance.now() - started, results, opts.version);
}

function isListener(value: object): value is CallbackListener {
  return typeof (value as Partial<CallbackListener>).waitFor === "function";
}
