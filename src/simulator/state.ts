/**
 * The simulated cluster: nodes, guests, storages, pools and tasks, with values
 * in PVE's own units (bytes as integers, cpu as a fraction 0..1, uptime in
 * seconds). Route handlers read and change it; tests may change it directly.
 *
 * @module
 */

import { type SimTask, type StartTaskOptions, TaskRegistry } from "./tasks.ts";
import { type PveRelease, pveRelease } from "./versions.ts";

/** A cluster node and its live statistics. */
export interface NodeModel {
  name: string;
  online: boolean;
  /** Corosync node id. */
  nodeid: number;
  ip: string;
  /** CPU usage, fraction 0..1. */
  cpu: number;
  maxcpu: number;
  mem: number;
  maxmem: number;
  swap: { total: number; used: number };
  rootfs: { total: number; used: number };
  /** As PVE sends them: strings. */
  loadavg: [string, string, string];
  uptime: number;
  cpuinfo: { model: string; sockets: number; cores: number; cpus: number; mhz: string };
  /** `uname -a` style text. */
  kversion: string;
  /** e.g. `pve-manager/9.1.3/...`. */
  pveversion: string;
  bootInfo: { mode: "efi" | "legacy-bios"; secureboot?: 0 | 1 };
  currentKernel: { sysname: string; release: string; version: string; machine: string };
  /** Subscription level, `""` without one. */
  level: string;
  sslFingerprint: string;
}

/** What the simulator knows about a QEMU guest agent. */
export interface GuestAgentModel {
  /** `agent: 1` in the VM config. */
  enabled: boolean;
  /** The agent answers inside the guest (only while the VM runs). */
  running: boolean;
  os: "linux" | "windows";
}

/** One snapshot as `GET .../snapshot` lists it. */
export interface SnapshotModel {
  name: string;
  description: string;
  /** Unix seconds. */
  snaptime: number;
  parent?: string;
  /** QEMU only: RAM included. */
  vmstate?: 0 | 1;
}

/** A VM or container. `status: "paused"` is a running QEMU VM with qmpstatus `paused`. */
export interface GuestModel {
  vmid: number;
  type: "qemu" | "lxc";
  node: string;
  name: string;
  status: "running" | "stopped" | "paused";
  template: 0 | 1;
  /** `;`-separated, as PVE stores them: `"prod;web"`. */
  tags?: string;
  lock?: string;
  pool?: string;
  /** HA service state (`started`, `stopped`, …) when HA manages the guest. */
  hastate?: string;
  cpus: number;
  maxmem: number;
  mem: number;
  maxdisk: number;
  disk: number;
  cpu: number;
  uptime: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
  /** The config as `GET .../config` returns it, without `digest` (computed on read). */
  config: Record<string, string | number>;
  snapshots: SnapshotModel[];
  /** QEMU only. */
  agent?: GuestAgentModel;
}

/** Capacity of a storage as seen from one node. */
export interface StorageUsage {
  total: number;
  used: number;
  avail: number;
}

/** A storage definition (storage.cfg) plus its usage. */
export interface StorageModel {
  id: string;
  type: "dir" | "lvmthin" | "lvm" | "zfspool" | "nfs" | "cifs" | "rbd" | "cephfs" | "pbs";
  content: string[];
  shared: boolean;
  enabled: boolean;
  /** Reachable and mounted; false makes PVE report it inactive / `unknown`. */
  active: boolean;
  /** Restricts the storage to these nodes (storage.cfg `nodes`); undefined = all nodes. */
  nodes?: string[];
  /** Usage per node; shared storages repeat the same numbers on each node. */
  usage: Record<string, StorageUsage>;
  /** Extra storage.cfg keys (path, server, export, pool, datastore, …). */
  extra?: Record<string, string | number>;
}

/** A resource pool. */
export interface PoolModel {
  poolid: string;
  comment?: string;
}

/** Everything needed to build a {@link ClusterState}. */
export interface ClusterInit {
  name: string;
  nodes: NodeModel[];
  guests: GuestModel[];
  storages: StorageModel[];
  pools?: PoolModel[];
  /** corosync config version. */
  version?: number;
  /** Injectable clock for tasks. */
  now?: () => number;
}

/** The live, mutable model of a PVE cluster. */
export class ClusterState {
  /** Cluster name (`/cluster/status`). */
  name: string;
  /** corosync config version. */
  version: number;
  readonly nodes: Map<string, NodeModel>;
  readonly guests: Map<number, GuestModel>;
  readonly storages: Map<string, StorageModel>;
  readonly pools: Map<string, PoolModel>;
  readonly tasks: TaskRegistry;
  /** The PVE release played (versions.ts); `startSimulator({ pveVersion })` sets it. */
  pveRelease: PveRelease = pveRelease();

  constructor(init: ClusterInit) {
    this.name = init.name;
    this.version = init.version ?? init.nodes.length + 2;
    this.nodes = new Map(init.nodes.map((n) => [n.name, n]));
    this.guests = new Map(init.guests.map((g) => [g.vmid, g]));
    this.storages = new Map(init.storages.map((s) => [s.id, s]));
    this.pools = new Map((init.pools ?? []).map((p) => [p.poolid, p]));
    this.tasks = new TaskRegistry(init.now);
  }

  /** The node that answers API calls (the one the client talks to): the first online node. */
  get localNode(): string | undefined {
    for (const n of this.nodes.values()) if (n.online) return n.name;
    return undefined;
  }

  /** Quorate when more than half of the nodes are online. */
  get quorate(): boolean {
    let online = 0;
    for (const n of this.nodes.values()) if (n.online) online++;
    return online * 2 > this.nodes.size;
  }

  /** Takes a node offline or brings it back (guests on it then show status `unknown`). */
  setNodeOnline(name: string, online: boolean): void {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no such node: ${name}`);
    n.online = online;
  }

  /** Guests on one node, in vmid order. */
  guestsOn(node: string, type?: "qemu" | "lxc"): GuestModel[] {
    const out: GuestModel[] = [];
    for (const g of this.guests.values()) {
      if (g.node === node && (!type || g.type === type)) out.push(g);
    }
    return out.sort((a, b) => a.vmid - b.vmid);
  }

  /** Storages defined for a node (storage.cfg `nodes` restriction applied). */
  storagesOn(node: string): StorageModel[] {
    return [...this.storages.values()].filter((s) => !s.nodes || s.nodes.includes(node));
  }

  /** Lowest free vmid from 100, as `/cluster/nextid` picks it. */
  nextId(): number {
    let id = 100;
    while (this.guests.has(id)) id++;
    return id;
  }

  /** Adds a guest (e.g. after create or clone); throws if the vmid is taken. */
  addGuest(g: GuestModel): void {
    if (this.guests.has(g.vmid)) throw new Error(`VM ${g.vmid} already exists`);
    this.guests.set(g.vmid, g);
  }

  /** Removes a guest (e.g. after destroy). */
  removeGuest(vmid: number): boolean {
    return this.guests.delete(vmid);
  }

  /** Starts a task; see {@link TaskRegistry.start}. Returns the task (`task.upid` is the answer). */
  startTask(opts: StartTaskOptions): SimTask {
    return this.tasks.start(opts);
  }

  /** Finishes tasks that are due, so their `onFinish` changes are visible. */
  settle(): void {
    this.tasks.settle();
  }
}
