/**
 * Every conformance case of each PACT version, in report order.
 * @module
 */
import { tc01, tc02, tc18, tc19, unsupportedGrantType } from "./auth.ts";
import { tc13, tc14b } from "./callbacks.ts";
import type { CaseDefinition } from "./case.ts";
import { tc12, tc14a, tc15, tc16, tc21, tc40 } from "./events.ts";
import { tokenExpired } from "./expired.ts";
import { tc03, tc04, tc05, tc06, tc07, tc08, tc20 } from "./footprints.ts";
import { tc09, tc10, tc11, tc17 } from "./https.ts";
import { tc001, tc002, tc003 } from "./ileap-footprints.ts";
import type { PactVersion } from "./pact-version.ts";
import { tc004, tc005, tc006, tc007, tc008 } from "./tad.ts";
import {
  v3tc20,
  v3tc21,
  v3tc22,
  v3tc23,
  v3tc24,
  v3tc25,
  v3tc26,
  v3tc27,
  v3tc28,
  v3tc29,
  v3tc30,
  v3tc31,
  v3tc32,
  v3tc33,
  v3tc34,
  v3tc35,
  v3tc36,
  v3tc37,
  v3tc38,
  v3tc39,
  v3UnknownParameter,
} from "./v3-filters.ts";

/**
 * PACT v2: TC1–TC21 (TC13 and TC14.B, the asynchronous answers, need a callback listener), two
 * extra PACT checks (`pact-ext-*`), and iLEAP TC001–TC008. Mandatory flags follow PACT v2.2/v2.3
 * (v2.2 is the version iLEAP certification tests) and iLEAP v1.0.
 */
export const ALL_CASES: readonly CaseDefinition[] = [
  tc01,
  tc02,
  tc03,
  tc04,
  tc05,
  tc06,
  tc07,
  tc08,
  tc09,
  tc10,
  tc11,
  tc12,
  tc13,
  tc14a,
  tc14b,
  tc15,
  tc16,
  tc17,
  tc18,
  tc19,
  tc20,
  tc21,
  unsupportedGrantType,
  tokenExpired,
  tc001,
  tc002,
  tc003,
  tc004,
  tc005,
  tc006,
  tc007,
  tc008,
];

/**
 * PACT v3.0: the official tool's 41 cases (TC1–TC40 with 14.A and 14.B; TC18 and TC19 optional,
 * the rest mandatory) and three extra checks (`pact-ext-*`). The iLEAP cases stay on the v2 run:
 * iLEAP v1.0 defines its data on PACT v2 (`/2/ileap/tad`).
 */
export const V3_CASES: readonly CaseDefinition[] = [
  tc01,
  tc02,
  tc03,
  tc04,
  tc05,
  tc06,
  tc07,
  tc08,
  tc09,
  tc10,
  tc11,
  tc12,
  tc13,
  tc14a,
  tc14b,
  tc15,
  tc16,
  tc17,
  tc18,
  tc19,
  v3tc20,
  v3tc21,
  v3tc22,
  v3tc23,
  v3tc24,
  v3tc25,
  v3tc26,
  v3tc27,
  v3tc28,
  v3tc29,
  v3tc30,
  v3tc31,
  v3tc32,
  v3tc33,
  v3tc34,
  v3tc35,
  v3tc36,
  v3tc37,
  v3tc38,
  v3tc39,
  tc40,
  unsupportedGrantType,
  tokenExpired,
  v3UnknownParameter,
];

/** The cases of a PACT version, in report order. */
export function casesFor(version: PactVersion = "2.3"): readonly CaseDefinition[] {
  return version === "3.0" ? V3_CASES : ALL_CASES;
}

/** Ids of every case of a version, in report order. */
export function caseIdsFor(version: PactVersion = "2.3"): readonly string[] {
  return casesFor(version).map((c) => c.id);
}

/** Ids of every PACT v2 case, in report order. */
export const CASE_IDS: readonly string[] = caseIdsFor("2.3");

/** The cases of `version` with the given ids (report order kept). Throws on an unknown id. Default: all. */
export function selectCases(
  ids?: readonly string[],
  version: PactVersion = "2.3",
): readonly CaseDefinition[] {
  const all = casesFor(version);
  if (ids === undefined) return all;
  const known = all.map((c) => c.id);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new TypeError(
      `unknown conformance case id(s) for PACT ${version}: ${unknown.join(", ")}; known: ${known.join(", ")}`,
    );
  }
  return all.filter((c) => ids.includes(c.id));
}
