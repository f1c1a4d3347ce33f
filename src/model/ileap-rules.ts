/**
 * iLEAP and PACT rules that the JSON Schemas do not express (iLEAP v1.0 data model and §PACT
 * Integration, PACT v2, PROTOCOL.md §7). Every function returns `ValidationIssue[]` (empty = ok)
 * with JSON Pointers relative to the document passed in (or to the list, for set-level rules).
 *
 * The functions expect documents that passed the schema validators; they never throw on other
 * input, but skip the checks whose inputs are malformed (the schema validators report those).
 */
import {
  ILEAP_DATA_SCHEMA,
  ILEAP_DOCUMENTATION_URL,
  ILEAP_EXTENSION_SPEC_VERSION,
  ILEAP_PRODUCT_ID_PATTERN,
  ILEAP_URN_SEGMENT,
  LOGISTICS_CPC,
} from "./constants.ts";
import {
  compareDecimal,
  decimalEquals,
  isDecimalString,
  multiplyDecimal,
  scaleByPowerOfTen,
  sumDecimal,
  withinRoundingOrRelative,
} from "./decimal.ts";
import { footprintKind, ileapExtension, kindOfDataSchema } from "./ileap-mapping.ts";
import type {
  EnergyCarrier,
  GlecDistance,
  HOC,
  IleapKind,
  Location,
  ProductFootprint,
  ShipmentFootprint,
  TAD,
  TCE,
  TOC,
  ValidationIssue,
} from "./types.ts";

/** Stable rule ids used in {@link ValidationIssue.rule}. */
export const RULE = {
  tceTocOrHoc: "ileap.tce.toc-or-hoc",
  tceTransportActivity: "ileap.tce.transport-activity",
  tceCo2eWtw: "ileap.tce.co2e-wtw",
  tceCo2eTtw: "ileap.tce.co2e-ttw",
  tcePrevTceIds: "ileap.tce.prev-tce-ids",
  tceDuplicateId: "ileap.tce.duplicate-id",
  tceShipmentId: "ileap.tce.shipment-id",
  timeOrder: "ileap.time-order",
  nonEmpty: "ileap.non-empty",
  unique: "ileap.unique",
  decimal: "ileap.decimal",
  range: "ileap.range",
  shareSum: "ileap.energy-carriers.share-sum",
  feedstockShareSum: "ileap.feedstocks.share-sum",
  consumptionUnit: "ileap.energy-carriers.consumption-unit",
  latLng: "ileap.location.lat-lng",
  modeSpecific: "ileap.toc.mode-specific",
  tadDuplicateId: "ileap.tad.duplicate-id",
  setReference: "ileap.set.reference",
  pactCpc: "ileap.pact.product-category-cpc",
  pactDeclaredUnit: "ileap.pact.declared-unit",
  pactUnitaryAmount: "ileap.pact.unitary-product-amount",
  pactEmissions: "ileap.pact.emissions",
  pactMassPerDeclaredUnit: "ileap.pact.product-mass-per-declared-unit",
  pactIncludingBiogenic: "ileap.pact.pcf-including-biogenic",
  pactBiogenic: "ileap.pact.biogenic-carbon-content",
  pactPackaging: "ileap.pact.packaging-emissions-included",
  pactProductIds: "ileap.pact.product-ids",
  pactExtension: "ileap.pact.extension",
  pfId: "pact.pf-id",
  utcTimestamp: "pact.utc-timestamp",
  updated: "pact.updated",
  referencePeriod: "pact.reference-period",
  validityPeriod: "pact.validity-period",
  packagingGhg: "pact.packaging-ghg-emissions",
  emptyArray: "pact.empty-array",
  dataSchemaUrl: "pact.extension.data-schema-url",
} as const;

/** Options of the consistency rules. */
export type RuleOptions = {
  /**
   * Relative tolerance of computed values (transport activity, co2e from intensities, PACT sums),
   * as a decimal string. A reported value also passes when it equals the exact value rounded to
   * its own number of fractional digits. Default `"0.001"` (0.1 %).
   */
  readonly relativeTolerance?: string;
};

const DEFAULT_RELATIVE_TOLERANCE = "0.001";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

// ---------------------------------------------------------------------------------------------
// ProductFootprint
// ---------------------------------------------------------------------------------------------

/**
 * All rules of one ProductFootprint: the generic PACT rules ({@link pactRules}) and the iLEAP rules
 * ({@link ileapFootprintRules}).
 */
export function productFootprintRules(doc: ProductFootprint, options: RuleOptions = {}): ValidationIssue[] {
  return [...pactRules(doc), ...ileapFootprintRules(doc, options)];
}

/**
 * The iLEAP rules of one ProductFootprint: when it carries an iLEAP extension, the PACT mapping
 * rules ({@link ileapMappingRules}) and the rules of the embedded ShipmentFootprint, TOC or HOC
 * ({@link shipmentFootprintRules}, {@link tocRules}, {@link hocRules}); a plain PACT footprint gets
 * none. Does not include the generic PACT rules nor {@link ileapMappingRecommendations}.
 */
export function ileapFootprintRules(doc: ProductFootprint, options: RuleOptions = {}): ValidationIssue[] {
  const issues = ileapMappingRules(doc, options);
  const found = ileapExtension(doc);
  if (found) {
    const base = `/extensions/${found.index}/data`;
    const data = found.extension.data;
    if (isRecord(data)) {
      if (found.kind === "shipment-footprint") {
        issues.push(...shipmentFootprintRules(data as ShipmentFootprint, options, base));
      } else if (found.kind === "toc") issues.push(...tocRules(data as TOC, base));
      else issues.push(...hocRules(data as HOC, base));
    }
  }
  return issues;
}

/**
 * Generic PACT v2 rules beyond the schema: ids are UUID v4, timestamps are UTC with `Z`, `updated`
 * is after `created`, reference and validity periods are ordered (validity ≤ reference end + 3
 * years), no `packagingGhgEmissions` unless packaging emissions are included, no empty
 * `productOrSectorSpecificRules`/`secondaryEmissionFactorSources`, and extension `dataSchema`
 * values are absolute URLs.
 */
export function pactRules(doc: ProductFootprint): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof doc.id === "string" && !UUID_V4.test(doc.id)) {
    issues.push(issue("/id", "must be a UUID v4", RULE.pfId, doc.id));
  }
  (doc.precedingPfIds ?? []).forEach((id, i) => {
    if (typeof id === "string" && !UUID_V4.test(id)) {
      issues.push(issue(`/precedingPfIds/${i}`, "must be a UUID v4", RULE.pfId, id));
    }
    if (id === doc.id)
      issues.push(issue(`/precedingPfIds/${i}`, "must not be the footprint's own id", RULE.pfId, id));
  });
  const pcf = isRecord(doc.pcf) ? doc.pcf : undefined;
  const stamps: [string, unknown][] = [
    ["/created", doc.created],
    ["/updated", doc.updated],
    ["/validityPeriodStart", doc.validityPeriodStart],
    ["/validityPeriodEnd", doc.validityPeriodEnd],
    ["/pcf/referencePeriodStart", pcf?.referencePeriodStart],
    ["/pcf/referencePeriodEnd", pcf?.referencePeriodEnd],
    ["/pcf/assurance/completedAt", pcf?.assurance?.completedAt],
  ];
  issues.push(...utcIssues(stamps));
  if (isTime(doc.updated) && isTime(doc.created) && !(ms(doc.updated) > ms(doc.created))) {
    issues.push(issue("/updated", "must be strictly after created", RULE.updated, doc.updated));
  }
  if (pcf && isTime(pcf.referencePeriodStart) && isTime(pcf.referencePeriodEnd)) {
    if (!(ms(pcf.referencePeriodEnd) > ms(pcf.referencePeriodStart))) {
      issues.push(
        issue(
          "/pcf/referencePeriodEnd",
          "must be after referencePeriodStart",
          RULE.referencePeriod,
          pcf.referencePeriodEnd,
        ),
      );
    }
  }
  issues.push(...validityIssues(doc));
  if (pcf?.packagingEmissionsIncluded === false && pcf.packagingGhgEmissions !== undefined) {
    issues.push(
      issue(
        "/pcf/packagingGhgEmissions",
        "must not be defined when packagingEmissionsIncluded is false",
        RULE.packagingGhg,
        pcf.packagingGhgEmissions,
      ),
    );
  }
  for (const key of ["productOrSectorSpecificRules", "secondaryEmissionFactorSources"] as const) {
    const v = pcf?.[key];
    if (Array.isArray(v) && v.length === 0) {
      issues.push(issue(`/pcf/${key}`, "must be omitted instead of empty", RULE.emptyArray, v));
    }
  }
  (Array.isArray(doc.extensions) ? doc.extensions : []).forEach((ext, i) => {
    if (isRecord(ext) && typeof ext.dataSchema === "string" && !isAbsoluteUrl(ext.dataSchema)) {
      issues.push(
        issue(`/extensions/${i}/dataSchema`, "must be an absolute URL", RULE.dataSchemaUrl, ext.dataSchema),
      );
    }
  });
  return issues;
}

/**
 * The iLEAP → PACT mapping rules (iLEAP §PACT Integration, PROTOCOL.md §7) for a ProductFootprint
 * whose extensions carry an iLEAP object: one iLEAP data type only (in the extensions and in the
 * productIds URNs); exactly one extension (our policy, level `should`), with `specVersion`
 * `"2.0.0"`, the iLEAP `dataSchema` and (when set) `documentation`; `productCategoryCpc` `"83117"`;
 * the productIds URN with the object's id; `declaredUnit`; `unitaryProductAmount` (Σ
 * transportActivity, `1` (a SHOULD), `1000`); `productMassPerDeclaredUnit`, when set (the shipment
 * mass, `1`, `1000`); `pCfExcludingBiogenic` = `fossilGhgEmissions` = `fossilCarbonContent` (Σ
 * co2eWTW or the WTW intensity); `biogenicCarbonContent` `0` (a SHOULD);
 * `packagingEmissionsIncluded` `false`. Issues of level `should` follow the table's SHOULDs.
 * A footprint whose productIds designate an iLEAP kind but that has no iLEAP extension gets one
 * issue; a plain PACT footprint gets none.
 */
export function ileapMappingRules(doc: ProductFootprint, options: RuleOptions = {}): ValidationIssue[] {
  const found = ileapExtension(doc);
  if (!found) {
    const kind = footprintKind(doc);
    if (kind === "pcf") return [];
    return [
      issue(
        "/extensions",
        `productIds designate a ${kind} but no extension has dataSchema "${ILEAP_DATA_SCHEMA[kind]}"`,
        RULE.pactExtension,
        doc.extensions,
      ),
    ];
  }
  const { kind, index, extension } = found;
  const at = `/extensions/${index}`;
  const issues: ValidationIssue[] = [];
  const extensions = Array.isArray(doc.extensions) ? doc.extensions : [];
  const ileapCount = extensions.filter((e) => isRecord(e) && kindOfDataSchema(e.dataSchema)).length;
  if (ileapCount > 1) {
    // iLEAP §PACT Integration: "The extensions of one ProductFootprint CANNOT contain more than one
    // iLEAP Data Type."
    issues.push(
      issue(
        "/extensions",
        `must not hold more than one iLEAP data type (found ${ileapCount})`,
        RULE.pactExtension,
        ileapCount,
      ),
    );
  } else if (extensions.length !== 1) {
    // Not required by iLEAP (other extensions may sit next to the iLEAP one): our policy.
    issues.push(
      issue(
        "/extensions",
        "should hold the iLEAP extension only (policy of this package; iLEAP allows other extensions)",
        RULE.pactExtension,
        extensions.length,
        "should",
      ),
    );
  }
  if (extension.specVersion !== ILEAP_EXTENSION_SPEC_VERSION) {
    issues.push(
      issue(
        `${at}/specVersion`,
        `must be "${ILEAP_EXTENSION_SPEC_VERSION}"`,
        RULE.pactExtension,
        extension.specVersion,
      ),
    );
  }
  if (extension.dataSchema !== ILEAP_DATA_SCHEMA[kind]) {
    issues.push(
      issue(
        `${at}/dataSchema`,
        `must be "${ILEAP_DATA_SCHEMA[kind]}"`,
        RULE.pactExtension,
        extension.dataSchema,
      ),
    );
  }
  if (extension.documentation !== undefined && extension.documentation !== ILEAP_DOCUMENTATION_URL) {
    issues.push(
      issue(
        `${at}/documentation`,
        `must be "${ILEAP_DOCUMENTATION_URL}"`,
        RULE.pactExtension,
        extension.documentation,
      ),
    );
  }
  if (doc.productCategoryCpc !== LOGISTICS_CPC) {
    issues.push(
      issue("/productCategoryCpc", `must be "${LOGISTICS_CPC}"`, RULE.pactCpc, doc.productCategoryCpc),
    );
  }
  const data = isRecord(extension.data) ? extension.data : {};
  const objectId = kind === "shipment-footprint" ? data.shipmentId : kind === "toc" ? data.tocId : data.hocId;
  if (typeof objectId === "string") issues.push(...productIdIssues(doc, kind, objectId));
  issues.push(...otherKindProductIdIssues(doc, kind));

  const pcf = isRecord(doc.pcf) ? doc.pcf : undefined;
  if (!pcf) return issues;
  const declaredUnit = kind === "hoc" ? "kilogram" : "ton kilometer";
  if (pcf.declaredUnit !== declaredUnit) {
    issues.push(
      issue("/pcf/declaredUnit", `must be "${declaredUnit}"`, RULE.pactDeclaredUnit, pcf.declaredUnit),
    );
  }
  let amount: string | undefined;
  let emissions: string | undefined;
  if (kind === "shipment-footprint") {
    const tces = Array.isArray(data.tces) ? (data.tces as TCE[]) : [];
    amount = sumOf(tces.map((t) => t?.transportActivity));
    emissions = sumOf(tces.map((t) => t?.co2eWTW));
  } else {
    amount = kind === "toc" ? "1" : "1000";
    emissions = isDecimalString(data.co2eIntensityWTW) ? data.co2eIntensityWTW : undefined;
  }
  const exact = kind !== "shipment-footprint";
  if (amount !== undefined && isDecimalString(pcf.unitaryProductAmount)) {
    if (!matches(pcf.unitaryProductAmount, amount, options, exact)) {
      const message =
        kind === "shipment-footprint"
          ? `must equal the sum of tces[].transportActivity (${amount})`
          : `${kind === "toc" ? "should" : "must"} be "${amount}"`;
      issues.push(
        issue(
          "/pcf/unitaryProductAmount",
          message,
          RULE.pactUnitaryAmount,
          pcf.unitaryProductAmount,
          kind === "toc" ? "should" : undefined, // iLEAP: "SHOULD be set to "1"" for a TOC
        ),
      );
    }
  }
  const mass = pcf.productMassPerDeclaredUnit;
  if (mass !== undefined) {
    const expected = expectedMassPerDeclaredUnit(kind, data);
    if (!isDecimalString(mass)) {
      issues.push(
        issue(
          "/pcf/productMassPerDeclaredUnit",
          "must be a decimal string",
          RULE.pactMassPerDeclaredUnit,
          mass,
        ),
      );
    } else if (expected !== undefined && !decimalEquals(mass, expected)) {
      const source = kind === "shipment-footprint" ? `the shipment mass (${expected})` : `"${expected}"`;
      issues.push(
        issue("/pcf/productMassPerDeclaredUnit", `must equal ${source}`, RULE.pactMassPerDeclaredUnit, mass),
      );
    }
  }
  if (emissions !== undefined) {
    const source = kind === "shipment-footprint" ? "the sum of tces[].co2eWTW" : "co2eIntensityWTW";
    for (const key of ["pCfExcludingBiogenic", "fossilGhgEmissions", "fossilCarbonContent"] as const) {
      const v = pcf[key];
      if (isDecimalString(v) && !matches(v, emissions, options, exact)) {
        issues.push(issue(`/pcf/${key}`, `must equal ${source} (${emissions})`, RULE.pactEmissions, v));
      }
    }
  }
  if (isDecimalString(pcf.biogenicCarbonContent) && !decimalEquals(pcf.biogenicCarbonContent, "0")) {
    issues.push(
      issue(
        "/pcf/biogenicCarbonContent",
        'should be "0"',
        RULE.pactBiogenic,
        pcf.biogenicCarbonContent,
        "should", // iLEAP: "SHOULD be set to "0""
      ),
    );
  }
  if (pcf.packagingEmissionsIncluded !== false) {
    issues.push(
      issue(
        "/pcf/packagingEmissionsIncluded",
        "must be false",
        RULE.pactPackaging,
        pcf.packagingEmissionsIncluded,
      ),
    );
  }
  return issues;
}

/**
 * Recommendations of iLEAP §PACT Integration that writes do not enforce, all of level `should`,
 * for a ProductFootprint with an iLEAP extension: `productMassPerDeclaredUnit` set (optional in
 * PACT v2, mandatory from v3; see {@link ileapMappingRules} for its value),
 * `pCfIncludingBiogenic` kept undefined, and the extension's `documentation` set. A plain PACT
 * footprint gets none.
 */
export function ileapMappingRecommendations(doc: ProductFootprint): ValidationIssue[] {
  const found = ileapExtension(doc);
  if (!found) return [];
  const issues: ValidationIssue[] = [];
  const pcf = isRecord(doc.pcf) ? doc.pcf : undefined;
  if (pcf && pcf.productMassPerDeclaredUnit === undefined) {
    const data = isRecord(found.extension.data) ? found.extension.data : {};
    const expected = expectedMassPerDeclaredUnit(found.kind, data);
    const value =
      found.kind !== "shipment-footprint"
        ? `"${expected}"`
        : `the shipment mass${expected ? ` (${expected})` : ""}`;
    issues.push(
      issue(
        "/pcf/productMassPerDeclaredUnit",
        `should be set to ${value} (optional in PACT v2, mandatory from v3)`,
        RULE.pactMassPerDeclaredUnit,
        undefined,
        "should",
      ),
    );
  }
  if (pcf && pcf.pCfIncludingBiogenic !== undefined) {
    issues.push(
      issue(
        "/pcf/pCfIncludingBiogenic",
        "should be kept undefined",
        RULE.pactIncludingBiogenic,
        pcf.pCfIncludingBiogenic,
        "should",
      ),
    );
  }
  if (found.extension.documentation === undefined) {
    issues.push(
      issue(
        `/extensions/${found.index}/documentation`,
        `should be set to "${ILEAP_DOCUMENTATION_URL}"`,
        RULE.pactExtension,
        undefined,
        "should",
      ),
    );
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// iLEAP data types
// ---------------------------------------------------------------------------------------------

/**
 * Rules of a ShipmentFootprint: non-empty `tces` with unique `tceId`s and the footprint's
 * `shipmentId`, every TCE's own rules ({@link tceRules}), and `prevTceIds` that reference other
 * TCEs of the same footprint without cycles.
 * @param base JSON Pointer of the ShipmentFootprint within the validated document (default `""`).
 */
export function shipmentFootprintRules(
  sf: ShipmentFootprint,
  options: RuleOptions = {},
  base = "",
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const tces = arrayOf(sf.tces);
  if (tces.length === 0) issues.push(issue(`${base}/tces`, "must not be empty", RULE.nonEmpty, sf.tces));
  const ids = new Map<string, number>();
  tces.forEach((tce, i) => {
    if (!isObject(tce)) return;
    if (ids.has(tce.tceId)) {
      issues.push(
        issue(
          `${base}/tces/${i}/tceId`,
          "must be unique within the ShipmentFootprint",
          RULE.tceDuplicateId,
          tce.tceId,
        ),
      );
    } else ids.set(tce.tceId, i);
    if (
      typeof tce.shipmentId === "string" &&
      typeof sf.shipmentId === "string" &&
      tce.shipmentId !== sf.shipmentId
    ) {
      issues.push(
        issue(
          `${base}/tces/${i}/shipmentId`,
          `must equal the ShipmentFootprint's shipmentId "${sf.shipmentId}"`,
          RULE.tceShipmentId,
          tce.shipmentId,
        ),
      );
    }
    issues.push(...tceRules(tce, options, `${base}/tces/${i}`));
  });
  tces.forEach((tce, i) => {
    if (!isObject(tce)) return;
    arrayOf(tce.prevTceIds).forEach((prev, k) => {
      const at = `${base}/tces/${i}/prevTceIds/${k}`;
      if (prev === tce.tceId)
        issues.push(issue(at, "must not reference the TCE itself", RULE.tcePrevTceIds, prev));
      else if (!ids.has(prev)) {
        issues.push(
          issue(at, "must reference a TCE of the same ShipmentFootprint", RULE.tcePrevTceIds, prev),
        );
      }
    });
  });
  const cycle = findCycle(tces);
  if (cycle !== undefined) {
    issues.push(issue(`${base}/tces/${cycle}/prevTceIds`, "must not form a cycle", RULE.tcePrevTceIds));
  }
  return issues;
}

/**
 * Rules of one TCE: exactly one of `tocId`/`hocId`; `transportActivity` = distance × mass / 1000
 * for one of the given distances (`actual`, `sfd`, `gcd`); `departureAt` ≤ `arrivalAt`; UTC
 * timestamps; `lat`/`lng` together.
 * @param at JSON Pointer of the TCE (default `""`).
 */
export function tceRules(tce: TCE, options: RuleOptions = {}, at = ""): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const hasToc = tce.tocId !== undefined && tce.tocId !== null;
  const hasHoc = tce.hocId !== undefined && tce.hocId !== null;
  if (hasToc && hasHoc) {
    issues.push(issue(`${at}/hocId`, "must not be defined together with tocId", RULE.tceTocOrHoc, tce.hocId));
  } else if (!hasToc && !hasHoc) {
    issues.push(issue(at, "must define exactly one of tocId and hocId", RULE.tceTocOrHoc));
  }
  if (isDecimalString(tce.mass) && isDecimalString(tce.transportActivity)) {
    const candidates = distances(tce.distance);
    if (candidates.length > 0) {
      const expected = candidates.map((d) => scaleByPowerOfTen(multiplyDecimal(d.km, tce.mass), -3));
      if (!expected.some((e) => matches(tce.transportActivity, e, options))) {
        const shown = candidates.map((d, i) => `${expected[i]} (distance.${d.name})`).join(" or ");
        issues.push(
          issue(
            `${at}/transportActivity`,
            `must equal distance × mass / 1000 = ${shown}`,
            RULE.tceTransportActivity,
            tce.transportActivity,
          ),
        );
      }
    }
  }
  issues.push(
    ...utcIssues([
      [`${at}/departureAt`, tce.departureAt],
      [`${at}/arrivalAt`, tce.arrivalAt],
    ]),
  );
  if (isTime(tce.departureAt) && isTime(tce.arrivalAt) && ms(tce.arrivalAt) < ms(tce.departureAt)) {
    issues.push(issue(`${at}/arrivalAt`, "must not be before departureAt", RULE.timeOrder, tce.arrivalAt));
  }
  issues.push(
    ...locationIssues(tce.origin, `${at}/origin`),
    ...locationIssues(tce.destination, `${at}/destination`),
  );
  return issues;
}

/**
 * Rules of a TOC: energy carriers ({@link energyCarrierRules}, required), `loadFactor` in (0, 1],
 * `emptyDistanceFactor` in [0, 1), unique certifications, `truckLoadingSequence` only for Road and
 * `airShippingOption`/`flightLength` only for Air.
 * @param at JSON Pointer of the TOC (default `""`).
 */
export function tocRules(toc: TOC, at = ""): ValidationIssue[] {
  const issues = [
    ...energyCarrierRules(toc.energyCarriers, `${at}/energyCarriers`),
    ...factorIssues(toc, at),
    ...uniqueIssues(toc.certifications, `${at}/certifications`),
  ];
  if (toc.truckLoadingSequence !== undefined && toc.mode !== "Road") {
    issues.push(
      issue(
        `${at}/truckLoadingSequence`,
        "applies only to mode Road",
        RULE.modeSpecific,
        toc.truckLoadingSequence,
      ),
    );
  }
  for (const key of ["airShippingOption", "flightLength"] as const) {
    if (toc[key] !== undefined && toc.mode !== "Air") {
      issues.push(issue(`${at}/${key}`, "applies only to mode Air", RULE.modeSpecific, toc[key]));
    }
  }
  return issues;
}

/**
 * Rules of a HOC: energy carriers ({@link energyCarrierRules}, required), unique certifications,
 * `lat`/`lng` of the hub location together.
 * @param at JSON Pointer of the HOC (default `""`).
 */
export function hocRules(hoc: HOC, at = ""): ValidationIssue[] {
  return [
    ...energyCarrierRules(hoc.energyCarriers, `${at}/energyCarriers`),
    ...uniqueIssues(hoc.certifications, `${at}/certifications`),
    ...locationIssues(hoc.hubLocation, `${at}/hubLocation`),
  ];
}

/**
 * Rules of a TAD: non-empty `consignmentIds`, energy carriers when defined, `loadFactor` in (0, 1],
 * `emptyDistanceFactor` in [0, 1), UTC timestamps with `departureAt` ≤ `arrivalAt`, `lat`/`lng`
 * together.
 * @param at JSON Pointer of the TAD (default `""`).
 */
export function tadRules(tad: TAD, at = ""): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (Array.isArray(tad.consignmentIds) && tad.consignmentIds.length === 0) {
    issues.push(issue(`${at}/consignmentIds`, "must not be empty", RULE.nonEmpty, tad.consignmentIds));
  }
  if (tad.energyCarriers !== undefined && tad.energyCarriers !== null) {
    issues.push(...energyCarrierRules(tad.energyCarriers, `${at}/energyCarriers`));
  }
  issues.push(...factorIssues(tad, at));
  issues.push(
    ...utcIssues([
      [`${at}/departureAt`, tad.departureAt],
      [`${at}/arrivalAt`, tad.arrivalAt],
    ]),
  );
  if (isTime(tad.departureAt) && isTime(tad.arrivalAt) && ms(tad.arrivalAt) < ms(tad.departureAt)) {
    issues.push(issue(`${at}/arrivalAt`, "must not be before departureAt", RULE.timeOrder, tad.arrivalAt));
  }
  issues.push(
    ...locationIssues(tad.origin, `${at}/origin`),
    ...locationIssues(tad.destination, `${at}/destination`),
  );
  return issues;
}

/**
 * Rules of a list of energy carriers: non-empty; each `relativeShare` in (0, 1] and their sum
 * exactly 1; `feedstocks`, when defined, non-empty with each `feedstockShare` in [0, 1] and a sum
 * ≤ 1; `energyConsumptionUnit` defined whenever `energyConsumption` is.
 * @param at JSON Pointer of the array.
 */
export function energyCarrierRules(
  carriers: readonly EnergyCarrier[] | undefined,
  at: string,
): ValidationIssue[] {
  if (!Array.isArray(carriers)) return [];
  if (carriers.length === 0) return [issue(at, "must not be empty", RULE.nonEmpty, carriers)];
  const issues: ValidationIssue[] = [];
  const shares: string[] = [];
  carriers.forEach((c, i) => {
    if (!isRecord(c)) return;
    if (isDecimalString(c.relativeShare)) {
      shares.push(c.relativeShare);
      if (compareDecimal(c.relativeShare, "0") <= 0 || compareDecimal(c.relativeShare, "1") > 0) {
        issues.push(issue(`${at}/${i}/relativeShare`, "must be in (0, 1]", RULE.range, c.relativeShare));
      }
    }
    if (
      c.energyConsumption !== undefined &&
      c.energyConsumption !== null &&
      c.energyConsumptionUnit === undefined
    ) {
      issues.push(
        issue(
          `${at}/${i}/energyConsumptionUnit`,
          "is required when energyConsumption is defined",
          RULE.consumptionUnit,
        ),
      );
    }
    if (Array.isArray(c.feedstocks)) {
      if (c.feedstocks.length === 0) {
        issues.push(
          issue(`${at}/${i}/feedstocks`, "must be omitted instead of empty", RULE.nonEmpty, c.feedstocks),
        );
      }
      const fs: string[] = [];
      c.feedstocks.forEach((f, k) => {
        if (!isRecord(f) || !isDecimalString(f.feedstockShare)) return;
        fs.push(f.feedstockShare);
        if (compareDecimal(f.feedstockShare, "0") < 0 || compareDecimal(f.feedstockShare, "1") > 0) {
          issues.push(
            issue(
              `${at}/${i}/feedstocks/${k}/feedstockShare`,
              "must be in [0, 1]",
              RULE.range,
              f.feedstockShare,
            ),
          );
        }
      });
      const total = sumDecimal(fs);
      if (compareDecimal(total, "1") > 0) {
        issues.push(
          issue(
            `${at}/${i}/feedstocks`,
            `feedstockShare values must sum to at most 1 (sum ${total})`,
            RULE.feedstockShareSum,
          ),
        );
      }
    }
  });
  if (shares.length === carriers.length) {
    const total = sumDecimal(shares);
    if (!decimalEquals(total, "1")) {
      issues.push(issue(at, `relativeShare values must sum to 1 (sum ${total})`, RULE.shareSum, total));
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Sets
// ---------------------------------------------------------------------------------------------

/**
 * Set-level rules over a list of ProductFootprints (e.g. everything a host lists): every TOC/HOC
 * referenced by a ShipmentFootprint's TCE is itself in the list (iLEAP TC002/TC003), and, where the
 * referenced TOC/HOC is present, the TCE's `co2eWTW`/`co2eTTW` match activity × intensity:
 * `transportActivity` × intensity (TOC, `tkm`), TEU × distance × intensity (TOC, `TEUkm`, when the
 * TCE gives `Container-TEU`/`Container-FEU` amounts), mass in tonnes × intensity (HOC, `tonnes`),
 * TEU × intensity (HOC, `TEU`). Pointers start with the index of the footprint in `docs`.
 * The co2e checks are of level `should`: iLEAP names the TOC/HOC "used for the calculation" of a
 * TCE but states no formula as a MUST.
 */
export function footprintSetRules(
  docs: readonly ProductFootprint[],
  options: RuleOptions = {},
): ValidationIssue[] {
  const tocs = new Map<string, TOC>();
  const hocs = new Map<string, HOC>();
  for (const doc of docs) {
    const found = ileapExtension(doc);
    const data = found?.extension.data;
    if (!found || !isRecord(data)) continue;
    if (found.kind === "toc" && typeof data.tocId === "string") tocs.set(data.tocId, data as TOC);
    if (found.kind === "hoc" && typeof data.hocId === "string") hocs.set(data.hocId, data as HOC);
  }
  const issues: ValidationIssue[] = [];
  docs.forEach((doc, d) => {
    const found = ileapExtension(doc);
    if (found?.kind !== "shipment-footprint" || !isRecord(found.extension.data)) return;
    const sf = found.extension.data as ShipmentFootprint;
    arrayOf(sf.tces).forEach((tce, i) => {
      if (!isObject(tce)) return;
      const at = `/${d}/extensions/${found.index}/data/tces/${i}`;
      if (typeof tce.tocId === "string") {
        const toc = tocs.get(tce.tocId);
        if (!toc) {
          issues.push(
            issue(`${at}/tocId`, "references a TOC that is not in the set", RULE.setReference, tce.tocId),
          );
        } else issues.push(...co2eIssues(tce, tocExpectations(tce, toc), at, options));
      }
      if (typeof tce.hocId === "string") {
        const hoc = hocs.get(tce.hocId);
        if (!hoc) {
          issues.push(
            issue(`${at}/hocId`, "references a HOC that is not in the set", RULE.setReference, tce.hocId),
          );
        } else issues.push(...co2eIssues(tce, hocExpectations(tce, hoc), at, options));
      }
    });
  });
  return issues;
}

/** Set-level rule over TADs: `activityId` values are unique. Pointers start with the index. */
export function tadSetRules(tads: readonly TAD[]): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  tads.forEach((tad, i) => {
    if (!isRecord(tad) || typeof tad.activityId !== "string") return;
    if (seen.has(tad.activityId)) {
      issues.push(issue(`/${i}/activityId`, "must be unique", RULE.tadDuplicateId, tad.activityId));
    }
    seen.add(tad.activityId);
  });
  return issues;
}

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

function issue(
  pointer: string,
  message: string,
  rule: string,
  value?: unknown,
  level?: "should",
): ValidationIssue {
  return {
    pointer,
    message,
    ...(value === undefined ? {} : { value }),
    rule,
    ...(level === undefined ? {} : { level }),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Non-narrowing object test for typed inputs that may still be malformed at run time. */
function isObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The array itself, or an empty array when the value is not an array. */
function arrayOf<T>(v: readonly T[] | undefined): readonly T[] {
  return Array.isArray(v) ? v : [];
}

function isTime(v: unknown): v is string {
  return typeof v === "string" && !Number.isNaN(Date.parse(v));
}

function ms(v: string): number {
  return Date.parse(v);
}

function isAbsoluteUrl(v: string): boolean {
  try {
    return new URL(v).protocol.length > 1 && !v.startsWith("urn:");
  } catch {
    return false;
  }
}

function utcIssues(stamps: readonly [string, unknown][]): ValidationIssue[] {
  return stamps
    .filter(([, v]) => typeof v === "string" && !UTC_TIMESTAMP.test(v))
    .map(([at, v]) => issue(at, "must be an ISO 8601 UTC timestamp ending in Z", RULE.utcTimestamp, v));
}

function validityIssues(doc: ProductFootprint): ValidationIssue[] {
  const start = doc.validityPeriodStart;
  const end = doc.validityPeriodEnd;
  if (start === undefined && end === undefined) return [];
  if (start === undefined || end === undefined) {
    const missing = start === undefined ? "/validityPeriodStart" : "/validityPeriodEnd";
    return [
      issue(
        missing,
        "validityPeriodStart and validityPeriodEnd must be defined together",
        RULE.validityPeriod,
      ),
    ];
  }
  if (!isTime(start) || !isTime(end)) return [];
  const issues: ValidationIssue[] = [];
  if (!(ms(end) > ms(start))) {
    issues.push(issue("/validityPeriodEnd", "must be after validityPeriodStart", RULE.validityPeriod, end));
  }
  const refEnd = doc.pcf?.referencePeriodEnd;
  if (isTime(refEnd)) {
    if (ms(start) < ms(refEnd)) {
      issues.push(
        issue(
          "/validityPeriodStart",
          "must not be before pcf.referencePeriodEnd",
          RULE.validityPeriod,
          start,
        ),
      );
    }
    const limit = new Date(ms(refEnd));
    limit.setUTCFullYear(limit.getUTCFullYear() + 3);
    if (ms(end) > limit.getTime()) {
      issues.push(
        issue(
          "/validityPeriodEnd",
          "must not be later than pcf.referencePeriodEnd + 3 years",
          RULE.validityPeriod,
          end,
        ),
      );
    }
  }
  return issues;
}

function productIdIssues(doc: ProductFootprint, kind: IleapKind, objectId: string): ValidationIssue[] {
  const segment = ILEAP_URN_SEGMENT[kind];
  const productIds = Array.isArray(doc.productIds) ? doc.productIds : [];
  const ok = productIds.some((pid) => {
    const m = typeof pid === "string" ? ILEAP_PRODUCT_ID_PATTERN.exec(pid) : null;
    return m !== null && m[2] === segment && m[3] === objectId;
  });
  if (ok) return [];
  return [
    issue(
      "/productIds",
      `must contain urn:pathfinder:product:customcode:{vendor|buyer}-assigned:${segment}:${objectId}`,
      RULE.pactProductIds,
      doc.productIds,
    ),
  ];
}

/**
 * Productids URNs of another iLEAP kind than the footprint's extension: a footprint designates one
 * iLEAP data type only.
 */
const URN_LABEL: Readonly<Record<string, string>> = { shipment: "ShipmentFootprint", toc: "TOC", hoc: "HOC" };

function otherKindProductIdIssues(doc: ProductFootprint, kind: IleapKind): ValidationIssue[] {
  const segment = ILEAP_URN_SEGMENT[kind];
  const productIds = Array.isArray(doc.productIds) ? doc.productIds : [];
  const issues: ValidationIssue[] = [];
  productIds.forEach((pid, i) => {
    const m = typeof pid === "string" ? ILEAP_PRODUCT_ID_PATTERN.exec(pid) : null;
    if (m && m[2] !== segment) {
      issues.push(
        issue(
          `/productIds/${i}`,
          `designates a ${URN_LABEL[m[2] ?? ""] ?? m[2]}, but the footprint carries a ${URN_LABEL[segment]} (one iLEAP data type per footprint)`,
          RULE.pactProductIds,
          pid,
        ),
      );
    }
  });
  return issues;
}

/**
 * `productMassPerDeclaredUnit` by iLEAP §PACT Integration: the shipment mass (ShipmentFootprint),
 * `"1"` (TOC), `"1000"` (HOC); undefined when the shipment mass is not a decimal.
 */
function expectedMassPerDeclaredUnit(kind: IleapKind, data: Record<string, unknown>): string | undefined {
  if (kind === "toc") return "1";
  if (kind === "hoc") return "1000";
  return isDecimalString(data.mass) ? data.mass : undefined;
}

/** Sum of decimal strings, or undefined when one is malformed. */
function sumOf(values: readonly unknown[]): string | undefined {
  return values.every(isDecimalString) ? sumDecimal(values) : undefined;
}

/**
 * True when `reported` equals `expected` within the tolerance: exact when `exact`, else within the
 * relative tolerance or the rounding of `reported` to its own fractional digits.
 */
function matches(reported: string, expected: string, options: RuleOptions, exact = false): boolean {
  if (exact) return decimalEquals(reported, expected);
  return withinRoundingOrRelative(
    reported,
    expected,
    options.relativeTolerance ?? DEFAULT_RELATIVE_TOLERANCE,
  );
}

function distances(distance: GlecDistance | undefined): { name: string; km: string }[] {
  if (!isRecord(distance)) return [];
  const out: { name: string; km: string }[] = [];
  for (const name of ["actual", "sfd", "gcd"] as const) {
    const km = distance[name];
    if (isDecimalString(km)) out.push({ name, km });
  }
  return out;
}

/** Number of TEU of a TCE, when it gives containers in TEU or FEU. */
function teuOf(tce: TCE): string | undefined {
  if (!isDecimalString(tce.packagingOrTrEqAmount)) return undefined;
  if (tce.packagingOrTrEqType === "Container-TEU") return tce.packagingOrTrEqAmount;
  if (tce.packagingOrTrEqType === "Container-FEU") return multiplyDecimal(tce.packagingOrTrEqAmount, "2");
  return undefined;
}

/** Candidate activities (in the intensity's denominator unit) of a TCE under a TOC. */
type Expectation = {
  readonly activities: readonly string[];
  readonly wtw: string;
  readonly ttw: string;
  readonly unit: string;
};

function tocExpectations(tce: TCE, toc: TOC): Expectation | undefined {
  if (!isDecimalString(toc.co2eIntensityWTW) || !isDecimalString(toc.co2eIntensityTTW)) return undefined;
  let activities: string[] = [];
  if (toc.transportActivityUnit === "tkm" && isDecimalString(tce.transportActivity))
    activities = [tce.transportActivity];
  if (toc.transportActivityUnit === "TEUkm") {
    const teu = teuOf(tce);
    if (teu !== undefined) activities = distances(tce.distance).map((d) => multiplyDecimal(teu, d.km));
  }
  if (activities.length === 0) return undefined;
  return {
    activities,
    wtw: toc.co2eIntensityWTW,
    ttw: toc.co2eIntensityTTW,
    unit: toc.transportActivityUnit,
  };
}

function hocExpectations(tce: TCE, hoc: HOC): Expectation | undefined {
  if (!isDecimalString(hoc.co2eIntensityWTW) || !isDecimalString(hoc.co2eIntensityTTW)) return undefined;
  let activity: string | undefined;
  if (hoc.hubActivityUnit === "tonnes" && isDecimalString(tce.mass))
    activity = scaleByPowerOfTen(tce.mass, -3);
  if (hoc.hubActivityUnit === "TEU") activity = teuOf(tce);
  if (activity === undefined) return undefined;
  return {
    activities: [activity],
    wtw: hoc.co2eIntensityWTW,
    ttw: hoc.co2eIntensityTTW,
    unit: hoc.hubActivityUnit,
  };
}

function co2eIssues(
  tce: TCE,
  exp: Expectation | undefined,
  at: string,
  options: RuleOptions,
): ValidationIssue[] {
  if (!exp) return [];
  const issues: ValidationIssue[] = [];
  const checks = [
    ["co2eWTW", tce.co2eWTW, exp.wtw, RULE.tceCo2eWtw],
    ["co2eTTW", tce.co2eTTW, exp.ttw, RULE.tceCo2eTtw],
  ] as const;
  for (const [key, reported, intensity, rule] of checks) {
    if (!isDecimalString(reported)) continue;
    const expected = exp.activities.map((a) => multiplyDecimal(a, intensity));
    if (!expected.some((e) => matches(reported, e, options))) {
      issues.push(
        issue(
          `${at}/${key}`,
          `should equal activity (${exp.activities.join(" or ")} ${exp.unit}) × intensity ${intensity} = ${expected.join(" or ")}`,
          rule,
          reported,
          "should",
        ),
      );
    }
  }
  return issues;
}

function factorIssues(
  o: { readonly loadFactor?: unknown; readonly emptyDistanceFactor?: unknown },
  at: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const lf = o.loadFactor;
  if (typeof lf === "string") {
    if (!isDecimalString(lf))
      issues.push(issue(`${at}/loadFactor`, "must be a decimal string", RULE.decimal, lf));
    else if (compareDecimal(lf, "0") <= 0 || compareDecimal(lf, "1") > 0) {
      issues.push(issue(`${at}/loadFactor`, "must be in (0, 1]", RULE.range, lf));
    }
  }
  const edf = o.emptyDistanceFactor;
  if (typeof edf === "string") {
    if (!isDecimalString(edf))
      issues.push(issue(`${at}/emptyDistanceFactor`, "must be a decimal string", RULE.decimal, edf));
    else if (compareDecimal(edf, "0") < 0 || compareDecimal(edf, "1") >= 0) {
      issues.push(issue(`${at}/emptyDistanceFactor`, "must be in [0, 1)", RULE.range, edf));
    }
  }
  return issues;
}

function uniqueIssues(values: readonly unknown[] | undefined, at: string): ValidationIssue[] {
  if (!Array.isArray(values)) return [];
  const issues: ValidationIssue[] = [];
  if (values.length === 0) issues.push(issue(at, "must be omitted instead of empty", RULE.nonEmpty, values));
  const seen = new Set<unknown>();
  values.forEach((v, i) => {
    if (seen.has(v)) issues.push(issue(`${at}/${i}`, "must not repeat a value", RULE.unique, v));
    seen.add(v);
  });
  return issues;
}

function locationIssues(loc: Location | undefined, at: string): ValidationIssue[] {
  if (!isRecord(loc)) return [];
  const hasLat = loc.lat !== undefined && loc.lat !== null;
  const hasLng = loc.lng !== undefined && loc.lng !== null;
  if (hasLat === hasLng) return [];
  const missing = hasLat ? "lng" : "lat";
  return [issue(`${at}/${missing}`, "lat and lng must be defined together", RULE.latLng)];
}

/** Index of a TCE on a `prevTceIds` cycle, if any. */
function findCycle(tces: readonly TCE[]): number | undefined {
  const index = new Map<string, number>();
  tces.forEach((t, i) => {
    if (isRecord(t) && typeof t.tceId === "string" && !index.has(t.tceId)) index.set(t.tceId, i);
  });
  const state = new Array<0 | 1 | 2>(tces.length).fill(0); // 0 new, 1 on stack, 2 done
  const visit = (i: number): number | undefined => {
    if (state[i] === 1) return i;
    if (state[i] === 2) return undefined;
    state[i] = 1;
    const t = tces[i];
    for (const prev of isRecord(t) && Array.isArray(t.prevTceIds) ? t.prevTceIds : []) {
      const j = index.get(prev);
      if (j === undefined || j === i) continue; // reported elsewhere
      const found = visit(j);
      if (found !== undefined) return found;
    }
    state[i] = 2;
    return undefined;
  };
  for (let i = 0; i < tces.length; i++) {
    const found = visit(i);
    if (found !== undefined) return found;
  }
  return undefined;
}
