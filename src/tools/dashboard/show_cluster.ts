/**
 * `show_cluster` (toolset "dashboard"): the whole cluster at a glance. Hosts
 * with MCP Apps render the linked `ui://proxmox/dashboard` view with this
 * result; every other host gets the same compact text and structured content.
 *
 * @example
 * ```ts
 * import { showCluster } from "./show_cluster.ts";
 * console.log(showCluster.name, showCluster.meta?.ui); // show_cluster { resourceUri: "ui://proxmox/dashboard" }
 * ```
 *
 * @module
 */

import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { type Picture, pictureShape } from "./picture.ts";
import { formatBytes, formatDuration } from "../../format/units.ts";
import { DASHBOARD_URI } from "./uri.ts";

/** The summary a text-only host shows (and the model reads). */
export function pictureText(p: Picture): string {
  const c = p.overview;
  const offline = p.nodes.filter((n) => !n.online).map((n) => n.name);
  const lines = [
    `Cluster ${c.name ?? "(standalone)"}: ${
      c.quorate === null ? "quorum unknown" : c.quorate ? "quorate" : "NOT QUORATE"
    }, ${c.nodes_online}/${c.nodes_total} nodes online` +
    (offline.length ? ` (OFFLINE: ${offline.join(", ")})` : ""),
  ];
  for (const n of p.nodes.filter((n) => n.online)) {
    lines.push(
      `  ${n.name}: CPU ${Math.round(n.cpu * 100)}% of ${n.maxcpu}, memory ` +
        `${formatBytes(n.mem)}/${formatBytes(n.maxmem)}, up ${formatDuration(n.uptime)}`,
    );
  }
  const count = (s: string) => p.guests.filter((g) => !g.template && g.status === s).length;
  const templates = p.guests.filter((g) => g.template).length;
  lines.push(
    `Guests: ${p.guests.length - templates} (${count("running")} running, ${count("stopped")} ` +
      `stopped${count("paused") ? `, ${count("paused")} paused` : ""}) + ${templates} templates`,
  );
  const full = p.storage.filter((s) => s.total > 0 && s.used / s.total >= 0.85);
  const down = p.storage.filter((s) => s.status !== "available");
  lines.push(
    `Storage: ${p.storage.length} entries` +
      (full.length ? `; ≥85% full: ${full.map((s) => `${s.storage}@${s.node}`).join(", ")}` : "") +
      (down.length
        ? `; not available: ${down.map((s) => `${s.storage}@${s.node}`).join(", ")}`
        : ""),
  );
  lines.push(
    `Tasks: ${p.tasks.running.length} running, ${p.tasks.failed.length} recent failures` +
      (p.tasks.failed.length
        ? ` (${p.tasks.failed.slice(0, 3).map((t) => `${t.type} ${t.id}@${t.node}`).join(", ")})`
        : ""),
  );
  if (p.ha) {
    lines.push(
      `HA: ${p.ha.services} services, master ${p.ha.master ?? "none"}` +
        (p.ha.error.length ? `, in error: ${p.ha.error.join(", ")}` : ""),
    );
  }
  for (const w of p.warnings) lines.push(`Note: ${w}`);
  return lines.join("\n");
}

/** `show_cluster`. */
export const showCluster = defineTool({
  name: "show_cluster",
  title: "Show the cluster",
  description: "The cluster at a glance: nodes, guests, storage, tasks, HA. MCP Apps hosts " +
    "show it as an interactive dashboard.",
  toolset: "dashboard",
  privileges: [],
  annotations: READ_ONLY,
  meta: { ui: { resourceUri: DASHBOARD_URI } },
  input: {},
  output: pictureShape,
  async run(_args, ctx) {
    // The collector reaches into half the tool families: imported when the dashboard is
    // asked for, not when the MCP server registers its resource (src/mcp/apps.ts).
    const { collectCluster } = await import("./collect.ts");
    const structured = await collectCluster(ctx);
    return { structured, text: pictureText(structured) };
  },
});
