/**
 * Clone, convert to template, migrate and destroy, with PVE's rules: linked
 * clones only from templates (and not to another storage), a clone of a guest
 * on local storage stays on its node, a running VM migrates only `online`
 * (and with local disks only `with-local-disks`), a running container only
 * in `restart` mode, a guest with `protection: 1` or still running is not
 * destroyed. Each runs as a task (qmclone, qmtemplate, qmigrate, qmdestroy,
 * vz… for containers) holding the guest's lock meanwhile.
 *
 * @module
 */

import { boolParam, intParam } from "../params.ts";
import { insightOf } from "../insight_model.ts";
import { guestAt, PveError, type RouteContext, type RouteTable } from "../routing.ts";
import { markRunning, markStopped, startGuestTask } from "../actions.ts";
import { simActions } from "../actions.ts";
import type { GuestModel } from "../state.ts";
import { requireSpace } from "../provision_disks.ts";
import { diskKeys, formatDisk, macFor, parseDisk, requireContent } from "../provision_model.ts";
import { guestFromConfig } from "./provision_create.ts";

const kind = (g: GuestModel) => (g.type === "qemu" ? "VM" : "CT");

/** Whether every volume of the guest is on a shared storage. */
function onSharedStorage(ctx: RouteContext, g: GuestModel): boolean {
  return diskKeys(g).every((k) => {
    const d = parseDisk(String(g.config[k]));
    return !d.storage || ctx.state.storages.get(d.storage)?.shared === true;
  });
}

function clone(ctx: RouteContext, type: "qemu" | "lxc"): string {
  // The insight model's default backups are made on first use: make them before this guest
  // exists, so a new guest does not get a made-up backup history.
  insightOf(ctx.state);
  const g = guestAt(ctx, type);
  const p = ctx.params as Record<string, string>;
  const newid = intParam(p.newid)!;
  const target = p.target ?? g.node;
  const full = boolParam(p.full) ?? !g.template;
  const other = ctx.state.guests.get(newid);
  if (other) throw new PveError(500, `VM ${newid} already exists on node '${other.node}'`);
  if (!ctx.state.nodes.get(target)?.online) {
    throw new PveError(500, `target node '${target}' is not online`);
  }
  if (!full) {
    if (!g.template) {
      throw new PveError(500, "linked clone is only possible from a template (set full: 1)");
    }
    if (p.storage) throw new PveError(500, "parameter 'storage' not allowed for linked clones");
  }
  if (target !== g.node && !onSharedStorage(ctx, g)) {
    throw new PveError(
      500,
      `can't clone ${kind(g)} to node '${target}' (${kind(g)} uses local storage)`,
    );
  }
  const config: Record<string, string | number> = { ...g.config };
  for (const k of ["lock", "parent", "template", "vmgenid", "smbios1"]) delete config[k];
  let n = 0;
  const log: string[] = [
    `create ${full ? "full" : "linked"} clone of drive(s) of ${kind(g)} ${g.vmid}`,
  ];
  for (const k of diskKeys(g)) {
    if (k.startsWith("unused")) {
      delete config[k];
      continue;
    }
    const d = parseDisk(String(g.config[k]));
    if (!d.storage) continue;
    const store = full ? p.storage ?? d.storage : d.storage;
    requireContent(ctx.state, store, target, type === "qemu" ? "images" : "rootdir");
    requireSpace(ctx, store);
    const vol = `vm-${newid}-disk-${n++}`;
    config[k] = formatDisk({ ...d, storage: store, volname: full ? vol : `${d.volname}/${vol}` });
    log.push(`${k}: ${store}:${vol}`);
  }
  for (const k of Object.keys(config)) {
    const m = /^net(\d+)$/.exec(k);
    if (!m) continue;
    config[k] = String(config[k]).replace(
      /([0-9A-F]{2}:){5}[0-9A-F]{2}/i,
      macFor(newid, Number(m[1])),
    );
  }
  const nameKey = type === "qemu" ? "name" : "hostname";
  config[nameKey] = p[nameKey] ?? `Copy-of-${type === "qemu" ? "VM" : "CT"}-${g.name}`;
  if (p.description) config.description = p.description;
  const fresh = guestFromConfig(type, newid, target, config);
  if (p.pool) fresh.pool = p.pool;
  return startGuestTask(ctx, g, {
    type: type === "qemu" ? "qmclone" : "vzclone",
    // Templates are cloned without a lock; other guests are locked meanwhile.
    holdLock: g.template ? undefined : "clone",
    log,
    apply: () => ctx.state.addGuest(fresh),
  });
}

function template(ctx: RouteContext, type: "qemu" | "lxc"): string | null {
  const g = guestAt(ctx, type);
  if (g.template) throw new PveError(500, `${kind(g)} ${g.vmid} is already a template`);
  if (g.status !== "stopped") {
    throw new PveError(
      500,
      type === "qemu"
        ? "you can't convert a VM to template if VM is running"
        : "you can't convert a CT to template if the CT is running",
    );
  }
  const apply = () => {
    g.template = 1;
    g.config.template = 1;
    for (const k of diskKeys(g)) {
      const d = parseDisk(String(g.config[k]));
      g.config[k] = formatDisk({ ...d, volname: d.volname.replace(/^(vm|subvol)-/, "base-") });
    }
  };
  if (type === "lxc") {
    // pct template is synchronous (the API answers null).
    apply();
    return null;
  }
  return startGuestTask(ctx, g, { type: "qmtemplate", holdLock: "template", apply });
}

function migrate(ctx: RouteContext, type: "qemu" | "lxc"): string {
  const g = guestAt(ctx, type);
  const p = ctx.params as Record<string, string>;
  const target = p.target;
  if (target === g.node) {
    throw new PveError(400, "Parameter verification failed.", { target: "target is local node." });
  }
  const tn = ctx.state.nodes.get(target);
  if (!tn) throw new PveError(500, `no such cluster node '${target}'`);
  if (!tn.online) throw new PveError(500, `target node '${target}' is not online`);
  const running = g.status !== "stopped";
  const online = boolParam(p.online) === true;
  const restart = boolParam(p.restart) === true;
  const shared = onSharedStorage(ctx, g);
  if (type === "qemu" && running && !online) {
    throw new PveError(500, `can't migrate running VM without --online`);
  }
  if (type === "qemu" && running && !shared && !boolParam(p["with-local-disks"])) {
    throw new PveError(
      500,
      "can't live migrate attached local disks without with-local-disks option",
    );
  }
  if (type === "lxc" && running && !restart) {
    throw new PveError(500, `CT ${g.vmid} is running - use online migration or restart mode`);
  }
  if (type === "lxc" && online) {
    throw new PveError(500, "lxc live migration is currently not implemented");
  }
  const s = simActions(ctx.state);
  const log = [
    `starting migration of ${kind(g)} ${g.vmid} to node '${target}' (${tn.ip})`,
    ...(shared
      ? []
      : diskKeys(g).map((k) =>
        `found local disk '${String(g.config[k]).split(",")[0]}' (attached)`
      )),
    ...(running && type === "qemu"
      ? [
        "starting VM on remote node",
        "migration active, transferred 1.2 GiB of 4.0 GiB",
        "migration status: completed",
      ]
      : []),
    ...(restart
      ? ["shutdown CT", "start final cleanup", `restart container on target node '${target}'`]
      : []),
    "migration finished successfully",
  ];
  // Migrations take longer than power actions: three times the base duration.
  const queued = s.next.shift();
  s.next.unshift({ ...queued, durationMs: queued?.durationMs ?? s.durationMs * 3 });
  return startGuestTask(ctx, g, {
    type: type === "qemu" ? "qmigrate" : "vzmigrate",
    holdLock: "migrate",
    log,
    apply: () => {
      g.node = target;
      if (restart) markRunning(g);
    },
  });
}

function destroy(ctx: RouteContext, type: "qemu" | "lxc"): string {
  const g = guestAt(ctx, type);
  if (Number(g.config.protection ?? 0) === 1) {
    throw new PveError(500, `can't remove ${kind(g)} ${g.vmid} - protection mode enabled`);
  }
  if (g.status !== "stopped") {
    throw new PveError(
      500,
      type === "qemu"
        ? `VM ${g.vmid} is running - destroy failed`
        : `CT ${g.vmid} is running - destroy failed`,
    );
  }
  const purge = boolParam(ctx.params.purge) === true;
  const log = [
    ...diskKeys(g).map((k) =>
      `  Logical volume "${parseDisk(String(g.config[k])).volname}" successfully removed.`
    ),
    ...(purge ? [`purging ${kind(g)} ${g.vmid} from related configurations..`] : []),
  ];
  return startGuestTask(ctx, g, {
    type: type === "qemu" ? "qmdestroy" : "vzdestroy",
    holdLock: "destroyed",
    log,
    apply: () => {
      ctx.state.removeGuest(g.vmid);
      markStopped(g);
    },
  });
}

/** Routes of this family. */
export const PROVISION_GUEST_ROUTES: RouteTable = {
  "POST /nodes/{node}/qemu/{vmid}/clone": (ctx) => clone(ctx, "qemu"),
  "POST /nodes/{node}/lxc/{vmid}/clone": (ctx) => clone(ctx, "lxc"),
  "POST /nodes/{node}/qemu/{vmid}/template": (ctx) => template(ctx, "qemu"),
  "POST /nodes/{node}/lxc/{vmid}/template": (ctx) => template(ctx, "lxc"),
  "POST /nodes/{node}/qemu/{vmid}/migrate": (ctx) => migrate(ctx, "qemu"),
  "POST /nodes/{node}/lxc/{vmid}/migrate": (ctx) => migrate(ctx, "lxc"),
  "DELETE /nodes/{node}/qemu/{vmid}": (ctx) => destroy(ctx, "qemu"),
  "DELETE /nodes/{node}/lxc/{vmid}": (ctx) => destroy(ctx, "lxc"),
};
