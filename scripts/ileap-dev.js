#!/usr/bin/env node
// The CLI run from the TypeScript sources through tsx (a devDependency): what the tests and the
// development scripts use, so that they never run a stale `dist/`. Installed packages run
// `bin/ileap.js`, the compiled CLI.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
