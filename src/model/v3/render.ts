/**
 * Renders a stored footprint in both PACT versions at write time, so reads stay string
 * concatenation: the authored version's document as it was given, the other version through the
 * field map of `./convert.ts`, kept only when it validates against that version's schema.
 */
import { validateProductFootprint } from "../validate.ts";
import { v2ToV3, v3ToV2 } from "./convert.ts";
import type { PactVersion } from "./types.ts";
import { isV3Document, validateV3Footprint } from "./validate.ts";

type Doc = Record<string, unknown>;

/** A footprint in both versions; a version's document is absent when it cannot represent the footprint. */
export interface FootprintRenderings {
  /** The version the footprint was authored in (`specVersion` 3.x → `"3"`, else `"2"`). */
  readonly authored: PactVersion;
  readonly v2?: Doc;
  readonly v3?: Doc;
  /** Why there is no v2 document (when absent). */
  readonly v2Absent?: string;
  /** Why there is no v3 document (when absent). */
  readonly v3Absent?: string;
}

/** The PACT version a document is authored in, from its `specVersion`. */
export function authoredVersion(doc: unknown): PactVersion {
  return isV3Document(doc) ? "3" : "2";
}

/**
 * Both renderings of a validated footprint document.
 * @param version the stored version number (v3 documents carry none; used for their v2 rendering).
 */
export function renderFootprint(doc: Doc, version = 1): FootprintRenderings {
  if (authoredVersion(doc) === "3") {
    const v2 = v3ToV2(doc, version);
    if (!v2.ok) return { authored: "3", v3: doc, v2Absent: v2.reason };
    const issues = validateProductFootprint(v2.doc);
    if (issues.length > 0) return { authored: "3", v3: doc, v2Absent: describe("v2", issues) };
    return { authored: "3", v3: doc, v2: v2.doc };
  }
  const v3 = v2ToV3(doc);
  if (!v3.ok) return { authored: "2", v2: doc, v3Absent: v3.reason };
  const issues = validateV3Footprint(v3.doc);
  if (issues.length > 0) return { authored: "2", v2: doc, v3Absent: describe("v3", issues) };
  return { authored: "2", v2: doc, v3: v3.doc };
}

function describe(
  version: string,
  issues: readonly { readonly pointer: string; readonly message: string }[],
): string {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `the ${version} rendering would not be valid: ${first.pointer || "/"} ${first.message}${more}`;
}
