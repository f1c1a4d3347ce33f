/**
 * The asynchronous answers to request events, received by the run's callback listener: PACT TC13
 * (Fulfilled, for the request of TC12) and TC14.B (Rejected, for the request of TC14.A), in both
 * versions. A case sends its request itself when TC12/TC14.A did not run, then waits for the
 * answer whose `data.requestEventId` is the request's `id`.
 * @module
 */
import type { ReceivedDelivery } from "./callback-listener.ts";
import type { CaseDefinition, CaseScope } from "./case.ts";
import type { SuiteContext } from "./context.ts";
import { fulfilRequest, rejectRequest, type SentRequest } from "./events.ts";
import { describeRes } from "./expect.ts";
import { footprintProblems } from "./footprints.ts";
import { excerpt, isObject, type JsonObject, str } from "./json.ts";

/** The delivery answering `request`, or the case is skipped (no listener) or fails (none in time). */
async function awaitAnswer(ctx: SuiteContext, t: CaseScope, request: SentRequest): Promise<ReceivedDelivery> {
  const listener = ctx.callbacks;
  if (listener === undefined) {
    t.skip(
      "no callback listener: run with one (`callbacks` option; CLI --callback-port) and configure the host with its peer entry",
    );
  }
  // A 2xx other than 200 fails TC12/TC14.A; the answer is still awaited and checked here.
  if (request.response.status < 200 || request.response.status > 299) {
    t.fail(`the request event was not accepted: ${describeRes(request.response)}`);
  }
  const requestId = String(request.event.id);
  const answers = (d: ReceivedDelivery): boolean =>
    isObject(d.event) && isObject(d.event.data) && d.event.data.requestEventId === requestId;
  const seconds = Math.round(ctx.opts.callbackTimeoutMs / 1000);
  // A delivery the listener refused (no or unknown token) is not an answer yet: a host that sent a
  // token it cached from an earlier listener must fetch a new one and retry.
  const delivery = await listener.waitFor((d) => answers(d) && d.authorized, ctx.opts.callbackTimeoutMs);
  if (delivery === undefined) {
    const refused = listener.deliveries.filter(answers);
    if (refused.length > 0) {
      t.fail(
        `the answer to "${requestId}" was sent ${refused.length} time(s) within ${seconds} s, each refused by the listener: ${[
          ...new Set(refused.map((d) => d.authProblem ?? "")),
        ].join(
          "; ",
        )}; the host must obtain a token from the requester (discovery, else /auth/token) and send it`,
      );
    }
    const others = listener.deliveries.length;
    t.fail(
      `no event with data.requestEventId "${requestId}" arrived at ${listener.url}${ctx.pact.eventsPath} within ${seconds} s` +
        ` (${others} other deliver${others === 1 ? "y" : "ies"} received, ${listener.tokensIssued} token(s) issued;` +
        ` is the host configured with the listener as a peer? \`ileap conformance --print-peer\`)`,
    );
  }
  const refusedFirst = listener.deliveries.filter((d) => answers(d) && !d.authorized).length;
  if (refusedFirst > 0) {
    t.note(
      `${refusedFirst} earlier attempt(s) of the answer came with a token the listener did not accept; the host retried with a new one`,
    );
  }
  return delivery;
}

/** Checks common to both answers: path, media type, token, CloudEvents attributes, type, requestEventId. */
function checkEnvelope(
  ctx: SuiteContext,
  t: CaseScope,
  d: ReceivedDelivery,
  request: SentRequest,
  type: string,
): JsonObject {
  const where = `POST ${d.path}`;
  if (d.path !== ctx.pact.eventsPath) {
    t.problem(
      `${where}: the answer was sent to ${d.path}, expected ${ctx.pact.eventsPath} (PACT ${ctx.pact.version})`,
    );
  }
  const media = (d.contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (media !== "application/cloudevents+json") {
    t.problem(
      `${where}: Content-Type ${JSON.stringify(d.contentType)}, expected application/cloudevents+json (structured mode)`,
    );
  }
  if (!isObject(d.event)) t.fail(`${where}: body is not a JSON object: ${excerpt(d.body)}`);
  const ev = d.event;
  if (ev.specversion !== "1.0")
    t.problem(`${where}: specversion is ${JSON.stringify(ev.specversion)}, expected "1.0"`);
  for (const key of ["id", "source"] as const) {
    if (!str(ev[key])) t.problem(`${where}: "${key}" missing or not a non-empty string`);
  }
  if (ctx.pact.major === 3 && (!str(ev.time) || Number.isNaN(Date.parse(String(ev.time))))) {
    t.problem(`${where}: "time" missing or not a timestamp (PACT v3 BaseEvent)`);
  }
  if (ev.type !== type) t.problem(`${where}: type is ${JSON.stringify(ev.type)}, expected "${type}"`);
  if (ev.id === request.event.id)
    t.problem(`${where}: the answer reuses the request's id "${String(ev.id)}"`);
  if (!isObject(ev.data)) t.fail(`${where}: "data" missing or not an object: ${excerpt(d.body)}`);
  return ev.data;
}

/** PACT TC13: the host answers TC12's request with a Fulfilled event carrying matching, valid footprints. */
export const tc13: CaseDefinition = {
  id: "pact-tc13",
  title: "Call back with a Request Fulfilled event",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const request = await fulfilRequest(ctx);
    const d = await awaitAnswer(ctx, t, request);
    const data = checkEnvelope(ctx, t, d, request, ctx.pact.eventTypes.requestFulfilled);
    const where = `POST ${d.path}`;
    if (!Array.isArray(data.pfs) || data.pfs.length === 0) {
      t.fail(
        `${where}: data.pfs is ${Array.isArray(data.pfs) ? "empty" : "missing"}: a Fulfilled event carries at least one footprint (else Rejected)`,
      );
    }
    const wanted = new Set(request.productIds);
    data.pfs.forEach((pf, i) => {
      t.addProblems(footprintProblems(ctx, pf, where, `/data/pfs/${i}`));
      const ids = isObject(pf) && Array.isArray(pf.productIds) ? pf.productIds : [];
      if (!ids.some((p) => typeof p === "string" && wanted.has(p))) {
        t.problem(
          `${where}: /data/pfs/${i} (${isObject(pf) ? String(pf.id) : "?"}) has none of the requested productIds ${[...wanted].join(", ")}`,
        );
      }
    });
  },
};

/** PACT TC14.B: the host answers TC14.A's request (`urn:pact:null`) with a Rejected event and an error. */
export const tc14b: CaseDefinition = {
  id: "pact-tc14b",
  title: "Call back with a Request Rejected event",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    const request = await rejectRequest(ctx);
    const d = await awaitAnswer(ctx, t, request);
    const data = checkEnvelope(ctx, t, d, request, ctx.pact.eventTypes.requestRejected);
    const where = `POST ${d.path}`;
    if (!isObject(data.error)) {
      t.fail(`${where}: data.error missing or not an object {"code", "message"}`);
    }
    const { code, message } = data.error;
    if (!str(code)) t.problem(`${where}: data.error.code missing or not a string`);
    else if (code !== ctx.pact.rejectedCode) {
      t.note(
        `${where}: data.error.code is "${code}"; "${ctx.pact.rejectedCode}" names a request nothing matches`,
      );
    }
    if (typeof message !== "string") t.problem(`${where}: data.error.message missing or not a string`);
  },
};
