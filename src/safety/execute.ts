/**
 * Step 5 of the action pipeline (src/safety/action.ts): send the planned
 * calls once each (never retried), follow the task with progress
 * notifications, cancellation and a time bound, read its last log lines, and
 * audit the outcome. When the answer will be an MCP task (`extra.asTask`),
 * it returns as soon as the PVE task runs: the MCP task follows it from there
 * (src/mcp/tasks/), on whichever replica the client polls.
 *
 * @example
 * ```ts ignore
 * import { execute } from "./execute.ts";
 * return await execute(ctx, extra, { args, guest, draft, base, audit });
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import type { ToolExtra, ToolOutput } from "../core/tool.ts";
import type { AuditRecord } from "./audit.ts";
import { exitOk, parseUpid, taskLogTail, waitForTask } from "../proxmox/tasks.ts";
import { ActionRefused, guestLabel, type GuestTarget } from "./target.ts";
import type { ActionArgs, ActionResult } from "./result.ts";
import type { PlanDraft, PlannedCall } from "./action.ts";
import { formatAction } from "../format/actions.ts";
import { type SafetySnapshotPlan, takeSafetySnapshot } from "./safety_snapshot.ts";

const LOG_TAIL = 20;

/** Records one audit line for the running action. */
export type AuditFn = (rec: Omit<AuditRecord, "tool" | "args">) => Promise<void>;

/** The answer fields known before executing. */
export type Base = Omit<ActionResult, "result" | "message">;

/** What {@link execute} needs. */
export interface ExecuteInput {
  args: ActionArgs;
  guest: GuestTarget;
  draft: PlanDraft;
  base: Base;
  audit: AuditFn;
  /** A safety snapshot to take (and wait for) before the action's own calls. */
  safety?: SafetySnapshotPlan;
}

/** A task that ended in error (already audited). */
export class TaskFailed extends Error {}

/** Sends the plan and follows its task; throws {@link TaskFailed} when the task fails. */
export async function execute(
  ctx: ToolContext,
  extra: ToolExtra | undefined,
  input: ExecuteInput,
): Promise<ToolOutput<ActionResult>> {
  const { args, guest: g, draft, audit } = input;
  let base = input.base;
  const label = guestLabel(g);
  // Fail closed: a change that could not be recorded is not made.
  await ctx.audit.ready().catch((e) => {
    throw new ActionRefused((e as Error).message, "audit");
  });
  if (input.safety) {
    const s = input.safety;
    const taken = await takeSafetySnapshot(ctx, extra, s, args.timeout_s);
    base = { ...base, safety_snapshot: { name: s.name, upid: taken.upid, rollback: s.rollback } };
  }
  const t0 = performance.now();
  let upid: string | null = null;
  for (const call of draft.calls) {
    // Never retried: the client sends mutations exactly once.
    const answer = await send(ctx, call);
    if (typeof answer === "string" && parseUpid(answer)) upid = answer;
  }
  const target = targetOf(g);
  if (!upid) {
    const ms = Math.round(performance.now() - t0);
    await audit({ outcome: "ok", target, duration_ms: ms });
    return out({
      ...base,
      result: "done",
      duration_ms: ms,
      message: `${label}: ${draft.verb} done.`,
    });
  }
  if (!args.wait || extra?.asTask) {
    await audit({ outcome: "started", target, upid });
    return out({
      ...base,
      result: "started",
      upid,
      message: `${label}: ${draft.verb} started as task ${upid}; follow it with get_task_status.`,
    });
  }
  const waitS = args.timeout_s;
  const progress = progressSender(extra, draft.verb, label, waitS);
  await progress?.(0);
  const end = await waitForTask(ctx.pve, upid, {
    timeoutMs: waitS * 1000,
    signal: extra?.signal,
    onPoll: ({ elapsedMs }) => progress?.(elapsedMs),
  });
  const ms = Math.round(performance.now() - t0);
  if (end.state !== "stopped") {
    const outcome = end.state === "timeout" ? "timeout" : "cancelled";
    await audit({ outcome, target, upid, duration_ms: ms });
    const why = end.state === "timeout"
      ? `still running after ${waitS} s (the task goes on in PVE)`
      : "no longer waited for (request cancelled; the task goes on in PVE)";
    return out({
      ...base,
      result: end.state,
      upid,
      duration_ms: ms,
      message: `${label}: ${draft.verb} ${why}. Follow it with get_task_status upid ${upid}.`,
    });
  }
  const log = await taskLogTail(ctx.pve, upid, LOG_TAIL).catch(() => [] as string[]);
  const exitstatus = end.exitstatus ?? "unknown";
  if (!exitOk(exitstatus)) {
    await audit({
      outcome: "error",
      target,
      upid,
      exitstatus,
      duration_ms: ms,
      reason: exitstatus,
    });
    throw new TaskFailed(
      `${label}: ${draft.verb} failed: PVE task ${upid} ended with "${exitstatus}".` +
        (log.length ? `\nLast log lines:\n${log.join("\n")}` : ""),
    );
  }
  await audit({ outcome: "ok", target, upid, exitstatus, duration_ms: ms });
  return out({
    ...base,
    result: "done",
    upid,
    exitstatus,
    duration_ms: ms,
    log,
    message: `${label}: ${draft.verb} done (${exitstatus}) in ${(ms / 1000).toFixed(1)} s; ` +
      `expected now: ${draft.expect}.`,
  });
}

function send(ctx: ToolContext, c: PlannedCall): Promise<unknown> {
  if (c.method === "POST") return ctx.pve.post(c.template, c.params);
  if (c.method === "PUT") return ctx.pve.put(c.template, c.params);
  return ctx.pve.delete(c.template, c.params);
}

/** MCP progress while a task runs, when the request asked for it. */
function progressSender(
  extra: ToolExtra | undefined,
  verb: string,
  label: string,
  totalS: number,
): ((elapsedMs: number) => Promise<void>) | undefined {
  const send = extra?.progress;
  if (!send) return undefined;
  let last = -1;
  return async (elapsedMs) => {
    // Progress must grow strictly; tenths of seconds do, even for quick polls.
    const progress = Math.max(last + 0.1, Math.round(elapsedMs / 100) / 10);
    last = progress;
    await send({
      progress,
      total: totalS,
      message: `${verb} ${label}: task running for ${progress.toFixed(1)} s`,
    }).catch(() => {});
  };
}

/** The audit target of a guest. */
export function targetOf(g: GuestTarget): AuditRecord["target"] {
  return { node: g.node, vmid: g.vmid, type: g.type, name: g.name ?? undefined };
}

/** The tool answer: structured result plus its text. */
export function out(r: ActionResult): ToolOutput<ActionResult> {
  return { structured: r, text: formatAction(r) };
}
