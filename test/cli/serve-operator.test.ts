/**
 * `ileap serve` as an operator meets it: readable logs on demand (`ILEAP_LOG_FORMAT`), JSON by
 * default when stdout is not a terminal, and a clear exit 2 naming the port when it is taken.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, describe, it } from "node:test";
import pino from "pino";
import { createLogger, prettyLogs } from "../../src/logging.ts";

const BIN = new URL("../../scripts/ileap-dev.js", import.meta.url).pathname;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(check: () => boolean, what: string, ms = 60000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("logging format", () => {
  it("auto is pretty on a terminal only; json and pretty are forced", () => {
    assert.equal(prettyLogs("auto", true), true);
    assert.equal(prettyLogs("auto", false), false);
    assert.equal(prettyLogs("json", true), false);
    assert.equal(prettyLogs("pretty", false), true);
  });

  it("pretty output is one readable line per record", async () => {
    const sink = new PassThrough();
    let text = "";
    sink.on("data", (d: Buffer) => {
      text += d.toString();
    });
    const logger = await createLogger({ logLevel: "info", logFormat: "pretty" }, sink);
    logger.info({ url: "http://127.0.0.1:1" }, "iLEAP host listening");
    await new Promise((r) => setImmediate(r));
    assert.match(text, /INFO.*iLEAP host listening/);
    assert.match(
      text,
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: iLEAP host listening \{"url":"http:\/\/127\.0\.0\.1:1"\}\n$/,
    );
    assert.throws(() => JSON.parse(text.trim()));
    assert.ok(!text.includes("\u001b["), "no colours when the destination is no terminal");
  });

  it("json output stays pino's", async () => {
    const sink = new PassThrough();
    let text = "";
    sink.on("data", (d: Buffer) => {
      text += d.toString();
    });
    const logger = await createLogger({ logLevel: "info", logFormat: "json" }, sink);
    logger.info("hello");
    await new Promise((r) => setImmediate(r));
    const entry = JSON.parse(text.trim()) as { level: number; msg: string; service: string };
    assert.deepEqual([entry.level, entry.msg, entry.service], [pino.levels.values.info, "hello", "ileap-ts"]);
  });
});

describe("ileap serve (operator)", () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), "ileap-op-"));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const [format, check] of [
    ["pretty", (out: string) => /INFO.*iLEAP host listening/.test(out) && !out.trimStart().startsWith("{")],
    [
      "",
      (out: string) => out.split("\n").some((l) => l.startsWith("{") && l.includes('"iLEAP host listening"')),
    ],
  ] as const) {
    it(`logs ${format || "JSON by default when stdout is not a terminal"}`, async () => {
      const env: Record<string, string> = format ? { ILEAP_LOG_FORMAT: format } : {};
      const r = run(["serve", "--demo", "--port", "0", "--host", "127.0.0.1", "--data-dir", tmp()], env);
      try {
        await until(() => r.stdout().includes("iLEAP host listening"), "the start-up log");
        assert.ok(check(r.stdout()), r.stdout());
      } finally {
        r.child.kill("SIGTERM");
        await r.exit;
      }
    });
  }

  it("refuses a bad ILEAP_LOG_FORMAT with exit 2", async () => {
    const r = run(["serve", "--demo", "--port", "0", "--data-dir", tmp()], { ILEAP_LOG_FORMAT: "xml" });
    assert.equal(await r.exit, 2);
    assert.match(r.stderr(), /ILEAP_LOG_FORMAT/);
  });

  it("exits 2 naming the port when it is already in use", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const r = run(["serve", "--demo", "--port", String(port), "--host", "127.0.0.1", "--data-dir", tmp()]);
      assert.equal(await r.exit, 2, r.stderr());
      assert.match(r.stderr(), new RegExp(`port ${port} is already in use on 127\\.0\\.0\\.1`));
      assert.match(r.stderr(), /--port/);
      assert.doesNotMatch(r.stderr(), /unexpected error|\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
