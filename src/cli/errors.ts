/**
 * One place that turns any error of a command into a message on stderr and an exit code.
 * @module
 */
import { CommanderError } from "commander";
import {
  IleapApiError,
  IleapAuthError,
  IleapError,
  IleapLoginRequiredError,
  IleapNetworkError,
  IleapResponseError,
} from "../client/errors.ts";
import { CliError, EXIT, type ExitCode } from "./exit-codes.ts";
import type { Terminal } from "./output.ts";
import { certificateProblem } from "./tls.ts";

/** What to print for an error and how to exit. */
export interface ErrorReport {
  readonly exitCode: ExitCode;
  readonly message: string;
  readonly hint?: string;
}

/** `NoSuchFootprint: … (HTTP 404, GET /2/footprints/…)`: the PACT error first, where it happened after. */
function apiMessage(err: IleapApiError): string {
  if (err.code === undefined) return err.message;
  const path = URL.canParse(err.url) ? new URL(err.url).pathname : err.url;
  const retry = err.retryAfterSeconds !== undefined ? `, retry after ${err.retryAfterSeconds} s` : "";
  return `${err.code}${err.detail ? `: ${err.detail}` : ""} (HTTP ${err.status} on ${err.method} ${path}${retry})`;
}

/** Classifies an error (see {@link EXIT}). `loginHint` is the command that logs in again. */
export function classifyError(err: unknown, loginHint = "ileap auth login"): ErrorReport {
  if (err instanceof CliError) {
    return { exitCode: err.exitCode, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }
  if (err instanceof IleapLoginRequiredError) {
    return {
      exitCode: EXIT.auth,
      message: "the access token expired and no client secret is stored",
      hint: `log in again: ${loginHint}`,
    };
  }
  if (err instanceof IleapAuthError) {
    if (err.status === 429 || err.status >= 500) return { exitCode: EXIT.network, message: err.message };
    return {
      exitCode: EXIT.auth,
      message: `authentication failed: ${err.message}`,
      hint: `check the client id and secret: ${loginHint}`,
    };
  }
  if (err instanceof IleapApiError) {
    const message = apiMessage(err);
    if (err.status === 401 || err.status === 403) {
      return {
        exitCode: EXIT.auth,
        message,
        ...(err.status === 401 ? { hint: `log in again: ${loginHint}` } : {}),
      };
    }
    if (err.status === 429 || err.status >= 500) return { exitCode: EXIT.network, message };
    return { exitCode: EXIT.failure, message };
  }
  if (err instanceof IleapNetworkError || err instanceof IleapResponseError) {
    const certificate = certificateProblem(err);
    if (certificate !== undefined) {
      return {
        exitCode: EXIT.network,
        message: `the host's TLS certificate is not trusted (${certificate}): ${err.message}`,
        hint: "pass --ca FILE with its CA certificate (PEM), or --insecure for a test host; ileap auth login remembers either in the profile",
      };
    }
    return { exitCode: EXIT.network, message: err.message };
  }
  if (err instanceof IleapError) return { exitCode: EXIT.failure, message: err.message };
  if (err instanceof TypeError) return { exitCode: EXIT.usage, message: err.message };
  return {
    exitCode: EXIT.failure,
    message: `unexpected error: ${err instanceof Error ? err.message : String(err)}`,
  };
}

/**
 * Prints `ileap: <message>` (and `hint: …`) on stderr and returns the exit code. Commander's own
 * errors were already printed by commander: they only map to an exit code (help and version: 0;
 * usage errors: 2). With `ILEAP_DEBUG=1` the stack is printed too.
 */
export function reportError(
  err: unknown,
  term: Terminal,
  env: NodeJS.ProcessEnv,
  loginHint?: string,
): ExitCode {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const report = classifyError(err, loginHint);
  term.stderr.write(`${term.err.red("ileap:")} ${report.message}\n`);
  if (report.hint) term.stderr.write(`${term.err.dim("hint:")} ${report.hint}\n`);
  if (env.ILEAP_DEBUG && err instanceof Error && err.stack) term.stderr.write(`${err.stack}\n`);
  return report.exitCode;
}

/** `err` as a {@link CliError} (classified with `loginHint`), for rethrowing from a command. */
export function toCliError(err: unknown, loginHint?: string): CliError {
  if (err instanceof CliError) return err;
  const report = classifyError(err, loginHint);
  return new CliError(report.message, report.exitCode, report.hint);
}
