/**
 * Power actions for QEMU VMs and LXC containers (toolset "lifecycle"): start,
 * stop, shutdown, reboot, reset (VMs), suspend, resume. Every one runs through
 * the safety pipeline (src/safety/action.ts): protected guests, locks, state,
 * confirmation, plan, one POST, task tracking, audit.
 *
 * @example
 * ```ts
 * import { LIFECYCLE_TOOLS } from "./lifecycle.ts";
 * console.log(LIFECYCLE_TOOLS.map((t) => t.name).includes("stop_vm")); // true
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { type AnyTool, defineTool } from "../../core/tool.ts";
import type { ToolAnnotations } from "../../core/tool.ts";
import { nodeName, vmid } from "../schemas.ts";
import { runGuestAction } from "../../safety/action.ts";
import { type ActionArgs, actionInput, actionOutput } from "../../safety/result.ts";
import { type PowerAction, powerDraft } from "./lifecycle_rules.ts";
import type { GuestTarget } from "../../safety/target.ts";
import type { ToolContext } from "../../core/context.ts";
import { asObject, asString } from "../../proxmox/lenient.ts";
import { ACTION_NOTE, CONFIRM_NOTE } from "../action_text.ts";

interface PowerSpec {
  action: PowerAction;
  title: string;
  what: string;
  destructive: boolean;
  idempotent: boolean;
  /** Needs confirmation always (stop, reset) or only with force_stop (shutdown). */
  confirm: "always" | "force_stop" | "never";
}

const SPECS: PowerSpec[] = [
  {
    action: "start",
    title: "Start",
    what:
      "Starts a stopped {noun} (a hibernated VM resumes). Already running: says so, sends nothing.",
    destructive: false,
    idempotent: true,
    confirm: "never",
  },
  {
    action: "stop",
    title: "Stop (hard)",
    what: "Stops a {noun} at once, like pulling the power plug: the guest OS gets no chance to " +
      "shut down and unsaved data is lost. Prefer shutdown_{sfx}.",
    destructive: true,
    idempotent: true,
    confirm: "always",
  },
  {
    action: "shutdown",
    title: "Shut down",
    what:
      "Asks the {noun}'s OS to shut down cleanly (ACPI / init); shutdown_timeout_s bounds PVE's " +
      "wait, and force_stop: true hard-stops the guest if it has not stopped by then.",
    destructive: true,
    idempotent: true,
    confirm: "force_stop",
  },
  {
    action: "reboot",
    title: "Reboot",
    what: "Reboots a running {noun} cleanly (shutdown, then start).",
    destructive: false,
    idempotent: false,
    confirm: "never",
  },
  {
    action: "reset",
    title: "Reset (hard)",
    what: "Resets a running VM at once, like pressing its reset button: no clean shutdown, " +
      "unsaved data is lost. Prefer reboot_vm.",
    destructive: true,
    idempotent: false,
    confirm: "always",
  },
  {
    action: "suspend",
    title: "Suspend",
    what: "Pauses a running {noun} (its memory stays, CPUs stop); resume_{sfx} continues it.",
    destructive: false,
    idempotent: true,
    confirm: "never",
  },
  {
    action: "resume",
    title: "Resume",
    what: "Continues a paused (suspended) {noun}.",
    destructive: false,
    idempotent: true,
    confirm: "never",
  },
];

const COMMON = ACTION_NOTE.trimStart();
const CONFIRM = CONFIRM_NOTE;

/** Reads qmpstatus only when the listing's `running` may hide a paused VM. */
async function qmpStatus(
  ctx: ToolContext,
  g: GuestTarget,
  action: PowerAction,
): Promise<string | undefined> {
  const matters = ["shutdown", "reboot", "suspend", "resume"].includes(action);
  if (g.type !== "qemu" || g.status !== "running" || !matters) return undefined;
  const s = asObject(
    await ctx.pve.get("/nodes/{node}/qemu/{vmid}/status/current", { node: g.node, vmid: g.vmid }),
    "GET /nodes/{node}/qemu/{vmid}/status/current",
  );
  return asString(s.qmpstatus);
}

interface PowerArgs extends ActionArgs {
  vmid: number;
  node?: string;
  shutdown_timeout_s?: number;
  force_stop?: boolean;
  [k: string]: unknown;
}

function powerTool(spec: PowerSpec, type: "qemu" | "lxc"): AnyTool {
  const kind = type === "qemu" ? "vm" : "container";
  const name = `${spec.action}_${kind}`;
  const noun = type === "qemu" ? "VM" : "container";
  const confirmText = spec.confirm === "always"
    ? CONFIRM
    : spec.confirm === "force_stop"
    ? CONFIRM.replace("Destructive:", "With force_stop: true it is destructive:")
    : "";
  const annotations: ToolAnnotations = {
    readOnlyHint: false,
    destructiveHint: spec.destructive,
    idempotentHint: spec.idempotent,
    openWorldHint: false,
  };
  const extraInput: z.ZodRawShape = spec.action === "shutdown"
    ? {
      shutdown_timeout_s: z.number().int().min(0).max(3600).optional().describe(
        "Seconds PVE waits for the guest to shut down (PVE's default: 180 for VMs, 60 for " +
          "containers)",
      ),
      force_stop: z.boolean().default(false).describe(
        "Hard-stop the guest if it has not shut down in time (destructive: needs confirmation)",
      ),
    }
    : {};
  return defineTool({
    name,
    title: `${spec.title} ${noun}`,
    description: [
      spec.what.replaceAll("{noun}", noun).replaceAll("{sfx}", kind),
      COMMON,
      confirmText,
    ]
      .map((s) => s.trim()).filter(Boolean).join(" "),
    toolset: "lifecycle",
    privileges: ["VM.PowerMgmt"],
    annotations,
    input: {
      vmid,
      node: nodeName.optional(),
      ...extraInput,
      ...actionInput,
    },
    output: actionOutput,
    run(args, ctx, extra) {
      const a = args as PowerArgs;
      return runGuestAction(ctx, extra, {
        tool: name,
        args: a,
        vmid: a.vmid,
        node: a.node,
        expect: type,
        plan: async (g) =>
          powerDraft(spec.action, g, {
            shutdownTimeout: a.shutdown_timeout_s,
            forceStop: a.force_stop,
          }, await qmpStatus(ctx, g, spec.action)),
      });
    },
  });
}

/** Every power tool: VMs first, then containers (no reset for containers: PVE has none). */
export const LIFECYCLE_TOOLS: readonly AnyTool[] = [
  ...SPECS.map((s) => powerTool(s, "qemu")),
  ...SPECS.filter((s) => s.action !== "reset").map((s) => powerTool(s, "lxc")),
];
