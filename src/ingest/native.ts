/**
 * iLEAP-native records (ShipmentFootprint, TOC, HOC) → PACT ProductFootprints, with the mapping of
 * `buildProductFootprint` and the company fields from configuration. Pure.
 *
 * A record is either the bare iLEAP object (`{"tocId": …, "mode": …}`) or an envelope holding it in
 * `data` next to ProductFootprint properties the data owner wants to set:
 * `{"data": {…}, "id"?, "version"?, "created"?, "updated"?, "status"?, "statusComment"?,
 * "precedingPfIds"?, "validityPeriodStart"?, "validityPeriodEnd"?, "productNameCompany"?,
 * "productDescription"?, "comment"?, "assignedBy"?, "additionalProductIds"?,
 * "referencePeriodStart"?, "referencePeriodEnd"?, "pcf"?, "companyName"?, "companyIds"?}`.
 */
import { createHash } from "node:crypto";
import type { FootprintKind } from "../auth/principal.ts";
import {
  type BuildProductFootprintInput,
  buildProductFootprint,
  type CompanyInfo,
} from "../model/ileap-mapping.ts";
import type { IleapKind, ProductFootprint } from "../model/types.ts";
import { validateIleapData } from "../model/validate.ts";
import { INGEST_RULE, type IngestKind, type RecordError } from "./types.ts";

/** The iLEAP kind of each native ingest kind. */
export const NATIVE_KINDS: Readonly<Partial<Record<IngestKind, IleapKind>>> = {
  "shipment-footprints": "shipment-footprint",
  tocs: "toc",
  hocs: "hoc",
};

/** The id property of each iLEAP kind. */
const ID_PROPERTY: Readonly<Record<IleapKind, "shipmentId" | "tocId" | "hocId">> = {
  "shipment-footprint": "shipmentId",
  toc: "tocId",
  hoc: "hocId",
};

const ENVELOPE_KEYS = new Set([
  "data",
  "id",
  "version",
  "created",
  "updated",
  "status",
  "statusComment",
  "precedingPfIds",
  "validityPeriodStart",
  "validityPeriodEnd",
  "productNameCompany",
  "productDescription",
  "comment",
  "assignedBy",
  "additionalProductIds",
  "referencePeriodStart",
  "referencePeriodEnd",
  "pcf",
  "companyName",
  "companyIds",
]);

/** A native record checked and ready to be built once its version is known. */
export interface NativeRecord {
  readonly kind: IleapKind;
  /** The iLEAP object. */
  readonly data: Record<string, unknown>;
  /** JSON Pointer of the iLEAP object within the record (`""` bare, `/data` in an envelope). */
  readonly dataPointer: string;
  /** The footprint id: given, or derived from the company and the iLEAP id. */
  readonly id: string;
  /** The `shipmentId`/`tocId`/`hocId`. */
  readonly sourceId: string;
  /** The envelope's ProductFootprint properties (empty for a bare object). */
  readonly envelope: Readonly<Record<string, unknown>>;
  readonly company: CompanyInfo;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A UUID v4-shaped id derived from a name (SHA-256, version and variant bits set): re-importing the
 * same iLEAP object of the same company yields the same footprint id, so a changed object becomes
 * a new version instead of a second footprint.
 */
export function nameBasedUuid(name: string): string {
  const h = createHash("sha256").update(name).digest("hex");
  const variant = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The id derived for an iLEAP object of a company (see {@link nameBasedUuid}). */
export function derivedFootprintId(company: CompanyInfo, kind: IleapKind, sourceId: string): string {
  return nameBasedUuid(`ileap-ts:${company.companyIds[0] ?? company.companyName}:${kind}:${sourceId}`);
}

/**
 * Checks the shape of a native record and validates its iLEAP object against the official schema.
 * @returns the record ready to build, or the errors (pointers into the record as given).
 */
export function readNativeRecord(
  kind: IleapKind,
  input: unknown,
  company: CompanyInfo | undefined,
): { ok: true; record: NativeRecord } | { ok: false; errors: RecordError[]; id?: string; sourceId?: string } {
  if (!isRecord(input)) {
    return {
      ok: false,
      errors: [{ pointer: "", message: "must be a JSON object", rule: INGEST_RULE.notObject }],
    };
  }
  const idProperty = ID_PROPERTY[kind];
  const isEnvelope = isRecord(input.data) && !(idProperty in input);
  const data = isEnvelope ? (input.data as Record<string, unknown>) : input;
  const dataPointer = isEnvelope ? "/data" : "";
  const envelope: Record<string, unknown> = isEnvelope ? { ...input } : {};
  delete envelope.data;
  const errors: RecordError[] = [];
  for (const key of Object.keys(envelope)) {
    if (!ENVELOPE_KEYS.has(key)) {
      errors.push({
        pointer: `/${key}`,
        message: `unknown property of an iLEAP record envelope (expected data and ProductFootprint properties: ${[...ENVELOPE_KEYS].filter((k) => k !== "data").join(", ")})`,
        value: envelope[key],
        rule: INGEST_RULE.envelope,
      });
    }
  }
  const typed: [string, (v: unknown) => boolean, string][] = [
    ["id", (v) => typeof v === "string", "a string (UUID v4)"],
    ["version", (v) => Number.isInteger(v) && (v as number) >= 1, "an integer ≥ 1"],
    ["created", (v) => typeof v === "string" && !Number.isNaN(Date.parse(v)), "a timestamp"],
    ["updated", (v) => typeof v === "string", "a timestamp"],
    ["pcf", isRecord, "an object of CarbonFootprint properties"],
    ["precedingPfIds", Array.isArray, "an array of footprint ids"],
    ["additionalProductIds", Array.isArray, "an array of URNs"],
    ["companyName", (v) => typeof v === "string" && v !== "", "a non-empty string"],
    [
      "companyIds",
      (v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string"),
      "a non-empty array of URNs",
    ],
    ["assignedBy", (v) => v === "vendor" || v === "buyer", '"vendor" or "buyer"'],
  ];
  for (const [key, ok, expected] of typed) {
    if (key in envelope && !ok(envelope[key])) {
      errors.push({
        pointer: `/${key}`,
        message: `must be ${expected}`,
        value: envelope[key],
        rule: INGEST_RULE.envelope,
      });
    }
  }
  const sourceId = typeof data[idProperty] === "string" ? (data[idProperty] as string) : undefined;
  for (const issue of validateIleapData(kind, data)) {
    errors.push({
      pointer: `${dataPointer}${issue.pointer}`,
      message: issue.message,
      ...(issue.value === undefined ? {} : { value: issue.value }),
      rule: issue.rule,
    });
  }
  const companyName = (envelope.companyName as string | undefined) ?? company?.companyName;
  const companyIds = (envelope.companyIds as string[] | undefined) ?? company?.companyIds;
  if (!companyName || !companyIds || companyIds.length === 0) {
    errors.push({
      pointer: "",
      message:
        "no company for the ProductFootprint: configure ILEAP_COMPANY_NAME and ILEAP_COMPANY_IDS (company.name, company.ids) or give companyName and companyIds in an envelope",
      rule: INGEST_RULE.company,
    });
  }
  const explicitId = typeof envelope.id === "string" ? envelope.id : undefined;
  if (errors.length > 0 || !sourceId || !companyName || !companyIds) {
    return {
      ok: false,
      errors,
      ...(explicitId ? { id: explicitId } : {}),
      ...(sourceId ? { sourceId } : {}),
    };
  }
  const resolvedCompany: CompanyInfo = { companyName, companyIds };
  return {
    ok: true,
    record: {
      kind,
      data,
      dataPointer,
      id: explicitId ?? derivedFootprintId(resolvedCompany, kind, sourceId),
      sourceId,
      envelope,
      company: resolvedCompany,
    },
  };
}

/** What the lifecycle decided for a native record: its version and timestamps. */
export interface NativeVersion {
  readonly version: number;
  readonly created: string;
  readonly updated?: string;
}

/**
 * Builds the ProductFootprint of a native record with the given version and timestamps (envelope
 * properties win over them when given).
 * @returns the document, or an error when the mapping fails (e.g. a malformed decimal).
 */
export function buildNative(
  record: NativeRecord,
  version: NativeVersion,
): { ok: true; document: ProductFootprint; kind: FootprintKind } | { ok: false; error: RecordError } {
  const e = record.envelope;
  const input = {
    ...e,
    kind: record.kind,
    data: record.data,
    id: record.id,
    company: record.company,
    version: (e.version as number | undefined) ?? version.version,
    created: (e.created as string | undefined) ?? version.created,
    ...((e.updated ?? version.updated) !== undefined ? { updated: e.updated ?? version.updated } : {}),
  } as Record<string, unknown>;
  delete input.companyName;
  delete input.companyIds;
  try {
    return {
      ok: true,
      document: buildProductFootprint(input as unknown as BuildProductFootprintInput),
      kind: record.kind,
    };
  } catch (err) {
    return {
      ok: false,
      error: {
        pointer: record.dataPointer,
        message: `cannot build the ProductFootprint: ${(err as Error).message}`,
        rule: INGEST_RULE.build,
      },
    };
  }
}

/**
 * Maps a pointer into the built ProductFootprint back into the native record: the extension's
 * data becomes the iLEAP object's pointer; other pointers name ProductFootprint properties (the
 * envelope's, when it set them).
 */
export function nativePointer(record: NativeRecord, pointer: string): string {
  const prefix = "/extensions/0/data";
  if (pointer === prefix || pointer.startsWith(`${prefix}/`))
    return `${record.dataPointer}${pointer.slice(prefix.length)}`;
  return pointer;
}
