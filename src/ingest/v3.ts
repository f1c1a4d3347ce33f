/**
 * The PACT v3 side of ingestion: v3 documents (detected by `specVersion` 3.x) are validated
 * against the v3 schema, are immutable (a changed footprint is a new id; the one it replaces is
 * named in `precedingPfIds` and becomes `Deprecated`), and the report says which records are
 * served in one version only and why.
 */
import { type FootprintRenderings, renderFootprint } from "../model/v3/render.ts";
import { isV3Document } from "../model/v3/validate.ts";
import { canonicalJson } from "../store/canonical-json.ts";
import { deprecatedDocument } from "../store/sql/queries.ts";
import { deprecatedV3Document } from "../store/sql/v3.ts";
import type { FootprintRecord, StoredFootprint } from "../store/store.ts";
import type { SingleVersionRecord } from "./types.ts";

type Doc = Record<string, unknown>;

/** Rule id: a stored v3 footprint cannot change (PACT 3.0 lifecycle). */
export const V3_IMMUTABLE_RULE = "pact.lifecycle.v3-immutable";

/**
 * The report entry of a stored record that one PACT version cannot represent, if so.
 * @param r the record's renderings (default: rendered here).
 */
export function singleVersionOf(
  index: number,
  doc: Doc,
  r: FootprintRenderings = renderFootprint(doc),
): SingleVersionRecord | undefined {
  const id = String(doc.id);
  if (r.v2 && !r.v3) return { index, id, servedIn: "2", reason: r.v3Absent ?? "not representable in v3" };
  if (r.v3 && !r.v2) return { index, id, servedIn: "3", reason: r.v2Absent ?? "not representable in v2" };
  return undefined;
}

/** The message for a changed v3 footprint under a stored id. */
export function immutableMessage(id: string, storedStatus: string): string {
  return storedStatus === "Deprecated"
    ? `footprint ${id} is stored and deprecated; PACT v3 footprints never change`
    : `footprint ${id} is stored and PACT v3 footprints never change: publish the changed footprint under a new id with precedingPfIds ["${id}"] (the stored one then becomes Deprecated)`;
}

/**
 * The deprecating versions of the still active footprints that accepted v3 documents name in
 * `precedingPfIds` (PACT 3.0 lifecycle: the preceding footprint becomes `Deprecated`): stored ones
 * (`before` the batch's records) and ones accepted in the same batch (`after` them), with the
 * successor that deprecates each (`successorOf`, by deprecated id). The new versions keep their
 * visibility; a v2-authored one gets `version` + 1 and `updated`.
 */
export function successorDeprecations(
  accepted: readonly Doc[],
  stored: ReadonlyMap<string, StoredFootprint>,
  kindOf: (doc: Doc) => FootprintRecord["kind"],
  updated: string,
): SuccessorDeprecations {
  const before = new Map<string, FootprintRecord>();
  const after = new Map<string, FootprintRecord>();
  const successorOf = new Map<string, string>();
  const inBatch = new Map(accepted.map((d) => [String(d.id), d]));
  const deprecation = (doc: Doc, version: number, successor: string): FootprintRecord => {
    const v3 = isV3Document(doc);
    return {
      document: v3
        ? deprecatedV3Document(doc)
        : deprecatedDocument(doc, { updated, statusComment: `Superseded by ${successor}` }),
      kind: kindOf(doc),
      ...(v3 ? { version: version + 1 } : {}),
    };
  };
  for (const doc of accepted) {
    if (!isV3Document(doc) || !Array.isArray(doc.precedingPfIds)) continue;
    const successor = String(doc.id);
    for (const id of doc.precedingPfIds) {
      if (typeof id !== "string" || before.has(id) || after.has(id) || id === successor) continue;
      const batchDoc = inBatch.get(id);
      if (batchDoc) {
        if (batchDoc.status === "Active") {
          after.set(
            id,
            deprecation(batchDoc, typeof batchDoc.version === "number" ? batchDoc.version : 1, successor),
          );
          successorOf.set(id, successor);
        }
        continue;
      }
      const head = stored.get(id);
      if (!head || head.status === "Deprecated") continue;
      before.set(id, deprecation(JSON.parse(head.document) as Doc, head.version, successor));
      successorOf.set(id, successor);
    }
  }
  return { before: [...before.values()], after: [...after.values()], successorOf };
}

/** What {@link successorDeprecations} finds. */
export interface SuccessorDeprecations {
  /** Deprecating versions of stored footprints: written before the batch's records. */
  readonly before: readonly FootprintRecord[];
  /** Deprecating versions of footprints accepted in the same batch: written after them. */
  readonly after: readonly FootprintRecord[];
  /** The successor's id, by deprecated footprint id. */
  readonly successorOf: ReadonlyMap<string, string>;
}

/** Whether a stored document (canonical text) is PACT v3-authored. */
export function storedIsV3(text: string): boolean {
  try {
    return isV3Document(JSON.parse(text));
  } catch {
    return false;
  }
}

/**
 * Whether `doc` (in PACT `version`) is the stored footprint again: the document as authored, or its
 * rendering in `version` (what `/2` or `/3` serves). Re-importing what a host served changes nothing.
 */
export function sameAsStored(
  doc: unknown,
  head: { readonly version: number; readonly document?: string },
  version: "2" | "3",
): boolean {
  if (head.document === undefined) return false;
  const text = canonicalJson(doc as Doc);
  if (head.document === text) return true;
  try {
    const stored = JSON.parse(head.document) as Doc;
    const r = renderFootprint(stored, head.version);
    const rendered = version === "2" ? r.v2 : r.v3;
    return rendered !== undefined && canonicalJson(rendered) === text;
  } catch {
    return false;
  }
}
