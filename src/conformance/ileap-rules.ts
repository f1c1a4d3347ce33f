/**
 * iLEAP data rules for ProductFootprints carrying a ShipmentFootprint, TOC or HOC (iLEAP §PACT
 * Integration, §TCE; PROTOCOL.md §7). Pure functions.
 * @module
 */
import {
  closeToDec,
  type Dec,
  eqDec,
  formatDec,
  mulDec,
  parseDec,
  shiftDec,
  sumCanEqual,
  sumDec,
} from "./decimal.ts";
import { findNulls, isObject, type JsonObject, pointerToken, str } from "./json.ts";
import type { SchemaName } from "./schemas.ts";

/** The three iLEAP data types exchanged as ProductFootprint extensions. */
export type IleapKind = "shipment" | "toc" | "hoc";

/** `urn:pathfinder:product:customcode:(vendor|buyer)-assigned:(shipment|toc|hoc):<id>`. */
export const ILEAP_PRODUCT_ID =
  /^urn:pathfinder:product:customcode:(vendor|buyer)-assigned:(shipment|toc|hoc):(.+)$/;

/** Required `dataSchema` of the extension per kind. */
export const ILEAP_DATA_SCHEMA: Readonly<Record<IleapKind, string>> = {
  shipment: "https://api.ileap.sine.dev/shipment-footprint.json",
  toc: "https://api.ileap.sine.dev/toc.json",
  hoc: "https://api.ileap.sine.dev/hoc.json",
};

/** Value `documentation` must have when set. */
export const ILEAP_DOCUMENTATION = "https://sine-fdn.github.io/ileap-extension/";

const SCHEMA_OF: Readonly<Record<IleapKind, SchemaName>> = {
  shipment: "shipmentFootprint",
  toc: "toc",
  hoc: "hoc",
};

const ID_FIELD: Readonly<Record<IleapKind, string>> = { shipment: "shipmentId", toc: "tocId", hoc: "hocId" };

/** A parsed iLEAP product id. */
export interface IleapProductId {
  readonly assigner: "vendor" | "buyer";
  readonly kind: IleapKind;
  readonly id: string;
}

/** Parses an iLEAP product id URN, or `undefined`. */
export function parseIleapProductId(urn: unknown): IleapProductId | undefined {
  if (typeof urn !== "string") return undefined;
  const m = ILEAP_PRODUCT_ID.exec(urn);
  if (!m) return undefined;
  return { assigner: m[1] as "vendor" | "buyer", kind: m[2] as IleapKind, id: m[3] as string };
}

/** The iLEAP kinds named by a footprint's `productIds`. */
export function ileapKindsOf(pf: JsonObject): Set<IleapKind> {
  const kinds = new Set<IleapKind>();
  if (Array.isArray(pf.productIds)) {
    for (const p of pf.productIds) {
      const parsed = parseIleapProductId(p);
      if (parsed) kinds.add(parsed.kind);
    }
  }
  return kinds;
}

/** Validates a value against a schema; returns problems (see `SchemaValidators.validate`). */
export type Validate = (name: SchemaName, value: unknown, basePointer: string) => string[];

/** Outcome of checking one iLEAP footprint. */
export interface IleapCheck {
  readonly kind: IleapKind;
  readonly footprintId: string;
  /** Rule violations (MUST), each starting with a JSON pointer into the footprint. */
  readonly problems: string[];
  /** Deviations from SHOULDs, without the footprint id (for grouping). */
  readonly notes: string[];
  /** `shipmentId`, `tocId` or `hocId` of the extension data. */
  declaredId?: string;
  /** TOC and HOC ids referenced by the TCEs (ShipmentFootprints only). */
  readonly references: { readonly toc: string[]; readonly hoc: string[] };
}

function fmt(d: Dec | undefined): string {
  return d ? formatDec(d) : "?";
}

function checkShares(c: IleapCheck, data: JsonObject, ptr: string): void {
  if (!Array.isArray(data.energyCarriers) || data.energyCarriers.length === 0) return;
  const shares = data.energyCarriers.map((e) => (isObject(e) ? parseDec(e.relativeShare) : undefined));
  if (shares.some((s) => s === undefined)) return; // the schema reports it
  const sum = sumDec(shares as Dec[]);
  if (!sumCanEqual(shares as Dec[], { units: 1n, scale: 0 })) {
    c.problems.push(`${ptr}/energyCarriers: relativeShare values sum to ${formatDec(sum)}, expected 1`);
  }
}

function checkShipment(c: IleapCheck, pf: JsonObject, data: JsonObject, ptr: string): void {
  const pcf = isObject(pf.pcf) ? pf.pcf : {};
  const tces = Array.isArray(data.tces) ? data.tces.filter(isObject) : [];
  const tceIds = new Set<string>();
  const activities: Dec[] = [];
  const wtw: Dec[] = [];
  tces.forEach((tce, i) => {
    const at = `${ptr}/tces/${i}`;
    const tceId = str(tce.tceId);
    if (tceId !== undefined) {
      if (tceIds.has(tceId)) c.problems.push(`${at}/tceId: "${tceId}" used by more than one TCE`);
      tceIds.add(tceId);
    }
    const toc = str(tce.tocId);
    const hoc = str(tce.hocId);
    if ((toc === undefined) === (hoc === undefined)) {
      c.problems.push(
        `${at}: exactly one of tocId and hocId must be defined (found ${toc === undefined ? "neither" : "both"})`,
      );
    }
    if (toc !== undefined) c.references.toc.push(toc);
    if (hoc !== undefined) c.references.hoc.push(hoc);
    if (str(tce.shipmentId) !== undefined && tce.shipmentId !== data.shipmentId) {
      c.problems.push(
        `${at}/shipmentId: "${String(tce.shipmentId)}" differs from the ShipmentFootprint's "${String(data.shipmentId)}"`,
      );
    }
    const activity = parseDec(tce.transportActivity);
    const mass = parseDec(tce.mass);
    if (activity) activities.push(activity);
    const co2 = parseDec(tce.co2eWTW);
    if (co2) wtw.push(co2);
    const distance = isObject(tce.distance) ? tce.distance : {};
    const candidates = [distance.actual, distance.gcd, distance.sfd]
      .map(parseDec)
      .filter((d): d is Dec => !!d);
    if (activity && mass && candidates.length > 0) {
      const expected = candidates.map((d) => shiftDec(mulDec(d, mass), 3));
      if (!expected.some((e) => closeToDec(activity, e))) {
        c.problems.push(
          `${at}/transportActivity: ${fmt(activity)}, expected distance × mass / 1000 = ${expected.map(fmt).join(" or ")} t·km`,
        );
      }
    }
  });
  tces.forEach((tce, i) => {
    if (!Array.isArray(tce.prevTceIds)) return;
    tce.prevTceIds.forEach((prev, j) => {
      if (typeof prev === "string" && !tceIds.has(prev)) {
        c.problems.push(
          `${ptr}/tces/${i}/prevTceIds/${j}: "${prev}" is not the tceId of a TCE of this shipment`,
        );
      }
    });
  });
  const totalActivity = sumDec(activities);
  const totalWtw = sumDec(wtw);
  const upa = parseDec(pcf.unitaryProductAmount);
  if (upa && activities.length === tces.length && !closeToDec(upa, totalActivity)) {
    c.problems.push(
      `/pcf/unitaryProductAmount: ${fmt(upa)}, expected the sum of tces[].transportActivity = ${fmt(totalActivity)}`,
    );
  }
  if (wtw.length === tces.length) {
    for (const field of ["pCfExcludingBiogenic", "fossilGhgEmissions"]) {
      const v = parseDec(pcf[field]);
      if (v && !closeToDec(v, totalWtw)) {
        c.problems.push(`/pcf/${field}: ${fmt(v)}, expected the sum of tces[].co2eWTW = ${fmt(totalWtw)}`);
      }
    }
  }
  const massPerUnit = parseDec(pcf.productMassPerDeclaredUnit);
  const sfMass = parseDec(data.mass);
  if (pcf.productMassPerDeclaredUnit === undefined) {
    c.notes.push(
      "/pcf/productMassPerDeclaredUnit not set (iLEAP: the shipment mass; mandatory from PACT v3)",
    );
  } else if (massPerUnit && sfMass && !eqDec(massPerUnit, sfMass)) {
    c.problems.push(
      `/pcf/productMassPerDeclaredUnit: ${fmt(massPerUnit)}, expected the shipment mass ${fmt(sfMass)}`,
    );
  }
}

function checkOperationCategory(
  c: IleapCheck,
  pf: JsonObject,
  data: JsonObject,
  ptr: string,
  kind: "toc" | "hoc",
): void {
  const pcf = isObject(pf.pcf) ? pf.pcf : {};
  const amount = kind === "toc" ? "1" : "1000";
  const upa = parseDec(pcf.unitaryProductAmount);
  if (upa && !eqDec(upa, parseDec(amount) as Dec)) {
    const msg = `/pcf/unitaryProductAmount: ${fmt(upa)}, expected "${amount}"`;
    if (kind === "hoc") c.problems.push(msg);
    else c.notes.push(`${msg} (SHOULD)`);
  }
  const massPerUnit = parseDec(pcf.productMassPerDeclaredUnit);
  if (pcf.productMassPerDeclaredUnit === undefined) {
    c.notes.push(`/pcf/productMassPerDeclaredUnit not set (iLEAP: "${amount}"; mandatory from PACT v3)`);
  } else if (massPerUnit && !eqDec(massPerUnit, parseDec(amount) as Dec)) {
    c.problems.push(`/pcf/productMassPerDeclaredUnit: ${fmt(massPerUnit)}, expected "${amount}"`);
  }
  const intensity = parseDec(data.co2eIntensityWTW);
  if (intensity) {
    for (const field of ["pCfExcludingBiogenic", "fossilGhgEmissions"]) {
      const v = parseDec(pcf[field]);
      if (v && !closeToDec(v, intensity)) {
        c.problems.push(`/pcf/${field}: ${fmt(v)}, expected co2eIntensityWTW = ${fmt(intensity)}`);
      }
    }
  }
  checkShares(c, data, ptr);
}

/**
 * Checks one footprint whose productIds name an iLEAP data type: extension shape, the extension
 * data against its iLEAP schema, no nulls, and the PACT mapping rules of its kind.
 */
export function checkIleapFootprint(pf: JsonObject, kind: IleapKind, validate: Validate): IleapCheck {
  const c: IleapCheck = {
    kind,
    footprintId: String(pf.id),
    problems: [],
    notes: [],
    references: { toc: [], hoc: [] },
  };
  const kinds = ileapKindsOf(pf);
  if (kinds.size > 1)
    c.problems.push(`/productIds: names several iLEAP data types (${[...kinds].join(", ")})`);
  if (pf.productCategoryCpc !== "83117") {
    c.problems.push(`/productCategoryCpc: ${JSON.stringify(pf.productCategoryCpc)}, expected "83117"`);
  }
  for (const p of findNulls(pf)) c.problems.push(`${p}: null (omit absent optional fields)`);
  const pcf = isObject(pf.pcf) ? pf.pcf : {};
  const unit = kind === "hoc" ? "kilogram" : "ton kilometer";
  if (pcf.declaredUnit !== unit)
    c.problems.push(`/pcf/declaredUnit: ${JSON.stringify(pcf.declaredUnit)}, expected "${unit}"`);
  if (pcf.packagingEmissionsIncluded !== false) {
    c.problems.push(
      `/pcf/packagingEmissionsIncluded: ${JSON.stringify(pcf.packagingEmissionsIncluded)}, expected false`,
    );
  }
  const biogenic = parseDec(pcf.biogenicCarbonContent);
  if (biogenic?.units !== 0n) c.notes.push(`/pcf/biogenicCarbonContent is not "0" (SHOULD)`);
  if (pcf.pCfIncludingBiogenic !== undefined)
    c.notes.push("/pcf/pCfIncludingBiogenic is set (SHOULD be kept undefined)");
  const excl = parseDec(pcf.pCfExcludingBiogenic);
  const fossilContent = parseDec(pcf.fossilCarbonContent);
  if (excl && fossilContent && !eqDec(excl, fossilContent)) {
    c.notes.push("/pcf/fossilCarbonContent differs from pCfExcludingBiogenic (iLEAP mapping: same value)");
  }

  const extensions = Array.isArray(pf.extensions) ? pf.extensions : [];
  if (extensions.length === 0) {
    c.problems.push(
      `/extensions: missing or empty, expected one extension with dataSchema ${ILEAP_DATA_SCHEMA[kind]}`,
    );
    return c;
  }
  const expectedSchema = ILEAP_DATA_SCHEMA[kind];
  const ileapSchemas = new Set(Object.values(ILEAP_DATA_SCHEMA));
  const matching = extensions.flatMap((e, i) => (isObject(e) && e.dataSchema === expectedSchema ? [i] : []));
  const otherIleap = extensions.filter(
    (e) => isObject(e) && e.dataSchema !== expectedSchema && ileapSchemas.has(String(e.dataSchema)),
  );
  if (otherIleap.length) c.problems.push(`/extensions: holds more than one iLEAP data type`);
  if (extensions.length > 1 + otherIleap.length && matching.length === 1) {
    c.notes.push("/extensions: holds extensions besides the iLEAP one");
  }
  let index: number;
  if (matching.length === 1) {
    index = matching[0] as number;
  } else if (matching.length > 1) {
    c.problems.push(
      `/extensions: ${matching.length} extensions with dataSchema ${expectedSchema}, expected exactly one`,
    );
    index = matching[0] as number;
  } else {
    const seen = extensions.map((e) => (isObject(e) ? JSON.stringify(e.dataSchema) : "?")).join(", ");
    c.problems.push(`/extensions: no extension with dataSchema "${expectedSchema}" (found ${seen})`);
    if (extensions.length !== 1) return c;
    index = 0;
  }
  const ext = extensions[index];
  const ptr = `/extensions/${index}`;
  if (!isObject(ext)) {
    c.problems.push(`${ptr}: not an object`);
    return c;
  }
  if (ext.specVersion !== "2.0.0")
    c.problems.push(`${ptr}/specVersion: ${JSON.stringify(ext.specVersion)}, expected "2.0.0"`);
  if (ext.documentation === undefined) {
    c.notes.push(`${ptr.replace(/\d+$/, "*")}/documentation not set (SHOULD be ${ILEAP_DOCUMENTATION})`);
  } else if (ext.documentation !== ILEAP_DOCUMENTATION) {
    c.problems.push(
      `${ptr}/documentation: ${JSON.stringify(ext.documentation)}, expected "${ILEAP_DOCUMENTATION}"`,
    );
  }
  const data = ext.data;
  if (!isObject(data)) {
    c.problems.push(`${ptr}/data: not a JSON object`);
    return c;
  }
  const dataPtr = `${ptr}/data`;
  c.problems.push(...validate(SCHEMA_OF[kind], data, dataPtr));
  const declared = str(data[ID_FIELD[kind]]);
  if (declared !== undefined) {
    c.declaredId = declared;
    const ids = Array.isArray(pf.productIds) ? pf.productIds.map(parseIleapProductId) : [];
    if (!ids.some((p) => p?.kind === kind && p.id === declared)) {
      c.problems.push(
        `/productIds: no urn:pathfinder:product:customcode:(vendor|buyer)-assigned:${kind}:${declared} for ${dataPtr}/${pointerToken(ID_FIELD[kind])}`,
      );
    }
  }
  if (kind === "shipment") checkShipment(c, pf, data, dataPtr);
  else checkOperationCategory(c, pf, data, dataPtr, kind);
  return c;
}
