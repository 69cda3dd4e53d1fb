/**
 * `POST /nodes/{node}/qemu` and `POST /nodes/{node}/lxc`: create a guest, or
 * restore one from a backup (`archive` for VMs, `ostemplate` + `restore: 1`
 * for containers). As PVE: the VMID must be free (or, for a restore, `force`
 * overwrites a stopped guest), the token needs VM.Allocate (VM.Backup is
 * enough to restore over an existing guest) and Datastore.AllocateSpace, disks
 * are allocated on storages that hold the content type. The guest appears at
 * once with a `create` lock and is complete when the qmcreate / qmrestore /
 * vzcreate / vzrestore task ends (removed again when it fails).
 *
 * @module
 */

import { boolParam, intParam } from "../params.ts";
import { insightOf } from "../insight_model.ts";
import { compact, PveError, type RouteContext, type RouteTable } from "../routing.ts";
import { simActions } from "../actions.ts";
import type { GuestModel } from "../state.ts";
import { nodeOrThrow } from "../views.ts";
import { allocateDisks, denied, isDiskKey, requireSpace } from "../provision_disks.ts";
import { findBackup, provisionOf, storageOn, syncMaxdisk } from "../provision_model.ts";

const MiB = 1024 ** 2;

/** Config keys a create call may set directly (everything else is an API option). */
const API_ONLY = new Set([
  "node",
  "vmid",
  "archive",
  "force",
  "start",
  "storage",
  "unique",
  "pool",
  "restore",
  "ostemplate",
  "password",
  "ssh-public-keys",
  "ignore-unpack-errors",
  "bwlimit",
  "live-restore",
  "ha-managed",
]);

/** A new guest model from its config (stopped, no usage). */
export function guestFromConfig(
  type: "qemu" | "lxc",
  vmid: number,
  node: string,
  config: Record<string, string | number>,
): GuestModel {
  const name = String(
    config[type === "qemu" ? "name" : "hostname"] ?? `${type === "qemu" ? "VM" : "CT"}${vmid}`,
  );
  const memory = Number(String(config.memory ?? (type === "qemu" ? 2048 : 512)));
  const g: GuestModel = {
    vmid,
    type,
    node,
    name,
    status: "stopped",
    template: Number(config.template ?? 0) === 1 ? 1 : 0,
    tags: config.tags === undefined ? undefined : String(config.tags),
    cpus: Number(config.cores ?? 1) * Number(config.sockets ?? 1),
    maxmem: memory * MiB,
    mem: 0,
    maxdisk: 0,
    disk: 0,
    cpu: 0,
    uptime: 0,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
    config,
    snapshots: [],
    agent: type === "qemu"
      ? { enabled: String(config.agent ?? "0").startsWith("1"), running: false, os: "linux" }
      : undefined,
  };
  syncMaxdisk(g);
  return compact(g as unknown as Record<string, unknown>) as unknown as GuestModel;
}

function checkVmidFree(ctx: RouteContext, vmid: number): void {
  const other = ctx.state.guests.get(vmid);
  if (other) throw new PveError(500, `VM ${vmid} already exists on node '${other.node}'`);
}

function create(ctx: RouteContext, type: "qemu" | "lxc"): string {
  // The insight model's default backups are made on first use: make them before this guest
  // exists, so a new guest does not get a made-up backup history.
  insightOf(ctx.state);
  const p = ctx.params as Record<string, string>;
  const node = ctx.pathParams.node;
  nodeOrThrow(ctx.state, node);
  const vmid = intParam(p.vmid)!;
  const archive = type === "qemu" ? p.archive : boolParam(p.restore) ? p.ostemplate : undefined;
  const existing = ctx.state.guests.get(vmid);
  const pool = p.pool;
  const may = (priv: string) =>
    ctx.can(`/vms/${vmid}`, [priv]) || (!!pool && ctx.can(`/pool/${pool}`, [priv]));
  if (archive && existing) {
    if (!may("VM.Backup") && !may("VM.Allocate")) throw denied(`/vms/${vmid}`, "VM.Backup");
    if (!boolParam(p.force)) {
      throw new PveError(
        500,
        `unable to restore VM ${vmid} - VM ${vmid} already exists on node '${existing.node}'`,
      );
    }
    if (existing.node !== node) {
      throw new PveError(
        500,
        `unable to restore VM ${vmid} - VM ${vmid} already exists on node '${existing.node}'`,
      );
    }
    if (existing.status !== "stopped") {
      throw new PveError(500, `unable to restore VM ${vmid} - VM is running`);
    }
    if (Number(existing.config.protection ?? 0) === 1) {
      throw new PveError(500, `unable to restore VM ${vmid} - protection mode enabled`);
    }
    if (existing.lock) {
      throw new PveError(500, `${type === "qemu" ? "VM" : "CT"} is locked (${existing.lock})`);
    }
  } else {
    if (!may("VM.Allocate")) throw denied(`/vms/${vmid}`, "VM.Allocate");
    checkVmidFree(ctx, vmid);
  }
  let config: Record<string, string | number>;
  let worker: string;
  const log: string[] = [];
  if (archive) {
    const backup = findBackup(ctx.state, archive);
    const [store] = archive.split(":");
    storageOn(ctx.state, store, node);
    if (!backup || backup.type !== type) {
      throw new PveError(500, `volume '${archive}' does not exist`);
    }
    const meta = provisionOf(ctx.state).backupMeta.get(
      `${backup.storage}:${backup.vmid}:${backup.ctime}`,
    );
    const base = {
      ...(meta?.config ?? existing?.config ?? { name: meta?.name ?? `restored-${vmid}` }),
    };
    delete base.lock;
    delete base.parent;
    const target = p.storage;
    if (target) requireSpace(ctx, target);
    // Disks land on `storage` when given, else where they were.
    for (const k of Object.keys(base)) {
      if (!isDiskKey(type, k) || String(base[k]).includes("media=cdrom")) continue;
      const [vol, ...opts] = String(base[k]).split(",");
      const from = vol.split(":")[0];
      const size = opts.find((o) => o.startsWith("size="))?.slice(5) ?? "8G";
      const gib = String(
        Math.max(1, Math.round(Number.parseFloat(size) * (size.endsWith("T") ? 1024 : 1))),
      );
      base[k] = [`${target ?? from}:${gib}`, ...opts.filter((o) => !o.startsWith("size="))].join(
        ",",
      );
    }
    const disks = allocateDisks(ctx, type, vmid, node, base as Record<string, string>);
    config = { ...base, ...disks };
    worker = type === "qemu" ? "qmrestore" : "vzrestore";
    log.push(
      `restore vma archive: zstd -q -d -c /mnt/pve/${store}/dump/${archive.split("/").pop()}`,
      ...Object.values(disks).map((d) => `new volume ID is '${d.split(",")[0]}'`),
      `rescan volumes...`,
    );
  } else {
    if (type === "lxc") {
      const tmpl = p.ostemplate;
      const ok = provisionOf(ctx.state).files.some((f) =>
        f.content === "vztmpl" && `${f.storage}:${f.name}` === tmpl && (!f.node || f.node === node)
      );
      if (!ok) throw new PveError(500, `volume '${tmpl}' does not exist`);
    }
    const own: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(p)) {
      if (!API_ONLY.has(k)) {
        own[k] = Array.isArray(v) ? v.join(",") : v;
      }
    }
    if (type === "lxc" && !own.rootfs) own.rootfs = `${p.storage ?? "local"}:4`;
    const disks = allocateDisks(ctx, type, vmid, node, own as Record<string, string>);
    config = { ...own, ...disks };
    if (type === "lxc") {
      config.unprivileged = boolParam(p.unprivileged) ? 1 : 0;
      if (!config.unprivileged && !ctx.can("/", ["Sys.Modify"])) throw denied("/", "Sys.Modify");
      config.arch ??= "amd64";
      config.ostype ??= "debian";
    }
    worker = type === "qemu" ? "qmcreate" : "vzcreate";
    log.push(
      ...Object.entries(disks).map(([k, d]) =>
        `  Logical volume "${d.split(",")[0].split(":")[1]}" created. (${k})`
      ),
    );
    if (type === "lxc") {
      log.unshift(
        `extracting archive '/var/lib/vz/template/cache/${p.ostemplate.split("/").pop()}'`,
      );
    }
  }
  config.meta ??= `creation-qemu=10.0.2,ctime=${Math.floor(Date.now() / 1000)}`;
  if (type === "lxc") delete config.meta;
  const g = guestFromConfig(type, vmid, node, { ...config, lock: "create" });
  g.lock = "create";
  if (pool) g.pool = pool;
  const previous = existing;
  if (previous) ctx.state.removeGuest(vmid);
  ctx.state.addGuest(g);
  const s = simActions(ctx.state);
  const next = s.next.shift() ?? {};
  const start = boolParam(p.start) === true;
  const task = ctx.state.startTask({
    node,
    type: worker,
    id: String(vmid),
    user: ctx.tokenId,
    durationMs: next.durationMs ?? s.durationMs * 2,
    log: next.log ?? log,
    exitstatus: next.exitstatus ?? "OK",
    onFinish: (t) => {
      if (t.exitstatus !== "OK") {
        ctx.state.removeGuest(vmid);
        if (previous) ctx.state.addGuest(previous);
        return;
      }
      delete g.lock;
      delete g.config.lock;
      if (start && !g.template) {
        g.status = "running";
        g.mem = Math.round(g.maxmem * 0.2);
        g.cpu = 0.02;
      }
    },
  });
  return task.upid;
}

/** Routes of this family. */
export const PROVISION_CREATE_ROUTES: RouteTable = {
  "POST /nodes/{node}/qemu": (ctx) => create(ctx, "qemu"),
  "POST /nodes/{node}/lxc": (ctx) => create(ctx, "lxc"),
};
