#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ (JavaScript, declarations, source maps with their sources)
// and copies the runtime assets the compiled modules read next to themselves.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });

/** Non-TypeScript files under src/ that modules read at run time (schemas, licences, UI assets). */
const ASSET = /\.(json|js|css|html|svg|png|txt)$|^LICENSE|README\.md$/;
function copyAssets(dir) {
  for (const entry of readdirSync(join(root, "src", dir), { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(rel);
    else if (!entry.name.endsWith(".ts") && ASSET.test(entry.name)) {
      mkdirSync(dirname(join(dist, rel)), { recursive: true });
      cpSync(join(root, "src", rel), join(dist, rel));
    }
  }
}
copyAssets("");

// Swagger UI for the API reference page (/docs), from the swagger-ui-dist development dependency:
// only the files the page loads, with the package's licence and notice (Apache-2.0). Bundled so
// that installing ileap-ts pulls in neither swagger-ui-dist nor its telemetry postinstall.
const swaggerUi = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const docsAssets = join(dist, "http", "routes", "docs-assets");
mkdirSync(docsAssets, { recursive: true });
for (const name of ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE"])
  cpSync(join(swaggerUi, name), join(docsAssets, name));
