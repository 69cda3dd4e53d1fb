/**
 * Config changes of guests: `POST /qemu/{vmid}/config` (a qmconfig task),
 * `PUT /lxc/{vmid}/config` (synchronous), resize, move disk / volume and the
 * cloud-init regeneration. As PVE: a `digest` that no longer matches refuses
 * the change (`detected modified configuration - file changed by other user?
 * Try again.`), a locked guest refuses it, a detached disk becomes `unusedN`
 * and deleting `unusedN` destroys the volume, new disks are allocated on
 * storages that hold the content type, and a disk never shrinks.
 *
 * @module
 */

import { boolParam } from "../params.ts";
import { guestAt, paramError, PveError, type RouteContext, type RouteTable } from "../routing.ts";
import { lockError, startGuestTask } from "../actions.ts";
import type { GuestModel } from "../state.ts";
import { configDigest } from "./guests.ts";
import { allocateDisks, isDiskKey, requireSpace } from "../provision_disks.ts";
import {
  formatDisk,
  formatSize,
  nextUnused,
  parseDisk,
  requireContent,
  sizeBytes,
  syncMaxdisk,
} from "../provision_model.ts";

const MODIFIED = "detected modified configuration - file changed by other user? Try again.";
const API_ONLY = new Set([
  "node",
  "vmid",
  "digest",
  "delete",
  "revert",
  "skiplock",
  "force",
  "background_delay",
]);

function guard(ctx: RouteContext, g: GuestModel): void {
  const digest = ctx.params.digest as string | undefined;
  if (digest && digest !== configDigest(g.config)) throw new PveError(500, MODIFIED);
  const locked = lockError(g);
  if (locked && !boolParam(ctx.params.skiplock)) throw new PveError(500, locked);
}

/** Applies set and delete keys to the guest's config, as PVE's update does. */
function applyConfig(ctx: RouteContext, g: GuestModel): () => void {
  const p = ctx.params as Record<string, string>;
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) if (!API_ONLY.has(k)) set[k] = String(v);
  const del = (p.delete ?? "").split(/[,;\s]+/).filter(Boolean);
  for (const k of del) {
    if (k in set) {
      throw paramError("delete", `unable to delete '${k}' - conflicts with a value set`);
    }
  }
  const disks = allocateDisks(ctx, g.type, g.vmid, g.node, set, g);
  if (g.type === "lxc") {
    for (const k of Object.keys(set)) {
      if (/^mp\d+$/.test(k) && !/(^|,)mp=\//.test(set[k])) {
        throw paramError(k, "missing property - 'mp'");
      }
    }
  }
  return () => {
    for (const k of del) {
      const old = g.config[k];
      delete g.config[k];
      // A detached disk is kept as unusedN; deleting unusedN destroys the volume.
      if (old !== undefined && isDiskKey(g.type, k) && !String(old).includes("media=cdrom")) {
        g.config[nextUnused(g)] = String(old).split(",")[0];
      }
    }
    Object.assign(g.config, set, disks);
    if (set.memory) g.maxmem = Number(set.memory) * 1024 ** 2;
    if (set.cores || set.sockets) {
      g.cpus = Number(g.config.cores ?? 1) * Number(g.config.sockets ?? 1);
    }
    const nameKey = g.type === "qemu" ? "name" : "hostname";
    if (set[nameKey]) g.name = set[nameKey];
    if ("tags" in set) g.tags = set.tags;
    syncMaxdisk(g);
  };
}

function qemuConfig(ctx: RouteContext): string {
  const g = guestAt(ctx, "qemu");
  guard(ctx, g);
  const apply = applyConfig(ctx, g);
  return startGuestTask(ctx, g, { type: "qmconfig", allowLocks: [g.lock ?? ""], apply });
}

/** PUT: the synchronous variant (no task; the answer is null). */
function syncConfig(ctx: RouteContext, type: "qemu" | "lxc"): null {
  const g = guestAt(ctx, type);
  guard(ctx, g);
  applyConfig(ctx, g)();
  return null;
}

function resize(ctx: RouteContext, type: "qemu" | "lxc"): string {
  const g = guestAt(ctx, type);
  guard(ctx, g);
  const disk = String(ctx.params.disk);
  const raw = String(ctx.params.size);
  const value = g.config[disk];
  if (value === undefined) throw new PveError(500, `disk '${disk}' does not exist`);
  const d = parseDisk(String(value));
  const grow = raw.startsWith("+");
  const wanted = grow ? d.size + sizeBytes(raw) : sizeBytes(raw);
  if (wanted < d.size) {
    throw new PveError(
      500,
      type === "qemu" ? "shrinking disks is not supported" : "unable to shrink disk size",
    );
  }
  return startGuestTask(ctx, g, {
    type: type === "qemu" ? "qmresize" : "vzresize",
    log: [
      `  Size of logical volume pve/${d.volname} changed from ${formatSize(d.size)} to ${
        formatSize(wanted)
      }.`,
    ],
    apply: () => {
      g.config[disk] = formatDisk({ ...d, size: wanted });
      syncMaxdisk(g);
    },
  });
}

function move(ctx: RouteContext, type: "qemu" | "lxc"): string {
  const g = guestAt(ctx, type);
  guard(ctx, g);
  const key = String(type === "qemu" ? ctx.params.disk : ctx.params.volume);
  const storage = ctx.params.storage as string | undefined;
  if (!storage) throw paramError("storage", "property is missing and it is not optional");
  const value = g.config[key];
  if (value === undefined) throw new PveError(500, `disk '${key}' does not exist`);
  if (type === "lxc" && g.status !== "stopped" && !key.startsWith("unused")) {
    throw new PveError(500, "cannot move volumes of a running container");
  }
  const d = parseDisk(String(value));
  if (d.storage === storage) {
    throw new PveError(500, "you can't move to the same storage with same format");
  }
  requireContent(ctx.state, storage, g.node, type === "qemu" ? "images" : "rootdir");
  requireSpace(ctx, storage);
  const del = boolParam(ctx.params.delete) === true;
  return startGuestTask(ctx, g, {
    type: type === "qemu" ? "qmmove" : "move_volume",
    holdLock: "disk",
    log: [
      `moving disk '${d.storage}:${d.volname}' to storage '${storage}'`,
      "transferred 100% of data",
    ],
    apply: () => {
      g.config[key] = formatDisk({ ...d, storage });
      if (!del) g.config[nextUnused(g)] = `${d.storage}:${d.volname}`;
    },
  });
}

function cloudinit(ctx: RouteContext): null {
  const g = guestAt(ctx, "qemu");
  const has = Object.values(g.config).some((v) => String(v).includes("cloudinit"));
  if (!has) throw new PveError(500, `VM ${g.vmid} has no cloud-init drive`);
  return null;
}

/** Routes of this family. */
export const PROVISION_CONFIG_ROUTES: RouteTable = {
  "POST /nodes/{node}/qemu/{vmid}/config": qemuConfig,
  "PUT /nodes/{node}/qemu/{vmid}/config": (ctx) => syncConfig(ctx, "qemu"),
  "PUT /nodes/{node}/lxc/{vmid}/config": (ctx) => syncConfig(ctx, "lxc"),
  "PUT /nodes/{node}/qemu/{vmid}/resize": (ctx) => resize(ctx, "qemu"),
  "PUT /nodes/{node}/lxc/{vmid}/resize": (ctx) => resize(ctx, "lxc"),
  "POST /nodes/{node}/qemu/{vmid}/move_disk": (ctx) => move(ctx, "qemu"),
  "POST /nodes/{node}/lxc/{vmid}/move_volume": (ctx) => move(ctx, "lxc"),
  "PUT /nodes/{node}/qemu/{vmid}/cloudinit": cloudinit,
};
