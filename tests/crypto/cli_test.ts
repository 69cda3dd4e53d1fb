/**
 * The key commands as a user runs them (subprocesses with the server's
 * permissions), plus rotate-key's restore path in-process. Every run's
 * output is searched for the token and the key.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { EXIT, parseCli } from "../../src/cli/args.ts";
import { rotateKey } from "../../src/cli/keys_rotate.ts";
import type { Io } from "../../src/cli/keys_common.ts";
import {
  assertAbsent,
  assertNoStack,
  newKeyText,
  PLAIN_CONFIG,
  type Run,
  runCli,
  TOKEN,
  withTempDir,
  writeKeyFile,
} from "./helpers.ts";

const KEY_FILE = ".proxmox_mcp_key";

async function readKey(path: string): Promise<string> {
  return (await Deno.readTextFile(path)).trim();
}

async function listDir(dir: string): Promise<string[]> {
  const out = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

function clean(run: Run, ...secrets: string[]) {
  assertAbsent(run, TOKEN, "the token");
  for (const s of secrets) assertAbsent(run, s, "the key");
  assertNoStack(run);
}

Deno.test("three commands: generate-key, encrypt-config, then the server loads it", async () => {
  await withTempDir(async (home) => {
    await Deno.writeTextFile(`${home}/config.json`, PLAIN_CONFIG);
    const gen = await runCli(["generate-key"], { home });
    assertEquals(gen.code, EXIT.OK, gen.stderr);
    const key = await readKey(`${home}/${KEY_FILE}`);
    clean(gen, key);
    if (Deno.build.os !== "windows") {
      assertEquals((await Deno.stat(`${home}/${KEY_FILE}`)).mode! & 0o777, 0o600);
    }
    assertStringIncludes(gen.stderr, "encrypt-config");

    const enc = await runCli(["encrypt-config", "config.json"], { home });
    assertEquals(enc.code, EXIT.OK, enc.stderr);
    clean(enc, key);
    assertStringIncludes(enc.stdout, "auth.token_value: encrypted now");
    const after = await Deno.readTextFile(`${home}/config.json`);
    const value = JSON.parse(after).auth.token_value as string;
    assert(value.startsWith("enc:v1:k:"), value);
    // Byte for byte: only the token's literal changed (tabs, spacing, ${VAR} untouched).
    assertEquals(after, PLAIN_CONFIG.replace(TOKEN, value));
    const backups = (await listDir(home)).filter((n) => n.startsWith("config.json.bak-"));
    assertEquals(backups.length, 1);
    assertEquals(await Deno.readTextFile(`${home}/${backups[0]}`), PLAIN_CONFIG);

    // The server: decryption succeeds, so it gets as far as the (closed) port.
    const check = await runCli(["check", "--config", "config.json"], {
      home,
      env: { LOGFILE: `${home}/server.log` },
    });
    clean(check, key);
    const log = await Deno.readTextFile(`${home}/server.log`);
    assert(log.includes("DEBUG"), log);
    assert(!log.includes(TOKEN) && !log.includes(key), log);
    assertEquals(check.code, EXIT.UNREACHABLE, check.stderr);
    assert(!check.stderr.includes("invalid configuration"), check.stderr);

    const status = await runCli(["config-status", "config.json", "--json"], { home });
    assertEquals(status.code, EXIT.OK, status.stderr);
    clean(status, key);
    const report = JSON.parse(status.stdout);
    assertEquals(report.secrets[0].state, "encrypted");
    assertEquals(report.ok, true);
  });
});

Deno.test("server with a wrong or missing key: exit 3, field and variable named, no trace", async () => {
  await withTempDir(async (home) => {
    const key = newKeyText();
    await writeKeyFile(`${home}/${KEY_FILE}`, key);
    await Deno.writeTextFile(`${home}/config.json`, PLAIN_CONFIG);
    assertEquals((await runCli(["encrypt-config", "config.json"], { home })).code, EXIT.OK);
    await Deno.remove(`${home}/${KEY_FILE}`);
    const wrongKey = newKeyText();
    const wrong = await runCli(["check", "--config", "config.json"], {
      home,
      env: { PROXMOX_MCP_MASTER_KEY: wrongKey },
    });
    assertEquals(wrong.code, EXIT.CONFIG, wrong.stderr);
    clean(wrong, key, wrongKey);
    assertStringIncludes(wrong.stderr, "auth.token_value: cannot decrypt");
    assertStringIncludes(wrong.stderr, "PROXMOX_MCP_MASTER_KEY");
    const missing = await runCli(["check", "--config", "config.json"], { home });
    assertEquals(missing.code, EXIT.CONFIG, missing.stderr);
    clean(missing, key);
    assertStringIncludes(missing.stderr, "auth.token_value: is encrypted, but no key");
    const status = await runCli(["config-status", "config.json"], { home });
    assertEquals(status.code, EXIT.CONFIG);
    clean(status, key);
  });
});

Deno.test("generate-key: refuses to overwrite; --force keeps a backup; --print alone writes nothing", async () => {
  await withTempDir(async (home) => {
    const key = newKeyText();
    await writeKeyFile(`${home}/${KEY_FILE}`, key);
    const refused = await runCli(["generate-key"], { home });
    assertEquals(refused.code, EXIT.FAILED);
    assertStringIncludes(refused.stderr, "--force");
    assertEquals(await readKey(`${home}/${KEY_FILE}`), key);
    const forced = await runCli(["generate-key", "--force"], { home });
    assertEquals(forced.code, EXIT.OK, forced.stderr);
    const fresh = await readKey(`${home}/${KEY_FILE}`);
    clean(forced, key, fresh);
    assert(fresh !== key);
    const backup = (await listDir(home)).find((n) => n.startsWith(`${KEY_FILE}.bak-`))!;
    assertEquals(await readKey(`${home}/${backup}`), key);

    const printed = await runCli(["generate-key", "--print", "--key-file", "other.key"], { home });
    assertEquals(printed.code, EXIT.OK, printed.stderr);
    assertEquals(printed.stdout.trim(), await readKey(`${home}/other.key`));
    const before = await listDir(home);
    const only = await runCli(["generate-key", "--print"], { home });
    assertEquals(only.code, EXIT.OK);
    assertEquals(only.stdout.trim().length, 43);
    assertEquals(await listDir(home), before);
  });
});

Deno.test("encrypt-config: ${VAR} reference left alone and reported; -o keeps the source", async () => {
  await withTempDir(async (home) => {
    const key = newKeyText();
    await writeKeyFile(`${home}/${KEY_FILE}`, key);
    const ref = PLAIN_CONFIG.replace(TOKEN, "${PVE_TOKEN}");
    await Deno.writeTextFile(`${home}/ref.json`, ref);
    const r = await runCli(["encrypt-config", "ref.json"], { home });
    assertEquals(r.code, EXIT.OK, r.stderr);
    assertStringIncludes(r.stdout, "auth.token_value: left alone: a ${VAR} reference");
    assertEquals(await Deno.readTextFile(`${home}/ref.json`), ref);

    await Deno.writeTextFile(`${home}/plain.json`, PLAIN_CONFIG);
    const o = await runCli(["encrypt-config", "plain.json", "-o", "enc.json"], { home });
    assertEquals(o.code, EXIT.OK, o.stderr);
    clean(o, key);
    assertEquals(await Deno.readTextFile(`${home}/plain.json`), PLAIN_CONFIG);
    assert(!(await Deno.readTextFile(`${home}/enc.json`)).includes(TOKEN));
    const again = await runCli(["encrypt-config", "plain.json", "-o", "enc.json"], { home });
    assertEquals(again.code, EXIT.FAILED);
    assertStringIncludes(again.stderr, "--force");
  });
});

Deno.test("encrypt-config refuses a group-readable key file and changes nothing", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await withTempDir(async (home) => {
    const key = newKeyText();
    await writeKeyFile(`${home}/${KEY_FILE}`, key, 0o644);
    await Deno.writeTextFile(`${home}/config.json`, PLAIN_CONFIG);
    const r = await runCli(["encrypt-config", "config.json"], { home });
    assertEquals(r.code, EXIT.CONFIG);
    clean(r, key);
    assertStringIncludes(r.stderr, `chmod 600 ${home}/${KEY_FILE}`);
    assertEquals(await Deno.readTextFile(`${home}/config.json`), PLAIN_CONFIG);
    assertEquals(await listDir(home), [KEY_FILE, "config.json"]);
  });
});

Deno.test("passphrase path through the CLI (PBKDF2 values), then status", async () => {
  await withTempDir(async (home) => {
    const pass = "correct horse battery staple";
    await Deno.writeTextFile(`${home}/config.json`, PLAIN_CONFIG);
    const env = { PROXMOX_MCP_PASSPHRASE: pass };
    const r = await runCli(["encrypt-config", "config.json"], { home, env });
    assertEquals(r.code, EXIT.OK, r.stderr);
    clean(r, pass);
    const value = JSON.parse(await Deno.readTextFile(`${home}/config.json`)).auth.token_value;
    assert(value.startsWith("enc:v1:p:600000:"), value);
    const ok = await runCli(["config-status", "config.json"], { home, env });
    assertEquals(ok.code, EXIT.OK, ok.stdout + ok.stderr);
    const bad = await runCli(["config-status", "config.json"], {
      home,
      env: { PROXMOX_MCP_PASSPHRASE: "not the passphrase" },
    });
    assertEquals(bad.code, EXIT.CONFIG);
    clean(bad, pass);
    assertStringIncludes(bad.stdout, "passphrase from PROXMOX_MCP_PASSPHRASE is not the one");
  });
});

async function encryptedDir(home: string, key: string, names: string[]) {
  await writeKeyFile(`${home}/${KEY_FILE}`, key);
  await Deno.mkdir(`${home}/configs`);
  for (const n of names) {
    await Deno.writeTextFile(`${home}/configs/${n}`, PLAIN_CONFIG);
    const r = await runCli(["encrypt-config", `configs/${n}`], { home });
    assertEquals(r.code, EXIT.OK, r.stderr);
  }
  for (const n of await listDir(`${home}/configs`)) {
    if (n.includes(".bak-")) await Deno.remove(`${home}/configs/${n}`);
  }
}

async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const n of await listDir(dir)) {
    const info = await Deno.stat(`${dir}/${n}`);
    if (info.isFile) out.set(n, await Deno.readTextFile(`${dir}/${n}`));
  }
  return out;
}

Deno.test("rotate-key: one undecryptable file → nothing changed anywhere (bytes compared)", async () => {
  await withTempDir(async (home) => {
    const key = newKeyText();
    await encryptedDir(home, key, ["a.json", "b.json", "c.json"]);
    // b.json's value moves to another field: it can no longer be decrypted there.
    const b = await Deno.readTextFile(`${home}/configs/b.json`);
    const value = JSON.parse(b).auth.token_value;
    const moved = JSON.stringify({ clusters: { lab: { auth: { token_value: value } } } });
    await Deno.writeTextFile(`${home}/configs/b.json`, moved);
    const before = await snapshot(`${home}/configs`);
    const keyBefore = await snapshot(home);
    const r = await runCli(["rotate-key", "configs"], { home });
    assertEquals(r.code, EXIT.CONFIG, r.stdout + r.stderr);
    clean(r, key);
    assertStringIncludes(r.stderr, "nothing was changed");
    assertStringIncludes(r.stderr, "configs/b.json: clusters.lab.auth.token_value");
    assert(!r.stderr.includes("a.json"), r.stderr);
    assertEquals(await snapshot(`${home}/configs`), before);
    assertEquals(await snapshot(home), keyBefore);
  });
});

Deno.test("rotate-key: a directory, key file replaced, old key kept; old key no longer opens", async () => {
  await withTempDir(async (home) => {
    const key = newKeyText();
    await encryptedDir(home, key, ["a.json", "b.json"]);
    await Deno.writeTextFile(`${home}/configs/notes.json`, '{"x": 1}');
    const before = await snapshot(`${home}/configs`);
    const r = await runCli(["rotate-key", "configs"], { home });
    assertEquals(r.code, EXIT.OK, r.stdout + r.stderr);
    const fresh = await readKey(`${home}/${KEY_FILE}`);
    clean(r, key, fresh);
    assert(fresh !== key);
    const oldCopy = (await listDir(home)).find((n) => n.startsWith(`${KEY_FILE}.bak-`))!;
    assertEquals(await readKey(`${home}/${oldCopy}`), key);
    for (const n of ["a.json", "b.json"]) {
      const text = await Deno.readTextFile(`${home}/configs/${n}`);
      const v = JSON.parse(text).auth.token_value;
      assertEquals(text, PLAIN_CONFIG.replace(TOKEN, v)); // only the value changed
      const backup = (await listDir(`${home}/configs`)).find((f) => f.startsWith(`${n}.bak-`))!;
      assertEquals(await Deno.readTextFile(`${home}/configs/${backup}`), before.get(n));
      const status = await runCli(["config-status", `configs/${n}`], { home });
      assertEquals(status.code, EXIT.OK, status.stdout);
      const old = await runCli(["config-status", `configs/${n}`], {
        home,
        env: { PROXMOX_MCP_MASTER_KEY: key },
      });
      assertEquals(old.code, EXIT.CONFIG);
    }
    assertEquals(await Deno.readTextFile(`${home}/configs/notes.json`), '{"x": 1}');
  });
});

Deno.test("rotate-key: a write failing midway restores the files already replaced", async () => {
  await withTempDir(async (home) => {
    const key = newKeyText();
    await encryptedDir(home, key, ["a.json", "b.json", "c.json"]);
    const before = await snapshot(`${home}/configs`);
    const lines: string[] = [];
    const io: Io = {
      env: (k) => (k === "HOME" ? home : undefined),
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    };
    const cli = parseCli(["rotate-key", `${home}/configs`, "--new-key-file", `${home}/new.key`]);
    const code = await rotateKey(cli, io, {
      beforeRename: (_tmp, file) => {
        if (file.endsWith("c.json")) throw new Error("disk full (simulated)");
      },
    });
    assertEquals(code, EXIT.FAILED);
    const text = lines.join("\n");
    assertStringIncludes(text, "every file was restored");
    assert(!text.includes(TOKEN) && !text.includes(key));
    const after = await snapshot(`${home}/configs`);
    for (const [name, content] of before) assertEquals(after.get(name), content, name);
    assertEquals(await readKey(`${home}/${KEY_FILE}`), key);
  });
});
