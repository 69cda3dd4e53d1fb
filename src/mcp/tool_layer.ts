/**
 * The tool half of the MCP service, imported on first need: every tool's
 * definition and implementation (through the catalog), the token-fitted
 * visibility, the tools/call pipeline and the PVE task kind. {@linkcode McpService} loads it
 * for the first tools/list or tools/call, or right after the 2025
 * handshake, so a stdio server answers `initialize` (and an HTTP server its
 * first request) before a single tool module is evaluated.
 *
 * @example
 * ```ts ignore
 * const { toolSide } = await import("./tool_layer.ts");
 * const side = toolSide(ctx);
 * await side.visibility.ready();
 * side.catalog.list(side.visibility.hidden, side.visibility.notes);
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import { ToolCatalog } from "./catalog.ts";
import { ToolVisibility } from "./tool_visibility.ts";

export { callTool } from "./tool_call.ts";
export { pveJobs } from "./tasks/pve_jobs.ts";

/** One configuration's offered tools and what its token may see of them. */
export interface ToolSide {
  catalog: ToolCatalog;
  visibility: ToolVisibility;
}

/** The catalog of `ctx` and its visibility (watching `ctx`'s permission watchers). */
export function toolSide(ctx: ToolContext): ToolSide {
  const catalog = ToolCatalog.for(ctx);
  return { catalog, visibility: new ToolVisibility(catalog.tools, ctx) };
}
