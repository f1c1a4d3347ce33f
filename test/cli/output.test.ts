/** Output helpers of the CLI: colour decisions, tables that fit the terminal, the progress line. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  colorEnabled,
  type OutStream,
  Progress,
  renderTable,
  styles,
  truncate,
} from "../../src/cli/output.ts";

function sink(isTTY: boolean): OutStream & { text: string } {
  const s = {
    text: "",
    isTTY,
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s;
}

describe("CLI output", () => {
  it("colours only a TTY, never with NO_COLOR or TERM=dumb, always with FORCE_COLOR", () => {
    assert.equal(colorEnabled(sink(true), {}), true);
    assert.equal(colorEnabled(sink(false), {}), false);
    assert.equal(colorEnabled(sink(true), { NO_COLOR: "1" }), false);
    assert.equal(colorEnabled(sink(true), { NO_COLOR: "" }), true, "an empty NO_COLOR does not count");
    assert.equal(colorEnabled(sink(true), { TERM: "dumb" }), false);
    assert.equal(colorEnabled(sink(false), { FORCE_COLOR: "1" }), true);
    assert.equal(colorEnabled(sink(true), { FORCE_COLOR: "0" }), true);
    assert.equal(styles(false).red("x"), "x");
    assert.equal(styles(true).red("x"), "\u001b[31mx\u001b[39m");
  });

  it("renders aligned tables and shrinks the shrinkable columns to fit", () => {
    const rows = [
      { id: "a", name: "a rather long product name that does not fit", n: "1.5" },
      { id: "bb", name: "short", n: "10" },
    ];
    const columns = [
      { header: "ID", value: (r: (typeof rows)[number]) => r.id },
      { header: "NAME", value: (r: (typeof rows)[number]) => r.name, shrink: true, minWidth: 8 },
      { header: "N", value: (r: (typeof rows)[number]) => r.n, align: "right" as const },
    ];
    const wide = renderTable(columns, rows, { styles: styles(false) });
    assert.equal(
      wide,
      "ID  NAME                                            N\n" +
        "a   a rather long product name that does not fit  1.5\n" +
        "bb  short                                          10\n",
    );
    const narrow = renderTable(columns, rows, { styles: styles(false), maxWidth: 24 });
    for (const line of narrow.trimEnd().split("\n")) assert.ok(line.length <= 24, line);
    assert.match(narrow, /a rather long…/);
    assert.equal(truncate("abcdef", 4), "abc…");
    assert.equal(truncate("abc", 4), "abc");
  });

  it("draws the progress line only on a TTY and clears it", () => {
    const tty = sink(true);
    const p = new Progress(tty);
    p.update("fetched 10");
    p.update("fetched 20");
    p.done();
    assert.equal(tty.text, "\r\u001b[2Kfetched 10\r\u001b[2Kfetched 20\r\u001b[2K");
    const pipe = sink(false);
    const q = new Progress(pipe);
    q.update("fetched 10");
    q.done();
    assert.equal(pipe.text, "");
  });
});
