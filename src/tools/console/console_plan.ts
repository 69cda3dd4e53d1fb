/**
 * `execute_vm_command`'s dry run and safety snapshot, like every other
 * mutating tool's (src/safety/action.ts): `dry_run: true` returns the checks
 * (policy, guest, the token's privileges for each call, the safety snapshot)
 * and the exact PVE calls without sending anything but GETs;
 * `safety_snapshot: true` (or `safety.snapshot_before: [execute_vm_command]`)
 * snapshots the VM first and the answer says how to roll back.
 *
 * @example
 * ```ts ignore
 * const pre = await consolePreflight(ctx, extra, guest, argv, args);
 * if (pre.answer) return pre.answer; // the dry run
 * notes.push(...pre.notes);          // e.g. the safety snapshot taken
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import type { ToolContext } from "../../core/context.ts";
import type { ToolExtra } from "../../core/tool.ts";
import type { GuestTarget } from "../../console/agent.ts";
import { maskSecrets, privilegeChecks } from "../../safety/dry_run.ts";
import { planSafetySnapshot, takeSafetySnapshot } from "../../safety/safety_snapshot.ts";
import { ActionRefused } from "../../safety/target.ts";
import type { CheckResult } from "../../safety/policy.ts";
import { buildPath } from "../../proxmox/client.ts";

/** The extra input fields. */
export const consoleActionInput = {
  dry_run: z.boolean().default(false).describe(
    "Only check and plan: the policy and guest checks and the exact PVE calls, nothing sent",
  ),
  safety_snapshot: z.boolean().optional().describe(
    "Snapshot the VM first (mcp-pre-exec-<time>) and say how to roll back; refused if its " +
      "storage cannot snapshot. Default: as safety.snapshot_before configures.",
  ),
};

/** The extra output fields (dry runs). */
export const consolePlanOutput = {
  dry_run: z.boolean().optional().describe("True when nothing was sent (dry run)"),
  plan: z.array(z.object({
    method: z.string(),
    path: z.string(),
    params: z.record(z.string(), z.unknown()),
  })).optional().describe("Dry run: the PVE calls that would be made"),
  checks: z.array(z.object({ check: z.string(), verdict: z.string(), detail: z.string() }))
    .optional(),
};

interface PreflightArgs {
  command: string;
  shell: boolean;
  input?: string;
  dry_run?: boolean;
  safety_snapshot?: boolean;
}

/** What happens before the command is sent: a dry-run answer, or notes for the real one. */
export interface Preflight {
  answer?: { structured: Record<string, unknown>; text: string };
  notes: string[];
}

/** Plans (and, for real runs, takes) the safety snapshot; answers dry runs. */
export async function consolePreflight(
  ctx: ToolContext,
  extra: ToolExtra | undefined,
  guest: GuestTarget,
  argv: readonly string[],
  args: PreflightArgs,
): Promise<Preflight> {
  const g = { vmid: guest.vmid, node: guest.node, type: "qemu" as const, name: guest.name };
  const safety = await planSafetySnapshot(ctx, g, "execute_vm_command", args.safety_snapshot);
  const exec = {
    method: "POST" as const,
    template: "/nodes/{node}/qemu/{vmid}/agent/exec",
    params: { node: g.node, vmid: g.vmid, command: [...argv], "input-data": args.input },
  };
  const calls = safety ? [safety.call, exec] : [exec];
  const checks: CheckResult[] = [
    { check: "console policy", verdict: "pass", detail: "the command passes the policy" },
    ...(safety ? [safety.check] : []),
    ...await privilegeChecks(ctx, calls, args.dry_run === true),
  ];
  const failed = checks.find((c) => c.verdict === "fail");
  if (!args.dry_run) {
    if (failed) throw new ActionRefused(failed.detail);
    if (!safety) return { notes: [] };
    await takeSafetySnapshot(ctx, extra, safety, 60);
    return {
      notes: [`safety snapshot ${safety.name} was taken first; to undo: ${safety.rollback}`],
    };
  }
  const plan = calls.map((c) => ({
    method: c.method,
    path: buildPath(c.template, c.params as never).path,
    params: maskSecrets(Object.fromEntries(
      Object.entries(c.params).filter(([k, v]) => v !== undefined && k !== "node" && k !== "vmid"),
    )),
  }));
  const who = `VM ${g.vmid}${g.name ? ` (${g.name})` : ""} on ${g.node}`;
  const head = failed
    ? `Dry run: would be refused: ${failed.detail}`
    : `Dry run: would run ${JSON.stringify(argv.join(" "))} in ${who} via the guest agent` +
      (safety ? `, after safety snapshot ${safety.name}` : "") + "; nothing was sent.";
  const structured = {
    node: g.node,
    vmid: g.vmid,
    name: g.name,
    argv: [...argv],
    shell: args.shell,
    os: null,
    pid: 0,
    exited: false,
    timed_out: false,
    cancelled: false,
    exitcode: null,
    signal: null,
    stdout: "",
    stderr: "",
    stdout_bytes: 0,
    stderr_bytes: 0,
    stdout_truncated: false,
    stderr_truncated: false,
    agent_truncated: false,
    duration_ms: 0,
    polls: 0,
    notes: [head],
    dry_run: true,
    plan,
    checks,
  };
  const text = [
    head,
    ...checks.map((c) => `- check ${c.check}: ${c.verdict} (${c.detail})`),
    ...plan.map((p) => `- would send ${p.method} ${p.path} ${JSON.stringify(p.params)}`),
  ].join("\n");
  return { answer: { structured, text }, notes: [] };
}
