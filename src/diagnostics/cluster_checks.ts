/**
 * The per-resource rules of the cluster health check: node pressure, storage
 * usage and state, failed tasks and locks, HA services in error.
 *
 * @example
 * ```ts
 * import { nodePressure } from "./cluster_checks.ts";
 * import { DEFAULT_THRESHOLDS } from "./thresholds.ts";
 * const f = nodePressure({ node: "pve1", cpu: 0.99, mem: 1, maxmem: 2 }, DEFAULT_THRESHOLDS);
 * console.log(f.map((x) => x.id)); // ["node.cpu.pressure"]
 * ```
 *
 * @module
 */

import { asNumber, asString, guestVmid } from "../proxmox/lenient.ts";
import { type Finding, finding, level, pct } from "./types.ts";
import type { Thresholds } from "./thresholds.ts";
import { failedTasks, guestRef, guestTool, type Row } from "./common.ts";

const RES = "GET /cluster/resources";

/** CPU, memory and root disk of one online node against the thresholds. */
export function nodePressure(n: Row, t: Thresholds): Finding[] {
  const node = asString(n.node) ?? "?";
  const out: Finding[] = [];
  const check = (
    id: string,
    what: string,
    p: number,
    warn: number,
    crit: number,
    values: Finding["evidence"]["values"],
    th: Record<string, number>,
    rec: string,
  ) => {
    const sev = level(p, warn, crit);
    if (sev) {
      out.push(finding({
        id,
        severity: sev,
        resource: { type: "node", id: node },
        summary: `Node ${node} ${what} at ${p}%`,
        source: RES,
        values,
        thresholds: th,
        recommendation: rec,
      }));
    }
  };
  const cpu = Math.round((asNumber(n.cpu) ?? 0) * 1000) / 10;
  check(
    "node.cpu.pressure",
    "CPU",
    cpu,
    t.node_cpu_warning_pct,
    t.node_cpu_critical_pct,
    {
      cpu_pct: cpu,
      maxcpu: asNumber(n.maxcpu) ?? null,
    },
    {
      node_cpu_warning_pct: t.node_cpu_warning_pct,
      node_cpu_critical_pct: t.node_cpu_critical_pct,
    },
    `Find the busiest guests (get_vms sorted by cpu on ${node}) and migrate some away ` +
      `('qm migrate VMID TARGET --online'), or cap them ('qm set VMID --cpulimit N').`,
  );
  const mem = asNumber(n.mem) ?? 0;
  const maxmem = asNumber(n.maxmem) ?? 0;
  if (maxmem > 0) {
    const p = pct(mem, maxmem);
    check(
      "node.memory.pressure",
      "memory",
      p,
      t.node_memory_warning_pct,
      t.node_memory_critical_pct,
      {
        mem_used_bytes: mem,
        mem_total_bytes: maxmem,
        mem_used_pct: p,
      },
      {
        node_memory_warning_pct: t.node_memory_warning_pct,
        node_memory_critical_pct: t.node_memory_critical_pct,
      },
      `Migrate guests off ${node} ('qm migrate VMID TARGET --online'), enable ballooning ` +
        `('qm set VMID --balloon MIN_MiB') or reduce guest memory ('qm set VMID --memory MiB').`,
    );
  }
  const disk = asNumber(n.disk) ?? 0;
  const maxdisk = asNumber(n.maxdisk) ?? 0;
  if (maxdisk > 0) {
    const p = pct(disk, maxdisk);
    check(
      "node.rootfs.pressure",
      "root disk",
      p,
      t.node_rootfs_warning_pct,
      t.node_rootfs_critical_pct,
      {
        rootfs_used_bytes: disk,
        rootfs_total_bytes: maxdisk,
        rootfs_used_pct: p,
      },
      {
        node_rootfs_warning_pct: t.node_rootfs_warning_pct,
        node_rootfs_critical_pct: t.node_rootfs_critical_pct,
      },
      `Free space on ${node}'s root file system: 'apt clean', 'journalctl --vacuum-size=200M', ` +
        `old ISOs and backups under /var/lib/vz ('du -xsh /var/lib/vz/*').`,
    );
  }
  return out;
}

/** Storage usage and inactive storages (shared ones once). */
export function storageChecks(storages: Row[], nodes: Row[], t: Thresholds): Finding[] {
  const out: Finding[] = [];
  const online = new Set(nodes.filter((n) => n.status === "online").map((n) => n.node));
  const seenShared = new Set<string>();
  for (const s of storages) {
    const id = asString(s.storage) ?? "?";
    const node = asString(s.node) ?? "?";
    const shared = asNumber(s.shared) === 1;
    if (shared) {
      if (seenShared.has(id) || (s.status !== "available" && seenShared.has(`?${id}`))) continue;
    }
    const ref = { type: "storage" as const, id: shared ? id : `${node}/${id}` };
    if (s.status !== "available") {
      // An offline node reports every storage unknown: the node finding already says so.
      if (nodes.length && !online.has(node)) continue;
      if (shared) seenShared.add(`?${id}`);
      out.push(finding({
        id: "storage.inactive",
        severity: "warning",
        resource: ref,
        summary: `Storage ${id} is not active on ${shared ? "node " : ""}${node}`,
        source: RES,
        values: {
          status: asString(s.status) ?? "unknown",
          node,
          plugintype: asString(s.plugintype) ?? null,
        },
        recommendation: `Check it on ${node}: 'pvesm status --storage ${id}' (mount, NFS/CIFS ` +
          `server, iSCSI/Ceph reachability); disable it in Datacenter > Storage if retired.`,
      }));
      continue;
    }
    if (shared) seenShared.add(id);
    const used = asNumber(s.disk) ?? 0;
    const total = asNumber(s.maxdisk) ?? 0;
    if (total <= 0) continue;
    const p = pct(used, total);
    const sev = level(p, t.storage_warning_pct, t.storage_critical_pct);
    if (!sev) continue;
    out.push(finding({
      id: "storage.usage.high",
      severity: sev,
      resource: ref,
      summary: `Storage ${id}${shared ? "" : ` on ${node}`} is ${p}% full`,
      source: RES,
      values: { used_bytes: used, total_bytes: total, used_pct: p, shared },
      thresholds: {
        storage_warning_pct: t.storage_warning_pct,
        storage_critical_pct: t.storage_critical_pct,
      },
      recommendation: `Free space on ${id}: prune old backups ('pvesm prune-backups ${id} ` +
        `--keep-last N'), remove unused disks (guest > Hardware > Unused Disk), or move disks ` +
        `elsewhere ('qm disk move VMID DISK TARGET'). Thin pools stop writing when full.`,
    }));
  }
  return out;
}

/** Failed tasks in the window, and locks with or without a running task. */
export function taskChecks(tasks: Row[], resources: Row[], now: number, t: Thresholds): Finding[] {
  const out: Finding[] = [];
  const since = now - t.task_window_hours * 3600;
  for (const g of failedTasks(tasks, since)) {
    const ref = guestRef(resources, g.id);
    out.push(finding({
      id: "tasks.failed",
      severity: "warning",
      resource: ref ?? { type: "node", id: g.node },
      summary: `${g.count} failed ${g.type} task(s)${g.id ? ` for ${g.id}` : ""} on ${g.node} ` +
        `in the last ${t.task_window_hours} h: ${g.lastError}`,
      source: "GET /cluster/tasks",
      values: {
        failed_count: g.count,
        last_error: g.lastError,
        last_upid: g.upid,
        last_starttime: g.starttime,
      },
      thresholds: { task_window_hours: t.task_window_hours },
      recommendation: `Read the log: 'pvesh get /nodes/${g.node}/tasks/${g.upid}/log' ` +
        `(GUI: ${g.node} > Task History), fix the cause, then retry the action.`,
    }));
  }
  const running = tasks.filter((x) => asString(x.status) === undefined && !asNumber(x.endtime));
  for (const r of resources.filter((r) => (r.type === "qemu" || r.type === "lxc") && r.lock)) {
    const vmid = guestVmid(r) ?? 0;
    const lock = asString(r.lock) ?? "";
    const task = running.find((x) => asString(x.id) === String(vmid));
    const kind = r.type === "lxc" ? "ct" : "vm";
    const tool = guestTool(r);
    out.push(finding({
      id: task ? "guest.locked.busy" : "guest.locked.stale",
      severity: task ? "info" : "warning",
      resource: { type: kind, id: String(vmid) },
      summary: task
        ? `${kind.toUpperCase()} ${vmid} is locked (${lock}) by running task ${asString(task.type)}`
        : `${kind.toUpperCase()} ${vmid} is locked (${lock}) but no task is running for it`,
      source: `${RES}, GET /cluster/tasks`,
      values: {
        lock,
        node: asString(r.node) ?? null,
        running_task: task ? asString(task.upid) ?? null : null,
      },
      recommendation: task
        ? `Wait for the ${asString(task.type)} task to end (GUI: ${
          asString(r.node)
        } > Task History).`
        : `Make sure no ${lock} job still runs on ${asString(r.node)} ('ps aux | grep ${vmid}'), ` +
          `then remove the stale lock: '${tool} unlock ${vmid}'.`,
    }));
  }
  return out;
}

/** HA services in error or fence, from the HA status or the resources' hastate. */
export function haChecks(ha: Row[] | undefined, guests: Row[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const s of (ha ?? []).filter((s) => s.type === "service")) {
    const state = asString(s.state) ?? asString(s.status) ?? "";
    if (state !== "error" && state !== "fence") continue;
    const sid = asString(s.sid) ?? asString(s.id) ?? "?";
    seen.add(sid.replace(/^service:/, ""));
    out.push(haFinding(sid, state, asString(s.node) ?? null, "GET /cluster/ha/status/current"));
  }
  // Without HA status (no privilege), the resources' hastate still names errors.
  for (const g of guests.filter((g) => g.hastate === "error" || g.hastate === "fence")) {
    const sid = `${g.type === "lxc" ? "ct" : "vm"}:${g.vmid}`;
    if (seen.has(sid)) continue;
    out.push(haFinding(sid, String(g.hastate), asString(g.node) ?? null, RES));
  }
  return out;
}

function haFinding(sid: string, state: string, node: string | null, source: string): Finding {
  const [kind, id] = sid.replace(/^service:/, "").split(":");
  return finding({
    id: "ha.service.error",
    severity: "critical",
    resource: { type: kind === "ct" ? "ct" : "vm", id: id ?? sid },
    summary: `HA resource ${kind}:${id} is in state '${state}'${node ? ` on ${node}` : ""}`,
    source,
    values: { sid: `${kind}:${id}`, state, node },
    recommendation: state === "fence"
      ? `Its node is being fenced; check the node and 'ha-manager status'.`
      : `See why in the task log and 'ha-manager status'; after fixing the cause run ` +
        `'ha-manager set ${kind}:${id} --state disabled' then '--state started'.`,
  });
}
