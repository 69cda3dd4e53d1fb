/**
 * AES-256-GCM with additional authenticated data, over WebCrypto only.
 *
 * @example
 * ```ts
 * import { aesDecrypt, aesEncrypt, importAesKey } from "./aes.ts";
 * const key = await importAesKey(crypto.getRandomValues(new Uint8Array(32)));
 * const aad = new TextEncoder().encode("auth.token_value");
 * const { iv, ct } = await aesEncrypt(key, new TextEncoder().encode("s3cret"), aad);
 * console.log(new TextDecoder().decode(await aesDecrypt(key, iv, ct, aad))); // "s3cret"
 * ```
 *
 * @module
 */

/** GCM's recommended IV size: 96 bits, used directly as the counter block. */
export const IV_BYTES = 12;

/** GCM authentication failed: wrong key, or the IV, ciphertext, tag or AAD changed. */
export class AuthenticationError extends Error {
  constructor() {
    super("authentication failed (wrong key, or the value was altered or moved)");
    this.name = "AuthenticationError";
  }
}

/**
 * Imports 32 raw bytes as a non-extractable AES-256-GCM key.
 *
 * @example
 * ```ts
 * import { importAesKey } from "./aes.ts";
 * const key = await importAesKey(new Uint8Array(32));
 * console.log(key.algorithm.name, key.extractable); // "AES-GCM" false
 * ```
 */
export async function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== 32) throw new RangeError(`an AES-256 key has 32 bytes, not ${raw.length}`);
  return await crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
}

/**
 * Encrypts with a fresh random 96-bit IV; `ct` is the ciphertext followed by the 128-bit tag.
 *
 * @example
 * ```ts
 * import { aesEncrypt, importAesKey } from "./aes.ts";
 * const key = await importAesKey(new Uint8Array(32));
 * const { iv, ct } = await aesEncrypt(key, new Uint8Array(5), new Uint8Array());
 * console.log(iv.length, ct.length); // 12 21
 * ```
 */
export async function aesEncrypt(
  key: CryptoKey,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Promise<{ iv: Uint8Array; ct: Uint8Array }> {
  // A random IV per value: with at most a few thousand values per key the
  // collision probability is negligible (NIST SP 800-38D allows 2^32).
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: aad as Uint8Array<ArrayBuffer>, tagLength: 128 },
    key,
    plaintext as Uint8Array<ArrayBuffer>,
  );
  return { iv, ct: new Uint8Array(ct) };
}

/**
 * Decrypts and verifies; throws `AuthenticationError` if anything was changed.
 *
 * @example
 * ```ts
 * import { aesDecrypt, aesEncrypt, AuthenticationError, importAesKey } from "./aes.ts";
 * const key = await importAesKey(new Uint8Array(32));
 * const { iv, ct } = await aesEncrypt(key, new Uint8Array(3), new Uint8Array([1]));
 * await aesDecrypt(key, iv, ct, new Uint8Array([2])).catch((e) => {
 *   console.log(e instanceof AuthenticationError); // true
 * });
 * ```
 */
export async function aesDecrypt(
  key: CryptoKey,
  iv: Uint8Array,
  ct: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  try {
    const pt = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: iv as Uint8Array<ArrayBuffer>,
        additionalData: aad as Uint8Array<ArrayBuffer>,
        tagLength: 128,
      },
      key,
      ct as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(pt);
  } catch {
    // WebCrypto reports every GCM failure as an OperationError without detail.
    throw new AuthenticationError();
  }
}
