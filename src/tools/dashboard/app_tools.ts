/**
 * The tools only the dashboard view calls (`_meta.ui.visibility: ["app"]`,
 * hidden from the model by MCP Apps hosts): `dashboard_action` runs start,
 * shutdown, reboot or snapshot through the very tool the model would use
 * (guest_power, guest_snapshot), so protection, locks,
 * privileges, dry run, confirmation and the audit trail are the same; the
 * audit line carries `detail.origin: "app"`. `dashboard_metrics` returns a
 * node's or guest's RRD history cut down to chart points.
 *
 * There is no `confirm` argument on purpose: a page cannot vouch for the
 * user. Destructive acts are confirmed by the host asking the user
 * (input_required / elicitation), or refused.
 *
 * @example
 * ```ts
 * import { APP_TOOLS } from "./app_tools.ts";
 * console.log(APP_TOOLS.map((t) => t.name)); // ["dashboard_action", "dashboard_metrics"]
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { type AnyTool, defineTool, READ_ONLY, type ToolOutput } from "../../core/tool.ts";
import { nodeName, vmid } from "../schemas.ts";
import { parseArgs } from "../invoke.ts";
import { actionOutput, type ActionResult, DEFAULT_WAIT_S } from "../../safety/result.ts";
import { asArray } from "../../proxmox/lenient.ts";
import { findGuest } from "../insight/insight_common.ts";
import { resolveGuest } from "../../safety/target.ts";
import { snapname } from "../snapshots/snapshots.ts";
import { type AppAction, delegateOf, offeredActions } from "./collect.ts";
import { chartSeries } from "./series.ts";
import { DASHBOARD_URI } from "./uri.ts";

const APP_ONLY = { ui: { resourceUri: DASHBOARD_URI, visibility: ["app"] } };

/** A snapshot name from the time of the click, e.g. dash_20260728_141503. */
export function dashboardSnapname(now = new Date()): string {
  return "dash_" + now.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "_");
}

/** `dashboard_action`. */
export const dashboardAction = defineTool({
  name: "dashboard_action",
  title: "Dashboard action",
  description: "For the dashboard view only: start, shutdown (clean, then hard stop after " +
    "shutdown_timeout_s: asks the user), reboot or snapshot one guest, through the same checks, " +
    "confirmation and audit as guest_power and guest_snapshot.",
  toolset: "dashboard",
  privileges: ["VM.PowerMgmt", "VM.Snapshot"],
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  meta: APP_ONLY,
  input: {
    action: z.enum(["start", "shutdown", "reboot", "snapshot"]),
    vmid,
    type: z.enum(["qemu", "lxc"]).describe("Guest type as show_cluster lists it (checked)"),
    node: nodeName.optional().describe("Node as show_cluster lists it (checked)"),
    snapname: snapname.optional().describe("snapshot only; default dash_<UTC time>"),
    shutdown_timeout_s: z.number().int().min(0).max(3600).optional(),
    dry_run: z.boolean().default(false),
    wait: z.boolean().default(false).describe("false: answer at once with the UPID"),
    timeout_s: z.number().int().min(1).max(3600).default(DEFAULT_WAIT_S),
  },
  output: actionOutput,
  async run(args, ctx, extra) {
    const action = args.action as AppAction;
    if (!offeredActions(ctx).includes(action)) {
      throw new Error(
        `${action} is not offered by this server (read-only mode, or its toolset or tool is ` +
          "disabled in tools.disabled_toolsets / tools.disabled_tools). Nothing was done.",
      );
    }
    if (args.snapname !== undefined && action !== "snapshot") {
      throw new Error(`snapname applies to snapshot only, not ${action}`);
    }
    if (args.shutdown_timeout_s !== undefined && action !== "shutdown") {
      throw new Error(`shutdown_timeout_s applies to shutdown only, not ${action}`);
    }
    // The view names the guest as it drew it: a VMID since reused by the other kind is refused
    // (the delegate serves both kinds). Read through the call's cache, so the delegate's own
    // lookup costs nothing more.
    await resolveGuest(ctx, {
      vmid: args.vmid,
      node: args.node,
      expect: args.type,
      tool: "dashboard_action",
    });
    const { tool, args: fixed } = delegateOf(action);
    const common = {
      ...fixed,
      vmid: args.vmid,
      node: args.node,
      dry_run: args.dry_run,
      wait: args.wait,
    };
    const specific = action === "snapshot"
      ? { snapname: args.snapname ?? dashboardSnapname(), description: "taken from the dashboard" }
      : action === "shutdown"
      ? { force_stop: true, shutdown_timeout_s: args.shutdown_timeout_s }
      : {};
    const delegated = parseArgs(tool, { ...common, timeout_s: args.timeout_s, ...specific });
    return await (tool.run(delegated, ctx, { ...extra, origin: "app" }) as Promise<
      ToolOutput<ActionResult>
    >);
  },
});

/** `dashboard_metrics`. */
export const dashboardMetrics = defineTool({
  name: "dashboard_metrics",
  title: "Dashboard chart data",
  description: "For the dashboard view only: a node's (omit vmid) or guest's CPU, memory, " +
    "network and disk I/O over hour/day/week, as at most 72 points per series.",
  toolset: "dashboard",
  privileges: ["Sys.Audit", "VM.Audit"],
  annotations: READ_ONLY,
  meta: APP_ONLY,
  input: {
    node: nodeName.optional(),
    vmid: vmid.optional(),
    timeframe: z.enum(["hour", "day", "week"]).default("hour"),
  },
  output: {
    node: z.string(),
    vmid: z.number().int().nullable(),
    timeframe: z.string(),
    t: z.array(z.number()),
    cpu: z.array(z.number().nullable()),
    mem: z.array(z.number().nullable()),
    netin: z.array(z.number().nullable()),
    netout: z.array(z.number().nullable()),
    diskread: z.array(z.number().nullable()),
    diskwrite: z.array(z.number().nullable()),
  },
  async run({ node: given, vmid, timeframe }, ctx) {
    const guest = vmid === undefined ? undefined : await findGuest(ctx, given, vmid);
    const node = guest?.node ?? given;
    if (node === undefined) throw new Error("give node (a node's chart) or vmid (a guest's).");
    const path = guest ? `/nodes/{node}/${guest.type}/{vmid}/rrddata` : "/nodes/{node}/rrddata";
    const rows = asArray(
      await ctx.pve.get(path, { node, vmid, timeframe, cf: "AVERAGE" }),
      "rrddata",
    );
    const s = chartSeries(rows);
    const who = vmid === undefined ? `node ${node}` : `guest ${vmid} on ${node}`;
    return {
      structured: { node, vmid: vmid ?? null, timeframe, ...s },
      text: `${who}, ${timeframe}: ${s.t.length} points`,
    };
  },
});

/** The app-only tools. */
export const APP_TOOLS: readonly AnyTool[] = [dashboardAction, dashboardMetrics];
