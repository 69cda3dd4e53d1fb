/**
 * Human text for node results.
 *
 * @example
 * ```ts
 * import { formatNodeList } from "./nodes.ts";
 * console.log(formatNodeList({ nodes: [], total: 0, online: 0, offline: 0 })); // "No nodes visible to this token."
 * ```
 *
 * @module
 */

import { formatDuration, formatPercent, formatUsage } from "./units.ts";

interface NodeRow {
  node: string;
  status: string;
  cpu: number | null;
  maxcpu: number | null;
  mem: number | null;
  maxmem: number | null;
  uptime: number | null;
}

/** One line per node, offline ones flagged. */
export function formatNodeList(
  r: { nodes: NodeRow[]; total: number; online: number; offline: number },
): string {
  if (!r.total) return "No nodes visible to this token.";
  const head = `${r.total} node${r.total === 1 ? "" : "s"}: ${r.online} online` +
    (r.offline ? `, ${r.offline} offline or unknown` : "");
  const lines = r.nodes.map((n) =>
    n.status !== "online"
      ? `- ${n.node}: ${n.status.toUpperCase()}`
      : `- ${n.node}: online · CPU ${formatPercent(n.cpu ?? undefined)} of ${n.maxcpu ?? "?"} · ` +
        `RAM ${formatUsage(n.mem ?? undefined, n.maxmem ?? undefined)} · up ${
          formatDuration(n.uptime ?? undefined)
        }`
  );
  return [head, ...lines].join("\n");
}

interface Usage {
  used: number | null;
  total: number | null;
}

/** A few lines summarising one node's status. */
export function formatNodeStatus(s: {
  node: string;
  uptime: number | null;
  cpu: number | null;
  cpuinfo: { model: string | null; cpus: number | null; sockets: number | null };
  loadavg: number[];
  memory: Usage;
  swap: Usage;
  rootfs: Usage;
  kernel: string | null;
  pve_version: string | null;
}): string {
  const u = (x: Usage) => formatUsage(x.used ?? undefined, x.total ?? undefined);
  return [
    `Node ${s.node}: up ${formatDuration(s.uptime ?? undefined)}, ${
      s.pve_version ?? "PVE ?"
    }, kernel ${s.kernel ?? "?"}`,
    `CPU ${formatPercent(s.cpu ?? undefined)} of ${s.cpuinfo.cpus ?? "?"} threads (${
      s.cpuinfo.model ?? "unknown model"
    }, ${s.cpuinfo.sockets ?? "?"} socket(s)); load ${s.loadavg.join(" / ") || "n/a"}`,
    `Memory ${u(s.memory)}; swap ${u(s.swap)}; root disk ${u(s.rootfs)}`,
  ].join("\n");
}
