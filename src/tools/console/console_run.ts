/**
 * What `execute_vm_command` does once called: the console policy, the guest
 * agent round trips and the audit record (src/tools/console/console.ts has
 * the tool's definition). A module of its own so the policy and the program
 * grammars load with the first command, not with the tool list.
 *
 * @example
 * ```ts ignore
 * import { runConsoleCommand } from "./console_run.ts";
 * const out = await runConsoleCommand({ vmid: 100, command: "uptime", shell: false }, ctx);
 * ```
 *
 * @module
 */

import type { ToolExtra } from "../../core/tool.ts";
import type { ToolContext } from "../../core/context.ts";
import type { Config } from "../../config/schema.ts";
import type { AuditRecord } from "../../safety/audit.ts";
import {
  checkCommand,
  checkLimits,
  checkScope,
  checkShellAllowed,
  type ConsolePolicy,
  PolicyRefusal,
} from "../../console/policy.ts";
import { checkShellScript, type GuestOs, shellArgv } from "../../console/shell_check.ts";
import {
  guestOs,
  type GuestTarget,
  resolveGuest,
  startCommand,
  waitForExit,
} from "../../console/agent.ts";
import { capOutput } from "../../console/output.ts";
import { formatCommandResult } from "../../format/console.ts";
import { consolePreflight } from "./console_plan.ts";
import type { ConsoleOutput as Output } from "./console.ts";

/** Refuses guests the `safety` section protects (no tool may change them). */
function checkProtected(config: Config, guest: GuestTarget): void {
  const safety = (config as { safety?: { protected_vmids?: number[]; protected_tags?: string[] } })
    .safety;
  const ids = safety?.protected_vmids ?? [];
  const tags = new Set((safety?.protected_tags ?? []).map((t) => t.toLowerCase()));
  const hit = ids.includes(guest.vmid)
    ? "safety.protected_vmids"
    : guest.tags.find((t) => tags.has(t.toLowerCase()));
  if (hit) {
    throw new PolicyRefusal(
      "protected",
      `VM ${guest.vmid} is protected (${
        hit.startsWith("safety.") ? hit : `PVE tag "${hit}" is in safety.protected_tags`
      }): no tool may act on it, commands included`,
      "Run the command by hand on that VM, or ask the administrator to lift the protection",
    );
  }
}

/** Runs one command under the policy: checks, guest agent round trips, one audit record. */
export async function runConsoleCommand(
  args: {
    node?: string;
    vmid: number;
    command: string;
    shell: boolean;
    input?: string;
    timeout_s?: number;
    dry_run?: boolean;
    safety_snapshot?: boolean;
  },
  ctx: ToolContext,
  extra?: ToolExtra,
): Promise<{ structured: Output; text: string }> {
  const policy: ConsolePolicy = ctx.config.console;
  const started = performance.now();
  let argv: string[] | undefined;
  let os: GuestOs | null = null;
  let node = args.node; // The guest's node once it is found (node is optional).
  const audit = (entry: Omit<AuditRecord, "tool" | "target">) =>
    ctx.audit.record({
      tool: "execute_vm_command",
      target: { node, vmid: args.vmid, type: "qemu" },
      client: extra?.clientName,
      actor: extra?.actor,
      duration_ms: Math.round(performance.now() - started),
      ...entry,
      args: {
        command: args.command,
        shell: args.shell,
        timeout_s: args.timeout_s,
        input_bytes: args.input === undefined
          ? undefined
          : new TextEncoder().encode(args.input).length,
      },
    });
  try {
    checkLimits(policy, args.command, args.timeout_s);
    const notes: string[] = [];
    if (args.shell) checkShellAllowed(policy);
    else {
      const plan = checkCommand(policy, args.command);
      argv = plan.argv;
      notes.push(...plan.notes);
    }
    // Without tag scoping the VMID alone decides: refuse before any request.
    if (!policy.tags?.length) checkScope(policy, args.vmid, []);
    const guest = await resolveGuest(ctx.pve, args.node, args.vmid);
    node = guest.node;
    checkScope(policy, guest.vmid, guest.tags);
    checkProtected(ctx.config, guest);
    if (args.shell) {
      os = await guestOs(ctx.pve, guest);
      checkShellScript(policy, args.command, os);
      argv = shellArgv(args.command, os);
    }
    // Fail closed: a command (or its safety snapshot) that could not be recorded is not run.
    if (!args.dry_run) await ctx.audit.ready();
    // Dry run (nothing sent) and safety snapshot: console_plan.ts.
    const pre = await consolePreflight(ctx, extra, guest, argv!, args);
    if (pre.answer) {
      await audit({ outcome: "dry-run", detail: { argv, os } });
      return pre.answer as { structured: Output; text: string };
    }
    notes.push(...pre.notes);
    const pid = await startCommand(ctx.pve, guest, argv!, args.input);
    const timeoutMs = (args.timeout_s ?? policy.timeout_s) * 1000;
    const progress = extra?.progress;
    const status = await waitForExit(ctx.pve, guest, pid, {
      timeoutMs,
      signal: extra?.signal,
      onPoll: progress === undefined ? undefined : (elapsed) => {
        progress({
          progress: Math.round(elapsed),
          total: timeoutMs,
          message: `waiting for pid ${pid} in VM ${guest.vmid}`,
        }).catch(() => {});
      },
    });
    const out = capOutput(status.out, policy.max_output_bytes, status.out_truncated);
    const err = capOutput(status.err, policy.max_output_bytes, status.err_truncated);
    const structured: Output = {
      node: guest.node,
      vmid: guest.vmid,
      name: guest.name,
      argv: argv!,
      shell: args.shell,
      os,
      pid,
      exited: status.exited,
      timed_out: status.timed_out,
      cancelled: status.cancelled,
      exitcode: status.exitcode,
      signal: status.signal,
      stdout: out.text,
      stderr: err.text,
      stdout_bytes: out.bytes,
      stderr_bytes: err.bytes,
      stdout_truncated: out.truncated,
      stderr_truncated: err.truncated,
      agent_truncated: out.agent_truncated || err.agent_truncated,
      duration_ms: Math.round(performance.now() - started),
      polls: status.polls,
      notes,
    };
    // The command has run: a failing audit write must not turn into an error (which would
    // invite a retry); it is logged and reported alongside the result instead.
    await audit({
      outcome: status.exited ? "ok" : status.timed_out ? "timeout" : "cancelled",
      detail: {
        argv,
        os,
        pid,
        exitcode: status.exitcode,
        signal: status.signal,
        stdout_bytes: out.bytes,
        stderr_bytes: err.bytes,
        polls: status.polls,
      },
    }).catch((ae) => {
      ctx.logger.error("audit write failed", { error: String(ae) });
      structured.notes.push(`the audit log could not be written (${String(ae)})`);
    });
    return { structured, text: formatCommandResult(structured) };
  } catch (e) {
    const refused = e instanceof PolicyRefusal;
    await audit({
      outcome: refused ? "refused" : "error",
      reason: e instanceof Error ? e.message : String(e),
      detail: { argv, os, ...(refused ? { rule: e.rule } : {}) },
    }).catch((ae) => ctx.logger.error("audit write failed", { error: String(ae) }));
    throw e;
  }
}
