/**
 * A safety snapshot before a risky change: with `safety_snapshot: true` on
 * the call, or when `safety.snapshot_before` names the action (`rollback`,
 * `stop`, `execute_vm_command`, `reconfigure`, … or a tool name), the
 * pipeline first snapshots the guest as `mcp-pre-<action>-<yyyymmdd-hhmmss>`
 * (UTC), waits for that task, and only then sends the action; the answer
 * says how to roll back. A guest whose storage cannot snapshot is refused
 * with the disk, the storage and what to do — before anything is sent.
 *
 * @example
 * ```ts
 * import { safetyKey, safetySnapshotName } from "./safety_snapshot.ts";
 * console.log(safetyKey("rollback_snapshot"), safetyKey("stop_vm")); // "rollback" "stop"
 * console.log(safetySnapshotName("rollback", new Date(Date.UTC(2025, 0, 2, 3, 4, 5))));
 * // "mcp-pre-rollback-20250102-030405"
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import type { ToolExtra } from "../core/tool.ts";
import { asArray, asObject, asString } from "../proxmox/lenient.ts";
import { exitOk, parseUpid, waitForTask } from "../proxmox/tasks.ts";
import type { CheckResult } from "./policy.ts";
import { ActionRefused, guestLabel } from "./target.ts";
import { diskVolumes, volumeCanSnapshot } from "./snapshot_support.ts";

/** The guest fields this needs (the pipeline's and the console's guest both fit). */
export interface SnapGuest {
  vmid: number;
  node: string;
  type: "qemu" | "lxc";
  name: string | null;
}

/** A planned safety snapshot. */
export interface SafetySnapshotPlan {
  name: string;
  call: {
    method: "POST";
    template: string;
    params: { node: string; vmid: number; snapname: string; description: string };
  };
  check: CheckResult;
  /** How to undo, for the answer. */
  rollback: string;
}

const ALIASES: Record<string, string> = { execute_vm_command: "exec" };

/** The action key `safety.snapshot_before` matches: the tool name without its type suffix. */
export function safetyKey(tool: string): string {
  if (tool === "execute_vm_command") return tool;
  return tool.replace(/_(vm|container|guest|snapshot)$/, "");
}

/** `mcp-pre-<action>-<yyyymmdd-hhmmss>` (UTC), within PVE's 40-character name limit. */
export function safetySnapshotName(key: string, now = new Date()): string {
  const action = (ALIASES[key] ?? key).replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 16);
  const stamp = now.toISOString().slice(0, 19).replace(/-/g, "").replace(":", "").replace(":", "")
    .replace("T", "-");
  return `mcp-pre-${action}-${stamp}`;
}

/**
 * Whether this call wants a safety snapshot (the argument, or the configured list). `tool` is
 * the tool's name, or the act and the tool's name when one tool does several (`stop`,
 * `guest_power`): the list may name either.
 */
export function wantsSafetySnapshot(
  ctx: ToolContext,
  tool: string | readonly string[],
  arg: unknown,
): boolean {
  if (arg === true) return true;
  if (arg === false) return false;
  const list = (ctx.config.safety as { snapshot_before?: readonly string[] }).snapshot_before ?? [];
  const names = typeof tool === "string" ? [tool] : tool;
  // Keys on both sides: an entry naming a first-release tool (rollback_snapshot, stop_vm)
  // matches its action's key as it always did.
  return names.some((n) => list.some((l) => l === n || safetyKey(l) === safetyKey(n)));
}

/**
 * Plans the safety snapshot (GETs only: the config and the storage types), or `undefined`
 * when none is wanted. The check fails when the guest's storage cannot snapshot.
 */
export async function planSafetySnapshot(
  ctx: ToolContext,
  g: SnapGuest,
  tool: string | readonly string[],
  arg: unknown,
  now = new Date(),
): Promise<SafetySnapshotPlan | undefined> {
  if (!wantsSafetySnapshot(ctx, tool, arg)) return undefined;
  const names = typeof tool === "string" ? [tool] : tool;
  const key = safetyKey(names[0]);
  const name = safetySnapshotName(key, now);
  const label = guestLabel(g);
  const [config, storages] = await Promise.all([
    ctx.pve.get(`/nodes/{node}/${g.type}/{vmid}/config`, { node: g.node, vmid: g.vmid }),
    ctx.pve.get("/cluster/resources", { type: "storage" }),
  ]);
  const types = new Map<string, string>();
  for (const row of asArray(storages, "GET /cluster/resources")) {
    const id = asString(row.storage);
    if (id && (asString(row.node) === g.node || !types.has(id))) {
      types.set(id, asString(row.plugintype) ?? asString(row.type) ?? "");
    }
  }
  const disks = diskVolumes(g.type, asObject(config, "GET config"));
  const blockers = disks.filter((d) =>
    volumeCanSnapshot(types.get(d.storage) ?? "", d.format) === false
  );
  const plan: SafetySnapshotPlan = {
    name,
    call: {
      method: "POST",
      template: `/nodes/{node}/${g.type}/{vmid}/snapshot`,
      params: {
        node: g.node,
        vmid: g.vmid,
        snapname: name,
        description: `safety snapshot by proxmox-mcp before ${names.join(" of ")}`,
      },
    },
    rollback: `guest_snapshot action rollback, vmid ${g.vmid}, snapname "${name}" (then ` +
      "action delete once the change is known good)",
    check: {
      check: "safety snapshot",
      verdict: "pass",
      detail: `snapshot ${name} of ${label} is taken first (disks and config, no RAM); undo ` +
        `with guest_snapshot action rollback, vmid ${g.vmid}, snapname ${name}`,
    },
  };
  if (blockers.length) {
    const what = blockers.map((d) =>
      `${d.key} (${d.volid}: ${d.format} on ${types.get(d.storage)} storage '${d.storage}')`
    ).join(", ");
    plan.check = {
      check: "safety snapshot",
      verdict: "fail",
      detail: `a safety snapshot of ${label} was asked for before ${key}, but its storage cannot ` +
        `snapshot: ${what}. Snapshots need ZFS, LVM-thin, Ceph RBD, Btrfs or qcow2 files. ` +
        "Nothing was done. Either back the guest up first (vzdump) and call again with " +
        `safety_snapshot: false${
          arg === true ? "" : ` (it is on because safety.snapshot_before lists ${key})`
        }, ` +
        "or move the disk to a storage that can snapshot.",
    };
  }
  return plan;
}

/**
 * Takes the planned snapshot and waits for it (bounded); throws {@linkcode ActionRefused}
 * when it fails, so the action itself is never sent without its safety net.
 */
export async function takeSafetySnapshot(
  ctx: ToolContext,
  extra: ToolExtra | undefined,
  plan: SafetySnapshotPlan,
  timeoutS: number,
): Promise<{ upid: string | null }> {
  const answer = await ctx.pve.post(plan.call.template, plan.call.params);
  const upid = typeof answer === "string" && parseUpid(answer) ? answer : null;
  if (!upid) return { upid };
  const end = await waitForTask(ctx.pve, upid, {
    timeoutMs: Math.max(timeoutS, 60) * 1000,
    signal: extra?.signal,
  });
  if (end.state !== "stopped" || !exitOk(end.exitstatus ?? undefined)) {
    const why = end.state === "stopped"
      ? `ended with "${end.exitstatus}"`
      : end.state === "timeout"
      ? "did not finish in time"
      : "was no longer waited for";
    throw new ActionRefused(
      `the safety snapshot ${plan.name} (task ${upid}) ${why}, so the action itself was NOT ` +
        "started. Check the task log (get_task_status), then try again.",
    );
  }
  return { upid };
}
