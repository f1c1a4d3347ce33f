import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type JSONWebKeySet,
  type JWK,
} from "jose";

/** One RS256 signing key with its id. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** The current signing key and the previous one (still published so live tokens keep verifying). */
export interface KeyRing {
  readonly current: SigningKey;
  readonly previous?: SigningKey;
  /** JWKS of the public keys (current first). */
  readonly jwks: JSONWebKeySet;
  /** Finds a published key by `kid`. */
  find(kid: string): SigningKey | undefined;
}

/** Thrown when a configured key file is missing or not an RSA PKCS#8 PEM key. */
export class SigningKeyError extends Error {
  override readonly name = "SigningKeyError";
}

async function fromPkcs8(pem: string, source: string): Promise<SigningKey> {
  let privateKey: CryptoKey;
  try {
    privateKey = await importPKCS8(pem, "RS256", { extractable: true });
  } catch (e) {
    throw new SigningKeyError(
      `${source}: expected an RSA private key in PKCS#8 PEM (not PKCS#1): ${(e as Error).message}`,
    );
  }
  const full = await exportJWK(privateKey);
  const publicJwk: JWK = { kty: "RSA", n: full.n, e: full.e };
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: "RS256", use: "sig" } };
}

async function generate(): Promise<{ key: SigningKey; pem: string }> {
  const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const pem = await exportPKCS8(privateKey);
  return { key: await fromPkcs8(pem, "generated key"), pem };
}

function ring(current: SigningKey, previous?: SigningKey): KeyRing {
  const keys = previous ? [current, previous] : [current];
  return {
    current,
    ...(previous ? { previous } : {}),
    jwks: { keys: keys.map((k) => k.publicJwk) },
    find: (kid) => keys.find((k) => k.kid === kid),
  };
}

interface StoredKeys {
  readonly current: string;
  readonly previous?: string;
}

function readStored(file: string): StoredKeys | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SigningKeyError(`${file}: cannot be read: ${(e as Error).message}`);
  }
  const parsed = JSON.parse(text) as StoredKeys;
  if (typeof parsed.current !== "string") throw new SigningKeyError(`${file}: no current key`);
  return parsed;
}

function writeStored(file: string, keys: StoredKeys): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(keys), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Where the key ring comes from: PEM files from configuration, else a key file in the data directory. */
export interface KeyRingSource {
  readonly signingKeyFile?: string;
  readonly previousSigningKeyFile?: string;
  /** Data directory; keys are kept in `<dataDir>/signing-keys.json` (mode 0600). */
  readonly dataDir: string;
}

/** Loads the configured keys, or the persisted ones, generating and persisting a key on first start. */
export async function loadKeyRing(source: KeyRingSource): Promise<KeyRing> {
  if (source.signingKeyFile) {
    const read = (f: string) => {
      try {
        return readFileSync(f, "utf8");
      } catch (e) {
        throw new SigningKeyError(`${f}: cannot be read: ${(e as Error).message}`);
      }
    };
    const current = await fromPkcs8(read(source.signingKeyFile), source.signingKeyFile);
    const previous = source.previousSigningKeyFile
      ? await fromPkcs8(read(source.previousSigningKeyFile), source.previousSigningKeyFile)
      : undefined;
    return ring(current, previous);
  }
  const file = keyFile(source.dataDir);
  const stored = readStored(file);
  if (stored) {
    return ring(
      await fromPkcs8(stored.current, file),
      stored.previous ? await fromPkcs8(stored.previous, file) : undefined,
    );
  }
  const { key, pem } = await generate();
  writeStored(file, { current: pem });
  return ring(key);
}

/**
 * Rotates the persisted keys: a new current key, the old current kept as previous (published in
 * the JWKS until the next rotation). Running servers pick it up on restart.
 */
export async function rotateKeyRing(dataDir: string): Promise<KeyRing> {
  const file = keyFile(dataDir);
  const stored = readStored(file);
  const { key, pem } = await generate();
  writeStored(file, stored ? { current: pem, previous: stored.current } : { current: pem });
  return ring(key, stored ? await fromPkcs8(stored.current, file) : undefined);
}

function keyFile(dataDir: string): string {
  return join(dataDir, "signing-keys.json");
}
