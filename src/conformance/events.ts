/**
 * Event cases (`POST /N/events`, CloudEvents 1.0 structured JSON) of both PACT versions: TC12,
 * TC14.A, TC15, TC16 and the malformed Published event (v2 TC21, v3 TC40). The asynchronous
 * answers (TC13, TC14.B) are in `callbacks.ts`.
 * @module
 */
import { type CaseDefinition, CaseFailed, type CaseScope } from "./case.ts";
import type { SuiteContext } from "./context.ts";
import { checkPactError, describeRes, expectStatus } from "./expect.ts";
import type { HttpResponse } from "./http-client.ts";
import { excerpt, str } from "./json.ts";

/** CloudEvent types of PACT v2 (`ctx.pact.eventTypes` has those of the version checked). */
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
    source: ctx.eventsSource,
    time: new Date().toISOString(),
    type,
    data,
  };
}

/** The PACT TC15 event: Published with a well-formed (random) footprint id. */
export function publishedEvent(ctx: SuiteContext): Record<string, unknown> {
  return cloudEvent(ctx, ctx.pact.eventTypes.published, { pfIds: [crypto.randomUUID()] });
}

/** A request event sent once per run (TC12 or TC14.A) and what the host answered. */
export interface SentRequest {
  readonly event: Record<string, unknown>;
  /** The product ids asked for. */
  readonly productIds: readonly string[];
  readonly response: HttpResponse;
}

/** The request to be fulfilled (TC12): the product ids of the first listed footprint. Sent once per run. */
export function fulfilRequest(ctx: SuiteContext): Promise<SentRequest> {
  return ctx.memo("request:fulfil", async () => {
    const productIds = (await ctx.footprints())[0]?.productIds;
    if (!Array.isArray(productIds) || productIds.length === 0 || !productIds.every((p) => str(p))) {
      throw new CaseFailed(
        `the first listed footprint has no productIds to request: ${JSON.stringify(productIds)}`,
      );
    }
    return sendRequest(ctx, productIds as string[]);
  });
}

/** The request to be rejected (TC14.A): `urn:pact:null`, which names no product. Sent once per run. */
export function rejectRequest(ctx: SuiteContext): Promise<SentRequest> {
  return ctx.memo("request:reject", () => sendRequest(ctx, ["urn:pact:null"]));
}

async function sendRequest(ctx: SuiteContext, productIds: readonly string[]): Promise<SentRequest> {
  const event = cloudEvent(ctx, ctx.pact.eventTypes.requestCreated, {
    ...ctx.pact.requestData(productIds),
    comment: "Please send PCF data for this year.",
  });
  const response = await ctx.postEvent(event, await ctx.accessToken());
  return { event, productIds, response };
}

function expectAccepted(t: CaseScope, res: HttpResponse): void {
  expectStatus(t, res, [200]);
  if (res.body.trim() !== "") t.note(`${describeRes(res)}: body should be empty, got ${excerpt(res.body)}`);
}

/** PACT TC12: a request event for the productIds of a listed footprint → 200. */
export const tc12: CaseDefinition = {
  id: "pact-tc12",
  title: "Send PCF creation request (async)",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    expectAccepted(t, (await fulfilRequest(ctx)).response);
  },
};

/** PACT TC14.A: a request event for `urn:pact:null` (to be rejected later) → 200. */
export const tc14a: CaseDefinition = {
  id: "pact-tc14a",
  title: "Request for the creation of a PCF to be rejected",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    expectAccepted(t, (await rejectRequest(ctx)).response);
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
    if (res.status !== ctx.pact.invalidTokenStatus) {
      t.note(
        `${describeRes(res)}: PACT ${ctx.pact.version} names ${ctx.pact.invalidTokenStatus} for an invalid token`,
      );
    }
  },
};

/** A Published event whose `pfIds` holds a URN instead of a UUID → 400 (v2 TC21, v3 TC40). */
function malformedPublished(id: string): CaseDefinition {
  return {
    id,
    title: "Failed to receive notification of PCF update (Published event): malformed request",
    mandatory: true,
    async run(ctx: SuiteContext, t: CaseScope) {
      const event = cloudEvent(ctx, ctx.pact.eventTypes.published, { pfIds: ["urn:gtin:4712345060507"] });
      const res = await ctx.postEvent(event, await ctx.accessToken());
      expectStatus(t, res, [400]);
      checkPactError(t, res, ["BadRequest"], "note");
    },
  };
}

/** PACT v2 TC21: malformed Published event → 400. */
export const tc21 = malformedPublished("pact-tc21");

/** PACT v3 TC40: malformed Published event → 400. */
export const tc40 = malformedPublished("pact-tc40");
