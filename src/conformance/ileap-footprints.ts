/**
 * iLEAP footprint cases TC001 to TC003: every listed footprint that carries (or whose productIds
 * name) a ShipmentFootprint, TOC or HOC follows the iLEAP data model and mapping rules, and every
 * TOC and HOC referenced by a listed ShipmentFootprint is itself listed.
 *
 * The rules are the model's (`src/model/ileap-rules.ts`): issues of level `should` (SHOULDs of the
 * iLEAP text and our own stricter write policy) become notes, all others fail the case.
 * @module
 */
import { footprintKind, ileapExtension } from "../model/ileap-mapping.ts";
import {
  footprintSetRules,
  ileapFootprintRules,
  ileapMappingRecommendations,
  RULE,
} from "../model/ileap-rules.ts";
import type { IleapKind, ProductFootprint, ValidationIssue } from "../model/types.ts";
import { nullIssues } from "../model/validate.ts";
import type { CaseDefinition, CaseScope } from "./case.ts";
import type { SuiteContext } from "./context.ts";
import { formatIssues } from "./issues.ts";
import type { JsonObject } from "./json.ts";
import type { SchemaName, SchemaValidators } from "./schemas.ts";

const LABEL: Readonly<Record<IleapKind, string>> = {
  "shipment-footprint": "ShipmentFootprint",
  toc: "TOC",
  hoc: "HOC",
};

const SCHEMA_OF: Readonly<Record<IleapKind, SchemaName>> = {
  "shipment-footprint": "shipmentFootprint",
  toc: "toc",
  hoc: "hoc",
};

/** Largest number of distinct notes a case lists; the rest are counted. */
const MAX_NOTES = 20;

/** Outcome of checking one iLEAP footprint. */
export interface IleapCheck {
  readonly kind: IleapKind;
  readonly footprintId: string;
  /** Violations of MUSTs, each `"<JSON pointer into the footprint> <message>"`. */
  readonly problems: readonly string[];
  /** Deviations from SHOULDs (issues of level `should`), without the footprint id (for grouping). */
  readonly notes: readonly string[];
}

function split(issues: readonly ValidationIssue[]): { must: ValidationIssue[]; should: ValidationIssue[] } {
  return {
    must: issues.filter((i) => i.level !== "should"),
    should: issues.filter((i) => i.level === "should"),
  };
}

/**
 * Checks one footprint whose extension or productIds designate an iLEAP data type (see the model's
 * `footprintKind`): no `null`, the extension data against its iLEAP schema, the model's iLEAP rules
 * (`ileapFootprintRules`) and mapping recommendations (`ileapMappingRecommendations`). Returns
 * `undefined` for a plain PACT footprint.
 */
export function checkIleapFootprint(pf: JsonObject, schemas: SchemaValidators): IleapCheck | undefined {
  const kind = footprintKind(pf);
  if (kind === "pcf") return undefined;
  const doc = pf as unknown as ProductFootprint;
  const problems = formatIssues(nullIssues(pf));
  const found = ileapExtension(pf);
  if (found) {
    const schemaIssues = schemas.validate(SCHEMA_OF[found.kind], found.extension.data);
    const base = `/extensions/${found.index}/data`;
    problems.push(...formatIssues(schemaIssues, { base, max: 5, noun: "schema errors" }));
  }
  const { must, should } = split([...ileapFootprintRules(doc), ...ileapMappingRecommendations(doc)]);
  problems.push(...formatIssues(must));
  return { kind, footprintId: String(pf.id), problems, notes: formatIssues(should, { values: false }) };
}

/** What one case (one kind) reports. */
interface KindReport {
  /** Footprints of this kind. */
  count: number;
  readonly problems: string[];
  /** Note text → ids of the footprints it applies to. */
  readonly notes: Map<string, string[]>;
  /** Referenced ids of this kind (TOC, HOC) that no listed footprint carries → referencing footprint ids. */
  readonly unlisted: Map<string, string[]>;
}

function emptyReport(): KindReport {
  return { count: 0, problems: [], notes: new Map(), unlisted: new Map() };
}

function add(map: Map<string, string[]>, key: string, id: string): void {
  const ids = map.get(key);
  if (!ids) map.set(key, [id]);
  else if (!ids.includes(id)) ids.push(id);
}

/** Which case a set-level issue belongs to: references to TC002/TC003, the rest to TC001. */
function caseOfSetIssue(issue: ValidationIssue): IleapKind {
  if (issue.rule === RULE.setReference && issue.pointer.endsWith("/tocId")) return "toc";
  if (issue.rule === RULE.setReference && issue.pointer.endsWith("/hocId")) return "hoc";
  return "shipment-footprint";
}

/** Reports of every iLEAP footprint of the full (paginated) listing, per kind, memoised per run. */
function ileapReports(ctx: SuiteContext): Promise<Record<IleapKind, KindReport>> {
  return ctx.memo("ileap-reports", async () => {
    const all = await ctx.allFootprints();
    const reports: Record<IleapKind, KindReport> = {
      "shipment-footprint": emptyReport(),
      toc: emptyReport(),
      hoc: emptyReport(),
    };
    for (const pf of all) {
      const check = checkIleapFootprint(pf, ctx.schemas);
      if (!check) continue;
      const r = reports[check.kind];
      r.count += 1;
      for (const p of check.problems) r.problems.push(`footprint ${check.footprintId}: ${p}`);
      for (const n of check.notes) add(r.notes, n, check.footprintId);
    }
    for (const issue of footprintSetRules(all as unknown as ProductFootprint[])) {
      const index = Number(issue.pointer.split("/")[1]);
      const prefix = `/${index}`;
      const footprintId = String(all[index]?.id);
      const r = reports[caseOfSetIssue(issue)];
      const local = { ...issue, pointer: issue.pointer.slice(prefix.length) };
      if (issue.rule === RULE.setReference) add(r.unlisted, String(issue.value), footprintId);
      else if (issue.level === "should") {
        for (const n of formatIssues([local])) add(r.notes, n, footprintId);
      } else {
        for (const p of formatIssues([local])) r.problems.push(`footprint ${footprintId}: ${p}`);
      }
    }
    return reports;
  });
}

/** Reports the problems and grouped notes of one kind. */
function report(t: CaseScope, kind: IleapKind, r: KindReport): void {
  t.addProblems(r.problems);
  for (const [id, sfs] of r.unlisted) {
    t.problem(
      `${LABEL[kind]} "${id}" is referenced by the ShipmentFootprint(s) of footprint ${sfs.slice(0, 3).join(", ")} but no listed footprint carries it`,
    );
  }
  const notes = [...r.notes];
  for (const [note, ids] of notes.slice(0, MAX_NOTES)) {
    t.note(`${note} in ${ids.length} footprint(s), e.g. ${ids.slice(0, 3).join(", ")}`);
  }
  if (notes.length > MAX_NOTES) t.note(`… and ${notes.length - MAX_NOTES} more notes`);
}

async function kindCase(ctx: SuiteContext, t: CaseScope, kind: IleapKind): Promise<void> {
  const r = (await ileapReports(ctx))[kind];
  report(t, kind, r);
  if (r.count > 0 || r.unlisted.size > 0) return;
  if (kind === "shipment-footprint") {
    const total = (await ctx.allFootprints()).length;
    t.problem(
      `none of the ${total} listed footprints has a productId urn:pathfinder:product:customcode:(vendor|buyer)-assigned:shipment:…`,
    );
  } else {
    t.problem(
      `no listed footprint has a productId urn:pathfinder:product:customcode:(vendor|buyer)-assigned:${kind}:… (a ${LABEL[kind]})`,
    );
  }
}

/** iLEAP TC001: footprints with ShipmentFootprints. */
export const tc001: CaseDefinition = {
  id: "ileap-tc001",
  title: "Get ProductFootprint with ShipmentFootprint",
  mandatory: true,
  run: (ctx, t) => kindCase(ctx, t, "shipment-footprint"),
};

/** iLEAP TC002: footprints with TOCs, including every TOC referenced by a ShipmentFootprint. */
export const tc002: CaseDefinition = {
  id: "ileap-tc002",
  title: "Get ProductFootprint with TOC",
  mandatory: true,
  run: (ctx, t) => kindCase(ctx, t, "toc"),
};

/** iLEAP TC003: footprints with HOCs, including every HOC referenced by a ShipmentFootprint. */
export const tc003: CaseDefinition = {
  id: "ileap-tc003",
  title: "Get ProductFootprint with HOC",
  mandatory: true,
  run: (ctx, t) => kindCase(ctx, t, "hoc"),
};
