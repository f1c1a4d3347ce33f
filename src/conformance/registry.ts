/**
 * Every conformance case, in report order.
 * @module
 */
import { tc01, tc02, tc18, tc19, unsupportedGrantType } from "./auth.ts";
import type { CaseDefinition } from "./case.ts";
import { tc12, tc14a, tc15, tc16, tc21 } from "./events.ts";
import { tokenExpired } from "./expired.ts";
import { tc03, tc04, tc05, tc06, tc07, tc08, tc20 } from "./footprints.ts";
import { tc09, tc10, tc11, tc17 } from "./https.ts";
import { tc001, tc002, tc003 } from "./ileap-footprints.ts";
import { tc004, tc005, tc006, tc007, tc008 } from "./tad.ts";

/**
 * The cases: PACT v2 TC1–TC21 (TC13 and TC14.B, the asynchronous answers, need a reachable
 * listener and are not run), two extra PACT checks (`pact-ext-*`), and iLEAP TC001–TC008.
 * Mandatory flags follow PACT v2.2 (the version iLEAP certification tests) and iLEAP v1.0.
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
  tc14a,
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

/** Ids of every case, in report order. */
export const CASE_IDS: readonly string[] = ALL_CASES.map((c) => c.id);

/** The cases with the given ids (report order kept). Throws on an unknown id. Default: all. */
export function selectCases(ids?: readonly string[]): readonly CaseDefinition[] {
  if (ids === undefined) return ALL_CASES;
  const unknown = ids.filter((id) => !CASE_IDS.includes(id));
  if (unknown.length > 0) {
    throw new TypeError(
      `unknown conformance case id(s): ${unknown.join(", ")}; known: ${CASE_IDS.join(", ")}`,
    );
  }
  return ALL_CASES.filter((c) => ids.includes(c.id));
}
