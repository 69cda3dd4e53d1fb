/**
 * `analyze_cluster_health` as a pure function: API answers in, findings out.
 * Quorum and membership, offline nodes, node CPU/memory/swap/root-disk
 * pressure, storage usage and inactive storage, recent failed tasks, HA
 * services in error, and guests locked with no task that explains the lock.
 *
 * @example
 * ```ts
 * import { analyzeClusterHealth } from "./cluster_health.ts";
 * import { DEFAULT_THRESHOLDS } from "./thresholds.ts";
 * const { findings } = analyzeClusterHealth({
 *   now: 1_700_000_000,
 *   resources: [{ type: "node", node: "pve1", status: "offline" }],
 *   nodeStatus: {},
 * }, DEFAULT_THRESHOLDS);
 * console.log(findings[0].id); // "node.offline"
 * ```
 *
 * @module
 */

import { asNumber, asString } from "../proxmox/lenient.ts";
import { type Finding, finding, level, pct } from "./types.ts";
import type { Thresholds } from "./thresholds.ts";
import { failedTasks, guestRef, guestTool, type Row } from "./common.ts";

/** What the cluster health check reads; `undefined` = not readable. */
export interface ClusterHealthData {
  /** Unix seconds. */
  now: number;
  clusterStatus?: Row[];
  resources: Row[];
  tasks?: Row[];
  haStatus?: Row[];
  /** `GET /nodes/{node}/status` per online node (missing when not readable). */
  nodeStatus: Record<string, Row | undefined>;
}

const RES = "GET /cluster/resources";

/** Findings of the cluster health check, plus the check ids that ran. */
export function analyzeClusterHealth(d: ClusterHealthData, t: Thresholds) {
  const out: Finding[] = [];
  const checks: string[] = [];
  const nodes = d.resources.filter((r) => r.type === "node");
  const guests = d.resources.filter((r) => r.type === "qemu" || r.type === "lxc");

  if (d.clusterStatus) {
    checks.push("cluster.quorum", "node.offline");
    out.push(...membership(d.clusterStatus, guests));
  } else if (nodes.length) {
    checks.push("node.offline");
    for (const n of nodes.filter((n) => n.status !== "online")) {
      out.push(offline(asString(n.node) ?? "?", guests, RES));
    }
  }
  if (nodes.length) {
    checks.push("node.cpu", "node.memory", "node.rootfs");
    for (const n of nodes.filter((n) => n.status === "online")) out.push(...nodePressure(n, t));
  }
  const swapNodes = Object.entries(d.nodeStatus).filter(([, s]) => s);
  if (swapNodes.length) checks.push("node.swap");
  for (const [node, s] of swapNodes) {
    const swap = (s!.swap ?? {}) as Row;
    const used = asNumber(swap.used) ?? 0;
    const total = asNumber(swap.total) ?? 0;
    const p = pct(used, total);
    if (total > 0 && p >= t.node_swap_warning_pct) {
      out.push(finding({
        id: "node.swap.pressure",
        severity: "warning",
        resource: { type: "node", id: node },
        summary: `Node ${node} uses ${p}% of its swap`,
        source: `GET /nodes/${node}/status`,
        values: { swap_used_bytes: used, swap_total_bytes: total, swap_used_pct: p },
        thresholds: { node_swap_warning_pct: t.node_swap_warning_pct },
        recommendation: `Memory is short on ${node}: migrate guests away ` +
          `('qm migrate VMID TARGET --online') or lower their memory; check 'free -h' on ${node}.`,
      }));
    }
  }
  const storages = d.resources.filter((r) => r.type === "storage");
  if (storages.length) checks.push("storage.usage", "storage.inactive");
  out.push(...storageChecks(storages, nodes, t));
  if (d.tasks) {
    checks.push("tasks.failed", "guest.locked");
    out.push(...taskChecks(d.tasks, d.resources, d.now, t));
  }
  checks.push("ha.error");
  out.push(...haChecks(d.haStatus, guests));
  return { findings: out, checks };
}

function membership(status: Row[], guests: Row[]): Finding[] {
  const out: Finding[] = [];
  const cluster = status.find((s) => s.type === "cluster");
  const members = status.filter((s) => s.type === "node");
  const online = members.filter((m) => asNumber(m.online) === 1).length;
  if (cluster && asNumber(cluster.quorate) !== 1) {
    out.push(finding({
      id: "cluster.quorum.lost",
      severity: "critical",
      resource: { type: "cluster", id: asString(cluster.name) ?? "cluster" },
      summary: `Cluster has no quorum: ${online} of ${members.length} nodes online`,
      source: "GET /cluster/status",
      values: { quorate: false, nodes_total: members.length, nodes_online: online },
      recommendation: "Without quorum /etc/pve is read-only and HA stops. Bring nodes back, " +
        "then check 'pvecm status' on a node (Datacenter > Cluster in the GUI).",
    }));
  }
  for (const m of members.filter((m) => asNumber(m.online) !== 1)) {
    out.push(offline(asString(m.name) ?? "?", guests, "GET /cluster/status"));
  }
  return out;
}

function offline(node: string, guests: Row[], source: string): Finding {
  const on = guests.filter((g) => g.node === node);
  return finding({
    id: "node.offline",
    severity: "critical",
    resource: { type: "node", id: node },
    summary: `Node ${node} is offline; ${on.length} guest(s) on it are unreachable`,
    source: `${source}, ${RES}`,
    values: { online: false, guests_on_node: on.length },
    recommendation: `Check power and network of ${node} (IPMI/console), then 'pvecm status' ` +
      `and 'systemctl status pve-cluster corosync' on it. HA guests fail over once it is fenced.`,
  });
}

function nodePressure(n: Row, t: Thresholds): Finding[] {
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

function storageChecks(storages: Row[], nodes: Row[], t: Thresholds): Finding[] {
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

function taskChecks(tasks: Row[], resources: Row[], now: number, t: Thresholds): Finding[] {
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
    const vmid = asNumber(r.vmid) ?? 0;
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

function haChecks(ha: Row[] | undefined, guests: Row[]): Finding[] {
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
