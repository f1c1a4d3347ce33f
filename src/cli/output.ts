/**
 * Terminal output: colours only on a TTY (and never with `NO_COLOR`), tables for people,
 * JSON / NDJSON for scripts, a progress line on stderr.
 * @module
 */

/** A writable stream as the CLI sees it. */
export interface OutStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** ANSI styles; identity functions when colours are off. */
export interface Styles {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
}

/** Where and how the CLI writes. */
export interface Terminal {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /** Styles for stdout. */
  readonly out: Styles;
  /** Styles for stderr. */
  readonly err: Styles;
}

/**
 * Whether to colour a stream: `FORCE_COLOR` set to anything but `0`/`false` forces colours;
 * otherwise the stream must be a TTY, `NO_COLOR` unset or empty (https://no-color.org) and
 * `TERM` not `dumb`.
 */
export function colorEnabled(stream: OutStream, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "" && force !== "0" && force !== "false") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

function ansi(open: number, close: number): (s: string) => string {
  return (s) => `\u001b[${open}m${s}\u001b[${close}m`;
}

/** Styles that colour (`enabled`) or leave text as it is. */
export function styles(enabled: boolean): Styles {
  if (!enabled) {
    const id = (s: string) => s;
    return { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };
  }
  return {
    bold: ansi(1, 22),
    dim: ansi(2, 22),
    red: ansi(31, 39),
    green: ansi(32, 39),
    yellow: ansi(33, 39),
    cyan: ansi(36, 39),
  };
}

/** The terminal of this process. */
export function processTerminal(env: NodeJS.ProcessEnv = process.env): Terminal {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    out: styles(colorEnabled(process.stdout, env)),
    err: styles(colorEnabled(process.stderr, env)),
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g;

/** Display width of a string (ANSI sequences excluded; one column per code point). */
export function displayWidth(s: string): number {
  return [...s.replace(ANSI, "")].length;
}

/** `s` cut to `width` columns with a trailing `…` when it is longer. */
export function truncate(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  return width <= 1
    ? "…".slice(0, width)
    : `${chars
        .slice(0, width - 1)
        .join("")
        .trimEnd()}…`;
}

/** Column of a {@link renderTable} table. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
  /** Right-align (numbers). Default: left. */
  readonly align?: "left" | "right";
  /** May be shortened to fit the terminal width. Default: `false`. */
  readonly shrink?: boolean;
  /** Narrowest width a shrinkable column is cut to. Default: `12`. */
  readonly minWidth?: number;
  /** Style applied to the (padded) cell text. Default: none. */
  readonly style?: (text: string, row: T) => string;
}

/**
 * A plain-text table: header in bold, columns separated by two spaces. When `maxWidth` is given
 * and the table is wider, shrinkable columns are cut (with `…`), widest first.
 */
export function renderTable<T>(
  columns: readonly Column<T>[],
  rows: readonly T[],
  options: { readonly styles: Styles; readonly maxWidth?: number },
): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row).replace(/[\r\n\t]+/g, " ")));
  const widths = columns.map((c, i) =>
    Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i]!))),
  );
  const gap = 2;
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
  if (options.maxWidth !== undefined) {
    while (total() > options.maxWidth) {
      let widest = -1;
      columns.forEach((c, i) => {
        if (c.shrink && widths[i]! > (c.minWidth ?? 12) && (widest < 0 || widths[i]! > widths[widest]!))
          widest = i;
      });
      if (widest < 0) break;
      widths[widest] = Math.max(
        columns[widest]!.minWidth ?? 12,
        widths[widest]! - (total() - options.maxWidth),
      );
    }
  }
  const pad = (text: string, i: number): string => {
    const cut = truncate(text, widths[i]!);
    const space = " ".repeat(Math.max(0, widths[i]! - displayWidth(cut)));
    return columns[i]!.align === "right" ? space + cut : cut + space;
  };
  const lines = [
    columns
      .map((c, i) => options.styles.bold(pad(c.header, i)))
      .join(" ".repeat(gap))
      .trimEnd(),
  ];
  rows.forEach((row, r) => {
    const line = columns.map((c, i) => {
      const text = pad(cells[r]![i]!, i);
      return c.style ? c.style(text, row) : text;
    });
    lines.push(line.join(" ".repeat(gap)).trimEnd());
  });
  return `${lines.join("\n")}\n`;
}

/** JSON for a stream: indented on a TTY, one line otherwise. */
export function formatJson(value: unknown, stream: OutStream): string {
  return `${JSON.stringify(value, null, stream.isTTY ? 2 : undefined)}\n`;
}

/**
 * A one-line progress indicator on stderr, redrawn in place; shown only when stderr is a TTY
 * (scripts and logs get no progress noise).
 */
export class Progress {
  readonly #stream: OutStream;
  readonly #enabled: boolean;
  #shown = false;

  constructor(stream: OutStream, enabled = stream.isTTY === true) {
    this.#stream = stream;
    this.#enabled = enabled;
  }

  /** Replaces the progress line with `text`. */
  update(text: string): void {
    if (!this.#enabled) return;
    this.#stream.write(`\r\u001b[2K${text}`);
    this.#shown = true;
  }

  /** Removes the progress line. */
  done(): void {
    if (!this.#enabled || !this.#shown) return;
    this.#stream.write("\r\u001b[2K");
    this.#shown = false;
  }
}

/** `1 footprint`, `2 footprints`. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
