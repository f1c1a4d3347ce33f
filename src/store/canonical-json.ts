const NON_ASCII = /[\u007f-\uffff]/g;

function unicodeEscape(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * The stored (and served) JSON text of a document: `JSON.stringify` with every character outside
 * printable ASCII written as a `\uXXXX` escape. Same JSON value, but the text is pure ASCII, so the
 * store hands V8 one-byte strings and responses are written without UTF-8 transcoding — the list
 * path is dominated by exactly that copying.
 */
export function canonicalJson(document: unknown): string {
  return JSON.stringify(document).replace(NON_ASCII, unicodeEscape);
}
