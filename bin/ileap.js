#!/usr/bin/env node
// The `ileap` command: the compiled CLI (`npm run build` makes `dist/`; plain Node, no loader).
// From a source checkout without a build, `node scripts/ileap-dev.js` runs the TypeScript sources.
try {
  await import("../dist/cli/main.js");
} catch (err) {
  if (err?.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/cli/main.js")) {
    console.error(
      "ileap: dist/ is missing; run `npm run build` first (or `node scripts/ileap-dev.js` for the sources)",
    );
    process.exit(1);
  }
  throw err;
}
