/**
 * The parts of Clerk Frontend API answers (OpenAPI 2025-11-10) that the sign-in flow reads, and
 * guards that check an untrusted JSON body has them. Fields we do not read are not typed.
 */

/** One `ClerkError` of an error envelope. */
export interface ClerkApiErrorEntry {
  readonly code: string;
  readonly message: string;
  readonly longMessage?: string;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** `Client.SignIn` (the `response` of `POST /v1/client/sign_ins`). */
export interface FapiSignIn {
  readonly id?: string;
  /** `complete`, `needs_first_factor`, `needs_second_factor`, `needs_client_trust`, `needs_new_password`, … */
  readonly status: string;
  readonly created_session_id: string | null;
}

/** An organization membership in `Client.User.organization_memberships`. */
export interface FapiMembership {
  readonly role?: string;
  readonly organization?: { readonly id?: string; readonly slug?: string };
}

/** `Client.Session`. */
export interface FapiSession {
  readonly id: string;
  /** `active`, `pending` (organization selection required), `expired`, … */
  readonly status?: string;
  readonly last_active_token?: { readonly jwt?: string } | null;
  readonly last_active_organization_id?: string | null;
  readonly user?: {
    readonly id?: string;
    readonly username?: string | null;
    readonly email_addresses?: readonly { readonly email_address?: string }[];
    readonly phone_numbers?: readonly { readonly phone_number?: string }[];
    readonly organization_memberships?: readonly FapiMembership[];
  } | null;
  readonly public_user_data?: { readonly user_id?: string } | null;
}

/** `Client.Client`. */
export interface FapiClient {
  readonly sessions: readonly FapiSession[];
}

/** `Client.ClientWrappedSignIn`. */
export interface FapiSignInEnvelope {
  readonly response: FapiSignIn;
  readonly client: FapiClient;
}

/** `Client.ClientWrappedSession` (answer of touch). */
export interface FapiSessionEnvelope {
  readonly response: FapiSession;
  readonly client?: FapiClient | null;
}

/** `Token`. */
export interface FapiToken {
  readonly jwt: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function isSession(v: unknown): v is FapiSession {
  return isObject(v) && typeof v.id === "string";
}

function isClient(v: unknown): v is FapiClient {
  return isObject(v) && Array.isArray(v.sessions) && v.sessions.every(isSession);
}

/** Guard for the answer of `POST /v1/client/sign_ins`. */
export function isSignInEnvelope(v: unknown): v is FapiSignInEnvelope {
  if (!isObject(v) || !isObject(v.response) || !isClient(v.client)) return false;
  const r = v.response;
  return (
    typeof r.status === "string" &&
    (r.created_session_id === null ||
      r.created_session_id === undefined ||
      typeof r.created_session_id === "string")
  );
}

/** Guard for the answer of `POST /v1/client/sessions/{sid}/touch`. */
export function isSessionEnvelope(v: unknown): v is FapiSessionEnvelope {
  return (
    isObject(v) &&
    isSession(v.response) &&
    (v.client === undefined || v.client === null || isClient(v.client))
  );
}

/** Guard for the answer of the token endpoints. */
export function isToken(v: unknown): v is FapiToken {
  return isObject(v) && typeof v.jwt === "string" && v.jwt.length > 0;
}

/** Reads a `ClerkErrors` envelope; `undefined` when the body is not one. */
export function parseErrorEnvelope(
  v: unknown,
): { errors: ClerkApiErrorEntry[]; traceId: string | undefined } | undefined {
  if (!isObject(v) || !Array.isArray(v.errors)) return undefined;
  const errors: ClerkApiErrorEntry[] = [];
  for (const e of v.errors) {
    if (!isObject(e) || typeof e.code !== "string") continue;
    errors.push({
      code: e.code,
      message: typeof e.message === "string" ? e.message : "",
      ...(typeof e.long_message === "string" ? { longMessage: e.long_message } : {}),
      ...(isObject(e.meta) ? { meta: e.meta } : {}),
    });
  }
  return { errors, traceId: typeof v.clerk_trace_id === "string" ? v.clerk_trace_id : undefined };
}
