/**
 * The key-management commands: `generate-key`, `encrypt-config`,
 * `config-status` and `rotate-key` (in `keys_rotate.ts`). Each returns an
 * exit code from `EXIT`; messages name files and key paths, never a secret
 * or a key (except `generate-key --print`, which is asked to).
 *
 * @example
 * ```ts ignore
 * import { parseCli } from "./args.ts";
 * import { runKeyCommand } from "./keys.ts";
 * const code = await runKeyCommand("config-status", parseCli(["config-status", "config.json"]));
 * ```
 *
 * @module
 */

import type { Cli } from "./args.ts";
import { EXIT } from "./args.ts";
import { denoEnv } from "../config/env.ts";
import { SECRET_PATHS } from "../config/secrets.ts";
import { applyEdits } from "../crypto/json_edit.ts";
import { defaultKeyFile } from "../crypto/key_path.ts";
import {
  encodeKey,
  generateKeyBytes,
  KeyError,
  keyFromBytes,
  MASTER_KEY_ENV,
  PASSPHRASE_ENV,
  readKeyFile,
} from "../crypto/keys.ts";
import { toBase64Url } from "../crypto/format.ts";
import { DecryptError, decryptValue, describeValue } from "../crypto/secret.ts";
import { backupFile, exists, fileMode, writeFileAtomic } from "./keys_fs.ts";
import {
  chooseEncrypter,
  classifySecrets,
  CommandError,
  type Io,
  keySourcesFor,
  leftAloneReason,
  readExactText,
  verifyRewrite,
} from "./keys_common.ts";

/** The commands `runKeyCommand` knows. */
export const KEY_COMMANDS: readonly string[] = [
  "generate-key",
  "encrypt-config",
  "config-status",
  "rotate-key",
];

const defaultIo = (): Io => ({
  env: denoEnv,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});

/**
 * Runs one key command; returns its exit code. Never throws for expected
 * failures: they are printed as one clear message.
 *
 * @example
 * ```ts ignore
 * import { parseCli } from "./args.ts";
 * import { runKeyCommand } from "./keys.ts";
 * Deno.exit(await runKeyCommand("generate-key", parseCli(["generate-key"])));
 * ```
 */
export async function runKeyCommand(
  command: string,
  cli: Cli,
  io: Io = defaultIo(),
): Promise<number> {
  try {
    switch (command) {
      case "generate-key":
        return await generateKey(cli, io);
      case "encrypt-config":
        return await encryptConfig(cli, io);
      case "config-status":
        return await configStatus(cli, io);
      case "rotate-key": {
        const { rotateKey } = await import("./keys_rotate.ts");
        return await rotateKey(cli, io);
      }
      default:
        io.err(`unknown key command "${command}" (known: ${KEY_COMMANDS.join(", ")})`);
        return EXIT.USAGE;
    }
  } catch (e) {
    if (e instanceof CommandError) {
      io.err(`proxmox-mcp ${command}: ${e.message}`);
      return e.code;
    }
    if (e instanceof KeyError || e instanceof DecryptError) {
      io.err(`proxmox-mcp ${command}: ${e.message}`);
      return EXIT.CONFIG;
    }
    io.err(`proxmox-mcp ${command}: ${(e as Error)?.message ?? e}`);
    return EXIT.FAILED;
  }
}

function oneFile(cli: Cli, what: string): string {
  if (cli.rest.length !== 1) {
    throw new CommandError(`expects one ${what} (got ${cli.rest.length})`, EXIT.USAGE);
  }
  return cli.rest[0];
}

// ---------------------------------------------------------------- generate-key

async function generateKey(cli: Cli, io: Io): Promise<number> {
  if (cli.rest.length) {
    throw new CommandError("takes no arguments (use --key-file FILE)", EXIT.USAGE);
  }
  const raw = generateKeyBytes();
  const text = encodeKey(raw);
  const key = await keyFromBytes(raw, "new key");
  const kid = toBase64Url(key.kid);
  const explicit = cli.keyFile ?? cli.output;
  if (cli.print && !explicit) {
    // Printing alone is for keeping the key in a secret store or a variable: no file.
    io.out(text);
    io.err(`New 256-bit key (key id ${kid}) printed above; no file written.`);
    io.err(`Use it with: export ${MASTER_KEY_ENV}=<the key>`);
    return EXIT.OK;
  }
  const path = explicit ?? defaultKeyFile(io.env);
  if (!path) {
    throw new CommandError("no home directory (HOME is not set): pass --key-file FILE", EXIT.USAGE);
  }
  let backup: string | undefined;
  if (await exists(path)) {
    if (!cli.force) {
      throw new CommandError(
        `${path} already exists: refusing to overwrite a key (values encrypted with it would ` +
          "be lost). Pass --force to replace it (the old key is kept as a backup), or use " +
          "rotate-key to move configurations to a new key",
        EXIT.FAILED,
      );
    }
    backup = await backupFile(path);
  }
  await writeFileAtomic(path, text + "\n", { mode: 0o600 });
  await readKeyFile(path); // proves it reads back and passes the mode check
  if (cli.print) io.out(text);
  io.err(`Wrote a new 256-bit key to ${path} (mode 0600, key id ${kid}).`);
  if (backup) io.err(`The previous key is kept in ${backup}.`);
  const flag = explicit && explicit !== defaultKeyFile(io.env) ? ` --key-file ${path}` : "";
  io.err(
    [
      "Next:",
      `  proxmox-mcp encrypt-config config.json${flag}   # encrypt the token in place`,
      `  proxmox-mcp --config config.json${flag}         # the server decrypts at start`,
      "Keep a copy of this key somewhere safe: without it the encrypted values cannot be " +
      "recovered.",
    ].join("\n"),
  );
  return EXIT.OK;
}

// -------------------------------------------------------------- encrypt-config

async function encryptConfig(cli: Cli, io: Io): Promise<number> {
  const file = oneFile(cli, "configuration file");
  const out = cli.output ?? file;
  const text = await readExactText(file);
  const { secrets, strays } = classifySecrets(text, file);
  for (const s of strays) {
    io.err(`  ${s.path}: looks encrypted, but is not a secret setting (it will not load)`);
  }
  if (!secrets.length) {
    io.out(`${file}: no secret settings found (secrets are: ${SECRET_PATHS.join(", ")})`);
    return EXIT.OK;
  }
  const plain = secrets.filter((s) => s.state === "plain");
  const already = secrets.filter((s) => s.state === "encrypted");
  if (!plain.length) {
    io.out(`${file}: nothing to encrypt`);
    for (const s of secrets) {
      io.out(`  ${s.span.path}: ${leftAloneReason(s.state) ?? describeValue(s.span.value)}`);
    }
    return EXIT.OK;
  }
  if (out !== file && (await exists(out)) && !cli.force) {
    throw new CommandError(`${out} already exists: pass --force to replace it`, EXIT.FAILED);
  }
  const { encrypter, keys } = await chooseEncrypter(keySourcesFor(cli, io.env));
  // Values encrypted earlier must open with this key too, or the file would need two keys.
  for (const s of already) {
    try {
      await decryptValue(s.span.value, s.span.path, keys);
    } catch (e) {
      if (!(e instanceof DecryptError)) throw e;
      throw new CommandError(
        `${file}: ${s.span.path} is already encrypted, but ${
          e.message.replace(/^is encrypted, but /, "")
        }` +
          `; nothing was written (use the key it was encrypted with, or rotate-key first)`,
        EXIT.CONFIG,
      );
    }
  }
  const edits = [];
  for (const s of plain) {
    edits.push({ span: s.span, value: await encrypter.encrypt(s.span.value, s.span.path) });
  }
  const next = applyEdits(text, edits);
  await verifyRewrite(text, next, keys, keys, file);
  const mode = (await fileMode(file)) ?? 0o600;
  const backup = (await exists(out)) ? await backupFile(out) : undefined;
  await writeFileAtomic(out, next, { mode: out === file ? mode : (await fileMode(out)) ?? mode });

  io.out(`${out}:`);
  for (const s of secrets) {
    const what = s.state === "plain"
      ? "encrypted now"
      : s.state === "encrypted"
      ? `already encrypted (${describeValue(s.span.value)})`
      : leftAloneReason(s.state);
    io.out(`  ${s.span.path}: ${what}`);
  }
  const kid = toBase64Url(encrypter.key.kid);
  io.out(`Verified: every value decrypts with ${encrypter.key.source} (key id ${kid}).`);
  if (backup) {
    io.out(
      `Backup of the previous ${out}: ${backup} (mode 0600; it holds the plain secret: ` +
        "delete it once the server works)",
    );
  }
  const run = encrypter.kind === "p"
    ? `set ${PASSPHRASE_ENV} for the server (an MCP client starts it without a terminal to ask on)`
    : encrypter.key.source === MASTER_KEY_ENV
    ? `keep ${MASTER_KEY_ENV} set for the server`
    : cli.keyFile
    ? `start the server with --key-file ${cli.keyFile}`
    : "the server finds the key file by itself";
  io.out(`Next: proxmox-mcp check --config ${out}  (${run})`);
  return EXIT.OK;
}

// --------------------------------------------------------------- config-status

interface StatusEntry {
  path: string;
  state: string;
  detail?: string;
  ok: boolean;
}

async function configStatus(cli: Cli, io: Io): Promise<number> {
  const file = oneFile(cli, "configuration file");
  const text = await readExactText(file);
  const { secrets, strays } = classifySecrets(text, file);
  const keys = keySourcesFor(cli, io.env);
  const entries: StatusEntry[] = [];
  let failed = false;
  let plain = false;
  for (const s of secrets) {
    const path = s.span.path;
    if (s.state === "encrypted") {
      try {
        await decryptValue(s.span.value, path, keys);
        entries.push({ path, state: "encrypted", detail: describeValue(s.span.value), ok: true });
      } catch (e) {
        if (!(e instanceof DecryptError)) throw e;
        failed = true;
        entries.push({ path, state: "encrypted", detail: e.message, ok: false });
      }
    } else if (s.state === "plain") {
      plain = true;
      entries.push({
        path,
        state: "plain",
        detail: `not encrypted: run proxmox-mcp encrypt-config ${file}`,
        ok: false,
      });
    } else entries.push({ path, state: s.state, detail: leftAloneReason(s.state), ok: true });
  }
  for (const s of strays) {
    failed = true;
    entries.push({
      path: s.path,
      state: "misplaced",
      detail: "looks encrypted, but is not a secret setting",
      ok: false,
    });
  }
  // The key: what the server would use, whether or not the file needs it yet.
  let key: { source?: string; kid?: string; error?: string };
  try {
    const k = await keys.masterKey();
    key = k
      ? { source: k.source, kid: toBase64Url(k.kid) }
      : { error: `no master key: ${keys.hint()}` };
  } catch (e) {
    if (!(e instanceof KeyError)) throw e;
    key = { error: e.message };
  }
  const code = failed ? EXIT.CONFIG : plain ? EXIT.FAILED : EXIT.OK;
  if (cli.json) {
    io.out(JSON.stringify({ file, secrets: entries, key, ok: code === EXIT.OK }, null, 2));
    return code;
  }
  io.out(`${file}:`);
  if (!entries.length) io.out(`  no secret settings (secrets are: ${SECRET_PATHS.join(", ")})`);
  for (const e of entries) {
    io.out(`  ${e.ok ? "ok  " : "FAIL"} ${e.path}: ${e.state}${e.detail ? ` (${e.detail})` : ""}`);
  }
  io.out(key.source ? `Master key: ${key.source} (key id ${key.kid})` : `Master key: ${key.error}`);
  if (io.env(PASSPHRASE_ENV)) io.out(`Passphrase: ${PASSPHRASE_ENV} is set`);
  io.out(
    code === EXIT.OK
      ? "Status: ok"
      : failed
      ? "Status: some encrypted values cannot be decrypted (see FAIL above)"
      : "Status: plain secrets remain",
  );
  return code;
}
