/** Load-time decryption: through loadConfig, errors per field, lazy key lookup. */

import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { loadConfig, parseConfigText } from "../../src/config/load.ts";
import { makeDecrypter } from "../../src/crypto/config_secrets.ts";
import { KeySources, MASTER_KEY_ENV } from "../../src/crypto/keys.ts";
import { masterKeyEncrypter } from "../../src/crypto/secret.ts";
import { newKeyText, TOKEN, withTempDir, writeKeyFile } from "./helpers.ts";

async function encryptedToken(keyText: string, path = "auth.token_value") {
  const keys = new KeySources({ env: (k) => (k === MASTER_KEY_ENV ? keyText : undefined) });
  return await masterKeyEncrypter((await keys.masterKey())!).encrypt(TOKEN, path);
}

const configText = (token: string) =>
  JSON.stringify({
    proxmox: { host: "pve.lan" },
    auth: { user: "mcp@pve", token_name: "mcp", token_value: token },
  });

Deno.test("no enc: value → no key is looked for at all", async () => {
  const asked: string[] = [];
  const env = (k: string) => {
    asked.push(k);
    return undefined;
  };
  const cfg = await parseConfigText(configText("plain-token"), {
    env: () => undefined,
    decrypt: makeDecrypter({ env, keyFile: "/nonexistent/key" }),
  });
  assertEquals(cfg.auth.token_value, "plain-token");
  assertEquals(asked, []);
});

Deno.test("loadConfig decrypts with the key file; token in place", async () => {
  await withTempDir(async (dir) => {
    const keyText = newKeyText();
    await writeKeyFile(`${dir}/key`, keyText);
    await Deno.writeTextFile(`${dir}/c.json`, configText(await encryptedToken(keyText)));
    const cfg = await loadConfig({
      path: `${dir}/c.json`,
      env: () => undefined,
      decrypt: makeDecrypter({ keyFile: `${dir}/key`, env: () => undefined }),
    });
    assertEquals(cfg.auth.token_value, TOKEN);
  });
});

Deno.test("an enc: value arriving via ${VAR} substitution is decrypted too", async () => {
  const keyText = newKeyText();
  const value = await encryptedToken(keyText);
  const env = (k: string) => (k === "TOKEN" ? value : k === MASTER_KEY_ENV ? keyText : undefined);
  const cfg = await parseConfigText(configText("${TOKEN}"), {
    env,
    decrypt: makeDecrypter({ env, keyFile: "/nonexistent/key" }),
  });
  assertEquals(cfg.auth.token_value, TOKEN);
});

Deno.test("wrong or missing key: one ConfigError naming the field and the variable", async () => {
  const value = await encryptedToken(newKeyText());
  for (
    const env of [(k: string) => (k === MASTER_KEY_ENV ? newKeyText() : undefined), () => undefined]
  ) {
    const e = await assertRejects(
      () =>
        parseConfigText(configText(value), {
          env: () => undefined,
          decrypt: makeDecrypter({ env, interactive: false, keyFile: undefined }),
        }),
      ConfigError,
    );
    assertEquals(e.problems.length, 1);
    assertEquals(e.problems[0].path, "auth.token_value");
    assert(e.message.includes(MASTER_KEY_ENV), e.message);
    assert(!e.message.includes(TOKEN));
  }
});

Deno.test("enc: value at a non-secret path is refused by name", async () => {
  const keyText = newKeyText();
  const text = JSON.stringify({
    proxmox: { host: await encryptedToken(keyText, "proxmox.host") },
    auth: { user: "mcp@pve", token_name: "mcp", token_value: "t" },
  });
  const env = (k: string) => (k === MASTER_KEY_ENV ? keyText : undefined);
  const e = await assertRejects(
    () => parseConfigText(text, { env: () => undefined, decrypt: makeDecrypter({ env }) }),
    ConfigError,
  );
  assertEquals(e.problems[0].path, "proxmox.host");
});

Deno.test("key file readable by group/others is refused with the chmod to run", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await withTempDir(async (dir) => {
    const keyText = newKeyText();
    const value = await encryptedToken(keyText);
    for (const mode of [0o644, 0o640, 0o604]) {
      await writeKeyFile(`${dir}/key`, keyText, mode);
      const e = await assertRejects(
        () =>
          parseConfigText(configText(value), {
            env: () => undefined,
            decrypt: makeDecrypter({ keyFile: `${dir}/key`, env: () => undefined }),
          }),
        ConfigError,
      );
      assert(e.message.includes(`chmod 600 ${dir}/key`), e.message);
      assert(e.message.includes(`0${mode.toString(8)}`), e.message);
      assert(!e.message.includes(keyText));
    }
    await Deno.chmod(`${dir}/key`, 0o400);
    const cfg = await parseConfigText(configText(value), {
      env: () => undefined,
      decrypt: makeDecrypter({ keyFile: `${dir}/key`, env: () => undefined }),
    });
    assertEquals(cfg.auth.token_value, TOKEN);
  });
});

Deno.test("default key file is ~/.proxmox_mcp_key; an explicit missing --key-file is an error", async () => {
  await withTempDir(async (dir) => {
    const keyText = newKeyText();
    await writeKeyFile(`${dir}/.proxmox_mcp_key`, keyText);
    const value = await encryptedToken(keyText);
    const env = (k: string) => (k === "HOME" || k === "USERPROFILE" ? dir : undefined);
    const cfg = await parseConfigText(configText(value), {
      env: () => undefined,
      decrypt: makeDecrypter({ env }),
    });
    assertEquals(cfg.auth.token_value, TOKEN);
    const e = await assertRejects(
      () =>
        parseConfigText(configText(value), {
          env: () => undefined,
          decrypt: makeDecrypter({ env, keyFile: `${dir}/missing` }),
        }),
      ConfigError,
    );
    assert(e.message.includes("does not exist") && e.message.includes("generate-key"), e.message);
  });
});
