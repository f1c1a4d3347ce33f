/**
 * TLS trust of the client commands: `--ca FILE` (extra trusted CA certificates, PEM) and
 * `--insecure` (no certificate verification), remembered per login profile, and a clear message
 * when a host's certificate is not trusted.
 * @module
 */
import { readFileSync } from "node:fs";
import type { Agent, fetch as undiciFetch } from "undici";
import type { FetchFunction } from "../client/http.ts";
import { CliError, EXIT } from "./exit-codes.ts";

/** TLS settings of a profile (the CA certificates themselves, so the profile needs no other file). */
export interface ProfileTls {
  /** Extra trusted CA certificate(s), PEM. */
  readonly ca?: string;
  /** Skip certificate verification (tests and self-signed development hosts only). */
  readonly insecure?: boolean;
}

/** Largest CA file accepted (a bundle of a few hundred certificates). */
const MAX_CA_BYTES = 1024 * 1024;

/** Reads `--ca FILE`: PEM certificates only. @throws CliError (usage) naming the file. */
export function readCaFile(file: string): string {
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_CA_BYTES) throw new Error(`larger than ${MAX_CA_BYTES} bytes`);
    text = bytes.toString("utf8");
  } catch (err) {
    throw new CliError(`cannot read --ca ${file}: ${(err as Error).message}`, EXIT.usage);
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new CliError(`--ca ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, EXIT.usage);
  }
  return text;
}

/** The TLS settings of flags, or `undefined` when none are given. */
export function tlsFromFlags(flags: {
  readonly ca?: string;
  readonly insecure?: boolean;
}): ProfileTls | undefined {
  if (flags.ca === undefined && !flags.insecure) return undefined;
  return {
    ...(flags.ca !== undefined ? { ca: readCaFile(flags.ca) } : {}),
    ...(flags.insecure ? { insecure: true } : {}),
  };
}

/** A `fetch` that trusts `tls.ca` (on top of the system's CAs) or verifies nothing (`insecure`). */
export function tlsFetch(tls: ProfileTls): FetchFunction {
  // undici is loaded on the first request, not with the CLI (every command, `serve` too, loads this).
  let agent: Agent | undefined;
  return (async (input: Parameters<FetchFunction>[0], init?: RequestInit) => {
    const undici = await import("undici");
    agent ??= new undici.Agent({
      connect: {
        ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
        ...(tls.insecure ? { rejectUnauthorized: false } : {}),
      },
    });
    // undici's own fetch with its Agent: the global fetch takes no TLS options. Its Request and
    // Response types are structurally those of the global fetch.
    const res = await undici.fetch(
      input as Parameters<typeof undiciFetch>[0],
      {
        ...init,
        dispatcher: agent,
      } as Parameters<typeof undiciFetch>[1],
    );
    return res as unknown as Response;
  }) as FetchFunction;
}

/** Node's codes for certificates that do not verify. */
const CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_UNTRUSTED",
]);

/** The certificate error code in `err`'s cause chain, if the failure is an untrusted certificate. */
export function certificateProblem(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e !== null && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && CERTIFICATE_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  const text = err instanceof Error ? err.message : "";
  return [...CERTIFICATE_CODES].find((c) => text.includes(c));
}
