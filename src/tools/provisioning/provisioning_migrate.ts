/**
 * `migrate_guest` and `delete_guest` (toolset "provisioning"). Migration
 * picks PVE's mode from the guest's state: online for a running VM (with its
 * local disks copied along), restart mode for a running container (short
 * downtime). Deletion refuses running guests and PVE's protection flag;
 * `purge` and `destroy_unreferenced_disks` are explicit.
 *
 * @example
 * ```ts
 * import { deleteGuest } from "./provisioning_migrate.ts";
 * console.log(deleteGuest.annotations.destructiveHint); // true
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool } from "../../core/tool.ts";
import { nodeName } from "../schemas.ts";
import { actionInput, actionOutput } from "../../safety/result.ts";
import { runGuestAction } from "../../safety/action.ts";
import { guestLabel } from "../../safety/target.ts";
import { checkProtectionFlag } from "../../safety/policy.ts";
import { loadStorages, nodeCheck, storageCheck } from "../../provision/cluster.ts";
import {
  CONFIRM,
  guestTarget,
  mutating,
  optIn,
  parseVolume,
  readConfig,
  volumeKeys,
} from "./provisioning_common.ts";

/** `migrate_guest`. */
export const migrateGuest = defineTool({
  name: "migrate_guest",
  title: "Migrate VM or container",
  description: "Moves a guest to another node. A running VM migrates online (keeps running; " +
    "its disks on local storage are copied along), a running container in restart mode (it " +
    "is stopped, moved and started again: short downtime), a stopped guest offline. The " +
    "target node must be online and have the guest's storages." + CONFIRM,
  toolset: "provisioning",
  privileges: ["VM.Migrate"],
  enabledWhen: optIn("provisioning"),
  annotations: mutating(true, false),
  input: {
    ...guestTarget,
    target_node: nodeName.describe("Node to move the guest to"),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    return runGuestAction(ctx, extra, {
      tool: "migrate_guest",
      args,
      vmid: args.vmid,
      node: args.node,
      plan: async (g) => {
        const label = guestLabel(g);
        const running = g.status !== "stopped";
        const checks = [await nodeCheck(ctx, args.target_node, "target_node")];
        const config = await readConfig(ctx, g);
        const rows = await loadStorages(ctx, args.target_node);
        const stores = new Set(
          volumeKeys(g.type, config).map((k) => parseVolume(config[k]).storage),
        );
        const local = [...stores].filter((s) => !rows.find((r) => r.storage === s)?.shared);
        const content = g.type === "qemu" ? "images" : "rootdir";
        for (const s of stores) {
          checks.push(storageCheck(rows, args.target_node, s, content, "disks"));
        }
        const online = g.type === "qemu" && running;
        const restart = g.type === "lxc" && running;
        const mode = online ? "online" : restart
          ? "restart mode (the container is stopped " +
            "meanwhile)"
          : "offline";
        return {
          verb: `migrate to ${args.target_node}`,
          destructive: true,
          unchanged: g.node === args.target_node ? `${label} is already on ${g.node}` : undefined,
          question: `Migrate ${label} from ${g.node} to ${args.target_node} (${mode}` +
            `${local.length && online ? `, copying local disks on ${local.join(", ")}` : ""})?`,
          checks,
          calls: [{
            method: "POST",
            template: `/nodes/{node}/${g.type}/{vmid}/migrate`,
            params: {
              node: g.node,
              vmid: g.vmid,
              target: args.target_node,
              online: online || undefined,
              "with-local-disks": online && local.length ? true : undefined,
              restart: restart || undefined,
            },
          }],
          expect: `${label} on ${args.target_node}, ${running ? "running" : "stopped"}`,
        };
      },
    });
  },
});

/** `delete_guest`. */
export const deleteGuest = defineTool({
  name: "delete_guest",
  title: "Delete VM or container",
  description: "Deletes a stopped VM or container and all its disks, for good. Refused for " +
    "running guests (stop them first), protected guests and guests with PVE's protection " +
    "flag. purge: true also removes it from backup jobs, replication and HA; " +
    "destroy_unreferenced_disks: true also deletes disks on storages that carry its VMID but " +
    "are not in its config." + CONFIRM,
  toolset: "provisioning",
  privileges: ["VM.Allocate"],
  enabledWhen: optIn("provisioning"),
  annotations: mutating(true, true),
  input: {
    ...guestTarget,
    purge: z.boolean().default(false),
    destroy_unreferenced_disks: z.boolean().default(false),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    return runGuestAction(ctx, extra, {
      tool: "delete_guest",
      args,
      vmid: args.vmid,
      node: args.node,
      plan: async (g) => {
        const label = guestLabel(g);
        const config = await readConfig(ctx, g);
        const disks = volumeKeys(g.type, config).map((k) => parseVolume(config[k]).volid);
        return {
          verb: "delete",
          destructive: true,
          refuse: g.status !== "stopped"
            ? `${label} is ${g.status}: PVE deletes only stopped guests. Shut it down first ` +
              `(shutdown_${g.type === "qemu" ? "vm" : "container"}).`
            : undefined,
          checks: [checkProtectionFlag(g, config)],
          question: `Delete ${label} on ${g.node} for good, with its disks ` +
            `(${disks.join(", ") || "none"})${
              args.purge ? " and its backup-job/HA entries" : ""
            }? ` +
            "Its backups stay.",
          calls: [{
            method: "DELETE",
            template: `/nodes/{node}/${g.type}/{vmid}`,
            params: {
              node: g.node,
              vmid: g.vmid,
              purge: args.purge || undefined,
              "destroy-unreferenced-disks": args.destroy_unreferenced_disks || undefined,
            },
          }],
          expect: `${label} no longer exists`,
        };
      },
    });
  },
});
