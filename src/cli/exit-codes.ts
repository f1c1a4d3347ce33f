/**
 * Exit codes of the `ileap` CLI (documented in the README) and the error type that carries one.
 * @module
 */

/** Exit codes. Scripts may rely on them. */
export const EXIT = {
  /** Success (for `validate`: every document valid; for `conformance`: every mandatory case passed). */
  ok: 0,
  /** The operation failed: invalid documents, conformance not passed, the host refused the request (4xx other than auth). */
  failure: 1,
  /** Usage or configuration error: bad flags or arguments, unreadable files, bad configuration. */
  usage: 2,
  /** Authentication error: not logged in, credentials refused, token expired without a stored secret, 401/403. */
  auth: 3,
  /** Network or server error: no connection, timeout, 5xx or 429 after retries, unusable responses. */
  network: 4,
} as const;

/** One of the {@link EXIT} codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error meant for the user: printed as `ileap: <message>` (plus the hint), exit with `exitCode`. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly exitCode: ExitCode;
  /** A next step for the user, printed on its own line. Default: none. */
  readonly hint?: string;

  constructor(message: string, exitCode: ExitCode, hint?: string) {
    super(message);
    this.exitCode = exitCode;
    if (hint !== undefined) this.hint = hint;
  }
}
