/**
 * Every tool the server can offer, in listing order, and the selection rules
 * (read-only mode, disabled toolsets).
 *
 * @example
 * ```ts
 * import { selectTools } from "./index.ts";
 * const names = selectTools({ read_only: true, disabled_toolsets: [] }).map((t) => t.name);
 * console.log(names.includes("get_nodes")); // true
 * ```
 *
 * @module
 */

import type { AnyTool } from "./registry.ts";
import { isMutating } from "./registry.ts";
import { getNodes, getNodeStatus } from "./nodes.ts";
import { getVms } from "./vms.ts";
import { getContainers } from "./containers.ts";
import { getStorage } from "./storage.ts";
import { getClusterStatus } from "./cluster.ts";

/** All tools, grouped by toolset. */
export const ALL_TOOLS: readonly AnyTool[] = [
  getNodes,
  getNodeStatus,
  getVms,
  getContainers,
  getStorage,
  getClusterStatus,
];

/** Names of all toolsets, in listing order. */
export const TOOLSETS: readonly string[] = [...new Set(ALL_TOOLS.map((t) => t.toolset))];

/** The tools to offer under the given settings. */
export function selectTools(
  opts: { read_only: boolean; disabled_toolsets: readonly string[] },
  tools: readonly AnyTool[] = ALL_TOOLS,
): AnyTool[] {
  const off = new Set(opts.disabled_toolsets);
  return tools.filter((t) => !off.has(t.toolset) && !(opts.read_only && isMutating(t)));
}
