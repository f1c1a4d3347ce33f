/**
 * Response checks shared by the cases; every failure names the request, the status seen and the
 * status or value expected.
 * @module
 */
import type { CaseScope } from "./case.ts";
import { type HttpResponse, mediaType } from "./http-client.ts";
import { excerpt, isObject, type JsonObject, str } from "./json.ts";

/** `GET https://host/2/footprints → 403`. */
export function describeRes(res: HttpResponse): string {
  return `${res.method} ${res.url} → ${res.status}`;
}

/** Human list of statuses: `400 or 401`. */
export function statusList(allowed: readonly number[]): string {
  if (allowed.length <= 1) return String(allowed[0] ?? "");
  return `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`;
}

/** Fails the case unless the status is one of `allowed`. */
export function expectStatus(t: CaseScope, res: HttpResponse, allowed: readonly number[]): void {
  if (!allowed.includes(res.status)) {
    t.fail(`${describeRes(res)}, expected ${statusList(allowed)}; body: ${excerpt(res.body)}`);
  }
}

/** The parsed body when the response is `application/json` and parses, else `undefined`. */
export function tryJson(res: HttpResponse): unknown {
  if (mediaType(res) !== "application/json") return undefined;
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    return undefined;
  }
}

/** Fails the case unless the response is `Content-Type: application/json` with a parsable body. */
export function expectJson(t: CaseScope, res: HttpResponse): unknown {
  const type = res.headers["content-type"];
  if (mediaType(res) !== "application/json") {
    t.fail(
      `${describeRes(res)}: Content-Type is ${type ? JSON.stringify(type) : "missing"}, expected application/json; body: ${excerpt(res.body)}`,
    );
  }
  try {
    return JSON.parse(res.body) as unknown;
  } catch (err) {
    return t.fail(
      `${describeRes(res)}: body is not valid JSON (${(err as Error).message}): ${excerpt(res.body)}`,
    );
  }
}

/** Fails the case unless the JSON body is an object. */
export function expectJsonObject(t: CaseScope, res: HttpResponse): JsonObject {
  const body = expectJson(t, res);
  if (!isObject(body)) t.fail(`${describeRes(res)}: body is not a JSON object: ${excerpt(res.body)}`);
  return body;
}

/** `data` of a list response (`{"data":[…]}`), or the case fails. */
export function expectDataArray(t: CaseScope, res: HttpResponse): unknown[] {
  const body = expectJsonObject(t, res);
  if (!Array.isArray(body.data))
    t.fail(`${describeRes(res)}: body has no "data" array: ${excerpt(res.body)}`);
  return body.data;
}

/** `data` of a single-object response (`{"data":{…}}`), or the case fails. */
export function expectDataObject(t: CaseScope, res: HttpResponse): JsonObject {
  const body = expectJsonObject(t, res);
  if (!isObject(body.data)) t.fail(`${describeRes(res)}: body has no "data" object: ${excerpt(res.body)}`);
  return body.data;
}

/** The PACT error `code` of a JSON error body, if any. */
export function errorCodeOf(res: HttpResponse): string | undefined {
  const body = tryJson(res);
  return isObject(body) ? str(body.code) : undefined;
}

/**
 * Checks a PACT error body `{"code", "message"}` with `Content-Type: application/json` and a code
 * among `codes`. Mismatches are problems (`severity` `"problem"`, the default) or notes.
 */
export function checkPactError(
  t: CaseScope,
  res: HttpResponse,
  codes: readonly string[],
  severity: "problem" | "note" = "problem",
): void {
  const report = (msg: string): void => (severity === "problem" ? t.problem(msg) : t.note(msg));
  const expected = codes.map((c) => JSON.stringify(c)).join(" or ");
  const body = tryJson(res);
  if (!isObject(body)) {
    const type = res.headers["content-type"];
    report(
      `${describeRes(res)}: expected a JSON error body with code ${expected} and Content-Type application/json, got ${type ? JSON.stringify(type) : "no Content-Type"}: ${excerpt(res.body)}`,
    );
    return;
  }
  const code = str(body.code);
  if (code === undefined || !codes.includes(code)) {
    report(
      `${describeRes(res)}: error code ${code === undefined ? "missing" : JSON.stringify(code)}, expected ${expected}`,
    );
  }
  if (typeof body.message !== "string") report(`${describeRes(res)}: error body has no string "message"`);
}

/**
 * Checks an OAuth2 error body (RFC 6749 §5.2) `{"error": …}` with `Content-Type: application/json`.
 */
export function checkOAuthError(t: CaseScope, res: HttpResponse, error: string): void {
  const body = tryJson(res);
  if (!isObject(body)) {
    const type = res.headers["content-type"];
    t.problem(
      `${describeRes(res)}: expected a JSON body {"error": "${error}"} with Content-Type application/json, got ${type ? JSON.stringify(type) : "no Content-Type"}: ${excerpt(res.body)}`,
    );
    return;
  }
  const got = str(body.error);
  if (got !== error) {
    t.problem(
      `${describeRes(res)}: "error" is ${got === undefined ? "missing" : JSON.stringify(got)}, expected "${error}"`,
    );
  }
}
