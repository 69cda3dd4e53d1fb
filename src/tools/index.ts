/**
 * Every tool the server can offer, in listing order, and the selection rules
 * (read-only mode, disabled toolsets, disabled tools).
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

import type { AnyTool } from "../core/tool.ts";
import { isMutating } from "../core/tool.ts";
import { getNodes, getNodeStatus } from "./core/nodes.ts";
import { getVms } from "./core/vms.ts";
import { getStorage } from "./core/storage.ts";
import { getClusterStatus } from "./core/cluster.ts";
import { getGuest } from "./core/guest.ts";
import { guestPower } from "./lifecycle/lifecycle.ts";
import { SNAPSHOT_TOOLS } from "./snapshots/snapshots.ts";
import { TASK_TOOLS } from "./tasks/tasks.ts";
import { executeVmCommand } from "./console/console.ts";
import { DIAGNOSTIC_TOOLS, INSIGHT_TOOLS } from "./insight/insight.ts";
import { BACKUP_TOOLS, PROVISIONING_TOOLS } from "./provisioning/provisioning.ts";
import { showCluster } from "./dashboard/show_cluster.ts";
import { APP_TOOLS } from "./dashboard/app_tools.ts";
import type { Config } from "../config/schema.ts";

/** All tools, grouped by toolset. */
export const ALL_TOOLS: readonly AnyTool[] = [
  getNodes,
  getNodeStatus,
  getVms,
  getStorage,
  getClusterStatus,
  getGuest,
  guestPower,
  ...SNAPSHOT_TOOLS,
  ...TASK_TOOLS,
  executeVmCommand,
  ...INSIGHT_TOOLS,
  ...DIAGNOSTIC_TOOLS,
  // The dashboard (MCP Apps): show_cluster for the model, the rest for its view only.
  showCluster,
  ...APP_TOOLS,
  // Opt-in (tools.enabled_toolsets): offered only when the configuration names them.
  ...PROVISIONING_TOOLS,
  ...BACKUP_TOOLS,
];

/** The `tools` settings that decide what is offered. */
export interface ToolSelection {
  read_only: boolean;
  disabled_toolsets: readonly string[];
  disabled_tools?: readonly string[];
}

/** Names of all toolsets, in listing order. */
export const TOOLSETS: readonly string[] = [...new Set(ALL_TOOLS.map((t) => t.toolset))];

/**
 * The tools to offer under the given settings: the `tools` section, or the whole configuration.
 * Opt-in tools (`enabledWhen`, e.g. execute_vm_command under `console.enabled`) are offered only
 * when the whole configuration is given and enables them.
 */
export function selectTools(
  opts: ToolSelection | Config,
  tools: readonly AnyTool[] = ALL_TOOLS,
): AnyTool[] {
  const config = "tools" in opts ? opts : undefined;
  const sel: ToolSelection = config ? config.tools : opts as ToolSelection;
  const off = new Set(sel.disabled_toolsets);
  const offTools = new Set(sel.disabled_tools ?? []);
  return tools.filter((t) =>
    !off.has(t.toolset) && !offTools.has(t.name) && !(sel.read_only && isMutating(t)) &&
    (!t.enabledWhen || (config !== undefined && t.enabledWhen(config)))
  );
}
