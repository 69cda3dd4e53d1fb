import { assert, assertEquals, assertRejects, assertStringIncludes } from "../support/assert.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { Redactor } from "../../src/log.ts";
import { parseAnswer } from "../../src/proxmox/answer.ts";

const S = "f00dfeed-1234-4cde-8abc-0123456789ab";
const HOST = `"proxmox":{"host":"pve.lan"}`;
const AUTH = `"auth":{"user":"mcp@pve","token_name":"mcp","token_value":"${S}"}`;

/** No 8-character run of the secret anywhere in the text. */
function assertNoFragment(text: string, secret = S) {
  for (let i = 0; i + 8 <= secret.length; i++) {
    assert(!text.includes(secret.slice(i, i + 8)), `"${secret.slice(i, i + 8)}" shown in: ${text}`);
  }
}

const misplaced: Record<string, string> = {
  "the whole auth section as the token": `{${HOST},"auth":"${S}"}`,
  "a bare string in http.tokens": `{${HOST},${AUTH},"http":{"tokens":["${S}"]}}`,
  "http.tokens as a string": `{${HOST},${AUTH},"http":{"tokens":"${S}"}}`,
  "a cluster as a string": `{"clusters":{"lab":"${S}"}}`,
  "the token unquoted (not JSON)": `{${HOST},"auth": ${S}}`,
  "the token unquoted at the start": `{"auth": abc${S}}`,
  "the token pasted as the host too": `{"proxmox":{"host":"${S}x/"},${AUTH}}`,
  "the state key wrong": `{${HOST},${AUTH},"mcp":{"state_key":"${S}"}}`,
};

for (const [name, text] of Object.entries(misplaced)) {
  Deno.test(`config error never shows a misplaced secret: ${name}`, async () => {
    const e = await assertRejects(
      () => parseConfigText(text, { env: () => undefined }),
      ConfigError,
    );
    assertNoFragment(e.message);
    assert(e.problems.length > 0);
  });
}

Deno.test("config error still says where and what", async () => {
  const e = await assertRejects(
    () => parseConfigText(`{${HOST},"auth":"${S}"}`, { env: () => undefined }),
    ConfigError,
  );
  assertStringIncludes(e.message, "auth: (value hidden: a secret belongs here or below)");
  assertStringIncludes(e.message, "expected object");
  const j = await assertRejects(
    () => parseConfigText(`{\n"auth": {"token_value": "${S}\n"}}`, { env: () => undefined }),
    ConfigError,
  );
  assertStringIncludes(j.message, "is not valid JSON (line 2, column");
});

Deno.test("redactor: any 8-character fragment of a long secret is redacted, short words are not", () => {
  const r = new Redactor();
  r.add(S);
  r.add("pw12"); // short secrets: whole matches only
  assertEquals(r.redact(`a ${S} b`), "a [REDACTED] b");
  for (const cut of [S.slice(0, 31), S.slice(5), S.slice(10, 20), encodeURIComponent(S).slice(3)]) {
    assertNoFragment(r.redact(`body: ${cut}...`));
  }
  assertEquals(r.redact("pw1 pw12 pw123"), "pw1 [REDACTED] [REDACTED]3");
  assertEquals(r.redact("node pve1 f00d 1234-4c"), "node pve1 f00d 1234-4c", "short runs stay");
});

Deno.test("a non-JSON PVE body holding the token: the error, once redacted, shows none of it", () => {
  const r = new Redactor();
  r.add(S);
  let message = "";
  try {
    parseAnswer(200, "OK", `PVEAPIToken=${S} <html>`, {
      method: "GET",
      path: "/nodes",
    });
  } catch (e) {
    message = (e as Error).message;
  }
  assertStringIncludes(message, "not JSON");
  assertNoFragment(r.redact(message));
});
