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
import { type Finding, finding, pct } from "./types.ts";
import type { Thresholds } from "./thresholds.ts";
import type { Row } from "./common.ts";
import { haChecks, nodePressure, storageChecks, taskChecks } from "./cluster_checks.ts";

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
