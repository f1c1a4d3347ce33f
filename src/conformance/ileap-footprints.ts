/**
 * iLEAP footprint cases TC001 to TC003: every listed footprint whose productIds name a
 * ShipmentFootprint, TOC or HOC follows the iLEAP data model and mapping rules, and every TOC and
 * HOC referenced by a listed ShipmentFootprint is itself listed.
 * @module
 */
import type { CaseDefinition, CaseScope } from "./case.ts";
import type { SuiteContext } from "./context.ts";
import { checkIleapFootprint, type IleapCheck, type IleapKind, ileapKindsOf } from "./ileap-rules.ts";

const LABEL: Readonly<Record<IleapKind, string>> = { shipment: "ShipmentFootprint", toc: "TOC", hoc: "HOC" };

/** Checks of every iLEAP footprint of the full (paginated) listing, memoised per run. */
function ileapChecks(ctx: SuiteContext): Promise<IleapCheck[]> {
  return ctx.memo("ileap-checks", async () => {
    const all = await ctx.allFootprints();
    const validate = (
      name: Parameters<typeof ctx.schemas.validate>[0],
      value: unknown,
      ptr: string,
    ): string[] => ctx.schemas.validate(name, value, ptr, 5);
    const checks: IleapCheck[] = [];
    for (const pf of all) {
      for (const kind of ileapKindsOf(pf)) checks.push(checkIleapFootprint(pf, kind, validate));
    }
    return checks;
  });
}

/** Reports the problems and grouped notes of the checks of one kind. */
function report(t: CaseScope, checks: readonly IleapCheck[]): void {
  const notes = new Map<string, string[]>();
  for (const c of checks) {
    for (const p of c.problems) t.problem(`footprint ${c.footprintId}: ${p}`);
    for (const n of c.notes) notes.set(n, [...(notes.get(n) ?? []), c.footprintId]);
  }
  for (const [note, ids] of notes) {
    t.note(`${note} in ${ids.length} footprint(s), e.g. ${ids.slice(0, 3).join(", ")}`);
  }
}

async function kindCase(ctx: SuiteContext, t: CaseScope, kind: IleapKind): Promise<void> {
  const checks = await ileapChecks(ctx);
  const ofKind = checks.filter((c) => c.kind === kind);
  report(t, ofKind);
  if (kind === "shipment") {
    if (ofKind.length === 0) {
      const total = (await ctx.allFootprints()).length;
      t.problem(
        `none of the ${total} listed footprints has a productId urn:pathfinder:product:customcode:(vendor|buyer)-assigned:shipment:…`,
      );
    }
    return;
  }
  const listed = new Set(ofKind.map((c) => c.declaredId).filter((id): id is string => id !== undefined));
  const referencedBy = new Map<string, string[]>();
  for (const sf of checks.filter((c) => c.kind === "shipment")) {
    for (const id of sf.references[kind])
      referencedBy.set(id, [...(referencedBy.get(id) ?? []), sf.footprintId]);
  }
  for (const [id, sfs] of referencedBy) {
    if (!listed.has(id)) {
      t.problem(
        `${LABEL[kind]} "${id}" is referenced by the ShipmentFootprint(s) of footprint ${[...new Set(sfs)].slice(0, 3).join(", ")} but no listed footprint carries it`,
      );
    }
  }
  if (ofKind.length === 0 && referencedBy.size === 0) {
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
  run: (ctx, t) => kindCase(ctx, t, "shipment"),
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
