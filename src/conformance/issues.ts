/**
 * Turns the model's validation issues into the one-line texts of failure reasons and notes. Pure
 * functions; the checks themselves live in `src/model/`.
 * @module
 */
import type { ValidationIssue } from "../model/types.ts";

/** Options of {@link formatIssues}. */
export interface FormatIssuesOptions {
  /** JSON Pointer prefixed to every issue's pointer (where the document sits in a body). Default `""`. */
  readonly base?: string;
  /** Largest number of texts; the rest are counted in one more text. Default: all. */
  readonly max?: number;
  /** What the counted rest are called. Default `"issues"`. */
  readonly noun?: string;
  /** Append short offending values (` (found "x")`). Default `true`. */
  readonly values?: boolean;
}

const MAX_VALUE_CHARS = 80;

function unescapeToken(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** ` (found <value>)` for a short primitive value, else `""`. */
function found(value: unknown): string {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return "";
  const text = JSON.stringify(value);
  return ` (found ${text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text})`;
}

/**
 * One text per issue, `"<pointer> <message>"`: missing properties of one object are merged into
 * `"<pointer> is missing required property "a""` (or `properties "a", "b"`), `null` values read
 * `"<pointer> is null (omit absent optional fields)"`, and short offending values are appended.
 * Duplicates are dropped.
 */
export function formatIssues(
  issues: readonly ValidationIssue[],
  options: FormatIssuesOptions = {},
): string[] {
  const base = options.base ?? "";
  const at = (pointer: string): string => `${base}${pointer}` || "/";
  const missing = new Map<string, string[]>();
  const texts: (string | { readonly parent: string })[] = [];
  for (const i of issues) {
    if (i.rule === "schema.required" && i.message === "is required") {
      const cut = i.pointer.lastIndexOf("/");
      const parent = at(i.pointer.slice(0, cut));
      const names = missing.get(parent);
      if (names) names.push(unescapeToken(i.pointer.slice(cut + 1)));
      else {
        missing.set(parent, [unescapeToken(i.pointer.slice(cut + 1))]);
        texts.push({ parent });
      }
    } else if (i.rule === "no-null") {
      texts.push(`${at(i.pointer)} is null (omit absent optional fields)`);
    } else {
      texts.push(`${at(i.pointer)} ${i.message}${options.values === false ? "" : found(i.value)}`);
    }
  }
  const lines = texts.map((t) => {
    if (typeof t === "string") return t;
    const names = missing.get(t.parent) ?? [];
    const noun = names.length > 1 ? "properties" : "property";
    return `${t.parent} is missing required ${noun} ${names.map((n) => JSON.stringify(n)).join(", ")}`;
  });
  const unique = [...new Set(lines)];
  const max = options.max ?? unique.length;
  if (unique.length <= max) return unique;
  return [...unique.slice(0, max), `… and ${unique.length - max} more ${options.noun ?? "issues"}`];
}
