/**
 * `get_cluster_status`: quorum and membership (`GET /cluster/status`) plus
 * resource totals (`GET /cluster/resources`), fetched concurrently: two
 * requests, one round trip.
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { asArray, asBool, asNumber, asString } from "../../proxmox/lenient.ts";
import { PveError } from "../../proxmox/errors.ts";
import { formatClusterStatus } from "../../format/cluster.ts";

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
  description: "Cluster name, quorum, node membership (online/offline, IPs), and totals: " +
    "VMs and containers by state, CPU, memory and storage in use. Two API calls in parallel; " +
    "quorum needs Sys.Audit on /.",
  toolset: "core",
  annotations: READ_ONLY,
  input: {},
  output: {
    cluster: z.object({
      name: z.string().nullable().describe("null for a standalone node"),
      quorate: z.boolean().nullable().describe("null when the token cannot see quorum"),
      nodes_total: z.number().int(),
      nodes_online: z.number().int(),
      config_version: z.number().nullable(),
    }),
    nodes: z.array(z.object({
      name: z.string(),
      online: z.boolean(),
      nodeid: z.number().nullable(),
      ip: z.string().nullable(),
      local: z.boolean().describe("the node answering the API"),
    })),
    vms: Counts,
    containers: Counts,
    cpu: z.object({ used: z.number().describe("cores busy"), total: z.number() }),
    memory: Capacity,
    storage: Capacity,
    warnings: z.array(z.string()),
  },
  async run(_args, ctx) {
    const [statusResult, resourcesResult] = await Promise.allSettled([
      ctx.pve.get("/cluster/status"),
      ctx.pve.get("/cluster/resources"),
    ]);
    if (resourcesResult.status === "rejected") throw resourcesResult.reason;
    const warnings: string[] = [];
    let status: Record<string, unknown>[] = [];
    if (statusResult.status === "fulfilled") {
      status = asArray(statusResult.value, "GET /cluster/status");
    } else if (
      statusResult.reason instanceof PveError && statusResult.reason.kind === "permission"
    ) {
      warnings.push("quorum and membership not checked: the token lacks Sys.Audit on /");
    } else throw statusResult.reason;
    const resources = asArray(resourcesResult.value, "GET /cluster/resources");
    const structured = { ...membership(status, resources), ...totals(resources), warnings };
    return { structured, text: formatClusterStatus(structured) };
  },
});

function membership(status: Record<string, unknown>[], resources: Record<string, unknown>[]) {
  const entry = status.find((s) => s.type === "cluster");
  let nodes = status.filter((s) => s.type === "node").map((n) => ({
    name: asString(n.name) ?? "?",
    online: asBool(n.online),
    nodeid: asNumber(n.nodeid) ?? null,
    ip: asString(n.ip) ?? null,
    local: asBool(n.local),
  }));
  if (!status.length) {
    // Without /cluster/status, membership still shows in the resource list.
    nodes = resources.filter((r) => r.type === "node").map((r) => ({
      name: asString(r.node) ?? "?",
      online: asString(r.status) === "online",
      nodeid: null,
      ip: null,
      local: false,
    }));
  }
  nodes.sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  const online = nodes.filter((n) => n.online).length;
  return {
    cluster: {
      name: entry ? asString(entry.name) ?? null : null,
      quorate: entry ? asBool(entry.quorate) : status.length ? online > 0 : null,
      nodes_total: entry ? asNumber(entry.nodes) ?? nodes.length : nodes.length,
      nodes_online: online,
      config_version: entry ? asNumber(entry.version) ?? null : null,
    },
    nodes,
  };
}

function totals(resources: Record<string, unknown>[]) {
  const count = (type: string) => {
    const g = resources.filter((r) => r.type === type);
    return {
      total: g.length,
      running: g.filter((r) => r.status === "running").length,
      stopped: g.filter((r) => r.status === "stopped").length,
      templates: g.filter((r) => asBool(r.template)).length,
    };
  };
  const nodes = resources.filter((r) => r.type === "node" && r.status === "online");
  const sum = (rows: Record<string, unknown>[], f: (r: Record<string, unknown>) => number) =>
    rows.reduce((n, r) => n + f(r), 0);
  const seen = new Set<string>();
  const storages = resources.filter((r) => {
    if (r.type !== "storage" || r.status !== "available") return false;
    // A shared storage is listed once per node: count it once.
    const key = asBool(r.shared) ? String(r.storage) : String(r.id);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
    vms: count("qemu"),
    containers: count("lxc"),
    cpu: {
      used:
        Math.round(sum(nodes, (r) => (asNumber(r.cpu) ?? 0) * (asNumber(r.maxcpu) ?? 0)) * 100) /
        100,
      total: sum(nodes, (r) => asNumber(r.maxcpu) ?? 0),
    },
    memory: {
      used: sum(nodes, (r) => asNumber(r.mem) ?? 0),
      total: sum(nodes, (r) => asNumber(r.maxmem) ?? 0),
    },
    storage: {
      used: sum(storages, (r) => asNumber(r.disk) ?? 0),
      total: sum(storages, (r) => asNumber(r.maxdisk) ?? 0),
    },
  };
}
