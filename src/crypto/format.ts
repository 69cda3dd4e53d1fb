/**
 * The text format of one encrypted configuration value, version 1.
 *
 * Every encrypted value is a JSON string that starts with `enc:`, then the
 * format version, then fields separated by `:`. Binary fields are base64url
 * without padding (RFC 4648 §5), so a value never needs JSON escaping and
 * never contains `:`. Two kinds exist in v1:
 *
 * ```text
 * enc:v1:k:<kid>:<iv>:<ct>                    key: a 256-bit master key
 * enc:v1:p:<iterations>:<salt>:<kid>:<iv>:<ct> passphrase: PBKDF2-SHA-256
 * ```
 *
 * - `kid`: key id, 6 bytes (8 characters): the first bytes of
 *   HMAC-SHA-256(key, "proxmox-mcp key id v1"). It lets a wrong key be told
 *   apart from an altered value, and says nothing useful about the key.
 * - `iterations`: PBKDF2 iteration count, decimal (600000 or more in v1).
 * - `salt`: 16 random bytes. One `encrypt-config` run draws one salt and
 *   stores it in every value it writes, so a load derives the key once per
 *   (salt, iterations) and not once per value.
 * - `iv`: 12 random bytes (96 bits), fresh for every value.
 * - `ct`: AES-256-GCM ciphertext followed by its 16-byte tag.
 *
 * The additional authenticated data (AAD) is the header (everything before
 * `<iv>`, e.g. `enc:v1:k:<kid>`), a newline, then the value's key path
 * (e.g. `auth.token_value`). Changing the header, or moving the value to
 * another setting or another `clusters.*` section, makes decryption fail.
 *
 * A later format (`enc:v2:…`) can change any of this; a v1 value keeps
 * decrypting because the version is read first.
 *
 * @example
 * ```ts
 * import { formatEnvelope, parseEnvelope } from "./format.ts";
 * const text = formatEnvelope({
 *   kind: "k",
 *   kid: new Uint8Array(6),
 *   iv: new Uint8Array(12),
 *   ct: new Uint8Array(20),
 * });
 * console.log(text.startsWith("enc:v1:k:")); // true
 * console.log(parseEnvelope(text).kind); // "k"
 * ```
 *
 * @module
 */

/** Every encrypted value starts with this. */
export const ENC_PREFIX = "enc:";
/** The v1 prefix. */
export const V1_PREFIX = "enc:v1:";

/** Sizes fixed by format v1, in bytes. */
export const V1 = {
  KID_BYTES: 6,
  IV_BYTES: 12,
  SALT_BYTES: 16,
  TAG_BYTES: 16,
  /** Fewer iterations than this are refused (OWASP 2023 for PBKDF2-HMAC-SHA-256). */
  MIN_ITERATIONS: 600_000,
  /** More than this is refused: a planted value must not stall the server for minutes. */
  MAX_ITERATIONS: 10_000_000,
} as const;

/** A value encrypted with a master key (`enc:v1:k:…`). */
export interface KeyEnvelope {
  kind: "k";
  kid: Uint8Array;
  iv: Uint8Array;
  ct: Uint8Array;
}

/** A value encrypted with a key derived from a passphrase (`enc:v1:p:…`). */
export interface PassphraseEnvelope {
  kind: "p";
  iterations: number;
  salt: Uint8Array;
  kid: Uint8Array;
  iv: Uint8Array;
  ct: Uint8Array;
}

/** One parsed encrypted value. */
export type Envelope = KeyEnvelope | PassphraseEnvelope;

/** A value that starts with `enc:` but cannot be read as a v1 value. */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FormatError";
  }
}

/**
 * Whether a configuration string is an encrypted value (any version).
 *
 * @example
 * ```ts
 * import { isEncrypted } from "./format.ts";
 * console.log(isEncrypted("enc:v1:k:AAAAAAAA:x:y"), isEncrypted("plain")); // true false
 * ```
 */
export function isEncrypted(value: string): boolean {
  return value.startsWith(ENC_PREFIX);
}

/**
 * Bytes to base64url without padding.
 *
 * @example
 * ```ts
 * import { toBase64Url } from "./format.ts";
 * console.log(toBase64Url(new Uint8Array([251, 255]))); // "-_8"
 * ```
 */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Base64 or base64url (padding optional) to bytes; `undefined` if not base64.
 *
 * @example
 * ```ts
 * import { fromBase64 } from "./format.ts";
 * console.log(fromBase64("-_8")); // Uint8Array [251, 255]
 * console.log(fromBase64("+/8=")); // Uint8Array [251, 255]
 * ```
 */
export function fromBase64(text: string): Uint8Array | undefined {
  const s = text.replaceAll("-", "+").replaceAll("_", "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(s) || s.length % 4 === 1) return undefined;
  try {
    const bin = atob(s + "=".repeat((4 - (s.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function field(name: string, text: string | undefined, bytes?: number): Uint8Array {
  // Strict alphabet: v1 writes base64url only, so anything else is damage.
  if (text === undefined || !/^[A-Za-z0-9_-]+$/.test(text)) {
    throw new FormatError(`its ${name} is missing or not base64url`);
  }
  const out = fromBase64(text);
  if (!out) throw new FormatError(`its ${name} is not base64url`);
  if (bytes !== undefined && out.length !== bytes) {
    throw new FormatError(`its ${name} has ${out.length} bytes, expected ${bytes}`);
  }
  return out;
}

/**
 * Parses one encrypted value. Throws `FormatError` (never echoing the value)
 * when it is not a well-formed v1 value.
 *
 * @example
 * ```ts
 * import { parseEnvelope } from "./format.ts";
 * try {
 *   parseEnvelope("enc:v9:whatever");
 * } catch (e) {
 *   console.log((e as Error).message); // "uses format enc:v9, which this version ..."
 * }
 * ```
 */
export function parseEnvelope(text: string): Envelope {
  if (!text.startsWith(ENC_PREFIX)) throw new FormatError("does not start with enc:");
  const parts = text.split(":");
  const version = parts[1] ?? "";
  if (version !== "v1") {
    if (/^v\d+$/.test(version)) {
      throw new FormatError(
        `uses format enc:${version}, which this version of proxmox-mcp cannot read (it reads ` +
          "enc:v1): upgrade proxmox-mcp",
      );
    }
    throw new FormatError("starts with enc: but not enc:v1: (expected enc:v1:k:… or enc:v1:p:…)");
  }
  const kind = parts[2];
  if (kind === "k") {
    if (parts.length !== 6) {
      throw new FormatError(
        `has ${parts.length - 3} fields after enc:v1:k:, expected 3 (kid:iv:ct)`,
      );
    }
    return {
      kind,
      kid: field("key id", parts[3], V1.KID_BYTES),
      iv: field("IV", parts[4], V1.IV_BYTES),
      ct: ciphertext(parts[5]),
    };
  }
  if (kind === "p") {
    if (parts.length !== 8) {
      throw new FormatError(
        `has ${parts.length - 3} fields after enc:v1:p:, expected 5 (iterations:salt:kid:iv:ct)`,
      );
    }
    if (!/^[1-9]\d{0,9}$/.test(parts[3])) {
      throw new FormatError("its iteration count is not a number");
    }
    const iterations = Number(parts[3]);
    if (iterations < V1.MIN_ITERATIONS || iterations > V1.MAX_ITERATIONS) {
      throw new FormatError(
        `its iteration count ${iterations} is outside ${V1.MIN_ITERATIONS}-${V1.MAX_ITERATIONS}`,
      );
    }
    return {
      kind,
      iterations,
      salt: field("salt", parts[4], V1.SALT_BYTES),
      kid: field("key id", parts[5], V1.KID_BYTES),
      iv: field("IV", parts[6], V1.IV_BYTES),
      ct: ciphertext(parts[7]),
    };
  }
  throw new FormatError("has an unknown kind after enc:v1: (expected k or p)");
}

function ciphertext(text: string | undefined): Uint8Array {
  const ct = field("ciphertext", text);
  if (ct.length < V1.TAG_BYTES) throw new FormatError("its ciphertext is shorter than a GCM tag");
  return ct;
}

/**
 * The header of a value: everything before the IV. It is part of the AAD.
 *
 * @example
 * ```ts
 * import { envelopeHeader } from "./format.ts";
 * const h = envelopeHeader({ kind: "k", kid: new Uint8Array(6) });
 * console.log(h); // "enc:v1:k:AAAAAAAA"
 * ```
 */
export function envelopeHeader(
  env: Pick<KeyEnvelope, "kind" | "kid"> | Omit<PassphraseEnvelope, "iv" | "ct">,
): string {
  return env.kind === "k"
    ? `${V1_PREFIX}k:${toBase64Url(env.kid)}`
    : `${V1_PREFIX}p:${env.iterations}:${toBase64Url(env.salt)}:${toBase64Url(env.kid)}`;
}

/**
 * Serialises one encrypted value.
 *
 * @example
 * ```ts
 * import { formatEnvelope } from "./format.ts";
 * const kid = new Uint8Array(6), iv = new Uint8Array(12), ct = new Uint8Array(16);
 * console.log(formatEnvelope({ kind: "k", kid, iv, ct }).split(":").length); // 6
 * ```
 */
export function formatEnvelope(env: Envelope): string {
  return `${envelopeHeader(env)}:${toBase64Url(env.iv)}:${toBase64Url(env.ct)}`;
}

/**
 * The additional authenticated data for a value at `path`: header, newline, path.
 *
 * @example
 * ```ts
 * import { aadFor } from "./format.ts";
 * const aad = aadFor({ kind: "k", kid: new Uint8Array(6) }, "auth.token_value");
 * console.log(new TextDecoder().decode(aad)); // "enc:v1:k:AAAAAAAA\nauth.token_value"
 * ```
 */
export function aadFor(env: Parameters<typeof envelopeHeader>[0], path: string): Uint8Array {
  return new TextEncoder().encode(`${envelopeHeader(env)}\n${path}`);
}
