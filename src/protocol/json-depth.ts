/**
 * Bounded JSON nesting for every inbound body. `JSON.parse` itself copes with deep input, but what
 * runs after it (schema validation, canonical JSON, `JSON.stringify` in the outbox, matching of
 * request fragments) recurses: an event with `data.pf` nested 5000 levels overflowed the stack.
 * The raw text is scanned *before* it is parsed (a loop, no recursion; the scan stops at the
 * limit), so an over-deep body is refused with 400 before anything is recorded. Pure; never throws.
 * @module
 */

/** Deepest nesting of objects and arrays accepted in an inbound JSON body (the top level is 1). */
export const MAX_JSON_DEPTH = 64;

/** Longest key echoed in a reported pointer segment. */
const MAX_SEGMENT = 64;

/** Where a JSON text nests too deeply. */
export interface DepthExceeded {
  /** JSON Pointer (RFC 6901) of the first container beyond the limit, keys shortened to 64 characters. */
  readonly pointer: string;
  /** The limit that was exceeded. */
  readonly maxDepth: number;
}

interface Frame {
  readonly array: boolean;
  /** Array: index of the current element. Object: the current key (undefined before the first). */
  index: number;
  key: string | undefined;
  /** Object: the next string is a key. */
  expectKey: boolean;
}

function segment(frame: Frame): string {
  if (frame.array) return String(frame.index);
  const key = frame.key ?? "";
  const short = key.length <= MAX_SEGMENT ? key : `${key.slice(0, MAX_SEGMENT)}…`;
  return short.replaceAll("~", "~0").replaceAll("/", "~1");
}

function decodeKey(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/**
 * Scans a JSON text for objects and arrays nested deeper than `maxDepth` (strings, escapes and
 * keys tracked; syntax is not validated — `JSON.parse` does that afterwards). Returns where the
 * limit was first exceeded, or undefined when the text stays within it.
 */
export function findDepthExceeded(text: string, maxDepth = MAX_JSON_DEPTH): DepthExceeded | undefined {
  // Nearly every text stays within the limit: find that out first without tracking keys and
  // indexes (imports scan every record), and build the pointer only when it is exceeded.
  if (!exceedsDepth(text, maxDepth)) return undefined;
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      const j = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectKey) {
        top.key = decodeKey(text.slice(i + 1, Math.min(j, i + 1 + 4 * MAX_SEGMENT)));
        top.expectKey = false;
      }
      i = j;
      continue;
    }
    if (ch === 0x7b || ch === 0x5b) {
      if (stack.length >= maxDepth) {
        return { pointer: stack.map((f) => `/${segment(f)}`).join(""), maxDepth };
      }
      stack.push({ array: ch === 0x5b, index: 0, key: undefined, expectKey: ch === 0x7b });
    } else if (ch === 0x7d || ch === 0x5d) {
      stack.pop();
    } else if (ch === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index += 1;
      else if (top) top.expectKey = true;
    }
  }
  return undefined;
}

/** The index of the quote closing the JSON string that opens at `start` (escapes honoured), or the text's length. */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j += 2;
    else if (c === 0x22) break;
    else j += 1;
  }
  return j;
}

/** Whether {@link findDepthExceeded} finds something: the same scan, counting depth only. */
function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      i = stringEnd(text, i);
    } else if (ch === 0x7b || ch === 0x5b) {
      if (depth >= maxDepth) return true;
      depth += 1;
    } else if ((ch === 0x7d || ch === 0x5d) && depth > 0) {
      depth -= 1;
    }
  }
  return false;
}

/** The message for a {@link DepthExceeded}: names the limit and the pointer (prefixed with `where`). */
export function depthMessage(exceeded: DepthExceeded, where = ""): string {
  return `JSON nested deeper than ${exceeded.maxDepth} levels at ${JSON.stringify(`${where}${exceeded.pointer}`)}`;
}

/** `JSON.parse` behind the depth check: the value, or a message saying what is wrong. */
export function parseBoundedJson(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } {
  const exceeded = findDepthExceeded(text, maxDepth);
  if (exceeded) return { ok: false, message: depthMessage(exceeded) };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, message: `not valid JSON: ${(e as Error).message.slice(0, 200)}` };
  }
}
