/**
 * Sealed tokens: a JSON value encrypted and authenticated with AES-256-GCM
 * under a server key, for a named purpose (the purpose is the additional
 * authenticated data, so a token minted for one use is refused for another).
 * The token is URL-safe base64 of `version ‖ IV ‖ ciphertext+tag`; what it
 * holds is readable by nobody without the key, and any change to it fails.
 * Replicas that share the key open each other's tokens.
 *
 * @example
 * ```ts
 * import { Sealer } from "./seal.ts";
 * const sealer = await Sealer.fromKey(crypto.getRandomValues(new Uint8Array(32)));
 * const token = await sealer.seal("task", { upid: "UPID:pve1:..." });
 * console.log(await sealer.open("task", token)); // { upid: "UPID:pve1:..." }
 * console.log(await sealer.open("other", token)); // undefined
 * ```
 *
 * @module
 */

import { aesDecrypt, aesEncrypt, importAesKey, IV_BYTES } from "./aes.ts";

const VERSION = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Seals and opens tokens under one key. */
export class Sealer {
  private constructor(private readonly key: CryptoKey) {}

  /** A sealer for 32 raw key bytes. */
  static async fromKey(raw: Uint8Array): Promise<Sealer> {
    return new Sealer(await importAesKey(raw));
  }

  /** A sealer with a fresh random key (tokens live as long as this process). */
  static random(): Promise<Sealer> {
    return Sealer.fromKey(crypto.getRandomValues(new Uint8Array(32)));
  }

  /** Encrypts `value` (JSON) for `purpose`. */
  async seal(purpose: string, value: unknown): Promise<string> {
    const { iv, ct } = await aesEncrypt(
      this.key,
      encoder.encode(JSON.stringify(value)),
      encoder.encode(purpose),
    );
    const out = new Uint8Array(1 + iv.length + ct.length);
    out[0] = VERSION;
    out.set(iv, 1);
    out.set(ct, 1 + iv.length);
    return toBase64Url(out);
  }

  /** The value sealed for `purpose`, or undefined when the token is forged, altered or foreign. */
  async open<T = unknown>(purpose: string, token: unknown): Promise<T | undefined> {
    if (typeof token !== "string" || token.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(token)) {
      return undefined;
    }
    const bytes = fromBase64Url(token);
    if (!bytes || bytes.length < 1 + IV_BYTES + 16 || bytes[0] !== VERSION) return undefined;
    try {
      const plain = await aesDecrypt(
        this.key,
        bytes.slice(1, 1 + IV_BYTES),
        bytes.slice(1 + IV_BYTES),
        encoder.encode(purpose),
      );
      return JSON.parse(decoder.decode(plain)) as T;
    } catch {
      return undefined;
    }
  }
}

/** Parses a configured key: 64 hex digits or base64 of 32 bytes. */
export function parseKey(text: string): Uint8Array | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) {
    return Uint8Array.from(t.match(/../g)!, (h) => parseInt(h, 16));
  }
  const b = fromBase64Url(t.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
  return b && b.length === 32 ? b : undefined;
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | undefined {
  try {
    const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}
