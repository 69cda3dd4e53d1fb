/**
 * Snapshot create, rollback and delete for VMs and containers. As in PVE,
 * each is a worker (qmsnapshot, qmrollback, qmdelsnapshot; vz… for
 * containers) that checks the name and the lock itself, holds a lock while
 * it runs, and moves the `parent` links: a new snapshot hangs under the
 * current state's parent, a rollback moves the current state, a deleted
 * snapshot's children move up to its parent.
 *
 * @module
 */

import { boolParam } from "../params.ts";
import { guestAt, PveError, type RouteContext, type RouteTable } from "../routing.ts";
import { markRunning, markStopped, startGuestTask } from "../actions.ts";
import type { GuestModel } from "../state.ts";
import { snapshotBlocker } from "../snapshot_storage.ts";

const worker = (g: GuestModel, kind: "snapshot" | "rollback" | "delsnapshot") =>
  `${g.type === "qemu" ? "qm" : "vz"}${kind}`;

const missing = (name: string) => `snapshot '${name}' does not exist`;

function diskLines(g: GuestModel, name: string): string[] {
  const vol = g.type === "qemu" ? `vm-${g.vmid}-disk-0` : `subvol-${g.vmid}-disk-0`;
  return [
    `snapshotting '${g.type === "qemu" ? "drive-scsi0" : "rootfs"}' (local-lvm:${vol})`,
    `  Logical volume "snap_${vol}_${name}" created.`,
  ];
}

function create(ctx: RouteContext, type: "qemu" | "lxc"): string {
  const g = guestAt(ctx, type);
  const name = String(ctx.params.snapname);
  if (name === "current" || name.toLowerCase() === "pending") {
    throw new PveError(500, `unable to use snapshot name '${name}' (reserved name)`);
  }
  const running = g.status !== "stopped";
  const vmstate = type === "qemu" && boolParam(ctx.params.vmstate) === true && running;
  const exists = g.snapshots.some((s) => s.name === name);
  const log = [
    ...(vmstate
      ? [
        "saving VM state and RAM using storage 'local-lvm'",
        `completed saving the VM state in 2s, saved ${Math.round(g.mem / 2 ** 20)} MiB`,
      ]
      : []),
    ...diskLines(g, name),
  ];
  return startGuestTask(ctx, g, {
    type: worker(g, "snapshot"),
    // PVE's worker checks the name first, then whether every volume's storage can snapshot.
    fail: exists ? `snapshot name '${name}' already used` : snapshotBlocker(ctx.state, g),
    holdLock: "snapshot",
    log,
    apply: () => {
      const parent = g.config.parent as string | undefined;
      g.snapshots.push({
        name,
        description: String(ctx.params.description ?? ""),
        snaptime: Math.floor(Date.now() / 1000),
        ...(parent ? { parent } : {}),
        ...(type === "qemu" ? { vmstate: vmstate ? 1 : 0 } : {}),
      });
      g.config.parent = name;
    },
  });
}

function rollback(ctx: RouteContext, type: "qemu" | "lxc"): string {
  const g = guestAt(ctx, type);
  const name = ctx.pathParams.snapname;
  const snap = g.snapshots.find((s) => s.name === name);
  const start = boolParam(ctx.params.start) === true;
  return startGuestTask(ctx, g, {
    type: worker(g, "rollback"),
    fail: snap ? undefined : missing(name),
    holdLock: "rollback",
    log: snap?.vmstate ? ["restoring VM state"] : [],
    apply: () => {
      g.config.parent = name;
      // The current state is discarded: the guest stops, unless RAM was saved or start asked.
      if (snap?.vmstate || start) markRunning(g);
      else markStopped(g);
    },
  });
}

function remove(ctx: RouteContext, type: "qemu" | "lxc"): string {
  const g = guestAt(ctx, type);
  const name = ctx.pathParams.snapname;
  const snap = g.snapshots.find((s) => s.name === name);
  return startGuestTask(ctx, g, {
    type: worker(g, "delsnapshot"),
    fail: snap ? undefined : missing(name),
    holdLock: "snapshot-delete",
    log: snap ? diskLines(g, name).slice(0, 1).map((l) => l.replace("snapshotting", "delete")) : [],
    apply: () => {
      g.snapshots = g.snapshots.filter((s) => s.name !== name);
      for (const s of g.snapshots) {
        if (s.parent === name) {
          if (snap?.parent) s.parent = snap.parent;
          else delete s.parent;
        }
      }
      if (g.config.parent === name) {
        if (snap?.parent) g.config.parent = snap.parent;
        else delete g.config.parent;
      }
    },
  });
}

/** Routes of this family. */
export const SNAPSHOT_ROUTES: RouteTable = {
  "POST /nodes/{node}/qemu/{vmid}/snapshot": (ctx) => create(ctx, "qemu"),
  "POST /nodes/{node}/lxc/{vmid}/snapshot": (ctx) => create(ctx, "lxc"),
  "POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback": (ctx) => rollback(ctx, "qemu"),
  "POST /nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback": (ctx) => rollback(ctx, "lxc"),
  "DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}": (ctx) => remove(ctx, "qemu"),
  "DELETE /nodes/{node}/lxc/{vmid}/snapshot/{snapname}": (ctx) => remove(ctx, "lxc"),
};
