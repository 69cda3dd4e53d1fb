/**
 * The PVE job behind an MCP task: one UPID started by an action tool. Its
 * state is read from PVE on every `tasks/get` (`GET …/tasks/{upid}/status`,
 * then the log tail once it stopped), so every replica answers the same:
 * running → working; stopped with OK or WARNINGS → completed; stopped by a
 * signal (a stop request) → cancelled; any other exit → completed with an
 * `isError` result naming the exit status and the last log lines.
 * `tasks/cancel` stops the PVE task (`DELETE …/tasks/{upid}`, sent once).
 *
 * @example
 * ```ts ignore
 * const kind = pveJobs({ contextFor: (cluster) => ctx, actor: "ops" });
 * const state = await kind.get(facts); // { status: "working", statusMessage: "..." }
 * ```
 *
 * @module
 */

import type { ToolContext } from "../../core/context.ts";
import { exitOk, getTaskStatus, parseUpid, taskLogTail } from "../../proxmox/tasks.ts";
import { formatAction } from "../../format/actions.ts";
import type { ActionResult } from "../../safety/result.ts";
import { errorText } from "../../tools/invoke.ts";
import type { TaskFacts } from "./ids.ts";
import type { TaskKind, TaskState } from "./protocol.ts";
import { ProtocolError, ProtocolErrorCode } from "../sdk.ts";

/** The sealed facts of a PVE job. */
export interface PveJobData {
  cluster?: string;
  upid: string;
  tool: string;
  /** The action's answer when it started, without the plan and checks (they were shown then). */
  base: Omit<ActionResult, "plan" | "checks">;
}

const LOG_TAIL = 20;

/** The sealed part of a started action's answer. */
export function pveJobData(
  tool: string,
  cluster: string | undefined,
  started: ActionResult & { upid: string },
): PveJobData {
  const { plan: _plan, checks: _checks, ...base } = started;
  return { cluster, upid: started.upid, tool, base };
}

function label(b: PveJobData["base"]): string {
  const kind = b.target.type === "lxc" ? "CT" : "VM";
  return `${kind} ${b.target.vmid}${b.target.name ? ` (${b.target.name})` : ""}`;
}

/** The PVE job kind, reading each cluster through its context. */
export function pveJobs(opts: {
  contextFor: (cluster: string | undefined) => ToolContext;
  /** Who acts, for the audit line of a cancellation. */
  actor: string;
}): TaskKind {
  const read = async (f: TaskFacts): Promise<TaskState> => {
    const d = f.data as unknown as PveJobData;
    const ctx = opts.contextFor(d.cluster);
    const who = `${d.base.action} ${label(d.base)}`;
    let st;
    try {
      st = await getTaskStatus(ctx.pve, d.upid);
    } catch (e) {
      // The job is PVE's: a node we cannot reach now does not end it.
      return {
        status: "working",
        statusMessage: `${who}: cannot read PVE task ${d.upid} now (${errorText(e, ctx)})`,
      };
    }
    if (st.status === "running") {
      const s = Math.max(0, Math.round(Date.now() / 1000 - st.starttime));
      return { status: "working", statusMessage: `${who}: PVE task running for ${s} s` };
    }
    const log = await taskLogTail(ctx.pve, d.upid, LOG_TAIL).catch(() => [] as string[]);
    const exitstatus = st.exitstatus ?? "unknown";
    if (/interrupted by signal|received interrupt/i.test(exitstatus)) {
      return { status: "cancelled", statusMessage: `${who}: stopped (${exitstatus})` };
    }
    const ok = exitOk(exitstatus);
    const r: ActionResult = {
      ...d.base,
      plan: [],
      checks: [],
      result: "done",
      upid: d.upid,
      exitstatus,
      // PVE's status has no end time: the duration is not known here.
      duration_ms: null,
      log,
      message: ok
        ? `${label(d.base)}: ${d.base.action} done (${exitstatus}); expected now: ` +
          `${d.base.expected}.`
        : `${label(d.base)}: ${d.base.action} failed: PVE task ${d.upid} ended with ` +
          `"${exitstatus}".`,
    };
    const text = ok ? formatAction(r) : r.message +
      (log.length ? `\nLast log lines:\n${log.join("\n")}` : "");
    return {
      status: "completed",
      statusMessage: `${who}: ${ok ? "done" : "failed"} (${exitstatus})`,
      result: {
        content: [{ type: "text", text: ctx.redactor.redact(text) }],
        ...(ok ? { structuredContent: JSON.parse(ctx.redactor.redact(JSON.stringify(r))) } : {}),
        isError: !ok,
      },
    };
  };
  return {
    pollIntervalMs: 1000,
    get: read,
    async cancel(f) {
      const d = f.data as unknown as PveJobData;
      const ctx = opts.contextFor(d.cluster);
      const u = parseUpid(d.upid);
      if (!u) return;
      const st = await getTaskStatus(ctx.pve, d.upid).catch(() => undefined);
      if (st?.status === "stopped") return; // already ended: nothing to stop
      // Fail closed, as every change: no stop request that the audit trail cannot record.
      await ctx.audit.ready().catch((e) => {
        throw new ProtocolError(
          ProtocolErrorCode.InternalError,
          `the task was not cancelled: ${(e as Error).message}`,
        );
      });
      // Sent once, never retried: a stop request is a mutation too.
      await ctx.pve.delete("/nodes/{node}/tasks/{upid}", { node: u.node, upid: d.upid });
      await ctx.audit.record({
        tool: d.tool,
        outcome: "cancelled",
        target: { node: d.base.target.node, vmid: d.base.target.vmid, type: d.base.target.type },
        upid: d.upid,
        actor: opts.actor,
        reason: "MCP task cancelled by the client (tasks/cancel): PVE task stop requested",
      }).catch((e) => ctx.logger.error("audit write failed", { error: (e as Error).message }));
    },
  };
}
