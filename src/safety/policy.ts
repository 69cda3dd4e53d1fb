/**
 * The checks every mutating action passes before anything is sent: protected
 * guests (configured VMIDs and tags), PVE's own locks, an offline node. Each
 * returns a verdict that goes into the answer (and the dry-run plan) whether
 * it passes or not.
 *
 * @example
 * ```ts
 * import { checkProtected } from "./policy.ts";
 * const safety = { protected_vmids: [100], protected_tags: ["protected"], confirm_destructive: true };
 * const g = { vmid: 100, type: "qemu" as const, name: "web01", tags: [] };
 * console.log(checkProtected(g, safety).verdict); // "fail"
 * ```
 *
 * @module
 */

import type { GuestTarget } from "./target.ts";
import { guestLabel } from "./target.ts";

/** The outcome of one check. */
export interface CheckResult {
  check: string;
  verdict: "pass" | "fail" | "ask" | "skip";
  detail: string;
}

/** Settings the checks read (the config's `safety` section). */
export interface SafetySettings {
  protected_vmids: readonly number[];
  protected_tags: readonly string[];
  confirm_destructive: boolean;
}

/** Refuses guests listed by VMID or carrying a protected tag. */
export function checkProtected(
  g: Pick<GuestTarget, "vmid" | "type" | "name" | "tags">,
  s: SafetySettings,
): CheckResult {
  const label = guestLabel(g);
  if (s.protected_vmids.includes(g.vmid)) {
    return {
      check: "protected",
      verdict: "fail",
      detail: `${label} is protected by this server's configuration (safety.protected_vmids): ` +
        "no tool may change it. An administrator can remove it from that list; do it by hand " +
        "in the Proxmox UI otherwise.",
    };
  }
  const wanted = new Set(s.protected_tags.map((t) => t.toLowerCase()));
  const hit = g.tags.find((t) => wanted.has(t.toLowerCase()));
  if (hit) {
    return {
      check: "protected",
      verdict: "fail",
      detail: `${label} carries the PVE tag "${hit}", which this server treats as protected ` +
        "(safety.protected_tags): no tool may change it. Remove the tag in PVE (or the tag from " +
        "that list) if the change is really wanted.",
    };
  }
  return { check: "protected", verdict: "pass", detail: "not a protected guest" };
}

/**
 * PVE refuses most actions on a locked guest (backup, migrate, snapshot, ...).
 * `allow` lists locks the action itself clears (e.g. `suspended` for start/resume).
 */
export function checkLock(g: GuestTarget, allow: readonly string[] = []): CheckResult {
  if (!g.lock || allow.includes(g.lock)) {
    return {
      check: "lock",
      verdict: "pass",
      detail: g.lock ? `lock ${g.lock} allowed` : "not locked",
    };
  }
  const cmd = g.type === "qemu" ? "qm" : "pct";
  return {
    check: "lock",
    verdict: "fail",
    detail: `${guestLabel(g)} is locked (${g.lock}): PVE refuses this while the lock is held. ` +
      `Wait for the ${g.lock} to finish (get_task_status / list_tasks with vmid ${g.vmid}); ` +
      `only if no such task runs any more, an administrator can clear it with ` +
      `'${cmd} unlock ${g.vmid}' on ${g.node}.`,
  };
}

/** A guest on an offline node cannot be acted on (PVE answers 595). */
export function checkNode(g: GuestTarget): CheckResult {
  if (g.status === "unknown") {
    return {
      check: "node",
      verdict: "fail",
      detail: `node ${g.node} of ${guestLabel(g)} is offline or unreachable (status unknown): ` +
        "nothing can be done to the guest until the node is back (get_nodes shows it).",
    };
  }
  return { check: "node", verdict: "pass", detail: `node ${g.node} online` };
}

/** PVE's `protection: 1` flag (deletion of the guest and its disks) also guards deletions here. */
export function checkProtectionFlag(g: GuestTarget, config: Record<string, unknown>): CheckResult {
  const on = config.protection === 1 || config.protection === "1";
  if (!on) return { check: "protection flag", verdict: "pass", detail: "protection flag not set" };
  const cmd = g.type === "qemu" ? "qm" : "pct";
  return {
    check: "protection flag",
    verdict: "fail",
    detail: `${guestLabel(g)} has PVE's protection flag set (protection: 1), so deletions are ` +
      `refused. An administrator can clear it with '${cmd} set ${g.vmid} --protection 0'.`,
  };
}
