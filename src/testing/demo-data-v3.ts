/**
 * Demo footprints authored in PACT v3.0 (beside the v2-authored ones of `./demo-data.ts`). Written
 * for this package and checked by `test/testing/demo-data-v3.test.ts` against the v3 schema:
 *
 * - `complete`: every property the v3 filters look at (productIds, companyIds, geography,
 *   productClassifications, a validity period starting after the others') — its id sorts first, so it is `data[0]` of the
 *   unfiltered `/3/footprints` list, from which the official conformance tool derives its filter
 *   values. Declared per roll (`piece`, which v2 lacks): served on `/3` only, so the `/2` listing
 *   keeps the v2 demo set.
 * - `successor` and `deprecated`: a changed footprint is a new id (PACT 3.0 lifecycle); the old
 *   one is `Deprecated` and named in `precedingPfIds`. Declared unit `piece`, which v2 lacks: both
 *   are served on `/3` only.
 */
import { DEMO_COMPANY } from "./demo-data.ts";

/** Fixed ids (UUID v4) of the v3-authored demo footprints. */
export const DEMO_V3_FOOTPRINT_IDS = {
  complete: "0a0e5b52-3f4c-4b8e-9d0a-6a1f2c3d4e5f",
  deprecated: "5d3c2b1a-0f9e-4d8c-8b7a-6e5d4c3b2a19",
  successor: "6e4d3c2b-1a0f-4e9d-8c8b-7a6f5e4d3c2b",
} as const;

type Doc = Record<string, unknown>;

/**
 * The packaging subsidiary that owns the complete footprint. Its own company id keeps the official
 * tool's companyId cases (filters derived from `data[0]`) from returning the whole list.
 */
const PACKAGING_COMPANY = {
  companyName: "Rheinland Packaging Demo GmbH",
  companyIds: ["urn:pact:rheinland-packaging.example:company-id:rp-01"],
} as const;

const PALLET_PCF = {
  declaredUnitOfMeasurement: "piece",
  declaredUnitAmount: "1",
  productMassPerDeclaredUnit: "22.5",
  referencePeriodStart: "2024-01-01T00:00:00Z",
  referencePeriodEnd: "2025-01-01T00:00:00Z",
  geographyRegionOrSubregion: "Western Europe",
  boundaryProcessesDescription: "Cradle-to-gate: timber sourcing, sawing, drying, nailing.",
  fossilCarbonContent: "0.4",
  biogenicCarbonContent: "10.1",
  fossilGhgEmissions: "7.9",
  landUseChangeGhgEmissions: "0.1",
  biogenicCO2Uptake: "-37",
  packagingEmissionsIncluded: false,
  ipccCharacterizationFactors: ["AR6"],
  crossSectoralStandards: ["ISO14067", "PACT-3.0"],
  exemptedEmissionsPercent: "0.8",
  exemptedEmissionsDescription: "Nails' coating (below cut-off).",
  secondaryEmissionFactorSources: [{ name: "ecoinvent", version: "3.10" }],
  primaryDataShare: "71.5",
  dqi: { technologicalDQR: "1.6", geographicalDQR: "1.4", temporalDQR: "1.2" },
} as const;

/** The v3-authored demo footprints (fresh objects on every call), all of kind `pcf`. */
export function demoFootprintsV3(): Doc[] {
  const ids = DEMO_V3_FOOTPRINT_IDS;
  const company = { companyName: DEMO_COMPANY.companyName, companyIds: [...DEMO_COMPANY.companyIds] };
  return [
    {
      id: ids.complete,
      specVersion: "3.0.0",
      created: "2025-03-10T09:00:00Z",
      status: "Active",
      validityPeriodStart: "2025-06-01T00:00:00Z",
      validityPeriodEnd: "2027-12-31T00:00:00Z",
      ...PACKAGING_COMPANY,
      companyIds: [...PACKAGING_COMPANY.companyIds],
      productDescription:
        "Stretch film roll, LLDPE, 23 µm, 500 mm × 1500 m (16.5 kg), 50 % post-consumer recycled content",
      productIds: ["urn:pact:rheinland-freight.example:product-id:stretch-film-23", "urn:gtin:4012345000024"],
      productClassifications: [
        "urn:pact:productclassification:un-cpc:36410",
        "urn:pact:productclassification:cn:3920102300",
      ],
      productNameCompany: "Stretch film roll 23 µm rC50",
      comment: "Demo data of ileap-ts, authored in PACT v3.0.",
      pcf: {
        declaredUnitOfMeasurement: "piece",
        declaredUnitAmount: "1",
        productMassPerDeclaredUnit: "16.5",
        referencePeriodStart: "2024-01-01T00:00:00Z",
        referencePeriodEnd: "2025-01-01T00:00:00Z",
        geographyCountry: "DE",
        boundaryProcessesDescription: "Cradle-to-gate: polymer production, recycling, extrusion.",
        pcfExcludingBiogenicUptake: "28.545",
        pcfIncludingBiogenicUptake: "28.545",
        fossilCarbonContent: "14.025",
        biogenicCarbonContent: "0",
        recycledCarbonContent: "7.095",
        fossilGhgEmissions: "28.215",
        landUseChangeGhgEmissions: "0",
        aircraftGhgEmissions: "0",
        packagingEmissionsIncluded: true,
        packagingGhgEmissions: "0.33",
        outboundLogisticsGhgEmissions: "0.66",
        ipccCharacterizationFactors: ["AR6"],
        crossSectoralStandards: ["ISO14067", "GHGP-Product", "PACT-3.0"],
        productOrSectorSpecificRules: [
          {
            operator: "Other",
            ruleNames: ["PlasticsEurope Eco-profiles"],
            otherOperatorName: "PlasticsEurope",
          },
        ],
        exemptedEmissionsPercent: "0.5",
        exemptedEmissionsDescription: "Core tubes (below cut-off).",
        allocationRulesDescription: "Mass allocation.",
        secondaryEmissionFactorSources: [{ name: "ecoinvent", version: "3.10" }],
        primaryDataShare: "64",
        dqi: { technologicalDQR: "1.5", geographicalDQR: "1.3", temporalDQR: "1.1" },
        verification: {
          coverage: "product level",
          providerName: "Demo Assurance AG",
          completedAt: "2025-03-01T00:00:00Z",
          standardName: "ISO 14067",
        },
      },
    },
    {
      id: ids.deprecated,
      specVersion: "3.0.0",
      created: "2025-02-01T09:00:00Z",
      status: "Deprecated",
      ...company,
      productDescription: "Euro pallet EPAL 1, 1200 × 800 mm, heat-treated softwood",
      productIds: ["urn:pact:rheinland-freight.example:product-id:euro-pallet"],
      productClassifications: ["urn:pact:productclassification:un-cpc:31922"],
      productNameCompany: "Euro pallet",
      comment: "Superseded: recalculated with supplier-specific timber data.",
      pcf: { ...PALLET_PCF, pcfExcludingBiogenicUptake: "9.1", pcfIncludingBiogenicUptake: "-27.9" },
    },
    {
      id: ids.successor,
      specVersion: "3.0.0",
      precedingPfIds: [ids.deprecated],
      created: "2025-04-01T09:00:00Z",
      status: "Active",
      ...company,
      productDescription: "Euro pallet EPAL 1, 1200 × 800 mm, heat-treated softwood",
      productIds: ["urn:pact:rheinland-freight.example:product-id:euro-pallet"],
      productClassifications: ["urn:pact:productclassification:un-cpc:31922"],
      productNameCompany: "Euro pallet",
      comment: "Access to new emission factor data: supplier-specific timber data.",
      pcf: { ...PALLET_PCF, pcfExcludingBiogenicUptake: "8.4", pcfIncludingBiogenicUptake: "-28.6" },
    },
  ];
}
