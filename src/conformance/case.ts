/**
 * Case definitions and the scope a case runs in: problems fail it, notes do not.
 * @module
 */
import type { SuiteContext } from "./context.ts";
import { HttpRequestError } from "./http-client.ts";
import type { CaseResult } from "./types.ts";

/** Thrown to stop a case as failed. */
export class CaseFailed extends Error {
  override readonly name = "CaseFailed";
}

/** Thrown to stop a case as skipped. */
export class CaseSkipped extends Error {
  override readonly name = "CaseSkipped";
}

/** Collects the problems and notes of one running case. */
export class CaseScope {
  readonly problems: string[] = [];
  readonly notes: string[] = [];

  /** Records a problem (the case fails) and continues. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Records several problems. */
  addProblems(messages: readonly string[]): void {
    for (const m of messages) this.problems.push(m);
  }

  /** Records an observation that does not fail the case. */
  note(message: string): void {
    this.notes.push(message);
  }

  /** Records a problem and stops the case. */
  fail(message: string): never {
    throw new CaseFailed(message);
  }

  /** Stops the case as skipped. */
  skip(reason: string): never {
    throw new CaseSkipped(reason);
  }

  /** Stops the case if problems were recorded so far. */
  stopIfFailed(): void {
    if (this.problems.length > 0) throw new CaseFailed("");
  }
}

/** One conformance case. */
export interface CaseDefinition {
  /** Stable id, e.g. `pact-tc05`. */
  readonly id: string;
  readonly title: string;
  /** Mandatory for PACT v2.2 / iLEAP v1.0 conformance. */
  readonly mandatory: boolean;
  /** Whether the case needs an expired token (lets the runner obtain one early). Default: `false`. */
  readonly needsExpiredToken?: boolean;
  run(ctx: SuiteContext, t: CaseScope): Promise<void>;
}

/** Largest number of problems listed in a reason; the rest are counted. */
export const MAX_PROBLEMS_IN_REASON = 12;

/** Joins problems into one reason string. */
export function joinProblems(problems: readonly string[], max = MAX_PROBLEMS_IN_REASON): string {
  const unique = [...new Set(problems.filter((p) => p !== ""))];
  const shown = unique.slice(0, max);
  if (unique.length > max) shown.push(`… and ${unique.length - max} more problems`);
  return shown.join("; ");
}

/** Runs one case and turns its outcome into a {@link CaseResult}. Never throws. */
export async function runCase(def: CaseDefinition, ctx: SuiteContext): Promise<CaseResult> {
  const t = new CaseScope();
  const started = performance.now();
  let status: CaseResult["status"] = "passed";
  let reason: string | undefined;
  try {
    await def.run(ctx, t);
    if (t.problems.length > 0) status = "failed";
  } catch (err) {
    if (err instanceof CaseSkipped) {
      status = t.problems.length > 0 ? "failed" : "skipped";
      if (status === "skipped") reason = err.message;
    } else if (err instanceof CaseFailed) {
      status = "failed";
      if (err.message) t.problem(err.message);
    } else if (err instanceof HttpRequestError) {
      status = "failed";
      t.problem(`no response: ${err.message}`);
    } else {
      status = "failed";
      t.problem(`unexpected error in the conformance suite: ${(err as Error).stack ?? String(err)}`);
    }
  }
  if (status === "failed") reason = joinProblems(t.problems) || "failed";
  return {
    id: def.id,
    title: def.title,
    mandatory: def.mandatory,
    status,
    ...(reason !== undefined ? { reason } : {}),
    ...(t.notes.length > 0 ? { notes: [...t.notes] } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}
