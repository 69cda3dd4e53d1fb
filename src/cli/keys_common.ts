/**
 * What the key commands share: reading a configuration file as exact text,
 * classifying its secrets, choosing the key to encrypt with, and errors
 * that carry an exit code.
 *
 * @example
 * ```ts
 * import { classifySecrets } from "./keys_common.ts";
 * const { secrets } = classifySecrets('{"auth":{"token_value":"${TOKEN}"}}');
 * console.log(secrets[0].state); // "reference"
 * ```
 *
 * @module
 */

import { isPureReference } from "../config/env.ts";
import { isSecretPath } from "../config/secrets.ts";
import { isEncrypted } from "../crypto/format.ts";
import { JsonSyntaxError, scanStrings, type StringSpan } from "../crypto/json_edit.ts";
import {
  type EnvReader,
  KeyError,
  KeySources,
  MASTER_KEY_ENV,
  MIN_PASSPHRASE_LENGTH,
  PASSPHRASE_ENV,
} from "../crypto/keys.ts";
import { promptHidden } from "../crypto/prompt.ts";
import {
  DecryptError,
  decryptValue,
  type Encrypter,
  masterKeyEncrypter,
  passphraseEncrypter,
} from "../crypto/secret.ts";
import { stringSlots } from "../crypto/config_secrets.ts";
import { EXIT } from "./args.ts";

/** Where a command writes, and the environment it reads. */
export interface Io {
  env: EnvReader;
  /** Results (stdout). */
  out(line: string): void;
  /** Progress, hints and errors (stderr). */
  err(line: string): void;
}

/** A failure with the exit code it maps to; the message is safe to print. */
export class CommandError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
    this.name = "CommandError";
  }
}

/**
 * Reads a file as UTF-8 text exactly (a BOM is kept); refuses invalid UTF-8,
 * which could not be written back byte for byte.
 *
 * @example
 * ```ts ignore
 * import { readExactText } from "./keys_common.ts";
 * const text = await readExactText("config.json");
 * ```
 */
export async function readExactText(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "does not exist"
      : e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable
      ? "cannot be read (permission denied)"
      : `cannot be read: ${(e as Error).message}`;
    throw new CommandError(`${path} ${why}`, EXIT.CONFIG);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CommandError(`${path} is not UTF-8 text`, EXIT.CONFIG);
  }
}

/** What a secret value is, as far as encryption goes. */
export type SecretState = "plain" | "encrypted" | "reference" | "partial-reference" | "empty";

/** One secret value in a file. */
export interface SecretEntry {
  span: StringSpan;
  state: SecretState;
}

/** The secrets of one file, and `enc:` values found where no secret belongs. */
export interface Classified {
  spans: StringSpan[];
  secrets: SecretEntry[];
  strays: StringSpan[];
}

/**
 * Finds every secret value in configuration text (paths from `SECRET_PATHS`)
 * and says what it is. Throws `CommandError` if the text is not JSON.
 *
 * @example
 * ```ts
 * import { classifySecrets } from "./keys_common.ts";
 * const c = classifySecrets('{"auth":{"token_value":"abc"},"proxmox":{"host":"h"}}');
 * console.log(c.secrets.map((s) => [s.span.path, s.state])); // [["auth.token_value", "plain"]]
 * ```
 */
export function classifySecrets(text: string, file = "configuration"): Classified {
  let spans: StringSpan[];
  try {
    spans = scanStrings(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw new CommandError(`${file} is not valid JSON: ${e.message}`, EXIT.CONFIG);
    }
    throw e;
  }
  const secrets: SecretEntry[] = [];
  const strays: StringSpan[] = [];
  for (const span of spans) {
    if (!isSecretPath(span.path)) {
      if (isEncrypted(span.value)) strays.push(span);
      continue;
    }
    const v = span.value;
    const state: SecretState = v === ""
      ? "empty"
      : isEncrypted(v)
      ? "encrypted"
      : isPureReference(v)
      ? "reference"
      : v.includes("${")
      ? "partial-reference"
      : "plain";
    secrets.push({ span, state });
  }
  return { spans, secrets, strays };
}

/**
 * Why a secret was left alone by `encrypt-config`, or `undefined`.
 *
 * @example
 * ```ts
 * import { leftAloneReason } from "./keys_common.ts";
 * console.log(leftAloneReason("empty")); // "empty: nothing to encrypt"
 * ```
 */
export function leftAloneReason(state: SecretState): string | undefined {
  switch (state) {
    case "reference":
      return "left alone: a ${VAR} reference (the secret lives in the environment; to encrypt " +
        "it, put an enc: value in that variable)";
    case "partial-reference":
      return "left alone: mixes text with a ${VAR} reference (encrypting would freeze the " +
        "reference)";
    case "empty":
      return "empty: nothing to encrypt";
    default:
      return undefined;
  }
}

/**
 * `KeySources` for a command line: `--key-file` and the environment.
 *
 * @example
 * ```ts
 * import { keySourcesFor } from "./keys_common.ts";
 * const keys = keySourcesFor({ keyFile: "/tmp/k" }, () => undefined);
 * console.log(keys.keyFilePath); // "/tmp/k"
 * ```
 */
export function keySourcesFor(cli: { keyFile?: string }, env: EnvReader): KeySources {
  return new KeySources({ env, keyFile: cli.keyFile });
}

/**
 * A new passphrase: from `envName`, else asked twice on a terminal;
 * `undefined` if neither. Too-short passphrases are refused.
 *
 * @example
 * ```ts
 * import { newPassphrase } from "./keys_common.ts";
 * console.log(await newPassphrase(() => "long enough pass", "PROXMOX_MCP_PASSPHRASE"));
 * // "long enough pass"
 * ```
 */
export async function newPassphrase(env: EnvReader, envName: string): Promise<string | undefined> {
  let pass = env(envName);
  if (!pass) {
    pass = await promptHidden("New passphrase: ");
    if (pass === undefined) return undefined;
    const again = await promptHidden("Same passphrase again: ");
    if (again !== pass) throw new CommandError("the two passphrases differ", EXIT.USAGE);
  }
  if ([...pass].length < MIN_PASSPHRASE_LENGTH) {
    throw new CommandError(
      `the passphrase${env(envName) ? ` in ${envName}` : ""} is shorter than ` +
        `${MIN_PASSPHRASE_LENGTH} characters: choose a longer one (or use a key: generate-key)`,
      EXIT.USAGE,
    );
  }
  return pass;
}

/**
 * The encrypter for `encrypt-config`, in the documented order: the master
 * key (variable, then key file), else a passphrase (variable, then asked
 * twice). Returns it with the `KeySources` that can decrypt what it writes.
 *
 * @example
 * ```ts ignore
 * import { chooseEncrypter, keySourcesFor } from "./keys_common.ts";
 * const { encrypter } = await chooseEncrypter(keySourcesFor({}, Deno.env.get));
 * ```
 */
export async function chooseEncrypter(
  keys: KeySources,
): Promise<{ encrypter: Encrypter; keys: KeySources }> {
  let master;
  try {
    master = await keys.masterKey();
  } catch (e) {
    if (e instanceof KeyError) throw new CommandError(e.message, EXIT.CONFIG);
    throw e;
  }
  if (master) return { encrypter: masterKeyEncrypter(master), keys };
  const pass = await newPassphrase(keys.env, PASSPHRASE_ENV);
  if (!pass) {
    throw new CommandError(
      `no key to encrypt with: run \`proxmox-mcp generate-key\` first (it writes ` +
        `${keys.keyFilePath ?? "~/.proxmox_mcp_key"}), or set ${MASTER_KEY_ENV} or ` +
        PASSPHRASE_ENV,
      EXIT.CONFIG,
    );
  }
  const source = keys.env(PASSPHRASE_ENV) ? PASSPHRASE_ENV : "passphrase (prompt)";
  const encrypter = await passphraseEncrypter(pass, source);
  // Decrypt what we write (and what was already there) with the same passphrase, asked once.
  return { encrypter, keys: keys.with({ passphrase: pass, passphraseSource: source }) };
}

/** The document in `text` with every encrypted secret decrypted (for comparisons). */
async function plainDocument(text: string, keys: KeySources): Promise<unknown> {
  const doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  for (const slot of stringSlots(doc)) {
    if (isSecretPath(slot.path) && isEncrypted(slot.value)) {
      (slot.parent as Record<string | number, unknown>)[slot.key] = await decryptValue(
        slot.value,
        slot.path,
        keys,
      );
    }
  }
  return doc;
}

/**
 * Checks, before anything is written, that `after` (decrypted with
 * `afterKeys`) is the same configuration as `before` (decrypted with
 * `beforeKeys`): same keys, same order, same values.
 *
 * @example
 * ```ts
 * import { verifyRewrite } from "./keys_common.ts";
 * import { KeySources } from "../crypto/keys.ts";
 * const keys = new KeySources({ env: () => undefined, interactive: false });
 * await verifyRewrite('{"a": 1}', '{\n  "a": 1\n}', keys, keys); // same document: no error
 * ```
 */
export async function verifyRewrite(
  before: string,
  after: string,
  beforeKeys: KeySources,
  afterKeys: KeySources,
  file = "the file",
): Promise<void> {
  let same = false;
  try {
    const a = JSON.stringify(await plainDocument(before, beforeKeys));
    const b = JSON.stringify(await plainDocument(after, afterKeys));
    same = a === b;
  } catch (e) {
    if (!(e instanceof DecryptError)) throw e;
  }
  if (!same) {
    throw new CommandError(
      `${file}: the rewritten text did not decrypt to the same configuration; nothing was written`,
      EXIT.FAILED,
    );
  }
}
