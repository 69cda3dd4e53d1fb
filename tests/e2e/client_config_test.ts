/**
 * The README's "Connect a client" configurations, started exactly as written:
 * every npx form (Claude Desktop, Cursor, VS Code JSON and the `claude mcp add`
 * line) is parsed out of README.md, its placeholders replaced by this checkout
 * and a configuration for the simulator, and spawned over stdio from another
 * directory (as a client does); it must answer initialize and tools/list.
 *
 * @module
 */

import { assert, assertEquals } from "../support/assert.ts";
import { childEnv, configFor, REPO_ROOT, startTaskFlags } from "../support/harness.ts";
import { startSimulator } from "../../src/simulator/mod.ts";

const CHECKOUT = "/path/to/proxmox-mcp";
const CONFIG = "/path/to/config.json";

interface ClientForm {
  client: string;
  command: string;
  args: string[];
}

/** The "Connect a client" section of the README. */
function connectSection(): string {
  const readme = Deno.readTextFileSync(`${REPO_ROOT}/README.md`);
  const start = readme.indexOf("## Connect a client\n");
  assert(start >= 0, "README.md has no '## Connect a client' section");
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Every npx form of the section, named by the text line before its code block. */
function npxForms(section: string): ClientForm[] {
  const forms: ClientForm[] = [];
  const block = /([^\n]*)\n\n```(json|sh)\n([\s\S]*?)\n```/g;
  for (const [, label, lang, body] of section.matchAll(block)) {
    const client = label.split(/[(:]/)[0].trim();
    if (lang === "sh") {
      const words = body.trim().split(/\s+/);
      if (words.slice(0, 3).join(" ") !== "claude mcp add") continue;
      const [command, ...args] = words.slice(words.indexOf("--") + 1);
      forms.push({ client, command, args });
      continue;
    }
    const doc = JSON.parse(body);
    const entry = (doc.mcpServers ?? doc.servers)?.proxmox;
    assert(entry, `${client}: the JSON names no "proxmox" server`);
    forms.push({ client, command: entry.command, args: entry.args });
  }
  return forms.filter((f) => f.command === "npx");
}

Deno.test("README: the npx form is given for Claude Desktop, Cursor, VS Code and Claude Code", () => {
  const forms = npxForms(connectSection());
  assertEquals(forms.map((f) => f.client).sort(), [
    "Claude Code",
    "Claude Desktop",
    "Cursor",
    "VS Code",
  ]);
  const expected = [
    "-y",
    "deno@2.9.6",
    "run",
    ...startTaskFlags(),
    `${CHECKOUT}/src/main.ts`,
    "--config",
    CONFIG,
  ];
  for (const f of forms) {
    assertEquals(f.args, expected, `${f.client}: args drift from the start task`);
  }
  const section = connectSection();
  assert(section.includes('"type": "stdio"'), "VS Code needs type stdio");
});

Deno.test({
  name: "README: each npx client config starts the server over stdio against the simulator",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const npx = await new Deno.Command("npx", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output().catch(() => undefined);
    assert(npx?.success, "npx is not on PATH: the README's client config needs Node.js");
    const sim = await startSimulator();
    const dir = await Deno.makeTempDir({ prefix: "client-config-" });
    try {
      const configPath = `${dir}/config.json`;
      await Deno.writeTextFile(configPath, JSON.stringify(configFor(sim)));
      // Identical forms are started once: the test above proves they are identical.
      const seen = new Set<string>();
      for (const form of npxForms(connectSection())) {
        const args = form.args.map((a) =>
          a.replace(CHECKOUT, REPO_ROOT).replace(CONFIG, configPath)
        );
        if (seen.has(JSON.stringify(args))) continue;
        seen.add(JSON.stringify(args));
        const answers = await exchange(form.command, args, dir);
        const init = answers.get(1);
        assertEquals(init?.result?.serverInfo?.name, "proxmox-mcp", `${form.client}: ${answers}`);
        const tools: { name: string }[] = answers.get(2)?.result?.tools ?? [];
        assert(
          tools.some((t) => t.name === "get_nodes"),
          `${form.client}: tools/list lacks get_nodes`,
        );
      }
    } finally {
      await sim.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// deno-lint-ignore no-explicit-any
type Rpc = Record<string, any>;

/** Spawns the command in `cwd`, sends initialize and tools/list, returns the answers by id. */
async function exchange(command: string, args: string[], cwd: string): Promise<Map<number, Rpc>> {
  const child = new Deno.Command(command, {
    args,
    cwd,
    env: childEnv(),
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const send = (m: Rpc) => writer.write(new TextEncoder().encode(JSON.stringify(m) + "\n"));
  const answers = new Map<number, Rpc>();
  const stderr = new Response(child.stderr).text();
  let buffered = "";
  const decoder = new TextDecoder();
  await send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "readme-config-test", version: "1.0.0" },
    },
  });
  for await (const chunk of child.stdout) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const m: Rpc = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      if (typeof m.id === "number") answers.set(m.id, m);
      if (m.id === 1) {
        await send({ jsonrpc: "2.0", method: "notifications/initialized" });
        await send({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });
      }
      if (m.id === 2) await writer.close();
    }
  }
  const status = await child.status;
  assert(answers.has(2), `no tools/list answer (exit ${status.code}): ${await stderr}`);
  return answers;
}
