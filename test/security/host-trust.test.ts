/**
 * Issue 15, finding 7 (Host header decides issuer and URLs): outside demo mode the host must be
 * told which host names it serves; requests for others get 421 before anything is built from
 * them (discovery never advertises an attacker's host); host spellings are canonical, so a token
 * verifies under every spelling of an allowed host.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import pino from "pino";
import { hashSecret, mintSecret } from "../../src/auth/secret-hash.ts";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { canonicalHost, hostAllowed } from "../../src/http/request-context.ts";
import { createIleapServer } from "../../src/server.ts";
import { basic, send, type WireResponse } from "../helpers/http.ts";
import { LogSink } from "../helpers/servers.ts";

const SECRET = mintSecret();

async function startHost(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-host-trust-"));
  const file = join(dataDir, "ileap.json");
  writeFileSync(
    file,
    JSON.stringify({
      auth: { clients: [{ id: "acme", secretHash: await hashSecret(SECRET), grants: ["*"] }] },
    }),
  );
  const config = loadConfig({
    env: { ILEAP_HOST: "127.0.0.1", PORT: "0", ILEAP_DATA_DIR: dataDir, ...env },
    file,
  });
  const host = await createIleapServer(config, { logger: pino({ level: "silent" }, new LogSink()) });
  const running = await host.listen();
  return {
    url: running.url,
    port: running.port,
    /** A request to our socket with the given Host header. */
    as: (
      hostHeader: string,
      path: string,
      init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    ) => send(`${running.url}${path}`, { ...init, headers: { host: hostHeader, ...init.headers } }),
    close: async () => {
      await running.close(500);
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const tokenInit = {
  method: "POST",
  headers: { authorization: basic("acme", SECRET), "content-type": "application/x-www-form-urlencoded" },
  body: "grant_type=client_credentials",
};

function misdirected(res: WireResponse, label: string): void {
  assert.equal(res.status, 421, `${label}: ${res.status} ${res.text}`);
  assert.doesNotMatch(res.text, /http:\/\/evil/, label);
}

describe("host trust (issue 15, finding 7)", () => {
  it("canonical host spellings; allowed entries with and without a port", () => {
    assert.equal(canonicalHost("Example.COM.", "https"), "example.com");
    assert.equal(canonicalHost("example.com:443", "https"), "example.com");
    assert.equal(canonicalHost("example.com:443", "http"), "example.com:443");
    assert.equal(canonicalHost("LOCALHOST:08080", "http"), "localhost:8080");
    assert.equal(canonicalHost("[::1]:80", "http"), "[::1]");
    assert.ok(hostAllowed("localhost:8080", ["localhost"], "http"));
    assert.ok(hostAllowed("api.example.com", ["API.example.com:443"], "https"));
    assert.ok(!hostAllowed("api.example.com:8443", ["api.example.com:443"], "https"));
    assert.ok(!hostAllowed("evil.example", ["localhost", "api.example.com"], "http"));
    assert.ok(!hostAllowed("localhost.evil.example", ["localhost"], "http"));
  });

  it("start-up outside demo mode needs ILEAP_PUBLIC_URL or ILEAP_ALLOWED_HOSTS", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ileap-host-trust-"));
    try {
      const config = loadConfig({ env: { ILEAP_DATA_DIR: dataDir } });
      await assert.rejects(createIleapServer(config), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /ILEAP_PUBLIC_URL \(publicUrl\) or ILEAP_ALLOWED_HOSTS \(allowedHosts\)/);
        return true;
      });
      assert.throws(() => loadConfig({ env: { ILEAP_ALLOWED_HOSTS: "bad host!" } }), /ILEAP_ALLOWED_HOSTS/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("ILEAP_ALLOWED_HOSTS: other hosts get 421 (discovery, token, data); tokens verify under every spelling", async () => {
    const host = await startHost({ ILEAP_ALLOWED_HOSTS: "localhost,127.0.0.1" });
    try {
      const p = host.port;
      // Finding 7 replayed: discovery with Host: evil.example.
      misdirected(await host.as("evil.example", "/.well-known/openid-configuration"), "discovery");
      misdirected(await host.as(`evil.example:${p}`, "/2/footprints"), "footprints");
      const token = await host.as("evil.example", "/auth/token", tokenInit);
      misdirected(token, "token");
      assert.equal(
        (token.json as { error: string }).error,
        "invalid_request",
        "OAuth-shaped on the token endpoint",
      );
      assert.equal((await host.as("evil.example", "/health")).status, 200, "probes answer for any host");
      assert.equal((await host.as("evil.example", "/ready")).status, 200);

      const discovery = await host.as(`LocalHost.:${p}`, "/.well-known/openid-configuration");
      assert.equal(discovery.status, 200);
      const doc = discovery.json as { issuer: string; token_endpoint: string };
      assert.equal(doc.issuer, `http://localhost:${p}`, "canonical spelling");
      assert.equal(doc.token_endpoint, `http://localhost:${p}/auth/token`);

      const issued = await host.as(`localhost:${p}`, "/auth/token", tokenInit);
      assert.equal(issued.status, 200, issued.text);
      const bearer = { authorization: `Bearer ${(issued.json as { access_token: string }).access_token}` };
      for (const spelling of [`localhost:${p}`, `LOCALHOST:${p}`, `localhost.:${p}`, `localhost:0${p}`]) {
        const res = await host.as(spelling, "/2/footprints", { headers: bearer });
        assert.equal(res.status, 200, `${spelling}: ${res.text}`);
      }
    } finally {
      await host.close();
    }
  });

  it("ILEAP_PUBLIC_URL: only its host (plus the list) is served; URLs never follow the Host header", async () => {
    const host = await startHost({
      ILEAP_PUBLIC_URL: "https://api.example.com/ileap",
      ILEAP_PATH_PREFIX: "/ileap",
      ILEAP_TRUST_PROXY: "127.0.0.1",
    });
    try {
      misdirected(await host.as("evil.example", "/ileap/.well-known/openid-configuration"), "discovery");
      misdirected(await host.as("127.0.0.1", "/ileap/2/footprints"), "an address not in the list");
      const forwarded = await host.as("api.example.com", "/ileap/.well-known/openid-configuration", {
        headers: { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
      });
      misdirected(forwarded, "a trusted proxy forwarding an unknown host");
      const ok = await host.as("API.example.com", "/ileap/.well-known/openid-configuration", {
        headers: { "x-forwarded-proto": "https" },
      });
      assert.equal(ok.status, 200, ok.text);
      assert.equal((ok.json as { issuer: string }).issuer, "https://api.example.com/ileap");
    } finally {
      await host.close();
    }
  });
});
