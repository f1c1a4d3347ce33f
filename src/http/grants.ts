import { DATA_KINDS, type FootprintKind, type Principal } from "../auth/principal.ts";

const FOOTPRINT_KINDS = DATA_KINDS.filter((k): k is FootprintKind => k !== "tad");

/** Whether `p` may read product footprints (`/2/footprints…`, `/3/footprints…`): any footprint kind granted. */
export function canReadFootprints(p: Principal): boolean {
  return FOOTPRINT_KINDS.some((k) => p.grants.has(k));
}

/** Whether `p` may read Transport Activity Data (`/2/ileap/tad`). */
export function canReadTad(p: Principal): boolean {
  return p.grants.has("tad");
}
