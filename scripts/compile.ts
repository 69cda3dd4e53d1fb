/**
 * `deno task compile*`: builds the single binary with the `start` task's
 * flags, and names every module the server imports dynamically as an
 * `--include`. deno.json turns on `lazy-dynamic-imports` (a `deno run` start
 * then skips the graph of every command and tool, ~12 ms), and with it
 * `deno compile` embeds the static graph only: the binary would stop at the
 * first dynamic import. The list comes from `deno info`, so a new dynamic
 * import is included without editing anything.
 *
 * Run: `deno run --allow-read --allow-run --allow-env scripts/compile.ts [--target T] --output F`
 *
 * @example
 * ```ts ignore
 * import { compileArgs } from "./compile.ts";
 * console.log(await compileArgs({ output: "dist/proxmox-mcp" })); // ["compile", "--allow-net", …]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");
const ENTRY = "src/main.ts";

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier?: string }; isDynamic?: boolean }[];
}

/** The `start` task's flags: what the binary is granted, exactly as `deno task start` runs. */
export function startFlags(root = ROOT): string[] {
  const task: string = JSON.parse(Deno.readTextFileSync(`${root}/deno.json`)).tasks.start;
  const words = task.split(/\s+/);
  return words.slice(words.indexOf("run") + 1, words.indexOf(ENTRY));
}

/** Every local module that some module of the server's graph imports dynamically, sorted. */
export async function dynamicImports(root = ROOT): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", ENTRY],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`deno info failed: ${new TextDecoder().decode(out.stderr)}`);
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] };
  const base = `file://${root}/`;
  const targets = new Set<string>();
  for (const m of info.modules) {
    for (const d of m.dependencies ?? []) {
      const s = d.code?.specifier;
      if (d.isDynamic && s?.startsWith(base)) targets.add(s.slice(base.length));
    }
  }
  return [...targets].sort();
}

/** Options of one build. */
export interface CompileOptions {
  output: string;
  /** A `deno compile --target` triple; this machine's when absent. */
  target?: string;
}

/** The `deno` arguments of one build. */
export async function compileArgs(opts: CompileOptions, root = ROOT): Promise<string[]> {
  const includes = (await dynamicImports(root)).flatMap((m) => ["--include", m]);
  const target = opts.target ? ["--target", opts.target] : [];
  return [
    "compile",
    ...startFlags(root),
    // The lockfile also holds the tests' packages (the v1 SDK, the conformance referee, …):
    // only what the server's modules import goes into the binary.
    "--exclude-unused-npm",
    ...includes,
    ...target,
    "--output",
    opts.output,
    ENTRY,
  ];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { target: { type: "string" }, output: { type: "string" } },
  });
  if (!values.output) {
    console.error("usage: scripts/compile.ts [--target TRIPLE] --output FILE");
    Deno.exit(2);
  }
  const args = await compileArgs({ output: values.output, target: values.target });
  const { code } = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT }).spawn().status;
  Deno.exit(code);
}
