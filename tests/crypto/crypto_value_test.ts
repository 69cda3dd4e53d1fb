/**
 * One value: round trip, tampering (every bit region), wrong key, moved
 * value, malformed and future formats, passphrase values.
 */

import { assert, assertEquals, assertRejects, assertThrows } from "../support/assert.ts";
import { fromBase64, parseEnvelope, toBase64Url, V1 } from "../../src/crypto/format.ts";
import {
  decodeKey,
  keyFromBytes,
  KeySources,
  MASTER_KEY_ENV,
  PASSPHRASE_ENV,
} from "../../src/crypto/keys.ts";
import {
  DecryptError,
  decryptValue,
  masterKeyEncrypter,
  passphraseEncrypter,
} from "../../src/crypto/secret.ts";
import { newKeyText, TOKEN } from "./helpers.ts";

const PATH = "auth.token_value";

function envKeys(vars: Record<string, string>): KeySources {
  return new KeySources({ env: (k) => vars[k], interactive: false, keyFile: "/nonexistent/key" });
}

async function setup() {
  const keyText = newKeyText();
  const keys = envKeys({ [MASTER_KEY_ENV]: keyText });
  const enc = masterKeyEncrypter((await keys.masterKey())!);
  return { keyText, keys, enc };
}

/** Flips one bit of the base64url field `index` (0-based after "enc") of a k value. */
function flipBit(value: string, field: number, byte: number, bit = 0): string {
  const parts = value.split(":");
  const bytes = fromBase64(parts[field])!;
  bytes[byte] ^= 1 << bit;
  parts[field] = toBase64Url(bytes);
  return parts.join(":");
}

Deno.test("round trip: master key, unicode and empty-ish values", async () => {
  const { keys, enc } = await setup();
  for (const plain of [TOKEN, "ünïcødé ✓ 🔑", "x"]) {
    const value = await enc.encrypt(plain, PATH);
    assert(value.startsWith("enc:v1:k:"));
    if (plain === TOKEN) assert(!value.includes(plain)); // short strings can occur in base64 by chance
    assertEquals(await decryptValue(value, PATH, keys), plain);
  }
});

Deno.test("each encryption uses a fresh IV", async () => {
  const { enc } = await setup();
  const a = parseEnvelope(await enc.encrypt(TOKEN, PATH));
  const b = parseEnvelope(await enc.encrypt(TOKEN, PATH));
  assertEquals(a.iv.length, V1.IV_BYTES);
  assert(toBase64Url(a.iv) !== toBase64Url(b.iv));
  assert(toBase64Url(a.ct) !== toBase64Url(b.ct));
});

Deno.test("tamper: one flipped bit in IV, ciphertext, tag or key id is refused", async () => {
  const { keys, enc } = await setup();
  const value = await enc.encrypt(TOKEN, PATH);
  const ctLen = parseEnvelope(value).ct.length;
  const cases: Array<[string, string, string]> = [
    ["IV", flipBit(value, 4, 0), "altered"],
    ["IV last bit", flipBit(value, 4, 11, 7), "altered"],
    ["ciphertext", flipBit(value, 5, 0), "altered"],
    ["tag", flipBit(value, 5, ctLen - 1, 3), "altered"],
    ["key id", flipBit(value, 3, 2), "wrong-key"],
  ];
  for (const [what, bad, reason] of cases) {
    const e = await assertRejects(() => decryptValue(bad, PATH, keys), DecryptError);
    assertEquals(e.reason, reason, what);
    assert(!e.message.includes(TOKEN));
  }
});

Deno.test("tamper: changed AAD (another path) is refused: a value cannot be moved", async () => {
  const { keys, enc } = await setup();
  const value = await enc.encrypt(TOKEN, "clusters.lab.auth.token_value");
  for (
    const other of ["clusters.prod.auth.token_value", "auth.token_value", "http.tokens.0.token"]
  ) {
    const e = await assertRejects(() => decryptValue(value, other, keys), DecryptError);
    assertEquals(e.reason, "altered");
    assert(e.message.includes("moved here from another setting"));
  }
  assertEquals(await decryptValue(value, "clusters.lab.auth.token_value", keys), TOKEN);
});

Deno.test("wrong key: refused, naming the variable and both key ids", async () => {
  const { enc } = await setup();
  const value = await enc.encrypt(TOKEN, PATH);
  const other = newKeyText();
  const e = await assertRejects(
    () => decryptValue(value, PATH, envKeys({ [MASTER_KEY_ENV]: other })),
    DecryptError,
  );
  assertEquals(e.reason, "wrong-key");
  assert(e.message.includes(MASTER_KEY_ENV), e.message);
  assert(e.message.includes(toBase64Url(parseEnvelope(value).kid)), e.message);
  assert(!e.message.includes(other) && !e.message.includes(TOKEN));
});

Deno.test("wrong key with a colliding key id still fails authentication", async () => {
  const { enc } = await setup();
  const value = await enc.encrypt(TOKEN, PATH);
  // Force the same kid on another key: the GCM tag must still refuse it.
  const other = await keyFromBytes(decodeKey(newKeyText(), "t"), "other");
  other.kid = parseEnvelope(value).kid;
  const keys = new KeySources({ env: () => undefined, interactive: false, masterKey: other });
  const e = await assertRejects(() => decryptValue(value, PATH, keys), DecryptError);
  assertEquals(e.reason, "altered");
});

Deno.test("missing key: says what to set", async () => {
  const { enc } = await setup();
  const value = await enc.encrypt(TOKEN, PATH);
  const keys = new KeySources({ env: () => undefined, interactive: false });
  const e = await assertRejects(() => decryptValue(value, PATH, keys), DecryptError);
  assertEquals(e.reason, "no-key");
  assert(e.message.includes(MASTER_KEY_ENV) && e.message.includes("generate-key"), e.message);
});

Deno.test("malformed and future formats are reported, never echoed", async () => {
  const keys = envKeys({});
  const { enc } = await setup();
  const good = await enc.encrypt(TOKEN, PATH);
  const bad = [
    "enc:",
    "enc:v1:k:",
    "enc:v1:x:a:b:c",
    good + ":extra",
    good.replace("enc:v1:k:", "enc:v1:k:!"),
    good.split(":").slice(0, 5).join(":") + ":AAAA",
    "enc:v1:p:1000:AAAAAAAAAAAAAAAAAAAAAA:AAAAAAAA:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA",
  ];
  for (const text of bad) {
    const e = await assertRejects(() => decryptValue(text, PATH, keys), DecryptError);
    assertEquals(e.reason, "format", text);
  }
  const e = await assertRejects(() => decryptValue("enc:v2:zzz", PATH, keys), DecryptError);
  assert(e.message.includes("enc:v2") && e.message.includes("upgrade"), e.message);
});

Deno.test("key text: base64 and base64url accepted, anything else refused", () => {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const url = toBase64Url(raw);
  const std = btoa(String.fromCharCode(...raw));
  assertEquals(decodeKey(url, "t"), raw);
  assertEquals(decodeKey(std, "t"), raw);
  assertEquals(decodeKey(` ${url}\n`, "t"), raw);
  assertThrows(() => decodeKey(url.slice(0, 20), "t"), Error);
  assertThrows(() => decodeKey("not a key at all, definitely not", "t"), Error);
});

Deno.test("passphrase: round trip with one derivation; wrong passphrase refused", async () => {
  const enc = await passphraseEncrypter("correct horse battery staple", PASSPHRASE_ENV);
  const a = await enc.encrypt(TOKEN, PATH);
  const b = await enc.encrypt("second", "clusters.x.auth.token_value");
  assert(a.startsWith(`enc:v1:p:${V1.MIN_ITERATIONS}:`), a);
  const env = parseEnvelope(a);
  assert(env.kind === "p" && env.salt.length === V1.SALT_BYTES);
  // Same run, same salt: the second value reuses the cached derived key.
  const keys = envKeys({ [PASSPHRASE_ENV]: "correct horse battery staple" });
  assertEquals(await decryptValue(a, PATH, keys), TOKEN);
  assertEquals(await decryptValue(b, "clusters.x.auth.token_value", keys), "second");
  const envB = parseEnvelope(b);
  assert(env.kind === "p" && envB.kind === "p");
  assert(
    keys.passphraseKey(env.salt, env.iterations) === keys.passphraseKey(envB.salt, envB.iterations),
  );
  const wrong = envKeys({ [PASSPHRASE_ENV]: "incorrect horse battery staple" });
  const e = await assertRejects(() => decryptValue(a, PATH, wrong), DecryptError);
  assertEquals(e.reason, "wrong-key");
  assert(e.message.includes(PASSPHRASE_ENV));
  const none = await assertRejects(() => decryptValue(a, PATH, envKeys({})), DecryptError);
  assert(none.message.includes(PASSPHRASE_ENV), none.message);
});
