/**
 * Snapshot support by storage, as PVE's storage plugins decide it: a guest
 * with any disk where snapshots do not exist (thick LVM, raw or vmdk files on
 * dir/NFS/CIFS, iSCSI) cannot be snapshotted, and PVE's snapshot worker dies
 * with `snapshot feature is not available`. Plus a ready-made storage and
 * guest of that kind for tests ({@link addNoSnapshotGuest}); the demo
 * cluster itself stays as it is, since many tests count its guests.
 *
 * @example
 * ```ts ignore
 * const g = addNoSnapshotGuest(sim.state, 150); // VM 150 on thick LVM "san-lvm", pve1
 * console.log(snapshotBlocker(sim.state, g)); // "snapshot feature is not available"
 * ```
 *
 * @module
 */

import { GiB, makeGuest, usage } from "./builders.ts";
import type { ClusterState, GuestModel } from "./state.ts";

/** PVE's error text when a guest's volumes cannot be snapshotted. */
export const NO_SNAPSHOT = "snapshot feature is not available";

function canSnapshot(type: string | undefined, volid: string, opts: string[]): boolean {
  const format = opts.find((o) => o.startsWith("format="))?.slice(7) ??
    /\.(qcow2|raw|vmdk)$/.exec(volid)?.[1] ?? "raw";
  if (["zfspool", "rbd", "lvmthin", "btrfs"].includes(type ?? "")) return true;
  if (["dir", "nfs", "cifs", "lvm"].includes(type ?? "")) return format === "qcow2";
  return false;
}

/** The error PVE's snapshot worker dies with for this guest, or undefined when it can snapshot. */
export function snapshotBlocker(state: ClusterState, g: GuestModel): string | undefined {
  const disk = g.type === "qemu"
    ? /^(ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$/
    : /^rootfs$|^mp\d+$/;
  for (const [key, value] of Object.entries(g.config)) {
    if (!disk.test(key) || typeof value !== "string") continue;
    const [volid, ...opts] = value.split(",");
    if (opts.includes("media=cdrom") || volid === "none" || !volid.includes(":")) continue;
    const storage = state.storages.get(volid.slice(0, volid.indexOf(":")));
    if (!canSnapshot(storage?.type, volid, opts)) return NO_SNAPSHOT;
  }
  return undefined;
}

/**
 * Adds a thick-LVM storage `san-lvm` (no snapshots) and a running VM on it (on pve1), as a SAN
 * LUN shared by the nodes typically is. Returns the guest.
 */
export function addNoSnapshotGuest(state: ClusterState, vmid: number): GuestModel {
  if (!state.storages.has("san-lvm")) {
    const u = usage(2_000 * GiB, 0.4);
    state.storages.set("san-lvm", {
      id: "san-lvm",
      type: "lvm",
      content: ["images", "rootdir"],
      shared: true,
      enabled: true,
      active: true,
      usage: Object.fromEntries([...state.nodes.keys()].map((n) => [n, u])),
      extra: { vgname: "san", saferemove: 0 },
    });
  }
  const g = makeGuest({ vmid, type: "qemu", node: "pve1", name: "legacy-erp", storage: "san-lvm" });
  state.addGuest(g);
  return g;
}
