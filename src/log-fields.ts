/**
 * Bounds for values copied into log lines from requests (ids, sources, URLs, client ids): a log
 * line must not grow with attacker-chosen input (issue 15, finding 8: a 100,000-character event
 * `id` was logged whole).
 */

/** Longest request-derived string kept in a log field, in UTF-16 code units. */
export const MAX_LOG_FIELD = 256;

/**
 * `value` if it is at most `max` long, else its first `max` code units followed by
 * `…(+N chars)` so the reader sees that and how much was cut.
 */
export function clip(value: string, max: number = MAX_LOG_FIELD): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}…(+${value.length - max} chars)`;
}
