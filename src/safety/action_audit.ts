/**
 * What both action pipelines (existing guests: action.ts; new targets:
 * provision.ts) share: the plan as the model sees it, and the audit line
 * plus log line written for every outcome.
 *
 * @example
 * ```ts ignore
 * const audit = auditFor(ctx, { tool: "start_vm", args }, extra);
 * await audit({ outcome: "ok", target: { node: "pve1", vmid: 100 }, upid });
 * ```
 *
 * @module
 */

import type { ToolContext } from "../tools/context.ts";
import type { ToolExtra } from "../tools/registry.ts";
import type { AuditRecord } from "./audit.ts";
import { buildPath, type Params } from "../proxmox/client.ts";
import { maskSecrets } from "./dry_run.ts";

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
      ...rec,
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
