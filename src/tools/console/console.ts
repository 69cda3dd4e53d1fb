/**
 * `execute_vm_command(node, vmid, command)`: runs a program inside a QEMU VM
 * through the guest agent, under the `console` policy (src/console/). Same
 * name and parameters as the seed's tool, plus `shell`, `input` and
 * `timeout_s`. Only registered with `console.enabled: true`, never in
 * read-only mode. Every executed or refused command goes to the audit log.
 *
 * Round trips of one command: `GET /cluster/resources` (guest, node, type,
 * state, tags), `POST .../agent/exec`, then `GET .../agent/exec-status` until
 * it exits (one poll for a quick command): 3 in the common case, +1
 * `agent/get-osinfo` the first time a VM is asked for a shell.
 *
 * @example
 * ```ts ignore
 * import { executeVmCommand } from "./console.ts";
 * const out = await executeVmCommand.run(
 *   { node: "pve1", vmid: 100, command: "uptime", shell: false }, ctx);
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, type ToolExtra } from "../../core/tool.ts";
import { nodeName, vmid } from "../schemas.ts";
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
import { consoleActionInput, consolePlanOutput, consolePreflight } from "./console_plan.ts";

const output = {
  node: z.string(),
  vmid: z.number().int(),
  name: z.string().nullable(),
  argv: z.array(z.string()).describe("The argument vector sent to the guest agent"),
  shell: z.boolean(),
  os: z.enum(["linux", "windows"]).nullable().describe("Guest OS (known when a shell was used)"),
  pid: z.number().int().describe("Process id inside the guest"),
  exited: z.boolean(),
  timed_out: z.boolean().describe("Still running when the timeout passed (it keeps running)"),
  cancelled: z.boolean(),
  exitcode: z.number().int().nullable(),
  signal: z.number().int().nullable().describe("Signal that ended the process, if any"),
  stdout: z.string().describe("Decoded stdout, capped at console.max_output_bytes"),
  stderr: z.string(),
  stdout_bytes: z.number().int().describe("Bytes the agent returned, before capping"),
  stderr_bytes: z.number().int(),
  stdout_truncated: z.boolean(),
  stderr_truncated: z.boolean(),
  agent_truncated: z.boolean().describe("The guest agent itself cut stdout or stderr"),
  duration_ms: z.number().int(),
  polls: z.number().int().describe("exec-status requests made"),
  notes: z.array(z.string()),
  ...consolePlanOutput,
};

type Output = z.infer<z.ZodObject<typeof output>>;

/** The policy from the configuration. */
export function consolePolicy(config: Config): ConsolePolicy {
  return config.console;
}

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

async function run(
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
  const policy = consolePolicy(ctx.config);
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
    // Dry run (nothing sent) and safety snapshot: src/tools/console_plan.ts.
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

/** `execute_vm_command`: a program inside a running QEMU VM, under the console policy. */
export const executeVmCommand = defineTool({
  name: "execute_vm_command",
  privileges: ["VM.GuestAgent.Unrestricted", "VM.Monitor"],
  title: "Run a command in a VM",
  description: "Run a command inside a running QEMU VM through the QEMU guest agent and return " +
    "its exit code, stdout and stderr. The command line is split into arguments with shell " +
    "quoting rules but NOT run by a shell (no pipes, redirections, variables or wildcards) " +
    "unless shell: true and the server's policy allows it (then /bin/sh -c, or PowerShell on " +
    "Windows guests). The server's policy decides which programs may run (by default read-only " +
    "diagnostics such as uptime, df -h, free -m, ps aux, systemctl status X, journalctl -n 50, " +
    "ip addr, ss -tlnp); a refusal names the rule and shows the allowed form. Not for LXC " +
    "containers (PVE has no exec API for them). The command is not retried; on timeout it " +
    "keeps running in the guest.",
  toolset: "console",
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  enabledWhen: (config) => config.console.enabled === true,
  input: {
    node: nodeName.optional(),
    vmid,
    command: z.string().min(1).max(65_536)
      .describe('Command line, e.g. "df -h /" or "systemctl status nginx"'),
    shell: z.boolean().default(false)
      .describe("Run through the guest's shell (only if the policy allows; default false)"),
    input: z.string().max(65_536).optional().describe("Text to feed to the command's stdin"),
    timeout_s: z.number().int().min(1).max(300).optional()
      .describe("Seconds to wait for the command (default and maximum: the policy's timeout_s)"),
    ...consoleActionInput,
  },
  output,
  run,
});
