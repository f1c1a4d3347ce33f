/** Mutable state: clients (with their client tokens), sign-in attempts and sessions. */
import { randomId } from "./ids.ts";
import type { SignInStatus } from "./types.ts";

/** Clerk abandons sign-in attempts after 24 h and sessions after 30 days of inactivity. */
const SIGN_IN_ABANDON_MS = 24 * 3600 * 1000;
const SESSION_ABANDON_MS = 30 * 24 * 3600 * 1000;

export interface SignInRecord {
  readonly id: string;
  readonly status: SignInStatus;
  readonly identifier: string | null;
  readonly userId: string | null;
  readonly createdSessionId: string | null;
  readonly passwordVerified: boolean;
  readonly abandonAt: number;
}

export interface SessionRecord {
  readonly id: string;
  readonly clientId: string;
  readonly userId: string;
  readonly createdAt: number;
  updatedAt: number;
  lastActiveAt: number;
  readonly expireAt: number;
  readonly abandonAt: number;
  activeOrganizationId: string | null;
  /** When the first factor (password) was verified. */
  readonly firstFactorAt: number;
  lastActiveToken: string | null;
  /** When the session was ended (`POST …/end`), else `null`. */
  endedAt: number | null;
}

export interface ClientRecord {
  readonly id: string;
  /** The native-flow client token, sent back verbatim in `Authorization`. */
  readonly token: string;
  readonly createdAt: number;
  updatedAt: number;
  readonly sessionIds: string[];
  signIn: SignInRecord | null;
  lastActiveSessionId: string | null;
  lastAuthenticationStrategy: string | null;
}

/** All clients and sessions of the emulator. */
export class ClientStore {
  readonly #clients = new Map<string, ClientRecord>();
  readonly #byToken = new Map<string, ClientRecord>();
  readonly #sessions = new Map<string, SessionRecord>();

  /** Creates a client whose token is `token` (minted by the caller). */
  createClient(id: string, token: string, now: number): ClientRecord {
    const client: ClientRecord = {
      id,
      token,
      createdAt: now,
      updatedAt: now,
      sessionIds: [],
      signIn: null,
      lastActiveSessionId: null,
      lastAuthenticationStrategy: null,
    };
    this.#clients.set(id, client);
    this.#byToken.set(token, client);
    return client;
  }

  /** The client whose token is exactly `token`. */
  byToken(token: string): ClientRecord | undefined {
    return this.#byToken.get(token);
  }

  /** Records a sign-in attempt on the client. */
  newSignIn(client: ClientRecord, fields: Omit<SignInRecord, "id" | "abandonAt">, now: number): SignInRecord {
    const signIn: SignInRecord = { ...fields, id: randomId("sia"), abandonAt: now + SIGN_IN_ABANDON_MS };
    client.signIn = signIn;
    client.updatedAt = now;
    return signIn;
  }

  /** Creates an active session on the client and makes it the last active one. */
  createSession(client: ClientRecord, userId: string, now: number, lifetimeMs: number): SessionRecord {
    const session: SessionRecord = {
      id: randomId("sess"),
      clientId: client.id,
      userId,
      createdAt: now,
      updatedAt: now,
      lastActiveAt: now,
      expireAt: now + lifetimeMs,
      abandonAt: now + SESSION_ABANDON_MS,
      activeOrganizationId: null,
      firstFactorAt: now,
      lastActiveToken: null,
      endedAt: null,
    };
    this.#sessions.set(session.id, session);
    client.sessionIds.push(session.id);
    client.lastActiveSessionId = session.id;
    client.updatedAt = now;
    return session;
  }

  /** The client's session with this id (sessions of other clients are not found). */
  session(client: ClientRecord, sessionId: string): SessionRecord | undefined {
    const session = this.#sessions.get(sessionId);
    return session && session.clientId === client.id ? session : undefined;
  }

  /** Ends the session (sign-out); `false` when it was not active. */
  end(session: SessionRecord, now: number): boolean {
    if (sessionStatus(session, now) !== "active") return false;
    session.endedAt = now;
    session.updatedAt = now;
    return true;
  }

  /** Sessions that are still active (neither ended nor expired). */
  activeSessionCount(now: number): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (sessionStatus(s, now) === "active") n++;
    return n;
  }

  sessionsOf(client: ClientRecord): SessionRecord[] {
    return client.sessionIds.flatMap((id) => {
      const s = this.#sessions.get(id);
      return s ? [s] : [];
    });
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  clear(): void {
    this.#clients.clear();
    this.#byToken.clear();
    this.#sessions.clear();
  }
}

/** `ended` once signed out, else `active` until `expireAt`, then `expired`. */
export function sessionStatus(session: SessionRecord, now: number): "active" | "expired" | "ended" {
  if (session.endedAt !== null) return "ended";
  return now < session.expireAt ? "active" : "expired";
}
