/**
 * Readers behind `get_cluster_status`, pure over PVE's rows: membership from
 * `/cluster/status` (or from the node rows when the token cannot read it),
 * capacity from `/cluster/resources?type=node` and `?type=storage`, guest
 * counts from `?type=vm`. Rows are read leniently (numbers as strings, 0/1
 * booleans, missing fields).
 *
 * @example
 * ```ts
 * import { capacity } from "./cluster_rows.ts";
 * const nodes = [{ type: "node", node: "pve1", status: "online", cpu: "0.5", maxcpu: 8 }];
 * const storages = [
 *   { type: "storage", id: "storage/pve1/ceph", storage: "ceph", shared: 1, status: "available", disk: 1, maxdisk: 4 },
 *   { type: "storage", id: "storage/pve2/ceph", storage: "ceph", shared: 1, status: "available", disk: 1, maxdisk: 4 },
 * ];
 * const c = capacity(nodes, storages);
 * console.log(c.cpu, c.storage); // { used: 4, total: 8 } { used: 1, total: 4 }
 * ```
 *
 * @module
 */

import { asBool, asNumber, asString } from "../../proxmox/lenient.ts";

type Row = Record<string, unknown>;

/** A node row's name: `node`, else its `id` ("node/pve1", or bare in some recorded answers). */
function nodeOf(r: Row): string {
  return asString(r.node) ?? asString(r.id)?.replace(/^node\//, "") ?? "?";
}

const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, "en", { numeric: true });

/** Quorum and membership; from the node rows when `status` is empty (not readable). */
export function membership(status: Row[], nodeRows: Row[]) {
  const entry = status.find((s) => s.type === "cluster");
  const nodes = status.length
    ? status.filter((s) => s.type === "node").map((n) => ({
      name: asString(n.name) ?? "?",
      online: asBool(n.online),
      nodeid: asNumber(n.nodeid) ?? null,
      ip: asString(n.ip) ?? null,
      local: asBool(n.local),
    }))
    : nodeRows.filter((r) => r.type === "node").map((r) => ({
      name: nodeOf(r),
      online: asString(r.status) === "online",
      nodeid: null,
      ip: null,
      local: false,
    }));
  nodes.sort(byName);
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

/** Names of the nodes that carry figures (an online row; PVE says "unknown" without them). */
export function measuredNodes(nodeRows: Row[]): Set<string> {
  return new Set(
    nodeRows.filter((r) => r.type === "node" && asString(r.status) === "online").map(nodeOf),
  );
}

/** CPU and memory of the online nodes; storage with a shared one counted once. */
export function capacity(nodeRows: Row[], storageRows: Row[]) {
  const nodes = nodeRows.filter((r) => r.type === "node" && asString(r.status) === "online");
  const sum = (rows: Row[], f: (r: Row) => number) => rows.reduce((n, r) => n + f(r), 0);
  const seen = new Set<string>();
  const storages = storageRows.filter((r) => {
    if (r.type !== "storage" || asString(r.status) !== "available") return false;
    // A shared storage is listed once per node: count it once.
    const key = asBool(r.shared) ? `shared/${r.storage}` : String(r.id);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
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

/** VMs and containers by state, templates included in the totals. */
export function guestCounts(rows: Row[]) {
  // The kind from `type`, else from the `id` prefix ("lxc/105"), as the guest listings read it.
  const kind = (r: Row) => asString(r.type) ?? asString(r.id)?.split("/")[0];
  const count = (type: string) => {
    const g = rows.filter((r) => kind(r) === type);
    return {
      total: g.length,
      running: g.filter((r) => asString(r.status) === "running").length,
      stopped: g.filter((r) => asString(r.status) === "stopped").length,
      templates: g.filter((r) => asBool(r.template)).length,
    };
  };
  return { vms: count("qemu"), containers: count("lxc") };
}
