/**
 * The request id of a request: the client's `X-Request-Id` when it is a safe log and header value,
 * else a new random UUID. Accepted: what Hono's `requestId` middleware accepts (word characters,
 * `-` and `=`, up to 255) or what this host accepted before (letters, digits and `._:-`, up to
 * 128). One rule for the Hono app and the raw fast path.
 */
const HONO_STYLE = /^[\w\-=]{1,255}$/;
const OWN_STYLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(given: string | undefined): string {
  return given !== undefined && (HONO_STYLE.test(given) || OWN_STYLE.test(given))
    ? given
    : crypto.randomUUID();
}
