/** Call counters per endpoint and sign-in outcomes. */
import type { ClerkEmulatorStats } from "./types.ts";

/** Endpoint ids, as used in {@link ClerkEmulatorStats.calls} and fault scopes. */
export const CLERK_EMULATOR_ENDPOINTS = {
  signIn: "POST /v1/client/sign_ins",
  getClient: "GET /v1/client",
  touch: "POST /v1/client/sessions/{session_id}/touch",
  tokens: "POST /v1/client/sessions/{session_id}/tokens",
  templateToken: "POST /v1/client/sessions/{session_id}/tokens/{template_name}",
  jwks: "GET /.well-known/jwks.json",
  jwksV1: "GET /v1/jwks",
  endSession: "POST /v1/client/sessions/{session_id}/end",
  createOrganization: "POST /v1/organizations",
} as const;

export type SignInOutcome = "complete" | "incomplete" | "rejected";

export class StatsRecorder {
  #calls = new Map<string, number>();
  #signIns = { complete: 0, incomplete: 0, rejected: 0 };
  #faultsApplied = 0;
  #sessionsEnded = 0;
  #apiVersions = new Map<string, number>();

  call(endpointId: string, apiVersion?: string | null): void {
    this.#calls.set(endpointId, (this.#calls.get(endpointId) ?? 0) + 1);
    if (apiVersion !== undefined) {
      const v = apiVersion ?? "none";
      this.#apiVersions.set(v, (this.#apiVersions.get(v) ?? 0) + 1);
    }
  }

  sessionEnded(): void {
    this.#sessionsEnded++;
  }

  signIn(outcome: SignInOutcome): void {
    this.#signIns[outcome]++;
  }

  faults(hits: number): void {
    this.#faultsApplied += hits;
  }

  get signInCount(): number {
    return this.#calls.get(CLERK_EMULATOR_ENDPOINTS.signIn) ?? 0;
  }

  snapshot(): ClerkEmulatorStats {
    return {
      calls: Object.fromEntries(this.#calls),
      signIns: { attempts: this.signInCount, ...this.#signIns },
      faultsApplied: this.#faultsApplied,
      sessionsEnded: this.#sessionsEnded,
      apiVersions: Object.fromEntries(this.#apiVersions),
    };
  }

  reset(): void {
    this.#calls = new Map();
    this.#signIns = { complete: 0, incomplete: 0, rejected: 0 };
    this.#faultsApplied = 0;
    this.#sessionsEnded = 0;
    this.#apiVersions = new Map();
  }
}
