/**
 * Realistic synthetic data for the scale benchmark: a carrier's TOCs and HOCs, ShipmentFootprints
 * of one to four legs over them (road, rail, sea, air, inland waterway, with hubs in between),
 * plain PACT footprints of several product categories and companies, a few percent of later
 * versions, and Transport Activity Data across all modes. Every record is built with the model
 * (`buildProductFootprint` for the iLEAP kinds) so that it passes `checkFootprint`/`checkTad` and
 * the set rules (referenced TOCs/HOCs come first; TCE emissions = activity × intensity).
 *
 * Deterministic for a given seed; streaming (generators), so a million records never sit in memory.
 */
import type { FootprintKind } from "../../src/auth/principal.ts";
import { multiplyDecimal, roundDecimal, scaleByPowerOfTen } from "../../src/model/decimal.ts";
import { buildProductFootprint, type CompanyInfo } from "../../src/model/ileap-mapping.ts";
import type {
  EnergyCarrier,
  HOC,
  Location,
  ProductFootprint,
  ShipmentFootprint,
  TAD,
  TCE,
  TOC,
  TransportMode,
} from "../../src/model/types.ts";

/** A generated footprint: the ProductFootprint document and its kind. */
export interface GeneratedFootprint {
  readonly kind: FootprintKind;
  readonly document: ProductFootprint;
}

/** Options of the generators. */
export interface GenerateOptions {
  /** PRNG seed. Default 1. */
  readonly seed?: number;
  /** Data owner of the iLEAP footprints. Default a fixed synthetic carrier. */
  readonly company?: CompanyInfo;
  /** Share of records that are a later version of an earlier footprint. Default 0.03. */
  readonly versionShare?: number;
}

/** The synthetic carrier that owns the generated iLEAP footprints. */
export const BENCH_COMPANY: CompanyInfo = {
  companyName: "Scale Test Logistics AG",
  companyIds: [
    "urn:uuid:5b7f1a7e-3c1d-4e55-9a31-0b5d6c2f9e10",
    "urn:pathfinder:company:customcode:vendor-assigned:scale-test",
  ],
};

/** Small, fast, seedable PRNG (mulberry32). */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)] as T;
  }
  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of entries) {
      r -= w;
      if (r < 0) return v;
    }
    return entries[entries.length - 1]![0];
  }
  /** A UUID v4 string (version and variant bits set). */
  uuid(): string {
    const hex: string[] = [];
    for (let i = 0; i < 4; i++)
      hex.push(
        Math.floor(this.next() * 0x100000000)
          .toString(16)
          .padStart(8, "0"),
      );
    const h = hex.join("");
    const variant = "89ab"[Math.floor(this.next() * 4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

const START_2022 = Date.UTC(2022, 0, 1);
const SPAN_3Y = Date.UTC(2025, 0, 1) - START_2022;

function iso(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Cities with country, UN/LOCODE and coordinates. */
const CITIES: readonly Location[] = [
  { city: "Hamburg", country: "DE", locode: "DEHAM", lat: "53.5511", lng: "9.9937" },
  { city: "München", country: "DE", locode: "DEMUC", lat: "48.1351", lng: "11.5820" },
  { city: "Duisburg", country: "DE", locode: "DEDUI" },
  { city: "Berlin", country: "DE", locode: "DEBER" },
  { city: "Rotterdam", country: "NL", locode: "NLRTM" },
  { city: "Amsterdam", country: "NL", locode: "NLAMS" },
  { city: "Antwerpen", country: "BE", locode: "BEANR" },
  { city: "Lyon", country: "FR", locode: "FRLYS" },
  { city: "Le Havre", country: "FR", locode: "FRLEH" },
  { city: "Milano", country: "IT", locode: "ITMIL" },
  { city: "Genova", country: "IT", locode: "ITGOA" },
  { city: "Barcelona", country: "ES", locode: "ESBCN" },
  { city: "Warszawa", country: "PL", locode: "PLWAW" },
  { city: "Praha", country: "CZ", locode: "CZPRG" },
  { city: "Wien", country: "AT", locode: "ATVIE" },
  { city: "Göteborg", country: "SE", locode: "SEGOT" },
  { city: "Gdańsk", country: "PL", locode: "PLGDN" },
  { city: "Basel", country: "CH", locode: "CHBSL" },
  { city: "København", country: "DK", locode: "DKCPH" },
  { city: "Budapest", country: "HU", locode: "HUBUD" },
];

const COUNTRIES = ["DE", "FR", "NL", "BE", "IT", "ES", "PL", "AT", "CZ", "SE", "DK", "CH", "HU", "PT", "FI"];

function carrier(
  energyCarrier: EnergyCarrier["energyCarrier"],
  relativeShare: string,
  wtw: string,
  ttw: string,
  feedstock: "Fossil" | "Natural gas" | "Grid" | "Renewable electricity" | "Cooking oil",
  region?: string,
): EnergyCarrier {
  return {
    energyCarrier,
    feedstocks: [{ feedstock, feedstockShare: "1", ...(region ? { regionProvenance: region } : {}) }],
    emissionFactorWTW: wtw,
    emissionFactorTTW: ttw,
    relativeShare,
  };
}

const MODE_CARRIERS: Readonly<Record<TransportMode, readonly (() => EnergyCarrier[])[]>> = {
  Road: [
    () => [carrier("Diesel", "1", "3.17", "2.58", "Fossil", "EU")],
    () => [
      carrier("HVO", "0.9", "0.65", "0.045", "Cooking oil", "EU"),
      carrier("Diesel", "0.1", "3.17", "2.58", "Fossil"),
    ],
    () => [carrier("LNG", "1", "3.4", "2.75", "Natural gas", "NO")],
    () => [carrier("Electric", "1", "0.35", "0", "Grid", "DE")],
  ],
  Rail: [
    () => [carrier("Electric", "1", "0.343", "0", "Grid", "DE")],
    () => [
      carrier("Electric", "0.6", "0.3", "0", "Grid"),
      carrier("Electric", "0.4", "0.02", "0", "Renewable electricity"),
    ],
    () => [carrier("Diesel", "1", "3.17", "2.58", "Fossil")],
  ],
  Sea: [
    () => [
      carrier("HFO", "0.8", "3.56", "3.15", "Fossil"),
      carrier("LNG", "0.2", "3.4", "2.75", "Natural gas", "NO"),
    ],
    () => [carrier("MGO", "1", "3.9", "3.24", "Fossil")],
  ],
  Air: [() => [carrier("Aviation fuel", "1", "3.88", "3.15", "Fossil")]],
  InlandWaterway: [() => [carrier("Diesel", "1", "3.17", "2.58", "Fossil")]],
};

/** WTW and TTW intensities (kgCO2e/tkm) per mode: [min, max] in thousandths. */
const MODE_INTENSITY: Readonly<Record<TransportMode, readonly [number, number]>> = {
  Road: [20, 110],
  Rail: [8, 30],
  Sea: [5, 20],
  Air: [500, 1100],
  InlandWaterway: [15, 40],
};

function milli(n: number): string {
  return roundDecimal(scaleByPowerOfTen(String(n), -3), 3);
}

function makeToc(r: Random, n: number): TOC {
  const mode = r.weighted<TransportMode>([
    ["Road", 55],
    ["Rail", 15],
    ["Sea", 12],
    ["Air", 6],
    ["InlandWaterway", 12],
  ]);
  const [lo, hi] = MODE_INTENSITY[mode];
  const wtw = r.int(lo, hi);
  const ttw = Math.floor(wtw * (0.6 + r.next() * 0.3));
  return {
    tocId: `toc-${mode.toLowerCase()}-${String(n).padStart(6, "0")}`,
    certifications: [r.pick(["ISO14083:2023", "GLECv3", "GLECv3.1"] as const)],
    description: `${mode} operation category ${n}`,
    mode,
    loadFactor: milli(r.int(300, 950)),
    emptyDistanceFactor: milli(r.int(0, 300)),
    temperatureControl: r.pick(["ambient", "refrigerated", "mixed"] as const),
    ...(mode === "Road" ? { truckLoadingSequence: r.pick(["FTL", "LTL"] as const) } : {}),
    ...(mode === "Air" ? { airShippingOption: r.pick(["belly freight", "freighter"] as const) } : {}),
    energyCarriers: r.pick(MODE_CARRIERS[mode])(),
    co2eIntensityWTW: milli(wtw),
    co2eIntensityTTW: milli(ttw),
    transportActivityUnit: "tkm",
  };
}

function makeHoc(r: Random, n: number): HOC {
  const location = r.pick(CITIES);
  const wtw = r.int(500, 4000);
  return {
    hocId: `hoc-${location.locode?.toLowerCase()}-${String(n).padStart(6, "0")}`,
    description: `Hub ${location.city} ${n}`,
    certifications: ["ISO14083:2023"],
    hubType: r.pick(["Transshipment", "StorageAndTransshipment", "Warehouse"] as const),
    temperatureControl: r.pick(["ambient", "refrigerated"] as const),
    hubLocation: location,
    packagingOrTrEqType: r.pick(["Pallet", "Container-TEU", "Box"] as const),
    energyCarriers: [
      carrier("Electric", "0.7", "0.38", "0", "Grid", location.country),
      carrier("Diesel", "0.3", "3.17", "2.58", "Fossil"),
    ],
    co2eIntensityWTW: milli(wtw),
    co2eIntensityTTW: milli(Math.floor(wtw * 0.5)),
    hubActivityUnit: "tonnes",
  };
}

function makeShipment(
  r: Random,
  n: number,
  tocs: readonly TOC[],
  hocs: readonly HOC[],
  createdMs: number,
): ShipmentFootprint {
  const shipmentId = `SHP-${String(n).padStart(9, "0")}`;
  const massKg = r.int(50, 24000);
  const mass = String(massKg);
  const legs = r.weighted([
    [1, 55],
    [2, 25],
    [3, 15],
    [4, 5],
  ]);
  const tces: TCE[] = [];
  let at = createdMs - r.int(3, 60) * 86_400_000;
  let from = r.pick(CITIES);
  for (let leg = 0; leg < legs; leg++) {
    if (leg > 0 && hocs.length > 0 && r.next() < 0.4) {
      const hoc = r.pick(hocs);
      const tonnes = scaleByPowerOfTen(mass, -3);
      tces.push({
        tceId: `${shipmentId}-${tces.length + 1}`,
        prevTceIds: [tces[tces.length - 1]!.tceId],
        hocId: hoc.hocId,
        shipmentId,
        mass,
        distance: { actual: "0" },
        origin: from,
        destination: from,
        transportActivity: "0",
        co2eWTW: multiplyDecimal(tonnes, hoc.co2eIntensityWTW),
        co2eTTW: multiplyDecimal(tonnes, hoc.co2eIntensityTTW),
      });
    }
    const toc = r.pick(tocs);
    const to = r.pick(CITIES);
    const km = String(r.int(20, 1500));
    const activity = scaleByPowerOfTen(multiplyDecimal(km, mass), -3);
    const hours = r.int(2, 48);
    tces.push({
      tceId: `${shipmentId}-${tces.length + 1}`,
      prevTceIds: tces.length > 0 ? [tces[tces.length - 1]!.tceId] : [],
      tocId: toc.tocId,
      shipmentId,
      consignmentId: `CNS-${n}`,
      mass,
      packagingOrTrEqType: r.pick(["Pallet", "Box", "Container-TEU"] as const),
      distance: { actual: km },
      origin: from,
      destination: to,
      transportActivity: activity,
      departureAt: iso(at),
      arrivalAt: iso(at + hours * 3_600_000),
      co2eWTW: multiplyDecimal(activity, toc.co2eIntensityWTW),
      co2eTTW: multiplyDecimal(activity, toc.co2eIntensityTTW),
    });
    at += (hours + r.int(1, 24)) * 3_600_000;
    from = to;
  }
  return { mass, shipmentId, tces };
}

const PCF_CPCS = [
  "32151",
  "34720",
  "01111",
  "21111",
  "23110",
  "35110",
  "36320",
  "41210",
  "42999",
  "44110",
  "27190",
  "37440",
];

function makePcf(r: Random, id: string, n: number, created: string): ProductFootprint {
  const companyNo = r.weighted([
    [0, 60],
    [r.int(1, 40), 40],
  ]);
  const refYear = new Date(created).getUTCFullYear() - 1;
  const geo =
    r.next() < 0.85
      ? { geographyCountry: r.pick(COUNTRIES) }
      : { geographyRegionOrSubregion: "Europe" as const };
  return {
    id,
    specVersion: "2.2.0",
    version: 1,
    created,
    status: "Active",
    companyName: companyNo === 0 ? BENCH_COMPANY.companyName : `Supplier ${companyNo} GmbH`,
    companyIds:
      companyNo === 0
        ? [...BENCH_COMPANY.companyIds]
        : [`urn:pathfinder:company:customcode:buyer-assigned:supplier-${companyNo}`],
    productDescription: `Synthetic product ${n}`,
    productIds: [`urn:pathfinder:product:customcode:vendor-assigned:product-${n}`],
    productCategoryCpc: r.pick(PCF_CPCS),
    productNameCompany: `Product ${n}`,
    comment: "",
    pcf: {
      declaredUnit: "kilogram",
      unitaryProductAmount: "1",
      pCfExcludingBiogenic: "1.25",
      fossilGhgEmissions: "1.2",
      fossilCarbonContent: "0.3",
      biogenicCarbonContent: "0",
      characterizationFactors: "AR6",
      ipccCharacterizationFactorsSources: ["AR6"],
      crossSectoralStandardsUsed: ["GHG Protocol Product standard"],
      boundaryProcessesDescription: "Cradle-to-gate.",
      referencePeriodStart: `${refYear}-01-01T00:00:00Z`,
      referencePeriodEnd: `${refYear + 1}-01-01T00:00:00Z`,
      ...geo,
      exemptedEmissionsPercent: 0,
      exemptedEmissionsDescription: "",
      packagingEmissionsIncluded: false,
      primaryDataShare: r.int(10, 100),
    },
  } as ProductFootprint;
}

/** How many of `count` footprints are TOCs and HOCs (the rest: shipments, plain PCFs, versions). */
export function referenceCounts(count: number): { tocs: number; hocs: number } {
  return {
    tocs: Math.max(4, Math.min(2000, Math.round(count * 0.002))),
    hocs: Math.max(2, Math.min(1000, Math.round(count * 0.001))),
  };
}

/**
 * `count` footprint records in import order: the TOCs, then the HOCs, then ShipmentFootprints
 * (≈ 78 %) and plain PACT footprints (≈ 22 %) with, in between, later versions of earlier ones
 * (`versionShare`; each with `updated` after `created`).
 */
export function* generateFootprints(
  count: number,
  options: GenerateOptions = {},
): Generator<GeneratedFootprint> {
  const r = new Random(options.seed ?? 1);
  const company = options.company ?? BENCH_COMPANY;
  const versionShare = options.versionShare ?? 0.03;
  const { tocs: tocCount, hocs: hocCount } = referenceCounts(count);
  const tocs: TOC[] = [];
  const hocs: HOC[] = [];
  let emitted = 0;
  const created = () => iso(START_2022 + r.next() * SPAN_3Y);
  for (let i = 0; i < tocCount && emitted < count; i++, emitted++) {
    const toc = makeToc(r, i);
    tocs.push(toc);
    yield {
      kind: "toc",
      document: buildProductFootprint({
        kind: "toc",
        id: r.uuid(),
        created: iso(START_2022 - r.int(1, 300) * 86_400_000),
        company,
        data: toc,
        pcf: { geographyCountry: r.pick(COUNTRIES), primaryDataShare: r.int(30, 100) },
      }),
    };
  }
  for (let i = 0; i < hocCount && emitted < count; i++, emitted++) {
    const hoc = makeHoc(r, i);
    hocs.push(hoc);
    yield {
      kind: "hoc",
      document: buildProductFootprint({
        kind: "hoc",
        id: r.uuid(),
        created: iso(START_2022 - r.int(1, 300) * 86_400_000),
        company,
        data: hoc,
        pcf: { geographyCountry: hoc.hubLocation?.country ?? "DE", primaryDataShare: r.int(30, 100) },
      }),
    };
  }
  // Candidates for later versions: a bounded reservoir of recent plain PCFs.
  const recent: ProductFootprint[] = [];
  for (let n = 0; emitted < count; n++, emitted++) {
    if (recent.length > 0 && r.next() < versionShare) {
      const previous = recent.splice(r.int(0, recent.length - 1), 1)[0]!;
      const updatedMs =
        Math.max(Date.parse(previous.created), Date.parse(previous.updated ?? previous.created)) +
        r.int(1, 200) * 86_400_000;
      const next = {
        ...previous,
        version: previous.version + 1,
        created: previous.created,
        updated: iso(updatedMs),
        pcf: { ...previous.pcf, pCfExcludingBiogenic: "1.3", fossilGhgEmissions: "1.25" },
      } as ProductFootprint;
      yield { kind: "pcf", document: next };
      continue;
    }
    const when = created();
    if (r.next() < 0.78) {
      const sf = makeShipment(r, n, tocs, hocs, Date.parse(when));
      yield {
        kind: "shipment-footprint",
        document: buildProductFootprint({
          kind: "shipment-footprint",
          id: r.uuid(),
          created: when,
          company,
          data: sf,
          pcf: { geographyCountry: sf.tces[0]!.origin?.country ?? "DE", primaryDataShare: r.int(50, 100) },
        }),
      };
    } else {
      const doc = makePcf(r, r.uuid(), n, when);
      if (recent.length < 1000) recent.push(doc);
      yield { kind: "pcf", document: doc };
    }
  }
}

/** `count` TAD records with unique activity ids, across all five modes. */
export function* generateTad(count: number, options: GenerateOptions = {}): Generator<TAD> {
  const r = new Random((options.seed ?? 1) + 7919);
  for (let n = 0; n < count; n++) {
    const mode = r.weighted<TransportMode>([
      ["Road", 60],
      ["Rail", 14],
      ["Sea", 12],
      ["Air", 5],
      ["InlandWaterway", 9],
    ]);
    const origin = r.pick(CITIES);
    const destination = r.pick(CITIES);
    const departure = START_2022 + r.next() * SPAN_3Y;
    const km = String(r.int(10, 2500));
    yield {
      activityId: `tad-${String(n).padStart(9, "0")}`,
      consignmentIds: [`CNS-T-${n}`],
      distance: { actual: km },
      mass: String(r.int(100, 26000)),
      ...(r.next() < 0.7 ? { loadFactor: milli(r.int(300, 1000)) } : {}),
      origin,
      destination,
      departureAt: iso(departure),
      arrivalAt: iso(departure + r.int(1, 96) * 3_600_000),
      mode,
      packagingOrTrEqType: r.pick(["Pallet", "Box", "Container-TEU", "Container-FEU", "Container"] as const),
      packagingOrTrEqAmount: r.int(1, 40),
      energyCarriers: r.pick(MODE_CARRIERS[mode])(),
      ...(r.next() < 0.8 ? { temperatureControl: r.pick(["ambient", "refrigerated"] as const) } : {}),
    };
  }
}
