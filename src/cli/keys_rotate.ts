/**
 * `rotate-key FILE|DIR [--new-key-file F]`: re-encrypts every encrypted
 * secret under a new key, all or nothing.
 *
 * 1. Read every file (a directory means its `*.json` files) and decrypt
 *    every `enc:` value with the current key. Any failure: report each
 *    file and field, change nothing.
 * 2. Settle the new key and write it down (mode 0600) before any
 *    configuration changes, so it can never be lost: `--new-key-file F`
 *    (read if it exists, else generated there); else, if the current key is
 *    a key file K, a new key staged in `K.new` and moved over K at the end
 *    (old key kept as a backup); else, for passphrase values, a new
 *    passphrase (`PROXMOX_MCP_NEW_PASSPHRASE` or asked twice).
 * 3. Re-encrypt in memory and verify each new text decrypts to the same
 *    configuration; then back up and atomically replace each file. If a
 *    write fails, files already replaced are restored.
 *
 * @example
 * ```ts ignore
 * import { parseCli } from "./args.ts";
 * import { runKeyCommand } from "./keys.ts";
 * await runKeyCommand("rotate-key", parseCli(["rotate-key", "configs/"]));
 * ```
 *
 * @module
 */

import { type Cli, EXIT } from "./args.ts";
import { applyEdits } from "../crypto/json_edit.ts";
import {
  encodeKey,
  generateKeyBytes,
  keyFromBytes,
  KeySources,
  MASTER_KEY_ENV,
  type MasterKey,
  NEW_PASSPHRASE_ENV,
  readKeyFile,
} from "../crypto/keys.ts";
import { toBase64Url } from "../crypto/format.ts";
import {
  DecryptError,
  decryptValue,
  type Encrypter,
  masterKeyEncrypter,
  passphraseEncrypter,
} from "../crypto/secret.ts";
import { backupFile, exists, writeFileAtomic } from "./keys_fs.ts";
import {
  classifySecrets,
  CommandError,
  type Io,
  keySourcesFor,
  newPassphrase,
  readExactText,
  type SecretEntry,
  verifyRewrite,
} from "./keys_common.ts";

/** Test seams: fault injection in the write phase. */
export interface RotateHooks {
  /** Passed to each file's atomic write. */
  beforeRename?: (tempPath: string, file: string) => void | Promise<void>;
}

interface Work {
  file: string;
  text: string;
  encrypted: Array<SecretEntry & { plain: string }>;
  plainLeft: number;
  next?: string;
}

/** The files `target` names: itself, or the `*.json` files of a directory, sorted. */
async function listTargets(target: string): Promise<{ files: string[]; dir: boolean }> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(target);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new CommandError(`${target} does not exist`, EXIT.CONFIG);
    }
    throw new CommandError(`${target} cannot be read: ${(e as Error).message}`, EXIT.CONFIG);
  }
  if (!info.isDirectory) return { files: [target], dir: false };
  const files: string[] = [];
  for await (const entry of Deno.readDir(target)) {
    if (!entry.name.endsWith(".json") || entry.isDirectory) continue;
    const path = `${target.replace(/[\\/]+$/, "")}/${entry.name}`;
    if (entry.isFile || (await Deno.stat(path).then((s) => s.isFile, () => false))) {
      files.push(path);
    }
  }
  return { files: files.sort(), dir: true };
}

interface NewKey {
  encrypter: Encrypter;
  keys: KeySources;
  /** A key file to write before any configuration changes. */
  write?: { path: string; text: string };
  /** Move `write.path` over this key file at the end (old one backed up). */
  swapInto?: string;
  /** How the server will find the new key, for the report. */
  howToUse: string;
}

async function settleNewKey(
  cli: Cli,
  io: Io,
  old: KeySources,
  needsMaster: boolean,
): Promise<NewKey> {
  const oldMaster = needsMaster ? await old.masterKey() : undefined;
  const fromKey = (key: MasterKey, extra: Omit<NewKey, "encrypter" | "keys">): NewKey => {
    if (oldMaster && toBase64Url(oldMaster.kid) === toBase64Url(key.kid)) {
      throw new CommandError(
        "the new key is the same as the current one: nothing to rotate",
        EXIT.USAGE,
      );
    }
    return {
      encrypter: masterKeyEncrypter(key),
      keys: new KeySources({ env: () => undefined, interactive: false, masterKey: key }),
      ...extra,
    };
  };
  const envNote = io.env(MASTER_KEY_ENV)
    ? ` and unset ${MASTER_KEY_ENV} (or set it to the new key): it is read before key files`
    : "";
  if (cli.newKeyFile) {
    const path = cli.newKeyFile;
    if (await exists(path)) {
      return fromKey(await readKeyFile(path), { howToUse: `use --key-file ${path}${envNote}` });
    }
    const raw = generateKeyBytes();
    return fromKey(await keyFromBytes(raw, `key file ${path}`), {
      write: { path, text: encodeKey(raw) },
      howToUse: `use --key-file ${path}${envNote}`,
    });
  }
  if (oldMaster && old.keyFilePath && oldMaster.source === `key file ${old.keyFilePath}`) {
    const keyFile = old.keyFilePath;
    const staged = `${keyFile}.new`;
    if (await exists(staged)) {
      throw new CommandError(
        `${staged} exists, left by an interrupted rotate-key: if configurations were already ` +
          `rotated it holds their key (check with config-status --key-file ${staged}), then move ` +
          `it over ${keyFile}; otherwise delete it. Nothing was changed`,
        EXIT.FAILED,
      );
    }
    const raw = generateKeyBytes();
    return fromKey(await keyFromBytes(raw, `key file ${keyFile}`), {
      write: { path: staged, text: encodeKey(raw) },
      swapInto: keyFile,
      howToUse: `the key file ${keyFile} now holds the new key`,
    });
  }
  if (oldMaster) {
    throw new CommandError(
      `the current key comes from ${oldMaster.source}: pass --new-key-file FILE to say where ` +
        "the new key goes (it is written there, mode 0600, before any configuration changes). " +
        "Nothing was changed",
      EXIT.USAGE,
    );
  }
  const pass = await newPassphrase(io.env, NEW_PASSPHRASE_ENV);
  if (!pass) {
    throw new CommandError(
      `the values use a passphrase: set ${NEW_PASSPHRASE_ENV} to the new one (or run on a ` +
        "terminal to be asked), or pass --new-key-file FILE to move to a key. Nothing was changed",
      EXIT.USAGE,
    );
  }
  const source = io.env(NEW_PASSPHRASE_ENV) ? NEW_PASSPHRASE_ENV : "new passphrase";
  return {
    encrypter: await passphraseEncrypter(pass, source),
    keys: new KeySources({ env: () => undefined, interactive: false, passphrase: pass }),
    howToUse: "set PROXMOX_MCP_PASSPHRASE to the new passphrase",
  };
}

/**
 * Runs `rotate-key`; returns the exit code (see the module comment).
 *
 * @example
 * ```ts ignore
 * import { parseCli } from "./args.ts";
 * import { rotateKey } from "./keys_rotate.ts";
 * const io = { env: Deno.env.get, out: console.log, err: console.error };
 * await rotateKey(parseCli(["rotate-key", "config.json", "--new-key-file", "new.key"]), io);
 * ```
 */
export async function rotateKey(cli: Cli, io: Io, hooks: RotateHooks = {}): Promise<number> {
  if (cli.rest.length !== 1) {
    throw new CommandError(`expects one FILE or DIR (got ${cli.rest.length})`, EXIT.USAGE);
  }
  const { files, dir } = await listTargets(cli.rest[0]);
  const old = keySourcesFor(cli, io.env);

  // Phase 1: read everything and prove the current key opens every value.
  const failures: string[] = [];
  const work: Work[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    let text: string;
    let secrets: SecretEntry[];
    try {
      text = await readExactText(file);
      if (dir && !text.includes('"enc:')) {
        skipped.push(file);
        continue;
      }
      const c = classifySecrets(text, file);
      for (const s of c.strays) {
        failures.push(`${file}: ${s.path}: looks encrypted, but is not a secret setting`);
      }
      secrets = c.secrets;
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      failures.push(e.message);
      continue;
    }
    const w: Work = { file, text, encrypted: [], plainLeft: 0 };
    for (const s of secrets) {
      if (s.state === "plain") w.plainLeft++;
      if (s.state !== "encrypted") continue;
      try {
        w.encrypted.push({ ...s, plain: await decryptValue(s.span.value, s.span.path, old) });
      } catch (e) {
        if (!(e instanceof DecryptError)) throw e;
        failures.push(`${file}: ${s.span.path}: ${e.message}`);
      }
    }
    if (w.encrypted.length || w.plainLeft) work.push(w);
    else skipped.push(file);
  }
  if (failures.length) {
    io.err(
      "rotate-key: nothing was changed; these files cannot be rotated with the current key:\n" +
        failures.map((f) => `  - ${f}`).join("\n"),
    );
    return EXIT.CONFIG;
  }
  const todo = work.filter((w) => w.encrypted.length);
  if (!todo.length) {
    io.out(`Nothing to rotate: no encrypted values in ${cli.rest[0]}.`);
    return EXIT.OK;
  }

  // Phase 2: the new key, then every new text, verified in memory.
  const needsMaster = todo.some((w) =>
    w.encrypted.some((s) => s.span.value.startsWith("enc:v1:k:"))
  );
  const nk = await settleNewKey(cli, io, old, needsMaster);
  for (const w of todo) {
    const edits = [];
    for (const s of w.encrypted) {
      edits.push({ span: s.span, value: await nk.encrypter.encrypt(s.plain, s.span.path) });
    }
    w.next = applyEdits(w.text, edits);
    await verifyRewrite(w.text, w.next, old, nk.keys, w.file);
  }

  // Phase 3: write the new key down first, then the files, restoring on failure.
  if (nk.write) {
    await writeFileAtomic(nk.write.path, nk.write.text + "\n", { mode: 0o600 });
    await readKeyFile(nk.write.path);
  }
  const done: Array<{ w: Work; backup: string }> = [];
  try {
    for (const w of todo) {
      const backup = await backupFile(w.file);
      await writeFileAtomic(w.file, w.next!, {
        beforeRename: hooks.beforeRename && ((tmp) => hooks.beforeRename!(tmp, w.file)),
      });
      done.push({ w, backup });
    }
  } catch (e) {
    const notRestored: string[] = [];
    for (const { w } of done.reverse()) {
      await writeFileAtomic(w.file, w.text).catch(() => notRestored.push(w.file));
    }
    io.err(
      `rotate-key: writing failed (${(e as Error).message}); ` +
        (notRestored.length
          ? `could not restore ${notRestored.join(", ")}: restore from the .bak- files next to them`
          : "every file was restored to its previous content") +
        (nk.write ? `. The unused new key is in ${nk.write.path}` : ""),
    );
    return EXIT.FAILED;
  }
  let keyBackup: string | undefined;
  if (nk.swapInto && nk.write) {
    keyBackup = await backupFile(nk.swapInto);
    await Deno.rename(nk.write.path, nk.swapInto);
  }

  for (const { w, backup } of done) {
    io.out(
      `${w.file}: ${w.encrypted.length} value(s) re-encrypted (backup ${backup})` +
        (w.plainLeft ? `; ${w.plainLeft} plain secret(s) left: run encrypt-config` : ""),
    );
  }
  for (const w of work.filter((w) => !w.encrypted.length)) {
    io.out(`${w.file}: no encrypted values (${w.plainLeft} plain secret(s): run encrypt-config)`);
  }
  for (const f of skipped) io.out(`${f}: no encrypted values, skipped`);
  io.out(
    `New key: ${nk.encrypter.key.source} (key id ${toBase64Url(nk.encrypter.key.kid)}); ` +
      `${nk.howToUse}.`,
  );
  if (keyBackup) io.out(`The old key is kept in ${keyBackup}.`);
  io.out(
    "The .bak- files are encrypted with the OLD key: delete them (and the old key) once the " +
      "server works.",
  );
  return EXIT.OK;
}
