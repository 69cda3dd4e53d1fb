/**
 * Small readers shared by the diagnostics: guest lookups in
 * `/cluster/resources`, failed-task grouping from `/cluster/tasks`.
 *
 * @example
 * ```ts
 * import { failedTasks } from "./common.ts";
 * const g = failedTasks([{ node: "pve1", type: "qmstart", id: "100", status: "boom",
 *   starttime: 100, upid: "UPID:x" }], 0);
 * console.log(g[0].count, g[0].lastError); // 1 "boom"
 * ```
 *
 * @module
 */

import { asNumber, asString, guestVmid } from "../proxmox/lenient.ts";
import type { ResourceRef } from "./types.ts";

/** One JSON object of a PVE answer. */
export type Row = Record<string, unknown>;

/** Failed tasks grouped by node, type and object id (latest first). */
export interface FailedTaskGroup {
  node: string;
  type: string;
  id: string;
  count: number;
  lastError: string;
  upid: string;
  starttime: number;
}

/** Whether a finished task's status is a failure (not OK, not only warnings). */
export function isFailedStatus(status: string | undefined): boolean {
  return status !== undefined && status !== "OK" && !status.startsWith("WARNINGS");
}

/** Groups failed tasks that started at or after `since` (unix seconds). */
export function failedTasks(tasks: Row[], since: number): FailedTaskGroup[] {
  const groups = new Map<string, FailedTaskGroup>();
  for (const t of tasks) {
    const status = asString(t.status);
    const start = asNumber(t.starttime) ?? 0;
    if (!isFailedStatus(status) || start < since) continue;
    const node = asString(t.node) ?? "?";
    const type = asString(t.type) ?? "?";
    const id = asString(t.id) ?? "";
    const key = `${node}|${type}|${id}`;
    const g = groups.get(key);
    if (!g) {
      groups.set(key, {
        node,
        type,
        id,
        count: 1,
        lastError: status!,
        upid: asString(t.upid) ?? "",
        starttime: start,
      });
    } else {
      g.count++;
      if (start > g.starttime) {
        Object.assign(g, { lastError: status!, upid: asString(t.upid) ?? "", starttime: start });
      }
    }
  }
  return [...groups.values()].sort((a, b) => b.starttime - a.starttime);
}

/** The guest a task id names, as a finding resource; `undefined` if it names none. */
export function guestRef(resources: Row[], id: string): ResourceRef | undefined {
  if (!/^\d+$/.test(id)) return undefined;
  const g = resources.find((r) =>
    (r.type === "qemu" || r.type === "lxc") && String(guestVmid(r)) === id
  );
  if (!g) return undefined;
  return { type: g.type === "lxc" ? "ct" : "vm", id };
}

/** `qm` or `pct`, for recommendations. */
export function guestTool(r: Row): "qm" | "pct" {
  return r.type === "lxc" ? "pct" : "qm";
}

/** Guests (VMs and containers) of a `/cluster/resources` answer. */
export function guestsOf(resources: Row[]): Row[] {
  return resources.filter((r) => r.type === "qemu" || r.type === "lxc");
}

/** GiB with one decimal, for evidence. */
export function gib(bytes: number): number {
  return Math.round((bytes / 1024 ** 3) * 10) / 10;
}
