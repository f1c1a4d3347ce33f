/**
 * Exact arithmetic on PACT/iLEAP decimal strings (`^-?\d+(\.\d+)?$`), based on BigInt.
 * Results are always normalised strings: no exponent, no leading zeros, no trailing fractional
 * zeros, never `-0`. No floating point is involved in any result.
 */

/** The decimal pattern of the PACT and iLEAP schemas. */
export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

/** Thrown when a string is not a decimal or an operation is impossible (division by zero). */
export class DecimalError extends Error {
  override readonly name = "DecimalError";
}

/** A parsed decimal: the value is `units × 10^-scale`. */
export type ParsedDecimal = { readonly units: bigint; readonly scale: number };

/** Rounding mode of {@link divideDecimal} and {@link roundDecimal}. */
export type RoundingMode = "half-up" | "half-even" | "down";

/** True when `value` is a string matching {@link DECIMAL_PATTERN}. */
export function isDecimalString(value: unknown): value is string {
  return typeof value === "string" && DECIMAL_PATTERN.test(value);
}

/**
 * Parses a decimal string.
 * @throws DecimalError when `value` does not match {@link DECIMAL_PATTERN}.
 */
export function parseDecimal(value: string): ParsedDecimal {
  if (!isDecimalString(value)) throw new DecimalError(`not a decimal string: ${JSON.stringify(value)}`);
  const negative = value.startsWith("-");
  const body = negative ? value.slice(1) : value;
  const dot = body.indexOf(".");
  const intPart = dot < 0 ? body : body.slice(0, dot);
  const fracPart = dot < 0 ? "" : body.slice(dot + 1);
  const units = BigInt(intPart + fracPart);
  return trim({ units: negative ? -units : units, scale: fracPart.length });
}

/** Formats a parsed decimal as a normalised string. */
export function formatDecimal(d: ParsedDecimal): string {
  const { units, scale } = trim(d);
  if (units === 0n) return "0";
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  let text: string;
  if (scale === 0) {
    text = digits;
  } else {
    const padded = digits.padStart(scale + 1, "0");
    text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  }
  return negative ? `-${text}` : text;
}

/**
 * Normalises a decimal string (`"007.50"` → `"7.5"`, `"-0.0"` → `"0"`).
 * @throws DecimalError when `value` is not a decimal string.
 */
export function normalizeDecimal(value: string): string {
  return formatDecimal(parseDecimal(value));
}

/** `a + b`. @throws DecimalError on invalid input. */
export function addDecimal(a: string, b: string): string {
  return formatDecimal(addParsed(parseDecimal(a), parseDecimal(b)));
}

/** `a - b`. @throws DecimalError on invalid input. */
export function subtractDecimal(a: string, b: string): string {
  const pb = parseDecimal(b);
  return formatDecimal(addParsed(parseDecimal(a), { units: -pb.units, scale: pb.scale }));
}

/** Sum of all values; `"0"` for none. @throws DecimalError on invalid input. */
export function sumDecimal(values: Iterable<string>): string {
  let total: ParsedDecimal = { units: 0n, scale: 0 };
  for (const v of values) total = addParsed(total, parseDecimal(v));
  return formatDecimal(total);
}

/** `a × b`, exact. @throws DecimalError on invalid input. */
export function multiplyDecimal(a: string, b: string): string {
  const pa = parseDecimal(a);
  const pb = parseDecimal(b);
  return formatDecimal({ units: pa.units * pb.units, scale: pa.scale + pb.scale });
}

/** Options of {@link divideDecimal}. */
export type DivideOptions = {
  /** Maximum number of fractional digits of the result. Default `12`. */
  readonly scale?: number;
  /** Rounding of the last kept digit. Default `"half-up"` (half away from zero). */
  readonly rounding?: RoundingMode;
};

/**
 * `a ÷ b`, rounded to `scale` fractional digits (default 12, half away from zero).
 * @throws DecimalError on invalid input or when `b` is zero.
 */
export function divideDecimal(a: string, b: string, options: DivideOptions = {}): string {
  const scale = checkScale(options.scale ?? 12);
  const pa = parseDecimal(a);
  const pb = parseDecimal(b);
  if (pb.units === 0n) throw new DecimalError("division by zero");
  // a/b = (ua/ub) × 10^(sb - sa); compute units of the result at `scale` with one guard step.
  const exponent = scale + pb.scale - pa.scale;
  let numerator = pa.units;
  let denominator = pb.units;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  return formatDecimal({
    units: divideRounded(numerator, denominator, options.rounding ?? "half-up"),
    scale,
  });
}

/**
 * Rounds to `scale` fractional digits (default mode half away from zero).
 * @throws DecimalError on invalid input.
 */
export function roundDecimal(value: string, scale: number, rounding: RoundingMode = "half-up"): string {
  const s = checkScale(scale);
  const p = parseDecimal(value);
  if (p.scale <= s) return formatDecimal(p);
  return formatDecimal({ units: divideRounded(p.units, 10n ** BigInt(p.scale - s), rounding), scale: s });
}

/** `value × 10^exponent`, exact (e.g. `scaleByPowerOfTen("161000", -3)` → `"161"`). */
export function scaleByPowerOfTen(value: string, exponent: number): string {
  if (!Number.isInteger(exponent)) throw new DecimalError(`exponent must be an integer: ${exponent}`);
  const p = parseDecimal(value);
  const scale = p.scale - exponent;
  if (scale >= 0) return formatDecimal({ units: p.units, scale });
  return formatDecimal({ units: p.units * 10n ** BigInt(-scale), scale: 0 });
}

/** Absolute value. @throws DecimalError on invalid input. */
export function absDecimal(value: string): string {
  const p = parseDecimal(value);
  return formatDecimal({ units: p.units < 0n ? -p.units : p.units, scale: p.scale });
}

/** Compares numerically: -1 when `a < b`, 0 when equal, 1 when `a > b`. @throws DecimalError. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const [ua, ub] = align(parseDecimal(a), parseDecimal(b));
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** True when `a` and `b` are numerically equal (`"1.50"` equals `"1.5"`). @throws DecimalError. */
export function decimalEquals(a: string, b: string): boolean {
  return compareDecimal(a, b) === 0;
}

/**
 * True when `|a - b| <= tolerance` (default `"0"`, i.e. exact equality).
 * @throws DecimalError on invalid input or a negative tolerance.
 */
export function equalWithinTolerance(a: string, b: string, tolerance = "0"): boolean {
  if (compareDecimal(tolerance, "0") < 0) throw new DecimalError("tolerance must not be negative");
  return compareDecimal(absDecimal(subtractDecimal(a, b)), tolerance) <= 0;
}

/**
 * True when `|reported - expected|` is at most the larger of half a unit in the last fractional
 * digit `reported` is written with (`"12.3"` → 0.05) and `|expected| × relativeTolerance`: the
 * match of a reported figure against the one recomputed from its inputs. Same result as composing
 * {@link scaleByPowerOfTen}, {@link multiplyDecimal} and {@link equalWithinTolerance}, with each
 * string parsed once (the rules run it for every TCE of every imported footprint).
 * @throws DecimalError on invalid input.
 */
export function withinRoundingOrRelative(
  reported: string,
  expected: string,
  relativeTolerance: string,
): boolean {
  const digits = fractionDigits(reported);
  const r = parseDecimal(reported);
  const e = parseDecimal(expected);
  const t = parseDecimal(relativeTolerance);
  const scale = Math.max(r.scale, e.scale, digits + 1, e.scale + t.scale);
  const at = (units: bigint, s: number): bigint => units * 10n ** BigInt(scale - s);
  let difference = at(r.units, r.scale) - at(e.units, e.scale);
  if (difference < 0n) difference = -difference;
  const rounding = at(5n, digits + 1);
  const relative = at((e.units < 0n ? -e.units : e.units) * t.units, e.scale + t.scale);
  return difference <= rounding || difference <= relative;
}

/** Number of fractional digits as written (`"1.50"` → 2). @throws DecimalError. */
export function fractionDigits(value: string): number {
  if (!isDecimalString(value)) throw new DecimalError(`not a decimal string: ${JSON.stringify(value)}`);
  const dot = value.indexOf(".");
  return dot < 0 ? 0 : value.length - dot - 1;
}

// ---------------------------------------------------------------------------------------------

function trim(d: ParsedDecimal): ParsedDecimal {
  let { units, scale } = d;
  if (units === 0n) return { units: 0n, scale: 0 };
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

function align(a: ParsedDecimal, b: ParsedDecimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function addParsed(a: ParsedDecimal, b: ParsedDecimal): ParsedDecimal {
  const [ua, ub, scale] = align(a, b);
  return { units: ua + ub, scale };
}

function checkScale(scale: number): number {
  if (!Number.isInteger(scale) || scale < 0)
    throw new DecimalError(`scale must be a non-negative integer: ${scale}`);
  return scale;
}

/** Integer division `n / d` rounded by `mode` (d ≠ 0). */
function divideRounded(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d; // truncates toward zero
  const r = n % d; // same sign as n
  if (r === 0n || mode === "down") return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const away = n < 0n ? q - 1n : q + 1n;
  if (twice > d) return away;
  if (twice < d) return q;
  if (mode === "half-up") return away;
  return q % 2n === 0n ? q : away; // half-even
}
