/**
 * Plain-HTTP refusal cases: PACT TC9, TC10, TC11, TC17. The same requests are sent over `http://`;
 * a case passes when the connection fails or the answer carries no token, no data, no acceptance.
 * A redirect fails: the official tool follows it and then gets a real answer.
 * @module
 */
import type { CaseDefinition, CaseScope } from "./case.ts";
import type { SuiteContext } from "./context.ts";
import { publishedEvent } from "./events.ts";
import { describeRes, tryJson } from "./expect.ts";
import { HttpRequestError, type HttpResponse } from "./http-client.ts";
import { isObject, str } from "./json.ts";

function requireEnabled(ctx: SuiteContext, t: CaseScope): void {
  if (ctx.opts.checkHttpRefusal) return;
  t.skip(
    ctx.opts.baseUrl.startsWith("https://")
      ? "plain-HTTP refusal checks disabled (checkHttpRefusal: false)"
      : `baseUrl ${ctx.opts.baseUrl} is not https: the plain-HTTP refusal cannot be checked`,
  );
}

/** Sends over plain HTTP on a fresh connection; `undefined` when there was no response (a pass). */
async function tryPlain(t: CaseScope, send: () => Promise<HttpResponse>): Promise<HttpResponse | undefined> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof HttpRequestError) {
      t.note(`plain HTTP refused: ${err.message}`);
      return undefined;
    }
    throw err;
  }
}

function failOnRedirect(t: CaseScope, res: HttpResponse): void {
  if (res.status >= 300 && res.status < 400) {
    t.fail(
      `${describeRes(res)} redirects to ${res.headers.location ?? "(no Location)"}: never redirect API calls from http to https (clients that follow it send credentials and get data)`,
    );
  }
}

/** PACT TC9: token request over plain HTTP yields no token. */
export const tc09: CaseDefinition = {
  id: "pact-tc09",
  title: "Attempt authentication through HTTP (non-HTTPS)",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    requireEnabled(ctx, t);
    const url = ctx.plainHttp(await ctx.tokenEndpoint());
    const res = await tryPlain(t, async () => ctx.requestToken(url, undefined, undefined, undefined, true));
    if (!res) return;
    failOnRedirect(t, res);
    const body = tryJson(res);
    if (isObject(body) && str(body.access_token))
      t.fail(`${describeRes(res)}: an access token was issued over plain HTTP`);
    t.note(`${describeRes(res)}: no token issued`);
  },
};

function failOnData(t: CaseScope, res: HttpResponse): void {
  failOnRedirect(t, res);
  const body = tryJson(res);
  if (isObject(body) && "data" in body) t.fail(`${describeRes(res)}: data was returned over plain HTTP`);
  t.note(`${describeRes(res)}: no data returned`);
}

/** PACT TC10: ListFootprints over plain HTTP yields no data. */
export const tc10: CaseDefinition = {
  id: "pact-tc10",
  title: "Attempt ListFootprints through HTTP (non-HTTPS)",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    requireEnabled(ctx, t);
    const url = ctx.plainHttp(ctx.footprintsUrl());
    const res = await tryPlain(t, async () =>
      ctx.send("GET", url, { token: await ctx.accessToken(), freshConnection: true }),
    );
    if (res) failOnData(t, res);
  },
};

/** PACT TC11: GetFootprint over plain HTTP yields no data. */
export const tc11: CaseDefinition = {
  id: "pact-tc11",
  title: "Attempt GetFootprint through HTTP (non-HTTPS)",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    requireEnabled(ctx, t);
    const id = str((await ctx.footprints())[0]?.id) as string;
    const url = ctx.plainHttp(ctx.footprintsUrl(`/${encodeURIComponent(id)}`));
    const res = await tryPlain(t, async () =>
      ctx.send("GET", url, { token: await ctx.accessToken(), freshConnection: true }),
    );
    if (res) failOnData(t, res);
  },
};

/** PACT TC17: an event over plain HTTP is not accepted. */
export const tc17: CaseDefinition = {
  id: "pact-tc17",
  title: "Attempt Action Events through HTTP (non-HTTPS)",
  mandatory: true,
  async run(ctx: SuiteContext, t: CaseScope) {
    requireEnabled(ctx, t);
    const url = ctx.plainHttp(ctx.api(ctx.pact.eventsPath));
    const res = await tryPlain(t, async () =>
      ctx.postEvent(publishedEvent(ctx), await ctx.accessToken(), url, true),
    );
    if (!res) return;
    failOnRedirect(t, res);
    if (res.status >= 200 && res.status < 300)
      t.fail(`${describeRes(res)}: the event was accepted over plain HTTP`);
    t.note(`${describeRes(res)}: event not accepted`);
  },
};
