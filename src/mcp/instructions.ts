/**
 * The server instructions (sent at initialize and in server/discover): what
 * every tool shares, said once instead of in each tool's description.
 *
 * @example
 * ```ts
 * import { INSTRUCTIONS } from "./instructions.ts";
 * console.log(INSTRUCTIONS.includes("dry_run")); // true
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import { clusterNames, isMultiCluster } from "../config/clusters.ts";

/** The instructions text. */
export const INSTRUCTIONS = "Tools for one Proxmox VE cluster. Start with get_cluster_status or " +
  "get_nodes; get_vms lists VMs and containers cluster-wide in one call (filters, sort with " +
  "limit for a top N, offset for big clusters). Sizes are bytes, CPU values fractions of 1. " +
  'vmid takes a VMID (e.g. 100 or "100") or an existing guest\'s name (an ambiguous name is ' +
  "refused with its candidates); node is a node name as get_nodes lists it, in any case, and " +
  "optional wherever vmid is given (the server finds the guest and its kind; a node given is " +
  "checked). Enum values take any case and common synonyms (timeframe 24h = day, action " +
  "restart = reboot). guest_power and guest_snapshot do one action per call on a VM or " +
  "container; options of another action are refused. Tools that change something share " +
  "these arguments: dry_run: true checks everything against the live cluster and returns the " +
  "exact PVE calls without sending them (use it before risky changes); wait (default true) " +
  "follows the PVE task and returns its exit status and last log lines, timeout_s bounds that " +
  "wait (the task keeps running and the answer carries its UPID for get_task_status); " +
  "confirm: true is needed for destructive actions only when the user cannot be asked " +
  "directly, and must reflect the user's explicit agreement; safety_snapshot: true takes a " +
  "snapshot first (default: the server's safety.snapshot_before). Protected or locked guests " +
  "are refused with the reason.";

/** A sentence for the server instructions naming the clusters ("" with one cluster). */
export function clusterNote(ctx: ToolContext): string {
  if (!isMultiCluster(ctx.config)) return "";
  return ` Several clusters are configured (${clusterNames(ctx.config).join(", ")}): every tool ` +
    `takes an optional cluster argument (default ${ctx.config.default_cluster}) and results ` +
    "name the cluster that answered.";
}
