/**
 * Long-running property-based fuzzing: every target of `test/helpers/fuzz-targets.ts` (the same
 * properties as the bounded runs in `npm test`) for a time budget each, printing inputs, inputs/s
 * and totals. Exits non-zero on the first property failure, printing the counterexample and seed.
 *
 *   npx tsx bench/fuzz.ts [--seconds 60] [--only <substring of a target name>] [--seed N]
 */
import { fuzzTargets, type InProcessHost, startInProcessHost } from "../test/helpers/fuzz-targets.ts";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const seconds = Number(arg("seconds") ?? 60);
const only = arg("only");
const seed = arg("seed") === undefined ? undefined : Number(arg("seed"));

const host = await startInProcessHost();
const targets = fuzzTargets(() => host as InProcessHost).filter((t) => !only || t.name.includes(only));
console.log(`fuzzing ${targets.length} targets, ${seconds} s each, node ${process.version}`);
let total = 0;
let totalMs = 0;
let failed = false;
try {
  for (const target of targets) {
    const started = performance.now();
    try {
      const inputs = await target.run({
        timeLimitMs: seconds * 1000,
        ...(seed !== undefined ? { seed } : {}),
      });
      const ms = performance.now() - started;
      total += inputs;
      totalMs += ms;
      console.log(
        `${target.name.padEnd(96)} ${String(inputs).padStart(9)} inputs  ${(inputs / (ms / 1000)).toFixed(0).padStart(7)}/s  0 failures`,
      );
    } catch (e) {
      failed = true;
      const cause = (e as Error & { cause?: unknown }).cause;
      console.log(
        `${target.name}: FAILED\n${(e as Error).message}\n${cause instanceof Error ? cause.message : ""}`,
      );
      break;
    }
  }
} finally {
  await host.close();
}
console.log(
  `total: ${total} generated inputs in ${(totalMs / 1000).toFixed(0)} s (${(total / (totalMs / 1000)).toFixed(0)}/s), ${failed ? "a property FAILED" : "no property failed"}`,
);
process.exit(failed ? 1 : 0);
