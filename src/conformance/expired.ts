/**
 * Expired-token case for the PACT endpoints: 401 `TokenExpired` on list, get and events.
 * (iLEAP TC008, the same for TAD, is in `tad.ts`.)
 * @module
 */
import type { CaseDefinition, CaseScope } from "./case.ts";
import type { SuiteContext } from "./context.ts";
import { publishedEvent } from "./events.ts";
import { checkPactError, describeRes } from "./expect.ts";
import { excerpt, str } from "./json.ts";

/** PACT: a token that verified but expired → 401 `TokenExpired` on ListFootprints, GetFootprint and events. */
export const tokenExpired: CaseDefinition = {
  id: "pact-ext-token-expired",
  title: "Expired token on ListFootprints, GetFootprint and Events is refused with 401 TokenExpired",
  mandatory: false,
  needsExpiredToken: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const expired = await ctx.expiredToken(t);
    let id: string;
    try {
      id = str((await ctx.footprints())[0]?.id) as string;
    } catch {
      id = crypto.randomUUID();
    }
    const responses = [
      await ctx.get(ctx.footprintsUrl(), expired),
      await ctx.get(ctx.footprintsUrl(`/${encodeURIComponent(id)}`), expired),
      await ctx.postEvent(publishedEvent(ctx), expired),
    ];
    for (const res of responses) {
      if (res.status !== 401) {
        t.problem(
          `${describeRes(res)} with an expired token, expected 401 TokenExpired; body: ${excerpt(res.body)}`,
        );
        continue;
      }
      checkPactError(t, res, ["TokenExpired"]);
    }
  },
};
