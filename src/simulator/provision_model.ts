/**
 * Simulator data behind provisioning and backups, kept beside a
 * {@link ClusterState} like the insight model: bridges per node, ISO images
 * and container templates per storage, the format and guest config of every
 * backup archive; plus helpers for disk strings (`local-lvm:vm-100-disk-0,size=32G`)
 * and volume ids as PVE writes them.
 *
 * @example
 * ```ts ignore
 * import { provisionOf } from "./provision_model.ts";
 * provisionOf(sim.state).bridges.pve1.push("vmbr9"); // a new bridge on pve1
 * ```
 *
 * @module
 */

import type { ClusterState, GuestModel, StorageModel } from "./state.ts";
import { type BackupVolume, insightOf } from "./insight_model.ts";
import { PveError } from "./routing.ts";

const GiB = 1024 ** 3;

/** An ISO image or container template on a storage. */
export interface FileVolume {
  storage: string;
  /** For storages that are not shared: the node holding the file. */
  node?: string;
  content: "iso" | "vztmpl";
  /** `iso/debian-12.iso` (the part after `storage:`). */
  name: string;
  size: number;
  ctime: number;
}

/** What a backup archive holds beyond its listing entry. */
export interface BackupMeta {
  /** `vma.zst`, `vma.lzo`, `vma.gz`, `vma`, `tar.zst`, ... */
  ext: string;
  config?: Record<string, string | number>;
  name?: string;
}

/** Provisioning data of one simulated cluster. */
export interface ProvisionModel {
  /** Linux bridges per node (vmbr0 everywhere by default). */
  bridges: Record<string, string[]>;
  files: FileVolume[];
  /** By `storage:vmid:ctime`. */
  backupMeta: Map<string, BackupMeta>;
}

const models = new WeakMap<ClusterState, ProvisionModel>();

/** The provisioning data of `state`, created with PVE-like defaults on first use. */
export function provisionOf(state: ClusterState): ProvisionModel {
  let m = models.get(state);
  if (!m) {
    m = defaults(state);
    models.set(state, m);
  }
  return m;
}

function defaults(state: ClusterState): ProvisionModel {
  const now = Math.floor(Date.now() / 1000);
  const nodes = [...state.nodes.keys()];
  const bridges = Object.fromEntries(
    nodes.map((n, i) => [n, i === 0 ? ["vmbr0", "vmbr1"] : ["vmbr0"]]),
  );
  const files: FileVolume[] = [];
  for (const s of state.storages.values()) {
    const on = s.shared ? [undefined] : (s.nodes ?? nodes);
    for (const node of on) {
      if (s.content.includes("iso")) {
        files.push({
          storage: s.id,
          node,
          content: "iso",
          name: "iso/debian-12.8.0-amd64-netinst.iso",
          size: 659 * 1024 ** 2,
          ctime: now - 90 * 86400,
        });
      }
      if (s.content.includes("vztmpl")) {
        files.push({
          storage: s.id,
          node,
          content: "vztmpl",
          name: "vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
          size: 126 * 1024 ** 2,
          ctime: now - 120 * 86400,
        });
      }
    }
  }
  return { bridges, files, backupMeta: new Map() };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `2026_11_25-10_00_00` from unix seconds (UTC), as vzdump names archives. */
export function fileTime(t: number): string {
  const d = new Date(t * 1000);
  return `${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}-` +
    `${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}`;
}

/** The extension of a backup archive (default: zstd). */
export function backupExt(state: ClusterState, b: BackupVolume): string {
  return provisionOf(state).backupMeta.get(`${b.storage}:${b.vmid}:${b.ctime}`)?.ext ??
    (b.type === "qemu" ? "vma.zst" : "tar.zst");
}

/** `nas-backup:backup/vzdump-qemu-100-2026_11_25-10_00_00.vma.zst`. */
export function backupVolid(state: ClusterState, b: BackupVolume): string {
  return `${b.storage}:backup/vzdump-${b.type}-${b.vmid}-${fileTime(b.ctime)}.${
    backupExt(state, b)
  }`;
}

/** The backup behind a volume id, if any. */
export function findBackup(state: ClusterState, volid: string): BackupVolume | undefined {
  return insightOf(state).backups.find((b) => backupVolid(state, b) === volid);
}

/** A storage as node `node` sees it, or PVE's error. */
export function storageOn(state: ClusterState, id: string, node: string): StorageModel {
  const s = state.storages.get(id);
  if (!s || (s.nodes && !s.nodes.includes(node))) {
    throw new PveError(500, `storage '${id}' does not exist`);
  }
  return s;
}

/** Refuses a storage that cannot hold `content` (PVE's texts) or is not online. */
export function requireContent(
  state: ClusterState,
  id: string,
  node: string,
  content: "images" | "rootdir" | "backup",
): StorageModel {
  const s = storageOn(state, id, node);
  if (!s.content.includes(content)) {
    const what = content === "images"
      ? "vm images"
      : content === "rootdir"
      ? "container directories"
      : "backups";
    throw new PveError(500, `storage '${id}' does not support ${what}`);
  }
  if (!s.active || !s.enabled) throw new PveError(500, `storage '${id}' is not online`);
  return s;
}

/** Keys of a config that hold volumes. */
export function diskKeys(g: GuestModel): string[] {
  const re = g.type === "qemu"
    ? /^(scsi|virtio|sata|ide|efidisk|tpmstate|unused)\d+$/
    : /^(rootfs|mp\d+|unused\d+)$/;
  return Object.keys(g.config).filter((k) =>
    re.test(k) && !String(g.config[k]).includes("media=cdrom")
  );
}

/** A parsed disk value. */
export interface DiskValue {
  storage: string;
  volname: string;
  /** Bytes; 0 when the value has no size. */
  size: number;
  /** Options after the volume, in order (without size). */
  opts: string[];
}

const UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: GiB, T: 1024 ** 4 };

/** Bytes of `32G`, `512M`, `+8G` (sign ignored), or of a plain byte count. */
export function sizeBytes(s: string): number {
  const m = /^\+?(\d+(?:\.\d+)?)([KMGT]?)$/.exec(s);
  if (!m) return NaN;
  return Math.round(Number(m[1]) * (m[2] ? UNIT[m[2]] : 1));
}

/** `40G`, `512M`: the largest unit that divides the size. */
export function formatSize(bytes: number): string {
  for (const u of ["T", "G", "M", "K"]) if (bytes % UNIT[u] === 0) return `${bytes / UNIT[u]}${u}`;
  return String(bytes);
}

/** Parses `storage:volname,opt=..,size=32G`. */
export function parseDisk(value: string): DiskValue {
  const [vol, ...rest] = value.split(",");
  const i = vol.indexOf(":");
  const size = rest.find((o) => o.startsWith("size="));
  return {
    storage: i > 0 ? vol.slice(0, i) : "",
    volname: i > 0 ? vol.slice(i + 1) : vol,
    size: size ? sizeBytes(size.slice(5)) : 0,
    opts: rest.filter((o) => !o.startsWith("size=")),
  };
}

/** Writes a disk value back, size last as PVE does. */
export function formatDisk(d: DiskValue): string {
  return [`${d.storage}:${d.volname}`, ...d.opts, ...(d.size ? [`size=${formatSize(d.size)}`] : [])]
    .join(",");
}

/** The next free `vm-100-disk-N` number of a guest. */
export function nextDiskNumber(g: GuestModel): number {
  let n = 0;
  for (const k of diskKeys(g)) {
    const m = /disk-(\d+)/.exec(parseDisk(String(g.config[k])).volname);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
}

/** The first free `unusedN` key. */
export function nextUnused(g: GuestModel): string {
  let n = 0;
  while (`unused${n}` in g.config) n++;
  return `unused${n}`;
}

/** Keeps `maxdisk` in step with the boot disk, as the status cache reports it. */
export function syncMaxdisk(g: GuestModel): void {
  const key = g.type === "lxc"
    ? "rootfs"
    : ["scsi0", "virtio0", "sata0", "ide0"].find((k) =>
      k in g.config && !String(g.config[k]).includes("media=cdrom")
    );
  if (key && g.config[key]) g.maxdisk = parseDisk(String(g.config[key])).size || g.maxdisk;
}

/** A MAC address derived from a vmid and NIC index (stable across runs). */
export function macFor(vmid: number, index: number): string {
  const h = (vmid * 31 + index * 7).toString(16).padStart(6, "0").slice(-6).toUpperCase();
  return `BC:24:11:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}
