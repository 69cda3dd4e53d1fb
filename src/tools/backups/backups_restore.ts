/**
 * `restore_backup` (toolset "backups"): a vzdump archive back into a guest.
 * To a new VMID it creates a guest (not destructive; MAC addresses are made
 * unique so it can run beside the original). Over an existing guest it
 * replaces that guest's disks and config: destructive, only with `force: true`
 * and confirmation, only while the guest is stopped and not protected.
 *
 * @example
 * ```ts
 * import { restoreBackup } from "./backups_restore.ts";
 * console.log(restoreBackup.annotations.destructiveHint); // true (when overwriting)
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool } from "../../core/tool.ts";
import { newVmid, nodeName } from "../schemas.ts";
import { actionInput, actionOutput } from "../../safety/result.ts";
import { type PlanDraft, runGuestAction } from "../../safety/action.ts";
import { runProvision } from "../../safety/provision.ts";
import { ActionRefused, guestLabel, resolveGuest } from "../../safety/target.ts";
import { checkProtectionFlag, type CheckResult } from "../../safety/policy.ts";
import { freeVmid, loadStorages, nodeCheck, storageCheck } from "../../provision/cluster.ts";
import { fileCheck } from "../../provision/parts.ts";
import { backupVolid } from "../../provision/validate.ts";
import { CONFIRM, mutating, optIn, readConfig } from "../provisioning/provisioning_common.ts";
import { STORAGE_RE } from "../../proxmox/params.ts";

function restoreCall(
  type: "qemu" | "lxc",
  node: string,
  id: number,
  archive: string,
  storage: string | undefined,
  force: boolean,
): PlanDraft["calls"][number] {
  return {
    method: "POST",
    template: `/nodes/{node}/${type}`,
    params: type === "qemu"
      ? { node, vmid: id, archive, storage, force: force || undefined, unique: !force || undefined }
      : {
        node,
        vmid: id,
        ostemplate: archive,
        restore: true,
        storage,
        force: force || undefined,
        unique: !force || undefined,
      },
  };
}

/** `restore_backup`. */
export const restoreBackup = defineTool({
  name: "restore_backup",
  title: "Restore a backup",
  description: "Restores a backup (list_backups shows volume ids) to a new VMID (default: the " +
    "next free one) on node, or over the existing guest with that VMID: then everything on " +
    "that guest is replaced, so force: true is required and it must be stopped. storage puts " +
    "the disks elsewhere (default: where they were)." + " Overwriting is destructive:" +
    CONFIRM.replace(" Destructive:", ""),
  toolset: "backups",
  privileges: ["VM.Backup", "VM.Allocate"],
  enabledWhen: optIn("backups"),
  annotations: mutating(true, false),
  input: {
    archive: backupVolid.describe("Backup volume id"),
    node: nodeName.describe("Node to restore on (for an overwrite: the guest's node)"),
    vmid: newVmid.optional().describe(
      "Target VMID (default: next free); an existing one needs force",
    ),
    storage: z.string().regex(STORAGE_RE, { message: "must be a storage id" }).optional(),
    force: z.boolean().default(false).describe("Overwrite the existing guest with this VMID"),
    ...actionInput,
  },
  output: actionOutput,
  async run(args, ctx, extra) {
    const type = /vzdump-lxc-/.test(args.archive) ? "lxc" : "qemu";
    const content = type === "qemu" ? "images" : "rootdir";
    const checksFor = async (node: string): Promise<CheckResult[]> => {
      const checks = [await fileCheck(ctx, node, args.archive, "backup", "archive")];
      if (args.storage) {
        checks.push(
          storageCheck(await loadStorages(ctx, node), node, args.storage, content, "storage"),
        );
      }
      return checks;
    };
    const existing = args.vmid === undefined ? undefined : await resolveGuest(ctx, {
      vmid: args.vmid,
    }).catch((e) => {
      if (e instanceof ActionRefused && e.code === "not-found") return undefined;
      throw e;
    });
    if (!existing) {
      return runProvision(ctx, extra, {
        tool: "restore_backup",
        args,
        prepare: async () => {
          const node = await nodeCheck(ctx, args.node);
          if (node.verdict === "fail") throw new ActionRefused(node.detail);
          const { vmid: id, check } = await freeVmid(ctx, args.vmid);
          return {
            target: { vmid: id, node: args.node, type, name: null },
            draft: {
              verb: `restore ${args.archive} to new VMID ${id}`,
              destructive: false,
              checks: [node, check, ...(await checksFor(args.node))],
              calls: [restoreCall(type, args.node, id, args.archive, args.storage, false)],
              expect: `${type === "qemu" ? "VM" : "CT"} ${id} exists on ${args.node}, stopped`,
            },
          };
        },
      });
    }
    return runGuestAction(ctx, extra, {
      tool: "restore_backup",
      args,
      vmid: existing.vmid,
      node: args.node,
      plan: async (g) => {
        const label = guestLabel(g);
        const config = await readConfig(ctx, g);
        const refuse = g.type !== type
          ? `${args.archive} is a ${type === "qemu" ? "VM" : "container"} backup but ${label} ` +
            "is not: restore it to a new VMID instead."
          : !args.force
          ? `VMID ${g.vmid} is in use by ${label}: restoring over it replaces its disks and ` +
            "config. Call again with force: true to overwrite it (after the user agreed), or " +
            "leave vmid out to restore to a new VMID."
          : g.status !== "stopped"
          ? `${label} is ${g.status}: PVE restores only over a stopped guest. Shut it down first.`
          : undefined;
        return {
          verb: `restore ${args.archive} over ${label}`,
          destructive: true,
          refuse,
          checks: [checkProtectionFlag(g, config), ...(await checksFor(g.node))],
          question: `Restore ${args.archive} over ${label} on ${g.node}? Its current disks ` +
            "and configuration are replaced and lost.",
          calls: [restoreCall(type, g.node, g.vmid, args.archive, args.storage, true)],
          expect: `${label} as it was in ${args.archive}, stopped`,
        };
      },
    });
  },
});
