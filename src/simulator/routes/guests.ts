/**
 * Guest listings and read endpoints of QEMU VMs and LXC containers:
 * `/nodes/{node}/{qemu,lxc}`, `.../status/current`, `.../config`, `.../snapshot`.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { guestAt, PveError, type RouteContext, type RouteTable } from "../routing.ts";
import type { GuestModel } from "../state.ts";
import { guestListEntry, guestStatus } from "../views.ts";

/** The config digest: SHA-1 of the config as PVE writes it, so any change moves it. */
export function configDigest(config: Record<string, string | number>): string {
  const text = Object.keys(config).sort().map((k) => `${k}: ${config[k]}`).join("\n");
  return createHash("sha1").update(text).digest("hex");
}

function list(ctx: RouteContext, type: "qemu" | "lxc") {
  return ctx.state.guestsOn(ctx.pathParams.node, type)
    .filter((g) => ctx.can(`/vms/${g.vmid}`, ["VM.Audit"]))
    .map(guestListEntry);
}

function config(ctx: RouteContext, g: GuestModel) {
  const snapname = ctx.params.snapshot as string | undefined;
  if (snapname !== undefined) {
    const snap = g.snapshots.find((s) => s.name === snapname);
    if (!snap) throw new PveError(500, `snapshot '${snapname}' does not exist`);
    const { parent: _parent, lock: _lock, ...cfg } = g.config;
    return {
      ...cfg,
      snaptime: snap.snaptime,
      description: snap.description,
      digest: configDigest(g.config),
    };
  }
  return { ...g.config, digest: configDigest(g.config) };
}

function snapshots(g: GuestModel) {
  const list: Record<string, unknown>[] = g.snapshots.map((s) => ({ ...s }));
  const current: Record<string, unknown> = {
    name: "current",
    description: "You are here!",
    digest: configDigest(g.config),
  };
  if (g.config.parent) current.parent = g.config.parent;
  if (g.type === "qemu") current.running = g.status === "stopped" ? 0 : 1;
  return [...list, current];
}

/** Routes of this family. */
export const GUEST_ROUTES: RouteTable = {
  "GET /nodes/{node}/qemu": (ctx) => list(ctx, "qemu"),
  "GET /nodes/{node}/lxc": (ctx) => list(ctx, "lxc"),
  "GET /nodes/{node}/qemu/{vmid}/status/current": (ctx) => guestStatus(guestAt(ctx, "qemu")),
  "GET /nodes/{node}/lxc/{vmid}/status/current": (ctx) => guestStatus(guestAt(ctx, "lxc")),
  "GET /nodes/{node}/qemu/{vmid}/config": (ctx) => config(ctx, guestAt(ctx, "qemu")),
  "GET /nodes/{node}/lxc/{vmid}/config": (ctx) => config(ctx, guestAt(ctx, "lxc")),
  "GET /nodes/{node}/qemu/{vmid}/snapshot": (ctx) => snapshots(guestAt(ctx, "qemu")),
  "GET /nodes/{node}/lxc/{vmid}/snapshot": (ctx) => snapshots(guestAt(ctx, "lxc")),
};
