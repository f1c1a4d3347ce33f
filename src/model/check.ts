/**
 * One-call checks for writes: schema validation (and the no-`null` rule) first, then the semantic
 * rules of `ileap-rules.ts` for documents that passed the schemas.
 */
import {
  footprintSetRules,
  productFootprintRules,
  type RuleOptions,
  tadRules,
  tadSetRules,
} from "./ileap-rules.ts";
import type { ProductFootprint, TAD, ValidationIssue } from "./types.ts";
import { NO_NULL_RULE, validateProductFootprint, validateTad } from "./validate.ts";

/**
 * Validates one ProductFootprint: PACT schema, iLEAP wrapper schema when it carries an iLEAP
 * extension, no `null`, and — when the schemas pass — the PACT/iLEAP rules.
 * @returns the issues found; empty when the document may be stored and emitted.
 */
export function checkFootprint(doc: unknown, options: RuleOptions = {}): ValidationIssue[] {
  const issues = validateProductFootprint(doc);
  if (issues.some((i) => i.rule !== NO_NULL_RULE)) return issues;
  return [...issues, ...productFootprintRules(doc as ProductFootprint, options)];
}

/** Validates one TAD: schema, no `null`, and — when the schema passes — the TAD rules. */
export function checkTad(doc: unknown): ValidationIssue[] {
  const issues = validateTad(doc);
  if (issues.some((i) => i.rule !== NO_NULL_RULE)) return issues;
  return [...issues, ...tadRules(doc as TAD)];
}

/**
 * Validates a list of ProductFootprints: {@link checkFootprint} on each (pointers prefixed with the
 * index, e.g. `/3/pcf/declaredUnit`), then the set-level rules (referenced TOCs/HOCs present,
 * TCE emissions consistent with them) over the documents that passed.
 */
export function checkFootprintSet(docs: readonly unknown[], options: RuleOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const valid: boolean[] = [];
  docs.forEach((doc, i) => {
    const own = checkFootprint(doc, options);
    valid.push(own.length === 0);
    issues.push(...own.map((x) => ({ ...x, pointer: `/${i}${x.pointer}` })));
  });
  // Set rules run over the whole list so that indexes stay those of `docs`; invalid documents
  // still count as present for references but their own problems are already reported.
  const setIssues = footprintSetRules(docs as readonly ProductFootprint[], options).filter((x) => {
    const index = Number(x.pointer.split("/")[1]);
    return valid[index] === true;
  });
  return [...issues, ...setIssues];
}

/** Validates a list of TADs: {@link checkTad} on each (pointers prefixed with the index) and unique `activityId`s. */
export function checkTadSet(tads: readonly unknown[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  tads.forEach((tad, i) => {
    issues.push(...checkTad(tad).map((x) => ({ ...x, pointer: `/${i}${x.pointer}` })));
  });
  return [...issues, ...tadSetRules(tads as readonly TAD[])];
}
