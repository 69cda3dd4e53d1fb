/**
 * Encrypting and decrypting one configuration value at one key path, in the
 * `enc:v1:` format (see `format.ts`), with keys from `keys.ts`.
 *
 * @example
 * ```ts
 * import { decryptValue, masterKeyEncrypter } from "./secret.ts";
 * import { encodeKey, generateKeyBytes, KeySources } from "./keys.ts";
 * const text = encodeKey(generateKeyBytes());
 * const keys = new KeySources({ env: (k) => k === "PROXMOX_MCP_MASTER_KEY" ? text : undefined });
 * const enc = masterKeyEncrypter((await keys.masterKey())!);
 * const value = await enc.encrypt("s3cret", "auth.token_value");
 * console.log(await decryptValue(value, "auth.token_value", keys)); // "s3cret"
 * ```
 *
 * @module
 */

import { aesDecrypt, aesEncrypt, AuthenticationError } from "./aes.ts";
import {
  aadFor,
  type Envelope,
  formatEnvelope,
  FormatError,
  parseEnvelope,
  toBase64Url,
  V1,
} from "./format.ts";
import {
  derivePassphraseKey,
  KeyError,
  type KeySources,
  MASTER_KEY_ENV,
  type MasterKey,
  PASSPHRASE_ENV,
  PBKDF2_ITERATIONS,
} from "./keys.ts";

/** Why a value could not be decrypted. */
export type DecryptFailure = "format" | "no-key" | "wrong-key" | "altered";

/** A value that cannot be decrypted. The message has no path, no value and no key. */
export class DecryptError extends Error {
  constructor(readonly reason: DecryptFailure, message: string) {
    super(message);
    this.name = "DecryptError";
  }
}

/** Encrypts values for one run: one key (and, for a passphrase, one salt). */
export interface Encrypter {
  /** `k` (master key) or `p` (passphrase). */
  readonly kind: "k" | "p";
  /** The key in use (its id and source; never the key bytes). */
  readonly key: MasterKey;
  /** `enc:v1:…` text for `plain` bound to `path`, with a fresh IV. */
  encrypt(plain: string, path: string): Promise<string>;
}

/**
 * An encrypter for `enc:v1:k:` values.
 *
 * @example
 * ```ts
 * import { masterKeyEncrypter } from "./secret.ts";
 * import { keyFromBytes } from "./keys.ts";
 * const enc = masterKeyEncrypter(await keyFromBytes(new Uint8Array(32), "test"));
 * console.log((await enc.encrypt("x", "auth.token_value")).slice(0, 9)); // "enc:v1:k:"
 * ```
 */
export function masterKeyEncrypter(key: MasterKey): Encrypter {
  return {
    kind: "k",
    key,
    async encrypt(plain, path) {
      const head = { kind: "k" as const, kid: key.kid };
      const { iv, ct } = await aesEncrypt(
        key.aes,
        new TextEncoder().encode(plain),
        aadFor(head, path),
      );
      return formatEnvelope({ ...head, iv, ct });
    },
  };
}

/**
 * An encrypter for `enc:v1:p:` values: derives the key once, with a fresh
 * random salt for this run, at `iterations` (default 600,000).
 *
 * @example
 * ```ts ignore
 * import { passphraseEncrypter } from "./secret.ts";
 * const enc = await passphraseEncrypter("correct horse battery", "test");
 * console.log((await enc.encrypt("x", "auth.token_value")).slice(0, 16)); // "enc:v1:p:600000:"
 * ```
 */
export async function passphraseEncrypter(
  passphrase: string,
  source: string,
  iterations: number = PBKDF2_ITERATIONS,
): Promise<Encrypter> {
  if (iterations < V1.MIN_ITERATIONS || iterations > V1.MAX_ITERATIONS) {
    throw new RangeError(`PBKDF2 iterations must be ${V1.MIN_ITERATIONS}-${V1.MAX_ITERATIONS}`);
  }
  const salt = crypto.getRandomValues(new Uint8Array(V1.SALT_BYTES));
  const key = await derivePassphraseKey(passphrase, salt, iterations, source);
  return {
    kind: "p",
    key,
    async encrypt(plain, path) {
      const head = { kind: "p" as const, iterations, salt, kid: key.kid };
      const { iv, ct } = await aesEncrypt(
        key.aes,
        new TextEncoder().encode(plain),
        aadFor(head, path),
      );
      return formatEnvelope({ ...head, iv, ct });
    },
  };
}

/**
 * A short, safe description of an encrypted value: kind and key id.
 *
 * @example
 * ```ts
 * import { describeValue } from "./secret.ts";
 * console.log(describeValue("enc:v1:x")); // "enc:v1 (unreadable: has an unknown kind ...)"
 * ```
 */
export function describeValue(value: string): string {
  try {
    const env = parseEnvelope(value);
    return env.kind === "k"
      ? `enc:v1 master key, key id ${toBase64Url(env.kid)}`
      : `enc:v1 passphrase, PBKDF2 ${env.iterations} iterations, key id ${toBase64Url(env.kid)}`;
  } catch (e) {
    return `${value.split(":").slice(0, 2).join(":")} (unreadable: ${(e as Error).message})`;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function keyFor(env: Envelope, keys: KeySources): Promise<MasterKey> {
  try {
    if (env.kind === "p") return await keys.passphraseKey(env.salt, env.iterations);
    const key = await keys.masterKey();
    if (!key) {
      throw new DecryptError(
        "no-key",
        `is encrypted, but no key is available: ${keys.hint()}` +
          (keys.env(PASSPHRASE_ENV)
            ? ` (${PASSPHRASE_ENV} is set, but this value was encrypted with a master key)`
            : ""),
      );
    }
    return key;
  } catch (e) {
    if (e instanceof KeyError) throw new DecryptError("no-key", `is encrypted, but ${e.message}`);
    throw e;
  }
}

/**
 * Decrypts one `enc:` value stored at `path`. Throws `DecryptError` saying
 * what is wrong (format, no key, wrong key, altered or moved) and what to set.
 *
 * @example
 * ```ts
 * import { decryptValue, DecryptError } from "./secret.ts";
 * import { KeySources } from "./keys.ts";
 * const keys = new KeySources({ env: () => undefined, interactive: false });
 * await decryptValue("enc:v2:abc", "auth.token_value", keys).catch((e) => {
 *   console.log(e instanceof DecryptError, e.reason); // true "format"
 * });
 * ```
 */
export async function decryptValue(value: string, path: string, keys: KeySources): Promise<string> {
  let env: Envelope;
  try {
    env = parseEnvelope(value);
  } catch (e) {
    if (e instanceof FormatError) {
      throw new DecryptError("format", `is not a valid encrypted value: ${e.message}`);
    }
    throw e;
  }
  const key = await keyFor(env, keys);
  if (!sameBytes(key.kid, env.kid)) {
    const what = env.kind === "k"
      ? `the key from ${key.source} (key id ${toBase64Url(key.kid)}) is not the one this value ` +
        `was encrypted with (key id ${toBase64Url(env.kid)}): set ${MASTER_KEY_ENV} or ` +
        "--key-file to the key used by encrypt-config"
      : `the passphrase from ${key.source} is not the one this value was encrypted with`;
    throw new DecryptError("wrong-key", `cannot decrypt: ${what}`);
  }
  try {
    const plain = await aesDecrypt(key.aes, env.iv, env.ct, aadFor(env, path));
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch (e) {
    if (e instanceof AuthenticationError || e instanceof TypeError) {
      throw new DecryptError(
        "altered",
        `cannot decrypt: the value was altered, or moved here from another setting (the key ` +
          `from ${key.source} is the right one, but authentication failed): restore it from ` +
          "a backup or encrypt the token again",
      );
    }
    throw e;
  }
}
