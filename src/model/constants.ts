import type { IleapKind } from "./types.ts";

/** `specVersion` of the ProductFootprints we build (the PACT version iLEAP certification tests). */
export const PACT_SPEC_VERSION = "2.2.0";

/** `specVersion` of an iLEAP data model extension. */
export const ILEAP_EXTENSION_SPEC_VERSION = "2.0.0";

/** `documentation` of an iLEAP data model extension. */
export const ILEAP_DOCUMENTATION_URL = "https://sine-fdn.github.io/ileap-extension/";

/** `dataSchema` of an iLEAP data model extension, per kind. */
export const ILEAP_DATA_SCHEMA: Readonly<Record<IleapKind, string>> = {
  "shipment-footprint": "https://api.ileap.sine.dev/shipment-footprint.json",
  toc: "https://api.ileap.sine.dev/toc.json",
  hoc: "https://api.ileap.sine.dev/hoc.json",
};

/** `productCategoryCpc` of every iLEAP ProductFootprint: the CPC code of logistics services. */
export const LOGISTICS_CPC = "83117";

/** The id segment of the productIds URN per kind (`…:shipment:<id>`, `…:toc:<id>`, `…:hoc:<id>`). */
export const ILEAP_URN_SEGMENT: Readonly<Record<IleapKind, "shipment" | "toc" | "hoc">> = {
  "shipment-footprint": "shipment",
  toc: "toc",
  hoc: "hoc",
};

/** Who assigned an id encoded in a productIds URN. */
export type IdAssigner = "vendor" | "buyer";

/** Matches `urn:pathfinder:product:customcode:{vendor|buyer}-assigned:{shipment|toc|hoc}:<id>`. */
export const ILEAP_PRODUCT_ID_PATTERN =
  /^urn:pathfinder:product:customcode:(vendor|buyer)-assigned:(shipment|toc|hoc):(.+)$/;

/**
 * The productIds URN of an iLEAP object.
 * @param assigner who assigned the id; default `"vendor"` (the transport service organizer).
 */
export function ileapProductId(kind: IleapKind, id: string, assigner: IdAssigner = "vendor"): string {
  return `urn:pathfinder:product:customcode:${assigner}-assigned:${ILEAP_URN_SEGMENT[kind]}:${id}`;
}
