// Consumer check (a), run by scripts/consumer-test.sh with plain `node` inside a fresh project that
// installed the packed tarball: imports both entries and walks every page of the demo host.
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const baseUrl = process.argv[2];
assert.ok(baseUrl, "usage: node walk.mjs BASE_URL");

const client = await import("ileap-ts/client");
// The client entry must stay free of native modules (CommonJS packages land in require.cache).
const loaded = Object.keys(createRequire(import.meta.url).cache);
const native = loaded.filter((p) => /[\\/]node_modules[\\/](better-sqlite3|pg)[\\/]/.test(p));
assert.deepEqual(native, [], "ileap-ts/client loaded native modules");

const host = await import("ileap-ts");
for (const name of ["createIleapServer", "loadConfig", "SqliteStore", "PostgresStore", "LocalIssuer"])
  assert.equal(typeof host[name], "function", `ileap-ts exports ${name}`);

const api = new client.IleapClient({ baseUrl, clientId: "hello", clientSecret: "pathfinder" });
const ids = [];
for await (const pf of api.listFootprints({ limit: 2 })) ids.push(pf.id);
assert.ok(ids.length >= 5, `walked ${ids.length} footprints`);
assert.equal(new Set(ids).size, ids.length, "no footprint twice across pages");
const one = await api.getFootprint(ids[0]);
assert.equal(one.id, ids[0]);
let tad = 0;
for await (const t of api.listTad({ limit: 3 })) {
  assert.equal(typeof t.activityId, "string");
  tad++;
}
assert.ok(tad >= 5, `walked ${tad} TAD records`);
const rail = [];
for await (const t of api.listTad({ filters: { mode: "Rail" } })) rail.push(t);
assert.ok(rail.length > 0 && rail.length < tad, "TAD filter narrows the listing");
// The API reference page and its Swagger UI bundle come from the package itself.
const page = await fetch(`${baseUrl}/docs`);
assert.equal(page.status, 200);
assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
await page.arrayBuffer();
const bundle = await fetch(`${baseUrl}/docs/assets/swagger-ui-bundle.js`);
assert.equal(bundle.status, 200, "the packed package serves Swagger UI");
assert.ok((await bundle.text()).includes("SwaggerUIBundle"));
console.log(
  `consumer: node imported ileap-ts and ileap-ts/client; walked ${ids.length} footprints, ${tad} TAD`,
);
