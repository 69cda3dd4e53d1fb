import { assert, assertEquals, assertRejects, assertStringIncludes } from "../support/assert.ts";
import { loadConfig, parseConfigText } from "../../src/config/load.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { substituteEnv } from "../../src/config/env.ts";

const SECRET = "8d3f2a1c-5b6e-4f70-9a8b-0c1d2e3f4a5b";
const envOf = (vars: Record<string, string>) => (k: string) => vars[k];
const base = (extra = "") =>
  `{"proxmox":{"host":"pve.lan"${extra}},"auth":{"user":"mcp@pve","token_name":"mcp","token_value":"${SECRET}"}}`;

async function problems(text: string, env: Record<string, string> = {}): Promise<string> {
  const e = await assertRejects(() => parseConfigText(text, { env: envOf(env) }), ConfigError);
  return e.message;
}

Deno.test("substituteEnv replaces ${VAR} and ${VAR:-default}, reports missing", () => {
  const env = envOf({ A: "1" });
  assertEquals(substituteEnv("x${A}y${B:-2}z", env), { value: "x1y2z", missing: [] });
  assertEquals(substituteEnv("${C}", env), { value: "", missing: ["C"] });
  // An empty variable falls back to the default, like the shell's :- does.
  assertEquals(substituteEnv("${E:-d}", envOf({ E: "" })).value, "d");
});

Deno.test("seed config with defaults: port 8006, verify_ssl on, INFO", async () => {
  const cfg = await parseConfigText(base(), { env: envOf({}) });
  assertEquals(cfg.proxmox.port, 8006);
  assertEquals(cfg.proxmox.verify_ssl, true);
  assertEquals(cfg.proxmox.timeout_ms, 30000);
  assertEquals(cfg.logging.level, "INFO");
  assertEquals(cfg.tools.read_only, false);
});

Deno.test("numbers and booleans from ${VAR} are coerced", async () => {
  const cfg = await parseConfigText(
    base(`,"port":"\${P}","verify_ssl":"\${V}","timeout_ms":"\${T:-5000}"`),
    { env: envOf({ P: "8007", V: "false" }) },
  );
  assertEquals(cfg.proxmox.port, 8007);
  assertEquals(cfg.proxmox.verify_ssl, false);
  assertEquals(cfg.proxmox.timeout_ms, 5000);
});

Deno.test("unknown keys get a did-you-mean hint", async () => {
  const msg = await problems(base(`,"verfy_ssl":true`));
  assertStringIncludes(
    msg,
    `proxmox.verfy_ssl: is not a known setting: did you mean "verify_ssl"?`,
  );
});

Deno.test("a missing token names the field and the variable, and leaks nothing", async () => {
  const msg = await problems(
    `{"proxmox":{"host":"h"},"auth":{"user":"mcp@pve","token_name":"mcp"}}`,
  );
  assertStringIncludes(msg, "auth.token_value: is missing: set it or PROXMOX_TOKEN_VALUE");
});

Deno.test("a bad token value type is reported without echoing the value", async () => {
  const msg = await problems(
    `{"proxmox":{"host":"h"},"auth":{"user":"mcp@pve","token_name":"mcp","token_value":123456789}}`,
  );
  assertStringIncludes(msg, "auth.token_value: (secret value hidden)");
  assert(!msg.includes("123456789"));
});

Deno.test("each bad value is named with its value and the rule", async () => {
  const msg = await problems(
    base(`,"port":70000,"verify_ssl":"maybe"`).replace('"mcp@pve"', '"mcp"'),
  );
  assertStringIncludes(msg, "proxmox.port: 70000 is not valid: must be at most 65535");
  assertStringIncludes(msg, `proxmox.verify_ssl: "maybe" is not valid: expected true or false`);
  assertStringIncludes(msg, `auth.user: "mcp" is not valid: must look like name@realm`);
});

Deno.test("an unset ${VAR} without default is an error naming both", async () => {
  const msg = await problems(`{"proxmox":{"host":"\${PVE_HOST_X}"}}`);
  assertStringIncludes(msg, "proxmox.host: refers to ${PVE_HOST_X}, which is not set");
});

Deno.test("invalid JSON and non-objects are refused", async () => {
  assertStringIncludes(await problems("{"), "is not valid JSON");
  assertStringIncludes(await problems("[]"), "must be a JSON object");
});

Deno.test("environment alone configures the server", async () => {
  const cfg = await loadConfig({
    env: envOf({
      PROXMOX_HOST: "10.0.0.5",
      PROXMOX_PORT: "8443",
      PROXMOX_VERIFY_SSL: "false",
      PROXMOX_USER: "mcp@pve",
      PROXMOX_TOKEN_NAME: "mcp",
      PROXMOX_TOKEN_VALUE: SECRET,
      LOG_LEVEL: "debug",
    }),
  });
  assertEquals(cfg.proxmox.host, "10.0.0.5");
  assertEquals(cfg.proxmox.port, 8443);
  assertEquals(cfg.proxmox.verify_ssl, false);
  assertEquals(cfg.logging.level, "DEBUG");
});

Deno.test("env fills what a file leaves out; the file wins otherwise", async () => {
  const cfg = await parseConfigText(
    `{"proxmox":{"host":"file-host"},"auth":{"user":"a@pve","token_name":"tk"}}`,
    {
      env: envOf({ PROXMOX_HOST: "env-host", PROXMOX_TOKEN_VALUE: SECRET }),
    },
  );
  assertEquals(cfg.proxmox.host, "file-host");
  assertEquals(cfg.auth.token_value, SECRET);
});

Deno.test("no configuration at all says how to give one, including demo mode", async () => {
  const e = await assertRejects(() => loadConfig({ env: envOf({}) }), ConfigError);
  assertStringIncludes(e.message, "--config FILE");
  assertStringIncludes(e.message, "--demo");
});

Deno.test("a config path that does not exist is named", async () => {
  const e = await assertRejects(
    () => loadConfig({ path: "/nonexistent/pmcp.json", env: envOf({}) }),
    ConfigError,
  );
  assertStringIncludes(e.message, "/nonexistent/pmcp.json does not exist");
});

Deno.test("PROXMOX_MCP_CONFIG is used when --config is absent", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/c.json`, base());
    const cfg = await loadConfig({ env: envOf({ PROXMOX_MCP_CONFIG: `${dir}/c.json` }) });
    assertEquals(cfg.proxmox.host, "pve.lan");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("log level accepts seed spellings", async () => {
  const cfg = await parseConfigText(base().replace(/}$/, `,"logging":{"level":"warn"}}`), {
    env: envOf({}),
  });
  assertEquals(cfg.logging.level, "WARNING");
});
