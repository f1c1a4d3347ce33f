/** RS256 signing keys, the JWKS, rotation. Keys live in memory only. */
import { generateKeyPairSync, type JsonWebKey, type KeyObject } from "node:crypto";
import { type JSONWebKeySet, type JWTPayload, SignJWT } from "jose";
import { randomId } from "./ids.ts";

interface KeyEntry {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** Options of {@link KeyRing.rotate}. */
export interface RotateKeysOptions {
  /** Keep the previous key(s) in the JWKS so tokens they signed still verify. Default `true`. */
  readonly keepPrevious?: boolean;
}

function generate(): KeyEntry {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  // Clerk key ids look like `ins_…` (the instance id).
  return { kid: randomId("ins"), privateKey, publicKey };
}

/** The emulator's signing keys: the newest one signs, all published ones verify. */
export class KeyRing {
  /** Newest first; generated on first use so that unused emulators start fast. */
  #keys: KeyEntry[] = [];

  /** The `kid` of the key that signs now. */
  get currentKid(): string {
    return this.#current().kid;
  }

  /** The `kid`s in the JWKS, newest first. */
  get kids(): string[] {
    return this.#all().map((k) => k.kid);
  }

  /** A new key signs from now on; returns its `kid`. */
  rotate(options: RotateKeysOptions = {}): string {
    const next = generate();
    this.#keys = options.keepPrevious === false ? [next] : [next, ...this.#all()];
    return next.kid;
  }

  /** Removes a non-current key from the JWKS; `false` if unknown or current. */
  drop(kid: string): boolean {
    if (kid === this.currentKid || !this.#all().some((k) => k.kid === kid)) return false;
    this.#keys = this.#keys.filter((k) => k.kid !== kid);
    return true;
  }

  /** The JWKS (`/.well-known/jwks.json`): public RSA keys with `kid`, `alg`, `use`. */
  jwks(): JSONWebKeySet {
    return {
      keys: this.#all().map((k) => {
        const jwk: JsonWebKey = k.publicKey.export({ format: "jwk" });
        return { use: "sig", kty: "RSA", kid: k.kid, alg: "RS256", n: String(jwk.n), e: String(jwk.e) };
      }),
    };
  }

  /** The current public key as SPKI PEM (Clerk's "JWKS Public Key" / `CLERK_JWT_KEY`). */
  publicKeyPem(): string {
    return String(this.#current().publicKey.export({ format: "pem", type: "spki" }));
  }

  /**
   * Signs `payload` with the current key (RS256, `kid`, `typ: JWT`, and Clerk's token category
   * header `cat` when given). Payload times are taken as given.
   */
  sign(payload: JWTPayload, category?: string): Promise<string> {
    const key = this.#current();
    return new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT", ...(category ? { cat: category } : {}) })
      .sign(key.privateKey);
  }

  #all(): KeyEntry[] {
    if (this.#keys.length === 0) this.#keys = [generate()];
    return this.#keys;
  }

  #current(): KeyEntry {
    const key = this.#all()[0];
    if (!key) throw new Error("KeyRing has no key");
    return key;
  }
}
