/**
 * Exact arithmetic on PACT decimal strings (`^-?\d+(\.\d+)?$`) for the iLEAP mapping checks.
 * Pure functions on bigint-scaled values.
 * @module
 */

/** A decimal as `units × 10^-scale`. */
export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parses a PACT decimal string; `undefined` if it does not match `^-?\d+(\.\d+)?$`. */
export function parseDec(text: unknown): Dec | undefined {
  if (typeof text !== "string") return undefined;
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const frac = m[3] ?? "";
  const units = BigInt(`${m[2]}${frac}`);
  return { units: m[1] === "-" ? -units : units, scale: frac.length };
}

function rescale(d: Dec, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

/** a + b, exact. */
export function addDec(a: Dec, b: Dec): Dec {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

/** a × b, exact. */
export function mulDec(a: Dec, b: Dec): Dec {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** a / 10^k, exact. */
export function shiftDec(a: Dec, k: number): Dec {
  return { units: a.units, scale: a.scale + k };
}

/** Sum of decimals; the empty sum is 0. */
export function sumDec(values: readonly Dec[]): Dec {
  return values.reduce(addDec, { units: 0n, scale: 0 });
}

/** Whether a = b numerically ("1" equals "1.00"). */
export function eqDec(a: Dec, b: Dec): boolean {
  const scale = Math.max(a.scale, b.scale);
  return rescale(a, scale) === rescale(b, scale);
}

/**
 * Whether `reported` equals `exact` to less than one unit in the last digit of `reported` (a host
 * may round or truncate a derived value to the digits it emits, but not be off by one unit).
 */
export function closeToDec(reported: Dec, exact: Dec): boolean {
  const scale = Math.max(reported.scale, exact.scale);
  const diff = rescale(reported, scale) - rescale(exact, scale);
  const abs = diff < 0n ? -diff : diff;
  return abs < 10n ** BigInt(scale - reported.scale);
}

/**
 * Whether the sum of rounded `values` can equal `target`: the gap must be smaller than the sum of
 * their half-units in the last digit.
 */
export function sumCanEqual(values: readonly Dec[], target: Dec): boolean {
  const scale = Math.max(target.scale, ...values.map((v) => v.scale)) + 1;
  const sum = sumDec(values);
  const diff = rescale(sum, scale) - rescale(target, scale);
  const abs = diff < 0n ? -diff : diff;
  const tolerance = values.reduce((acc, v) => acc + 5n * 10n ** BigInt(scale - v.scale - 1), 0n);
  return abs < tolerance;
}

/** Plain decimal string of a value (no exponent). */
export function formatDec(d: Dec): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, "0");
  const int = digits.slice(0, digits.length - d.scale);
  const frac = d.scale > 0 ? `.${digits.slice(digits.length - d.scale)}` : "";
  return `${negative ? "-" : ""}${int}${frac}`;
}
