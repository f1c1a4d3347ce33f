/**
 * The PACT v3 side of ingestion: v3 documents (detected by `specVersion` 3.x) are validated
 * against the v3 schema, are immutable (a changed footprint is a new id; the one it replaces is
 * named in `precedingPfIds` and becomes `Deprecated`), and the report says which records are
 * served in one version only and why.
 */
import { renderFootprint } from "../model/v3/render.ts";
import { isV3Document } from "../model/v3/validate.ts";
import { canonicalJson } from "../store/canonical-json.ts";
import { deprecatedDocument } from "../store/sql/queries.ts";
import { deprecatedV3Document } from "../store/sql/v3.ts";
import type { FootprintRecord, StoredFootprint } from "../store/store.ts";
import type { SingleVersionRecord } from "./types.ts";

type Doc = Record<string, unknown>;

/** Rule id: a stored v3 footprint cannot change (PACT 3.0 lifecycle). */
export const V3_IMMUTABLE_RULE = "pact.lifecycle.v3-immutable";

/** The report entry of a stored record that one PACT version cannot represent, if so. */
export function singleVersionOf(index: number, doc: Doc): SingleVersionRecord | undefined {
  const r = renderFootprint(doc);
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
 * The deprecating versions of the stored, still active footprints that accepted v3 documents name
 * in `precedingPfIds` (PACT 3.0 lifecycle: the preceding footprint becomes `Deprecated`). The new
 * versions keep their visibility; a v2-authored one gets `version` + 1 and `updated`.
 */
export function successorDeprecations(
  accepted: readonly Doc[],
  stored: ReadonlyMap<string, StoredFootprint>,
  kindOf: (doc: Doc) => FootprintRecord["kind"],
  updated: string,
): FootprintRecord[] {
  const out = new Map<string, FootprintRecord>();
  const batchIds = new Set(accepted.map((d) => d.id));
  for (const doc of accepted) {
    if (!isV3Document(doc) || !Array.isArray(doc.precedingPfIds)) continue;
    for (const id of doc.precedingPfIds) {
      if (typeof id !== "string" || out.has(id) || batchIds.has(id)) continue;
      const head = stored.get(id);
      if (!head || head.status === "Deprecated") continue;
      const before = JSON.parse(head.document) as Doc;
      const document = isV3Document(before)
        ? deprecatedV3Document(before)
        : deprecatedDocument(before, { updated, statusComment: `Superseded by ${String(doc.id)}` });
      out.set(id, {
        document,
        kind: kindOf(before),
        ...(isV3Document(before) ? { version: head.version + 1 } : {}),
      });
    }
  }
  return [...out.values()];
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
