/**
 * PACT v2 and iLEAP v1.0 data types.
 *
 * Optional properties are optional (`?`), never `| null`: we never emit `null` (PROTOCOL.md §7).
 * Every type is a `type` alias (not an `interface`) so that documents stay assignable to
 * `Record<string, unknown>`, the shape the store works with.
 */

/** A decimal number encoded as a JSON string matching `^-?\d+(\.\d+)?$`. */
export type Decimal = string;
/** An ISO 8601 timestamp in UTC with `Z` (e.g. `2025-04-01T08:00:00Z`). */
export type DateTime = string;
/** A ProductFootprint id: a UUID v4. */
export type PfId = string;
/** A URN (`urn:…`). */
export type Urn = string;

// ---------------------------------------------------------------------------------------------
// iLEAP enumerations (case-exact)
// ---------------------------------------------------------------------------------------------

export const TRANSPORT_MODES = ["Road", "Rail", "Air", "Sea", "InlandWaterway"] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

export const HUB_TYPES = [
  "Transshipment",
  "StorageAndTransshipment",
  "Warehouse",
  "LiquidBulkTerminal",
  "MaritimeContainerTerminal",
] as const;
export type HubType = (typeof HUB_TYPES)[number];

export const PACKAGING_OR_TR_EQ_TYPES = [
  "Box",
  "Pallet",
  "Container-TEU",
  "Container-FEU",
  "Container",
] as const;
export type PackagingOrTrEqType = (typeof PACKAGING_OR_TR_EQ_TYPES)[number];

export const INCOTERMS = [
  "EXW",
  "FCA",
  "CPT",
  "CIP",
  "DAP",
  "DPU",
  "DDP",
  "FAS",
  "FOB",
  "CFR",
  "CIF",
] as const;
export type Incoterms = (typeof INCOTERMS)[number];

export const CERTIFICATIONS = ["ISO14083:2023", "GLECv2", "GLECv3", "GLECv3.1"] as const;
export type Certification = (typeof CERTIFICATIONS)[number];

export const TEMPERATURE_CONTROLS = ["ambient", "refrigerated", "mixed"] as const;
export type TemperatureControl = (typeof TEMPERATURE_CONTROLS)[number];

/** Temperature control of a TAD (no `mixed`). */
export type TadTemperatureControl = Exclude<TemperatureControl, "mixed">;

export type TruckLoadingSequence = "LTL" | "FTL";
export type AirShippingOption = "belly freight" | "freighter";
export type FlightLength = "short-haul" | "long-haul";

export const ENERGY_CARRIER_TYPES = [
  "Diesel",
  "HVO",
  "Petrol",
  "CNG",
  "LNG",
  "LPG",
  "HFO",
  "MGO",
  "Aviation fuel",
  "Hydrogen",
  "Methanol",
  "Electric",
] as const;
export type EnergyCarrierType = (typeof ENERGY_CARRIER_TYPES)[number];

export const FEEDSTOCK_TYPES = [
  "Fossil",
  "Natural gas",
  "Grid",
  "Renewable electricity",
  "Cooking oil",
] as const;
export type FeedstockType = (typeof FEEDSTOCK_TYPES)[number];

export type EnergyConsumptionUnit = "l" | "kg" | "kWh" | "MJ";
/** Denominator of a TOC's intensities. */
export type TransportActivityUnit = "TEUkm" | "tkm";
/** Denominator of a HOC's intensities. */
export type HubActivityUnit = "TEU" | "tonnes";

// ---------------------------------------------------------------------------------------------
// iLEAP utility types
// ---------------------------------------------------------------------------------------------

/** Distance in km as defined by GLEC: at least one of `actual`, `gcd`, `sfd`. */
export type GlecDistance = {
  readonly actual?: Decimal;
  readonly gcd?: Decimal;
  readonly sfd?: Decimal;
};

export type Location = {
  readonly street?: string;
  readonly zip?: string;
  readonly city: string;
  /** ISO 3166-1 alpha-2 country code. */
  readonly country: string;
  readonly iata?: string;
  readonly locode?: string;
  readonly uic?: string;
  readonly lat?: Decimal;
  readonly lng?: Decimal;
};

export type Feedstock = {
  readonly feedstock: FeedstockType;
  /** Share in [0, 1]. */
  readonly feedstockShare?: Decimal;
  readonly regionProvenance?: string;
};

export type EnergyCarrier = {
  readonly energyCarrier: EnergyCarrierType;
  readonly feedstocks?: readonly Feedstock[];
  readonly energyConsumption?: Decimal;
  readonly energyConsumptionUnit?: EnergyConsumptionUnit;
  /** kgCO2e per energy consumption unit. */
  readonly emissionFactorWTW: Decimal;
  /** kgCO2e per energy consumption unit. */
  readonly emissionFactorTTW: Decimal;
  /** Share in (0, 1]; the shares of one TOC/HOC/TAD sum to 1. */
  readonly relativeShare: Decimal;
};

// ---------------------------------------------------------------------------------------------
// iLEAP main types
// ---------------------------------------------------------------------------------------------

/** Transport Chain Element. Exactly one of `tocId` / `hocId` is set. */
export type TCE = {
  readonly tceId: string;
  readonly prevTceIds?: readonly string[];
  readonly tocId?: string;
  readonly hocId?: string;
  readonly shipmentId: string;
  readonly consignmentId?: string;
  /** kg. */
  readonly mass: Decimal;
  readonly packagingOrTrEqType?: PackagingOrTrEqType;
  readonly packagingOrTrEqAmount?: Decimal;
  readonly distance: GlecDistance;
  readonly origin?: Location;
  readonly destination?: Location;
  /** tkm = distance (km) × mass (kg) / 1000. */
  readonly transportActivity: Decimal;
  readonly departureAt?: DateTime;
  readonly arrivalAt?: DateTime;
  readonly flightNo?: string;
  readonly voyageNo?: string;
  readonly incoterms?: Incoterms;
  /** kgCO2e. */
  readonly co2eWTW: Decimal;
  /** kgCO2e. */
  readonly co2eTTW: Decimal;
  readonly noxTTW?: Decimal;
  readonly soxTTW?: Decimal;
  readonly ch4TTW?: Decimal;
  readonly pmTTW?: Decimal;
};

export type ShipmentFootprint = {
  /** kg. */
  readonly mass: Decimal;
  /** m³. */
  readonly volume?: Decimal;
  readonly shipmentId: string;
  /** Non-empty. */
  readonly tces: readonly TCE[];
};

/** Transport Operation Category. */
export type TOC = {
  readonly tocId: string;
  readonly certifications?: readonly Certification[];
  readonly description?: string;
  readonly mode: TransportMode;
  readonly loadFactor?: Decimal;
  readonly emptyDistanceFactor?: Decimal;
  readonly temperatureControl?: TemperatureControl;
  readonly truckLoadingSequence?: TruckLoadingSequence;
  readonly airShippingOption?: AirShippingOption;
  readonly flightLength?: FlightLength;
  readonly energyCarriers: readonly EnergyCarrier[];
  /** kgCO2e per {@link TOC.transportActivityUnit}. */
  readonly co2eIntensityWTW: Decimal;
  /** kgCO2e per {@link TOC.transportActivityUnit}. */
  readonly co2eIntensityTTW: Decimal;
  readonly transportActivityUnit: TransportActivityUnit;
};

/** Hub Operation Category. */
export type HOC = {
  readonly hocId: string;
  readonly description?: string;
  readonly certifications?: readonly Certification[];
  readonly hubType: HubType;
  readonly temperatureControl?: TemperatureControl;
  readonly hubLocation?: Location;
  readonly inboundTransportMode?: TransportMode;
  readonly outboundTransportMode?: TransportMode;
  readonly packagingOrTrEqType?: PackagingOrTrEqType;
  /** Non-negative integer. */
  readonly packagingOrTrEqAmount?: number;
  readonly energyCarriers: readonly EnergyCarrier[];
  /** kgCO2e per {@link HOC.hubActivityUnit}. */
  readonly co2eIntensityWTW: Decimal;
  /** kgCO2e per {@link HOC.hubActivityUnit}. */
  readonly co2eIntensityTTW: Decimal;
  readonly hubActivityUnit: HubActivityUnit;
};

/** Transport Activity Data. */
export type TAD = {
  readonly activityId: string;
  /** Non-empty. */
  readonly consignmentIds: readonly string[];
  readonly distance: GlecDistance;
  readonly mass?: Decimal;
  readonly loadFactor?: Decimal;
  readonly emptyDistanceFactor?: Decimal;
  readonly origin: Location;
  readonly destination: Location;
  readonly departureAt: DateTime;
  readonly arrivalAt: DateTime;
  readonly mode: TransportMode;
  readonly packagingOrTrEqType?: PackagingOrTrEqType;
  /** Non-negative integer. */
  readonly packagingOrTrEqAmount?: number;
  readonly energyCarriers?: readonly EnergyCarrier[];
  readonly temperatureControl?: TadTemperatureControl;
};

/** The iLEAP data types that travel inside a ProductFootprint extension. */
export type IleapKind = "shipment-footprint" | "toc" | "hoc";

/** Maps an {@link IleapKind} to its data type. */
export type IleapData = {
  readonly "shipment-footprint": ShipmentFootprint;
  readonly toc: TOC;
  readonly hoc: HOC;
};

// ---------------------------------------------------------------------------------------------
// PACT v2 types
// ---------------------------------------------------------------------------------------------

export type PfStatus = "Active" | "Deprecated";

export type DeclaredUnit =
  | "liter"
  | "kilogram"
  | "cubic meter"
  | "kilowatt hour"
  | "megajoule"
  | "ton kilometer"
  | "square meter";

export type CharacterizationFactors = "AR5" | "AR6";

export type CrossSectoralStandard =
  | "GHG Protocol Product standard"
  | "ISO Standard 14067"
  | "ISO Standard 14044";

export type ProductOrSectorSpecificRule = {
  readonly operator: "PEF" | "EPD International" | "Other";
  readonly ruleNames: readonly string[];
  readonly otherOperatorName?: string;
};

export type BiogenicAccountingMethodology = "PEF" | "ISO" | "GHGP" | "Quantis";

export type EmissionFactorDS = { readonly name: string; readonly version: string };

export type DataQualityIndicators = {
  readonly coveragePercent: number;
  readonly technologicalDQR: number;
  readonly temporalDQR: number;
  readonly geographicalDQR: number;
  readonly completenessDQR: number;
  readonly reliabilityDQR: number;
};

export type Assurance = {
  readonly assurance: boolean;
  readonly coverage?: "corporate level" | "product line" | "PCF system" | "product level";
  readonly level?: "limited" | "reasonable";
  readonly boundary?: "Gate-to-Gate" | "Cradle-to-Gate";
  readonly providerName: string;
  readonly completedAt?: DateTime;
  readonly standardName?: string;
  readonly comments?: string;
};

export type RegionOrSubregion =
  | "Africa"
  | "Americas"
  | "Asia"
  | "Europe"
  | "Oceania"
  | "Australia and New Zealand"
  | "Central Asia"
  | "Eastern Asia"
  | "Eastern Europe"
  | "Latin America and the Caribbean"
  | "Melanesia"
  | "Micronesia"
  | "Northern Africa"
  | "Northern America"
  | "Northern Europe"
  | "Polynesia"
  | "South-eastern Asia"
  | "Southern Asia"
  | "Southern Europe"
  | "Sub-Saharan Africa"
  | "Western Asia"
  | "Western Europe";

/** PACT v2 CarbonFootprint. At most one of the three geography properties is set. */
export type CarbonFootprint = {
  readonly declaredUnit: DeclaredUnit;
  readonly unitaryProductAmount: Decimal;
  /**
   * Mass in kg per declared unit: optional in PACT v2 (defined from 2.3, tolerated by the 2.2
   * schema), mandatory from v3. The iLEAP mapping sets it (shipment mass, `"1"` for a TOC,
   * `"1000"` for a HOC).
   */
  readonly productMassPerDeclaredUnit?: Decimal;
  readonly pCfExcludingBiogenic: Decimal;
  readonly pCfIncludingBiogenic?: Decimal;
  readonly fossilGhgEmissions: Decimal;
  readonly fossilCarbonContent: Decimal;
  readonly biogenicCarbonContent: Decimal;
  readonly dLucGhgEmissions?: Decimal;
  readonly landManagementGhgEmissions?: Decimal;
  readonly otherBiogenicGhgEmissions?: Decimal;
  readonly iLucGhgEmissions?: Decimal;
  readonly biogenicCarbonWithdrawal?: Decimal;
  readonly aircraftGhgEmissions?: Decimal;
  readonly characterizationFactors: CharacterizationFactors;
  readonly ipccCharacterizationFactorsSources: readonly string[];
  readonly crossSectoralStandardsUsed: readonly CrossSectoralStandard[];
  /** Omitted when empty. */
  readonly productOrSectorSpecificRules?: readonly ProductOrSectorSpecificRule[];
  readonly biogenicAccountingMethodology?: BiogenicAccountingMethodology;
  readonly boundaryProcessesDescription: string;
  readonly referencePeriodStart: DateTime;
  readonly referencePeriodEnd: DateTime;
  readonly geographyCountrySubdivision?: string;
  readonly geographyCountry?: string;
  readonly geographyRegionOrSubregion?: RegionOrSubregion;
  /** Omitted when empty. */
  readonly secondaryEmissionFactorSources?: readonly EmissionFactorDS[];
  /** Percent in [0, 5] (a JSON number). */
  readonly exemptedEmissionsPercent: number;
  readonly exemptedEmissionsDescription: string;
  readonly packagingEmissionsIncluded: boolean;
  readonly packagingGhgEmissions?: Decimal;
  readonly allocationRulesDescription?: string;
  readonly uncertaintyAssessmentDescription?: string;
  /** Percent in [0, 100] (a JSON number). */
  readonly primaryDataShare?: number;
  readonly dqi?: DataQualityIndicators;
  readonly assurance?: Assurance;
};

/** A PACT data model extension. `dataSchema` is an absolute URL. */
export type DataModelExtension<D = Readonly<Record<string, unknown>>> = {
  readonly specVersion: string;
  readonly dataSchema: string;
  readonly documentation?: string;
  readonly data: D;
};

/** PACT v2 ProductFootprint. */
export type ProductFootprint<D = Readonly<Record<string, unknown>>> = {
  readonly id: PfId;
  readonly specVersion: string;
  readonly precedingPfIds?: readonly PfId[];
  readonly version: number;
  readonly created: DateTime;
  readonly updated?: DateTime;
  readonly status: PfStatus;
  readonly statusComment?: string;
  readonly validityPeriodStart?: DateTime;
  readonly validityPeriodEnd?: DateTime;
  readonly companyName: string;
  readonly companyIds: readonly Urn[];
  readonly productDescription: string;
  readonly productIds: readonly Urn[];
  readonly productCategoryCpc: string;
  readonly productNameCompany: string;
  readonly comment: string;
  readonly pcf: CarbonFootprint;
  readonly extensions?: readonly DataModelExtension<D>[];
};

/** A ProductFootprint carrying one iLEAP data type as its extension. */
export type IleapProductFootprint<K extends IleapKind = IleapKind> = ProductFootprint<IleapData[K]>;

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** One problem found in a document. An empty list of issues means the document is valid. */
export type ValidationIssue = {
  /** JSON Pointer (RFC 6901) to the offending value, relative to the validated document ("" = root). */
  readonly pointer: string;
  /** Human-readable explanation. */
  readonly message: string;
  /** The offending value, when there is one. */
  readonly value?: unknown;
  /** Stable identifier of the violated rule, e.g. `schema.required`, `no-null`, `ileap.tce.toc-or-hoc`. */
  readonly rule: string;
  /**
   * `"should"` when the specifications do not make the rule a MUST: a SHOULD of the iLEAP/PACT
   * text, or a stricter policy of this package (PROTOCOL.md §7). Writes reject such issues like any
   * other; the conformance suite reports them as notes, not failures. Default (absent): a MUST.
   */
  readonly level?: "should";
};
