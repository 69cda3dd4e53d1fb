/**
 * The one pipeline every mutating guest tool runs through:
 *
 * 1. resolve the guest (one GET) and let the tool read what else it needs;
 * 2. checks: protected guest, offline node, already in the wanted state (a
 *    clear, non-error answer, nothing sent), lock, the action's own rules;
 * 3. confirmation of destructive actions (elicitation, else `confirm: true`);
 * 4. the plan — the exact PVE calls, built as data first, so `dry_run`
 *    returns it without sending anything but GETs;
 * 5. execute: each call once, never retried; follow the task (progress,
 *    cancellation, time bound) and read its last log lines;
 * 6. audit every outcome (flushed before answering) and log one line.
 *
 * @example
 * ```ts ignore
 * import { runGuestAction } from "./action.ts";
 * return runGuestAction(ctx, extra, {
 *   tool: "guest_power", op: "start", args, vmid: args.vmid, node: args.node,
 *   plan: (g) => ({ verb: "start", destructive: false, expect: "running",
 *     calls: [{ method: "POST", template: "/nodes/{node}/qemu/{vmid}/status/start",
 *       params: { node: g.node, vmid: g.vmid } }] }),
 * });
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import type { ToolExtra, ToolOutput } from "../core/tool.ts";
import { NeedsConfirmation } from "../core/confirm_channel.ts";
import type { Params } from "../proxmox/client.ts";
import { answerBase, auditFor, confirmedAudit, confirmStep, planEntries } from "./action_common.ts";
import { checkLock, checkNode, checkProtected, type CheckResult } from "./policy.ts";
import { ActionRefused, guestLabel, type GuestTarget, resolveGuest } from "./target.ts";
import type { ActionArgs, ActionResult } from "./result.ts";
import { execute, out, targetOf, TaskFailed } from "./execute.ts";
import { digestChecks, outcomeText, privilegeChecks } from "./dry_run.ts";
import { planSafetySnapshot } from "./safety_snapshot.ts";
import { claimGuest, clusterKey } from "./guest_lock.ts";

/** One PVE call of a plan. */
export interface PlannedCall {
  method: "POST" | "PUT" | "DELETE";
  /** Template from the endpoint table, e.g. `/nodes/{node}/qemu/{vmid}/status/start`. */
  template: string;
  params: Params;
}

/** What a tool decides once it knows the guest. */
export interface PlanDraft {
  /** What is asked, for messages: "start", "create snapshot pre_upgrade". */
  verb: string;
  destructive: boolean;
  /** Set when the guest is already in the wanted state: answered without sending anything. */
  unchanged?: string;
  /** Set when PVE would refuse in this state: a clear error, nothing sent. */
  refuse?: string;
  /** Locks this action may proceed under (e.g. `suspended` for start). */
  allowLocks?: string[];
  /** Extra checks the tool evaluated (e.g. PVE's protection flag, snapshot exists). */
  checks?: CheckResult[];
  /**
   * The guest is only read, never changed (backup, clone source): a protected guest is then
   * not refused — protection guards against changes.
   */
  readsGuest?: boolean;
  /** The action takes a snapshot itself: a safety snapshot before it would be redundant. */
  isSnapshot?: boolean;
  /** The question for the user, for destructive actions. */
  question?: string;
  calls: PlannedCall[];
  /** The state expected afterwards, e.g. "VM 100 running". */
  expect: string;
}

/** A mutating tool's request to the pipeline. */
export interface ActionSpec {
  tool: string;
  /**
   * The act, when one tool does several (`guest_power` stop): names it in busy messages and is
   * the key `safety.snapshot_before` matches. Default: derived from the tool's name.
   */
  op?: string;
  args: ActionArgs & Record<string, unknown>;
  vmid: number;
  node?: string;
  /** The guest type the tool handles; undefined when it serves both. */
  expect?: "qemu" | "lxc";
  plan(g: GuestTarget): PlanDraft | Promise<PlanDraft>;
}

/** Runs one guest action through the pipeline (see the module doc). */
export async function runGuestAction(
  ctx: ToolContext,
  extra: ToolExtra | undefined,
  spec: ActionSpec,
): Promise<ToolOutput<ActionResult>> {
  let audit = auditFor(ctx, spec, extra);
  let g: GuestTarget | undefined;
  let release: (() => void) | undefined;
  try {
    // One change per guest at a time: claimed before the state is read, so a racing
    // second call cannot also see "running" and send its own stop.
    if (!spec.args.dry_run) {
      release = claimGuest(
        clusterKey(ctx),
        spec.vmid,
        spec.op ? `${spec.tool} ${spec.op}` : spec.tool,
      );
    }
    g = await resolveGuest(ctx, {
      vmid: spec.vmid,
      node: spec.node,
      expect: spec.expect,
      tool: spec.tool,
    });
    const draft = await spec.plan(g);
    const checks: CheckResult[] = [
      draft.readsGuest
        ? { check: "protected", verdict: "pass", detail: "the guest is only read, not changed" }
        : checkProtected(g, ctx.config.safety),
      checkNode(g),
    ];
    const lock = checkLock(g, draft.allowLocks);
    const state: CheckResult = draft.unchanged
      ? { check: "state", verdict: "skip", detail: draft.unchanged }
      : draft.refuse
      ? { check: "state", verdict: "fail", detail: draft.refuse }
      : { check: "state", verdict: "pass", detail: "state allows the action" };
    checks.push(state, ...(draft.unchanged ? [] : [lock]), ...(draft.checks ?? []));
    // Safety snapshot first (when asked or configured), and the token's privileges for each
    // call: a call PVE would refuse is refused before the user is asked anything.
    const live = !draft.unchanged &&
      (spec.args.dry_run || !checks.some((c) => c.verdict === "fail"));
    const safety = live && !draft.isSnapshot
      ? await planSafetySnapshot(
        ctx,
        g,
        spec.op ? [spec.op, spec.tool] : spec.tool,
        spec.args.safety_snapshot,
      )
      : undefined;
    const calls = safety ? [safety.call, ...draft.calls] : draft.calls;
    if (safety) checks.push(safety.check);
    if (live) {
      checks.push(
        ...await privilegeChecks(ctx, calls, spec.args.dry_run),
        ...digestChecks(draft.calls),
      );
    }
    // A refusal or no-op is known before asking: never bother the user for nothing.
    const moot = !spec.args.dry_run &&
      (!!draft.unchanged || checks.some((c) => c.verdict === "fail"));
    const confirm = confirmStep(
      ctx,
      extra,
      spec,
      draft,
      g,
      moot ? "not asked (nothing to do)" : undefined,
    );
    checks.push(confirm.check);
    audit = confirmedAudit(audit, confirm.by);
    const plan = planEntries(calls);
    const base = {
      ...answerBase(spec.tool, draft, g, plan, checks, confirm.how),
      ...(safety
        ? { safety_snapshot: { name: safety.name, upid: null, rollback: safety.rollback } }
        : {}),
    };
    const firstFail = checks.find((c) => c.verdict === "fail");
    if (spec.args.dry_run) {
      const message = firstFail
        ? `Dry run: would be refused: ${firstFail.detail}`
        : draft.unchanged
        ? `Dry run: ${draft.unchanged}; nothing would be sent.`
        : `Dry run: would ${draft.verb} ${guestLabel(g)} on ${g.node} with ` +
          `${plan.map((p) => `${p.method} ${p.path}`).join(", ")}. ${outcomeText(g, draft)}`;
      await audit({ outcome: "dry-run", target: targetOf(g), reason: firstFail?.detail });
      return out({
        ...base,
        result: "dry-run",
        verdict: firstFail ? "would be refused" : draft.unchanged ? "nothing to do" : "would run",
        message,
        plan: draft.unchanged ? [] : plan,
      });
    }
    const protectedFail = checks.find((c) => c.check === "protected" && c.verdict === "fail");
    if (protectedFail) throw new ActionRefused(protectedFail.detail);
    if (draft.unchanged) {
      await audit({
        outcome: "ok",
        target: targetOf(g),
        reason: draft.unchanged,
        detail: { unchanged: true },
      });
      return out({
        ...base,
        result: "unchanged",
        message: `${draft.unchanged}; nothing was sent.`,
        plan: [],
      });
    }
    if (firstFail) throw new ActionRefused(firstFail.detail);
    return await execute(ctx, extra, { args: spec.args, guest: g, draft, base, audit, safety });
  } catch (e) {
    // Asking the user is not an outcome: the call comes back with the answer.
    if (e instanceof NeedsConfirmation) throw e;
    // A dry run reports a failed precondition (unknown guest, wrong node or type) as its verdict.
    if (spec.args.dry_run && !g && e instanceof ActionRefused) {
      await audit({ outcome: "dry-run", target: { vmid: spec.vmid }, reason: e.message });
      return out(refusedPlan(spec, e.message));
    }
    if (e instanceof ActionRefused) {
      await audit({
        outcome: "refused",
        target: g ? targetOf(g) : { vmid: spec.vmid },
        reason: e.message,
      });
    } else if (!(e instanceof TaskFailed)) {
      const reason = e instanceof Error ? e.message : String(e);
      await audit({ outcome: "error", target: g ? targetOf(g) : { vmid: spec.vmid }, reason });
    }
    throw e;
  } finally {
    release?.();
  }
}

/** The dry-run answer when the guest itself cannot be found (or is of the other type). */
function refusedPlan(spec: ActionSpec, why: string): ActionResult {
  return {
    tool: spec.tool,
    action: spec.op ?? spec.tool,
    target: { vmid: spec.vmid, node: spec.node ?? "", type: spec.expect ?? "qemu", name: null },
    result: "dry-run",
    verdict: "would be refused",
    message: `Dry run: would be refused: ${why}`,
    upid: null,
    exitstatus: null,
    duration_ms: null,
    log: [],
    plan: [],
    checks: [{ check: "guest", verdict: "fail", detail: why }],
    confirmation: "not asked (refused)",
    expected: "no change",
  };
}
