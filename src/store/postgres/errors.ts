/**
 * Classifies errors of the `pg` driver: which ones mean "the database cannot serve us right now"
 * (mapped to {@link StoreUnavailableError}, answered 503 by the HTTP layer) and which ones mean
 * the connection that ran the query is broken and must not go back to the pool.
 */
import {
  InvalidPagePositionError,
  QueryTimeoutError,
  StoreUnavailableError,
  VersionConflictError,
} from "../store.ts";

/** Node.js socket and DNS error codes that mean the server cannot be reached. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENOENT", // Unix-domain socket path missing: the server is not running.
]);

/**
 * SQLSTATEs (outside class 08, which is matched as a whole) that mean the server is going away,
 * starting, overloaded or timed out: worth a retry later, not a client or programming error.
 */
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
  "57P05", // idle_session_timeout
  "57014", // query_canceled (statement_timeout)
  "55P03", // lock_not_available (lock_timeout)
  "53300", // too_many_connections
  "53400", // configuration_limit_exceeded
  "53100", // disk_full
  "53200", // out_of_memory
  "40001", // serialization_failure (transient; retried first)
  "40P01", // deadlock_detected (transient; retried first)
  "25P03", // idle_in_transaction_session_timeout
]);

/** SQLSTATEs after which a whole transaction may simply be run again. */
const RETRYABLE_SQLSTATES = new Set(["40001", "40P01"]);

/** Messages of `pg`/`pg-pool` errors that carry no code but mean the connection is unusable. */
const UNAVAILABLE_MESSAGES = [
  "timeout exceeded when trying to connect",
  "Connection terminated",
  "Query read timeout",
  "timeout expired",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  "Cannot use a pool after calling end on the pool",
  "the database system is",
];

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** True when the error means the database cannot be reached or cannot serve right now. */
export function isUnavailable(e: unknown): boolean {
  if (e instanceof StoreUnavailableError) return true;
  const code = codeOf(e);
  if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  const message = messageOf(e);
  if (UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
  // AggregateError from a multi-address connect (e.g. `localhost` → ::1 and 127.0.0.1).
  if (e instanceof AggregateError) return e.errors.some(isUnavailable);
  const cause = (e as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== e && isUnavailable(cause);
}

/** True when the connection that produced the error must be discarded rather than reused. */
export function isConnectionBroken(e: unknown): boolean {
  const code = codeOf(e);
  if (RETRYABLE_SQLSTATES.has(code) || code === "57014" || code === "55P03" || code === "53100") return false;
  return isUnavailable(e);
}

/**
 * True when the error shows, at once, that a connection was already dead when used (closed or
 * reset by the server, terminated by an administrator): trying another connection costs nothing.
 * Timeouts are excluded: they already spent the caller's time budget.
 */
export function isDeadConnection(e: unknown): boolean {
  const code = codeOf(e);
  if (code === "ECONNRESET" || code === "EPIPE" || code === "57P01" || code === "57P02") return true;
  if (code !== "") return false;
  const message = messageOf(e);
  return (
    message.includes("Connection terminated unexpectedly") ||
    message.includes("Client has encountered a connection error and is not queryable") ||
    message.includes("Client was closed and is not queryable")
  );
}

/** True when a transaction that failed with this error may be retried as a whole. */
export function isRetryableConflict(e: unknown): boolean {
  return RETRYABLE_SQLSTATES.has(codeOf(e));
}

/**
 * The error a store method throws for a driver error: typed store errors pass through,
 * availability problems become {@link StoreUnavailableError} (with the original as `cause`),
 * anything else is returned unchanged (a programming or data error: 500).
 */
export function toStoreError(e: unknown): Error {
  if (
    e instanceof StoreUnavailableError ||
    e instanceof InvalidPagePositionError ||
    e instanceof VersionConflictError
  ) {
    return e;
  }
  if (codeOf(e) === "57014") {
    // statement_timeout: the query's time budget ran out (503 with a message that says so).
    return new QueryTimeoutError("the query ran longer than the database's statement timeout (57014)", 0);
  }
  if (isUnavailable(e)) {
    const code = codeOf(e);
    return new StoreUnavailableError(
      `PostgreSQL store unavailable (${code ? `${code}: ` : ""}${messageOf(e)})`,
      {
        cause: e,
      },
    );
  }
  return e instanceof Error ? e : new Error(messageOf(e));
}
