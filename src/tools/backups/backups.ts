/**
 * Toolset "backups" (opt-in): list a guest's backups across the cluster's
 * backup storages, back a guest up with vzdump, restore a backup (to a new
 * VMID, or over the same guest: destructive, needs `force`), delete a backup.
 *
 * @example
 * ```ts
 * import { BACKUP_TOOLS } from "./backups.ts";
 * console.log(BACKUP_TOOLS.map((t) => t.name).join(" "));
 * // "list_backups backup_guest restore_backup delete_backup"
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { type AnyTool, defineTool, READ_ONLY } from "../../core/tool.ts";
import { looseEnum, nodeName, vmid } from "../schemas.ts";
import { asArray, asString } from "../../proxmox/lenient.ts";
import { actionInput, actionOutput } from "../../safety/result.ts";
import { runGuestAction } from "../../safety/action.ts";
import { runProvision } from "../../safety/provision.ts";
import { ActionRefused, guestLabel } from "../../safety/target.ts";
import { loadStorages, storageCheck } from "../../provision/cluster.ts";
import { CONFIRM, guestTarget, mutating, optIn } from "../provisioning/provisioning_common.ts";
import { ContentItem, storageContent } from "../provisioning/provisioning_read.ts";
import { backupVolid, humanSize } from "../../provision/validate.ts";
import { STORAGE_RE } from "../../proxmox/params.ts";
import { restoreBackup } from "./backups_restore.ts";
import { backupOwnerCheck } from "../../safety/backup_protection.ts";

/** Every backup of `id` on the cluster's backup storages (one content GET per storage). */
export async function backupsOf(ctx: Parameters<AnyTool["run"]>[1], id: number) {
  const rows = asArray(await ctx.pve.get("/cluster/resources", { type: "storage" }), "resources");
  const seen = new Set<string>();
  const where: Array<{ node: string; storage: string }> = [];
  for (const r of rows) {
    const content = (asString(r.content) ?? "").split(",");
    if (!content.includes("backup") || r.status !== "available") continue;
    const storage = asString(r.storage) ?? "?";
    const key = Number(r.shared) === 1 ? storage : `${r.node}/${storage}`;
    if (seen.has(key)) continue;
    seen.add(key);
    where.push({ node: asString(r.node) ?? "?", storage });
  }
  const lists = await Promise.all(
    where.map((w) => storageContent(ctx, w.node, w.storage, "backup", id).catch(() => [])),
  );
  return lists.flat().filter((i) => i.vmid === id)
    .sort((a, b) => (b.ctime ?? "").localeCompare(a.ctime ?? ""));
}

/** `list_backups`. */
export const listBackups = defineTool({
  name: "list_backups",
  title: "List a guest's backups",
  description: "Backups of one VM or container on every backup storage of the cluster, newest " +
    "first, with volume id (for restore_backup / delete_backup), time, size and storage. Works " +
    "also for VMIDs of deleted guests.",
  toolset: "backups",
  privileges: ["Datastore.Audit", "Datastore.AllocateSpace"],
  enabledWhen: optIn("backups"),
  annotations: READ_ONLY,
  input: { vmid: vmid.describe("VMID whose backups to list") },
  output: {
    vmid: z.number().int(),
    backups: z.array(ContentItem),
    protection: z.string().optional()
      .describe("Set when the guest is protected: its backups cannot be deleted or restored over"),
  },
  async run(args, ctx) {
    const [backups, check] = await Promise.all([
      backupsOf(ctx, args.vmid),
      backupOwnerCheck(ctx, args.vmid),
    ]);
    const protection = check.verdict === "fail" ? check.detail : undefined;
    const text = (backups.length
      ? backups.map((b) =>
        `${b.volid} (${b.ctime ?? "?"}, ${b.size ? humanSize(b.size) : "?"}, on ${b.node})`
      ).join("\n")
      : `No backups of ${args.vmid} on the cluster's backup storages.`) +
      (protection ? `\n${protection}` : "");
    return { structured: { vmid: args.vmid, backups, protection }, text };
  },
});

/** `backup_guest`. */
export const backupGuest = defineTool({
  name: "backup_guest",
  title: "Back up a guest (vzdump)",
  description: "Backs up one VM or container with vzdump to a backup storage. mode snapshot " +
    "(default: no downtime), suspend (short pause) or stop (stops a running guest for the " +
    "backup and starts it again: confirmation needed); compress zstd (default), lzo, gzip or " +
    "0. Needs VM.Backup on the guest and Datastore.AllocateSpace on the storage.",
  toolset: "backups",
  privileges: ["VM.Backup"],
  enabledWhen: optIn("backups"),
  annotations: mutating(false, false),
  input: {
    ...guestTarget,
    storage: z.string().regex(STORAGE_RE, { message: "must be a storage id" })
      .describe("Backup storage, e.g. nas-backup"),
    // looseEnum's JSON Schema cannot carry a default (zod drops it under a preprocess): say it.
    mode: looseEnum(["snapshot", "suspend", "stop"]).default("snapshot").describe(
      "Default snapshot",
    ),
    compress: looseEnum(["zstd", "lzo", "gzip", "0"], { none: "0", gz: "gzip" }).default("zstd")
      .describe("Default zstd"),
    notes: z.string().max(1024).regex(/^[^\n\r]*$/).optional()
      .describe("Notes stored with the backup ({{guestname}} etc. are expanded by PVE)"),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    return runGuestAction(ctx, extra, {
      tool: "backup_guest",
      args,
      vmid: args.vmid,
      node: args.node,
      plan: async (g) => {
        const rows = await loadStorages(ctx, g.node);
        const stop = args.mode === "stop" && g.status !== "stopped";
        return {
          verb: `back up to ${args.storage} (${args.mode})`,
          destructive: stop,
          readsGuest: !stop,
          checks: [storageCheck(rows, g.node, args.storage, "backup", "storage")],
          question: `Back up ${guestLabel(g)} in stop mode? It is stopped for the backup and ` +
            "started again afterwards (downtime).",
          calls: [{
            method: "POST",
            template: "/nodes/{node}/vzdump",
            params: {
              node: g.node,
              vmid: String(g.vmid),
              storage: args.storage,
              mode: args.mode,
              compress: args.compress,
              "notes-template": args.notes,
            },
          }],
          expect: `a new backup of ${guestLabel(g)} on ${args.storage} (list_backups)`,
        };
      },
    });
  },
});

/** `delete_backup`. */
export const deleteBackup = defineTool({
  name: "delete_backup",
  title: "Delete a backup",
  description: "Deletes one backup volume (list_backups shows them) for good. Refused for " +
    "protected backups." + CONFIRM,
  toolset: "backups",
  privileges: ["Datastore.Allocate", "VM.Backup"],
  enabledWhen: optIn("backups"),
  annotations: mutating(true, true),
  input: {
    volid: backupVolid,
    node: nodeName.describe("A node that sees the storage (any node for shared storage)"),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    const storage = args.volid.split(":")[0];
    return runProvision(ctx, extra, {
      tool: "delete_backup",
      args,
      prepare: async () => {
        const items = await storageContent(ctx, args.node, storage, "backup");
        const item = items.find((i) => i.volid === args.volid);
        if (!item) {
          throw new ActionRefused(
            `No backup ${args.volid} on storage ${storage} of node ${args.node}. list_backups ` +
              "shows the backups of a guest.",
            "not-found",
          );
        }
        const raw = await ctx.pve.get("/nodes/{node}/storage/{storage}/content", {
          node: args.node,
          storage,
          content: "backup",
        });
        const prot = asArray(raw, "content").find((r) => r.volid === args.volid)?.protected;
        const type = /vzdump-lxc-/.test(args.volid) ? "lxc" : "qemu";
        // The owner from PVE's listing, else from the volume name: never an unchecked 0.
        const owner = item.vmid ?? Number(/vzdump-(?:qemu|lxc)-(\d+)-/.exec(args.volid)?.[1]);
        if (!Number.isInteger(owner)) {
          throw new ActionRefused(
            `${args.volid}: PVE does not say which guest it belongs to, so its protection ` +
              "cannot be checked; delete it in the Proxmox UI if it must go.",
          );
        }
        const protection = await backupOwnerCheck(ctx, owner, args.volid);
        return {
          target: { vmid: owner, node: args.node, type, name: item.notes },
          draft: {
            verb: `delete backup ${args.volid}`,
            destructive: true,
            checks: [protection],
            refuse: Number(prot) === 1
              ? `${args.volid} is a protected backup: remove its protection in PVE first.`
              : undefined,
            question: `Delete backup ${args.volid} (${item.ctime ?? "?"}, ` +
              `${item.size ? humanSize(item.size) : "?"}) for good?`,
            calls: [{
              method: "DELETE",
              template: "/nodes/{node}/storage/{storage}/content/{volume}",
              params: { node: args.node, storage, volume: args.volid },
            }],
            expect: `${args.volid} no longer exists`,
          },
        };
      },
    });
  },
});

/** The backup tools in listing order. */
export const BACKUP_TOOLS: readonly AnyTool[] = [
  listBackups,
  backupGuest,
  restoreBackup,
  deleteBackup,
];
