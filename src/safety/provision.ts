/**
 * The action pipeline (see action.ts) for actions whose target is not an
 * existing guest: create a VM or container, restore a backup to a new VMID,
 * delete a backup volume. The tool validates and reads what it needs, then
 * hands over a target and a plan; the same checks, confirmation, dry run,
 * single un-retried send, task tracking and audit follow.
 *
 * @example
 * ```ts ignore
 * import { runProvision } from "./provision.ts";
 * return runProvision(ctx, extra, {
 *   tool: "create_vm", args,
 *   prepare: async () => ({ target: { vmid: 150, node: "pve1", type: "qemu", name: "web-03" },
 *     draft: { verb: "create", destructive: false, expect: "VM 150 exists", calls: [...] } }),
 * });
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import type { ToolExtra, ToolOutput } from "../core/tool.ts";
import { NeedsConfirmation } from "../core/confirm_channel.ts";
import type { AuditRecord } from "./audit.ts";
import { answerBase, auditFor, confirmedAudit, confirmStep, planEntries } from "./action_common.ts";
import { digestChecks, privilegeChecks } from "./dry_run.ts";
import type { CheckResult } from "./policy.ts";
import { ActionRefused, guestLabel, type GuestTarget } from "./target.ts";
import type { ActionArgs, ActionResult } from "./result.ts";
import { execute, out, TaskFailed } from "./execute.ts";
import type { PlanDraft } from "./action.ts";
import { claimGuest, clusterKey } from "./guest_lock.ts";

/** What the action is about: a guest that does not exist yet, or the owner of a volume. */
export interface NewTarget {
  vmid: number;
  node: string;
  type: "qemu" | "lxc";
  name: string | null;
}

/** A tool's request to {@link runProvision}. */
export interface ProvisionSpec {
  tool: string;
  args: ActionArgs & Record<string, unknown>;
  /** Validates against the cluster (GETs only) and returns the target and plan. */
  prepare(): Promise<{ target: NewTarget; draft: PlanDraft }>;
}

/** Runs a provisioning action through the pipeline. */
export async function runProvision(
  ctx: ToolContext,
  extra: ToolExtra | undefined,
  spec: ProvisionSpec,
): Promise<ToolOutput<ActionResult>> {
  let target: NewTarget | undefined;
  let audit = auditFor(ctx, spec, extra);
  let release: (() => void) | undefined;
  try {
    const prepared = await spec.prepare();
    target = prepared.target;
    // One change per guest at a time (guest_lock.ts); a dry run claims nothing.
    if (!spec.args.dry_run) release = claimGuest(clusterKey(ctx), target.vmid, spec.tool);
    const { draft } = prepared;
    const g = asGuest(target);
    const checks: CheckResult[] = [...(draft.checks ?? [])];
    if (draft.refuse) checks.push({ check: "state", verdict: "fail", detail: draft.refuse });
    // The token's privileges for each call: what PVE would refuse is refused before asking.
    if (spec.args.dry_run || !checks.some((c) => c.verdict === "fail")) {
      checks.push(
        ...await privilegeChecks(ctx, draft.calls, spec.args.dry_run),
        ...digestChecks(draft.calls),
      );
    }
    const moot = !spec.args.dry_run && checks.some((c) => c.verdict === "fail");
    const confirm = confirmStep(
      ctx,
      extra,
      spec,
      draft,
      g,
      moot ? "not asked (refused)" : undefined,
    );
    checks.push(confirm.check);
    audit = confirmedAudit(audit, confirm.by);
    const plan = planEntries(draft.calls);
    const base = answerBase(spec.tool, draft, g, plan, checks, confirm.how);
    const firstFail = checks.find((c) => c.verdict === "fail");
    if (spec.args.dry_run) {
      const message = firstFail
        ? `Dry run: would be refused: ${firstFail.detail}`
        : `Dry run: would ${draft.verb} ${guestLabel(g)} on ${g.node} with ` +
          `${plan.map((p) => `${p.method} ${p.path}`).join(", ")}; expected: ${draft.expect}.`;
      await audit({ outcome: "dry-run", target: auditTarget(target), reason: firstFail?.detail });
      return out({ ...base, result: "dry-run", message });
    }
    if (firstFail) throw new ActionRefused(firstFail.detail);
    return await execute(ctx, extra, { args: spec.args, guest: g, draft, base, audit });
  } catch (e) {
    // Asking the user is not an outcome: the call comes back with the answer.
    if (e instanceof NeedsConfirmation) throw e;
    if (e instanceof ActionRefused) {
      await audit({ outcome: "refused", target: target && auditTarget(target), reason: e.message });
    } else if (!(e instanceof TaskFailed)) {
      const reason = e instanceof Error ? e.message : String(e);
      await audit({ outcome: "error", target: target && auditTarget(target), reason });
    }
    throw e;
  } finally {
    release?.();
  }
}

/** The pipeline's guest shape for a target that may not exist yet. */
function asGuest(t: NewTarget): GuestTarget {
  return { ...t, status: "absent", lock: null, tags: [], template: false };
}

function auditTarget(t: NewTarget): AuditRecord["target"] {
  return { node: t.node, vmid: t.vmid, type: t.type, name: t.name ?? undefined };
}
