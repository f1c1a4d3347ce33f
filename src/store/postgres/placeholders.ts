/**
 * Converts the dialect-neutral `?` placeholders of `src/store/sql/queries.ts` into PostgreSQL's
 * numbered `$1, $2, …`. A `?` is a placeholder only outside quoted text: single-quoted literals
 * (`'it''s'`, also `E'…\''` with backslash escapes), double-quoted identifiers, dollar-quoted
 * bodies (`$$…$$`, `$tag$…$tag$`), line comments (`-- …`) and block comments (nested `/* … *\/`)
 * are copied unchanged. Pure; never throws on unterminated text (it is copied to the end and the
 * server reports the syntax error).
 */

/** Result of {@link toPgPlaceholders}: the rewritten text and how many placeholders it holds. */
export interface PgText {
  readonly text: string;
  /** Number of `$n` placeholders written (`$1` … `$count`). */
  readonly count: number;
}

const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

function isIdentifierChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
}

/** Rewrites every `?` outside quoted text and comments to `$1`, `$2`, … in order. */
export function toPgPlaceholders(sql: string): PgText {
  let out = "";
  let count = 0;
  let i = 0;
  const n = sql.length;
  /** Copies from `i` up to and including the end of a quoted run closed by `quote`. */
  const copyQuoted = (quote: string, backslashEscapes: boolean): void => {
    let j = i + 1;
    while (j < n) {
      const c = sql[j];
      if (backslashEscapes && c === "\\") {
        j += 2;
        continue;
      }
      if (c === quote) {
        if (sql[j + 1] === quote) {
          j += 2;
          continue;
        }
        j += 1;
        break;
      }
      j += 1;
    }
    out += sql.slice(i, Math.min(j, n));
    i = Math.min(j, n);
  };
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "?") {
      count += 1;
      out += `$${count}`;
      i += 1;
    } else if (c === "'") {
      const prev = sql[i - 1];
      const escapeString = (prev === "E" || prev === "e") && !isIdentifierChar(sql[i - 2]);
      copyQuoted("'", escapeString);
    } else if (c === '"') {
      copyQuoted('"', false);
    } else if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? n : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql[j] === "/" && sql[j + 1] === "*") {
          depth += 1;
          j += 2;
        } else if (sql[j] === "*" && sql[j + 1] === "/") {
          depth -= 1;
          j += 2;
        } else {
          j += 1;
        }
      }
      out += sql.slice(i, j);
      i = j;
    } else if (c === "$" && !isIdentifierChar(sql[i - 1])) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))?.[0];
      if (tag === undefined) {
        out += c;
        i += 1;
        continue;
      }
      const close = sql.indexOf(tag, i + tag.length);
      const stop = close === -1 ? n : close + tag.length;
      out += sql.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i += 1;
    }
  }
  return { text: out, count };
}
