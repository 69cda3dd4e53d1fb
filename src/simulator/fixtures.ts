/**
 * Ready-made clusters: {@link demoCluster} (the realistic homelab used by demo
 * mode and most tests) and {@link buildCluster} (large, generated clusters for
 * benchmarks). Both are deterministic: same call, same cluster.
 *
 * @module
 */

import { GiB, localStorages, makeGuest, makeNode, sharedStorage, usage } from "./builders.ts";
import { ClusterState, type GuestModel, type StorageModel } from "./state.ts";

export { buildCluster, type BuildSpec } from "./generate.ts";

const DAY = 86_400;

/**
 * The demo cluster "homelab": pve1 and pve2 online, pve3 offline; 9 VMs (2 of
 * them templates) and 4 containers covering running / stopped / paused guests,
 * tags, a `backup` lock, pools, HA, a Windows VM with agent, snapshots, local,
 * shared (nfs, rbd) and one inactive storage, plus some finished tasks.
 */
export function demoCluster(): ClusterState {
  const nodes = [
    makeNode({ name: "pve1", nodeid: 1, cores: 16, memGiB: 128, cpu: 0.12, memUsed: 0.46 }),
    makeNode({ name: "pve2", nodeid: 2, cores: 8, memGiB: 64, cpu: 0.05, memUsed: 0.31 }),
    makeNode({ name: "pve3", nodeid: 3, cores: 8, memGiB: 64, online: false }),
  ];
  const linux = { os: "linux" as const };
  const guests: GuestModel[] = [
    makeGuest({
      vmid: 100,
      type: "qemu",
      node: "pve1",
      name: "web01",
      tags: "prod;web",
      pool: "production",
      hastate: "started",
      agent: linux,
      load: 0.35,
    }),
    makeGuest({
      vmid: 101,
      type: "qemu",
      node: "pve1",
      name: "web02",
      tags: "prod;web",
      pool: "production",
      hastate: "started",
      agent: linux,
      load: 0.28,
    }),
    makeGuest({
      vmid: 102,
      type: "qemu",
      node: "pve1",
      name: "db01",
      tags: "prod;db",
      pool: "production",
      hastate: "started",
      lock: "backup",
      cores: 4,
      memMiB: 16384,
      diskGiB: 200,
      agent: linux,
      load: 0.6,
    }),
    makeGuest({
      vmid: 103,
      type: "qemu",
      node: "pve1",
      name: "win-ad",
      tags: "infra;windows",
      cores: 4,
      memMiB: 8192,
      diskGiB: 80,
      agent: { os: "windows" },
    }),
    makeGuest({
      vmid: 104,
      type: "qemu",
      node: "pve2",
      name: "dev01",
      tags: "dev",
      status: "paused",
      agent: linux,
      pool: "lab",
    }),
    makeGuest({
      vmid: 105,
      type: "qemu",
      node: "pve2",
      name: "build01",
      tags: "dev;ci",
      status: "stopped",
      agent: linux,
      pool: "lab",
      storage: "ceph-vm",
    }),
    makeGuest({
      vmid: 106,
      type: "qemu",
      node: "pve3",
      name: "media",
      tags: "home",
      hastate: "started",
      storage: "ceph-vm",
    }),
    makeGuest({
      vmid: 9000,
      type: "qemu",
      node: "pve1",
      name: "debian12-cloud",
      template: true,
      tags: "template",
      agent: linux,
      diskGiB: 3,
    }),
    makeGuest({
      vmid: 9001,
      type: "qemu",
      node: "pve2",
      name: "ubuntu2404-cloud",
      template: true,
      tags: "template",
      agent: linux,
      diskGiB: 4,
      storage: "ceph-vm",
    }),
    makeGuest({
      vmid: 200,
      type: "lxc",
      node: "pve1",
      name: "dns01",
      tags: "infra;dns",
      pool: "production",
      hastate: "started",
    }),
    makeGuest({
      vmid: 201,
      type: "lxc",
      node: "pve1",
      name: "proxy",
      tags: "infra",
      status: "stopped",
    }),
    makeGuest({
      vmid: 202,
      type: "lxc",
      node: "pve2",
      name: "monitoring",
      tags: "infra;monitoring",
      memMiB: 2048,
      diskGiB: 32,
    }),
    makeGuest({ vmid: 203, type: "lxc", node: "pve3", name: "pihole", tags: "home;dns" }),
  ];
  const now = Math.floor(Date.now() / 1000);
  const byId = new Map(guests.map((g) => [g.vmid, g]));
  byId.get(100)!.snapshots = [
    {
      name: "pre_upgrade",
      description: "before apt full-upgrade",
      snaptime: now - 30 * DAY,
      vmstate: 0,
    },
    {
      name: "after_upgrade",
      description: "",
      snaptime: now - 29 * DAY,
      parent: "pre_upgrade",
      vmstate: 1,
    },
  ];
  byId.get(100)!.config.parent = "after_upgrade";
  byId.get(200)!.snapshots = [{
    name: "clean",
    description: "fresh install",
    snaptime: now - 60 * DAY,
  }];
  byId.get(200)!.config.parent = "clean";

  const storages: StorageModel[] = [
    ...localStorages(["pve1", "pve2", "pve3"]),
    sharedStorage("nas-backup", "nfs", ["backup", "iso"], usage(8_000 * GiB, 0.52), {
      server: "192.168.1.50",
      export: "/mnt/tank/pve",
      path: "/mnt/pve/nas-backup",
    }),
    sharedStorage("ceph-vm", "rbd", ["images", "rootdir"], usage(6_000 * GiB, 0.23), {
      pool: "ceph-vm",
      krbd: 0,
    }),
    {
      id: "usb-archive",
      type: "dir",
      content: ["backup"],
      shared: false,
      enabled: true,
      active: false,
      nodes: ["pve1"],
      usage: { pve1: { total: 0, used: 0, avail: 0 } },
      extra: { path: "/mnt/usb-archive", is_mountpoint: "yes" },
    },
  ];
  const state = new ClusterState({
    name: "homelab",
    nodes,
    guests,
    storages,
    pools: [{ poolid: "production", comment: "Production services" }, { poolid: "lab" }],
  });
  const ms = Date.now();
  state.startTask({
    node: "pve1",
    type: "vzdump",
    id: "102",
    user: "root@pam",
    startedAt: ms - DAY * 1000,
    durationMs: 754_000,
    log: [
      "INFO: starting new backup job: vzdump 102 --storage nas-backup --mode snapshot",
      "INFO: Finished Backup of VM 102 (00:12:34)",
    ],
  });
  state.startTask({
    node: "pve2",
    type: "qmstart",
    id: "105",
    user: "root@pam",
    startedAt: ms - 2 * 3600 * 1000,
    durationMs: 1_200,
    exitstatus: "storage 'ceph-vm' is not online",
  });
  state.startTask({
    node: "pve1",
    type: "vzstart",
    id: "200",
    user: "root@pam",
    startedAt: ms - 3 * DAY * 1000,
    durationMs: 2_000,
    log: [],
  });
  return state;
}
