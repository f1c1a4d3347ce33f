/**
 * A full scenario against the built-in issuer and both Clerk modes — tokens issued and used, wrong
 * secrets, wrong and right Clerk passwords, lists, filters, events, forged and expired tokens,
 * Clerk outages — then a scan of every captured log line for any secret, password, token, token
 * payload or signature, or Basic credential.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import pino from "pino";
import { hashSecret } from "../../src/auth/secret-hash.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createIleapServer } from "../../src/server.ts";
import { CLERK_TEST_PASSWORD, makeClock, startClerkHost, startTestEmulator } from "../helpers/clerk.ts";
import { expiredToken, forgedTokens } from "../helpers/forge.ts";
import { basic, getToken, send } from "../helpers/http.ts";
import { LogSink, startDemoServer } from "../helpers/servers.ts";

const FORM = "application/x-www-form-urlencoded";
const ACME_SECRET = "Acme-Client-Secret-7f3a9c2e1b";
const WRONG = ["Wrong-Secret-Kite-4411", "pathfinder-but-wrong", "another+secret/with=chars"];
const CLERK_WRONG = "Wrong Clerk Password 9931";

/** Everything secret that a token exposes: the whole token, its payload and its signature. */
function tokenParts(token: string): string[] {
  const [, payload, signature] = token.split(".");
  return [token, payload ?? "", signature ?? ""].filter((s) => s.length >= 16);
}

describe("no secret, password or token in any log line", () => {
  it("after a full scenario with the built-in issuer and both Clerk modes", async () => {
    const lines: string[] = [];
    // The demo secret "pathfinder" is also part of PACT event type names: look for it with its client id.
    const secrets = new Set<string>([
      ACME_SECRET,
      ...WRONG,
      CLERK_TEST_PASSWORD,
      CLERK_WRONG,
      "hello:pathfinder",
    ]);
    const addToken = (t: string) => {
      for (const part of tokenParts(t)) secrets.add(part);
    };
    for (const s of [...secrets]) {
      secrets.add(basic("hello", s).slice(6));
      secrets.add(basic("acme", s).slice(6));
      secrets.add(basic("service@example.com", s).slice(6));
    }

    // Built-in issuer, with a configured client besides the demo clients.
    const configDir = mkdtempSync(join(tmpdir(), "ileap-logscan-"));
    const file = join(configDir, "ileap.json");
    writeFileSync(
      file,
      JSON.stringify({
        auth: { clients: [{ id: "acme", secretHash: await hashSecret(ACME_SECRET), grants: ["*"] }] },
      }),
    );
    const server = await startDemoServer({ env: { ILEAP_LOG_LEVEL: "trace" } });
    const server2 = await startDemoServer({
      env: { ILEAP_LOG_LEVEL: "trace", ILEAP_TOKEN_RATE_PER_CLIENT: "2" },
    });
    try {
      for (const s of [server, server2]) {
        const base = s.baseUrl;
        const hello = await getToken(base, "hello", "pathfinder");
        addToken(hello);
        for (const wrong of WRONG) {
          await send(`${base}/auth/token`, {
            method: "POST",
            headers: { authorization: basic("hello", wrong), "content-type": FORM },
            body: `grant_type=client_credentials&client_secret=${encodeURIComponent(wrong)}`,
          });
        }
        // Secrets in places they do not belong: the query, a body field, a garbled header.
        await send(`${base}/auth/token?client_secret=${encodeURIComponent(WRONG[0] as string)}`, {
          method: "POST",
          headers: {
            authorization: `Basic ${Buffer.from(`hello${WRONG[1]}`).toString("base64")}`,
            "content-type": FORM,
          },
          body: "grant_type=client_credentials",
        });
        const bearer = { authorization: `Bearer ${hello}` };
        await send(
          `${base}/2/footprints?limit=1&$filter=${encodeURIComponent("productCategoryCpc eq '83117'")}`,
          { headers: bearer },
        );
        await send(`${base}/2/footprints?access_token=${hello}`, { headers: bearer });
        await send(`${base}/2/ileap/tad?mode=Road&limit=2`, { headers: bearer });
        await send(`${base}/2/events`, {
          method: "POST",
          headers: { ...bearer, "content-type": "application/cloudevents+json" },
          body: JSON.stringify({
            specversion: "1.0",
            id: "log-1",
            source: "https://x.example",
            type: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
            data: { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] },
          }),
        });
        const expired = await expiredToken(s.dataDir, base);
        addToken(expired);
        await send(`${base}/2/footprints`, { headers: { authorization: `Bearer ${expired}` } });
        for (const forged of Object.values(await forgedTokens(s.dataDir, base, hello))) {
          addToken(forged);
          await send(`${base}/2/ileap/tad`, { headers: { authorization: `Bearer ${forged}` } });
        }
      }
      lines.push(...server.logs.lines, ...server2.logs.lines);
    } finally {
      await server.close();
      await server2.close();
    }

    // The configured client (from the file).
    {
      const dataDir = mkdtempSync(join(tmpdir(), "ileap-logscan-data-"));
      const sink = new LogSink();
      const host = await createIleapServer(
        loadConfig({
          env: { ILEAP_HOST: "127.0.0.1", PORT: "0", ILEAP_DATA_DIR: dataDir, ILEAP_DEMO: "true" },
          file,
        }),
        { logger: pino({ level: "trace" }, sink) },
      );
      const running = await host.listen();
      try {
        const acme = await getToken(running.url, "acme", ACME_SECRET);
        addToken(acme);
        await send(`${running.url}/2/footprints`, { headers: { authorization: `Bearer ${acme}` } });
        await send(`${running.url}/auth/token`, {
          method: "POST",
          headers: { authorization: basic("acme", WRONG[2] as string), "content-type": FORM },
          body: "grant_type=client_credentials",
        });
      } finally {
        await running.close(500);
        await host.close();
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(configDir, { recursive: true, force: true });
      }
      lines.push(...sink.lines);
    }

    // Clerk, both modes, including outages and the failed-attempt throttle.
    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    try {
      for (const mode of ["issue", "clerk"]) {
        const h = await startClerkHost({
          emulator,
          clock,
          env: { ILEAP_CLERK_TOKEN_MODE: mode, ILEAP_CLERK_TIMEOUT_MS: "300" },
        });
        try {
          const t = await h.accessToken("service@example.com", CLERK_TEST_PASSWORD);
          addToken(t);
          await h.get("/2/footprints?limit=1", t);
          for (let i = 0; i < 6; i++) await h.token("member@example.com", `${CLERK_WRONG}${i}`);
          for (let i = 0; i < 6; i++) secrets.add(`${CLERK_WRONG}${i}`);
          // Each outage is remembered briefly per credential: step past it before the next one.
          emulator.control.injectFault({ kind: "status", status: 503, times: 1 });
          await h.token("outsider@example.com", CLERK_TEST_PASSWORD);
          clock.advance(31_000);
          emulator.control.injectFault({ kind: "malformed_json", times: 1 });
          await h.token("outsider@example.com", CLERK_TEST_PASSWORD);
          clock.advance(31_000);
          emulator.control.injectFault({ kind: "hang", times: 1 });
          await h.token("outsider@example.com", CLERK_TEST_PASSWORD);
          clock.advance(31_000);
          emulator.control.clearFaults();
          const o = await h.accessToken("outsider@example.com", CLERK_TEST_PASSWORD);
          addToken(o);
          await h.get("/2/ileap/tad", o);
          await h.get("/2/ileap/tad", `${o.slice(0, -4)}AAAA`);
          await h.token("mfa@example.com", CLERK_TEST_PASSWORD);
          lines.push(...h.logs.lines);
        } finally {
          await h.close();
        }
        emulator.control.reset();
      }
    } finally {
      await emulator.close();
    }

    assert.ok(lines.length > 100, `only ${lines.length} log lines`);
    const leaks: string[] = [];
    for (const secret of secrets) {
      if (secret.length < 8) continue;
      const line = lines.find((l) => l.includes(secret));
      if (line) leaks.push(`${secret.slice(0, 12)}… in ${line.slice(0, 200)}`);
    }
    assert.deepEqual(leaks, [], leaks.join("\n"));
    // The logs are still useful: client ids and Clerk events are there.
    assert.ok(lines.some((l) => l.includes('"clientId":"acme"')));
    assert.ok(lines.some((l) => l.includes('"event":"clerk_sign_in_failed"')));
  });
});
