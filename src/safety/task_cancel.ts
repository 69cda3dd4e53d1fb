/**
 * The answer of an action whose MCP task the client cancelled (`tasks/cancel`):
 * the PVE task was told to stop (src/mcp_tasks/link.ts), the pipeline waited
 * for it to end, and this says how it ended — stopped (`received interrupt`),
 * finished anyway before the stop took effect, or still running because PVE
 * refused to stop it. Audited as `cancelled`.
 *
 * @example
 * ```ts ignore
 * if (extra?.mcpTask?.cancelled) return await cancelledAnswer(ctx, { task, end, upid, ms, ... });
 * ```
 *
 * @module
 */

import type { ToolContext } from "../tools/context.ts";
import type { ToolOutput } from "../tools/registry.ts";
import type { McpTaskLink } from "../mcp_tasks/link.ts";
import { exitOk, taskLogTail, type TaskWaitResult } from "../proxmox/tasks.ts";
import type { ActionResult } from "./result.ts";
import { type AuditFn, type Base, out } from "./execute.ts";

/** What {@linkcode cancelledAnswer} needs. */
export interface CancelledInput {
  task: McpTaskLink;
  end: TaskWaitResult;
  upid: string;
  ms: number;
  label: string;
  verb: string;
  base: Base;
  audit: AuditFn;
}

/** Builds (and audits) the result of a cancelled MCP task. */
export async function cancelledAnswer(
  ctx: ToolContext,
  c: CancelledInput,
): Promise<ToolOutput<ActionResult>> {
  const stopped = c.end.state === "stopped";
  const exitstatus = stopped ? c.end.exitstatus ?? "unknown" : null;
  const log = stopped ? await taskLogTail(ctx.pve, c.upid, 20).catch(() => [] as string[]) : [];
  const how = !stopped
    ? `the PVE task had not stopped after the stop request` +
      (c.task.stopError ? ` (PVE refused it: ${c.task.stopError})` : "") +
      `; follow it with get_task_status upid ${c.upid}`
    : exitOk(exitstatus ?? undefined)
    ? `the PVE task had already ended (${exitstatus}) before it could be stopped`
    : `the PVE task was stopped (${exitstatus})`;
  const target = c.base.target;
  await c.audit({
    outcome: "cancelled",
    target: { node: target.node, vmid: target.vmid, type: target.type },
    upid: c.upid,
    exitstatus: exitstatus ?? undefined,
    duration_ms: c.ms,
    reason: `MCP task cancelled by the client; ${how}`,
  });
  return out({
    ...c.base,
    result: "cancelled",
    upid: c.upid,
    exitstatus,
    duration_ms: c.ms,
    log,
    message: `${c.label}: ${c.verb} cancelled by the client (tasks/cancel): ${how}.`,
  });
}
