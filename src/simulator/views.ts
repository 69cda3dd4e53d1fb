/**
 * The JSON shapes PVE gives to nodes, guests and storages in its listings.
 * Booleans travel as 0/1; absent values are left out, as PVE does.
 *
 * @module
 */

import { compact, PveError } from "./routing.ts";
import type { ClusterState, GuestModel, NodeModel, StorageModel } from "./state.ts";

/** A `/cluster/resources` item for a guest; on an offline node only static fields, status `unknown`. */
export function guestResource(g: GuestModel, nodeOnline: boolean): Record<string, unknown> {
  const base = {
    id: `${g.type}/${g.vmid}`,
    type: g.type,
    vmid: g.vmid,
    node: g.node,
    name: g.name,
    template: g.template,
    tags: g.tags,
    lock: g.lock,
    pool: g.pool,
    hastate: g.hastate,
    maxcpu: g.cpus,
    maxmem: g.maxmem,
    maxdisk: g.maxdisk,
  };
  if (!nodeOnline) return compact({ ...base, status: "unknown" });
  // pvestatd reports qmpstatus here, so a paused VM is "paused" (status/current says "running").
  return compact({
    ...base,
    status: g.status,
    cpu: g.cpu,
    mem: g.mem,
    disk: g.disk,
    uptime: g.uptime,
    netin: g.netin,
    netout: g.netout,
    diskread: g.diskread,
    diskwrite: g.diskwrite,
  });
}

/** A `/cluster/resources` item for a node. */
export function nodeResource(n: NodeModel): Record<string, unknown> {
  if (!n.online) {
    return { id: `node/${n.name}`, type: "node", node: n.name, status: "offline", level: n.level };
  }
  return {
    id: `node/${n.name}`,
    type: "node",
    node: n.name,
    status: "online",
    cpu: n.cpu,
    maxcpu: n.maxcpu,
    mem: n.mem,
    maxmem: n.maxmem,
    disk: n.rootfs.used,
    maxdisk: n.rootfs.total,
    uptime: n.uptime,
    level: n.level,
    "cgroup-mode": 2,
  };
}

/** A `/cluster/resources` item for a storage on one node. */
export function storageResource(
  s: StorageModel,
  node: string,
  nodeOnline: boolean,
): Record<string, unknown> {
  const u = s.usage[node];
  const live = nodeOnline && s.active;
  return compact({
    id: `storage/${node}/${s.id}`,
    type: "storage",
    node,
    storage: s.id,
    status: live ? "available" : "unknown",
    plugintype: s.type,
    content: s.content.join(","),
    shared: s.shared ? 1 : 0,
    disk: live ? u?.used : undefined,
    maxdisk: live ? u?.total : undefined,
  });
}

/** A `/nodes/{node}/qemu` or `/lxc` item (also the base of `status/current`). */
export function guestListEntry(g: GuestModel): Record<string, unknown> {
  const up = g.status !== "stopped";
  return compact({
    vmid: g.vmid,
    name: g.name,
    status: up ? "running" : "stopped",
    type: g.type === "lxc" ? "lxc" : undefined,
    cpu: g.cpu,
    cpus: g.cpus,
    mem: g.mem,
    maxmem: g.maxmem,
    disk: g.disk,
    maxdisk: g.maxdisk,
    maxswap: g.type === "lxc" ? 512 * 1024 * 1024 : undefined,
    swap: g.type === "lxc" ? 0 : undefined,
    uptime: g.uptime,
    netin: g.netin,
    netout: g.netout,
    diskread: g.diskread,
    diskwrite: g.diskwrite,
    pid: up ? 10_000 + g.vmid : undefined,
    template: g.template ? 1 : undefined,
    tags: g.tags,
    lock: g.lock,
    qmpstatus: g.type === "qemu"
      ? (g.status === "paused" ? "paused" : up ? "running" : "stopped")
      : undefined,
  });
}

/** `status/current` of a guest. */
export function guestStatus(g: GuestModel): Record<string, unknown> {
  const up = g.status !== "stopped";
  return compact({
    ...guestListEntry(g),
    ha: g.hastate ? { managed: 1, state: g.hastate } : { managed: 0 },
    agent: g.type === "qemu" && g.agent?.enabled ? 1 : undefined,
    "running-machine": g.type === "qemu" && up ? "pc-q35-10.0+pve0" : undefined,
    "running-qemu": g.type === "qemu" && up ? "10.0.2" : undefined,
  });
}

/** The storage.cfg entry as `/storage` lists it. */
export function storageConfig(s: StorageModel): Record<string, unknown> {
  return compact({
    storage: s.id,
    type: s.type,
    content: s.content.join(","),
    shared: s.shared ? 1 : undefined,
    disable: s.enabled ? undefined : 1,
    nodes: s.nodes?.join(","),
    ...s.extra,
    digest: "5b2f0c6a1e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b",
  });
}

/** A `/nodes/{node}/storage` item. */
export function nodeStorage(s: StorageModel, node: string): Record<string, unknown> {
  const u = s.usage[node] ?? { total: 0, used: 0, avail: 0 };
  const active = s.enabled && s.active;
  return compact({
    storage: s.id,
    type: s.type,
    content: s.content.join(","),
    shared: s.shared ? 1 : 0,
    enabled: s.enabled ? 1 : 0,
    active: active ? 1 : 0,
    total: active ? u.total : undefined,
    used: active ? u.used : undefined,
    avail: active ? u.avail : undefined,
    used_fraction: active && u.total ? u.used / u.total : undefined,
  });
}

/** Looks a node up, or throws PVE's hostname lookup error. */
export function nodeOrThrow(state: ClusterState, name: string): NodeModel {
  const n = state.nodes.get(name);
  if (!n) throw hostLookupError(name);
  return n;
}

/** The error PVE gives for a node name it cannot resolve. */
export function hostLookupError(name: string): PveError {
  return new PveError(
    500,
    `hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known`,
  );
}
