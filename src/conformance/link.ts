/**
 * RFC 8288 `Link` header parsing and the pagination-link checks of PACT and iLEAP.
 * Pure functions.
 * @module
 */

/** One link-value of a `Link` header. */
export interface ParsedLink {
  /** The target as written between `<` and `>` (not resolved). */
  readonly target: string;
  /** Parameters by lower-cased name; values unquoted and unescaped. */
  readonly params: Readonly<Record<string, string>>;
  /** Lower-cased names of the parameters whose value was a quoted-string. */
  readonly quoted: readonly string[];
}

/** Result of parsing a `Link` header: the link-values, or an error naming the offending position. */
export type LinkParseResult =
  | { readonly ok: true; readonly links: readonly ParsedLink[] }
  | { readonly ok: false; readonly error: string };

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses a `Link` header value (several headers joined with `,` are fine).
 * Grammar (RFC 8288 §3): `#( "<" URI-Reference ">" *( OWS ";" OWS link-param ) )`,
 * `link-param = token BWS [ "=" BWS ( token / quoted-string ) ]`.
 */
export function parseLinkHeader(value: string): LinkParseResult {
  const links: ParsedLink[] = [];
  let i = 0;
  const n = value.length;
  const skipWs = (): void => {
    while (i < n && (value[i] === " " || value[i] === "\t")) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TOKEN_CHAR.test(value[i] ?? "")) i++;
    return value.slice(start, i);
  };
  while (i < n) {
    skipWs();
    if (value[i] === ",") {
      i++;
      continue;
    }
    if (i >= n) break;
    if (value[i] !== "<")
      return { ok: false, error: `expected "<" at position ${i} of ${JSON.stringify(value)}` };
    const close = value.indexOf(">", i + 1);
    if (close < 0) return { ok: false, error: `missing ">" after position ${i} of ${JSON.stringify(value)}` };
    const target = value.slice(i + 1, close).trim();
    i = close + 1;
    const params: Record<string, string> = {};
    const quoted: string[] = [];
    for (;;) {
      skipWs();
      if (i >= n || value[i] === ",") break;
      if (value[i] !== ";") {
        return { ok: false, error: `expected ";" or "," at position ${i} of ${JSON.stringify(value)}` };
      }
      i++;
      skipWs();
      const name = readToken().toLowerCase();
      if (!name)
        return { ok: false, error: `expected a parameter name at position ${i} of ${JSON.stringify(value)}` };
      skipWs();
      let paramValue = "";
      if (value[i] === "=") {
        i++;
        skipWs();
        if (value[i] === '"') {
          i++;
          let text = "";
          let closed = false;
          while (i < n) {
            const ch = value[i] ?? "";
            if (ch === "\\" && i + 1 < n) {
              text += value[i + 1];
              i += 2;
            } else if (ch === '"') {
              i++;
              closed = true;
              break;
            } else {
              text += ch;
              i++;
            }
          }
          if (!closed) return { ok: false, error: `unterminated quoted-string in ${JSON.stringify(value)}` };
          paramValue = text;
          quoted.push(name);
        } else {
          paramValue = readToken();
        }
      }
      // RFC 8288 §3: occurrences after the first of a parameter name are ignored.
      if (!(name in params)) params[name] = paramValue;
    }
    links.push({ target, params, quoted });
  }
  return { ok: true, links };
}

/** Whether a link's `rel` (a space-separated list, case-insensitive) contains `relation`. */
export function hasRel(link: ParsedLink, relation: string): boolean {
  const rel = link.params.rel;
  if (rel === undefined) return false;
  return rel
    .split(/\s+/)
    .filter(Boolean)
    .some((r) => r.toLowerCase() === relation.toLowerCase());
}

/** What the pagination-link checks expect of a `next` link. */
export interface NextLinkExpectations {
  /**
   * The link target must start with this base URL followed by `/` (PACT: the base URL the client
   * used). Default: no prefix check.
   */
  readonly baseUrl?: string;
  /** The target's host (`host[:port]`) must equal this (iLEAP: the request's `host`). Default: no check. */
  readonly host?: string;
}

/** A `next` link found in a header, with the problems of its syntax (empty when conformant). */
export interface NextLink {
  /** The target as written. */
  readonly target: string;
  /** Absolute URL to follow: the target, or the target resolved against the request URL if relative. */
  readonly url: string;
  readonly problems: readonly string[];
}

/**
 * Finds the `rel="next"` link in a `Link` header value and checks it: absolute target, `rel`
 * value in double quotes, and the {@link NextLinkExpectations}. Returns `undefined` when there is
 * no header or no next link; syntax errors of the header are reported as problems.
 */
export function findNextLink(
  header: string | undefined,
  requestUrl: string,
  expect: NextLinkExpectations = {},
): NextLink | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const parsed = parseLinkHeader(header);
  if (!parsed.ok) {
    // A malformed header may still hold a next link: report it as unusable.
    return /next/i.test(header)
      ? { target: header, url: "", problems: [`Link header is not RFC 8288 syntax: ${parsed.error}`] }
      : undefined;
  }
  const link = parsed.links.find((l) => hasRel(l, "next"));
  if (!link) return undefined;
  const problems: string[] = [];
  let url: string;
  if (URL.canParse(link.target)) {
    url = new URL(link.target).href;
  } else {
    problems.push(`Link target <${link.target}> is relative: it must be an absolute URL`);
    url = URL.canParse(link.target, requestUrl) ? new URL(link.target, requestUrl).href : "";
  }
  if (!link.quoted.includes("rel")) {
    problems.push(`Link rel value is not in double quotes: use rel="next" (header: ${header})`);
  }
  if (
    expect.baseUrl !== undefined &&
    URL.canParse(link.target) &&
    !link.target.startsWith(`${expect.baseUrl}/`)
  ) {
    problems.push(
      `Link target <${link.target}> does not start with the base URL the client used (${expect.baseUrl}/)`,
    );
  }
  if (expect.host !== undefined && URL.canParse(link.target) && new URL(link.target).host !== expect.host) {
    problems.push(
      `Link target <${link.target}> has host ${new URL(link.target).host}, request host was ${expect.host}`,
    );
  }
  return { target: link.target, url, problems };
}
