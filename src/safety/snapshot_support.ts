/**
 * Can PVE snapshot this guest? Only when every disk (and, for containers,
 * every volume mount point) lives where snapshots exist: ZFS, LVM-thin, Ceph
 * RBD, Btrfs, or a qcow2 file on a directory-type storage (dir, NFS, CIFS;
 * PVE 9 also on thick LVM). Raw or vmdk files, thick LVM, iSCSI LUNs cannot;
 * PVE then fails the snapshot task with "snapshot feature is not available".
 *
 * @example
 * ```ts
 * import { diskVolumes, volumeCanSnapshot } from "./snapshot_support.ts";
 * const disks = diskVolumes("qemu", { scsi0: "local:101/vm-101-disk-0.raw,size=32G",
 *   ide2: "none,media=cdrom" });
 * console.log(disks); // [{ key: "scsi0", volid: "local:101/vm-101-disk-0.raw", storage: "local", format: "raw" }]
 * console.log(volumeCanSnapshot("dir", "raw"), volumeCanSnapshot("lvmthin", "raw")); // false true
 * ```
 *
 * @module
 */

/** One disk or volume mount point of a guest config. */
export interface DiskVolume {
  key: string;
  volid: string;
  storage: string;
  /** qcow2, raw, vmdk, subvol (container directories). */
  format: string;
}

const QEMU_DISK = /^(ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$/;
const LXC_DISK = /^rootfs$|^mp\d+$/;

/** The storage-backed disks of a guest config (CD-ROMs, passthrough and bind mounts left out). */
export function diskVolumes(type: "qemu" | "lxc", config: Record<string, unknown>): DiskVolume[] {
  const out: DiskVolume[] = [];
  for (const [key, raw] of Object.entries(config)) {
    if (!(type === "qemu" ? QEMU_DISK : LXC_DISK).test(key) || typeof raw !== "string") continue;
    const parts = raw.split(",");
    const volid = parts[0].replace(/^volume=/, "");
    if (parts.includes("media=cdrom") || volid === "none" || !volid.includes(":")) continue;
    if (volid.startsWith("/")) continue; // passthrough device or bind mount: not PVE's volume
    const storage = volid.slice(0, volid.indexOf(":"));
    const opt = parts.find((p) => p.startsWith("format="))?.slice(7);
    const ext = /\.(qcow2|raw|vmdk)$/.exec(volid)?.[1];
    const format = opt ?? ext ?? (/subvol-/.test(volid) ? "subvol" : "raw");
    out.push({ key, volid, storage, format });
  }
  return out;
}

/**
 * Whether a volume of `format` on a storage of `type` (PVE's plugin type) can be snapshotted;
 * `undefined` for a storage type this server does not know (PVE decides).
 */
export function volumeCanSnapshot(type: string, format: string): boolean | undefined {
  switch (type) {
    case "zfspool":
    case "zfs":
    case "rbd":
    case "lvmthin":
    case "btrfs":
      return true;
    case "dir":
    case "nfs":
    case "cifs":
    case "glusterfs":
    case "lvm":
      return format === "qcow2";
    case "iscsi":
    case "iscsidirect":
    case "cephfs":
    case "pbs":
    case "esxi":
      return false;
    default:
      return undefined;
  }
}
