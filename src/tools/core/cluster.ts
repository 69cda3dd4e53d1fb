/**
 * `get_cluster_status`: quorum and membership (`GET /cluster/status`) plus
 * CPU, memory and storage totals from `GET /cluster/resources?type=node` and
 * `?type=storage`, sent together: three small requests, one round trip,
 * whatever the guest count. Guest counts are opt-in (`guests: true` adds
 * `?type=vm` to the same round trip): that list grows with every guest (about
 * 6 MB at 20,000), the others only with nodes and storages.
 *
 * @example
 * ```ts
 * import { getClusterStatus } from "./cluster.ts";
 * console.log(getClusterStatus.name, Object.keys(getClusterStatus.input)); // "get_cluster_status" ["guests"]
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { asArray } from "../../proxmox/lenient.ts";
import { PveError } from "../../proxmox/errors.ts";
import { formatClusterStatus } from "../../format/cluster.ts";
import { capacity, guestCounts, measuredNodes, membership } from "./cluster_rows.ts";

const Counts = z.object({
  total: z.number().int(),
  running: z.number().int(),
  stopped: z.number().int(),
  templates: z.number().int(),
});
const Capacity = z.object({ used: z.number(), total: z.number() });

/** `get_cluster_status`: is the cluster healthy, and how full is it? */
export const getClusterStatus = defineTool({
  name: "get_cluster_status",
  privileges: [],
  title: "Cluster status",
  description: "Quorum, nodes (online/offline, IPs), CPU, memory and storage totals: 3 small " +
    "API calls in parallel. guests: true also counts VMs and containers, reading every guest. " +
    "Quorum needs Sys.Audit on /.",
  toolset: "core",
  annotations: READ_ONLY,
  input: {
    // Optional rather than defaulted, so in-process callers may pass `{}`.
    guests: z.boolean().optional().describe("Also count VMs and containers by state"),
  },
  output: {
    cluster: z.object({
      name: z.string().nullable(),
      quorate: z.boolean().nullable(),
      nodes_total: z.number().int(),
      nodes_online: z.number().int(),
      config_version: z.number().nullable(),
    }),
    nodes: z.array(z.object({
      name: z.string(),
      online: z.boolean(),
      nodeid: z.number().nullable(),
      ip: z.string().nullable(),
      local: z.boolean(),
    })),
    vms: Counts.nullable(),
    containers: Counts.nullable(),
    cpu: Capacity,
    memory: Capacity,
    storage: Capacity,
    warnings: z.array(z.string()),
  },
  async run({ guests }, ctx) {
    const [statusResult, ...rest] = await Promise.allSettled([
      ctx.pve.get("/cluster/status"),
      ctx.pve.get("/cluster/resources", { type: "node" }),
      ctx.pve.get("/cluster/resources", { type: "storage" }),
      ...(guests ? [ctx.pve.get("/cluster/resources", { type: "vm" })] : []),
    ]);
    const [nodeRows, storageRows, guestRows] = rest.map((r, i) => {
      if (r.status === "rejected") throw r.reason;
      return asArray(r.value, `GET /cluster/resources?type=${["node", "storage", "vm"][i]}`);
    });
    const warnings: string[] = [];
    let status: Record<string, unknown>[] = [];
    if (statusResult.status === "fulfilled") {
      status = asArray(statusResult.value, "GET /cluster/status");
    } else if (
      statusResult.reason instanceof PveError && statusResult.reason.kind === "permission"
    ) {
      warnings.push("quorum and membership not checked: the token lacks Sys.Audit on /");
    } else throw statusResult.reason;
    const members = membership(status, nodeRows);
    const measured = measuredNodes(nodeRows);
    const unmeasured = members.nodes.filter((n) => n.online && !measured.has(n.name));
    if (unmeasured.length) warnings.push(leftOut(unmeasured.map((n) => n.name)));
    const counts = guestRows ? guestCounts(guestRows) : { vms: null, containers: null };
    const structured = { ...members, ...counts, ...capacity(nodeRows, storageRows), warnings };
    return { structured, text: formatClusterStatus(structured) };
  },
});

/** Online members without figures (PVE has no fresh stats from them, or the token cannot see them). */
function leftOut(names: string[]): string {
  const shown = names.length > 5
    ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`
    : names.join(", ");
  return `CPU and memory totals leave out ${shown}: online, but /cluster/resources gives no figures`;
}
