/**
 * What both action pipelines (existing guests: action.ts; new targets:
 * provision.ts) share: the confirmation step, the plan as the model sees it,
 * the answer's common fields, and the audit line plus log line written for
 * every outcome.
 *
 * @example
 * ```ts ignore
 * const audit = auditFor(ctx, { tool: "guest_power", args }, extra);
 * await audit({ outcome: "ok", target: { node: "pve1", vmid: 100 }, upid });
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import type { ToolExtra } from "../core/tool.ts";
import type { AuditRecord } from "./audit.ts";
import { buildPath, type Params } from "../proxmox/client.ts";
import { maskSecrets } from "./dry_run.ts";
import { confirmAction, type ConfirmOutcome } from "./confirm.ts";
import type { CheckResult } from "./policy.ts";
import { guestLabel, type GuestTarget } from "./target.ts";
import type { ActionArgs } from "./result.ts";

/** One planned PVE call, as a template and its parameters. */
export interface CallDraft {
  method: string;
  template: string;
  params: Params;
}

/** The plan as answered: concrete paths, body/query parameters only, secrets masked. */
export function planEntries(calls: readonly CallDraft[]) {
  return calls.map((c) => ({
    method: c.method,
    path: buildPath(c.template, c.params).path,
    params: maskSecrets(Object.fromEntries(
      Object.entries(c.params).filter(([k, v]) =>
        v !== undefined && !c.template.includes(`{${k}}`)
      ),
    )),
  }));
}

/** Records one outcome of a call: audit line (errors logged, never hiding the result) and log. */
export type AuditFn = (rec: Omit<AuditRecord, "tool" | "args">) => Promise<void>;

/** The audit function of one tool call; durations count from its creation. */
export function auditFor(
  ctx: ToolContext,
  spec: { tool: string; args: Record<string, unknown> },
  extra: ToolExtra | undefined,
): AuditFn {
  const started = performance.now();
  return async (rec) => {
    const entry: AuditRecord = {
      tool: spec.tool,
      args: spec.args,
      client: extra?.clientName,
      actor: extra?.actor,
      ...rec,
      // A dashboard button (MCP Apps) rather than the model: the audit says so.
      ...(extra?.origin && { detail: { ...rec.detail, origin: extra.origin } }),
      duration_ms: rec.duration_ms ?? Math.round(performance.now() - started),
    };
    ctx.logger.info("action", {
      tool: entry.tool,
      outcome: entry.outcome,
      vmid: entry.target?.vmid,
      node: entry.target?.node,
      upid: entry.upid,
      reason: entry.reason,
    });
    try {
      await ctx.audit.record(entry);
    } catch (e) {
      // The action already happened (or was refused): say so loudly, do not hide its result.
      ctx.logger.error("audit write failed", { error: (e as Error).message, tool: entry.tool });
    }
  };
}

/** The audit function of a call whose confirmation is known: every line says who confirmed. */
export function confirmedAudit(audit: AuditFn, by: ConfirmOutcome["by"]): AuditFn {
  if (by === "none") return audit;
  return (rec) => audit({ confirmed_by: by, ...rec });
}

/** What the confirmation step needs to know about the action. */
export interface ConfirmDraft {
  verb: string;
  destructive: boolean;
  question?: string;
  expect: string;
}

/**
 * Asks for confirmation unless the answer is already known (`moot`: a refusal or a no-op,
 * where the user must not be bothered for nothing).
 */
export function confirmStep(
  ctx: ToolContext,
  extra: ToolExtra | undefined,
  spec: { tool: string; args: ActionArgs },
  draft: ConfirmDraft,
  g: GuestTarget,
  moot: string | undefined,
): ConfirmOutcome {
  if (moot) {
    return {
      check: { check: "confirmation", verdict: "skip", detail: "not asked" },
      how: moot,
      by: "none",
    };
  }
  return confirmAction({
    destructive: draft.destructive,
    required: ctx.config.safety.confirm_destructive,
    dryRun: spec.args.dry_run,
    confirmArg: spec.args.confirm,
    channel: extra?.confirm,
    tool: spec.tool,
    question: draft.question ?? `${draft.verb} ${guestLabel(g)} on ${g.node}?`,
    title: `${draft.verb} ${guestLabel(g)}`,
  });
}

/** The fields every action answer starts from. */
export function answerBase(
  tool: string,
  draft: ConfirmDraft,
  g: GuestTarget,
  plan: ReturnType<typeof planEntries>,
  checks: CheckResult[],
  confirmation: string,
) {
  return {
    tool,
    action: draft.verb,
    target: { vmid: g.vmid, node: g.node, type: g.type, name: g.name },
    upid: null,
    exitstatus: null,
    duration_ms: null,
    log: [],
    plan,
    checks,
    confirmation,
    expected: draft.expect,
  };
}
