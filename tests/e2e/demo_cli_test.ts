/**
 * The demo with a configuration and a token role, and the CLI frictions of
 * issue 21: `--demo --config FILE` applies every section but the connection,
 * `--demo --token ROLE` fits the tool list, a refused `call` says it once,
 * `tools` keeps its columns, `healthcheck` takes a bare address, and the
 * unreachable-PVE error names the configured port.
 *
 * @module
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { runCli } from "../support/harness.ts";
import { DEMO_TOKEN_ROLES } from "../../src/cli/args.ts";
import { DEMO_ROLES, demoToken, startDemo } from "../../src/demo.ts";
import { healthUrl } from "../../src/cli/healthcheck.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { assertRejects } from "../support/assert.ts";
import { ALL_TOOLS } from "../../src/tools/index.ts";

/** How many tools a toolset has: `check` prints usable/all per toolset. */
const toolsetSize = (toolset: string) => ALL_TOOLS.filter((t) => t.toolset === toolset).length;

async function withFile<T>(doc: unknown, fn: (path: string, dir: string) => Promise<T>) {
  const dir = await Deno.makeTempDir({ prefix: "demo-cli-" });
  try {
    const path = `${dir}/config.json`;
    await Deno.writeTextFile(path, typeof doc === "string" ? doc : JSON.stringify(doc));
    return await fn(path, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("--demo --config: protection and the audit file of the file apply; its cluster does not", async () => {
  await withFile({}, async (_, dir) => {
    const doc = {
      proxmox: { host: "pve.invalid", port: 8006 },
      auth: { user: "x@pve", token_name: "x", token_value: "${NOT_SET_ANYWHERE}" },
      safety: { protected_vmids: [100] },
      audit: { file: `${dir}/audit.jsonl` },
    };
    await Deno.writeTextFile(`${dir}/c.json`, JSON.stringify(doc));
    const r = await runCli([
      "--demo",
      "--config",
      `${dir}/c.json`,
      "call",
      "guest_power",
      "--args",
      '{"action":"start","node":"pve1","vmid":100}',
    ]);
    assertEquals(r.code, 1, r.stderr);
    assertStringIncludes(r.stderr, "protected by this server's configuration");
    assertStringIncludes(r.stderr, "proxmox, auth ignored");
    const line = JSON.parse((await Deno.readTextFile(`${dir}/audit.jsonl`)).trim());
    assertEquals([line.tool, line.outcome, line.target.vmid], ["guest_power", "refused", 100]);
    // The refusal is printed once, not echoed again by the log line.
    assertEquals(r.stderr.split("protected by this server's configuration").length - 1, 1);
  });
});

Deno.test("--demo --config: the file's tools section replaces the demo's opt-ins", async () => {
  await withFile({ tools: { read_only: true } }, async (path) => {
    const r = await runCli(["--demo", "--config", path, "tools", "--json"]);
    assertEquals(r.code, 0, r.stderr);
    const names: string[] = JSON.parse(r.stdout).map((t: { name: string }) => t.name);
    assert(names.includes("get_nodes"));
    assert(!names.includes("guest_power") && !names.includes("create_vm"), names.join(","));
  });
});

Deno.test("--demo --config: a bad section is refused with its path, nothing starts", async () => {
  await withFile({ safety: { protected_vmids: ["abc"] } }, async (path) => {
    const r = await runCli(["--demo", "--config", path, "check"]);
    assertEquals(r.code, 3, r.stderr);
    assertStringIncludes(r.stderr, "safety.protected_vmids");
  });
  const missing = await runCli(["--demo", "--config", "/nonexistent/c.json", "check"]);
  assertEquals(missing.code, 3);
  assertStringIncludes(missing.stderr, "/nonexistent/c.json does not exist");
  await assertRejects(() => startDemo({ file: { text: "[1]", source: "x.json" } }), ConfigError);
});

Deno.test("--demo --token: the role's privileges fit the tool list", async () => {
  const auditor = await runCli(["--demo", "--token", "auditor", "check"]);
  assertEquals(auditor.code, 0, auditor.stderr);
  assertStringIncludes(auditor.stdout, "mcp@pve!auditor");
  const [life, prov] = [toolsetSize("lifecycle"), toolsetSize("provisioning")];
  assert(new RegExp(`lifecycle\\s+0/${life}\\s`).test(auditor.stdout), auditor.stdout);
  const operator = await runCli(["--demo", "--token", "operator", "check"]);
  assert(new RegExp(`lifecycle\\s+${life}/${life}\\s`).test(operator.stdout), operator.stdout);
  assert(!new RegExp(`provisioning\\s+${prov}/${prov}\\s`).test(operator.stdout), operator.stdout);
  const admin = await runCli(["--demo", "--token", "admin", "check"]);
  assert(new RegExp(`provisioning\\s+${prov}/${prov}\\s`).test(admin.stdout), admin.stdout);
  // A refused stop: the auditor may not, and says so before anything is sent.
  const stop = await runCli([
    "--demo",
    "--token",
    "auditor",
    "call",
    "guest_power",
    "--args",
    '{"action":"stop","node":"pve1","vmid":100,"confirm":true}',
  ]);
  assertEquals(stop.code, 1);
  assertStringIncludes(stop.stderr, "VM.PowerMgmt");
});

Deno.test("--token: refused without --demo and for an unknown role (usage error)", async () => {
  const bogus = await runCli(["--demo", "--token", "root", "check"]);
  assertEquals(bogus.code, 2);
  assertStringIncludes(
    bogus.stderr,
    '--token "root" is not a demo role: use auditor, operator, admin',
  );
  const real = await runCli(["--token", "auditor", "check"]);
  assertEquals(real.code, 2);
  assertStringIncludes(real.stderr, "--token only applies to --demo");
  assertEquals([...DEMO_TOKEN_ROLES], [...DEMO_ROLES]);
  assertEquals(new Set(DEMO_ROLES.map((r) => demoToken(r).secret)).size, 3);
});

Deno.test("tools: every column starts at the same place, however long the names", async () => {
  const r = await runCli(["--demo", "tools"]);
  const rows = r.stdout.split("\n").filter((l) => /^[a-z_]+ {2,}/.test(l));
  assert(rows.some((l) => l.startsWith("suggest_resource_optimization ")));
  // Where the second and third columns start on each row.
  const starts = new Set(
    rows.map((l) => /^(\S+ +\S+ +)/.exec(l)?.[1].length + ":" + /^(\S+ +)/.exec(l)?.[1].length),
  );
  assertEquals(starts.size, 1, rows.join("\n"));
  // The demo enables every toolset: one row per tool, or a long name broke the row pattern.
  assertEquals(rows.map((l) => l.split(" ")[0]).sort(), ALL_TOOLS.map((t) => t.name).sort());
});

Deno.test("healthcheck: a bare address means its /healthz; other paths are kept; junk refused", async () => {
  assertEquals(healthUrl("http://127.0.0.1:18080"), "http://127.0.0.1:18080/healthz");
  assertEquals(healthUrl("http://127.0.0.1:18080/"), "http://127.0.0.1:18080/healthz");
  assertEquals(healthUrl("http://h:1/healthz"), "http://h:1/healthz");
  assertEquals(healthUrl("http://h:1/custom/health"), "http://h:1/custom/health");
  assertEquals(healthUrl(), "http://127.0.0.1:8080/healthz");
  const junk = await runCli(["healthcheck", "127.0.0.1 8080"]);
  assertEquals(junk.code, 2);
  assertStringIncludes(junk.stderr, "is not a URL");
  const ftp = await runCli(["healthcheck", "ftp://127.0.0.1:8080"]);
  assertEquals(ftp.code, 2);
  const help = await runCli(["--help"]);
  assertStringIncludes(help.stdout, "healthcheck [URL]");
});

Deno.test("unreachable PVE: the error names the configured port, not 8006", async () => {
  // A port nothing listens on (just released by the OS).
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const r = await runCli(["call", "get_nodes"], {
    PROXMOX_HOST: "127.0.0.1",
    PROXMOX_PORT: String(port),
    PROXMOX_USER: "mcp@pve",
    PROXMOX_TOKEN_NAME: "mcp",
    PROXMOX_TOKEN_VALUE: "0c6a3f57-93d1-4b8e-a2f4-5d7e9b1c3a60",
  });
  assertEquals(r.code, 1, r.stderr);
  assertStringIncludes(r.stderr, `port ${port} is reachable`);
  assert(!r.stderr.includes("port 8006"), r.stderr);
  assert(!r.stderr.includes("0c6a3f57-93d1"), "the secret leaked");
});
