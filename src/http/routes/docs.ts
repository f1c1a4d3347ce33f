import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";

/**
 * `GET /docs`: the API reference page (Swagger UI from the `swagger-ui-dist` npm package, bundled
 * into the built package and served by this host: no CDN) rendering `/openapi.json`; `GET /` redirects there. The page runs under a
 * strict Content-Security-Policy: only this origin's scripts, styles and requests, no inline code.
 */

/** The page's scripts and styles, all same-origin; `data:` images are Swagger UI's inline icons. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Starts Swagger UI on the document named by the page (`data-spec`); no external validator badge. */
const INIT_SCRIPT = `"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.spec,
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    validatorUrl: null,
    displayOperationId: true,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ileap-ts API reference</title>
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body data-spec="openapi.json">
<noscript>This page needs JavaScript; the API description itself is <a href="openapi.json">openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/init.js"></script>
</body>
</html>
`;

/** Files served under `/docs/assets/`: name → content type (from swagger-ui-dist, except init.js). */
const ASSETS: Readonly<Record<string, string>> = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "init.js": "text/javascript; charset=utf-8",
};

let assetDir: string | undefined;
const loaded = new Map<string, Uint8Array>();

/**
 * Where Swagger UI's files are: `docs-assets/` next to this module in the built package (copied
 * from `swagger-ui-dist` by `npm run build`, with its licence), else — running from the sources —
 * the `swagger-ui-dist` development dependency.
 */
function swaggerUiDir(): string {
  const bundled = fileURLToPath(new URL("./docs-assets/", import.meta.url));
  if (existsSync(join(bundled, "swagger-ui-bundle.js"))) return bundled;
  return dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
}

/** An asset's bytes, read once (or the init script). */
function asset(name: string): Uint8Array {
  let bytes = loaded.get(name);
  if (!bytes) {
    if (name === "init.js") bytes = new TextEncoder().encode(INIT_SCRIPT);
    else {
      assetDir ??= swaggerUiDir();
      bytes = new Uint8Array(readFileSync(join(assetDir, name)));
    }
    loaded.set(name, bytes);
  }
  return bytes;
}

export function docsRoutes(pathPrefix: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/", (c) => c.redirect(`${pathPrefix}/docs`, 302));
  app.get("/docs", (c) =>
    c.html(PAGE, 200, { "content-security-policy": DOCS_CSP, "cache-control": "no-cache" }),
  );
  app.get("/docs/assets/:name", (c) => {
    const name = c.req.param("name");
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type) return c.notFound();
    return c.body(asset(name) as Uint8Array<ArrayBuffer>, 200, {
      "content-type": type,
      "cache-control": "public, max-age=3600",
      "content-security-policy": DOCS_CSP,
    });
  });
  return app;
}
