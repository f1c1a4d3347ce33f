/**
 * Deterministic demo data: iLEAP ShipmentFootprints, TOCs and HOCs wrapped in PACT
 * ProductFootprints, plain PACT footprints, and Transport Activity Data.
 *
 * Written for this package (not copied from the spec appendix, whose examples are invalid) and
 * checked by `test/testing/demo-data.test.ts` against the official schemas and the iLEAP rules.
 * Every number is consistent: transportActivity = distance × mass / 1000, TCE co2e = activity ×
 * the referenced TOC/HOC intensity, PACT amounts and emissions per PROTOCOL.md §7, and
 * `productMassPerDeclaredUnit` per iLEAP §PACT Integration (the shipment mass, `"1"` per TOC,
 * `"1000"` per HOC; set by `buildProductFootprint`). All ids and timestamps are fixed.
 */
import type { FootprintKind } from "../auth/principal.ts";
import {
  type BuildProductFootprintInput,
  buildProductFootprint,
  type CarbonFootprintOptions,
  type CompanyInfo,
} from "../model/ileap-mapping.ts";
import type {
  EnergyCarrier,
  EnergyCarrierType,
  EnergyConsumptionUnit,
  Feedstock,
  FeedstockType,
  HOC,
  IleapKind,
  Location,
  ProductFootprint,
  ShipmentFootprint,
  TAD,
  TCE,
  TOC,
} from "../model/types.ts";

/** The demo data owner. */
export const DEMO_COMPANY: CompanyInfo = {
  companyName: "Rheinland Freight Demo GmbH",
  companyIds: [
    "urn:uuid:e63aadf3-e576-4b17-9163-637150343c3a",
    "urn:pathfinder:company:customcode:vendor-assigned:rheinland-freight-demo",
  ],
};

/** Fixed footprint ids (UUID v4) of the demo data. */
export const DEMO_FOOTPRINT_IDS = {
  sfRoad: "1860b074-7254-43e0-9d53-6a0715866916",
  sfMultimodal: "37c2c46b-4e67-4761-9818-6414d199c185",
  sfPreMainOn: "91d94b6e-b351-46c5-a433-82bcffa6bcca",
  tocRoadDiesel: "f8c3d664-6bce-464d-bd58-3cde10f3683f",
  tocRoadHvo: "81a4f982-af6b-4ef2-85e7-4d6007a0a215",
  tocRailElectric: "99206f12-9716-4b1c-a4f8-a71bece9247d",
  tocSea: "3f5e0fe4-5da2-4ff6-a5f1-bbf31ebcc54a",
  hocDuisburg: "e8ac15a7-52be-409a-93a5-ed5e805cac1f",
  hocRotterdam: "188de9d1-fa40-44e0-b4a9-8ff42ee3d5be",
  pcfBox: "9f1def3a-86b7-4834-baec-3753842ef850",
  pcfPellets: "72c5e1b8-cbd2-41a1-baf4-df40ecf0e51a",
  pcfBoxDeprecated: "1889e948-47dd-4efc-ae3f-5a4a5e0c2295",
} as const;

/** A demo footprint and its kind. */
export type DemoFootprint = { readonly document: ProductFootprint; readonly kind: FootprintKind };

/**
 * The demo footprints: 4 TOCs, 2 HOCs, 3 ShipmentFootprints (every TOC/HOC they reference is
 * included) and 3 plain PACT footprints (one at version 2 with `updated`, one `Deprecated`).
 * Returns fresh objects on every call.
 */
export function demoFootprints(): DemoFootprint[] {
  const ids = DEMO_FOOTPRINT_IDS;
  const tocCreated = "2025-01-15T08:00:00Z";
  const sfCreated = "2025-04-01T08:00:00Z";
  const logistics = { company: DEMO_COMPANY, comment: "Demo data of ileap-ts." };
  const out: DemoFootprint[] = [
    ileap("toc", ids.tocRoadDiesel, tocCreated, tocRoadDiesel(), {
      geographyCountry: "DE",
      primaryDataShare: 100,
    }),
    ileap("toc", ids.tocRoadHvo, tocCreated, tocRoadHvo(), { geographyCountry: "DE", primaryDataShare: 100 }),
    ileap("toc", ids.tocRailElectric, tocCreated, tocRailElectric(), {
      geographyRegionOrSubregion: "Europe",
    }),
    ileap("toc", ids.tocSea, tocCreated, tocSea(), { primaryDataShare: 40 }),
    ileap("hoc", ids.hocDuisburg, tocCreated, hocDuisburg(), {
      geographyCountry: "DE",
      primaryDataShare: 100,
    }),
    ileap("hoc", ids.hocRotterdam, tocCreated, hocRotterdam(), {
      geographyCountry: "NL",
      primaryDataShare: 75,
    }),
    ileap("shipment-footprint", ids.sfRoad, sfCreated, sfRoad(), {
      geographyCountry: "DE",
      primaryDataShare: 100,
    }),
    ileap("shipment-footprint", ids.sfMultimodal, sfCreated, sfMultimodal(), {
      geographyRegionOrSubregion: "Europe",
      primaryDataShare: 80,
    }),
    ileap("shipment-footprint", ids.sfPreMainOn, sfCreated, sfPreMainOn(), {
      geographyRegionOrSubregion: "Europe",
      primaryDataShare: 90,
    }),
    { document: pcfBox(), kind: "pcf" },
    { document: pcfPellets(), kind: "pcf" },
    { document: pcfBoxDeprecated(), kind: "pcf" },
  ];
  return out;

  function ileap(
    kind: IleapKind,
    id: string,
    created: string,
    data: ShipmentFootprint | TOC | HOC,
    pcf: CarbonFootprintOptions,
  ): DemoFootprint {
    const input = { kind, id, created, data, pcf, ...logistics } as BuildProductFootprintInput;
    return { document: buildProductFootprint(input), kind };
  }
}

// ---------------------------------------------------------------------------------------------
// TOCs and HOCs
// ---------------------------------------------------------------------------------------------

/** TOC ids referenced by the demo ShipmentFootprints. */
const TOC_ID = {
  roadDiesel: "toc-road-diesel-ftl-40t",
  roadHvo: "toc-road-hvo90-ftl-40t",
  railElectric: "toc-rail-electric-intermodal",
  sea: "toc-sea-container-feeder-north-sea",
} as const;

const HOC_ID = {
  duisburg: "hoc-duisburg-rail-road-terminal",
  rotterdam: "hoc-rotterdam-container-terminal",
} as const;

function fs(feedstock: FeedstockType, feedstockShare?: string, regionProvenance?: string): Feedstock {
  return {
    feedstock,
    ...(feedstockShare === undefined ? {} : { feedstockShare }),
    ...(regionProvenance === undefined ? {} : { regionProvenance }),
  };
}

function ec(
  energyCarrier: EnergyCarrierType,
  relativeShare: string,
  emissionFactorWTW: string,
  emissionFactorTTW: string,
  feedstocks: readonly Feedstock[],
  consumption?: readonly [string, EnergyConsumptionUnit],
): EnergyCarrier {
  return {
    energyCarrier,
    feedstocks,
    ...(consumption ? { energyConsumption: consumption[0], energyConsumptionUnit: consumption[1] } : {}),
    emissionFactorWTW,
    emissionFactorTTW,
    relativeShare,
  };
}

function tocRoadDiesel(): TOC {
  return {
    tocId: TOC_ID.roadDiesel,
    certifications: ["ISO14083:2023", "GLECv3.1"],
    description: "Road, articulated truck 40 t, diesel, full truck load, ambient",
    mode: "Road",
    loadFactor: "0.62",
    emptyDistanceFactor: "0.18",
    temperatureControl: "ambient",
    truckLoadingSequence: "FTL",
    energyCarriers: [ec("Diesel", "1", "3.17", "2.58", [fs("Fossil", "1", "EU")], ["0.0252", "l"])],
    co2eIntensityWTW: "0.08",
    co2eIntensityTTW: "0.065",
    transportActivityUnit: "tkm",
  };
}

function tocRoadHvo(): TOC {
  return {
    tocId: TOC_ID.roadHvo,
    certifications: ["GLECv3.1"],
    description: "Road, articulated truck 40 t, 90 % HVO / 10 % diesel, full truck load, ambient",
    mode: "Road",
    loadFactor: "0.58",
    emptyDistanceFactor: "0.2",
    temperatureControl: "ambient",
    truckLoadingSequence: "FTL",
    energyCarriers: [
      ec("HVO", "0.9", "0.65", "0.045", [fs("Cooking oil", "1", "EU")], ["0.026", "l"]),
      ec("Diesel", "0.1", "3.17", "2.58", [fs("Fossil", "1")], ["0.026", "l"]),
    ],
    co2eIntensityWTW: "0.0234",
    co2eIntensityTTW: "0.0078",
    transportActivityUnit: "tkm",
  };
}

function tocRailElectric(): TOC {
  return {
    tocId: TOC_ID.railElectric,
    certifications: ["ISO14083:2023"],
    description: "Rail, electric intermodal train, European corridors",
    mode: "Rail",
    loadFactor: "0.55",
    emptyDistanceFactor: "0.08",
    temperatureControl: "ambient",
    energyCarriers: [
      ec(
        "Electric",
        "1",
        "0.343",
        "0",
        [fs("Grid", "0.6", "DE"), fs("Renewable electricity", "0.4", "AT")],
        ["0.035", "kWh"],
      ),
    ],
    co2eIntensityWTW: "0.012",
    co2eIntensityTTW: "0",
    transportActivityUnit: "tkm",
  };
}

function tocSea(): TOC {
  return {
    tocId: TOC_ID.sea,
    certifications: ["GLECv3"],
    description: "Sea, container feeder vessel 1,000–2,000 TEU, North Sea and Baltic",
    mode: "Sea",
    temperatureControl: "mixed",
    energyCarriers: [
      ec("HFO", "0.8", "3.56", "3.15", [fs("Fossil", "1")], ["0.033", "kg"]),
      ec("LNG", "0.2", "3.4", "2.75", [fs("Natural gas", "1", "NO")], ["0.033", "kg"]),
    ],
    co2eIntensityWTW: "0.12",
    co2eIntensityTTW: "0.1",
    transportActivityUnit: "TEUkm",
  };
}

function hocDuisburg(): HOC {
  return {
    hocId: HOC_ID.duisburg,
    description: "Trimodal container terminal Duisburg, road/rail transshipment",
    certifications: ["ISO14083:2023"],
    hubType: "Transshipment",
    temperatureControl: "ambient",
    hubLocation: {
      city: "Duisburg",
      zip: "47119",
      country: "DE",
      locode: "DEDUI",
      lat: "51.4344",
      lng: "6.7623",
    },
    inboundTransportMode: "Road",
    outboundTransportMode: "Rail",
    packagingOrTrEqType: "Container-TEU",
    energyCarriers: [
      ec("Electric", "0.7", "0.38", "0", [fs("Grid", "1", "DE")]),
      ec("Diesel", "0.3", "3.17", "2.58", [fs("Fossil", "1")]),
    ],
    co2eIntensityWTW: "1.6",
    co2eIntensityTTW: "0.9",
    hubActivityUnit: "tonnes",
  };
}

function hocRotterdam(): HOC {
  return {
    hocId: HOC_ID.rotterdam,
    description: "Maritime container terminal Rotterdam Maasvlakte, rail to sea",
    certifications: ["GLECv3.1"],
    hubType: "MaritimeContainerTerminal",
    hubLocation: { street: "Maasvlakte 2", city: "Rotterdam", country: "NL", locode: "NLRTM" },
    inboundTransportMode: "Rail",
    outboundTransportMode: "Sea",
    packagingOrTrEqType: "Container-TEU",
    packagingOrTrEqAmount: 1,
    energyCarriers: [
      ec("Electric", "0.55", "0.02", "0", [fs("Renewable electricity", "1", "NL")]),
      ec("Diesel", "0.45", "3.17", "2.58", [fs("Fossil", "1")]),
    ],
    co2eIntensityWTW: "12.5",
    co2eIntensityTTW: "8",
    hubActivityUnit: "TEU",
  };
}

// ---------------------------------------------------------------------------------------------
// ShipmentFootprints
// ---------------------------------------------------------------------------------------------

const HAMBURG: Location = {
  street: "Am Ballinkai 1",
  zip: "21129",
  city: "Hamburg",
  country: "DE",
  locode: "DEHAM",
};
const MUNICH: Location = { zip: "80939", city: "München", country: "DE", locode: "DEMUC" };
const DORTMUND: Location = { city: "Dortmund", country: "DE", locode: "DEDTM" };
const DUISBURG: Location = { city: "Duisburg", country: "DE", locode: "DEDUI", uic: "8000086" };
const ROTTERDAM: Location = { city: "Rotterdam", country: "NL", locode: "NLRTM", uic: "8400530" };
const GOTHENBURG: Location = {
  city: "Göteborg",
  country: "SE",
  locode: "SEGOT",
  lat: "57.6880",
  lng: "11.8470",
};

/** One road leg: 780 km × 12 000 kg = 9 360 tkm; × 0.08 = 748.8 kgCO2e WTW. */
function sfRoad(): ShipmentFootprint {
  const shipmentId = "SHP-2025-000101";
  return {
    mass: "12000",
    volume: "48",
    shipmentId,
    tces: [
      {
        tceId: "tce-101-1",
        prevTceIds: [],
        tocId: TOC_ID.roadDiesel,
        shipmentId,
        consignmentId: "CNS-101-A",
        mass: "12000",
        packagingOrTrEqType: "Pallet",
        packagingOrTrEqAmount: "24",
        distance: { actual: "780", gcd: "612" },
        origin: HAMBURG,
        destination: MUNICH,
        transportActivity: "9360",
        departureAt: "2025-03-03T05:30:00Z",
        arrivalAt: "2025-03-03T16:10:00Z",
        incoterms: "DAP",
        co2eWTW: "748.8",
        co2eTTW: "608.4",
        noxTTW: "1.87",
        pmTTW: "0.021",
      },
    ],
  };
}

/**
 * Road (HVO) → hub Duisburg → rail → hub Rotterdam → sea, one TEU of 10 t:
 * activity 650 + 0 + 2 300 + 0 + 9 600 = 12 550 tkm; WTW 15.21 + 16 + 27.6 + 12.5 + 115.2 = 186.51 kg.
 */
function sfMultimodal(): ShipmentFootprint {
  const shipmentId = "SHP-2025-000102";
  const common = {
    shipmentId,
    consignmentId: "CNS-102-A",
    mass: "10000",
    packagingOrTrEqType: "Container-TEU",
    packagingOrTrEqAmount: "1",
  } as const;
  const tces: TCE[] = [
    {
      ...common,
      tceId: "tce-102-1",
      prevTceIds: [],
      tocId: TOC_ID.roadHvo,
      distance: { actual: "65", gcd: "50" },
      origin: DORTMUND,
      destination: DUISBURG,
      transportActivity: "650",
      departureAt: "2025-03-10T06:00:00Z",
      arrivalAt: "2025-03-10T08:00:00Z",
      co2eWTW: "15.21",
      co2eTTW: "5.07",
    },
    {
      ...common,
      tceId: "tce-102-2",
      prevTceIds: ["tce-102-1"],
      hocId: HOC_ID.duisburg,
      distance: { actual: "0" },
      origin: DUISBURG,
      destination: DUISBURG,
      transportActivity: "0",
      co2eWTW: "16",
      co2eTTW: "9",
    },
    {
      ...common,
      tceId: "tce-102-3",
      prevTceIds: ["tce-102-2"],
      tocId: TOC_ID.railElectric,
      distance: { actual: "230", gcd: "190" },
      origin: DUISBURG,
      destination: ROTTERDAM,
      transportActivity: "2300",
      departureAt: "2025-03-10T21:00:00Z",
      arrivalAt: "2025-03-11T04:30:00Z",
      co2eWTW: "27.6",
      co2eTTW: "0",
    },
    {
      ...common,
      tceId: "tce-102-4",
      prevTceIds: ["tce-102-3"],
      hocId: HOC_ID.rotterdam,
      distance: { actual: "0" },
      origin: ROTTERDAM,
      destination: ROTTERDAM,
      transportActivity: "0",
      co2eWTW: "12.5",
      co2eTTW: "8",
    },
    {
      ...common,
      tceId: "tce-102-5",
      prevTceIds: ["tce-102-4"],
      tocId: TOC_ID.sea,
      distance: { sfd: "960", gcd: "890" },
      origin: ROTTERDAM,
      destination: GOTHENBURG,
      transportActivity: "9600",
      departureAt: "2025-03-12T10:00:00Z",
      arrivalAt: "2025-03-14T06:00:00Z",
      voyageNo: "NSF-2511E",
      incoterms: "CIP",
      co2eWTW: "115.2",
      co2eTTW: "96",
      soxTTW: "0.41",
    },
  ];
  return { mass: "10000", volume: "33.2", shipmentId, tces };
}

/**
 * Two pre-carriage road legs (HVO) feeding one rail main leg, then road on-carriage (diesel):
 * activity 640 + 140 + 6 060 + 270 = 7 110 tkm; WTW 14.976 + 3.276 + 72.72 + 21.6 = 112.572 kg.
 */
function sfPreMainOn(): ShipmentFootprint {
  const shipmentId = "SHP-2025-000103";
  const verona: Location = { city: "Verona", country: "IT", locode: "ITVRN", uic: "8302430" };
  const cologne: Location = { city: "Köln", country: "DE", locode: "DECGN", uic: "8003392" };
  return {
    mass: "6000",
    shipmentId,
    tces: [
      {
        tceId: "tce-103-1",
        prevTceIds: [],
        tocId: TOC_ID.roadHvo,
        shipmentId,
        consignmentId: "CNS-103-A",
        mass: "4000",
        packagingOrTrEqType: "Pallet",
        packagingOrTrEqAmount: "8",
        distance: { actual: "160", gcd: "137" },
        origin: { city: "Milano", country: "IT", locode: "ITMIL" },
        destination: verona,
        transportActivity: "640",
        departureAt: "2025-03-17T06:00:00Z",
        arrivalAt: "2025-03-17T09:00:00Z",
        incoterms: "FCA",
        co2eWTW: "14.976",
        co2eTTW: "4.992",
      },
      {
        tceId: "tce-103-2",
        prevTceIds: [],
        tocId: TOC_ID.roadHvo,
        shipmentId,
        consignmentId: "CNS-103-B",
        mass: "2000",
        packagingOrTrEqType: "Pallet",
        packagingOrTrEqAmount: "4",
        distance: { actual: "70", gcd: "60" },
        origin: { city: "Brescia", country: "IT", locode: "ITBRC" },
        destination: verona,
        transportActivity: "140",
        departureAt: "2025-03-17T07:00:00Z",
        arrivalAt: "2025-03-17T08:30:00Z",
        incoterms: "FCA",
        co2eWTW: "3.276",
        co2eTTW: "1.092",
      },
      {
        tceId: "tce-103-3",
        prevTceIds: ["tce-103-1", "tce-103-2"],
        tocId: TOC_ID.railElectric,
        shipmentId,
        mass: "6000",
        packagingOrTrEqType: "Pallet",
        packagingOrTrEqAmount: "12",
        distance: { actual: "1010", gcd: "760" },
        origin: verona,
        destination: cologne,
        transportActivity: "6060",
        departureAt: "2025-03-17T20:00:00Z",
        arrivalAt: "2025-03-18T18:00:00Z",
        co2eWTW: "72.72",
        co2eTTW: "0",
      },
      {
        tceId: "tce-103-4",
        prevTceIds: ["tce-103-3"],
        tocId: TOC_ID.roadDiesel,
        shipmentId,
        mass: "6000",
        packagingOrTrEqType: "Pallet",
        packagingOrTrEqAmount: "12",
        distance: { actual: "45", sfd: "43", gcd: "34" },
        origin: cologne,
        destination: { street: "Heerdter Landstraße 200", zip: "40549", city: "Düsseldorf", country: "DE" },
        transportActivity: "270",
        departureAt: "2025-03-19T07:00:00Z",
        arrivalAt: "2025-03-19T08:15:00Z",
        co2eWTW: "21.6",
        co2eTTW: "17.55",
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Plain PACT footprints
// ---------------------------------------------------------------------------------------------

const PCF_COMMON = {
  specVersion: "2.2.0",
  companyName: DEMO_COMPANY.companyName,
  companyIds: DEMO_COMPANY.companyIds,
} as const;

/** Active, version 1, succeeding the deprecated box footprint; full optional PACT properties. */
function pcfBox(): ProductFootprint {
  return {
    id: DEMO_FOOTPRINT_IDS.pcfBox,
    ...PCF_COMMON,
    precedingPfIds: [DEMO_FOOTPRINT_IDS.pcfBoxDeprecated],
    version: 1,
    created: "2025-02-20T09:00:00Z",
    status: "Active",
    companyIds: [...DEMO_COMPANY.companyIds],
    productDescription: "Corrugated cardboard shipping box, double wall, 600 × 400 × 400 mm, 1.1 kg",
    productIds: [
      "urn:pathfinder:product:customcode:vendor-assigned:box-dw-600-400-400",
      "urn:gtin:4012345000017",
    ],
    productCategoryCpc: "32151",
    productNameCompany: "Shipping box DW 600",
    comment: "Demo data of ileap-ts.",
    pcf: {
      declaredUnit: "kilogram",
      unitaryProductAmount: "1",
      pCfExcludingBiogenic: "0.87",
      pCfIncludingBiogenic: "0.41",
      fossilGhgEmissions: "0.82",
      fossilCarbonContent: "0.012",
      biogenicCarbonContent: "0.4",
      dLucGhgEmissions: "0.01",
      landManagementGhgEmissions: "0.02",
      otherBiogenicGhgEmissions: "0",
      iLucGhgEmissions: "0",
      biogenicCarbonWithdrawal: "-1.47",
      aircraftGhgEmissions: "0",
      characterizationFactors: "AR6",
      ipccCharacterizationFactorsSources: ["AR6"],
      crossSectoralStandardsUsed: ["GHG Protocol Product standard", "ISO Standard 14067"],
      productOrSectorSpecificRules: [{ operator: "PEF", ruleNames: ["PEFCR Intermediate paper products"] }],
      biogenicAccountingMethodology: "PEF",
      boundaryProcessesDescription:
        "Cradle-to-gate: fibre sourcing, pulping, paper making, corrugation and converting.",
      referencePeriodStart: "2024-01-01T00:00:00Z",
      referencePeriodEnd: "2025-01-01T00:00:00Z",
      geographyCountry: "DE",
      secondaryEmissionFactorSources: [{ name: "ecoinvent", version: "3.10" }],
      exemptedEmissionsPercent: 1.2,
      exemptedEmissionsDescription: "Printing inks and glue (below cut-off).",
      packagingEmissionsIncluded: false,
      allocationRulesDescription: "Mass allocation between the box and paper by-products.",
      uncertaintyAssessmentDescription: "Monte Carlo on the main emission factors: ±8 %.",
      primaryDataShare: 62.5,
      dqi: {
        coveragePercent: 95,
        technologicalDQR: 1.5,
        temporalDQR: 1,
        geographicalDQR: 1.2,
        completenessDQR: 1.4,
        reliabilityDQR: 1.6,
      },
      assurance: {
        assurance: true,
        coverage: "product level",
        level: "limited",
        boundary: "Cradle-to-Gate",
        providerName: "Demo Assurance AG",
        completedAt: "2025-02-14T00:00:00Z",
        standardName: "ISO 14064-3",
      },
    },
  };
}

/** Version 2 with `updated` and a validity period. */
function pcfPellets(): ProductFootprint {
  return {
    id: DEMO_FOOTPRINT_IDS.pcfPellets,
    ...PCF_COMMON,
    companyIds: [...DEMO_COMPANY.companyIds],
    version: 2,
    created: "2024-08-05T10:00:00Z",
    updated: "2024-11-18T14:30:00Z",
    status: "Active",
    statusComment: "Updated upstream data: the supplier's electricity is now from renewable sources.",
    validityPeriodStart: "2024-07-01T00:00:00Z",
    validityPeriodEnd: "2027-07-01T00:00:00Z",
    productDescription: "Food-grade recycled PET pellets (rPET), bulk",
    productIds: ["urn:pathfinder:product:customcode:vendor-assigned:rpet-pellets-fg"],
    productCategoryCpc: "34720",
    productNameCompany: "rPET pellets FG",
    comment: "",
    pcf: {
      declaredUnit: "kilogram",
      unitaryProductAmount: "1000",
      pCfExcludingBiogenic: "1120.5",
      fossilGhgEmissions: "1120.5",
      fossilCarbonContent: "625",
      biogenicCarbonContent: "0",
      characterizationFactors: "AR6",
      ipccCharacterizationFactorsSources: ["AR6", "AR5"],
      crossSectoralStandardsUsed: ["GHG Protocol Product standard"],
      boundaryProcessesDescription: "Collection, sorting, washing, extrusion and solid-state polymerisation.",
      referencePeriodStart: "2023-07-01T00:00:00Z",
      referencePeriodEnd: "2024-07-01T00:00:00Z",
      geographyRegionOrSubregion: "Western Europe",
      exemptedEmissionsPercent: 0,
      exemptedEmissionsDescription: "",
      packagingEmissionsIncluded: true,
      packagingGhgEmissions: "12.4",
      primaryDataShare: 88,
    },
  };
}

/** Deprecated (version 2), superseded by the active box footprint; global geography. */
function pcfBoxDeprecated(): ProductFootprint {
  return {
    id: DEMO_FOOTPRINT_IDS.pcfBoxDeprecated,
    ...PCF_COMMON,
    companyIds: [...DEMO_COMPANY.companyIds],
    version: 2,
    created: "2024-03-01T09:00:00Z",
    updated: "2025-02-20T09:00:00Z",
    status: "Deprecated",
    statusComment: `Superseded by footprint ${DEMO_FOOTPRINT_IDS.pcfBox} after a change of paper supplier.`,
    productDescription: "Corrugated cardboard shipping box, double wall, 600 × 400 × 400 mm, 1.1 kg",
    productIds: ["urn:pathfinder:product:customcode:vendor-assigned:box-dw-600-400-400"],
    productCategoryCpc: "32151",
    productNameCompany: "Shipping box DW 600",
    comment: "Demo data of ileap-ts.",
    pcf: {
      declaredUnit: "kilogram",
      unitaryProductAmount: "1",
      pCfExcludingBiogenic: "1.05",
      fossilGhgEmissions: "1.01",
      fossilCarbonContent: "0.015",
      biogenicCarbonContent: "0.39",
      characterizationFactors: "AR5",
      ipccCharacterizationFactorsSources: ["AR5"],
      crossSectoralStandardsUsed: ["ISO Standard 14067"],
      boundaryProcessesDescription: "Cradle-to-gate.",
      referencePeriodStart: "2023-01-01T00:00:00Z",
      referencePeriodEnd: "2024-01-01T00:00:00Z",
      exemptedEmissionsPercent: 2,
      exemptedEmissionsDescription: "Printing inks, glue and pallet wrapping.",
      packagingEmissionsIncluded: false,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// TAD
// ---------------------------------------------------------------------------------------------

const DIESEL = (share = "1") => ec("Diesel", share, "3.17", "2.58", [fs("Fossil", "1")]);
const HVO = (share = "1") => ec("HVO", share, "0.65", "0.045", [fs("Cooking oil", "1", "EU")]);
const CNG = (share = "1") => ec("CNG", share, "3.1", "2.54", [fs("Natural gas", "1", "RU")]);
const LNG = (share = "1") => ec("LNG", share, "3.4", "2.75", [fs("Natural gas", "1", "NO")]);
const GRID = (share = "1", region = "EU") => ec("Electric", share, "0.35", "0", [fs("Grid", "1", region)]);
const GREEN = (share = "1") => ec("Electric", share, "0.02", "0", [fs("Renewable electricity", "1")]);
const MIXED_POWER = (share = "1") =>
  ec("Electric", share, "0.25", "0", [fs("Grid", "0.7", "DE"), fs("Renewable electricity", "0.3", "AT")]);
const JET = (share = "1") => ec("Aviation fuel", share, "3.88", "3.15", [fs("Fossil", "1")]);
const HFO = (share = "1") => ec("HFO", share, "3.56", "3.15", [fs("Fossil", "1")]);
const MGO = (share = "1") => ec("MGO", share, "3.9", "3.24", [fs("Fossil", "1")]);
const METHANOL = (share = "1") =>
  ec("Methanol", share, "1.6", "1.38", [fs("Natural gas", "0.8"), fs("Fossil", "0.2")]);

/**
 * 22 Transport Activity Data records across all five modes, with energy carriers and feedstocks,
 * several packaging types, temperature controls and countries. Returns fresh objects.
 */
export function demoTad(): TAD[] {
  return [
    // Road
    {
      activityId: "tad-road-001",
      consignmentIds: ["CNS-T-0001"],
      distance: { actual: "289", gcd: "255" },
      mass: "18500",
      loadFactor: "0.74",
      emptyDistanceFactor: "0.12",
      origin: { city: "Hamburg", country: "DE", locode: "DEHAM", lat: "53.5511", lng: "9.9937" },
      destination: { city: "Berlin", country: "DE", locode: "DEBER", lat: "52.5200", lng: "13.4050" },
      departureAt: "2025-03-03T04:00:00Z",
      arrivalAt: "2025-03-03T08:30:00Z",
      mode: "Road",
      packagingOrTrEqType: "Pallet",
      packagingOrTrEqAmount: 33,
      energyCarriers: [DIESEL()],
      temperatureControl: "ambient",
    },
    {
      activityId: "tad-road-002",
      consignmentIds: ["CNS-T-0002", "CNS-T-0003"],
      distance: { actual: "440", sfd: "432" },
      mass: "7600",
      loadFactor: "0.5",
      origin: { city: "Lyon", country: "FR", locode: "FRLYS" },
      destination: { city: "Milano", country: "IT", locode: "ITMIL" },
      departureAt: "2025-03-04T05:00:00Z",
      arrivalAt: "2025-03-04T13:00:00Z",
      mode: "Road",
      packagingOrTrEqType: "Box",
      packagingOrTrEqAmount: 420,
      energyCarriers: [HVO("0.6"), DIESEL("0.4")],
      temperatureControl: "refrigerated",
    },
    {
      activityId: "tad-road-003",
      consignmentIds: ["CNS-T-0004"],
      distance: { actual: "310" },
      mass: "12400",
      origin: { city: "Warszawa", country: "PL", locode: "PLWAW" },
      destination: { city: "Poznań", country: "PL", locode: "PLPOZ" },
      departureAt: "2025-03-05T06:00:00Z",
      arrivalAt: "2025-03-05T11:00:00Z",
      mode: "Road",
      packagingOrTrEqType: "Pallet",
      packagingOrTrEqAmount: 20,
      energyCarriers: [CNG()],
      temperatureControl: "ambient",
    },
    {
      activityId: "tad-road-004",
      consignmentIds: ["CNS-T-0005"],
      distance: { actual: "352", gcd: "303" },
      mass: "2100",
      origin: { city: "Barcelona", country: "ES", locode: "ESBCN" },
      destination: { city: "València", country: "ES", locode: "ESVLC" },
      departureAt: "2025-03-06T07:00:00Z",
      arrivalAt: "2025-03-06T12:30:00Z",
      mode: "Road",
      packagingOrTrEqType: "Box",
      packagingOrTrEqAmount: 150,
      energyCarriers: [GREEN()],
    },
    {
      activityId: "tad-road-005",
      consignmentIds: ["CNS-T-0006"],
      distance: { actual: "101", gcd: "77" },
      mass: "21000",
      loadFactor: "0.9",
      emptyDistanceFactor: "0",
      origin: { city: "Antwerpen", country: "BE", locode: "BEANR" },
      destination: { city: "Rotterdam", country: "NL", locode: "NLRTM" },
      departureAt: "2025-03-07T09:00:00Z",
      arrivalAt: "2025-03-07T11:00:00Z",
      mode: "Road",
      packagingOrTrEqType: "Container-FEU",
      packagingOrTrEqAmount: 1,
      energyCarriers: [LNG()],
      temperatureControl: "ambient",
    },
    {
      activityId: "tad-road-006",
      consignmentIds: ["CNS-T-0007"],
      distance: { actual: "198" },
      mass: "3500",
      origin: { city: "Wien", country: "AT", locode: "ATVIE" },
      destination: { city: "Graz", country: "AT", locode: "ATGRZ" },
      departureAt: "2025-03-10T05:00:00Z",
      arrivalAt: "2025-03-10T07:45:00Z",
      mode: "Road",
      packagingOrTrEqType: "Pallet",
      packagingOrTrEqAmount: 10,
      energyCarriers: [DIESEL("0.8"), HVO("0.2")],
      temperatureControl: "refrigerated",
    },
    // Rail
    {
      activityId: "tad-rail-001",
      consignmentIds: ["CNS-T-0101"],
      distance: { actual: "1060", gcd: "780" },
      mass: "19000",
      loadFactor: "0.6",
      origin: { city: "Duisburg", country: "DE", locode: "DEDUI", uic: "8000086" },
      destination: { city: "Verona", country: "IT", locode: "ITVRN", uic: "8302430" },
      departureAt: "2025-03-03T18:00:00Z",
      arrivalAt: "2025-03-04T20:00:00Z",
      mode: "Rail",
      packagingOrTrEqType: "Container-TEU",
      packagingOrTrEqAmount: 2,
      energyCarriers: [MIXED_POWER()],
      temperatureControl: "ambient",
    },
    {
      activityId: "tad-rail-002",
      consignmentIds: ["CNS-T-0102"],
      distance: { actual: "1150" },
      mass: "24500",
      origin: { city: "Małaszewicze", country: "PL", uic: "5100451" },
      destination: { city: "Duisburg", country: "DE", locode: "DEDUI", uic: "8000086" },
      departureAt: "2025-03-05T02:00:00Z",
      arrivalAt: "2025-03-07T06:00:00Z",
      mode: "Rail",
      packagingOrTrEqType: "Container-FEU",
      packagingOrTrEqAmount: 1,
      energyCarriers: [GRID("1", "PL")],
    },
    {
      activityId: "tad-rail-003",
      consignmentIds: ["CNS-T-0103", "CNS-T-0104", "CNS-T-0105"],
      distance: { actual: "840", sfd: "820", gcd: "620" },
      mass: "36000",
      loadFactor: "0.7",
      emptyDistanceFactor: "0.05",
      origin: { city: "Basel", country: "CH", locode: "CHBSL", uic: "8500010" },
      destination: { city: "Rotterdam", country: "NL", locode: "NLRTM", uic: "8400530" },
      departureAt: "2025-03-08T12:00:00Z",
      arrivalAt: "2025-03-09T10:00:00Z",
      mode: "Rail",
      packagingOrTrEqType: "Container-TEU",
      packagingOrTrEqAmount: 3,
      energyCarriers: [GREEN()],
      temperatureControl: "ambient",
    },
    {
      activityId: "tad-rail-004",
      consignmentIds: ["CNS-T-0106"],
      distance: { actual: "590" },
      mass: "16000",
      origin: { city: "Budapest", country: "HU", locode: "HUBUD" },
      destination: { city: "Koper", country: "SI", locode: "SIKOP" },
      departureAt: "2025-03-11T08:00:00Z",
      arrivalAt: "2025-03-12T07:00:00Z",
      mode: "Rail",
      packagingOrTrEqType: "Container",
      packagingOrTrEqAmount: 2,
      energyCarriers: [GRID("0.8", "HU"), DIESEL("0.2")],
    },
    // Air
    {
      activityId: "tad-air-001",
      consignmentIds: ["CNS-T-0201"],
      distance: { actual: "6380", gcd: "6200" },
      mass: "1450",
      origin: { city: "Frankfurt am Main", country: "DE", iata: "FRA", locode: "DEFRA" },
      destination: { city: "New York", country: "US", iata: "JFK", locode: "USNYC" },
      departureAt: "2025-03-04T10:15:00Z",
      arrivalAt: "2025-03-04T19:05:00Z",
      mode: "Air",
      packagingOrTrEqType: "Box",
      packagingOrTrEqAmount: 35,
      energyCarriers: [JET()],
      temperatureControl: "ambient",
    },
    {
      activityId: "tad-air-002",
      consignmentIds: ["CNS-T-0202"],
      distance: { actual: "9020", gcd: "8780" },
      mass: "9800",
      loadFactor: "0.68",
      origin: { city: "Leipzig", country: "DE", iata: "LEJ" },
      destination: { city: "Hong Kong", country: "HK", iata: "HKG" },
      departureAt: "2025-03-06T21:00:00Z",
      arrivalAt: "2025-03-07T08:40:00Z",
      mode: "Air",
      packagingOrTrEqType: "Pallet",
      packagingOrTrEqAmount: 6,
      energyCarriers: [JET()],
    },
    {
      activityId: "tad-air-003",
      consignmentIds: ["CNS-T-0203"],
      distance: { actual: "6700", gcd: "6630" },
      mass: "2300",
      origin: { city: "Amsterdam", country: "NL", iata: "AMS" },
      destination: { city: "Nairobi", country: "KE", iata: "NBO" },
      departureAt: "2025-03-09T20:30:00Z",
      arrivalAt: "2025-03-10T05:00:00Z",
      mode: "Air",
      packagingOrTrEqType: "Box",
      packagingOrTrEqAmount: 120,
      energyCarriers: [JET()],
      temperatureControl: "refrigerated",
    },
    {
      activityId: "tad-air-004",
      consignmentIds: ["CNS-T-0204"],
      distance: { gcd: "6650" },
      mass: "780",
      origin: { city: "Paris", country: "FR", iata: "CDG" },
      destination: { city: "Chicago", country: "US", iata: "ORD" },
      departureAt: "2025-03-12T09:00:00Z",
      arrivalAt: "2025-03-12T18:10:00Z",
      mode: "Air",
      packagingOrTrEqType: "Box",
      packagingOrTrEqAmount: 14,
      energyCarriers: [JET()],
    },
    // Sea
    {
      activityId: "tad-sea-001",
      consignmentIds: ["CNS-T-0301"],
      distance: { actual: "19800", sfd: "19500", gcd: "8900" },
      mass: "38000",
      origin: { city: "Shanghai", country: "CN", locode: "CNSHA" },
      destination: { city: "Rotterdam", country: "NL", locode: "NLRTM" },
      departureAt: "2025-02-01T06:00:00Z",
      arrivalAt: "2025-03-08T14:00:00Z",
      mode: "Sea",
      packagingOrTrEqType: "Container-FEU",
      packagingOrTrEqAmount: 2,
      energyCarriers: [HFO()],
      temperatureControl: "ambient",
    },
    {
      activityId: "tad-sea-002",
      consignmentIds: ["CNS-T-0302", "CNS-T-0303"],
      distance: { sfd: "15900", gcd: "10400" },
      mass: "52000",
      loadFactor: "0.8",
      origin: { city: "Singapore", country: "SG", locode: "SGSIN" },
      destination: { city: "Hamburg", country: "DE", locode: "DEHAM" },
      departureAt: "2025-02-10T00:00:00Z",
      arrivalAt: "2025-03-12T12:00:00Z",
      mode: "Sea",
      packagingOrTrEqType: "Container-TEU",
      packagingOrTrEqAmount: 4,
      energyCarriers: [LNG()],
    },
    {
      activityId: "tad-sea-003",
      consignmentIds: ["CNS-T-0304"],
      distance: { actual: "10200", gcd: "9800" },
      mass: "26000",
      origin: { city: "Santos", country: "BR", locode: "BRSSZ" },
      destination: { city: "Antwerpen", country: "BE", locode: "BEANR" },
      departureAt: "2025-02-20T16:00:00Z",
      arrivalAt: "2025-03-10T08:00:00Z",
      mode: "Sea",
      packagingOrTrEqType: "Container-FEU",
      packagingOrTrEqAmount: 1,
      energyCarriers: [HFO("0.7"), MGO("0.3")],
      temperatureControl: "refrigerated",
    },
    {
      activityId: "tad-sea-004",
      consignmentIds: ["CNS-T-0305"],
      distance: { actual: "1060", sfd: "1010" },
      mass: "61000",
      origin: { city: "Göteborg", country: "SE", locode: "SEGOT" },
      destination: { city: "Felixstowe", country: "GB", locode: "GBFXT" },
      departureAt: "2025-03-13T18:00:00Z",
      arrivalAt: "2025-03-15T09:00:00Z",
      mode: "Sea",
      packagingOrTrEqType: "Container-TEU",
      packagingOrTrEqAmount: 6,
      energyCarriers: [METHANOL("0.5"), MGO("0.5")],
    },
    // Inland waterway
    {
      activityId: "tad-iww-001",
      consignmentIds: ["CNS-T-0401"],
      distance: { actual: "225", gcd: "180" },
      mass: "52000",
      loadFactor: "0.65",
      origin: { city: "Rotterdam", country: "NL", locode: "NLRTM" },
      destination: { city: "Duisburg", country: "DE", locode: "DEDUI" },
      departureAt: "2025-03-04T06:00:00Z",
      arrivalAt: "2025-03-05T10:00:00Z",
      mode: "InlandWaterway",
      packagingOrTrEqType: "Container-TEU",
      packagingOrTrEqAmount: 4,
      energyCarriers: [DIESEL()],
      temperatureControl: "ambient",
    },
    {
      activityId: "tad-iww-002",
      consignmentIds: ["CNS-T-0402"],
      distance: { actual: "560" },
      mass: "44000",
      origin: { city: "Antwerpen", country: "BE", locode: "BEANR" },
      destination: { city: "Strasbourg", country: "FR", locode: "FRSXB" },
      departureAt: "2025-03-06T04:00:00Z",
      arrivalAt: "2025-03-09T16:00:00Z",
      mode: "InlandWaterway",
      packagingOrTrEqType: "Container-FEU",
      packagingOrTrEqAmount: 2,
      energyCarriers: [HVO()],
    },
    {
      activityId: "tad-iww-003",
      consignmentIds: ["CNS-T-0403"],
      distance: { actual: "1620", gcd: "1090" },
      mass: "1450000",
      emptyDistanceFactor: "0.35",
      origin: { city: "Constanța", country: "RO", locode: "ROCND" },
      destination: { city: "Linz", country: "AT", locode: "ATLNZ" },
      departureAt: "2025-02-24T08:00:00Z",
      arrivalAt: "2025-03-08T12:00:00Z",
      mode: "InlandWaterway",
      energyCarriers: [DIESEL()],
    },
    {
      activityId: "tad-iww-004",
      consignmentIds: ["CNS-T-0404"],
      distance: { actual: "255", sfd: "250" },
      mass: "18000",
      origin: { city: "Mannheim", country: "DE", locode: "DEMHG" },
      destination: { city: "Basel", country: "CH", locode: "CHBSL" },
      departureAt: "2025-03-12T05:00:00Z",
      arrivalAt: "2025-03-13T15:00:00Z",
      mode: "InlandWaterway",
      packagingOrTrEqType: "Container-TEU",
      packagingOrTrEqAmount: 2,
      energyCarriers: [MGO("0.75"), HVO("0.25")],
      temperatureControl: "ambient",
    },
  ];
}
