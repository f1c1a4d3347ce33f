/** The `limit` query parameter of ListFootprints and TAD (PROTOCOL.md §4). Pure; never throws. */
import { type Parsed, pactError } from "./errors.ts";

/** Most digits accepted in a `limit` value (leading zeros included); longer is a `BadRequest`. */
export const MAX_LIMIT_DIGITS = 10;

/**
 * Parses `limit`.
 *
 * - absent (`undefined`) → `undefined` (no limit requested);
 * - decimal digits only (no sign, spaces, decimal point or exponent), at most
 *   {@link MAX_LIMIT_DIGITS} of them, value ≥ 1; anything else (also the empty string and `0`) →
 *   `BadRequest` naming the value;
 * - a value above `max` is clamped to `max` (PACT lets a host return fewer items than asked).
 *
 * `max` is the server's page-size ceiling and should be a positive integer. Never throws.
 */
export function parseLimit(raw: string | undefined, max: number): Parsed<number | undefined> {
  if (raw === undefined) return { ok: true, value: undefined };
  const shown = raw.length <= 32 ? raw : `${raw.slice(0, 32)}…`;
  if (!/^[0-9]+$/.test(raw) || raw.length > MAX_LIMIT_DIGITS) {
    return {
      ok: false,
      error: pactError(
        "BadRequest",
        `limit must be a positive integer of at most ${MAX_LIMIT_DIGITS} decimal digits, got ${JSON.stringify(shown)}`,
      ),
    };
  }
  const value = Number(raw);
  if (value < 1) {
    return {
      ok: false,
      error: pactError("BadRequest", `limit must be a positive integer, got ${JSON.stringify(shown)}`),
    };
  }
  return { ok: true, value: Math.min(value, max) };
}
