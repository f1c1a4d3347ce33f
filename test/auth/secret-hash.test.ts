/**
 * Issue 15, finding 3 (scrypt starvation): the fair scrypt queue (bounded concurrency, next slot
 * to the source that started least recently, bounded waiting) and the fast path for minted
 * secrets (`ileap secret new` → `hmac-sha256$` hash, no scrypt). The latency figures are in
 * `bench/scrypt-flood.ts`; these tests check the mechanics deterministically.
 */
import assert from "node:assert/strict";
import { scryptSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import pino from "pino";
import { FairQueue, QueueFullError } from "../../src/auth/fair-queue.ts";
import { ScryptThreads } from "../../src/auth/scrypt-thread.ts";
import {
  hashSecret,
  isMintedSecret,
  mintSecret,
  scryptDerivations,
  verifySecret,
} from "../../src/auth/secret-hash.ts";
import { DEMO_CLIENTS } from "../../src/config/demo-clients.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createIleapServer } from "../../src/server.ts";
import { runCli } from "../helpers/cli.ts";
import { basic } from "../helpers/http.ts";
import { LogSink } from "../helpers/servers.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("fair queue", () => {
  it("a flood from one source queues behind itself: another source gets the next free slot", async () => {
    const queue = new FairQueue({ concurrency: 1 });
    const order: string[] = [];
    const gates: (() => void)[] = [];
    const job = (label: string) => () => {
      order.push(label);
      const d = deferred();
      gates.push(d.resolve);
      return d.promise;
    };
    const all: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) all.push(queue.run("attacker", job(`a${i}`)));
    all.push(queue.run("victim", job("victim")));
    assert.equal(queue.running, 1);
    assert.equal(queue.queued, 10);
    while (gates.length > 0 || queue.queued > 0) {
      const next = gates.shift();
      next?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(all);
    assert.deepEqual(order.slice(0, 2), ["a0", "victim"], order.join(","));
    assert.equal(order.length, 11);
  });

  it("round-robins between flooding sources and never runs more than `concurrency` jobs", async () => {
    const queue = new FairQueue({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    const job = (label: string) => async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(label);
      await new Promise((r) => setTimeout(r, 1));
      running--;
    };
    const all: Promise<void>[] = [];
    for (let i = 0; i < 6; i++) for (const s of ["x", "y", "z"]) all.push(queue.run(s, job(`${s}${i}`)));
    await Promise.all(all);
    assert.equal(peak, 2);
    // Every window of three consecutive starts (after the first two) has each source once.
    for (let i = 2; i + 3 <= order.length; i += 3)
      assert.deepEqual(new Set(order.slice(i, i + 3).map((l) => l[0])).size, 3, order.join(","));
  });

  it("bounds waiting jobs per source and in all (QueueFullError), without blocking other sources", async () => {
    const queue = new FairQueue({ concurrency: 1, maxQueuedPerSource: 2, maxQueued: 3 });
    const hold = deferred();
    const first = queue.run("a", () => hold.promise);
    const waiting = [queue.run("a", async () => {}), queue.run("a", async () => {})];
    await assert.rejects(
      queue.run("a", async () => {}),
      QueueFullError,
    );
    const other = queue.run("b", async () => {});
    await assert.rejects(
      queue.run("c", async () => {}),
      QueueFullError,
      "3 waiting in all",
    );
    hold.resolve();
    await Promise.all([first, ...waiting, other]);
    assert.equal(queue.queued, 0);
    assert.equal(queue.running, 0);
  });
});

describe("secret hashes", () => {
  it("minted secrets get an hmac-sha256 hash and verify without scrypt; people's secrets keep scrypt", async () => {
    const minted = mintSecret();
    assert.ok(isMintedSecret(minted));
    assert.match(minted, /^ilsk_[A-Za-z0-9_-]{43}$/);
    const fast = await hashSecret(minted);
    assert.match(fast, /^hmac-sha256\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const slow = await hashSecret("correct horse", { N: 1024, r: 8, p: 1 });
    assert.match(slow, /^scrypt\$1024\$8\$1\$/);
    // A queue that refuses every job proves that minted checks never touch scrypt.
    const noScrypt = new FairQueue({ concurrency: 1, maxQueued: 0 });
    const busy = deferred();
    void noScrypt.run("x", () => busy.promise);
    assert.equal(await verifySecret(minted, fast, { queue: noScrypt }), true);
    assert.equal(await verifySecret(mintSecret(), fast, { queue: noScrypt }), false);
    assert.equal(await verifySecret(minted, slow, { queue: noScrypt }), false, "minted vs scrypt hash");
    assert.equal(await verifySecret(minted, undefined, { queue: noScrypt }), false, "unknown client");
    await assert.rejects(verifySecret("correct horse", slow, { queue: noScrypt }), QueueFullError);
    busy.resolve();
    assert.equal(await verifySecret("correct horse", slow), true);
    assert.equal(await verifySecret("wrong horse", slow), false);
    assert.equal(await verifySecret("correct horse", fast), false, "a person's secret vs an hmac hash");
    assert.equal(await verifySecret(`${minted.slice(0, -1)}A`, fast), minted.endsWith("A"));
  });

  it("a person's secret for an unknown client runs no scrypt: it holds a queue slot as long as a real check", async () => {
    const real = await hashSecret("correct horse"); // default cost
    assert.equal(await verifySecret("wrong horse", real), false, "measured: the dummy's model");
    const queue = new FairQueue({ concurrency: 1 });
    const before = scryptDerivations();
    const unknown = verifySecret("correct horse", undefined, { queue, source: "a" });
    const hmacHash = await hashSecret(mintSecret());
    const notScrypt = verifySecret("correct horse", hmacHash, { queue, source: "b" });
    await Promise.resolve();
    assert.equal(queue.running, 1, "the dummy check holds the slot (same queueing as a real check)");
    assert.equal(queue.queued, 1, "the second one waits behind it");
    assert.equal(await unknown, false);
    assert.equal(await notScrypt, false, "a person's secret against an hmac hash never matches");
    assert.equal(scryptDerivations(), before, "no scrypt derivation ran for either");
    assert.equal(await verifySecret("correct horse", real, { queue }), true);
    assert.equal(scryptDerivations(), before + 1, "a known client's check still derives");
  });

  it("scrypt threads: at most `size` run, results equal crypto.scrypt's, idle threads stop", async () => {
    const pool = new ScryptThreads(2, 200);
    const salt = Buffer.from("0123456789abcdef");
    const options = { N: 1024, r: 8, p: 1, maxmem: 256 * 1024 * 8 };
    const keys = await Promise.all(
      ["a", "b", "c", "d"].map((secret) => pool.derive(secret, salt, 32, options)),
    );
    assert.equal(pool.threads, 2, "four derivations, two threads");
    keys.forEach((key, i) => {
      assert.deepEqual(key, scryptSync(["a", "b", "c", "d"][i] as string, salt, 32, options));
    });
    await assert.rejects(pool.derive("x", salt, 32, { ...options, N: 1000 }), /N|invalid|parameter/i);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(pool.threads, 0, "idle threads stopped");
    assert.deepEqual(await pool.derive("a", salt, 32, options), keys[0], "a new thread starts on demand");
  });

  it("the demo clients' precomputed hashes match their published secrets (default cost)", async () => {
    for (const c of DEMO_CLIENTS) {
      assert.match(c.secretHash, /^scrypt\$16384\$8\$1\$/, c.id);
      assert.equal(await verifySecret(c.secret, c.secretHash), true, c.id);
    }
  });

  it("`ileap secret new` mints a secret and hash that the host accepts", async () => {
    const out = await runCli(["secret", "new"]);
    assert.equal(out.code, 0, out.stderr);
    const secret = /^secret: (\S+)$/m.exec(out.stdout)?.[1];
    const hash = /^secretHash: "(\S+)"$/m.exec(out.stdout)?.[1];
    assert.ok(secret && hash, out.stdout);
    assert.ok(isMintedSecret(secret));
    const piped = await runCli(["hash-secret"], { stdin: secret });
    assert.match(
      piped.stdout.trim(),
      /^hmac-sha256\$/,
      "hash-secret uses the fast format for minted secrets",
    );
    const dir = mkdtempSync(join(tmpdir(), "ileap-secret-"));
    const file = join(dir, "ileap.json");
    writeFileSync(
      file,
      JSON.stringify({ auth: { clients: [{ id: "minted", secretHash: hash, grants: ["*"] }] } }),
    );
    const config = loadConfig({ env: { ILEAP_DATA_DIR: dir, ILEAP_DEMO: "true" }, file });
    const host = await createIleapServer(config, { logger: pino({ level: "silent" }, new LogSink()) });
    try {
      const token = (s: string) =>
        host.app.request("/auth/token", {
          method: "POST",
          headers: { authorization: basic("minted", s), "content-type": "application/x-www-form-urlencoded" },
          body: "grant_type=client_credentials",
        });
      assert.equal((await token(secret)).status, 200);
      assert.equal((await token(mintSecret())).status, 400);
    } finally {
      await host.close();
    }
  });
});
