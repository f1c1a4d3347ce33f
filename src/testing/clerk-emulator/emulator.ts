/** `createClerkEmulator`: the Hono app and its control object, without listening. */
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { JSONWebKeySet, JWTPayload } from "jose";
import { registerAdminRoutes } from "./admin.ts";
import { ClerkApiError, internalError, resourceNotFound } from "./errors.ts";
import type { RotateKeysOptions } from "./keys.ts";
import { type EmulatorEnv, registerFapiRoutes } from "./routes.ts";
import { EmulatorRuntime } from "./runtime.ts";
import type {
  ClerkEmulatorOptions,
  ClerkEmulatorStats,
  FaultSpec,
  InjectedFault,
  ResetOptions,
} from "./types.ts";

/** Drives an emulator from tests (the same operations as the `/__emulator/` HTTP endpoints). */
export interface ClerkEmulatorControl {
  /** `POST /v1/client/sign_ins` requests received so far (faulted and rate-limited ones too). */
  readonly signInCount: number;
  /** Per-endpoint call counts and sign-in outcomes. */
  stats(): ClerkEmulatorStats;
  /** Zeroes the counters only. */
  resetStats(): void;
  /** Adds a fault (validated; throws `TypeError` on a bad spec). */
  injectFault(spec: FaultSpec): InjectedFault;
  /** Removes one fault; `false` if unknown (or already used up). */
  removeFault(id: string): boolean;
  /** Removes all faults and releases hanging requests. */
  clearFaults(): void;
  /** The active faults with their hit counts. */
  faults(): InjectedFault[];
  /** Requests currently held by `hang` faults. */
  readonly hangingRequests: number;
  /** Ends every hanging request (their connections are closed without an answer). */
  releaseHangs(): void;
  /** Clears lockouts, rate limits, faults and stats (each by default), and sessions when asked. */
  reset(options?: ResetOptions): void;
  /** A new RS256 key signs from now on; the old ones stay in the JWKS unless `keepPrevious: false`. Returns the new `kid`. */
  rotateKeys(options?: RotateKeysOptions): string;
  /** Removes a retired key from the JWKS (`false` for the current or an unknown `kid`). */
  dropKey(kid: string): boolean;
  /** The `kid` that signs now. */
  readonly currentKid: string;
  /** The published JWKS. */
  jwks(): JSONWebKeySet;
  /** The current public key as SPKI PEM (for verifiers configured with a PEM instead of a JWKS). */
  publicKeyPem(): string;
  /**
   * Signs arbitrary claims with the current key (to test verifiers against odd tokens), with
   * Clerk's token category header `cat` when `category` is given (see `TOKEN_CATEGORIES`).
   */
  signJwt(payload: JWTPayload, category?: string): Promise<string>;
  /**
   * A machine (M2M) token of this instance: header `cat` `cl_B7d4PD333AAA`, `sub` `mch_…`,
   * signed by the instance key like every other token. `extra` claims are merged in.
   */
  machineToken(extra?: Record<string, unknown>): Promise<string>;
  /** Creates an organization as `userId` would (`POST /v1/organizations`): the user becomes its `org:admin`. Returns its id. */
  createOrganization(userId: string, name: string): string;
  /** Sessions neither ended nor expired (sign-outs end them). */
  readonly activeSessions: number;
  /** The configured or listening issuer (`undefined` before listening without an `issuer` option). */
  readonly issuer: string | undefined;
  /** Sets the issuer used when no `issuer` option was given (called by `startClerkEmulator`). */
  setListenUrl(url: string): void;
}

/** An emulator not yet listening: serve `app.fetch` yourself or call `app.request` in-process. */
export interface ClerkEmulator {
  readonly app: Hono<EmulatorEnv>;
  readonly control: ClerkEmulatorControl;
}

/**
 * Creates a Clerk Frontend API emulator. Defaults: demo users and organization, lockout after 10
 * failed passwords for 3600 s, 5 sign-ins per IP per 10 s, 60 s session tokens in the v2 format,
 * `iss` = the emulator's URL, `Date.now` as clock, `/__emulator/` control endpoints mounted.
 * See {@link ClerkEmulatorOptions} for each option.
 */
export function createClerkEmulator(options: ClerkEmulatorOptions = {}): ClerkEmulator {
  const rt = new EmulatorRuntime(options);
  const app = new Hono<EmulatorEnv>();
  registerFapiRoutes(app, rt);
  if (rt.settings.adminEndpoints) registerAdminRoutes(app, rt);
  app.notFound((c) => {
    const error = resourceNotFound("Resource");
    return c.json(error.body(), 404);
  });
  app.onError((e, c) => {
    const error = e instanceof ClerkApiError ? e : internalError(500);
    return c.json(error.body(), error.status as ContentfulStatusCode);
  });

  const control: ClerkEmulatorControl = {
    get signInCount() {
      return rt.stats.signInCount;
    },
    stats: () => rt.stats.snapshot(),
    resetStats: () => rt.stats.reset(),
    injectFault: (spec) => rt.faults.add(spec),
    removeFault: (id) => rt.faults.remove(id),
    clearFaults: () => {
      rt.faults.clear();
      rt.hangs.releaseAll();
    },
    faults: () => rt.faults.list(),
    get hangingRequests() {
      return rt.hangs.size;
    },
    releaseHangs: () => rt.hangs.releaseAll(),
    reset: (resetOptions) => rt.reset(resetOptions),
    rotateKeys: (rotateOptions) => rt.keys.rotate(rotateOptions),
    dropKey: (kid) => rt.keys.drop(kid),
    get currentKid() {
      return rt.keys.currentKid;
    },
    jwks: () => rt.keys.jwks(),
    publicKeyPem: () => rt.keys.publicKeyPem(),
    signJwt: (payload, category) => rt.keys.sign(payload, category),
    machineToken: (extra) =>
      rt.mintMachineToken(
        { url: rt.listenUrl ?? rt.settings.issuer ?? "http://localhost", origin: undefined },
        3600,
        extra,
      ),
    createOrganization: (userId, name) => {
      const user = rt.directory.getUser(userId);
      if (!user) throw new Error(`clerk-emulator: no user ${userId}`);
      return rt.directory.createOrganization(user, name, rt.now()).organization.id;
    },
    get activeSessions() {
      return rt.clients.activeSessionCount(rt.now());
    },
    get issuer() {
      return rt.settings.issuer ?? rt.listenUrl;
    },
    setListenUrl: (url) => {
      rt.listenUrl = url.replace(/\/+$/, "");
    },
  };
  return { app, control };
}
