/**
 * The Clerk password sign-in flow: sign in → act on the sign-in status → take the session named by
 * `response.created_session_id` → optionally activate an organization (touch) → optionally get a
 * JWT-template token. Returns the Clerk identity or a typed failure naming the stage that failed.
 */
import { decodeJwt } from "jose";
import type { FapiClient, FapiError } from "./fapi-client.ts";
import type { FapiSession } from "./fapi-shapes.ts";

/** Where an organization to activate comes from. */
export type OrganizationSource = "request" | "default";

/** What to sign in with and what to obtain. */
export interface SignInRequest {
  readonly identifier: string;
  readonly password: string;
  /** Organization to activate (id or slug). Default: none. */
  readonly organization?: { readonly id: string; readonly source: OrganizationSource };
  /** JWT template whose token to obtain. Default: none. */
  readonly template?: string;
}

/** The verified Clerk identity of a completed sign-in. */
export interface ClerkIdentity {
  readonly userId: string;
  readonly sessionId: string;
  /** Active organization id after the flow, if any. */
  readonly organizationId?: string;
  /** The user's role in it as Clerk names it (`org:admin`), if known. */
  readonly organizationRole?: string;
  /** The session's current token (60 s in Clerk), if Clerk sent one. */
  readonly sessionJwt?: string;
  /** The JWT-template token, when a template was asked for. */
  readonly templateJwt?: string;
  /** The Clerk client token of this flow (a secret: never log it), to refresh tokens of the session. */
  readonly clientToken?: string;
  /** Every identifier Clerk lists for the user (emails, username, phone numbers), bounded. */
  readonly identifiers: readonly string[];
}

/** The user's identifiers as the session JSON lists them (at most 20, each at most 320 characters). */
function identifiersOf(session: FapiSession): string[] {
  const u = session.user;
  if (!u) return [];
  const all = [
    ...(Array.isArray(u.email_addresses) ? u.email_addresses.map((e) => e?.email_address) : []),
    ...(Array.isArray(u.phone_numbers) ? u.phone_numbers.map((p) => p?.phone_number) : []),
    u.username,
  ];
  return all.filter((v): v is string => typeof v === "string" && v !== "" && v.length <= 320).slice(0, 20);
}

/** Why the flow failed, by stage. */
export type SignInFailure =
  | { readonly stage: "sign_in"; readonly error: FapiError }
  /** Clerk answered 200 with a status other than `complete` (`needs_second_factor`, …). */
  | { readonly stage: "status"; readonly status: string }
  /** The session is not usable: missing from the answer, no client token, `pending` or another status. */
  | { readonly stage: "session"; readonly detail: string; readonly sessionStatus?: string }
  | {
      readonly stage: "organization";
      readonly organizationId: string;
      readonly source: OrganizationSource;
      /** The FAPI error, or `undefined` when Clerk answered 200 but did not activate the organization. */
      readonly error: FapiError | undefined;
    }
  | { readonly stage: "template"; readonly template: string; readonly error: FapiError }
  /** Getting a fresh token from an existing session failed. */
  | { readonly stage: "refresh"; readonly error: FapiError };

export type SignInResult =
  | { readonly ok: true; readonly identity: ClerkIdentity }
  | { readonly ok: false; readonly failure: SignInFailure };

function userIdOf(session: FapiSession, jwt: string | undefined): string | undefined {
  const fromJson = session.user?.id ?? session.public_user_data?.user_id;
  if (typeof fromJson === "string" && fromJson !== "") return fromJson;
  const claims = jwt ? safeDecode(jwt) : undefined;
  return typeof claims?.sub === "string" ? claims.sub : undefined;
}

function safeDecode(jwt: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}

/** The active organization and role: from the session JSON, else from the session token's claims (v2 `o`, v1 `org_*`). */
function organizationOf(session: FapiSession, jwt: string | undefined): { id?: string; role?: string } {
  const id = session.last_active_organization_id ?? undefined;
  if (id) {
    const membership = session.user?.organization_memberships?.find((m) => m.organization?.id === id);
    if (membership?.role) return { id, role: membership.role };
  }
  const claims = jwt ? safeDecode(jwt) : undefined;
  const o = claims?.o as { id?: unknown; rol?: unknown } | undefined;
  const claimId =
    typeof o?.id === "string" ? o.id : typeof claims?.org_id === "string" ? claims.org_id : undefined;
  const claimRole =
    typeof o?.rol === "string" ? o.rol : typeof claims?.org_role === "string" ? claims.org_role : undefined;
  const orgId = id ?? claimId;
  return {
    ...(orgId ? { id: orgId } : {}),
    ...(claimRole && orgId === claimId ? { role: claimRole } : {}),
  };
}

/**
 * Runs the flow against the FAPI. Every call reuses the client token of the previous answer
 * verbatim. A flow that fails after Clerk created the session (organization activation, session
 * status, template) signs that session out, so failures leave no dangling sessions.
 */
export async function signInWithPassword(fapi: FapiClient, request: SignInRequest): Promise<SignInResult> {
  const result = await runFlow(fapi, request);
  if (!result.ok && result.session) await endSession(fapi, result.session);
  return result.ok ? result : { ok: false, failure: result.failure };
}

/** Signs a session out, best effort (a failure leaves it to expire in Clerk). Never throws. */
export async function endSession(fapi: FapiClient, handle: SessionHandle): Promise<boolean> {
  try {
    return (await fapi.endSession(handle.clientToken, handle.sessionId)).ok;
  } catch {
    return false;
  }
}

type FlowResult =
  | { readonly ok: true; readonly identity: ClerkIdentity }
  | { readonly ok: false; readonly failure: SignInFailure; readonly session?: SessionHandle };

async function runFlow(fapi: FapiClient, request: SignInRequest): Promise<FlowResult> {
  const signIn = await fapi.signIn(request.identifier, request.password);
  if (!signIn.ok) return { ok: false, failure: { stage: "sign_in", error: signIn.error } };
  const { response, client } = signIn.body;
  if (response.status !== "complete")
    return { ok: false, failure: { stage: "status", status: response.status } };
  const sessionId = response.created_session_id;
  let session = sessionId ? client.sessions.find((s) => s.id === sessionId) : undefined;
  if (!sessionId || !session) {
    return {
      ok: false,
      failure: { stage: "session", detail: "the sign-in answer does not contain the created session" },
    };
  }
  let clientToken = signIn.clientToken;
  const needsClient = request.organization !== undefined || request.template !== undefined;
  if (needsClient && clientToken === undefined) {
    return {
      ok: false,
      failure: {
        stage: "session",
        detail: "the sign-in answer has no Authorization client token (is the Native API on?)",
      },
    };
  }

  if (request.organization && clientToken !== undefined) {
    const { id, source } = request.organization;
    const touched = await fapi.touch(clientToken, sessionId, id);
    if (!touched.ok)
      return {
        ok: false,
        failure: { stage: "organization", organizationId: id, source, error: touched.error },
        session: { clientToken, sessionId },
      };
    clientToken = touched.clientToken ?? clientToken;
    if (touched.body.response.id !== sessionId) {
      return { ok: false, failure: { stage: "session", detail: "touch answered for another session" } };
    }
    session = touched.body.response;
    const active = session.last_active_organization_id;
    // Clerk accepts an id or a slug; an id must come back unchanged.
    if (!active || (id.startsWith("org_") && active !== id)) {
      return {
        ok: false,
        failure: { stage: "organization", organizationId: id, source, error: undefined },
        session: { clientToken, sessionId },
      };
    }
  }

  if (session.status !== undefined && session.status !== "active") {
    return {
      ok: false,
      failure: {
        stage: "session",
        detail: `the Clerk session is ${session.status}`,
        sessionStatus: session.status,
      },
      ...(clientToken !== undefined ? { session: { clientToken, sessionId } } : {}),
    };
  }

  let templateJwt: string | undefined;
  if (request.template !== undefined && clientToken !== undefined) {
    const token = await fapi.templateToken(clientToken, sessionId, request.template);
    if (!token.ok)
      return {
        ok: false,
        failure: { stage: "template", template: request.template, error: token.error },
        session: { clientToken, sessionId },
      };
    templateJwt = token.body.jwt;
  }

  const sessionJwt = session.last_active_token?.jwt || undefined;
  const userId = userIdOf(session, sessionJwt);
  if (!userId) return { ok: false, failure: { stage: "session", detail: "the session names no user" } };
  const org = organizationOf(session, sessionJwt);
  return {
    ok: true,
    identity: {
      userId,
      sessionId,
      ...(org.id ? { organizationId: org.id } : {}),
      ...(org.role ? { organizationRole: org.role } : {}),
      ...(sessionJwt ? { sessionJwt } : {}),
      ...(templateJwt ? { templateJwt } : {}),
      ...(clientToken !== undefined ? { clientToken } : {}),
      identifiers: identifiersOf(session),
    },
  };
}

/** An existing Clerk session to get fresh tokens from. */
export interface SessionHandle {
  readonly clientToken: string;
  readonly sessionId: string;
}

/**
 * A fresh token of an existing session, without a new sign-in: the JWT template's when `template`
 * is given, else a session token (for the session's active organization).
 */
export async function refreshSessionToken(
  fapi: FapiClient,
  handle: SessionHandle,
  template: string | undefined,
): Promise<
  { readonly ok: true; readonly jwt: string } | { readonly ok: false; readonly failure: SignInFailure }
> {
  const r =
    template === undefined
      ? await fapi.sessionToken(handle.clientToken, handle.sessionId)
      : await fapi.templateToken(handle.clientToken, handle.sessionId, template);
  return r.ok ? { ok: true, jwt: r.body.jwt } : { ok: false, failure: { stage: "refresh", error: r.error } };
}

/** True when a refresh failed because the session or client is gone (sign in again), not because Clerk is down. */
export function sessionGone(error: FapiError): boolean {
  return error.kind === "clerk" && [400, 401, 403, 404, 422].includes(error.status);
}
