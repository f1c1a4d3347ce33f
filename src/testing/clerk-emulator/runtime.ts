/** Everything one emulator instance holds, shared by its FAPI routes, admin routes and control object. */
import {
  Directory,
  type MembershipRecord,
  resolveSettings,
  type Settings,
  type UserRecord,
} from "./config.ts";
import { FaultRegistry, HangRegistry } from "./faults.ts";
import { randomId } from "./ids.ts";
import { KeyRing } from "./keys.ts";
import { LockoutTracker, SlidingWindowLimiter } from "./limits.ts";
import type { SerializeContext } from "./serialize.ts";
import { ClientStore, type SessionRecord } from "./state.ts";
import { StatsRecorder } from "./stats.ts";
import { sessionTokenClaims, TOKEN_CATEGORIES, type TokenSubject, templateTokenClaims } from "./tokens.ts";
import type { ClerkEmulatorOptions, JwtTemplate, ResetOptions } from "./types.ts";

/** Request facts that shape a token: the URL it came to and its `Origin` header. */
export interface RequestFacts {
  readonly url: string;
  readonly origin: string | undefined;
}

export class EmulatorRuntime {
  readonly settings: Settings;
  readonly directory: Directory;
  readonly clients = new ClientStore();
  readonly keys = new KeyRing();
  readonly lockouts: LockoutTracker;
  readonly limiter: SlidingWindowLimiter | null;
  readonly faults = new FaultRegistry();
  readonly hangs = new HangRegistry();
  readonly stats = new StatsRecorder();
  readonly #lastSignIn = new Map<string, number>();
  /** The listening URL, set by `startClerkEmulator` when no `issuer` option was given. */
  listenUrl: string | undefined;

  constructor(options: ClerkEmulatorOptions) {
    this.settings = resolveSettings(options);
    this.directory = new Directory(options, this.settings.now());
    this.lockouts = new LockoutTracker(
      this.settings.lockoutThreshold,
      this.settings.lockoutDurationSeconds * 1000,
    );
    const rate = this.settings.signInRateLimit;
    this.limiter = rate ? new SlidingWindowLimiter(rate.max, rate.windowSeconds * 1000) : null;
  }

  now(): number {
    return this.settings.now();
  }

  /** `iss`: the `issuer` option, else the listening URL, else the request's origin. */
  issuerFor(req: RequestFacts): string {
    return this.settings.issuer ?? this.listenUrl ?? new URL(req.url).origin;
  }

  /** `azp`: the `authorizedParty` option, else the request's `Origin`, else the issuer's origin. */
  azpFor(req: RequestFacts): string | null {
    if (this.settings.authorizedParty !== undefined) return this.settings.authorizedParty;
    if (req.origin && req.origin !== "null") return req.origin;
    return new URL(this.issuerFor(req)).origin;
  }

  recordSignIn(userId: string, now: number): void {
    this.#lastSignIn.set(userId, now);
  }

  serializeContext(): SerializeContext {
    const now = this.now();
    return {
      directory: this.directory,
      clients: this.clients,
      now,
      lockState: (userId) => this.lockouts.state(userId, now),
      lastSignInAt: (userId) => this.#lastSignIn.get(userId) ?? null,
    };
  }

  #subject(
    user: UserRecord,
    session: SessionRecord,
    membership: MembershipRecord | null,
    req: RequestFacts,
  ): TokenSubject {
    return { user, session, membership, issuer: this.issuerFor(req), azp: this.azpFor(req), now: this.now() };
  }

  /** A fresh session token (v1 or v2 per options) for the session and organization. */
  mintSessionToken(
    user: UserRecord,
    session: SessionRecord,
    membership: MembershipRecord | null,
    req: RequestFacts,
  ): Promise<string> {
    const s = this.settings;
    const claims = sessionTokenClaims(
      this.#subject(user, session, membership, req),
      { lifetimeSeconds: s.sessionTokenLifetimeSeconds, allowedClockSkewSeconds: s.allowedClockSkewSeconds },
      s.tokenVersion,
    );
    return this.keys.sign(claims, TOKEN_CATEGORIES.session);
  }

  /** A JWT-template token for the session and its active organization. */
  mintTemplateToken(
    user: UserRecord,
    session: SessionRecord,
    membership: MembershipRecord | null,
    template: JwtTemplate,
    req: RequestFacts,
  ): Promise<string> {
    const claims = templateTokenClaims(
      this.#subject(user, session, membership, req),
      template,
      this.settings.allowedClockSkewSeconds,
    );
    return this.keys.sign(claims, TOKEN_CATEGORIES.template);
  }

  /**
   * A machine (M2M) token as Clerk signs them with the instance key: header `cat`
   * `cl_B7d4PD333AAA`, `sub` a machine id (`mch_…`), no session. `extra` claims are merged in.
   */
  mintMachineToken(
    req: RequestFacts,
    lifetimeSeconds = 3600,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    return this.keys.sign(
      {
        iss: this.issuerFor(req),
        sub: randomId("mch"),
        iat,
        nbf: iat,
        exp: iat + lifetimeSeconds,
        jti: randomId("mt"),
        ...extra,
      },
      TOKEN_CATEGORIES.machine,
    );
  }

  reset(options: ResetOptions = {}): void {
    if (options.lockouts !== false) this.lockouts.reset();
    if (options.rateLimits !== false) this.limiter?.reset();
    if (options.faults !== false) {
      this.faults.clear();
      this.hangs.releaseAll();
    }
    if (options.stats !== false) this.stats.reset();
    if (options.sessions === true) this.clients.clear();
  }
}
