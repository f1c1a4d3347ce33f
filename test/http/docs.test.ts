/**
 * The API reference page: `/docs` (Swagger UI served by the host itself under a strict CSP), its
 * assets, and `/` redirecting there, with and without a path prefix. The page rendering in a real
 * browser is checked by `scripts/docs-browser-test.sh` in `.ci/run` (headless Chromium).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

function csp(res: Response): Map<string, string> {
  const value = res.headers.get("content-security-policy") ?? "";
  return new Map(
    value
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...rest]) => [name!, rest.join(" ")]),
  );
}

for (const prefix of ["", "/ileap"]) {
  describe(`/docs${prefix ? ` under ${prefix}` : ""}`, () => {
    let server: RunningDemoServer;
    let origin: string;
    before(async () => {
      server = await startDemoServer(prefix ? { env: { ILEAP_PATH_PREFIX: prefix } } : {});
      origin = new URL(server.baseUrl).origin;
    });
    after(() => server.close());

    it("serves the page with a strict CSP and same-origin assets only", async () => {
      const res = await fetch(`${origin}${prefix}/docs`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
      const policy = csp(res);
      assert.equal(policy.get("default-src"), "'none'");
      assert.equal(policy.get("script-src"), "'self'");
      assert.equal(policy.get("style-src"), "'self'");
      assert.equal(policy.get("frame-ancestors"), "'none'");
      const html = await res.text();
      assert.doesNotMatch(html, /<script>|<style|https?:\/\//, "no inline code, no external URL");
      assert.match(html, /data-spec="openapi\.json"/);
      const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(refs.length >= 4, refs.join(", "));
      for (const ref of refs) {
        const url = new URL(ref, `${origin}${prefix}/docs`);
        assert.equal(url.origin, origin);
        const asset = await fetch(url);
        assert.equal(asset.status, 200, `${url.pathname}`);
        await asset.arrayBuffer();
      }
    });

    it("serves Swagger UI's bundle from the installed package, and nothing else under assets", async () => {
      const js = await fetch(`${origin}${prefix}/docs/assets/swagger-ui-bundle.js`);
      assert.equal(js.status, 200);
      assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
      assert.ok((await js.text()).includes("SwaggerUIBundle"));
      const css = await fetch(`${origin}${prefix}/docs/assets/swagger-ui.css`);
      assert.match(css.headers.get("content-type") ?? "", /^text\/css/);
      await css.arrayBuffer();
      for (const name of ["package.json", "..%2Fpackage.json", "index.html", "swagger-ui.js.map"]) {
        const res = await fetch(`${origin}${prefix}/docs/assets/${name}`);
        assert.equal(res.status, 404, name);
        await res.arrayBuffer();
      }
    });

    it("redirects the root to the page", async () => {
      const res = await fetch(`${origin}${prefix || "/"}`, { redirect: "manual" });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get("location"), `${prefix}/docs`);
    });
  });
}
