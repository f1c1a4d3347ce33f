/**
 * One stored footprint, two renderings: the PACT v2 ↔ v3 field map (ours, documented in the README
 * section "PACT v3"). A footprint is authored in one version and rendered in the other when that
 * version can represent it validly; otherwise the rendering is absent and a reason says why.
 *
 * The declared-unit basis shift (PACT 3.0 `declaredUnitAmount`: "Emissions in this carbon footprint
 * are expressed in kgCO2e per 'declared unit'", the declared unit being `declaredUnitAmount` ×
 * `declaredUnitOfMeasurement`; v2: per one `declaredUnit`, `unitaryProductAmount` of them in the
 * product): v3 value = v2 value × amount, v2 value = v3 value ÷ amount, with exact decimal
 * arithmetic (a quotient that is not a finite decimal makes the v2 rendering absent rather than
 * rounded). iLEAP footprints are the exception: the iLEAP mapping already states the emissions of
 * the whole `unitaryProductAmount` (Σ `co2eWTW` over Σ tkm, the HOC intensity per 1000 kg), which is
 * v3's basis, so their values are unchanged.
 */
import { DECIMAL_PATTERN, divideDecimal, multiplyDecimal, normalizeDecimal } from "../decimal.ts";
import { footprintKind } from "../ileap-mapping.ts";

type Doc = Record<string, unknown>;

/** The outcome of rendering a footprint in the other version. */
export type Rendering =
  | { readonly ok: true; readonly doc: Doc }
  | { readonly ok: false; readonly reason: string };

/** `specVersion` of the v3 documents we render from v2 ones. */
export const RENDERED_V3_SPEC_VERSION = "3.0.0";
/** `specVersion` of the v2 documents we render from v3 ones (the version our v2 documents follow). */
export const RENDERED_V2_SPEC_VERSION = "2.2.0";

/** v2 `crossSectoralStandardsUsed` value ↔ v3 `crossSectoralStandards` value. */
const STANDARDS: readonly (readonly [string, string])[] = [
  ["GHG Protocol Product standard", "GHGP-Product"],
  ["ISO Standard 14067", "ISO14067"],
  ["ISO Standard 14044", "ISO14040-44"],
];

/** Declared units of v3 whose product mass is "not relevant" (PACT 3.0: populated with `0`). */
const MASSLESS_UNITS = new Set(["kilowatt hour", "megajoule", "ton kilometer"]);

/** v2 CarbonFootprint decimals (per one declared unit) and their v3 names. */
const SHIFTED_V2_TO_V3: readonly (readonly [string, string])[] = [
  ["pCfExcludingBiogenic", "pcfExcludingBiogenicUptake"],
  ["pCfIncludingBiogenic", "pcfIncludingBiogenicUptake"],
  ["fossilGhgEmissions", "fossilGhgEmissions"],
  ["fossilCarbonContent", "fossilCarbonContent"],
  ["biogenicCarbonContent", "biogenicCarbonContent"],
  ["dLucGhgEmissions", "landUseChangeGhgEmissions"],
  ["aircraftGhgEmissions", "aircraftGhgEmissions"],
  ["packagingGhgEmissions", "packagingGhgEmissions"],
];

/** UN CPC classification URN prefix (PACT 3.0 §Product Identification, `urn:pact:productclassification:un-cpc:`). */
export const UN_CPC_PREFIX = "urn:pact:productclassification:un-cpc:";

const isRecord = (v: unknown): v is Doc => !!v && typeof v === "object" && !Array.isArray(v);
const fail = (reason: string): Rendering => ({ ok: false, reason });

/** A JSON number as an exact decimal string (no exponent), or undefined. */
export function numberToDecimal(n: unknown): string | undefined {
  if (typeof n !== "number" || !Number.isFinite(n)) return undefined;
  const text = String(n);
  if (DECIMAL_PATTERN.test(text)) return text;
  // Exponent form (1e-7, 1.5e+21): shift the mantissa's digits.
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return undefined;
  const [, sign, int, frac = "", exp] = m;
  const digits = `${int}${frac}`;
  const point = int!.length + Number(exp);
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return normalizeDecimal(`${sign}${out}`);
}

/** A v3 decimal string (which may carry a `+`) as a normalised decimal string, or undefined. */
function v3Decimal(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.startsWith("+") ? v.slice(1) : v;
  return DECIMAL_PATTERN.test(s) ? normalizeDecimal(s) : undefined;
}

/** `a ÷ b` when the quotient is a finite decimal (exact), else undefined. */
function exactQuotient(a: string, b: string): string | undefined {
  // A quotient that terminates has at most as many fractional digits as a's scale plus the power
  // of ten that b's factors 2 and 5 need; 60 extra digits cover every realistic amount.
  const q = divideDecimal(a, b, { scale: 60, rounding: "down" });
  return multiplyDecimal(q, b) === normalizeDecimal(a) ? q : undefined;
}

// ---------------------------------------------------------------------------------------------
// v2 → v3
// ---------------------------------------------------------------------------------------------

/**
 * The v3 rendering of a (valid) v2 ProductFootprint. Absent when v3 cannot represent it: no
 * `pCfIncludingBiogenic` (mandatory in v3; iLEAP footprints excepted, see the README), no
 * crossSectoralStandards that v3 knows, or no product mass for a unit that needs one.
 * Dropped (no v3 counterpart): `version`, `updated`, `statusComment`, `productCategoryCpc` (becomes
 * a UN CPC `productClassifications` URN), `characterizationFactors`, `iLucGhgEmissions`,
 * `landManagementGhgEmissions`, `otherBiogenicGhgEmissions`, `biogenicCarbonWithdrawal`,
 * `biogenicAccountingMethodology`, `uncertaintyAssessmentDescription`, the DQIs v3 removed.
 * The result is not validated here: the caller validates it against the v3 schema.
 */
export function v2ToV3(doc: Doc): Rendering {
  const pcf = isRecord(doc.pcf) ? doc.pcf : {};
  const ileap = footprintKind(doc) !== "pcf";
  const amount = typeof pcf.unitaryProductAmount === "string" ? pcf.unitaryProductAmount : undefined;
  if (!amount || !DECIMAL_PATTERN.test(amount)) return fail("pcf.unitaryProductAmount is not a decimal");
  const unit = pcf.declaredUnit;
  const shift = (v: unknown): string | undefined =>
    typeof v === "string" && DECIMAL_PATTERN.test(v)
      ? ileap
        ? normalizeDecimal(v)
        : multiplyDecimal(v, amount)
      : undefined;

  const out: Doc = {};
  out.id = doc.id;
  out.specVersion = RENDERED_V3_SPEC_VERSION;
  if (Array.isArray(doc.precedingPfIds) && doc.precedingPfIds.length > 0)
    out.precedingPfIds = doc.precedingPfIds;
  out.created = doc.created;
  out.status = doc.status;
  if (doc.validityPeriodStart !== undefined) out.validityPeriodStart = doc.validityPeriodStart;
  if (doc.validityPeriodEnd !== undefined) out.validityPeriodEnd = doc.validityPeriodEnd;
  out.companyName = doc.companyName;
  out.companyIds = doc.companyIds;
  out.productDescription = doc.productDescription;
  out.productIds = doc.productIds;
  const classifications = Array.isArray(doc.productClassifications)
    ? [...(doc.productClassifications as unknown[])]
    : [];
  if (typeof doc.productCategoryCpc === "string" && doc.productCategoryCpc !== "") {
    const urn = `${UN_CPC_PREFIX}${doc.productCategoryCpc}`;
    if (!classifications.includes(urn)) classifications.unshift(urn);
  }
  if (classifications.length > 0) out.productClassifications = classifications;
  out.productNameCompany = doc.productNameCompany;
  if (typeof doc.comment === "string" && doc.comment !== "") out.comment = doc.comment;

  const p: Doc = {};
  p.declaredUnitOfMeasurement = unit;
  p.declaredUnitAmount = normalizeDecimal(amount);
  const mass =
    typeof pcf.productMassPerDeclaredUnit === "string" ? pcf.productMassPerDeclaredUnit : undefined;
  if (ileap && mass !== undefined && DECIMAL_PATTERN.test(mass))
    p.productMassPerDeclaredUnit = normalizeDecimal(mass);
  else if (unit === "kilogram") p.productMassPerDeclaredUnit = normalizeDecimal(amount);
  else if (typeof unit === "string" && MASSLESS_UNITS.has(unit)) p.productMassPerDeclaredUnit = "0";
  else if (mass !== undefined && DECIMAL_PATTERN.test(mass))
    p.productMassPerDeclaredUnit = multiplyDecimal(mass, amount);
  else
    return fail(
      `v3 requires pcf.productMassPerDeclaredUnit, and this footprint (declared unit ${JSON.stringify(unit)}) does not state its mass`,
    );
  p.referencePeriodStart = pcf.referencePeriodStart;
  p.referencePeriodEnd = pcf.referencePeriodEnd;
  for (const g of ["geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision"])
    if (pcf[g] !== undefined) p[g] = pcf[g];
  if (typeof pcf.boundaryProcessesDescription === "string" && pcf.boundaryProcessesDescription !== "")
    p.boundaryProcessesDescription = pcf.boundaryProcessesDescription;
  for (const [from, to] of SHIFTED_V2_TO_V3) {
    const v = shift(pcf[from]);
    if (v !== undefined) p[to] = v;
  }
  if (p.pcfIncludingBiogenicUptake === undefined) {
    // iLEAP: logistics emissions have no biogenic uptake (GLEC v3.1; iLEAP keeps pCfIncludingBiogenic
    // undefined until GLEC v4), so including = excluding. Plain PCFs: v3 needs the value.
    if (ileap && p.pcfExcludingBiogenicUptake !== undefined)
      p.pcfIncludingBiogenicUptake = p.pcfExcludingBiogenicUptake;
    else
      return fail(
        "v3 requires pcf.pcfIncludingBiogenicUptake, and this v2 footprint has no pCfIncludingBiogenic",
      );
  }
  if (typeof pcf.packagingEmissionsIncluded === "boolean")
    p.packagingEmissionsIncluded = pcf.packagingEmissionsIncluded;
  p.ipccCharacterizationFactors = Array.isArray(pcf.ipccCharacterizationFactorsSources)
    ? pcf.ipccCharacterizationFactorsSources
    : typeof pcf.characterizationFactors === "string"
      ? [pcf.characterizationFactors]
      : [];
  const standards = Array.isArray(pcf.crossSectoralStandardsUsed)
    ? (pcf.crossSectoralStandardsUsed as unknown[])
        .map((s) => STANDARDS.find(([v2]) => v2 === s)?.[1])
        .filter((s): s is string => s !== undefined)
    : [];
  if (ileap && !standards.includes("ISO14083")) standards.push("ISO14083");
  if (standards.length === 0)
    return fail(
      "v3 requires at least one crossSectoralStandards entry, and this footprint names none v3 knows",
    );
  p.crossSectoralStandards = [...new Set(standards)];
  if (Array.isArray(pcf.productOrSectorSpecificRules) && pcf.productOrSectorSpecificRules.length > 0)
    p.productOrSectorSpecificRules = pcf.productOrSectorSpecificRules;
  const exempted = numberToDecimal(pcf.exemptedEmissionsPercent);
  if (exempted === undefined) return fail("pcf.exemptedEmissionsPercent is not a number");
  p.exemptedEmissionsPercent = exempted;
  if (typeof pcf.exemptedEmissionsDescription === "string" && pcf.exemptedEmissionsDescription !== "")
    p.exemptedEmissionsDescription = pcf.exemptedEmissionsDescription;
  if (typeof pcf.allocationRulesDescription === "string")
    p.allocationRulesDescription = pcf.allocationRulesDescription;
  if (Array.isArray(pcf.secondaryEmissionFactorSources) && pcf.secondaryEmissionFactorSources.length > 0)
    p.secondaryEmissionFactorSources = pcf.secondaryEmissionFactorSources;
  const share = numberToDecimal(pcf.primaryDataShare);
  if (share !== undefined) p.primaryDataShare = share;
  if (isRecord(pcf.dqi)) {
    const t = numberToDecimal(pcf.dqi.technologicalDQR);
    const g = numberToDecimal(pcf.dqi.geographicalDQR);
    const m = numberToDecimal(pcf.dqi.temporalDQR);
    if (t !== undefined && g !== undefined && m !== undefined)
      p.dqi = { technologicalDQR: t, geographicalDQR: g, temporalDQR: m };
  }
  if (isRecord(pcf.assurance) && pcf.assurance.assurance === true) {
    const a = pcf.assurance;
    const verification: Doc = {};
    if (a.coverage === "product level") verification.coverage = "product level";
    if (typeof a.providerName === "string") verification.providerName = a.providerName;
    if (typeof a.completedAt === "string") verification.completedAt = a.completedAt;
    if (typeof a.standardName === "string") verification.standardName = a.standardName;
    if (typeof a.comments === "string") verification.comments = a.comments;
    p.verification = verification;
  }
  out.pcf = p;
  if (Array.isArray(doc.extensions) && doc.extensions.length > 0) out.extensions = doc.extensions;
  return { ok: true, doc: out };
}

// ---------------------------------------------------------------------------------------------
// v3 → v2
// ---------------------------------------------------------------------------------------------

/** v2 `declaredUnit` values (v3 adds `piece`, `hour`, `megabit second`). */
const V2_UNITS = new Set([
  "liter",
  "kilogram",
  "cubic meter",
  "kilowatt hour",
  "megajoule",
  "ton kilometer",
  "square meter",
]);

/** v3 CarbonFootprint decimals and their v2 names (divided by the amount). */
const SHIFTED_V3_TO_V2: readonly (readonly [string, string])[] = SHIFTED_V2_TO_V3.map(([v2, v3]) => [v3, v2]);

/**
 * The v2 rendering of a (valid) v3 ProductFootprint, as version `version` (v3 documents carry no
 * version; the store counts them: 1, or 2 once deprecated). Absent when v2 cannot represent it: a
 * declared unit v2 lacks, no UN CPC classification (v2's mandatory `productCategoryCpc`), no
 * `biogenicCarbonContent` or `packagingEmissionsIncluded` (mandatory in v2), no AR5/AR6
 * characterization factors, `exemptedEmissionsPercent` above 5, a negative
 * `pcfExcludingBiogenicUptake`, or a value per one declared unit that is not a finite decimal.
 * Dropped (no v2 counterpart): the v3-only CarbonFootprint properties (land, CCS/CCU, outbound
 * logistics, …), the DQIs (v2 needs six of them), verification without a provider name.
 */
export function v3ToV2(doc: Doc, version = 1): Rendering {
  const pcf = isRecord(doc.pcf) ? doc.pcf : {};
  const ileap = footprintKind(doc) !== "pcf";
  const unit = pcf.declaredUnitOfMeasurement;
  if (typeof unit !== "string" || !V2_UNITS.has(unit))
    return fail(`PACT v2 has no declared unit ${JSON.stringify(unit)}`);
  const amount = v3Decimal(pcf.declaredUnitAmount);
  if (amount === undefined) return fail("pcf.declaredUnitAmount is not a decimal");
  const classifications = Array.isArray(doc.productClassifications)
    ? (doc.productClassifications as unknown[])
    : [];
  const cpc = classifications
    .filter((c): c is string => typeof c === "string")
    .find((c) => c.toLowerCase().startsWith(UN_CPC_PREFIX) && c.length > UN_CPC_PREFIX.length)
    ?.slice(UN_CPC_PREFIX.length);
  if (cpc === undefined)
    return fail(
      `v2 requires productCategoryCpc, and no productClassifications entry is a UN CPC URN (${UN_CPC_PREFIX}…)`,
    );

  const out: Doc = {};
  out.id = doc.id;
  out.specVersion = RENDERED_V2_SPEC_VERSION;
  if (Array.isArray(doc.precedingPfIds) && doc.precedingPfIds.length > 0)
    out.precedingPfIds = doc.precedingPfIds;
  out.version = version;
  out.created = doc.created;
  out.status = doc.status;
  if (doc.validityPeriodStart !== undefined) out.validityPeriodStart = doc.validityPeriodStart;
  if (doc.validityPeriodEnd !== undefined) out.validityPeriodEnd = doc.validityPeriodEnd;
  out.companyName = doc.companyName;
  out.companyIds = doc.companyIds;
  out.productDescription = doc.productDescription;
  out.productIds = doc.productIds;
  out.productCategoryCpc = cpc;
  out.productNameCompany = doc.productNameCompany;
  out.comment = typeof doc.comment === "string" ? doc.comment : "";

  const p: Doc = { declaredUnit: unit, unitaryProductAmount: amount };
  const perUnit = (v: string): string | undefined => (ileap ? v : exactQuotient(v, amount));
  for (const [from, to] of SHIFTED_V3_TO_V2) {
    const v = v3Decimal(pcf[from]);
    if (v === undefined) continue;
    const q = perUnit(v);
    if (q === undefined)
      return fail(
        `pcf.${from} ÷ declaredUnitAmount (${v} ÷ ${amount}) is not a finite decimal; v2 states values per one declared unit`,
      );
    p[to] = q;
  }
  if (ileap && p.pCfIncludingBiogenic === p.pCfExcludingBiogenic) delete p.pCfIncludingBiogenic; // iLEAP: SHOULD stay undefined
  if (typeof p.pCfExcludingBiogenic === "string" && p.pCfExcludingBiogenic.startsWith("-"))
    return fail("v2 requires pCfExcludingBiogenic ≥ 0, and pcfExcludingBiogenicUptake is negative");
  if (p.biogenicCarbonContent === undefined)
    return fail("v2 requires pcf.biogenicCarbonContent, and this v3 footprint has none");
  // Optional in v2.x (PACT 3.0: "mandatory in 3.0, optional in v2.x"), per one declared unit there.
  const mass = v3Decimal(pcf.productMassPerDeclaredUnit);
  const massPerUnit = mass === undefined ? undefined : perUnit(mass);
  if (massPerUnit !== undefined) p.productMassPerDeclaredUnit = massPerUnit;
  const factors = Array.isArray(pcf.ipccCharacterizationFactors)
    ? (pcf.ipccCharacterizationFactors as unknown[])
    : [];
  const characterization = factors.includes("AR6") ? "AR6" : factors.includes("AR5") ? "AR5" : undefined;
  if (characterization === undefined)
    return fail(
      "v2 requires characterizationFactors AR5 or AR6, and ipccCharacterizationFactors names neither",
    );
  p.characterizationFactors = characterization;
  p.ipccCharacterizationFactorsSources = factors;
  const standards = Array.isArray(pcf.crossSectoralStandards)
    ? (pcf.crossSectoralStandards as unknown[])
    : [];
  p.crossSectoralStandardsUsed = STANDARDS.filter(([, v3]) => standards.includes(v3)).map(([v2]) => v2);
  if (Array.isArray(pcf.productOrSectorSpecificRules))
    p.productOrSectorSpecificRules = pcf.productOrSectorSpecificRules;
  p.boundaryProcessesDescription =
    typeof pcf.boundaryProcessesDescription === "string" ? pcf.boundaryProcessesDescription : "";
  p.referencePeriodStart = pcf.referencePeriodStart;
  p.referencePeriodEnd = pcf.referencePeriodEnd;
  for (const g of ["geographyCountry", "geographyRegionOrSubregion", "geographyCountrySubdivision"])
    if (pcf[g] !== undefined) p[g] = pcf[g];
  if (Array.isArray(pcf.secondaryEmissionFactorSources))
    p.secondaryEmissionFactorSources = pcf.secondaryEmissionFactorSources;
  const exempted = v3Decimal(pcf.exemptedEmissionsPercent);
  if (exempted === undefined || Number(exempted) < 0 || Number(exempted) > 5)
    return fail("v2 requires exemptedEmissionsPercent between 0 and 5");
  p.exemptedEmissionsPercent = Number(exempted);
  p.exemptedEmissionsDescription =
    typeof pcf.exemptedEmissionsDescription === "string" ? pcf.exemptedEmissionsDescription : "";
  if (typeof pcf.packagingEmissionsIncluded !== "boolean")
    return fail("v2 requires pcf.packagingEmissionsIncluded, and this v3 footprint has none");
  p.packagingEmissionsIncluded = pcf.packagingEmissionsIncluded;
  if (typeof pcf.allocationRulesDescription === "string")
    p.allocationRulesDescription = pcf.allocationRulesDescription;
  const share = v3Decimal(pcf.primaryDataShare);
  if (share !== undefined) {
    const n = Number(share);
    if (n >= 0 && n <= 100) p.primaryDataShare = n;
  }
  if (isRecord(pcf.verification) && typeof pcf.verification.providerName === "string") {
    const v = pcf.verification;
    const assurance: Doc = { assurance: true };
    if (v.coverage === "product level") assurance.coverage = "product level";
    assurance.providerName = v.providerName;
    if (typeof v.completedAt === "string") assurance.completedAt = v.completedAt;
    if (typeof v.standardName === "string") assurance.standardName = v.standardName;
    if (typeof v.comments === "string") assurance.comments = v.comments;
    p.assurance = assurance;
  }
  out.pcf = p;
  if (Array.isArray(doc.extensions) && doc.extensions.length > 0) out.extensions = doc.extensions;
  return { ok: true, doc: out };
}
