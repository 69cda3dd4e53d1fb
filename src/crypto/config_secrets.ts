/**
 * Secrets in a parsed configuration document: finding them (driven by the
 * one list in `config/secrets.ts`) and decrypting `enc:` values in place at
 * load time. Problems become one `ConfigError` naming each field and what to
 * set; no message holds a secret or a key.
 *
 * @example
 * ```ts
 * import { makeDecrypter } from "./config_secrets.ts";
 * const decrypt = makeDecrypter({ env: () => undefined });
 * const doc = { auth: { token_value: "plain" } };
 * await decrypt(doc); // no enc: value, so no key is looked for
 * console.log(doc.auth.token_value); // "plain"
 * ```
 *
 * @module
 */

import type { SecretDecrypter } from "../config/load.ts";
import { ConfigError, type ConfigProblem } from "../config/errors.ts";
import { isSecretPath, SECRET_PATHS } from "../config/secrets.ts";
import { isEncrypted } from "./format.ts";
import type { EnvReader, KeySources } from "./keys.ts";
// keys.ts and secret.ts (key files, passphrase prompt, AES) are imported only for a document
// that holds an `enc:` value: a plain configuration starts without them.

/** One string value in a document, with where it sits so it can be replaced. */
export interface StringSlot {
  path: string;
  value: string;
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

/**
 * Every string value in a parsed document, with its dotted path and slot.
 *
 * @example
 * ```ts
 * import { stringSlots } from "./config_secrets.ts";
 * console.log(stringSlots({ a: { b: "x" }, c: ["y", 1] }).map((s) => s.path)); // ["a.b", "c.0"]
 * ```
 */
export function stringSlots(doc: unknown, prefix = ""): StringSlot[] {
  const out: StringSlot[] = [];
  if (doc === null || typeof doc !== "object") return out;
  const entries: Array<[string | number, unknown]> = Array.isArray(doc)
    ? doc.map((v, i) => [i, v])
    : Object.entries(doc as Record<string, unknown>);
  for (const [key, value] of entries) {
    const path = prefix ? `${prefix}.${key}` : String(key);
    if (typeof value === "string") {
      out.push({ path, value, parent: doc as Record<string, unknown>, key });
    } else if (value && typeof value === "object") out.push(...stringSlots(value, path));
  }
  return out;
}

/**
 * Decrypts every `enc:` secret in `doc` in place. Collects one problem per
 * field and throws them together as a `ConfigError`. Returns how many values
 * were decrypted.
 *
 * @example
 * ```ts
 * import { decryptDocument } from "./config_secrets.ts";
 * import { KeySources } from "./keys.ts";
 * const keys = new KeySources({ env: () => undefined, interactive: false });
 * await decryptDocument({ auth: { token_value: "enc:v1:k:bad" } }, keys).catch((e) => {
 *   console.log(e.message); // "invalid configuration:\n  - auth.token_value: is not a valid ..."
 * });
 * ```
 */
export async function decryptDocument(doc: unknown, keys: KeySources): Promise<number> {
  const problems: ConfigProblem[] = [];
  let count = 0;
  const encrypted = stringSlots(doc).filter((s) => isEncrypted(s.value));
  if (!encrypted.length) return 0;
  const { DecryptError, decryptValue } = await import("./secret.ts");
  for (const slot of encrypted) {
    if (!isSecretPath(slot.path)) {
      problems.push({
        path: slot.path,
        message: "looks encrypted (enc:…), but only secrets can be encrypted: " +
          SECRET_PATHS.join(", "),
      });
      continue;
    }
    try {
      const plain = await decryptValue(slot.value, slot.path, keys);
      (slot.parent as Record<string | number, unknown>)[slot.key] = plain;
      count++;
    } catch (e) {
      if (!(e instanceof DecryptError)) throw e;
      problems.push({ path: slot.path, message: e.message });
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return count;
}

/** Where `makeDecrypter` looks for keys. */
export interface DecrypterOptions {
  /** `--key-file` (else `~/.proxmox_mcp_key`). */
  keyFile?: string;
  /** Environment reader (default `Deno.env`). */
  env?: EnvReader;
  /** Prompt for a passphrase on a terminal if needed (default true). */
  interactive?: boolean;
}

/**
 * The `SecretDecrypter` that `loadConfig` calls after `${VAR}` substitution.
 * It looks for a key only when the document holds an `enc:` value, so plain
 * configurations never touch the key file or prompt.
 *
 * @example
 * ```ts ignore
 * import { loadConfig } from "../config/load.ts";
 * import { makeDecrypter } from "./config_secrets.ts";
 * const config = await loadConfig({ path: "config.json", decrypt: makeDecrypter({}) });
 * ```
 */
export function makeDecrypter(opts: DecrypterOptions = {}): SecretDecrypter {
  return async (doc) => {
    if (!stringSlots(doc).some((s) => isEncrypted(s.value))) return;
    const { KeySources } = await import("./keys.ts");
    await decryptDocument(doc, new KeySources(opts));
  };
}
