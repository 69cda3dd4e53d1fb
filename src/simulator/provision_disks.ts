/**
 * Disk allocation of the simulated create, config, clone and restore calls:
 * `local-lvm:32` (a new 32 GiB volume) becomes
 * `local-lvm:vm-150-disk-0,size=32G`, after PVE's checks — the storage
 * exists on the node, holds the content type, is online, and the token may
 * allocate space on it.
 *
 * @module
 */

import { paramError, PveError, type RouteContext } from "./routing.ts";
import { formatSize, nextDiskNumber, parseDisk, requireContent } from "./provision_model.ts";
import type { GuestModel } from "./state.ts";

const GiB = 1024 ** 3;

/** Whether a key holds a volume for this guest type. */
export function isDiskKey(type: "qemu" | "lxc", key: string): boolean {
  return type === "qemu"
    ? /^(scsi|virtio|sata|ide|efidisk|tpmstate)\d+$/.test(key)
    : /^(rootfs|mp\d+)$/.test(key);
}

/** 403 as PVE words it. */
export function denied(path: string, priv: string): PveError {
  return new PveError(403, `Permission check failed (${path}, ${priv})`);
}

/** Refuses unless the token may allocate space on the storage. */
export function requireSpace(ctx: RouteContext, storage: string): void {
  if (!ctx.can(`/storage/${storage}`, ["Datastore.AllocateSpace"])) {
    throw denied(`/storage/${storage}`, "Datastore.AllocateSpace");
  }
}

/**
 * Turns `storage:SIZE[,opts]` values of `params` into allocated volumes for guest
 * `vmid` (numbering after `existing`'s disks); other values pass unchanged.
 */
export function allocateDisks(
  ctx: RouteContext,
  type: "qemu" | "lxc",
  vmid: number,
  node: string,
  params: Record<string, string>,
  existing?: GuestModel,
): Record<string, string> {
  const out: Record<string, string> = {};
  let n = existing ? nextDiskNumber(existing) : 0;
  for (const [key, value] of Object.entries(params)) {
    if (!isDiskKey(type, key)) continue;
    if (value.includes("media=cdrom") && !value.includes("cloudinit")) {
      out[key] = value;
      continue;
    }
    const d = parseDisk(value);
    if (!d.storage) {
      out[key] = value;
      continue;
    }
    const content = type === "qemu" ? "images" : "rootdir";
    try {
      requireContent(ctx.state, d.storage, node, content);
    } catch (e) {
      // qemu-server checks storage access before forking: a parameter error.
      if (type === "qemu" && e instanceof PveError) throw paramError(key, e.message);
      throw e;
    }
    requireSpace(ctx, d.storage);
    if (d.volname === "cloudinit") {
      out[key] = `${d.storage}:vm-${vmid}-cloudinit,media=cdrom`;
      continue;
    }
    if (!/^\d+(\.\d+)?$/.test(d.volname)) {
      out[key] = value;
      continue;
    }
    const gib = Number(d.volname);
    if (gib <= 0) throw paramError(key, `invalid size '${d.volname}'`);
    const prefix = type === "lxc" && ctx.state.storages.get(d.storage)?.type === "zfspool"
      ? "subvol"
      : "vm";
    out[key] = [
      `${d.storage}:${prefix}-${vmid}-disk-${n++}`,
      ...d.opts,
      `size=${formatSize(Math.round(gib * GiB))}`,
    ].join(",");
  }
  return out;
}
