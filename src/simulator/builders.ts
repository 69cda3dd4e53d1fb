/**
 * Small factories for realistic nodes, guests and storages, shared by the demo
 * cluster and the benchmark generator. Pure and cheap (no hashing, no I/O) so
 * that 20,000 guests build in a few tens of milliseconds.
 *
 * @module
 */

import type { GuestModel, NodeModel, StorageModel } from "./state.ts";

/** 1 GiB in bytes. */
export const GiB = 1024 ** 3;
/** 1 MiB in bytes. */
export const MiB = 1024 ** 2;

/** PVE 9.1.3 as the schema describes it. */
export const PVE_VERSION = { version: "9.1.3", release: "9.1", repoid: "1f3c4e5d6b7a8c9d" };
const KERNEL = "6.17.2-1-pve";

const hex2 = (n: number) => (n & 0xff).toString(16).toUpperCase().padStart(2, "0");

/** A deterministic MAC in Proxmox's BC:24:11 range. */
export function mac(seed: number): string {
  return `BC:24:11:${hex2(seed >> 16)}:${hex2(seed >> 8)}:${hex2(seed)}`;
}

/** Options of {@link makeNode}. */
export interface NodeSpec {
  name: string;
  nodeid: number;
  online?: boolean;
  cores?: number;
  memGiB?: number;
  cpu?: number;
  memUsed?: number;
  uptime?: number;
}

/** A node with consistent hardware and live stats. */
export function makeNode(s: NodeSpec): NodeModel {
  const cores = s.cores ?? 8;
  const maxmem = (s.memGiB ?? 32) * GiB;
  const cpu = s.cpu ?? 0.08;
  const fp = Array.from({ length: 32 }, (_, i) => hex2(s.nodeid * 31 + i * 17 + s.name.length));
  return {
    name: s.name,
    online: s.online ?? true,
    nodeid: s.nodeid,
    ip: `192.168.1.${10 + s.nodeid}`,
    cpu,
    maxcpu: cores * 2,
    mem: Math.round(maxmem * (s.memUsed ?? 0.42)),
    maxmem,
    swap: { total: 8 * GiB, used: 12 * MiB },
    rootfs: { total: 100 * GiB, used: Math.round(14.6 * GiB) },
    loadavg: [
      (cpu * cores * 2).toFixed(2),
      (cpu * cores * 1.8).toFixed(2),
      (cpu * cores).toFixed(2),
    ],
    uptime: s.uptime ?? 1_209_600 + s.nodeid * 3_600,
    cpuinfo: {
      model: cores >= 16
        ? "AMD Ryzen 9 7950X 16-Core Processor"
        : "Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz",
      sockets: 1,
      cores,
      cpus: cores * 2,
      mhz: cores >= 16 ? "4500.000" : "2900.000",
    },
    kversion: `Linux ${KERNEL} #1 SMP PREEMPT_DYNAMIC PMX ${
      KERNEL.replace("-pve", "")
    } (2025-11-04T10:12Z)`,
    pveversion: `pve-manager/${PVE_VERSION.version}/${PVE_VERSION.repoid}`,
    bootInfo: { mode: "efi", secureboot: 0 },
    currentKernel: {
      sysname: "Linux",
      release: KERNEL,
      version: `#1 SMP PREEMPT_DYNAMIC PMX ${KERNEL.replace("-pve", "")} (2025-11-04T10:12Z)`,
      machine: "x86_64",
    },
    level: "",
    sslFingerprint: fp.join(":"),
  };
}

/** Options of {@link makeGuest}. */
export interface GuestSpec {
  vmid: number;
  type: "qemu" | "lxc";
  node: string;
  name: string;
  status?: GuestModel["status"];
  template?: boolean;
  cores?: number;
  memMiB?: number;
  diskGiB?: number;
  tags?: string;
  lock?: string;
  pool?: string;
  hastate?: string;
  /** QEMU: agent enabled in config, and the OS inside. */
  agent?: { os: "linux" | "windows"; running?: boolean } | false;
  storage?: string;
  /** Load factor 0..1 for the live stats. */
  load?: number;
}

/** A guest with live stats and a config as PVE returns it. */
export function makeGuest(s: GuestSpec): GuestModel {
  const status = s.template ? "stopped" : s.status ?? "running";
  const up = status !== "stopped";
  const load = s.load ?? 0.1;
  const cores = s.cores ?? (s.type === "qemu" ? 2 : 1);
  const maxmem = (s.memMiB ?? (s.type === "qemu" ? 4096 : 512)) * MiB;
  const maxdisk = (s.diskGiB ?? (s.type === "qemu" ? 32 : 8)) * GiB;
  const storage = s.storage ?? "local-lvm";
  const uptime = up ? 86_400 * 3 + s.vmid * 37 : 0;
  const config: Record<string, string | number> = s.type === "qemu"
    ? {
      boot: "order=scsi0;ide2;net0",
      cores,
      cpu: "x86-64-v2-AES",
      ide2: "none,media=cdrom",
      memory: String(maxmem / MiB),
      meta: "creation-qemu=10.0.2,ctime=1735689600",
      name: s.name,
      net0: `virtio=${mac(s.vmid)},bridge=vmbr0,firewall=1`,
      numa: 0,
      ostype: s.agent && s.agent.os === "windows" ? "win11" : "l26",
      scsi0: `${storage}:${s.template ? "base" : "vm"}-${s.vmid}-disk-0,iothread=1,size=${
        maxdisk / GiB
      }G`,
      scsihw: "virtio-scsi-single",
      smbios1: `uuid=6f1c${String(s.vmid).padStart(4, "0")}-5a2b-4c3d-8e9f-0a1b2c3d4e5f`,
      sockets: 1,
      vmgenid: `0d7e${String(s.vmid).padStart(4, "0")}-1f2a-4b3c-9d8e-7f6a5b4c3d2e`,
    }
    : {
      arch: "amd64",
      cores,
      features: "nesting=1",
      hostname: s.name,
      memory: maxmem / MiB,
      net0: `name=eth0,bridge=vmbr0,firewall=1,hwaddr=${mac(s.vmid)},ip=dhcp,type=veth`,
      ostype: "debian",
      rootfs: `${storage}:${s.template ? "base" : "vm"}-${s.vmid}-disk-0,size=${maxdisk / GiB}G`,
      swap: 512,
      unprivileged: 1,
    };
  if (s.agent) config.agent = "1";
  if (s.tags) config.tags = s.tags;
  if (s.lock) config.lock = s.lock;
  if (s.template) config.template = 1;
  if (!s.template) config.onboot = 1;
  return {
    vmid: s.vmid,
    type: s.type,
    node: s.node,
    name: s.name,
    status,
    template: s.template ? 1 : 0,
    tags: s.tags,
    lock: s.lock,
    pool: s.pool,
    hastate: s.hastate,
    cpus: cores,
    maxmem,
    mem: up ? Math.round(maxmem * (0.3 + load * 0.5)) : 0,
    maxdisk,
    // PVE reports disk usage 0 for QEMU (it cannot see inside the image).
    disk: s.type === "lxc" && up ? Math.round(maxdisk * 0.37) : 0,
    cpu: up && status !== "paused" ? Math.round(load * 0.3 * 10_000) / 10_000 : 0,
    uptime,
    netin: up ? uptime * 1_313 : 0,
    netout: up ? uptime * 977 : 0,
    diskread: up ? uptime * 4_211 : 0,
    diskwrite: up ? uptime * 2_903 : 0,
    config,
    snapshots: [],
    agent: s.type === "qemu"
      ? {
        enabled: !!s.agent,
        running: !!s.agent && (s.agent.running ?? true) && status === "running",
        os: s.agent ? s.agent.os : "linux",
      }
      : undefined,
  };
}

/** The storages every PVE install has: `local` (dir) and `local-lvm` (lvmthin), on all `nodes`. */
export function localStorages(nodes: string[]): StorageModel[] {
  const local: StorageModel = {
    id: "local",
    type: "dir",
    content: ["iso", "vztmpl", "backup"],
    shared: false,
    enabled: true,
    active: true,
    usage: {},
    extra: { path: "/var/lib/vz" },
  };
  const lvm: StorageModel = {
    id: "local-lvm",
    type: "lvmthin",
    content: ["images", "rootdir"],
    shared: false,
    enabled: true,
    active: true,
    usage: {},
    extra: { thinpool: "data", vgname: "pve" },
  };
  nodes.forEach((n, i) => {
    local.usage[n] = usage(100 * GiB, 0.146 + i * 0.03);
    lvm.usage[n] = usage(1_800 * GiB, 0.31 + i * 0.07);
  });
  return [local, lvm];
}

/** Usage numbers for a storage of `total` bytes filled to `fraction`. */
export function usage(
  total: number,
  fraction: number,
): { total: number; used: number; avail: number } {
  const used = Math.round(total * fraction);
  return { total, used, avail: total - used };
}

/** A shared storage (nfs, rbd, …) with the same usage on every node in `nodes`. */
export function sharedStorage(
  id: string,
  type: StorageModel["type"],
  content: string[],
  u: { total: number; used: number; avail: number },
  extra: Record<string, string | number>,
  nodes = ["pve1", "pve2", "pve3"],
): StorageModel {
  const perNode = Object.fromEntries(nodes.map((n) => [n, { ...u }]));
  return { id, type, content, shared: true, enabled: true, active: true, usage: perNode, extra };
}
