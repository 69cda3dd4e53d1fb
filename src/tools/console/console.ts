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
import { defineTool } from "../../core/tool.ts";
import { nodeName, vmid } from "../schemas.ts";
import { consoleActionInput, consolePlanOutput } from "./console_plan.ts";

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

/** The structured answer of execute_vm_command. */
export type ConsoleOutput = z.infer<z.ZodObject<typeof output>>;

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
  // The policy, the program grammars and the agent client load on the first command: the
  // console is off by default, and the tool list is built without them.
  run: async (args, ctx, extra) =>
    (await import("./console_run.ts")).runConsoleCommand(args, ctx, extra),
});
