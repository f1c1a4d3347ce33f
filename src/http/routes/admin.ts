import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { deprecate, ingest, UnsupportedStoreError } from "../../ingest/ingest.ts";
import { parseRecords, type RecordFormat, RecordSyntaxError } from "../../ingest/read.ts";
import { INGEST_KINDS, type IngestKind, type IngestReport } from "../../ingest/types.ts";
import { pactError } from "../../protocol/errors.ts";
import { parseBoundedJson } from "../../protocol/json-depth.ts";
import { DeprecatedFootprintError, type Visibility } from "../../store/store.ts";
import type { AppDependencies, AppEnv, HttpOptions } from "../env.ts";
import { authenticate } from "../middleware/authenticate.ts";
import type { BodyLimitOverride } from "../middleware/limits.ts";
import { onlyQueryParams } from "../query-params.ts";
import { jsonErrorResponse, pactErrorResponse } from "../responses.ts";

/** Path of the admin API, below the configured prefix. */
export const ADMIN_PATH = "/admin/v1";

/** Role a principal needs for the admin API. */
export const ADMIN_ROLE = "admin";

/** Default largest admin request body when the options do not say: 16 MiB. */
export const DEFAULT_ADMIN_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The admin API's own body limit, for the app's body-limit middleware. */
export function adminBodyLimit(options: HttpOptions): BodyLimitOverride {
  return {
    pathPrefix: `${options.pathPrefix}${ADMIN_PATH}/`,
    maxBodyBytes: options.limits.maxAdminBodyBytes ?? DEFAULT_ADMIN_MAX_BODY_BYTES,
  };
}

type Ctx = Context<AppEnv>;

const FORMATS: Readonly<Record<string, RecordFormat>> = {
  "application/json": "json",
  "application/x-ndjson": "ndjson",
  "application/ndjson": "ndjson",
  "application/jsonl": "ndjson",
};

function json(c: Ctx, status: number, body: unknown): Response {
  return c.body(JSON.stringify(body), status as 200, { "content-type": "application/json" });
}

/** `visibleTo` query values: `client:ID`, `org:ID` or a bare client id; repeated or comma-separated. */
function parseVisibleTo(
  values: readonly string[],
): { ok: true; value?: Visibility } | { ok: false; message: string } {
  const entries = values.flatMap((v) => v.split(",")).map((v) => v.trim());
  if (entries.length === 0) return { ok: true };
  const clientIds: string[] = [];
  const organizationIds: string[] = [];
  for (const entry of entries) {
    const [prefix, ...rest] = entry.split(":");
    const id = rest.join(":");
    if (rest.length > 0 && prefix === "org" && id) organizationIds.push(id);
    else if (rest.length > 0 && prefix === "client" && id) clientIds.push(id);
    else if (rest.length === 0 && entry) clientIds.push(entry);
    else
      return {
        ok: false,
        message: `visibleTo ${JSON.stringify(entry)}: expected client:ID, org:ID or a client id`,
      };
  }
  return {
    ok: true,
    value: {
      ...(clientIds.length > 0 ? { clientIds } : {}),
      ...(organizationIds.length > 0 ? { organizationIds } : {}),
    },
  };
}

/** A visibility body `{"clientIds"?: [...], "organizationIds"?: [...]}` (`{}` = unrestricted). */
function parseVisibilityBody(text: string): { ok: true; value: Visibility } | { ok: false; message: string } {
  const parsed = parseBoundedJson(text || "null");
  if (!parsed.ok) return { ok: false, message: `the body is ${parsed.message}` };
  const body = parsed.value;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return {
      ok: false,
      message:
        'expected a JSON object {"clientIds": [...], "organizationIds": [...]} ({} = visible to every client)',
    };
  }
  const out: { clientIds?: string[]; organizationIds?: string[] } = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== "clientIds" && key !== "organizationIds") {
      return {
        ok: false,
        message: `unknown property ${JSON.stringify(key)} (expected clientIds, organizationIds)`,
      };
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === "")) {
      return { ok: false, message: `${key} must be an array of non-empty strings` };
    }
    if (value.length > 0) out[key] = value as string[];
  }
  return { ok: true, value: out };
}

function reportResponse(c: Ctx, report: IngestReport, dryRun: boolean): Response {
  const body = {
    accepted: report.accepted,
    created: report.created,
    replaced: report.replaced,
    unchanged: report.unchanged,
    ...(report.notWritten > 0 ? { notWritten: report.notWritten } : {}),
    ...(dryRun ? { dryRun: true } : {}),
    rejected: report.rejected,
    // PACT v3 beside v2: records one version cannot represent, and footprints deprecated by a v3 successor.
    ...(report.singleVersion ? { singleVersion: report.singleVersion } : {}),
    ...(report.deprecated ? { deprecated: report.deprecated } : {}),
  };
  if (report.rejected.length === 0) return json(c, 200, body);
  if (report.accepted > 0) return json(c, 207, body);
  const n = report.rejected.length;
  const message = report.conflict
    ? `${n} record(s) conflict with the stored versions; nothing was stored`
    : `${n} record(s) rejected; nothing was stored${report.notWritten > 0 ? " (the batch is atomic: use mode=partial to store the valid records)" : ""}`;
  return json(c, report.conflict ? 409 : 400, {
    code: report.conflict ? "Conflict" : "BadRequest",
    message,
    ...body,
  });
}

/**
 * The admin API (`/admin/v1/…`), for principals with the `admin` role: create or replace
 * footprints (PACT ProductFootprints, or iLEAP-native ShipmentFootprints, TOCs and HOCs) and TAD
 * from a JSON array or NDJSON body, deprecate a footprint, and set who may see a footprint or a TAD
 * record. Missing, invalid and expired tokens get the footprints surface's answers (400, 400, 401);
 * a valid token without the role gets 403 `AccessDenied`.
 */
export function adminRoutes(deps: AppDependencies): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const guard = [
    authenticate(deps.auth, "footprints"),
    createMiddleware<AppEnv>(async (c, next) => {
      if (!c.get("principal").roles.includes(ADMIN_ROLE)) {
        return pactErrorResponse(
          c,
          pactError(
            "AccessDenied",
            `This client is not permitted to use the admin API (role '${ADMIN_ROLE}' required)`,
          ),
        );
      }
      await next();
    }),
  ] as const;
  // No silently ignored parameters: a misspelt `dryRun` must not write.
  const none = (method: string, path: string) =>
    onlyQueryParams({ route: `${method} ${ADMIN_PATH}${path}`, names: [] });
  const deprecateParams = none("POST", "/footprints/{id}/deprecate");
  const footprintVisibilityParams = none("PUT", "/footprints/{id}/visibility");
  const tadVisibilityParams = none("PUT", "/tad/{activityId}/visibility");

  for (const kind of INGEST_KINDS) {
    const params = onlyQueryParams({
      route: `POST ${ADMIN_PATH}/${kind}`,
      names: ["mode", "dryRun", "visibleTo"],
    });
    app.post(`${ADMIN_PATH}/${kind}`, ...guard, params, (c) => ingestRoute(c, deps, kind));
  }

  app.post(`${ADMIN_PATH}/footprints/:id/deprecate`, ...guard, deprecateParams, async (c) => {
    const id = c.req.param("id");
    const text = await c.req.text();
    let statusComment: string | undefined;
    if (text.trim() !== "") {
      const parsed = parseBoundedJson(text);
      if (!parsed.ok) return pactErrorResponse(c, pactError("BadRequest", `the body is ${parsed.message}`));
      const body = parsed.value;
      const comment = (body as { statusComment?: unknown } | null)?.statusComment;
      if (
        body === null ||
        typeof body !== "object" ||
        Array.isArray(body) ||
        Object.keys(body).some((k) => k !== "statusComment") ||
        (comment !== undefined && typeof comment !== "string")
      ) {
        return pactErrorResponse(
          c,
          pactError("BadRequest", 'expected an empty body or {"statusComment": "…"}'),
        );
      }
      statusComment = comment as string | undefined;
    }
    try {
      const doc = await deprecate(deps.store, id, statusComment === undefined ? {} : { statusComment });
      if (doc === undefined) return noSuchFootprint(c, id);
      await deps.events?.footprintsChanged([id]);
      return c.body(`{"data":${doc}}`, 200, { "content-type": "application/json" });
    } catch (e) {
      if (e instanceof DeprecatedFootprintError) return jsonErrorResponse(c, 409, "Conflict", e.message);
      if (e instanceof UnsupportedStoreError)
        return pactErrorResponse(c, pactError("NotImplemented", e.message));
      throw e;
    }
  });

  app.put(`${ADMIN_PATH}/footprints/:id/visibility`, ...guard, footprintVisibilityParams, async (c) => {
    const id = c.req.param("id");
    const visibility = parseVisibilityBody(await c.req.text());
    if (!visibility.ok) return pactErrorResponse(c, pactError("BadRequest", visibility.message));
    if (!deps.store.setFootprintVisibility) {
      return pactErrorResponse(c, pactError("NotImplemented", "this store cannot change visibility"));
    }
    if (!(await deps.store.setFootprintVisibility(id, visibility.value))) return noSuchFootprint(c, id);
    return json(c, 200, { id, visibility: visibility.value });
  });

  app.put(`${ADMIN_PATH}/tad/:activityId/visibility`, ...guard, tadVisibilityParams, async (c) => {
    const activityId = c.req.param("activityId");
    const visibility = parseVisibilityBody(await c.req.text());
    if (!visibility.ok) return pactErrorResponse(c, pactError("BadRequest", visibility.message));
    if (!deps.store.setTadVisibility) {
      return pactErrorResponse(c, pactError("NotImplemented", "this store cannot change visibility"));
    }
    if (!(await deps.store.setTadVisibility(activityId, visibility.value))) {
      return jsonErrorResponse(
        c,
        404,
        "NotFound",
        `No TAD record with activityId ${JSON.stringify(activityId.slice(0, 200))}`,
      );
    }
    return json(c, 200, { activityId, visibility: visibility.value });
  });
  return app;
}

function noSuchFootprint(c: Ctx, id: string): Response {
  return pactErrorResponse(
    c,
    pactError("NoSuchFootprint", `Footprint with id ${JSON.stringify(id.slice(0, 100))} does not exist`),
  );
}

async function ingestRoute(c: Ctx, deps: AppDependencies, kind: IngestKind): Promise<Response> {
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const format = FORMATS[mediaType];
  if (!format) {
    return jsonErrorResponse(
      c,
      415,
      "BadRequest",
      "Content-Type must be application/json (an array of records) or application/x-ndjson (one record per line)",
    );
  }
  const url = new URL(c.req.url);
  const modes = url.searchParams.getAll("mode");
  const mode = modes[0] ?? "atomic";
  if (modes.length > 1 || (mode !== "atomic" && mode !== "partial")) {
    return pactErrorResponse(c, pactError("BadRequest", "mode must be atomic (the default) or partial"));
  }
  const dryRunValue = url.searchParams.get("dryRun") ?? "false";
  if (dryRunValue !== "true" && dryRunValue !== "false") {
    return pactErrorResponse(c, pactError("BadRequest", "dryRun must be true or false"));
  }
  const visibleTo = parseVisibleTo(url.searchParams.getAll("visibleTo"));
  if (!visibleTo.ok) return pactErrorResponse(c, pactError("BadRequest", visibleTo.message));
  let inputs: ReturnType<typeof parseRecords>;
  try {
    inputs = parseRecords(await c.req.text(), format);
  } catch (e) {
    if (e instanceof RecordSyntaxError) return pactErrorResponse(c, pactError("BadRequest", e.message));
    throw e;
  }
  if (inputs.length === 0) return pactErrorResponse(c, pactError("BadRequest", "the body holds no records"));
  const dryRun = dryRunValue === "true";
  const report = await ingest(kind, inputs, {
    store: deps.store,
    mode,
    dryRun,
    ...(deps.company ? { company: deps.company } : {}),
    ...(visibleTo.value ? { visibility: visibleTo.value } : {}),
  });
  if (kind !== "tad" && report.changedIds?.length) await deps.events?.footprintsChanged(report.changedIds);
  return reportResponse(c, report, dryRun);
}
