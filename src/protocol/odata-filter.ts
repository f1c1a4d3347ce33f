/**
 * Parser (and printer) for the PACT v2 `$filter` subset of OData v4 (PROTOCOL.md §5). Pure and
 * total: every input yields a {@link Parsed} value, nothing is thrown.
 *
 * Supported: `eq lt le gt ge`, `and`, parentheses, `productIds/any(p:(p eq '…'))` and
 * `companyIds/any(…)`, on the properties `created`, `updated`, `productCategoryCpc`,
 * `pcf/geographyCountry`, `pcf/referencePeriodStart`, `pcf/referencePeriodEnd`. Anything else that
 * is valid OData (`or`, `not`, `ne`, functions, other properties, arithmetic, `all`, …) is a
 * `NotImplemented` error naming the construct; malformed input is a `BadRequest` error naming what
 * is wrong and where (1-based character position).
 */
import { type PactError, type PactErrorCode, type Parsed, pactError } from "./errors.ts";
import type {
  CollectionProperty,
  ComparisonOp,
  FootprintFilter,
  TextProperty,
  TimeProperty,
} from "./filter-ast.ts";
import { parseTimestamp } from "./timestamp.ts";

/** Longest `$filter` value accepted, in UTF-16 code units; longer input is a `BadRequest`. */
export const MAX_FILTER_LENGTH = 4096;

/** Deepest parenthesis nesting accepted (lambda parentheses count too); deeper is a `BadRequest`. */
export const MAX_FILTER_DEPTH = 32;

const TIME_PROPERTIES: readonly TimeProperty[] = [
  "created",
  "updated",
  "pcf/referencePeriodStart",
  "pcf/referencePeriodEnd",
];
const TEXT_PROPERTIES: readonly TextProperty[] = ["productCategoryCpc", "pcf/geographyCountry"];
const COLLECTION_PROPERTIES: readonly CollectionProperty[] = ["productIds", "companyIds"];
const COMPARISON_OPS: readonly ComparisonOp[] = ["eq", "lt", "le", "gt", "ge"];

const SUPPORTED_OPERATORS = "supported: eq, lt, le, gt, ge, and";
const SUPPORTED_PROPERTIES = `supported: ${[...TIME_PROPERTIES, ...TEXT_PROPERTIES].join(", ")}, productIds/any(…), companyIds/any(…)`;
const LOGICAL_UNSUPPORTED = new Set(["or", "not", "ne", "has", "in"]);
const ARITHMETIC_UNSUPPORTED = new Set(["add", "sub", "mul", "div", "divby", "mod"]);
const KEYWORD_LITERALS = new Set(["null", "true", "false", "inf", "nan"]);

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = "lparen" | "rparen" | "slash" | "colon" | "comma" | "string" | "bare" | "ident" | "end";

interface Token {
  readonly kind: TokenKind;
  /** Source text of the token (for `bare`, with a space-decoded `+` offset already restored). */
  readonly text: string;
  /** Decoded value: the content of a string literal, else the same as `text`. */
  readonly value: string;
  /** 0-based index in the filter string. */
  readonly pos: number;
}

type Failure = { readonly ok: false; readonly error: PactError };

function fail(code: PactErrorCode, message: string): Failure {
  return { ok: false, error: pactError(code, message) };
}

function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

function at(pos: number): string {
  return `position ${pos + 1}`;
}

function truncate(s: string, max = 48): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

const PUNCTUATION: ReadonlyMap<string, TokenKind> = new Map([
  ["(", "lparen"],
  [")", "rparen"],
  ["/", "slash"],
  [":", "colon"],
  [",", "comma"],
]);

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isIdentStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === "$" || c === "@";
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || isDigit(c));
}

/** Characters of an unquoted literal (numbers, OData DateTimeOffset literals). */
function isBareChar(c: string | undefined): boolean {
  return c !== undefined && (isIdentChar(c) || c === "." || c === ":" || c === "+" || c === "-");
}

/** An unquoted date-time without offset, which may be followed by ` HH:MM` (a decoded `+`). */
const BARE_DATETIME_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const SPACE_OFFSET = /^ (\d{2}:\d{2})/;

function tokenize(src: string): Parsed<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    const punct = PUNCTUATION.get(c);
    if (punct !== undefined) {
      tokens.push({ kind: punct, text: c, value: c, pos: start });
      i++;
      continue;
    }
    if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= src.length) {
          return fail("BadRequest", `unterminated string literal starting at ${at(start)}`);
        }
        const ch = src[i]!;
        if (ch === "'") {
          if (src[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      tokens.push({ kind: "string", text: src.slice(start, i), value, pos: start });
      continue;
    }
    if (isDigit(c) || (c === "-" && isDigit(src[i + 1]))) {
      i++;
      while (isBareChar(src[i])) i++;
      let text = src.slice(start, i);
      if (BARE_DATETIME_WITHOUT_OFFSET.test(text)) {
        const m = SPACE_OFFSET.exec(src.slice(i, i + 6));
        if (m !== null && !isBareChar(src[i + 6])) {
          text = `${text}+${m[1]}`;
          i += 6;
        }
      }
      tokens.push({ kind: "bare", text, value: text, pos: start });
      continue;
    }
    if (isIdentStart(c)) {
      i++;
      while (isIdentChar(src[i])) i++;
      const text = src.slice(start, i);
      tokens.push({ kind: "ident", text, value: text, pos: start });
      continue;
    }
    if (c === '"') {
      return fail(
        "BadRequest",
        `unexpected character '"' at ${at(start)}; string literals use single quotes ('…', '' for a quote)`,
      );
    }
    const shown = c >= " " && c !== "\u007f" ? `'${c}'` : JSON.stringify(c);
    return fail("BadRequest", `unexpected character ${shown} at ${at(start)}`);
  }
  tokens.push({ kind: "end", text: "", value: "", pos: src.length });
  return ok(tokens);
}

function describe(t: Token): string {
  switch (t.kind) {
    case "end":
      return "end of filter";
    case "string":
      return `string ${truncate(t.text)}`;
    default:
      return `'${truncate(t.text)}'`;
  }
}

function lower(t: Token): string | undefined {
  return t.kind === "ident" ? t.text.toLowerCase() : undefined;
}

function comparisonOp(t: Token): ComparisonOp | undefined {
  const w = lower(t);
  return COMPARISON_OPS.find((op) => op === w);
}

/** `NotImplemented` for a known-but-unsupported OData operator keyword, else `undefined`. */
function unsupportedOperator(t: Token): Failure | undefined {
  const w = lower(t);
  if (w === undefined) return undefined;
  if (LOGICAL_UNSUPPORTED.has(w)) {
    return fail("NotImplemented", `operator '${w}' is not supported; ${SUPPORTED_OPERATORS}`);
  }
  if (ARITHMETIC_UNSUPPORTED.has(w)) {
    return fail("NotImplemented", `arithmetic operator '${w}' is not supported; ${SUPPORTED_OPERATORS}`);
  }
  return undefined;
}

function unexpected(t: Token, expected: string): Failure {
  const unsupported = unsupportedOperator(t);
  if (unsupported !== undefined) return unsupported;
  if (t.kind === "end") return fail("BadRequest", `the filter ended at ${at(t.pos)}; expected ${expected}`);
  return fail("BadRequest", `unexpected ${describe(t)} at ${at(t.pos)}; expected ${expected}`);
}

function flip(op: ComparisonOp): ComparisonOp {
  switch (op) {
    case "lt":
      return "gt";
    case "le":
      return "ge";
    case "gt":
      return "lt";
    case "ge":
      return "le";
    default:
      return op;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

type Operand =
  | { readonly kind: "time"; readonly property: TimeProperty; readonly token: Token }
  | { readonly kind: "text"; readonly property: TextProperty; readonly token: Token }
  | { readonly kind: "literal"; readonly token: Token }
  | { readonly kind: "filter"; readonly filter: FootprintFilter; readonly token: Token };

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token {
    const last = this.tokens[this.tokens.length - 1]!;
    return this.tokens[this.index + offset] ?? last;
  }

  private advance(): Token {
    const t = this.peek();
    if (t.kind !== "end") this.index++;
    return t;
  }

  private enter(t: Token): Failure | undefined {
    this.depth++;
    if (this.depth > MAX_FILTER_DEPTH) {
      return fail("BadRequest", `parentheses nested deeper than ${MAX_FILTER_DEPTH} levels at ${at(t.pos)}`);
    }
    return undefined;
  }

  /** Closes a parenthesis opened at `open`; `inside` names what the parentheses hold. */
  private close(open: Token, inside: string): Failure | undefined {
    const t = this.peek();
    if (t.kind !== "rparen") {
      const unsupported = unsupportedOperator(t);
      if (unsupported !== undefined) return unsupported;
      if (t.kind === "end") {
        return fail("BadRequest", `missing ')' to close the '(' at ${at(open.pos)}`);
      }
      return fail(
        "BadRequest",
        `unexpected ${describe(t)} at ${at(t.pos)}; expected ')' to close the '(' at ${at(open.pos)} after ${inside}`,
      );
    }
    this.advance();
    this.depth--;
    return undefined;
  }

  parseFilter(): Parsed<FootprintFilter> {
    const result = this.parseAnd();
    if (!result.ok) return result;
    const t = this.peek();
    if (t.kind !== "end") return unexpected(t, "'and' or the end of the filter");
    return result;
  }

  private parseAnd(): Parsed<FootprintFilter> {
    const clauses: FootprintFilter[] = [];
    for (;;) {
      const clause = this.parseUnary();
      if (!clause.ok) return clause;
      if (clause.value.kind === "and") clauses.push(...clause.value.clauses);
      else clauses.push(clause.value);
      if (lower(this.peek()) !== "and") break;
      this.advance();
    }
    return clauses.length === 1 ? ok(clauses[0]!) : ok({ kind: "and", clauses });
  }

  private parseUnary(): Parsed<FootprintFilter> {
    const t = this.peek();
    if (t.kind === "lparen") {
      const tooDeep = this.enter(t);
      if (tooDeep !== undefined) return tooDeep;
      this.advance();
      if (this.peek().kind === "rparen") return fail("BadRequest", `empty parentheses at ${at(t.pos)}`);
      const inner = this.parseAnd();
      if (!inner.ok) return inner;
      const closeError = this.close(t, "a comparison");
      if (closeError !== undefined) return closeError;
      return inner;
    }
    if (lower(t) === "not") return unsupportedOperator(t)!;
    return this.parseComparison();
  }

  private parseComparison(): Parsed<FootprintFilter> {
    const left = this.parseOperand("a comparison");
    if (!left.ok) return left;
    if (left.value.kind === "filter") return ok(left.value.filter);
    const leftToken = left.value.token;

    const opToken = this.peek();
    const op = comparisonOp(opToken);
    if (op === undefined) {
      return unexpected(
        opToken,
        `a comparison operator (eq, lt, le, gt, ge) after ${describe(leftToken)} at ${at(leftToken.pos)}`,
      );
    }
    this.advance();

    const right = this.parseOperand(`a value after '${opToken.text}' at ${at(opToken.pos)}`);
    if (!right.ok) return right;
    const l = left.value;
    const r = right.value;
    if (r.kind === "filter") {
      return fail("NotImplemented", `a lambda expression cannot be compared (at ${at(r.token.pos)})`);
    }
    if (l.kind === "literal") {
      if (r.kind === "literal") {
        return fail(
          "NotImplemented",
          `comparison of two literals at ${at(l.token.pos)} is not supported; one side must be a property (${SUPPORTED_PROPERTIES})`,
        );
      }
      return buildComparison(r, flip(op), l.token);
    }
    if (r.kind !== "literal") {
      return fail(
        "NotImplemented",
        `comparison of two properties ('${l.token.text}' … '${r.token.text}') at ${at(l.token.pos)} is not supported; compare a property with a literal`,
      );
    }
    return buildComparison(l, op, r.token);
  }

  /** A property path, a literal, or a whole lambda expression (`productIds/any(…)`). */
  private parseOperand(expected: string): Parsed<Operand> {
    const t = this.peek();
    if (t.kind === "string" || t.kind === "bare") {
      this.advance();
      return ok({ kind: "literal", token: t });
    }
    if (t.kind === "lparen") {
      if (this.peek(1).kind === "rparen") return fail("BadRequest", `empty parentheses at ${at(t.pos)}`);
      return fail("NotImplemented", `a parenthesized value at ${at(t.pos)} is not supported`);
    }
    if (t.kind !== "ident") return unexpected(t, expected);

    const w = t.text.toLowerCase();
    if (w === "not") return unsupportedOperator(t)!;
    if (w === "and" || COMPARISON_OPS.some((op) => op === w) || unsupportedOperator(t) !== undefined) {
      return fail("BadRequest", `${expected}, but found operator '${t.text}' at ${at(t.pos)}`);
    }
    const next = this.peek(1);
    if (next.kind === "string" && next.pos === t.pos + t.text.length) {
      return fail(
        "NotImplemented",
        `typed literal ${truncate(`${t.text}${next.text}`)} at ${at(t.pos)} is not supported; write timestamps as quoted strings ('2023-01-01T00:00:00Z')`,
      );
    }
    if (KEYWORD_LITERALS.has(w) && next.kind !== "slash" && next.kind !== "lparen") {
      return fail("NotImplemented", `literal '${t.text}' at ${at(t.pos)} is not supported`);
    }

    const segments: Token[] = [this.advance()];
    while (this.peek().kind === "slash") {
      const slash = this.advance();
      const segment = this.peek();
      if (segment.kind !== "ident") return unexpected(segment, `a name after the '/' at ${at(slash.pos)}`);
      segments.push(this.advance());
    }
    const path = segments.map((s) => s.text).join("/");

    if (this.peek().kind === "lparen") {
      const last = segments[segments.length - 1]!;
      const lastWord = last.text.toLowerCase();
      const base = segments
        .slice(0, -1)
        .map((s) => s.text)
        .join("/");
      if (segments.length >= 2 && (lastWord === "any" || lastWord === "all")) {
        if (lastWord === "all") {
          return fail(
            "NotImplemented",
            `lambda operator 'all' (in '${truncate(path)}' at ${at(t.pos)}) is not supported; use productIds/any(p:(p eq '…')) or companyIds/any(…)`,
          );
        }
        const collection = COLLECTION_PROPERTIES.find((c) => c === base);
        if (collection === undefined) {
          return fail(
            "NotImplemented",
            `lambda 'any' on '${truncate(base)}' at ${at(t.pos)} is not supported; supported: productIds/any(…), companyIds/any(…)`,
          );
        }
        const lambda = this.parseLambda(collection);
        if (!lambda.ok) return lambda;
        return ok({ kind: "filter", filter: lambda.value, token: t });
      }
      return fail(
        "NotImplemented",
        `function '${truncate(path)}' at ${at(t.pos)} is not supported; ${SUPPORTED_OPERATORS}`,
      );
    }

    const time = TIME_PROPERTIES.find((p) => p === path);
    if (time !== undefined) return ok({ kind: "time", property: time, token: t });
    const text = TEXT_PROPERTIES.find((p) => p === path);
    if (text !== undefined) return ok({ kind: "text", property: text, token: t });
    if (COLLECTION_PROPERTIES.some((c) => c === path)) {
      return fail(
        "NotImplemented",
        `'${path}' at ${at(t.pos)} is a collection; filter it with ${path}/any(p:(p eq '…'))`,
      );
    }
    return fail(
      "NotImplemented",
      `property '${truncate(path)}' at ${at(t.pos)} is not supported; ${SUPPORTED_PROPERTIES}`,
    );
  }

  /** `(<var>:<body>)` after `productIds/any` or `companyIds/any`. */
  private parseLambda(collection: CollectionProperty): Parsed<FootprintFilter> {
    const open = this.peek();
    const tooDeep = this.enter(open);
    if (tooDeep !== undefined) return tooDeep;
    this.advance();
    const variable = this.peek();
    if (variable.kind === "rparen") {
      return fail(
        "NotImplemented",
        `'${collection}/any()' without a lambda expression (at ${at(open.pos)}) is not supported; use ${collection}/any(p:(p eq '…'))`,
      );
    }
    if (variable.kind !== "ident")
      return unexpected(variable, `a lambda variable after '${collection}/any('`);
    this.advance();
    const colon = this.peek();
    if (colon.kind !== "colon") return unexpected(colon, `':' after the lambda variable '${variable.text}'`);
    this.advance();
    const value = this.parseLambdaBody(collection, variable.text);
    if (!value.ok) return value;
    const closeError = this.closeLambda(open, collection, variable.text);
    if (closeError !== undefined) return closeError;
    return ok({ kind: "any", property: collection, value: value.value });
  }

  private closeLambda(open: Token, collection: CollectionProperty, variable: string): Failure | undefined {
    if (lower(this.peek()) === "and") {
      return fail(
        "NotImplemented",
        `'and' inside ${collection}/any(…) at ${at(this.peek().pos)} is not supported; only a single '${truncate(variable)} eq …' comparison`,
      );
    }
    return this.close(open, `the lambda expression of ${collection}/any`);
  }

  /** `<var> eq '…'`, `'…' eq <var>`, optionally in (nested) parentheses; returns the value. */
  private parseLambdaBody(collection: CollectionProperty, variable: string): Parsed<string> {
    const t = this.peek();
    if (t.kind === "lparen") {
      const tooDeep = this.enter(t);
      if (tooDeep !== undefined) return tooDeep;
      this.advance();
      const inner = this.parseLambdaBody(collection, variable);
      if (!inner.ok) return inner;
      const closeError = this.closeLambda(t, collection, variable);
      if (closeError !== undefined) return closeError;
      return inner;
    }
    const onlyEq = `inside ${collection}/any(…) only the form ${truncate(variable)} eq '…' is supported`;
    const left = this.lambdaOperand(collection, variable, onlyEq, `'${truncate(variable)} eq '…''`);
    if (!left.ok) return left;

    const opToken = this.peek();
    const w = lower(opToken);
    if (w !== "eq") {
      if (comparisonOp(opToken) !== undefined || unsupportedOperator(opToken) !== undefined) {
        return fail("NotImplemented", `operator '${opToken.text}' at ${at(opToken.pos)}: ${onlyEq}`);
      }
      return unexpected(opToken, `'eq' inside ${collection}/any(…)`);
    }
    this.advance();

    const right = this.lambdaOperand(
      collection,
      variable,
      onlyEq,
      `a value after 'eq' at ${at(opToken.pos)}`,
    );
    if (!right.ok) return right;
    if (left.value.kind === "variable" && right.value.kind === "value") return ok(right.value.value);
    if (left.value.kind === "value" && right.value.kind === "variable") return ok(left.value.value);
    return fail("NotImplemented", `comparison at ${at(t.pos)}: ${onlyEq}`);
  }

  private lambdaOperand(
    collection: CollectionProperty,
    variable: string,
    onlyEq: string,
    expected: string,
  ): Parsed<{ kind: "variable" } | { kind: "value"; value: string }> {
    const t = this.peek();
    if (t.kind === "string") {
      this.advance();
      return ok({ kind: "value", value: t.value });
    }
    if (t.kind === "bare") {
      return fail(
        "BadRequest",
        `${collection}/any(…) needs a quoted string literal, found '${truncate(t.text)}' at ${at(t.pos)}`,
      );
    }
    if (t.kind === "ident" && t.text === variable) {
      this.advance();
      if (this.peek().kind === "slash" || this.peek().kind === "lparen") {
        return fail(
          "NotImplemented",
          `navigation or function on '${truncate(variable)}' at ${at(t.pos)}: ${onlyEq}`,
        );
      }
      return ok({ kind: "variable" });
    }
    if (t.kind === "ident") {
      const unsupported = unsupportedOperator(t);
      if (unsupported !== undefined) return unsupported;
      return fail("NotImplemented", `'${truncate(t.text)}' at ${at(t.pos)}: ${onlyEq}`);
    }
    return unexpected(t, expected);
  }
}

function buildComparison(
  property: Extract<Operand, { kind: "time" | "text" }>,
  op: ComparisonOp,
  literal: Token,
): Parsed<FootprintFilter> {
  if (property.kind === "text") {
    if (literal.kind !== "string") {
      return fail(
        "BadRequest",
        `'${property.property}' needs a quoted string literal, found '${truncate(literal.text)}' at ${at(literal.pos)}`,
      );
    }
    return ok({ kind: "text", property: property.property, op, value: literal.value });
  }
  const instant = parseTimestamp(literal.value);
  if (instant === undefined) {
    return fail(
      "BadRequest",
      `invalid timestamp '${truncate(literal.value)}' for '${property.property}' at ${at(literal.pos)}; expected an ISO 8601 date-time with offset, e.g. '2023-01-01T00:00:00Z' or '2023-01-01T00:00:00.000+01:00'`,
    );
  }
  // Stored instants have millisecond precision: round a sub-millisecond bound so that the
  // comparison keeps its meaning (`lt`/`ge` round up, `gt`/`le`/`eq` round down).
  const epochMs = instant.subMs && (op === "lt" || op === "ge") ? instant.ms + 1 : instant.ms;
  return ok({ kind: "time", property: property.property, op, epochMs });
}

/**
 * Parses the value of a PACT `$filter` query parameter (already URL-decoded).
 *
 * - Empty or whitespace-only input → `{ ok: true, value: null }` (no filter).
 * - Longer than {@link MAX_FILTER_LENGTH} or nested deeper than {@link MAX_FILTER_DEPTH} → `BadRequest`.
 * - Top-level (and parenthesized) `and` chains are flattened into one `and` node; a single clause
 *   is returned as that clause.
 * - Timestamps (quoted, or unquoted DateTimeOffset literals) become epoch milliseconds; `Z` and
 *   `±HH:MM` offsets are supported, and a space before `HH:MM` in the offset position is read as
 *   `+` (a `+` that was URL-decoded into a space). Digits beyond milliseconds are rounded so that
 *   the comparison against millisecond instants keeps its meaning.
 * - A comparison written literal-first (`'3342' eq productCategoryCpc`) is normalized
 *   property-first with the operator mirrored.
 *
 * Never throws.
 */
export function parseFootprintFilter(raw: string): Parsed<FootprintFilter | null> {
  if (raw.length > MAX_FILTER_LENGTH) {
    return fail(
      "BadRequest",
      `$filter is ${raw.length} characters long; at most ${MAX_FILTER_LENGTH} are accepted`,
    );
  }
  if (raw.trim() === "") return ok(null);
  const tokens = tokenize(raw);
  if (!tokens.ok) return tokens;
  return new Parser(tokens.value).parseFilter();
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Prints a filter as a `$filter` string that {@link parseFootprintFilter} parses back to the same
 * filter (for a flattened filter; nested `and` nodes are parenthesized and flattened on parsing).
 * Timestamps are printed as quoted UTC `YYYY-MM-DDTHH:MM:SS.sssZ`, so `epochMs` must lie within
 * the years 0000–9999 for the output to parse (a non-finite `epochMs` makes `toISOString` throw a
 * `RangeError`). Lambdas use the variable `p`. The result is not URL-encoded.
 */
export function printFootprintFilter(filter: FootprintFilter): string {
  switch (filter.kind) {
    case "time":
      return `${filter.property} ${filter.op} ${quote(new Date(filter.epochMs).toISOString())}`;
    case "text":
      return `${filter.property} ${filter.op} ${quote(filter.value)}`;
    case "any":
      return `${filter.property}/any(p:(p eq ${quote(filter.value)}))`;
    case "and":
      return filter.clauses
        .map((c) => (c.kind === "and" ? `(${printFootprintFilter(c)})` : printFootprintFilter(c)))
        .join(" and ");
  }
}
