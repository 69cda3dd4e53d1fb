/**
 * `guest_power` (toolset "lifecycle"): every power action of VMs and
 * containers behind one tool — start, shutdown, reboot, stop, reset (VMs),
 * suspend, resume. The server finds the guest and its kind, so the model only
 * names the act. Every call runs through the safety pipeline
 * (src/safety/action.ts): protected guests, locks, state, confirmation, plan,
 * one POST, task tracking, audit.
 *
 * @example
 * ```ts
 * import { guestPower, POWER_ACTIONS } from "./lifecycle.ts";
 * console.log(guestPower.name, POWER_ACTIONS.length); // "guest_power" 7
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool } from "../../core/tool.ts";
import { looseEnum, nodeName, vmid } from "../schemas.ts";
import { runGuestAction } from "../../safety/action.ts";
import { type ActionArgs, actionInput, actionOutput } from "../../safety/result.ts";
import { type PowerAction, powerDraft } from "./lifecycle_rules.ts";
import type { GuestTarget } from "../../safety/target.ts";
import type { ToolContext } from "../../core/context.ts";
import { asObject, asString } from "../../proxmox/lenient.ts";

/** The power actions, in the order a model reads them. */
export const POWER_ACTIONS = [
  "start",
  "shutdown",
  "reboot",
  "stop",
  "reset",
  "suspend",
  "resume",
] as const satisfies readonly PowerAction[];

/** Words models and admins use for the same acts (`qm`'s and the GUI's words included). */
const SYNONYMS: Record<string, PowerAction> = {
  restart: "reboot",
  boot: "start",
  poweron: "start",
  power_on: "start",
  pause: "suspend",
  unpause: "resume",
  continue: "resume",
  hard_stop: "stop",
  hard_reset: "reset",
};

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
  action: PowerAction;
  vmid: number;
  node?: string;
  shutdown_timeout_s?: number;
  force_stop?: boolean;
  [k: string]: unknown;
}

/** Options that only mean something for one action: given with another, the call is refused. */
function misplaced(a: PowerArgs): string | undefined {
  for (const key of ["shutdown_timeout_s", "force_stop"] as const) {
    if (a[key] !== undefined && a.action !== "shutdown") {
      return `${key} applies to action shutdown only, not ${a.action}. Nothing was done.`;
    }
  }
}

/** `guest_power`. */
export const guestPower = defineTool({
  name: "guest_power",
  title: "Power a guest",
  description: "Power action on a VM or container. shutdown: clean (ACPI/init); force_stop: " +
    "true hard-stops after shutdown_timeout_s. stop: hard, like pulling the plug. reset: hard " +
    "restart (VMs). suspend pauses, resume continues. stop, reset and force_stop are " +
    "destructive: the user must agree (asked, or confirm: true).",
  toolset: "lifecycle",
  privileges: ["VM.PowerMgmt"],
  safetyKeys: POWER_ACTIONS,
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  input: {
    action: looseEnum(POWER_ACTIONS, SYNONYMS),
    vmid,
    node: nodeName.optional(),
    shutdown_timeout_s: z.number().int().min(0).max(3600).optional(),
    force_stop: z.boolean().optional(),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    const a = args as PowerArgs;
    const wrong = misplaced(a);
    if (wrong) return Promise.reject(new Error(wrong));
    return runGuestAction(ctx, extra, {
      tool: "guest_power",
      op: a.action,
      args: a,
      vmid: a.vmid,
      node: a.node,
      plan: async (g) =>
        powerDraft(a.action, g, {
          shutdownTimeout: a.shutdown_timeout_s,
          forceStop: a.force_stop,
        }, await qmpStatus(ctx, g, a.action)),
    });
  },
});
