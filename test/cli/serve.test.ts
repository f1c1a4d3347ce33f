import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { getToken, getWithToken, send } from "../helpers/http.ts";

const BIN = new URL("../../bin/ileap.js", import.meta.url).pathname;

function start(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; lines: string[]; url: Promise<string> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === "iLEAP host listening" && entry.url) resolve(entry.url);
      } catch {
        // not a log line
      }
    });
    createInterface({ input: child.stderr! }).on("line", (line) => lines.push(line));
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${lines.join("\n")}`)));
  });
  url.catch(() => {}); // callers that expect an exit do not await the URL
  return { child, lines, url };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

describe("ileap serve", () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), "ileap-cli-"));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("starts the demo host, serves it, and stops gracefully on SIGTERM", async () => {
    const dataDir = tmp();
    const { child, lines, url } = start(
      ["serve", "--demo", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir],
      {},
    );
    const base = await url;
    assert.ok(
      lines.some((l) => l.includes("INSECURE")),
      "plain HTTP is logged as insecure",
    );
    const token = await getToken(base, "hello", "pathfinder");
    const res = await getWithToken(`${base}/2/footprints?limit=1`, token);
    assert.equal(res.status, 200);
    child.kill("SIGTERM");
    assert.equal(await exited(child), 0);
    assert.ok(lines.some((l) => l.includes('"msg":"stopped"')));
  });

  it("keeps its data and signing key across restarts", async () => {
    const dataDir = tmp();
    const first = start(["serve", "--demo", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir], {});
    const token = await getToken(await first.url, "hello", "pathfinder");
    first.child.kill("SIGTERM");
    await exited(first.child);
    const second = start(
      ["serve", "--demo", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir],
      {},
    );
    const base = await second.url;
    const res = await send(`${base}/2/footprints?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 400, "the old token names another issuer (other port) and is refused");
    const fresh = await getToken(base, "hello", "pathfinder");
    assert.equal((await getWithToken(`${base}/2/footprints?limit=1`, fresh)).status, 200);
    second.child.kill("SIGINT");
    assert.equal(await exited(second.child), 0);
  });

  it("--demo with Clerk auth says that the demo clients are off (issue 15, finding 9)", async () => {
    const { child, lines, url } = start(
      ["serve", "--demo", "--port", "0", "--host", "127.0.0.1", "--data-dir", tmp()],
      { ILEAP_AUTH: "clerk", ILEAP_CLERK_FRONTEND_API: "http://127.0.0.1:9" },
    );
    await url;
    child.kill("SIGTERM");
    await exited(child);
    const text = lines.join("\n");
    assert.match(text, /demo clients are OFF/);
    assert.doesNotMatch(text, /demo clients enabled/);
  });

  it("refuses bad configuration with a message naming the key, exit code 2", async () => {
    for (const [env, file, pattern] of [
      [{ PORT: "abc" }, undefined, /PORT: expected an integer/],
      [{ ILEAP_TOKEN_TTL_SECONDS: "0" }, undefined, /ILEAP_TOKEN_TTL_SECONDS/],
      [{ ILEAP_TLS_CERT_FILE: "/x.pem" }, undefined, /ILEAP_TLS_KEY_FILE/],
      [{}, { limits: { maxPageSize: "many" } }, /limits\.maxPageSize/],
      [{}, { prot: 1 }, /'prot': unknown/],
      [{}, { auth: { clients: [{ id: "a", secretHash: "plain", grants: ["*"] }] } }, /secretHash/],
      // Host trust (issue 15, finding 7): outside demo mode the served host names must be known.
      [{}, undefined, /ILEAP_PUBLIC_URL \(publicUrl\) or ILEAP_ALLOWED_HOSTS \(allowedHosts\) is required/],
    ] as const) {
      const args = ["serve", "--data-dir", tmp()];
      if (file) {
        const f = join(tmp(), "ileap.json");
        writeFileSync(f, JSON.stringify(file));
        args.push("--config", f);
      }
      const { child, lines } = start(args, env as Record<string, string>);
      assert.equal(await exited(child), 2, JSON.stringify(env));
      assert.match(lines.join("\n"), pattern);
    }
  });

  it("serves clients from a YAML config file with hashed secrets", async () => {
    const dir = tmp();
    const hash = await new Promise<string>((resolve) => {
      const c = spawn(process.execPath, [BIN, "hash-secret"], { stdio: ["pipe", "pipe", "inherit"] });
      let out = "";
      c.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      c.on("exit", () => resolve(out.trim()));
      c.stdin.end("s3cret+with:odd%chars");
    });
    assert.match(hash, /^scrypt\$/);
    const file = join(dir, "ileap.yaml");
    writeFileSync(
      file,
      `port: 0\nhost: 127.0.0.1\nallowedHosts: [127.0.0.1]\nauth:\n  clients:\n    - id: acme\n      secretHash: "${hash}"\n      grants: [tad]\n`,
    );
    const { child, url } = start(["serve", "--config", file, "--data-dir", dir], {});
    const base = await url;
    const token = await getToken(base, "acme", "s3cret+with:odd%chars");
    assert.equal((await getWithToken(`${base}/2/ileap/tad`, token)).status, 200);
    const denied = await getWithToken(`${base}/2/footprints`, token);
    assert.equal(denied.status, 403);
    assert.equal((denied.json as { code: string }).code, "AccessDenied");
    child.kill("SIGTERM");
    await exited(child);
  });
});
