/** Timestamp parsing for `$filter` literals (pure; never throws). */

/** An instant: whole epoch milliseconds (floored) and whether finer digits were non-zero. */
export interface Instant {
  readonly ms: number;
  readonly subMs: boolean;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?(?:([Zz])|([+\- ])(\d{2}):(\d{2}))$/;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an RFC 3339 / OData DateTimeOffset timestamp into an instant:
 * `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z` or `±HH:MM` (`T`/`Z` in either case, up to 12
 * fraction digits, years 0000–9999, calendar-checked dates, no leap second). A space in the
 * offset position stands for a `+` that was URL-decoded into a space. `undefined` when the text
 * is not such a timestamp. Never throws.
 */
export function parseTimestamp(s: string): Instant | undefined {
  const m = TIMESTAMP.exec(s);
  if (m === null) return undefined;
  const num = (k: number): number => Number(m[k] ?? "0");
  const [year, month, day, hour, minute, second] = [num(1), num(2), num(3), num(4), num(5), num(6)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] ?? "";
  const millis = Number(fraction.slice(0, 3).padEnd(3, "0"));
  const subMs = /[1-9]/.test(fraction.slice(3));
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = num(10);
    const om = num(11);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const ms =
    daysFromCivil(year, month, day) * 86_400_000 +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 +
    millis;
  return { ms, subMs };
}
