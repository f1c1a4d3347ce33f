/**
 * The pure domain layer: PACT v2, PACT v3.0 (`./v3/`) and iLEAP v1.0 types, exact decimal arithmetic, validators built
 * from the official JSON Schemas, the iLEAP rules beyond them, and the iLEAP → PACT mapping.
 * @module
 */
export * from "./check.ts";
export * from "./constants.ts";
export * from "./decimal.ts";
export * from "./ileap-mapping.ts";
export * from "./ileap-rules.ts";
export type * from "./types.ts";
export {
  CERTIFICATIONS,
  ENERGY_CARRIER_TYPES,
  FEEDSTOCK_TYPES,
  HUB_TYPES,
  INCOTERMS,
  PACKAGING_OR_TR_EQ_TYPES,
  TEMPERATURE_CONTROLS,
  TRANSPORT_MODES,
} from "./types.ts";
export * from "./v3/index.ts";
export * from "./validate.ts";
