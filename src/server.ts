/**
 * Builds the MCP server: the selected tools registered on an `McpServer`.
 *
 * @example
 * ```ts ignore
 * import { buildServer } from "./server.ts";
 * const server = buildServer(ctx);
 * await server.connect(new StdioServerTransport());
 * ```
 *
 * @module
 */

import { McpServer } from "./sdk.ts";
import { SERVER_NAME, VERSION } from "./version.ts";
import type { ToolContext } from "./tools/context.ts";
import { selectTools } from "./tools/index.ts";
import { registerTools } from "./tools/registry.ts";
import { fitToPermissions } from "./safety/tool_visibility.ts";
import { shapeToolsList } from "./tools/list_shaping.ts";
import { clusterNote } from "./tools/cluster_scope.ts";
import { registerPrompts, registerResources } from "./prompts.ts";
import { type McpTaskStore, TaskTable } from "./mcp_tasks/store.ts";

/** Options of {@linkcode buildServer}. */
export interface BuildOptions {
  /**
   * Where MCP tasks live (src/mcp_tasks/store.ts). HTTP passes one view per bearer token of a
   * process-wide table, so tasks outlive a stateless request; default: a table of its own.
   */
  tasks?: McpTaskStore;
}

const INSTRUCTIONS = "Tools for one Proxmox VE cluster. Start with get_cluster_status or " +
  "get_nodes; get_vms and get_containers list guests cluster-wide in one call (use filters and " +
  "offset for big clusters). Sizes are bytes, CPU values fractions of 1. Tools that change " +
  "something share these arguments: dry_run: true checks everything against the live cluster " +
  "and returns the exact PVE calls without sending them (use it before risky changes); wait " +
  "(default true) follows the PVE task and returns its exit status and last log lines, " +
  "timeout_s bounds that wait (the task keeps running and the answer carries its UPID for " +
  "get_task_status); confirm: true is needed for destructive actions only when the user cannot " +
  "be asked directly, and must reflect the user's explicit agreement; safety_snapshot: true " +
  "takes a snapshot first. Protected or locked guests are refused with the reason.";

/** A ready-to-connect MCP server for the given context. */
export function buildServer(ctx: ToolContext, opts: BuildOptions = {}): McpServer {
  const tasks = opts.tasks ?? new TaskTable().forOwner("local");
  const server = new McpServer(
    { name: SERVER_NAME, version: VERSION },
    {
      capabilities: {
        tools: { listChanged: true },
        // Long PVE jobs as MCP tasks (spec 2025-11-25): tools/call may return a task.
        tasks: { requests: { tools: { call: {} } }, list: {}, cancel: {} },
      },
      taskStore: tasks,
      instructions: INSTRUCTIONS + clusterNote(ctx),
    },
  );
  const handles = registerTools(server, selectTools(ctx.config), ctx, tasks);
  shapeToolsList(server, fitToPermissions(server, handles, ctx));
  registerPrompts(server);
  registerResources(server, ctx);
  return server;
}
