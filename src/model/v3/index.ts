/**
 * PACT v3.0 beside v2: the v3 types, the v3 validator and the v2 ↔ v3 renderings.
 * @module
 */
export * from "./convert.ts";
export * from "./render.ts";
export * from "./types.ts";
export * from "./validate.ts";
