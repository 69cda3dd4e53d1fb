/**
 * Human text for the cluster status.
 *
 * @example
 * ```ts ignore
 * import { formatClusterStatus } from "./cluster.ts";
 * console.log(formatClusterStatus(result)); // "Cluster homelab: quorate, 2/3 nodes online ..."
 * ```
 *
 * @module
 */

import { formatPercent, formatUsage } from "./units.ts";

interface Status {
  cluster: {
    name: string | null;
    quorate: boolean | null;
    nodes_total: number;
    nodes_online: number;
  };
  nodes: { name: string; online: boolean; ip: string | null }[];
  vms: { total: number; running: number; stopped: number; templates: number };
  containers: { total: number; running: number; stopped: number; templates: number };
  cpu: { used: number; total: number };
  memory: { used: number; total: number };
  storage: { used: number; total: number };
  warnings: string[];
}

/** A short health summary: quorum first, then offline nodes, then totals. */
export function formatClusterStatus(s: Status): string {
  const c = s.cluster;
  const quorum = c.quorate === null ? "quorum unknown" : c.quorate ? "quorate" : "NOT QUORATE";
  const offline = s.nodes.filter((n) => !n.online).map((n) => n.name);
  return [
    `${
      c.name ? `Cluster ${c.name}` : "Standalone node"
    }: ${quorum}, ${c.nodes_online}/${c.nodes_total} nodes online` +
    (offline.length ? ` (offline: ${offline.join(", ")})` : ""),
    `VMs: ${s.vms.running} running, ${s.vms.stopped} stopped of ${s.vms.total}` +
    ` (${s.vms.templates} templates); containers: ${s.containers.running} running, ` +
    `${s.containers.stopped} stopped of ${s.containers.total}`,
    `CPU ${s.cpu.used.toFixed(1)} of ${s.cpu.total} cores (${
      formatPercent(s.cpu.total ? s.cpu.used / s.cpu.total : undefined)
    }); memory ${formatUsage(s.memory.used, s.memory.total)}; storage ${
      formatUsage(s.storage.used, s.storage.total)
    }`,
    ...s.warnings.map((w) => `Note: ${w}`),
  ].join("\n");
}
