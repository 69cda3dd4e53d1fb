/**
 * The compile tasks build a binary that holds every module the server can
 * import, and of the lockfile's npm packages only the ones it imports.
 * deno.json's `lazy-dynamic-imports` makes `deno compile` embed the static
 * graph only (8 modules: the binary stopped at its first dynamic import), so
 * scripts/compile.ts names each dynamic import as `--include`.
 *
 * The runtime download `deno compile` needs cannot be made here: DENORT_BIN
 * points it at this Deno instead. That binary does not run the server, but
 * `deno compile` prints the files it embedded, which is what is compared.
 *
 * @module
 */

import { assert, assertEquals } from "../support/assert.ts";
import { REPO_ROOT, startTaskFlags } from "../support/harness.ts";
import { compileArgs, dynamicImports } from "../../scripts/compile.ts";

/** Every `import("./…")` literal in src/, resolved to a repository path: read from the text. */
function dynamicImportsInSource(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(`${REPO_ROOT}/${dir}`)) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) walk(path);
      else if (path.endsWith(".ts")) {
        const text = Deno.readTextFileSync(`${REPO_ROOT}/${path}`);
        // `typeof import(…)` is a type, not a load.
        for (const m of text.matchAll(/(?<!typeof )\bimport\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g)) {
          const url = new URL(m[1], `file://${REPO_ROOT}/${path}`);
          found.add(url.pathname.slice(REPO_ROOT.length + 1));
        }
      }
    }
  };
  walk("src");
  return [...found].sort();
}

Deno.test("compile: every dynamic import of src/ is an --include, with the start task's flags", async () => {
  const fromSource = dynamicImportsInSource();
  assert(fromSource.includes("src/cli/serve.ts"), `read: ${fromSource}`);
  assertEquals(await dynamicImports(), fromSource);
  const args = await compileArgs({ output: "out", target: "x86_64-unknown-linux-gnu" });
  assertEquals(args.slice(0, 1 + startTaskFlags().length), ["compile", ...startTaskFlags()]);
  for (const m of fromSource) {
    assert(args.some((a, i) => a === m && args[i - 1] === "--include"), `${m} not included`);
  }
  assertEquals(args.slice(-5), [
    "--target",
    "x86_64-unknown-linux-gnu",
    "--output",
    "out",
    "src/main.ts",
  ]);
});

/** What `deno compile` says it embedded (the file tree and sizes, without the binary's name). */
async function embedded(args: string[], out: string): Promise<string> {
  const r = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO_ROOT,
    env: { DENORT_BIN: Deno.execPath(), NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr);
  assert(r.success, text);
  await Deno.remove(out).catch(() => {});
  const tree = text.slice(text.indexOf("Embedded Files"));
  // The first tree line is the output's own name; the metadata holds the flags themselves.
  return tree.split("\n").slice(3).filter((l) => !l.startsWith("Metadata")).join("\n");
}

Deno.test({
  name: "compile: the binary embeds what a compile without lazy imports embeds",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "pmcp-compile-" });
    // The reference configuration must sit beside deno.json: the lock and imports resolve there.
    const eager = `${REPO_ROOT}/.compile_check_${crypto.randomUUID()}.json`;
    try {
      const config = JSON.parse(Deno.readTextFileSync(`${REPO_ROOT}/deno.json`));
      assertEquals(config.unstable, ["lazy-dynamic-imports"], "the reason for the includes");
      delete config.unstable;
      Deno.writeTextFileSync(eager, JSON.stringify(config));
      // Type checking is `deno task check`'s job; here only the embedded files matter.
      const ours = await compileArgs({ output: `${dir}/ours` });
      const task = await embedded(["compile", "--no-check", ...ours.slice(1)], `${dir}/ours`);
      const reference = await embedded([
        "compile",
        "--no-check",
        "--config",
        eager,
        ...startTaskFlags(),
        "--exclude-unused-npm",
        "--output",
        `${dir}/eager`,
        "src/main.ts",
      ], `${dir}/eager`);
      assert(task.includes("tool_layer.ts") || task.includes("mcp/*"), task);
      assert(task.includes("simulator"), "the demo's simulator is embedded");
      assertEquals(task, reference);
      // npm: the server's own packages, none of the tests' (the lockfile holds both).
      for (const want of ["server/*", "core/*", "zod/"]) assert(task.includes(want), want);
      for (const unwanted of ["sdk/*", "client/*", "conformance", "@octokit", "express/"]) {
        assert(!task.includes(unwanted), `${unwanted} is embedded:\n${task}`);
      }
    } finally {
      await Deno.remove(eager).catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
