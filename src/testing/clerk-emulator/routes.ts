/** The emulated FAPI routes (native flow: `?_is_native=1`, client token in `Authorization`). */
import type { Socket } from "node:net";
import type { HttpBindings } from "@hono/node-server";
import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { MembershipRecord, UserRecord } from "./config.ts";
import { passwordMatches } from "./config.ts";
import {
  ClerkApiError,
  devBrowserUnauthenticated,
  identifierNotFound,
  malformedRequest,
  notAllowedAccess,
  paramMissing,
  passwordIncorrect,
  requiresCaptcha,
  resourceNotFound,
  signedOut,
  strategyInvalid,
  tooManyRequests,
  userLocked,
} from "./errors.ts";
import { applyFault, type RouteIdentity } from "./faults.ts";
import { randomId, randomToken } from "./ids.ts";
import type { EmulatorRuntime, RequestFacts } from "./runtime.ts";
import { clientJSON, organizationJSON, sessionJSON, signInJSON } from "./serialize.ts";
import { type ClientRecord, type SessionRecord, sessionStatus } from "./state.ts";
import { CLERK_EMULATOR_ENDPOINTS } from "./stats.ts";
import type { SignInEnvelopeJSON, SignInStatus, TokenJSON } from "./types.ts";

/** Hono environment of the emulator app; bindings are absent when called in-process (`app.request`). */
export type EmulatorEnv = { Bindings: HttpBindings };
type C = Context<EmulatorEnv>;

/** Form (or JSON) parameters; `null` for an explicit JSON `null`. */
type Params = ReadonlyMap<string, string | null>;

/** The raw TCP socket when served by `@hono/node-server`, else `undefined`. */
export function socketOf(c: C): Socket | undefined {
  const env = c.env as Partial<HttpBindings> | undefined;
  return env?.incoming?.socket;
}

function facts(c: C): RequestFacts {
  return { url: c.req.url, origin: c.req.header("origin") };
}

export function errorResponse(c: C, error: ClerkApiError): Response {
  if (error.retryAfterSeconds !== undefined) c.header("Retry-After", String(error.retryAfterSeconds));
  return c.json(error.body(), error.status as ContentfulStatusCode);
}

/** Reads an `application/x-www-form-urlencoded` (Clerk's) or JSON body. */
async function readParams(c: C): Promise<Params> {
  const text = await c.req.text();
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("json")) return new Map(new URLSearchParams(text));
  if (text.trim() === "") return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformedRequest("The request body is not valid JSON.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw malformedRequest("The request body must be a JSON object.");
  }
  const params = new Map<string, string | null>();
  for (const [k, v] of Object.entries(parsed)) {
    if (v === null) params.set(k, null);
    else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean")
      params.set(k, String(v));
  }
  return params;
}

function isNative(c: C): boolean {
  const flag = c.req.query("_is_native");
  return flag === "1" || flag === "true";
}

function clientIp(c: C, rt: EmulatorRuntime): string {
  const header = rt.settings.clientIpHeader;
  const fromHeader = header ? c.req.header(header)?.split(",")[0]?.trim() : undefined;
  return fromHeader || socketOf(c)?.remoteAddress || "unknown";
}

function requireNative(c: C, rt: EmulatorRuntime): void {
  if (rt.settings.requireNativeFlag && !isNative(c)) throw devBrowserUnauthenticated();
}

/** The client named by the verbatim `Authorization` header, else 401 `signed_out`. */
function requireClient(c: C, rt: EmulatorRuntime): ClientRecord {
  requireNative(c, rt);
  const token = c.req.header("authorization");
  const client = token ? rt.clients.byToken(token) : undefined;
  if (!client) throw signedOut();
  return client;
}

/** The client's active session `sid` and its user. */
function requireSession(
  c: C,
  rt: EmulatorRuntime,
  client: ClientRecord,
): { session: SessionRecord; user: UserRecord } {
  const sid = c.req.param("sid") ?? "";
  const session = rt.clients.session(client, sid);
  if (!session) throw resourceNotFound("Session", "session_id");
  if (sessionStatus(session, rt.now()) !== "active") throw signedOut();
  const user = rt.directory.getUser(session.userId);
  if (!user) throw resourceNotFound("User");
  return { session, user };
}

/**
 * Resolves an organization parameter: absent → `fallback`; `null`/empty → personal account;
 * an id or slug the user is a member of → that membership; else 404 `resource_not_found` (Clerk
 * does not reveal whether a non-member organization exists).
 */
function organizationParam(
  rt: EmulatorRuntime,
  user: UserRecord,
  params: Params,
  name: string,
  fallback: string | null,
): MembershipRecord | null {
  const value = params.has(name) ? (params.get(name) ?? "") : fallback;
  if (value === null || value === "") return null;
  const membership = rt.directory.membership(user, value);
  if (!membership) throw resourceNotFound("Organization", name);
  return membership;
}

function sessionMembership(
  rt: EmulatorRuntime,
  user: UserRecord,
  session: SessionRecord,
): MembershipRecord | null {
  return session.activeOrganizationId
    ? (rt.directory.membership(user, session.activeOrganizationId) ?? null)
    : null;
}

/** Registers the FAPI routes on `app`, each counted and subject to injected faults. */
export function registerFapiRoutes(app: Hono<EmulatorEnv>, rt: EmulatorRuntime): void {
  const E = CLERK_EMULATOR_ENDPOINTS;

  const route = (id: string, honoPath: string, handler: (c: C) => Promise<Response>): void => {
    const [method = "GET", template = honoPath] = id.split(" ");
    const identity: RouteIdentity = { id, method, template };
    app.on(method, honoPath, async (c) => {
      rt.stats.call(
        id,
        id === E.jwks || id === E.jwksV1 ? undefined : (c.req.query("__clerk_api_version") ?? null),
      );
      const decision = rt.faults.take(identity, new URL(c.req.url).pathname);
      if (decision.hits > 0) rt.stats.faults(decision.hits);
      const faulted = await applyFault(decision, c.req.raw.signal, socketOf(c), rt.hangs);
      if (faulted) return faulted;
      try {
        return await handler(c);
      } catch (e) {
        if (e instanceof ClerkApiError) {
          if (id === E.signIn) rt.stats.signIn("rejected");
          return errorResponse(c, e);
        }
        throw e;
      }
    });
  };

  route(E.signIn, "/v1/client/sign_ins", async (c) => {
    requireNative(c, rt);
    const now = rt.now();
    if (rt.limiter) {
      const decision = rt.limiter.hit(clientIp(c, rt), now);
      if (!decision.allowed) throw tooManyRequests(decision.retryAfterSeconds);
    }
    const params = await readParams(c);
    const strategy = params.get("strategy") || null;
    const identifier = params.get("identifier")?.trim() || null;
    const password = params.get("password") ?? null;

    let status: SignInStatus;
    let user: UserRecord | undefined;
    if (strategy === null) {
      // Clerk creates the attempt and asks for what is missing.
      if (identifier !== null) {
        user = rt.directory.findByIdentifier(identifier);
        if (!user) throw identifierNotFound();
      }
      status = identifier === null ? "needs_identifier" : "needs_first_factor";
    } else {
      if (strategy !== "password") throw strategyInvalid(strategy);
      if (identifier === null) throw paramMissing("identifier");
      if (password === null || password === "") throw paramMissing("password");
      // Bot protection asks every sign-in without a captcha token (server-side callers have none).
      if (rt.settings.botProtection && !params.get("captcha_token")) throw requiresCaptcha();
      user = rt.directory.findByIdentifier(identifier);
      if (!user) throw identifierNotFound();
      if (user.banned) throw notAllowedAccess();
      const lock = rt.lockouts.state(user.id, now);
      if (lock.locked) throw userLocked(lock.expiresInSeconds);
      if (!passwordMatches(user, password)) {
        const after = rt.lockouts.recordFailure(user.id, now);
        if (after.locked) throw userLocked(after.expiresInSeconds);
        throw passwordIncorrect();
      }
      rt.lockouts.recordSuccess(user.id);
      if (user.needsNewPassword) status = "needs_new_password";
      else if (user.mfa) status = "needs_second_factor";
      else if (user.needsClientTrust) status = "needs_client_trust";
      else status = "complete";
    }

    // An already known client token continues that client; otherwise a new client is created.
    const presented = c.req.header("authorization");
    let client = presented ? rt.clients.byToken(presented) : undefined;
    if (!client) {
      const clientId = randomId("client");
      const token = await rt.keys.sign({ id: clientId, rotating_token: randomToken(20) });
      client = rt.clients.createClient(clientId, token, now);
    }
    let createdSessionId: string | null = null;
    if (status === "complete" && user) {
      const session = rt.clients.createSession(
        client,
        user.id,
        now,
        rt.settings.sessionLifetimeSeconds * 1000,
      );
      session.lastActiveToken = await rt.mintSessionToken(user, session, null, facts(c));
      client.lastAuthenticationStrategy = "password";
      rt.recordSignIn(user.id, now);
      createdSessionId = session.id;
    }
    const signIn = rt.clients.newSignIn(
      client,
      {
        status,
        identifier,
        userId: user?.id ?? null,
        createdSessionId,
        passwordVerified: strategy === "password",
      },
      now,
    );
    rt.stats.signIn(status === "complete" ? "complete" : "incomplete");
    const ctx = rt.serializeContext();
    const body: SignInEnvelopeJSON = { response: signInJSON(signIn, ctx), client: clientJSON(client, ctx) };
    c.header("Authorization", client.token);
    return c.json(body);
  });

  route(E.getClient, "/v1/client", async (c) => {
    requireNative(c, rt);
    const token = c.req.header("authorization");
    const client = token ? rt.clients.byToken(token) : undefined;
    if (!client) return c.json({ response: null, client: null });
    const json = clientJSON(client, rt.serializeContext());
    c.header("Authorization", client.token);
    return c.json({ response: json, client: json });
  });

  route(E.touch, "/v1/client/sessions/:sid/touch", async (c) => {
    const client = requireClient(c, rt);
    const { session, user } = requireSession(c, rt, client);
    const params = await readParams(c);
    const membership = organizationParam(
      rt,
      user,
      params,
      "active_organization_id",
      session.activeOrganizationId,
    );
    const now = rt.now();
    session.activeOrganizationId = membership?.organization.id ?? null;
    session.lastActiveAt = now;
    session.updatedAt = now;
    session.lastActiveToken = await rt.mintSessionToken(user, session, membership, facts(c));
    client.lastActiveSessionId = session.id;
    client.updatedAt = now;
    const ctx = rt.serializeContext();
    c.header("Authorization", client.token);
    return c.json({ response: sessionJSON(session, ctx), client: clientJSON(client, ctx) });
  });

  route(E.tokens, "/v1/client/sessions/:sid/tokens", async (c) => {
    const client = requireClient(c, rt);
    const { session, user } = requireSession(c, rt, client);
    const params = await readParams(c);
    const membership = organizationParam(rt, user, params, "organization_id", session.activeOrganizationId);
    const jwt = await rt.mintSessionToken(user, session, membership, facts(c));
    const body: TokenJSON = { object: "token", jwt };
    return c.json(body);
  });

  route(E.templateToken, "/v1/client/sessions/:sid/tokens/:template", async (c) => {
    const client = requireClient(c, rt);
    const { session, user } = requireSession(c, rt, client);
    const template = rt.settings.jwtTemplates.get(c.req.param("template") ?? "");
    if (!template) throw resourceNotFound("JWT template", "template_name");
    const membership = sessionMembership(rt, user, session);
    const jwt = await rt.mintTemplateToken(user, session, membership, template, facts(c));
    const body: TokenJSON = { object: "token", jwt };
    return c.json(body);
  });

  route(E.endSession, "/v1/client/sessions/:sid/end", async (c) => {
    const client = requireClient(c, rt);
    const session = rt.clients.session(client, c.req.param("sid") ?? "");
    if (!session) throw resourceNotFound("Session", "session_id");
    if (rt.clients.end(session, rt.now())) rt.stats.sessionEnded();
    const ctx = rt.serializeContext();
    c.header("Authorization", client.token);
    return c.json({ response: sessionJSON(session, ctx), client: clientJSON(client, ctx) });
  });

  // Any signed-in user may create an organization and becomes its `org:admin` (Clerk's default).
  route(E.createOrganization, "/v1/organizations", async (c) => {
    const client = requireClient(c, rt);
    const sid = client.lastActiveSessionId;
    const session = sid ? rt.clients.session(client, sid) : undefined;
    if (!session || sessionStatus(session, rt.now()) !== "active") throw signedOut();
    const user = rt.directory.getUser(session.userId);
    if (!user) throw resourceNotFound("User");
    const params = await readParams(c);
    const name = params.get("name")?.trim();
    if (!name) throw paramMissing("name");
    const membership = rt.directory.createOrganization(user, name.slice(0, 256), rt.now());
    const ctx = rt.serializeContext();
    c.header("Authorization", client.token);
    return c.json({
      response: organizationJSON(membership.organization, ctx.directory),
      client: clientJSON(client, ctx),
    });
  });

  const jwks = async (c: C): Promise<Response> => c.json(rt.keys.jwks());
  route(E.jwks, "/.well-known/jwks.json", jwks);
  route(E.jwksV1, "/v1/jwks", jwks);
}
