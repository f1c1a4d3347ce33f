/**
 * Public types of the conformance suite: what a run takes and what it reports.
 * @module
 */
import type { CallbackListener, CallbackListenerOptions } from "./callback-listener.ts";
import type { PactVersion } from "./pact-version.ts";

/** TLS settings for `https://` targets. */
export interface ConformanceTlsOptions {
  /** Extra trusted CA certificate(s), PEM. Default: Node's bundled roots only. */
  readonly ca?: string | Buffer;
  /** Verify the server certificate. Default: `true`. */
  readonly rejectUnauthorized?: boolean;
}

/** The official JSON Schemas, already parsed (draft-07 documents). */
export interface ConformanceSchemaSet {
  /** PACT v2 `ProductFootprint` (`data-model-schema.json`). */
  readonly productFootprint: object;
  /** iLEAP `ShipmentFootprint` (`shipment-footprint.json`). */
  readonly shipmentFootprint: object;
  /** iLEAP `TOC` (`toc.json`). */
  readonly toc: object;
  /** iLEAP `HOC` (`hoc.json`). */
  readonly hoc: object;
  /** iLEAP `TAD` (`tad.json`). */
  readonly tad: object;
  /**
   * PACT v3 `ProductFootprint` (`pact-v3-product-footprint.json`). Default: the shipped copy
   * (checked with the model's v3 rules too).
   */
  readonly productFootprintV3?: object;
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** API base URL including any path prefix, without trailing slash (one is removed if present). */
  readonly baseUrl: string;
  /**
   * PACT version to check: `"2.3"` (PACT v2 cases on `/2/…` plus iLEAP TC001–TC008) or `"3.0"`
   * (the official tool's V3.0 cases on `/3/…`). Default: `"2.3"`.
   */
  readonly version?: PactVersion;
  /**
   * Listener for the asynchronous answers to request events (cases 13 and 14.B): a running
   * {@link CallbackListener}, or options to start one for the run (stopped at its end). The host
   * must know the listener as a peer (`listener.peerConfig()`). Default: none, and cases 13 and
   * 14.B are skipped (a skipped mandatory case is not a pass).
   */
  readonly callbacks?: CallbackListener | CallbackListenerOptions;
  /** How long cases 13 and 14.B wait for the host's answer, in milliseconds. Default: `60000`. */
  readonly callbackTimeoutMs?: number;
  /** Base URL of the auth endpoints (`/.well-known/openid-configuration`, `/auth/token`). Default: `baseUrl`. */
  readonly authBaseUrl?: string;
  /** Client id of the test client (HTTP Basic user). */
  readonly clientId: string;
  /** Client secret of the test client (HTTP Basic password). */
  readonly clientSecret: string;
  /** TLS settings for https targets. Default: system trust, certificates verified. */
  readonly tls?: ConformanceTlsOptions;
  /** Timeout of each HTTP request in milliseconds. Default: `10000`. */
  readonly timeoutMs?: number;
  /**
   * A token of the host that has expired (signature valid, `exp` passed), used for the
   * expired-token cases. Default: none (see {@link maxWaitForExpirySeconds}).
   */
  readonly expiredToken?: string;
  /**
   * If no {@link expiredToken} is given and the host issues tokens with `expires_in` at most this
   * many seconds, the suite obtains a token at the start and waits for it to expire before the
   * expired-token cases run; otherwise those cases are `skipped`. Default: `0` (never wait).
   */
  readonly maxWaitForExpirySeconds?: number;
  /**
   * Run PACT TC9, TC10, TC11 and TC17: repeat requests over plain `http://` (scheme swapped, same
   * host and explicit port, or {@link httpBaseUrl}) and pass when the connection fails or the
   * response carries no token or data. Default: `true` when `baseUrl` is https, else `false`.
   */
  readonly checkHttpRefusal?: boolean;
  /**
   * Plain-HTTP variant of `baseUrl` for the refusal cases, when the host's plain-HTTP listener is
   * not on the same port. Default: `baseUrl` with `https://` replaced by `http://`.
   */
  readonly httpBaseUrl?: string;
  /** `source` of the CloudEvents sent in the event cases. Default: `https://conformance.invalid`. */
  readonly eventsSource?: string;
  /** Ids of the cases to run (e.g. `["pact-tc01", "ileap-tc004"]`). Default: every case. */
  readonly cases?: readonly string[];
  /**
   * Where the official JSON Schemas come from: parsed documents, or a directory (path or file URL)
   * holding `data-model-schema.json`, `shipment-footprint.json`, `toc.json`, `hoc.json`, `tad.json`;
   * they are compiled like the shipped ones (the model's `compileSchema`). The iLEAP and PACT rules
   * beyond the schemas are always the model's. Default: the model's validators of the copies
   * shipped in this package (`src/model/schemas/`).
   */
  readonly schemas?: ConformanceSchemaSet | string | URL;
}

/** Outcome of one case. */
export type CaseStatus = "passed" | "failed" | "skipped";

/** Result of one case. */
export interface CaseResult {
  /** Case id, e.g. `pact-tc01`, `pact-tc14a`, `ileap-tc001`, `pact-ext-token-expired`. */
  readonly id: string;
  readonly title: string;
  /** Whether the case is mandatory for conformance (PACT v2.2/v2.3 and iLEAP v1.0, or PACT v3.0). */
  readonly mandatory: boolean;
  readonly status: CaseStatus;
  /** Why the case failed or was skipped: statuses seen vs expected, JSON pointers, offending URLs. */
  readonly reason?: string;
  /** Observations that do not fail the case (recommended behaviour not followed, sub-checks not applicable). */
  readonly notes?: readonly string[];
  readonly durationMs: number;
}

/** Counts of a run. */
export interface ConformanceSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Ids of mandatory cases that failed or were skipped. */
  readonly mandatoryNotPassed: readonly string[];
}

/** Report of a run. */
export interface ConformanceReport {
  readonly baseUrl: string;
  /** The PACT version checked. */
  readonly version: PactVersion;
  /** ISO 8601 UTC timestamp of the start of the run. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly results: readonly CaseResult[];
  readonly summary: ConformanceSummary;
  /** `true` when every mandatory case passed (a skipped mandatory case is not a pass). */
  readonly passed: boolean;
}
