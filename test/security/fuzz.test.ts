/**
 * Bounded property-based fuzzing (fast-check) of the parsers, page tokens, the token endpoint,
 * events, list query strings and the Clerk FAPI client. The long mode is `bench/fuzz.ts`.
 */
import { after, before, describe, it } from "node:test";
import { fuzzTargets, type InProcessHost, startInProcessHost } from "../helpers/fuzz-targets.ts";

describe("property-based fuzzing (bounded)", () => {
  let host: InProcessHost | undefined;
  before(async () => {
    host = await startInProcessHost();
  });
  after(() => host?.close());

  for (const target of fuzzTargets(() => host as InProcessHost)) {
    it(target.name, async (t) => {
      const inputs = await target.run({ numRuns: target.quickRuns });
      t.diagnostic(`${inputs} inputs`);
    });
  }
});
