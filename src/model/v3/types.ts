/**
 * PACT v3.0 data model (Technical Specifications 3.0.3, `components.schemas` of its OpenAPI
 * document), as TypeScript types. The JSON Schema in `../schemas/pact-v3-product-footprint.json` is
 * the source of truth; {@link validateV3Footprint} (`./validate.ts`) checks documents against it.
 * Decimals are strings (`"12.5"`), timestamps RFC 3339 strings, never `null` (absent = omitted).
 */

/** `declaredUnitOfMeasurement` values of v3 (v2's seven plus `piece`, `hour`, `megabit second`). */
export const V3_DECLARED_UNITS = [
  "liter",
  "kilogram",
  "cubic meter",
  "kilowatt hour",
  "megajoule",
  "ton kilometer",
  "square meter",
  "piece",
  "hour",
  "megabit second",
] as const;

export type V3DeclaredUnit = (typeof V3_DECLARED_UNITS)[number];

/** A decimal number as a string (`^[+-]?\d+(\.\d+)?$`). */
export type DecimalString = string;

export interface V3DataModelExtension {
  readonly specVersion: string;
  readonly dataSchema: string;
  readonly documentation?: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface V3ProductOrSectorSpecificRule {
  readonly operator: "PEF" | "EPD International" | "Other";
  readonly ruleNames: readonly string[];
  readonly otherOperatorName?: string;
}

export interface V3EmissionFactorSource {
  readonly name: string;
  readonly version: string;
}

export interface V3DataQualityIndicators {
  readonly technologicalDQR: DecimalString;
  readonly geographicalDQR: DecimalString;
  readonly temporalDQR: DecimalString;
}

export interface V3Verification {
  readonly coverage?: "PCF calculation model" | "PCF program" | "product level";
  readonly providerName?: string;
  readonly completedAt?: string;
  readonly standardName?: string;
  readonly comments?: string;
}

export interface V3CarbonFootprint {
  readonly declaredUnitOfMeasurement: V3DeclaredUnit;
  readonly declaredUnitAmount: DecimalString;
  readonly productMassPerDeclaredUnit: DecimalString;
  readonly referencePeriodStart: string;
  readonly referencePeriodEnd: string;
  /** At most one of the three geography properties (none = global). */
  readonly geographyRegionOrSubregion?: string;
  readonly geographyCountry?: string;
  readonly geographyCountrySubdivision?: string;
  readonly boundaryProcessesDescription?: string;
  readonly pcfExcludingBiogenicUptake: DecimalString;
  readonly pcfIncludingBiogenicUptake: DecimalString;
  readonly fossilCarbonContent: DecimalString;
  readonly biogenicCarbonContent?: DecimalString;
  readonly recycledCarbonContent?: DecimalString;
  readonly fossilGhgEmissions: DecimalString;
  readonly landUseChangeGhgEmissions?: DecimalString;
  readonly landCarbonLeakage?: DecimalString;
  readonly landManagementFossilGhgEmissions?: DecimalString;
  readonly landManagementBiogenicCO2Emissions?: DecimalString;
  readonly landManagementBiogenicCO2Removals?: DecimalString;
  readonly biogenicCO2Uptake?: DecimalString;
  readonly biogenicNonCO2Emissions?: DecimalString;
  readonly landAreaOccupation?: DecimalString;
  readonly aircraftGhgEmissions?: DecimalString;
  readonly packagingEmissionsIncluded?: boolean;
  readonly packagingGhgEmissions?: DecimalString;
  readonly packagingBiogenicCarbonContent?: DecimalString;
  readonly outboundLogisticsGhgEmissions?: DecimalString;
  readonly ccsTechnologicalCO2CaptureIncluded?: boolean;
  readonly ccsTechnologicalCO2Capture?: DecimalString;
  readonly technologicalCO2CaptureOrigin?: string;
  readonly technologicalCO2Removals?: DecimalString;
  readonly ccuCarbonContent?: DecimalString;
  readonly ccuCalculationApproach?: "Cut-off" | "Credit";
  readonly ccuCreditCertification?: string;
  readonly ipccCharacterizationFactors: readonly string[];
  readonly crossSectoralStandards: readonly string[];
  readonly productOrSectorSpecificRules?: readonly V3ProductOrSectorSpecificRule[];
  readonly exemptedEmissionsPercent: DecimalString;
  readonly exemptedEmissionsDescription?: string;
  readonly allocationRulesDescription?: string;
  readonly secondaryEmissionFactorSources?: readonly V3EmissionFactorSource[];
  readonly primaryDataShare?: DecimalString;
  readonly dqi?: V3DataQualityIndicators;
  readonly verification?: V3Verification;
}

export interface V3ProductFootprint {
  readonly id: string;
  /** `major.minor.patch`, `3.x.y` for v3 documents. */
  readonly specVersion: string;
  readonly precedingPfIds?: readonly string[];
  readonly created: string;
  readonly status: "Active" | "Deprecated";
  readonly validityPeriodStart?: string;
  readonly validityPeriodEnd?: string;
  readonly companyName: string;
  readonly companyIds: readonly string[];
  readonly productDescription: string;
  readonly productIds: readonly string[];
  readonly productClassifications?: readonly string[];
  readonly productNameCompany: string;
  readonly comment?: string;
  readonly pcf: V3CarbonFootprint;
  readonly extensions?: readonly V3DataModelExtension[];
}

/** The PACT protocol versions this package serves side by side. */
export type PactVersion = "2" | "3";
