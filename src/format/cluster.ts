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

interface Counts {
  total: number;
  running: number;
  stopped: number;
  templates: number;
}

interface Status {
  cluster: {
    name: string | null;
    quorate: boolean | null;
    nodes_total: number;
    nodes_online: number;
  };
  nodes: { name: string; online: boolean; ip: string | null }[];
  /** null when not asked for (counting reads every guest). */
  vms: Counts | null;
  containers: Counts | null;
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
    guestLine(s.vms, s.containers),
    `CPU ${s.cpu.used.toFixed(1)} of ${s.cpu.total} cores (${
      formatPercent(s.cpu.total ? s.cpu.used / s.cpu.total : undefined)
    }); memory ${formatUsage(s.memory.used, s.memory.total)}; storage ${
      // Only storage available somewhere counts: none at all is said, not shown as "0 B".
      s.storage.total ? formatUsage(s.storage.used, s.storage.total) : "none available"}`,
    ...s.warnings.map((w) => `Note: ${w}`),
  ].join("\n");
}

function guestLine(vms: Counts | null, cts: Counts | null): string {
  if (!vms || !cts) {
    return "Guests not counted (ask with guests: true; get_vms gives counts too)";
  }
  return `VMs: ${vms.running} running, ${vms.stopped} stopped of ${vms.total}` +
    ` (${vms.templates} templates); containers: ${cts.running} running, ` +
    `${cts.stopped} stopped of ${cts.total}`;
}
