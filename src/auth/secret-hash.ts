/**
 * Client secret hashes. Two formats:
 * - `scrypt$N$r$p$<salt>$<hash>` for secrets chosen by people: a deliberately slow key derivation
 *   (about 50 ms) so that a stolen hash or an online guesser makes slow progress.
 * - `hmac-sha256$<salt>$<hash>` (HMAC-SHA256 keyed with a random 16-byte salt) for secrets minted
 *   by `ileap secret new` (`ilsk_` + 32 random bytes, base64url): 256 bits of entropy cannot be
 *   guessed, so a slow hash adds nothing, and the check costs microseconds instead of a slot in
 *   the scrypt queue.
 * The time {@link verifySecret} takes depends only on the *presented* secret's shape (minted or not),
 * never on whether the client exists or which format its hash has, so timing reveals neither.
 * A person's secret presented for an unknown client (or one whose hash is not scrypt) costs no
 * scrypt at all: it holds a slot of the queue for as long as a real check takes, a duration drawn
 * from the latest real checks with the default cost (README, "Security"). So a flood of ever new
 * client ids costs neither CPU nor scrypt's 16 MiB work buffers (issue 14).
 * scrypt checks run through a process-wide {@link FairQueue} (bounded concurrency, fair per
 * source address) so that a flood of wrong secrets cannot starve other clients.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";
import { FairQueue } from "./fair-queue.ts";
import { ScryptThreads } from "./scrypt-thread.ts";

/** scrypt cost parameters. Defaults: N=16384, r=8, p=1 (about 50 ms per check). */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

const DEFAULT_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const MINTED = /^ilsk_[A-Za-z0-9_-]{43}$/;
const HMAC_PREFIX = "hmac-sha256$";
/** Never matches: what a presented human-chosen secret is checked against when no scrypt hash applies. */
const DUMMY_SCRYPT = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const DUMMY_HMAC = "hmac-sha256$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** Default number of scrypt checks running at once: one core is left to the event loop (1–4). */
export function defaultScryptConcurrency(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

let sharedQueue: FairQueue | undefined;
/** Where derivations run (started on first use): as many threads as checks run at once. */
let threads: ScryptThreads | undefined;

/** The process-wide scrypt queue (created on first use with {@link defaultScryptConcurrency}). */
export function scryptQueue(): FairQueue {
  sharedQueue ??= new FairQueue({ concurrency: defaultScryptConcurrency() });
  return sharedQueue;
}

/**
 * Replaces the process-wide scrypt queue (`concurrency` 0 = unbounded, as before issue 15; for
 * benchmarks and tests). Checks already waiting finish in the old queue.
 */
export function configureScryptQueue(options: ConstructorParameters<typeof FairQueue>[0]): FairQueue {
  sharedQueue = new FairQueue(options);
  return sharedQueue;
}

/** Durations (ms) of the latest checks with {@link DEFAULT_PARAMS}, the model of the dummy check. */
const recentDurations: number[] = [];
const RECENT_DURATIONS = 16;
let nextDuration = 0;
let derivations = 0;

function recordDuration(ms: number): void {
  if (recentDurations.length < RECENT_DURATIONS) recentDurations.push(ms);
  else {
    recentDurations[nextDuration] = ms;
    nextDuration = (nextDuration + 1) % RECENT_DURATIONS;
  }
}

/** scrypt derivations run by this process so far (for tests and benchmarks). */
export function scryptDerivations(): number {
  return derivations;
}

/** @param measure Record the duration (a check through the queue, not a hash being made). */
function derive(secret: string, salt: Buffer, params: ScryptParams, measure = false): Promise<Buffer> {
  derivations++;
  const started = performance.now();
  const timed =
    measure &&
    params.N === DEFAULT_PARAMS.N &&
    params.r === DEFAULT_PARAMS.r &&
    params.p === DEFAULT_PARAMS.p;
  threads ??= new ScryptThreads(sharedQueue?.concurrency || defaultScryptConcurrency());
  return threads
    .derive(secret, salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r })
    .then((key) => {
      if (timed) recordDuration(performance.now() - started);
      return key;
    });
}

/**
 * What a check that cannot match costs: as long as one real check with the default cost, a
 * duration drawn at random from the latest ones (measured under the same load), without running
 * scrypt. Before any real check was measured, one dummy derivation runs and is measured.
 */
async function dummyCheck(secret: string): Promise<false> {
  if (recentDurations.length === 0) {
    await verifyScrypt(secret, DUMMY_SCRYPT);
    return false;
  }
  const ms = recentDurations[randomInt(recentDurations.length)] as number;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return false;
}

/** True for a secret in the format `ileap secret new` mints (`ilsk_` + 43 base64url characters). */
export function isMintedSecret(secret: string): boolean {
  return MINTED.test(secret);
}

/** A new high-entropy client secret: `ilsk_` + 32 random bytes, base64url (256 bits). */
export function mintSecret(): string {
  return `ilsk_${randomBytes(32).toString("base64url")}`;
}

function hmac(salt: Buffer, secret: string): Buffer {
  return createHmac("sha256", salt).update(secret, "utf8").digest();
}

/**
 * Hashes a client secret: `hmac-sha256$<salt>$<hash>` for a minted secret ({@link isMintedSecret}),
 * else `scrypt$N$r$p$<salt b64url>$<hash b64url>`.
 */
export async function hashSecret(secret: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  if (isMintedSecret(secret)) {
    return `${HMAC_PREFIX}${salt.toString("base64url")}$${hmac(salt, secret).toString("base64url")}`;
  }
  const key = await derive(secret, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

/** True when `encoded` is a hash {@link hashSecret} could have written (for configuration checks). */
export function isSecretHash(encoded: string): boolean {
  return encoded.startsWith("scrypt$") || encoded.startsWith(HMAC_PREFIX);
}

function verifyHmac(secret: string, encoded: string): boolean {
  const parts = encoded.split("$");
  if (parts.length !== 3) return false;
  const salt = Buffer.from(parts[1] as string, "base64url");
  const expected = Buffer.from(parts[2] as string, "base64url");
  const actual = hmac(salt, secret);
  return expected.length === actual.length && timingSafeEqual(actual, expected) && salt.length >= 16;
}

async function verifyScrypt(secret: string, encoded: string): Promise<boolean> {
  const parts = encoded.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4] as string, "base64url");
  const expected = Buffer.from(parts[5] as string, "base64url");
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(secret, salt, { N, r, p }, true);
  return timingSafeEqual(actual, expected);
}

/** Where a check comes from, for the fair scrypt queue. */
export interface VerifyOptions {
  /** Source address of the request (fairness key). Default `"local"`. */
  readonly source?: string;
  /** Queue to run scrypt in. Default: the process-wide {@link scryptQueue}. */
  readonly queue?: FairQueue;
}

/**
 * Checks a secret against a {@link hashSecret} hash in constant time; `encoded` undefined (unknown
 * client) or malformed never matches but takes as long as a wrong secret of the presented shape.
 * A minted secret is only ever checked against an `hmac-sha256$` hash (microseconds); any other
 * secret only against a `scrypt$` hash (through the fair queue); where no `scrypt$` hash applies,
 * the check waits in the queue and holds its slot as long as a real check (no scrypt run).
 * @throws {QueueFullError} when too many scrypt checks are waiting (answer 503, retry shortly).
 */
export async function verifySecret(
  secret: string,
  encoded: string | undefined,
  options: VerifyOptions = {},
): Promise<boolean> {
  if (isMintedSecret(secret)) {
    const applies = encoded?.startsWith(HMAC_PREFIX) === true;
    const matches = verifyHmac(secret, applies ? (encoded as string) : DUMMY_HMAC);
    return applies && matches;
  }
  const applies = encoded?.startsWith("scrypt$") === true;
  const queue = options.queue ?? scryptQueue();
  const matches = await queue.run(options.source ?? "local", () =>
    applies ? verifyScrypt(secret, encoded as string) : dummyCheck(secret),
  );
  return applies && matches;
}
