/**
 * A minimal client of a running host's admin API (`/admin/v1/…`) for `ileap import --url`: obtains
 * an access token with the client-credentials grant and posts batches as NDJSON. The secret is
 * only ever sent in the Basic header of the token request; it is never logged or printed.
 */
import type { IngestKind, IngestMode, IngestReport, RejectedRecord, SingleVersionRecord } from "./types.ts";

/** A failure talking to the host; `kind` says how the CLI should exit. */
export class AdminApiError extends Error {
  override readonly name = "AdminApiError";
  constructor(
    message: string,
    /** `auth`: credentials refused or no admin role; `network`: unreachable, timeout, 5xx; `request`: the host refused the request. */
    readonly kind: "auth" | "network" | "request",
  ) {
    super(message);
  }
}

/** Options of {@link AdminApiClient}. */
export interface AdminApiClientOptions {
  /** Base URL of the host, including any path prefix (e.g. `https://api.example.com/ileap`). */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Per-request timeout in ms. Default 120000. */
  readonly timeoutMs?: number;
  /** Attempts for network errors, 429 and 5xx (with a short backoff). Default 3. */
  readonly attempts?: number;
}

/** What a batch request sends besides the records. */
export interface BatchOptions {
  readonly mode: IngestMode;
  readonly dryRun: boolean;
  /** `client:ID` / `org:ID` entries. */
  readonly visibleTo: readonly string[];
}

interface ReportBody {
  accepted?: number;
  created?: number;
  replaced?: number;
  unchanged?: number;
  notWritten?: number;
  rejected?: RejectedRecord[];
  singleVersion?: SingleVersionRecord[];
  deprecated?: string[];
  code?: string;
  message?: string;
}

/** Posts record batches to the admin API. */
export class AdminApiClient {
  readonly #options: AdminApiClientOptions;
  readonly #base: string;
  #token: string | undefined;

  constructor(options: AdminApiClientOptions) {
    this.#options = options;
    this.#base = options.baseUrl.replace(/\/+$/, "");
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    const attempts = this.#options.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      let res: Response | undefined;
      let failure: string;
      try {
        res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.#options.timeoutMs ?? 120_000) });
        if (res.status !== 429 && res.status < 500) return res;
        failure = `HTTP ${res.status} from ${new URL(url).pathname}`;
      } catch (e) {
        failure = `cannot reach ${new URL(url).origin}: ${(e as Error).message}`;
      }
      if (attempt >= attempts) {
        if (res) return res;
        throw new AdminApiError(failure, "network");
      }
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }

  async #authenticate(): Promise<string> {
    const { clientId, clientSecret } = this.#options;
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
      "base64",
    );
    const res = await this.#fetch(`${this.#base}/auth/token`, {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: string;
      error?: string;
      error_description?: string;
    };
    if (res.status >= 500 || res.status === 429) {
      throw new AdminApiError(`the token endpoint answered HTTP ${res.status}`, "network");
    }
    if (res.status !== 200 || typeof body.access_token !== "string") {
      throw new AdminApiError(
        `the host refused the client credentials of ${JSON.stringify(clientId)} (${body.error ?? `HTTP ${res.status}`}${body.error_description ? `: ${body.error_description}` : ""})`,
        "auth",
      );
    }
    this.#token = body.access_token;
    return body.access_token;
  }

  /** Posts one batch (NDJSON lines, one JSON record each) and returns the host's report. */
  async postBatch(kind: IngestKind, lines: readonly string[], options: BatchOptions): Promise<IngestReport> {
    const query = new URLSearchParams({ mode: options.mode, ...(options.dryRun ? { dryRun: "true" } : {}) });
    for (const v of options.visibleTo) query.append("visibleTo", v);
    const url = `${this.#base}/admin/v1/${kind}?${query.toString()}`;
    const body = `${lines.join("\n")}\n`;
    let res: Response | undefined;
    for (let tries = 0; tries < 2; tries++) {
      const token = this.#token ?? (await this.#authenticate());
      res = await this.#fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
        body,
      });
      if (res.status !== 401) break;
      this.#token = undefined; // expired: get a new token once
    }
    if (!res) throw new AdminApiError("no response", "network");
    const text = await res.text();
    let parsed: ReportBody = {};
    try {
      parsed = JSON.parse(text) as ReportBody;
    } catch {
      // not JSON: handled below
    }
    if (res.status === 401 || res.status === 403) {
      throw new AdminApiError(
        `the host refused the admin request (HTTP ${res.status}${parsed.message ? `: ${parsed.message}` : ""}); the client needs the admin role`,
        "auth",
      );
    }
    if (res.status === 413) {
      throw new AdminApiError(
        `a batch of ${lines.length} records (${body.length} bytes) is larger than the host accepts; use a smaller --batch-size`,
        "request",
      );
    }
    if (res.status >= 500 || res.status === 429) {
      throw new AdminApiError(
        `the host answered HTTP ${res.status}${parsed.message ? `: ${parsed.message}` : ""}`,
        "network",
      );
    }
    if (![200, 207, 400, 409].includes(res.status) || !Array.isArray(parsed.rejected)) {
      throw new AdminApiError(
        `unexpected answer HTTP ${res.status} from ${new URL(url).pathname}${parsed.message ? `: ${parsed.message}` : ""}`,
        "request",
      );
    }
    const rejected = parsed.rejected;
    return {
      accepted: parsed.accepted ?? 0,
      created: parsed.created ?? 0,
      replaced: parsed.replaced ?? 0,
      unchanged: parsed.unchanged ?? 0,
      notWritten: parsed.notWritten ?? 0,
      rejected,
      written: !options.dryRun && (parsed.accepted ?? 0) > 0,
      conflict: res.status === 409,
      ...(Array.isArray(parsed.singleVersion) && parsed.singleVersion.length > 0
        ? { singleVersion: parsed.singleVersion }
        : {}),
      ...(Array.isArray(parsed.deprecated) && parsed.deprecated.length > 0
        ? { deprecated: parsed.deprecated }
        : {}),
    };
  }
}
