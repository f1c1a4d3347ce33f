// Benchmark support: writes generated records as an NDJSON file (what `ileap import` reads).
import { once } from "node:events";
import { createWriteStream } from "node:fs";

/** Writes `records` to `file` as NDJSON, streaming in chunks of 1,000 lines. */
export async function writeNdjson(file: string, records: Iterable<unknown>): Promise<void> {
  const out = createWriteStream(file);
  let chunk: string[] = [];
  for (const r of records) {
    chunk.push(JSON.stringify(r));
    if (chunk.length >= 1000) {
      if (!out.write(`${chunk.join("\n")}\n`)) await once(out, "drain");
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join("\n")}\n`);
  out.end();
  await once(out, "finish");
}
