/** Fault injection for FAPI routes: 5xx, latency, hang, malformed JSON, connection reset. */
import type { Socket } from "node:net";
import { faultError } from "./errors.ts";
import { randomId } from "./ids.ts";
import type { FaultKind, FaultSpec, InjectedFault } from "./types.ts";

const KINDS: readonly FaultKind[] = ["status", "latency", "hang", "malformed_json", "reset"];

/** Default latency of a `latency` fault without `latencyMs`. */
export const DEFAULT_FAULT_LATENCY_MS = 100;

/** Validates an untrusted fault description (e.g. the JSON body of `POST /__emulator/faults`). */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw new TypeError("fault must be an object");
  const o = input as Record<string, unknown>;
  if (!KINDS.includes(o.kind as FaultKind))
    throw new TypeError(`fault.kind must be one of ${KINDS.join(", ")}`);
  const int = (name: string, min: number, max: number): number | undefined => {
    const v = o[name];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      throw new TypeError(`fault.${name} must be an integer in [${min}, ${max}]`);
    }
    return v;
  };
  const str = (name: string): string | undefined => {
    const v = o[name];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") throw new TypeError(`fault.${name} must be a non-empty string`);
    return v;
  };
  const spec: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } = { kind: o.kind as FaultKind };
  const status = int("status", 100, 599);
  const latencyMs = int("latencyMs", 0, 600_000);
  const retryAfterSeconds = int("retryAfterSeconds", 0, 86_400);
  const times = int("times", 1, Number.MAX_SAFE_INTEGER);
  const path = str("path");
  const method = str("method");
  if (status !== undefined) spec.status = status;
  if (latencyMs !== undefined) spec.latencyMs = latencyMs;
  if (retryAfterSeconds !== undefined) spec.retryAfterSeconds = retryAfterSeconds;
  if (times !== undefined) spec.times = times;
  if (path !== undefined) spec.path = path;
  if (method !== undefined) spec.method = method.toUpperCase();
  return spec;
}

/** The route a request matched: its endpoint id (`POST /v1/client/sign_ins`) and path template. */
export interface RouteIdentity {
  readonly id: string;
  readonly method: string;
  readonly template: string;
}

function matches(spec: FaultSpec, route: RouteIdentity, pathname: string): boolean {
  if (spec.method && spec.method !== route.method) return false;
  const p = spec.path;
  if (p === undefined) return true;
  if (p.endsWith("*"))
    return pathname.startsWith(p.slice(0, -1)) || route.template.startsWith(p.slice(0, -1));
  return p === pathname || p === route.template || p === route.id;
}

interface Entry {
  readonly id: string;
  readonly spec: FaultSpec;
  remaining: number | null;
  hits: number;
}

/** What to do to one request: added latency, then at most one terminal fault. */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly terminal: FaultSpec | null;
  /** Faults that hit this request. */
  readonly hits: number;
}

/** Injected faults, applied in insertion order; each one stops after `times` hits. */
export class FaultRegistry {
  #entries: Entry[] = [];

  add(spec: FaultSpec): InjectedFault {
    const checked = parseFaultSpec(spec);
    const entry: Entry = { id: randomId("fault"), spec: checked, remaining: checked.times ?? null, hits: 0 };
    this.#entries.push(entry);
    return view(entry);
  }

  remove(id: string): boolean {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => e.id !== id);
    return this.#entries.length !== before;
  }

  clear(): void {
    this.#entries = [];
  }

  list(): InjectedFault[] {
    return this.#entries.map(view);
  }

  /** Picks the faults for a request and counts them down (expired ones are removed). */
  take(route: RouteIdentity, pathname: string): FaultDecision {
    let latencyMs = 0;
    let terminal: FaultSpec | null = null;
    let hits = 0;
    for (const e of this.#entries) {
      if (!matches(e.spec, route, pathname)) continue;
      if (e.spec.kind === "latency") latencyMs += e.spec.latencyMs ?? DEFAULT_FAULT_LATENCY_MS;
      else if (terminal === null) terminal = e.spec;
      else continue;
      e.hits++;
      hits++;
      if (e.remaining !== null) e.remaining--;
    }
    this.#entries = this.#entries.filter((e) => e.remaining !== 0);
    return { latencyMs, terminal, hits };
  }
}

function view(e: Entry): InjectedFault {
  return { ...e.spec, id: e.id, remaining: e.remaining, hits: e.hits };
}

/** Requests held by `hang` faults; released when the client goes away or the emulator closes. */
export class HangRegistry {
  readonly #pending = new Set<() => void>();

  /** Resolves when `signal` aborts, `socket` closes or {@link releaseAll} is called. */
  wait(signal: AbortSignal, socket: Socket | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.#pending.delete(done);
        signal.removeEventListener("abort", done);
        socket?.off("close", done);
        resolve();
      };
      this.#pending.add(done);
      if (signal.aborted || socket?.destroyed) return done();
      signal.addEventListener("abort", done, { once: true });
      socket?.once("close", done);
    });
  }

  get size(): number {
    return this.#pending.size;
  }

  releaseAll(): void {
    for (const done of [...this.#pending]) done();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A JSON body cut short: valid prefix, invalid document. */
const MALFORMED_BODY = '{"response":{"object":"sign_in_attempt","id":"sia_';

/**
 * Applies a decision: sleeps for the latency, then answers for the terminal fault, or returns
 * `null` to let the route run. `socket` is the raw TCP socket when served by node (absent in-process).
 */
export async function applyFault(
  decision: FaultDecision,
  signal: AbortSignal,
  socket: Socket | undefined,
  hangs: HangRegistry,
): Promise<Response | null> {
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  const fault = decision.terminal;
  if (!fault) return null;
  switch (fault.kind) {
    case "status": {
      const error = faultError(fault.status ?? 503, fault.retryAfterSeconds);
      const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
      if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
      return new Response(JSON.stringify(error.body()), { status: error.status, headers });
    }
    case "malformed_json":
      return new Response(MALFORMED_BODY, {
        status: fault.status ?? 200,
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    case "reset":
      if (socket) {
        socket.resetAndDestroy();
        return new Response(null, { status: 500 });
      }
      return Response.error();
    case "hang":
      await hangs.wait(signal, socket);
      socket?.destroy();
      return socket ? new Response(null, { status: 500 }) : Response.error();
    case "latency":
      return null;
  }
}
