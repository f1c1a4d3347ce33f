/**
 * The checks behind `ileap validate`, loaded on use (they compile the JSON Schemas).
 * @module
 */
import { checkFootprint, checkTad } from "../model/check.ts";
import {
  footprintSetRules,
  hocRules,
  shipmentFootprintRules,
  tadSetRules,
  tocRules,
} from "../model/ileap-rules.ts";
import type { HOC, ShipmentFootprint, TOC, ValidationIssue } from "../model/types.ts";
import { validateV3Footprint } from "../model/v3/validate.ts";
import { NO_NULL_RULE, validateHoc, validateShipmentFootprint, validateToc } from "../model/validate.ts";
import type { DocumentType } from "./commands/validate.ts";

export { footprintSetRules, tadSetRules };

/** Schema issues first; the rules only when the schema passed (as `model/check.ts` does). */
function schemaThenRules(issues: ValidationIssue[], rules: () => ValidationIssue[]): ValidationIssue[] {
  if (issues.some((i) => i.rule !== NO_NULL_RULE)) return issues;
  return [...issues, ...rules()];
}

/** Validates one document as `type`. */
export function checkDocument(type: DocumentType, doc: unknown): ValidationIssue[] {
  switch (type) {
    case "footprint":
      return checkFootprint(doc);
    case "footprint-v3":
      return validateV3Footprint(doc);
    case "tad":
      return checkTad(doc);
    case "shipment-footprint":
      return schemaThenRules(validateShipmentFootprint(doc), () =>
        shipmentFootprintRules(doc as ShipmentFootprint),
      );
    case "toc":
      return schemaThenRules(validateToc(doc), () => tocRules(doc as TOC));
    case "hoc":
      return schemaThenRules(validateHoc(doc), () => hocRules(doc as HOC));
  }
}
