/**
 * iLEAP → PACT mapping (iLEAP §PACT Integration, PROTOCOL.md §7): wrap a ShipmentFootprint, TOC or
 * HOC into a PACT v2 ProductFootprint, and classify a ProductFootprint by its iLEAP extension.
 */
import type { FootprintKind } from "../auth/principal.ts";
import {
  type IdAssigner,
  ILEAP_DATA_SCHEMA,
  ILEAP_DOCUMENTATION_URL,
  ILEAP_EXTENSION_SPEC_VERSION,
  ILEAP_PRODUCT_ID_PATTERN,
  ileapProductId,
  LOGISTICS_CPC,
  PACT_SPEC_VERSION,
} from "./constants.ts";
import { normalizeDecimal, sumDecimal } from "./decimal.ts";
import type {
  CarbonFootprint,
  DateTime,
  DeclaredUnit,
  HOC,
  IleapData,
  IleapKind,
  IleapProductFootprint,
  PfId,
  PfStatus,
  ShipmentFootprint,
  TOC,
  Urn,
} from "./types.ts";

/** The company that owns a footprint. */
export type CompanyInfo = { readonly companyName: string; readonly companyIds: readonly Urn[] };

/** CarbonFootprint properties derived from the iLEAP object; a caller cannot override them. */
export type DerivedCarbonFootprintKey =
  | "declaredUnit"
  | "unitaryProductAmount"
  | "productMassPerDeclaredUnit"
  | "pCfExcludingBiogenic"
  | "fossilGhgEmissions"
  | "fossilCarbonContent"
  | "biogenicCarbonContent"
  | "packagingEmissionsIncluded";

/** CarbonFootprint properties the data owner provides (all optional here: see the defaults). */
export type CarbonFootprintOptions = Partial<Omit<CarbonFootprint, DerivedCarbonFootprintKey>>;

type BuildInputBase = {
  /** Footprint id (UUID v4). */
  readonly id: PfId;
  /** Creation timestamp (UTC, `Z`). */
  readonly created: DateTime;
  readonly company: CompanyInfo;
  /** Default `1`. */
  readonly version?: number;
  /** Default: absent (never updated). */
  readonly updated?: DateTime;
  /** Default `"Active"`. */
  readonly status?: PfStatus;
  readonly statusComment?: string;
  readonly precedingPfIds?: readonly PfId[];
  readonly validityPeriodStart?: DateTime;
  readonly validityPeriodEnd?: DateTime;
  /** Default derived from the iLEAP object (e.g. `Shipment <id>`, the TOC/HOC description). */
  readonly productNameCompany?: string;
  /** Default derived from the iLEAP object. */
  readonly productDescription?: string;
  /** Default `""`. */
  readonly comment?: string;
  /** Who assigned the shipment/TOC/HOC id encoded in `productIds`. Default `"vendor"`. */
  readonly assignedBy?: IdAssigner;
  /** Further product ids appended after the iLEAP URN. Default none. */
  readonly additionalProductIds?: readonly Urn[];
  /**
   * Start of the reference period. Default: for a ShipmentFootprint whose TCEs all carry
   * `departureAt`/`arrivalAt`, the earliest departure; otherwise 1 January (UTC) of the year
   * before `created`.
   */
  readonly referencePeriodStart?: DateTime;
  /** End of the reference period. Default: the latest arrival, or 1 January of `created`'s year. */
  readonly referencePeriodEnd?: DateTime;
  /**
   * Data-owner CarbonFootprint properties. Defaults: `characterizationFactors` `"AR6"`,
   * `ipccCharacterizationFactorsSources` `["AR6"]`, `crossSectoralStandardsUsed`
   * `["GHG Protocol Product standard"]`, `boundaryProcessesDescription` a kind-specific text,
   * `exemptedEmissionsPercent` `0`, `exemptedEmissionsDescription` `""`; no geography (global).
   */
  readonly pcf?: CarbonFootprintOptions;
};

/** Input of {@link buildProductFootprint}: the iLEAP object and the data owner's PACT properties. */
export type BuildProductFootprintInput = {
  [K in IleapKind]: BuildInputBase & { readonly kind: K; readonly data: IleapData[K] };
}[IleapKind];

/**
 * Builds a PACT ProductFootprint (`specVersion` `"2.2.0"`) around a ShipmentFootprint, TOC or HOC
 * following the iLEAP mapping: `productCategoryCpc` `"83117"`, the productIds URN, declared unit,
 * unitary amount, `productMassPerDeclaredUnit` (the shipment mass in kg for a ShipmentFootprint,
 * `"1"` for a TOC, `"1000"` for a HOC: iLEAP v1.0 §PACT Integration), `pCfExcludingBiogenic` = `fossilGhgEmissions` = `fossilCarbonContent` (sum of
 * `co2eWTW`, or the WTW intensity), `biogenicCarbonContent` `"0"`, `packagingEmissionsIncluded`
 * `false`, and exactly one extension (`specVersion` `"2.0.0"`, iLEAP `dataSchema` and
 * `documentation`). `null` and `undefined` properties of `data` are treated as absent and omitted.
 * The result is not validated: run `checkFootprint` on it.
 * @throws DecimalError when a decimal needed for a derived value is malformed.
 */
export function buildProductFootprint(input: BuildProductFootprintInput): IleapProductFootprint {
  const data = stripAbsent(input.data) as IleapData[typeof input.kind];
  const derived = derive(input.kind, data);
  const period = referencePeriod(input, data);
  const options = input.pcf ?? {};
  const fixed = {
    declaredUnit: derived.declaredUnit,
    unitaryProductAmount: derived.unitaryProductAmount,
    productMassPerDeclaredUnit: derived.massPerDeclaredUnit,
    pCfExcludingBiogenic: derived.emissions,
    fossilGhgEmissions: derived.emissions,
    fossilCarbonContent: derived.emissions,
    biogenicCarbonContent: "0",
    packagingEmissionsIncluded: false,
  } as const;
  // Derived properties come first (key order) and win over anything in `options`.
  const pcf: CarbonFootprint = compact({
    ...fixed,
    characterizationFactors: "AR6",
    ipccCharacterizationFactorsSources: ["AR6"],
    crossSectoralStandardsUsed: ["GHG Protocol Product standard"],
    boundaryProcessesDescription: derived.boundary,
    referencePeriodStart: period.start,
    referencePeriodEnd: period.end,
    exemptedEmissionsPercent: 0,
    exemptedEmissionsDescription: "",
    ...options,
    ...fixed,
  });
  const productIds = [
    ileapProductId(input.kind, derived.id, input.assignedBy),
    ...(input.additionalProductIds ?? []),
  ];
  return compact({
    id: input.id,
    specVersion: PACT_SPEC_VERSION,
    precedingPfIds: input.precedingPfIds,
    version: input.version ?? 1,
    created: input.created,
    updated: input.updated,
    status: input.status ?? "Active",
    statusComment: input.statusComment,
    validityPeriodStart: input.validityPeriodStart,
    validityPeriodEnd: input.validityPeriodEnd,
    companyName: input.company.companyName,
    companyIds: [...input.company.companyIds],
    productDescription: input.productDescription ?? derived.description,
    productIds,
    productCategoryCpc: LOGISTICS_CPC,
    productNameCompany: input.productNameCompany ?? derived.name,
    comment: input.comment ?? "",
    pcf,
    extensions: [
      {
        specVersion: ILEAP_EXTENSION_SPEC_VERSION,
        dataSchema: ILEAP_DATA_SCHEMA[input.kind],
        documentation: ILEAP_DOCUMENTATION_URL,
        data,
      },
    ],
  }) as IleapProductFootprint;
}

/**
 * Classifies a ProductFootprint: by the `dataSchema` of its extensions (the official iLEAP URLs,
 * or any URL whose path ends in `/shipment-footprint.json`, `/toc.json` or `/hoc.json` and that
 * mentions `ileap`), else by an iLEAP productIds URN, else `"pcf"`. Never throws; anything that is
 * not an object is `"pcf"`.
 */
export function footprintKind(doc: unknown): FootprintKind {
  if (!isRecord(doc)) return "pcf";
  const fromExtension = ileapExtension(doc)?.kind;
  if (fromExtension) return fromExtension;
  const productIds = doc.productIds;
  if (Array.isArray(productIds)) {
    for (const pid of productIds) {
      const segment = typeof pid === "string" ? ILEAP_PRODUCT_ID_PATTERN.exec(pid)?.[2] : undefined;
      if (segment === "shipment") return "shipment-footprint";
      if (segment === "toc" || segment === "hoc") return segment;
    }
  }
  return "pcf";
}

/** The first extension of `doc` whose `dataSchema` designates an iLEAP data type, with its index. */
export function ileapExtension(doc: unknown):
  | {
      readonly kind: IleapKind;
      readonly index: number;
      readonly extension: Readonly<Record<string, unknown>>;
    }
  | undefined {
  if (!isRecord(doc) || !Array.isArray(doc.extensions)) return undefined;
  for (const [index, extension] of doc.extensions.entries()) {
    if (!isRecord(extension)) continue;
    const kind = kindOfDataSchema(extension.dataSchema);
    if (kind) return { kind, index, extension };
  }
  return undefined;
}

/** The iLEAP kind designated by an extension `dataSchema` URL, if any (see {@link footprintKind}). */
export function kindOfDataSchema(dataSchema: unknown): IleapKind | undefined {
  if (typeof dataSchema !== "string") return undefined;
  for (const [kind, url] of Object.entries(ILEAP_DATA_SCHEMA) as [IleapKind, string][]) {
    if (dataSchema === url) return kind;
  }
  if (!/ileap/i.test(dataSchema)) return undefined;
  let path: string;
  try {
    path = new URL(dataSchema).pathname;
  } catch {
    return undefined;
  }
  if (path.endsWith("/shipment-footprint.json")) return "shipment-footprint";
  if (path.endsWith("/toc.json")) return "toc";
  if (path.endsWith("/hoc.json")) return "hoc";
  return undefined;
}

// ---------------------------------------------------------------------------------------------

type Derived = {
  readonly id: string;
  readonly declaredUnit: DeclaredUnit;
  readonly unitaryProductAmount: string;
  /** `productMassPerDeclaredUnit` (kg per declared unit). */
  readonly massPerDeclaredUnit: string;
  readonly emissions: string;
  readonly name: string;
  readonly description: string;
  readonly boundary: string;
};

function derive(kind: IleapKind, data: ShipmentFootprint | TOC | HOC): Derived {
  switch (kind) {
    case "shipment-footprint": {
      const sf = data as ShipmentFootprint;
      return {
        id: sf.shipmentId,
        declaredUnit: "ton kilometer",
        unitaryProductAmount: sumDecimal(sf.tces.map((t) => t.transportActivity)),
        massPerDeclaredUnit: normalizeDecimal(sf.mass),
        emissions: sumDecimal(sf.tces.map((t) => t.co2eWTW)),
        name: `Shipment ${sf.shipmentId}`,
        description: `Logistics GHG emissions (WTW) of shipment ${sf.shipmentId} over ${sf.tces.length} transport chain element(s), per ISO 14083 / GLEC.`,
        boundary:
          "Well-to-wheel emissions of all transport and hub operations of the shipment (ISO 14083, GLEC Framework).",
      };
    }
    case "toc": {
      const toc = data as TOC;
      return {
        id: toc.tocId,
        declaredUnit: "ton kilometer",
        unitaryProductAmount: "1",
        massPerDeclaredUnit: "1",
        emissions: normalizeDecimal(toc.co2eIntensityWTW),
        name: toc.description ?? `Transport operation category ${toc.tocId}`,
        description: `WTW GHG emissions intensity of transport operation category ${toc.tocId} (${toc.mode}) per ${toc.transportActivityUnit}.`,
        boundary:
          "Well-to-wheel emissions of the vehicle operations of the transport operation category (GLEC).",
      };
    }
    case "hoc": {
      const hoc = data as HOC;
      return {
        id: hoc.hocId,
        declaredUnit: "kilogram",
        unitaryProductAmount: "1000",
        massPerDeclaredUnit: "1000",
        emissions: normalizeDecimal(hoc.co2eIntensityWTW),
        name: hoc.description ?? `Hub operation category ${hoc.hocId}`,
        description: `WTW GHG emissions intensity of hub operation category ${hoc.hocId} (${hoc.hubType}) per ${hoc.hubActivityUnit === "TEU" ? "TEU" : "tonne"} leaving the hub.`,
        boundary: "Well-to-wheel emissions of the hub operations of the hub operation category (GLEC).",
      };
    }
  }
}

function referencePeriod(
  input: BuildInputBase & { readonly kind: IleapKind },
  data: ShipmentFootprint | TOC | HOC,
): { start: DateTime; end: DateTime } {
  let start = input.referencePeriodStart;
  let end = input.referencePeriodEnd;
  if (input.kind === "shipment-footprint") {
    const tces = (data as ShipmentFootprint).tces;
    const departures = tces.map((t) => t.departureAt);
    const arrivals = tces.map((t) => t.arrivalAt);
    if (tces.length > 0 && departures.every(isString) && arrivals.every(isString)) {
      start ??= extreme(departures, -1);
      end ??= extreme(arrivals, 1);
    }
  }
  const year = new Date(input.created).getUTCFullYear();
  if (Number.isNaN(year)) throw new RangeError(`created is not a timestamp: ${input.created}`);
  start ??= `${String(year - 1).padStart(4, "0")}-01-01T00:00:00Z`;
  end ??= `${String(year).padStart(4, "0")}-01-01T00:00:00Z`;
  return { start, end };
}

/** Earliest (`sign` -1) or latest (`sign` 1) timestamp of a non-empty list, compared as instants. */
function extreme(values: readonly string[], sign: -1 | 1): string {
  let best = values[0]!;
  for (const v of values) if (Math.sign(Date.parse(v) - Date.parse(best)) === sign) best = v;
  return best;
}

function isString(v: unknown): v is string {
  return typeof v === "string";
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Drops `undefined` properties (shallow). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Deep copy without `null`/`undefined` object properties (array elements are kept as they are). */
function stripAbsent(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAbsent);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = stripAbsent(v);
    return out;
  }
  return value;
}
