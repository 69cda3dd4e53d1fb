/**
 * `tools`: what this configuration offers, without touching the network.
 *
 * @module
 */

import { z } from "zod/v4";
import { selectTools } from "../tools/index.ts";
import type { Config, ToolsConfig } from "../config/schema.ts";
import { isMutating } from "../core/tool.ts";

/** Prints the tool list (opt-in tools need the whole configuration); returns the exit code. */
export function listTools(
  tools: Pick<ToolsConfig, "read_only" | "disabled_toolsets"> | Config,
  json: boolean,
): number {
  const selected = selectTools(tools);
  const readOnly = "tools" in tools ? tools.tools.read_only : tools.read_only;
  if (json) {
    console.log(JSON.stringify(
      selected.map((t) => ({
        name: t.name,
        toolset: t.toolset,
        annotations: t.annotations,
        description: t.description,
        // As a client sends it (tools/list does the same): coercing fields are transforms.
        inputSchema: z.toJSONSchema(z.object(t.input), { io: "input", unrepresentable: "any" }),
      })),
      null,
      2,
    ));
    return 0;
  }
  const kindOf = (t: (typeof selected)[number]) =>
    isMutating(t) ? (t.annotations.destructiveHint ? "destructive" : "changes") : "read";
  // Columns as wide as their longest entry, so no name runs into the next column.
  const width = (values: string[]) => Math.max(0, ...values.map((v) => v.length));
  const nameW = width(selected.map((t) => t.name));
  const setW = width(selected.map((t) => t.toolset));
  const kindW = width(selected.map(kindOf));
  for (const t of selected) {
    console.log(
      `${t.name.padEnd(nameW)}  ${t.toolset.padEnd(setW)}  ${kindOf(t).padEnd(kindW)}  ${t.title}`,
    );
  }
  console.log(`\n${selected.length} tools${readOnly ? " (read-only mode)" : ""}.`);
  return 0;
}
