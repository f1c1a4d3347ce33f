/**
 * Reading records: request bodies (a JSON array, or NDJSON) and files, streamed record by record so
 * that a file of any size is read with bounded memory (NDJSON line by line; a JSON array element by
 * element with a small scanner that tracks strings and nesting).
 */
import { createReadStream, statSync } from "node:fs";
import { depthMessage, findDepthExceeded, MAX_JSON_DEPTH } from "../protocol/json-depth.ts";
import type { IngestInput } from "./ingest.ts";
import { INGEST_RULE, type RecordError } from "./types.ts";

/** `json`: one JSON array of records (a single object counts as one record); `ndjson`: one record per line. */
export type RecordFormat = "json" | "ndjson";

/** A body or file that cannot be read as records at all (not one bad record: the framing). */
export class RecordSyntaxError extends Error {
  override readonly name = "RecordSyntaxError";
}

function jsonError(e: unknown, where?: string): RecordError {
  return {
    pointer: "",
    message: `not valid JSON${where ? ` (${where})` : ""}: ${(e as Error).message}`,
    rule: INGEST_RULE.json,
  };
}

function parseOne(text: string, where?: string): IngestInput {
  // Checked before parsing: validation and canonical JSON recurse over the record.
  const exceeded = findDepthExceeded(text);
  if (exceeded) {
    return {
      error: {
        pointer: exceeded.pointer,
        message: `the record nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`,
        rule: INGEST_RULE.jsonDepth,
      },
    };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: jsonError(e, where) };
  }
}

/**
 * Parses a request body into records.
 * @throws {RecordSyntaxError} when a `json` body is not JSON, or is neither an array nor an object.
 */
export function parseRecords(text: string, format: RecordFormat): IngestInput[] {
  if (format === "ndjson") {
    const out: IngestInput[] = [];
    text.split("\n").forEach((line, i) => {
      if (line.trim() !== "") out.push(parseOne(line, `line ${i + 1}`));
    });
    return out;
  }
  const exceeded = findDepthExceeded(text);
  if (exceeded) throw new RecordSyntaxError(`the body is ${depthMessage(exceeded)}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RecordSyntaxError(
      `the body is not valid JSON (${(e as Error).message}); send a JSON array of records, or NDJSON as application/x-ndjson`,
    );
  }
  if (Array.isArray(value)) return value.map((v) => ({ value: v }));
  if (value !== null && typeof value === "object") return [{ value }];
  throw new RecordSyntaxError("the body must be a JSON array of records (or one record object)");
}

/** One record read from a file. */
export interface FileRecord {
  /** 0-based position of the record in the file. */
  readonly index: number;
  /** 1-based line number (NDJSON). */
  readonly line?: number;
  readonly input: IngestInput;
}

/** Options of {@link RecordFileReader}. */
export interface RecordFileReaderOptions {
  /** Default: by extension (`.ndjson`, `.jsonl` → NDJSON), else by the first character (`[` → JSON array, else NDJSON). */
  readonly format?: RecordFormat;
  /** Largest single record in bytes (UTF-16 units) before the file is refused. Default 64 MiB. */
  readonly maxRecordChars?: number;
}

/**
 * Streams the records of a file. Iterate it once; `bytesRead` and `size` report progress.
 * @throws {RecordSyntaxError} (from the iterator) when a JSON array file is malformed between
 *   records (a malformed record itself is yielded as an error, and reading goes on).
 */
export class RecordFileReader implements AsyncIterable<FileRecord> {
  /** Bytes read so far. */
  bytesRead = 0;
  /** Size of the file in bytes. */
  readonly size: number;
  readonly #file: string;
  readonly #options: RecordFileReaderOptions;

  constructor(file: string, options: RecordFileReaderOptions = {}) {
    this.#file = file;
    this.#options = options;
    this.size = statSync(file).size;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<FileRecord> {
    const stream = createReadStream(this.#file, { highWaterMark: 1 << 20 });
    const chunks = this.#count(stream);
    let format = this.#options.format ?? (/\.(ndjson|jsonl)$/i.test(this.#file) ? "ndjson" : undefined);
    const decoder = new TextDecoder("utf-8", { fatal: false });
    let pending = "";
    // Peek at the first non-whitespace character to choose the format.
    const iterator = chunks[Symbol.asyncIterator]();
    while (format === undefined) {
      const next = await iterator.next();
      if (next.done) {
        pending += decoder.decode();
        format = pending.trimStart().startsWith("[") ? "json" : "ndjson";
        break;
      }
      pending += decoder.decode(next.value, { stream: true });
      const trimmed = pending.trimStart();
      if (trimmed.length > 0) format = trimmed.startsWith("[") ? "json" : "ndjson";
    }
    const texts = (async function* () {
      if (pending) yield pending;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield decoder.decode(next.value, { stream: true });
      }
      const rest = decoder.decode();
      if (rest) yield rest;
    })();
    const max = this.#options.maxRecordChars ?? 64 * 1024 * 1024;
    yield* format === "ndjson" ? ndjsonRecords(texts, max) : jsonArrayRecords(texts, max);
  }

  async *#count(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of stream) {
      this.bytesRead += chunk.length;
      yield chunk;
    }
  }
}

async function* ndjsonRecords(texts: AsyncIterable<string>, max: number): AsyncGenerator<FileRecord> {
  let rest = "";
  let line = 0;
  let index = 0;
  const emit = (text: string): FileRecord | undefined => {
    line += 1;
    const trimmed = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (trimmed.trim() === "") return undefined;
    return { index: index++, line, input: parseOne(trimmed, `line ${line}`) };
  };
  for await (const text of texts) {
    rest += text;
    let start = 0;
    for (let nl = rest.indexOf("\n", start); nl !== -1; nl = rest.indexOf("\n", start)) {
      const record = emit(rest.slice(start, nl));
      if (record) yield record;
      start = nl + 1;
    }
    rest = rest.slice(start);
    if (rest.length > max) throw new RecordSyntaxError(`line ${line + 1} is longer than ${max} characters`);
  }
  const last = emit(rest);
  if (last) yield last;
}

/** Splits a streamed JSON array into its elements' texts (strings and nesting tracked), parsing each. */
async function* jsonArrayRecords(texts: AsyncIterable<string>, max: number): AsyncGenerator<FileRecord> {
  let state: "start" | "element" | "after" | "end" = "start";
  /** In state `after`: right after `[` (so `]` closes an empty array). */
  let empty = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** The current element is a complete object, array or string: only `,` or `]` may follow. */
  let complete = false;
  let parts: string[] = [];
  let partsLength = 0;
  let index = 0;
  let offset = 0;
  const fail = (message: string, at: number): never => {
    throw new RecordSyntaxError(`not a JSON array of records: ${message} at character ${at}`);
  };
  for await (const text of texts) {
    let elementStart = state === "element" ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (state === "element") {
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === 0x5c) escaped = true;
          else if (ch === 0x22) {
            inString = false;
            if (depth === 0) complete = true;
          }
          continue;
        }
        if (complete && ch !== 0x2c && ch !== 0x5d) {
          if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) continue;
          fail(`expected ',' or ']' after record ${index + 1}`, offset + i);
        }
        if (ch === 0x22) inString = true;
        else if (ch === 0x7b || ch === 0x5b) depth += 1;
        else if (ch === 0x7d || ch === 0x5d) {
          if (depth === 1) complete = true;
          if (depth === 0) {
            // `]` closing the array right after an element.
            if (ch === 0x7d) fail("unbalanced '}'", offset + i);
            parts.push(text.slice(elementStart, i));
            yield { index: index++, input: parseOne(parts.join(""), `record ${index}`) };
            parts = [];
            partsLength = 0;
            state = "end";
            continue;
          }
          depth -= 1;
        } else if (ch === 0x2c && depth === 0) {
          parts.push(text.slice(elementStart, i));
          yield { index: index++, input: parseOne(parts.join(""), `record ${index}`) };
          parts = [];
          partsLength = 0;
          state = "after";
        }
        continue;
      }
      if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09 || ch === 0xfeff) continue;
      if (state === "start") {
        if (ch !== 0x5b) fail("expected '['", offset + i);
        state = "after";
        empty = true;
        continue;
      }
      if (state === "after") {
        if (ch === 0x5d && empty) {
          state = "end";
          continue;
        }
        if (ch === 0x2c || ch === 0x5d) fail("expected a record", offset + i);
        empty = false;
        state = "element";
        elementStart = i;
        depth = 0;
        inString = false;
        complete = false;
        i -= 1; // rescan this character as part of the element
        continue;
      }
      fail("unexpected content after the array", offset + i);
    }
    if (state === "element") {
      const piece = text.slice(Math.max(elementStart, 0));
      parts.push(piece);
      partsLength += piece.length;
      if (partsLength > max) fail(`record ${index + 1} is longer than ${max} characters`, offset);
    }
    offset += text.length;
  }
  const final = state as string;
  if (final === "start") fail("empty file", offset);
  if (final !== "end") fail("the array is not closed", offset);
}
