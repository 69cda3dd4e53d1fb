/**
 * Where the key comes from: `PROXMOX_MCP_MASTER_KEY`, then a key file
 * (`--key-file`, default `~/.proxmox_mcp_key`), then a passphrase
 * (`PROXMOX_MCP_PASSPHRASE` or a prompt with echo off) through PBKDF2-SHA-256.
 *
 * A master key is 32 random bytes written as base64url (base64 is accepted
 * too). Key material is only ever held as non-extractable `CryptoKey`s after
 * import; nothing here logs or returns it in a message.
 *
 * @example
 * ```ts
 * import { encodeKey, generateKeyBytes, KeySources } from "./keys.ts";
 * const text = encodeKey(generateKeyBytes());
 * const keys = new KeySources({ env: (k) => k === "PROXMOX_MCP_MASTER_KEY" ? text : undefined });
 * const key = await keys.masterKey();
 * console.log(key?.source); // "PROXMOX_MCP_MASTER_KEY"
 * ```
 *
 * @module
 */

import { importAesKey } from "./aes.ts";
import { fromBase64, toBase64Url, V1 } from "./format.ts";
import { promptHidden } from "./prompt.ts";
import { DEFAULT_KEY_FILE_NAME, defaultKeyFile } from "./key_path.ts";

/** Reads one environment variable; `undefined` when unset. */
export type EnvReader = (name: string) => string | undefined;

/** The environment variable holding a base64/base64url master key. */
export const MASTER_KEY_ENV = "PROXMOX_MCP_MASTER_KEY";
/** The environment variable holding a passphrase. */
export const PASSPHRASE_ENV = "PROXMOX_MCP_PASSPHRASE";
/** `rotate-key` to a passphrase: the new one. */
export const NEW_PASSPHRASE_ENV = "PROXMOX_MCP_NEW_PASSPHRASE";
/** PBKDF2 iterations written by this version (OWASP 2023 minimum for PBKDF2-HMAC-SHA-256). */
export const PBKDF2_ITERATIONS = 600_000;
/** New passphrases shorter than this are refused. */
export const MIN_PASSPHRASE_LENGTH = 8;

/** An imported key, its id and a description of where it came from (never the key itself). */
export interface MasterKey {
  aes: CryptoKey;
  kid: Uint8Array;
  /** E.g. `PROXMOX_MCP_MASTER_KEY`, `key file /home/me/.proxmox_mcp_key`, `passphrase`. */
  source: string;
}

/** A key that cannot be had; the message says what to do and never holds key material. */
export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyError";
  }
}

/**
 * 32 fresh random bytes.
 *
 * @example
 * ```ts
 * import { generateKeyBytes } from "./keys.ts";
 * console.log(generateKeyBytes().length); // 32
 * ```
 */
export function generateKeyBytes(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

/**
 * A key as text: base64url, no padding (43 characters).
 *
 * @example
 * ```ts
 * import { encodeKey } from "./keys.ts";
 * console.log(encodeKey(new Uint8Array(32)).length); // 43
 * ```
 */
export function encodeKey(raw: Uint8Array): string {
  return toBase64Url(raw);
}

/**
 * Parses a key from text (base64 or base64url, padding optional); `where`
 * names the source in the error, which never repeats the text.
 *
 * @example
 * ```ts
 * import { decodeKey } from "./keys.ts";
 * console.log(decodeKey("A".repeat(43), "test").length); // 32
 * ```
 */
export function decodeKey(text: string, where: string): Uint8Array {
  const raw = fromBase64(text.trim());
  if (!raw || raw.length !== 32) {
    throw new KeyError(
      `${where} is not a 256-bit key in base64 (expected 43 base64url characters): ` +
        "make one with `proxmox-mcp generate-key`",
    );
  }
  return raw;
}

/**
 * The key id: the first 6 bytes of HMAC-SHA-256(key, "proxmox-mcp key id v1").
 *
 * @example
 * ```ts
 * import { keyId } from "./keys.ts";
 * console.log((await keyId(new Uint8Array(32))).length); // 6
 * ```
 */
export async function keyId(raw: Uint8Array): Promise<Uint8Array> {
  const hmac = await crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    hmac,
    new TextEncoder().encode("proxmox-mcp key id v1"),
  );
  return new Uint8Array(mac).slice(0, V1.KID_BYTES);
}

/**
 * Imports raw key bytes as a `MasterKey`.
 *
 * @example
 * ```ts
 * import { keyFromBytes } from "./keys.ts";
 * const k = await keyFromBytes(new Uint8Array(32), "test");
 * console.log(k.source, k.kid.length); // "test" 6
 * ```
 */
export async function keyFromBytes(raw: Uint8Array, source: string): Promise<MasterKey> {
  return { aes: await importAesKey(raw), kid: await keyId(raw), source };
}

/**
 * Refuses a key file that group or others may read (or that is not a file).
 * Windows has no Unix modes (ACLs instead), so the check is skipped there.
 *
 * @example
 * ```ts ignore
 * import { checkKeyFileMode } from "./keys.ts";
 * await checkKeyFileMode("/home/me/.proxmox_mcp_key"); // throws KeyError if mode is e.g. 0644
 * ```
 */
export async function checkKeyFileMode(path: string): Promise<void> {
  const info = await Deno.stat(path);
  if (!info.isFile) throw new KeyError(`key file ${path} is not a regular file`);
  if (Deno.build.os === "windows" || info.mode === null) return;
  const mode = info.mode & 0o777;
  if (mode & 0o077) {
    throw new KeyError(
      `key file ${path} can be read by other users (mode 0${mode.toString(8)}): ` +
        `refusing to use it. Run: chmod 600 ${path}`,
    );
  }
}

/**
 * Reads a key file after the mode check. The file holds the key in base64url
 * on one line; blank lines and lines starting with `#` are ignored.
 *
 * @example
 * ```ts ignore
 * import { readKeyFile } from "./keys.ts";
 * const key = await readKeyFile("/home/me/.proxmox_mcp_key");
 * console.log(key.source); // "key file /home/me/.proxmox_mcp_key"
 * ```
 */
export async function readKeyFile(path: string): Promise<MasterKey> {
  let text: string;
  try {
    await checkKeyFileMode(path);
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof KeyError) throw e;
    if (e instanceof Deno.errors.NotFound) {
      throw new KeyError(
        `key file ${path} does not exist: create it with \`proxmox-mcp generate-key --key-file ${path}\``,
      );
    }
    if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
      throw new KeyError(`key file ${path} cannot be read (permission denied)`);
    }
    throw new KeyError(`key file ${path} cannot be read: ${(e as Error).message}`);
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (lines.length !== 1) {
    throw new KeyError(`key file ${path} must hold exactly one key line (found ${lines.length})`);
  }
  return await keyFromBytes(decodeKey(lines[0], `key file ${path}`), `key file ${path}`);
}

/**
 * Derives an AES-256 key from a passphrase with PBKDF2-HMAC-SHA-256. The
 * passphrase is NFC-normalised so the same characters typed on different
 * systems give the same key.
 *
 * @example
 * ```ts ignore
 * import { derivePassphraseKey } from "./keys.ts";
 * const salt = crypto.getRandomValues(new Uint8Array(16));
 * const key = await derivePassphraseKey("correct horse", salt, 600_000, "passphrase"); // ~0.3 s
 * ```
 */
export async function derivePassphraseKey(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
  source: string,
): Promise<MasterKey> {
  const base = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(passphrase.normalize("NFC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, iterations },
      base,
      256,
    ),
  );
  try {
    return await keyFromBytes(bits, source);
  } finally {
    bits.fill(0); // the imported CryptoKey is all we keep
  }
}

/** How `KeySources` looks for keys. */
export interface KeySourceOptions {
  /** Environment reader (default: `Deno.env`, unreadable variables as unset). */
  env?: EnvReader;
  /** `--key-file`: when given it must exist; the default file may be absent. */
  keyFile?: string;
  /** Prompt for a passphrase on a terminal when no variable gives one (default true). */
  interactive?: boolean;
  /** Replaces the terminal prompt (tests). */
  prompt?: (text: string) => Promise<string | undefined>;
  /** Use this key instead of looking (e.g. a key just generated by `rotate-key`). */
  masterKey?: MasterKey;
  /** Use this passphrase instead of looking; `passphraseSource` names it in messages. */
  passphrase?: string;
  passphraseSource?: string;
}

const denoEnv: EnvReader = (name) => {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
};

/**
 * Finds keys lazily, in the documented order, and caches what it found:
 * the master key once, the passphrase once, and one derived key per
 * (salt, iterations), so N values cost one PBKDF2 run, not N.
 *
 * @example
 * ```ts
 * import { KeySources } from "./keys.ts";
 * const keys = new KeySources({ env: () => undefined, interactive: false });
 * console.log(keys.hint()); // "set PROXMOX_MCP_MASTER_KEY, or create the key file ..."
 * ```
 */
export class KeySources {
  readonly env: EnvReader;
  readonly #opts: KeySourceOptions;
  #master?: Promise<MasterKey | undefined>;
  #passphrase?: Promise<{ text: string; source: string } | undefined>;
  readonly #derived = new Map<string, Promise<MasterKey>>();

  constructor(opts: KeySourceOptions = {}) {
    this.#opts = opts;
    this.env = opts.env ?? denoEnv;
  }

  /**
   * The same sources with some options replaced (e.g. a passphrase already asked for).
   *
   * @example
   * ```ts
   * import { KeySources } from "./keys.ts";
   * const keys = new KeySources({ env: () => undefined }).with({ passphrase: "p" });
   * console.log((await keys.passphrase())?.source); // "passphrase"
   * ```
   */
  with(extra: Partial<KeySourceOptions>): KeySources {
    return new KeySources({ ...this.#opts, env: this.env, ...extra });
  }

  /** The key file that would be read: `--key-file`, else `~/.proxmox_mcp_key`. */
  get keyFilePath(): string | undefined {
    return this.#opts.keyFile ?? defaultKeyFile(this.env);
  }

  /** What to do when no key is found, for error messages. */
  hint(): string {
    const file = this.keyFilePath ?? `~/${DEFAULT_KEY_FILE_NAME}`;
    return `set ${MASTER_KEY_ENV}, or create the key file ${file} with ` +
      "`proxmox-mcp generate-key`, or pass --key-file FILE";
  }

  /** The master key from the variable, else the key file; `undefined` if neither exists. */
  masterKey(): Promise<MasterKey | undefined> {
    return this.#master ??= this.#findMaster();
  }

  async #findMaster(): Promise<MasterKey | undefined> {
    if (this.#opts.masterKey) return this.#opts.masterKey;
    const fromEnv = this.env(MASTER_KEY_ENV);
    if (fromEnv) return await keyFromBytes(decodeKey(fromEnv, MASTER_KEY_ENV), MASTER_KEY_ENV);
    if (this.#opts.keyFile) return await readKeyFile(this.#opts.keyFile);
    const path = defaultKeyFile(this.env);
    if (!path) return undefined;
    try {
      await Deno.lstat(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
    }
    return await readKeyFile(path);
  }

  /** The passphrase from the variable, else a prompt on a terminal; `undefined` otherwise. */
  passphrase(): Promise<{ text: string; source: string } | undefined> {
    return this.#passphrase ??= this.#findPassphrase();
  }

  async #findPassphrase(): Promise<{ text: string; source: string } | undefined> {
    if (this.#opts.passphrase) {
      return { text: this.#opts.passphrase, source: this.#opts.passphraseSource ?? "passphrase" };
    }
    const fromEnv = this.env(PASSPHRASE_ENV);
    if (fromEnv) return { text: fromEnv, source: PASSPHRASE_ENV };
    if (this.#opts.interactive === false) return undefined;
    const text = await (this.#opts.prompt ?? promptHidden)("proxmox-mcp passphrase: ");
    return text ? { text, source: "passphrase (prompt)" } : undefined;
  }

  /** The key for `enc:v1:p:` values with this salt and iteration count (cached). */
  passphraseKey(salt: Uint8Array, iterations: number): Promise<MasterKey> {
    const id = `${iterations}:${toBase64Url(salt)}`;
    let key = this.#derived.get(id);
    if (!key) {
      key = this.passphrase().then((p) => {
        if (!p) {
          throw new KeyError(
            `no passphrase is available (the value was encrypted with one): set ` +
              `${PASSPHRASE_ENV}, or run on a terminal to be asked`,
          );
        }
        return derivePassphraseKey(p.text, salt, iterations, p.source);
      });
      this.#derived.set(id, key);
    }
    return key;
  }
}
