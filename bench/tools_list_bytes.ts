/**
 * `deno run -A bench/tools_list_bytes.ts`: what the default configuration's
 * tools/list costs a model, measured through a real stdio client against the
 * simulator. "Model-visible" is name + description + inputSchema of the tools a
 * model is offered (what hosts put into the prompt); "whole" is the entire
 * tools/list result as JSON. Prints Markdown tables (the whole list, then
 * model-visible bytes per toolset); `--json` prints the figures as JSON instead.
 *
 * @example
 * ```sh
 * deno run -A bench/tools_list_bytes.ts
 * ```
 *
 * @module
 */

import { startServer } from "../tests/support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator } from "../src/simulator/mod.ts";

/** Byte counts of one tools/list answer. */
export interface ListBytes {
  tools: number;
  modelVisible: number;
  whole: number;
  /** Model-visible bytes per toolset. */
  byToolset: Record<string, number>;
  /** Per toolset: tools listed, model-visible and whole-JSON bytes of their definitions. */
  toolsets: Record<string, { tools: number; modelVisible: number; whole: number }>;
}

const utf8 = (s: string) => new TextEncoder().encode(s).length;

/**
 * Tool name → toolset, from the current tree's catalog (`ALL_TOOLS`). Loaded on demand: while the
 * tree is being reworked the catalog may not load, and bytes can still be counted without it.
 */
export async function toolsetMap(): Promise<{ map: Map<string, string>; error?: string }> {
  try {
    const { ALL_TOOLS } = await import("../src/tools/index.ts");
    return { map: new Map(ALL_TOOLS.map((t) => [t.name, t.toolset])) };
  } catch (e) {
    return { map: new Map(), error: e instanceof Error ? e.message.split("\n")[0] : String(e) };
  }
}

/**
 * Measures the tools/list bytes of one listing; `wholeJson` is the result as sent (else the
 * tools re-serialised), `toolset` names each tool's toolset ("?" when unknown).
 */
export function listBytes(
  tools: readonly Record<string, unknown>[],
  toolset: ReadonlyMap<string, string> = new Map(),
  wholeJson = JSON.stringify({ tools }),
): ListBytes {
  const byToolset: Record<string, number> = {};
  const toolsets: ListBytes["toolsets"] = {};
  let modelVisible = 0;
  for (const t of tools) {
    const n = utf8(JSON.stringify({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
    }));
    modelVisible += n;
    const set = toolset.get(String(t.name)) ?? "?";
    byToolset[set] = (byToolset[set] ?? 0) + n;
    const row = toolsets[set] ??= { tools: 0, modelVisible: 0, whole: 0 };
    row.tools++;
    row.modelVisible += n;
    row.whole += utf8(JSON.stringify(t));
  }
  return { tools: tools.length, modelVisible, whole: utf8(wholeJson), byToolset, toolsets };
}

if (import.meta.main) {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const srv = await startServer({ sim });
  try {
    const { tools } = await srv.client.listTools();
    const b = listBytes(tools as unknown as Record<string, unknown>[], (await toolsetMap()).map);
    if (Deno.args.includes("--json")) console.log(JSON.stringify(b));
    else {
      console.log("| tools_list_bytes | tools | model-visible | whole JSON |");
      console.log("|---|---:|---:|---:|");
      console.log(`| default config | ${b.tools} | ${b.modelVisible} | ${b.whole} |`);
      console.log("\n| toolset | model-visible bytes |\n|---|---:|");
      for (const [set, n] of Object.entries(b.byToolset)) console.log(`| ${set} | ${n} |`);
    }
  } finally {
    await srv.close();
    await sim.close();
  }
}
