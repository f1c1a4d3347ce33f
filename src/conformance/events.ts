/**
 * Event cases (`POST /2/events`, CloudEvents 1.0 structured JSON): PACT TC12, TC14.A, TC15, TC16,
 * TC21. The asynchronous answers (TC13, TC14.B) need a reachable listener and are out of scope.
 * @module
 */
import type { CaseDefinition, CaseScope } from "./case.ts";
import type { SuiteContext } from "./context.ts";
import { checkPactError, describeRes, expectStatus } from "./expect.ts";
import type { HttpResponse } from "./http-client.ts";
import { excerpt, str } from "./json.ts";

/** CloudEvent types of PACT v2. */
export const EVENT_TYPES = {
  published: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
  requestCreated: "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
} as const;

/** A structured-mode CloudEvent with a fresh id and the run's `source`. */
export function cloudEvent(
  ctx: SuiteContext,
  type: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  return {
    specversion: "1.0",
    id: `ileap-ts-conformance-${crypto.randomUUID()}`,
    source: ctx.opts.eventsSource,
    time: new Date().toISOString(),
    type,
    data,
  };
}

/** The PACT TC15 event: Published with a well-formed (random) footprint id. */
export function publishedEvent(ctx: SuiteContext): Record<string, unknown> {
  return cloudEvent(ctx, EVENT_TYPES.published, { pfIds: [crypto.randomUUID()] });
}

function expectAccepted(t: CaseScope, res: HttpResponse): void {
  expectStatus(t, res, [200]);
  if (res.body.trim() !== "") t.note(`${describeRes(res)}: body should be empty, got ${excerpt(res.body)}`);
}

/** PACT TC12: ProductFootprintRequest.Created for the productIds of a listed footprint → 200. */
export const tc12: CaseDefinition = {
  id: "pact-tc12",
  title: "Send PCF creation request (async)",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const productIds = (await ctx.footprints())[0]?.productIds;
    if (!Array.isArray(productIds) || productIds.length === 0 || !productIds.every((p) => str(p))) {
      t.fail(`the first listed footprint has no productIds to request: ${JSON.stringify(productIds)}`);
    }
    const event = cloudEvent(ctx, EVENT_TYPES.requestCreated, {
      pf: { productIds },
      comment: "Please send PCF data for this year.",
    });
    expectAccepted(t, await ctx.postEvent(event, await ctx.accessToken()));
  },
};

/** PACT TC14.A: ProductFootprintRequest.Created for `urn:pact:null` (to be rejected later) → 200. */
export const tc14a: CaseDefinition = {
  id: "pact-tc14a",
  title: "Request for the creation of a PCF to be rejected",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const event = cloudEvent(ctx, EVENT_TYPES.requestCreated, {
      pf: { productIds: ["urn:pact:null"] },
      comment: "Please send PCF data for this year.",
    });
    expectAccepted(t, await ctx.postEvent(event, await ctx.accessToken()));
  },
};

/** PACT TC15: ProductFootprint.Published with a UUID in `pfIds` → 200. */
export const tc15: CaseDefinition = {
  id: "pact-tc15",
  title: "Receive notification of PCF update (Published event)",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    expectAccepted(t, await ctx.postEvent(publishedEvent(ctx), await ctx.accessToken()));
  },
};

/** PACT TC16: events with an invalid token → 400 or 401 (`BadRequest` recommended). */
export const tc16: CaseDefinition = {
  id: "pact-tc16",
  title: "Attempt Action Events with invalid token",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const res = await ctx.postEvent(publishedEvent(ctx), `very-invalid-access-token-${crypto.randomUUID()}`);
    expectStatus(t, res, [400, 401]);
    checkPactError(t, res, ["BadRequest"], "note");
    if (res.status !== 400) t.note(`${describeRes(res)}: 400 BadRequest is the recommended answer`);
  },
};

/** PACT TC21: Published event whose `pfIds` holds a URN instead of a UUID → 400. */
export const tc21: CaseDefinition = {
  id: "pact-tc21",
  title: "Failed to receive notification of PCF update (Published event): malformed request",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const event = cloudEvent(ctx, EVENT_TYPES.published, { pfIds: ["urn:gtin:4712345060507"] });
    const res = await ctx.postEvent(event, await ctx.accessToken());
    expectStatus(t, res, [400]);
    checkPactError(t, res, ["BadRequest"], "note");
  },
};
