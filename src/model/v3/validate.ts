/**
 * Validation of PACT v3.0 ProductFootprints: the v3 JSON Schema (`../schemas/pact-v3-product-footprint.json`,
 * derived from the 3.0.3 OpenAPI components), no `null` anywhere, and the rules of the 3.0 text
 * that a schema cannot say (validity period, DQR range, `specVersion` 3.x). An iLEAP extension's
 * `data` is also checked against the official iLEAP schema of its data type.
 */
import { readFileSync } from "node:fs";
import { compareDecimal, isDecimalString } from "../decimal.ts";
import { ileapExtension } from "../ileap-mapping.ts";
import type { ValidationIssue } from "../types.ts";
import {
  compileSchema,
  escapePointer,
  nullIssues,
  type SchemaCheck,
  validateIleapData,
} from "../validate.ts";

export type { ValidationIssue } from "../types.ts";

/** Rule ids of the v3 checks beyond the schema. */
export const V3_RULES = {
  specVersion: "pact-v3.spec-version",
  validityStart: "pact-v3.validity-period-start",
  validityEnd: "pact-v3.validity-period-end",
  validityOrder: "pact-v3.validity-period-order",
  dqrRange: "pact-v3.dqr-range",
} as const;

let compiled: SchemaCheck | undefined;

function schemaCheck(): SchemaCheck {
  if (!compiled) {
    const text = readFileSync(new URL("../schemas/pact-v3-product-footprint.json", import.meta.url), "utf8");
    compiled = compileSchema(JSON.parse(text) as object);
  }
  return compiled;
}

/** Compiles the v3 validator now instead of on first use. */
export function precompileV3Validator(): void {
  schemaCheck();
}

/**
 * Validates a PACT v3.0 ProductFootprint.
 * @returns the issues found (JSON pointers into `doc`), sorted by pointer; empty when valid.
 */
export function validateV3Footprint(doc: unknown): ValidationIssue[] {
  const issues = [...nullIssues(doc), ...schemaCheck()(doc)];
  if (doc && typeof doc === "object" && !Array.isArray(doc)) {
    issues.push(...ruleIssues(doc as Record<string, unknown>));
    const ext = ileapExtension(doc);
    if (ext?.extension.data && typeof ext.extension.data === "object") {
      const at = `/extensions/${ext.index}/data`;
      for (const i of validateIleapData(ext.kind, ext.extension.data))
        issues.push({ ...i, pointer: `${at}${i.pointer}` });
    }
  }
  return sortIssues(issues);
}

/** True when `doc` claims PACT v3 (`specVersion` `3.x.y`). */
export function isV3Document(doc: unknown): boolean {
  return (
    !!doc &&
    typeof doc === "object" &&
    typeof (doc as { specVersion?: unknown }).specVersion === "string" &&
    /^3\./.test((doc as { specVersion: string }).specVersion)
  );
}

const THREE_YEARS = 3;

/** `iso` + 3 years (UTC calendar), as epoch ms; NaN when `iso` is not a timestamp. */
export function plusThreeYearsMs(iso: string): number {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return Number.NaN;
  d.setUTCFullYear(d.getUTCFullYear() + THREE_YEARS);
  return d.getTime();
}

function ruleIssues(doc: Record<string, unknown>): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if (typeof doc.specVersion === "string" && !/^3\./.test(doc.specVersion)) {
    out.push({
      pointer: "/specVersion",
      message: "must be a 3.x.y version for a PACT v3 ProductFootprint",
      value: doc.specVersion,
      rule: V3_RULES.specVersion,
    });
  }
  const pcf = doc.pcf && typeof doc.pcf === "object" ? (doc.pcf as Record<string, unknown>) : undefined;
  const refEnd =
    typeof pcf?.referencePeriodEnd === "string" ? Date.parse(pcf.referencePeriodEnd) : Number.NaN;
  const start =
    typeof doc.validityPeriodStart === "string" ? Date.parse(doc.validityPeriodStart) : Number.NaN;
  const end = typeof doc.validityPeriodEnd === "string" ? Date.parse(doc.validityPeriodEnd) : Number.NaN;
  if (!Number.isNaN(refEnd) && !Number.isNaN(start) && start < refEnd) {
    out.push({
      pointer: "/validityPeriodStart",
      message: "must not be before pcf.referencePeriodEnd (PACT 3.0 §Validity Period)",
      value: doc.validityPeriodStart,
      rule: V3_RULES.validityStart,
    });
  }
  if (
    !Number.isNaN(refEnd) &&
    !Number.isNaN(end) &&
    end > plusThreeYearsMs(pcf?.referencePeriodEnd as string)
  ) {
    out.push({
      pointer: "/validityPeriodEnd",
      message: "must not be later than pcf.referencePeriodEnd + 3 years (PACT 3.0 §Validity Period)",
      value: doc.validityPeriodEnd,
      rule: V3_RULES.validityEnd,
    });
  }
  if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start) {
    out.push({
      pointer: "/validityPeriodEnd",
      message: "must be later than validityPeriodStart",
      value: doc.validityPeriodEnd,
      rule: V3_RULES.validityOrder,
    });
  }
  const dqi = pcf?.dqi && typeof pcf.dqi === "object" ? (pcf.dqi as Record<string, unknown>) : undefined;
  for (const key of ["technologicalDQR", "geographicalDQR", "temporalDQR"]) {
    const v = dqi?.[key];
    if (!isDecimalString(v)) continue;
    if (compareDecimal(v, "1") < 0 || compareDecimal(v, "5") > 0) {
      out.push({
        pointer: `/pcf/dqi/${escapePointer(key)}`,
        message: "must be between 1 and 5 inclusive",
        value: v,
        rule: V3_RULES.dqrRange,
      });
    }
  }
  return out;
}

function sortIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues
    .filter((i) => {
      const key = `${i.pointer}\u0000${i.rule}\u0000${i.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) =>
      a.issue.pointer < b.issue.pointer ? -1 : a.issue.pointer > b.issue.pointer ? 1 : a.index - b.index,
    )
    .map((x) => x.issue);
}
