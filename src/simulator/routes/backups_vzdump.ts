/**
 * Backups and storage content: `POST /nodes/{node}/vzdump` (a vzdump task
 * holding the guest's `backup` lock, writing
 * `backup/vzdump-qemu-100-2026_11_25-10_00_00.vma.zst`), the content listing
 * of every type (ISO images, container templates, guest volumes, backups) and
 * deletion of a volume; plus `GET /nodes/{node}/network` (bridges). This
 * listing replaces the backup-only one of insight_nodes.ts and serves the
 * same backup entries.
 *
 * @module
 */

import { intParam } from "../params.ts";
import { compact, PveError, type RouteContext, type RouteTable } from "../routing.ts";
import { startGuestTask } from "../actions.ts";
import { nodeOrThrow } from "../views.ts";
import { insightOf } from "../insight_model.ts";
import {
  backupExt,
  backupVolid,
  diskKeys,
  fileTime,
  findBackup,
  provisionOf,
  requireContent,
  storageOn,
} from "../provision_model.ts";
import { parseDisk } from "../provision_model.ts";
import { denied } from "../provision_disks.ts";

const EXT: Record<string, string> = {
  zstd: ".zst",
  lzo: ".lzo",
  gzip: ".gz",
  "1": ".lzo",
  "0": "",
};

function vzdump(ctx: RouteContext): string {
  const node = ctx.pathParams.node;
  const p = ctx.params as Record<string, string>;
  const ids = String(p.vmid ?? "").split(/[,;\s]+/).filter(Boolean).map(Number);
  if (ids.length !== 1) {
    throw new PveError(500, "this simulator backs up exactly one guest per call");
  }
  const vmid = ids[0];
  const g = ctx.state.guests.get(vmid);
  if (!ctx.can(`/vms/${vmid}`, ["VM.Backup"])) throw denied(`/vms/${vmid}`, "VM.Backup");
  const storage = p.storage ?? "local";
  if (!ctx.can(`/storage/${storage}`, ["Datastore.AllocateSpace"])) {
    throw denied(`/storage/${storage}`, "Datastore.AllocateSpace");
  }
  requireContent(ctx.state, storage, node, "backup");
  if (!g || g.node !== node) throw new PveError(500, `guest ${vmid} is not on node '${node}'`);
  const mode = p.mode ?? "snapshot";
  const compress = p.compress ?? "0";
  const ext = (g.type === "qemu" ? "vma" : "tar") + (EXT[compress] ?? "");
  const running = g.status !== "stopped";
  const start = Math.floor(Date.now() / 1000);
  const name = `vzdump-${g.type}-${vmid}-`;
  const log = [
    `INFO: starting new backup job: vzdump ${vmid} --storage ${storage} --mode ${mode}` +
    (compress !== "0" ? ` --compress ${compress}` : "") + ` --node ${node}`,
    `INFO: Starting Backup of VM ${vmid} (${g.type})`,
    `INFO: status = ${running ? "running" : "stopped"}`,
    ...(mode === "suspend" && running ? ["INFO: suspending guest", "INFO: resuming guest"] : []),
    ...(mode === "stop" && running ? ["INFO: stopping virtual guest", "INFO: restarting vm"] : []),
    `INFO: creating vzdump archive '/mnt/pve/${storage}/dump/${name}${fileTime(start)}.${ext}'`,
    "INFO: transferred 3.00 GiB in 4 seconds (768.0 MiB/s)",
    `INFO: Finished Backup of VM ${vmid} (00:00:04)`,
    "INFO: Backup job finished successfully",
  ];
  // vzdump takes the backup lock itself: a guest locked otherwise fails in the task.
  return startGuestTask(ctx, g, {
    type: "vzdump",
    holdLock: "backup",
    log,
    apply: () => {
      const backup = {
        storage,
        vmid,
        type: g.type,
        ctime: start,
        size: Math.round(g.maxdisk * 0.18),
      };
      insightOf(ctx.state).backups.push(backup);
      const config = { ...g.config };
      delete config.lock;
      provisionOf(ctx.state).backupMeta.set(`${storage}:${vmid}:${start}`, {
        ext,
        config,
        name: g.name,
      });
    },
  });
}

function content(ctx: RouteContext) {
  const { node, storage } = ctx.pathParams;
  const s = storageOn(ctx.state, storage, node);
  if (!s.active) throw new PveError(500, `storage '${storage}' is not online`);
  const want = ctx.params.content as string | undefined;
  const vmid = intParam(ctx.params.vmid);
  const out: Record<string, unknown>[] = [];
  const audit = (id: number) =>
    ctx.can(`/vms/${id}`, ["VM.Audit"]) || ctx.can(`/storage/${storage}`, ["Datastore.Allocate"]);
  if (!want || want === "iso" || want === "vztmpl") {
    for (const f of provisionOf(ctx.state).files) {
      if (f.storage !== storage || (f.node && f.node !== node)) continue;
      if (want && f.content !== want) continue;
      if (vmid !== undefined) continue;
      const format = f.content === "iso" ? "iso" : "tzst";
      out.push({
        volid: `${storage}:${f.name}`,
        content: f.content,
        format,
        size: f.size,
        ctime: f.ctime,
      });
    }
  }
  if (!want || want === "images" || want === "rootdir") {
    for (const g of ctx.state.guests.values()) {
      if (
        (!s.shared && g.node !== node) || (vmid !== undefined && g.vmid !== vmid) || !audit(g.vmid)
      ) continue;
      for (const k of diskKeys(g)) {
        const d = parseDisk(String(g.config[k]));
        if (d.storage !== storage || d.volname.endsWith("cloudinit")) continue;
        const c = g.type === "qemu" ? "images" : "rootdir";
        if (want && want !== c) continue;
        out.push({
          volid: `${storage}:${d.volname}`,
          content: c,
          format: "raw",
          size: d.size,
          vmid: g.vmid,
        });
      }
    }
  }
  if (!want || want === "backup") {
    const backups = insightOf(ctx.state).backups
      .filter((b) =>
        b.storage === storage && (vmid === undefined || b.vmid === vmid) && audit(b.vmid)
      )
      .sort((a, b) => a.vmid - b.vmid || a.ctime - b.ctime);
    for (const b of backups) {
      out.push(compact({
        volid: backupVolid(ctx.state, b),
        content: "backup",
        format: backupExt(ctx.state, b),
        size: b.size,
        ctime: b.ctime,
        vmid: b.vmid,
        subtype: b.type,
        notes: provisionOf(ctx.state).backupMeta.get(`${b.storage}:${b.vmid}:${b.ctime}`)?.name ??
          ctx.state.guests.get(b.vmid)?.name,
      }));
    }
  }
  return out;
}

function removeVolume(ctx: RouteContext): string {
  const { node, storage } = ctx.pathParams;
  storageOn(ctx.state, storage, node);
  const raw = ctx.pathParams.volume;
  const volid = raw.includes(":") ? raw : `${storage}:${raw}`;
  const backup = findBackup(ctx.state, volid);
  const may = ctx.can(`/storage/${storage}`, ["Datastore.Allocate"]) ||
    (!!backup && ctx.can(`/vms/${backup.vmid}`, ["VM.Backup"]) &&
      ctx.can(`/storage/${storage}`, ["Datastore.AllocateSpace"]));
  if (!may) throw denied(`/storage/${storage}`, "Datastore.Allocate");
  const model = provisionOf(ctx.state);
  const file = model.files.find((f) =>
    `${f.storage}:${f.name}` === volid && (!f.node || f.node === node)
  );
  if (!backup && !file) {
    const user = [...ctx.state.guests.values()].find((g) =>
      diskKeys(g).some((k) => String(g.config[k]).split(",")[0] === volid)
    );
    if (user) {
      throw new PveError(
        500,
        `unable to delete volume '${volid}' - volume is used by ${
          user.type === "qemu" ? "VM" : "CT"
        } ${user.vmid}`,
      );
    }
    throw new PveError(500, `volume '${volid}' does not exist`);
  }
  const task = ctx.state.startTask({
    node,
    type: "imgdel",
    // PVE starts imgdel without an object id (a volid would break the UPID format).
    id: "",
    user: ctx.tokenId,
    durationMs: 50,
    log: [`Removed volume '${volid}'`],
    onFinish: (t) => {
      if (t.exitstatus !== "OK") return;
      if (backup) {
        const list = insightOf(ctx.state).backups;
        list.splice(list.indexOf(backup), 1);
      }
      if (file) model.files.splice(model.files.indexOf(file), 1);
    },
  });
  return task.upid;
}

function network(ctx: RouteContext) {
  const node = nodeOrThrow(ctx.state, ctx.pathParams.node);
  const type = ctx.params.type as string | undefined;
  const bridges = provisionOf(ctx.state).bridges[node.name] ?? [];
  const list = [
    { iface: "eno1", type: "eth", active: 1, autostart: 1, method: "manual", families: ["inet"] },
    ...bridges.map((b, i) => ({
      iface: b,
      type: "bridge",
      active: 1,
      autostart: 1,
      method: i === 0 ? "static" : "manual",
      bridge_ports: i === 0 ? "eno1" : "",
      bridge_stp: "off",
      bridge_fd: "0",
      ...(i > 0 ? { "bridge_vlan_aware": 1 } : {}),
      ...(i === 0 ? { cidr: `${node.ip}/24`, address: node.ip, gateway: "192.168.1.1" } : {}),
      families: ["inet"],
    })),
  ];
  if (!type) return list;
  if (type === "any_bridge" || type === "any_local_bridge") {
    return list.filter((i) => i.type === "bridge" || i.type === "OVSBridge");
  }
  return list.filter((i) => i.type === type);
}

/** Routes of this family. */
export const BACKUP_ROUTES: RouteTable = {
  "POST /nodes/{node}/vzdump": vzdump,
  "GET /nodes/{node}/storage/{storage}/content": content,
  "DELETE /nodes/{node}/storage/{storage}/content/{volume}": removeVolume,
  "GET /nodes/{node}/network": network,
};
