/**
 * The stdio server answers `initialize` before it loads the tools, the PVE
 * transport, the audit writer or the simulator: those are dynamic imports at
 * their first use. This reads the static import graph of the serve path
 * (`deno info`) and fails when a static import pulls one of them back in.
 */
import { assertEquals } from "../support/assert.ts";
import { REPO_ROOT } from "../support/harness.ts";

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier?: string }; isDynamic?: boolean }[];
}

/** Every module reachable from `roots` through static imports only. */
async function staticGraph(roots: string[]): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    // main.ts's graph holds its dynamic imports too (setup.ts, serve.ts): one `info` covers all.
    args: ["info", "--json", `${REPO_ROOT}/src/main.ts`],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: InfoModule[];
    redirects?: Record<string, string>;
  };
  const byName = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const todo = roots.map((r) => new URL(r, `file://${REPO_ROOT}/`).href);
  while (todo.length) {
    const s = todo.pop()!;
    const name = info.redirects?.[s] ?? s;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const d of byName.get(name)?.dependencies ?? []) {
      if (!d.isDynamic && d.code?.specifier) todo.push(d.code.specifier);
    }
  }
  return seen;
}

Deno.test("start-up graph: the serve path loads no tool, transport, writer, schema table or page", async () => {
  // main.ts imports setup.ts and serve.ts dynamically, in that order, before serving.
  const graph = await staticGraph(["src/main.ts", "src/cli/setup.ts", "src/cli/serve.ts"]);
  const local = [...graph].filter((s) => s.startsWith("file:")).map((s) =>
    s.slice(`file://${REPO_ROOT}/`.length)
  );
  assertEquals(local.includes("src/cli/serve.ts"), true, "the graph was read");
  const forbidden = [
    /^src\/tools\/index\.ts$/, // every tool: the catalog loads it on first need
    /^src\/mcp\/(catalog|tool_call)\.ts$/,
    /^src\/proxmox\/transport\.ts$/, // node:https, built by the first request
    /^src\/safety\/audit\.ts$/, // the hash-chain writer, on the first record
    /^src\/crypto\/(keys|secret)\.ts$/, // only for `enc:` secrets
    /^src\/(simulator\/|demo\.ts)/, // demo mode only
    /^src\/mcp\/http\//, // --http only
    /^src\/proxmox\/endpoints(_table)?\.ts$/, // the schema table, on the first request
    /^src\/tools\/dashboard\/(view\/page\.gen|show_cluster|picture)\.ts$/, // on first read
    /^src\/tools\/cluster_scope\.ts$/, // several-cluster shaping of the tool list
  ];
  assertEquals(local.filter((m) => forbidden.some((f) => f.test(m))), []);
  // The v1 SDK is for tests only; production never loads it.
  assertEquals([...graph].filter((s) => s.includes("@modelcontextprotocol/sdk")), []);
});

Deno.test("tool layer graph: the console's policy, grammars and agent client wait for the first command", async () => {
  // The console is off by default: building the tool list must not load what runs a command.
  const graph = await staticGraph(["src/mcp/tool_layer.ts"]);
  const local = [...graph].filter((s) => s.startsWith("file:")).map((s) =>
    s.slice(`file://${REPO_ROOT}/`.length)
  );
  assertEquals(local.includes("src/tools/console/console.ts"), true, "the graph was read");
  const forbidden =
    /^src\/(console\/(policy|agent|shell_check|grammar\/.*)|tools\/console\/console_run)\.ts$/;
  assertEquals(local.filter((m) => forbidden.test(m)), []);
});
