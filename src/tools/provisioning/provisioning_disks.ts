/**
 * `resize_disk` (grow only: PVE refuses to shrink, so it is refused here
 * before anything is sent) and `move_disk` (a VM disk or container volume to
 * another storage), toolset "provisioning". Both carry the config digest.
 *
 * @example
 * ```ts
 * import { resizeDisk } from "./provisioning_disks.ts";
 * console.log(resizeDisk.annotations.idempotentHint); // false: "+10G" twice grows twice
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool } from "../../core/tool.ts";
import { actionInput, actionOutput } from "../../safety/result.ts";
import { runGuestAction } from "../../safety/action.ts";
import { guestLabel } from "../../safety/target.ts";
import { loadStorages, storageCheck } from "../../provision/cluster.ts";
import { humanSize, resizeSize, sizeBytes } from "../../provision/validate.ts";
import {
  guestTarget,
  mutating,
  optIn,
  parseVolume,
  readConfig,
  volumeKeys,
} from "./provisioning_common.ts";
import { STORAGE_RE } from "../../proxmox/params.ts";

const diskKey = z.string().regex(
  /^(scsi|virtio|sata|ide|efidisk|tpmstate|mp|unused)\d+$|^rootfs$/,
  {
    message: "must be a disk key such as scsi0, virtio1, rootfs or mp0",
  },
);

function missingDisk(
  label: string,
  key: string,
  config: Record<string, unknown>,
  type: "qemu" | "lxc",
) {
  return `${label} has no disk ${key} (disks: ${volumeKeys(type, config).join(", ") || "none"}).`;
}

/** `resize_disk`. */
export const resizeDisk = defineTool({
  name: "resize_disk",
  title: "Grow a disk",
  description: "Grows a VM disk or container volume: size absolute (40G) or added (+10G). " +
    "Shrinking is refused (PVE refuses it: data would be lost). The filesystem inside a VM " +
    "must be grown by its OS afterwards.",
  toolset: "provisioning",
  privileges: ["VM.Config.Disk"],
  enabledWhen: optIn("provisioning"),
  annotations: mutating(false, false),
  input: {
    ...guestTarget,
    disk: diskKey.describe("Disk key, e.g. scsi0 or rootfs"),
    size: resizeSize.describe("New size (40G) or growth (+10G)"),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    return runGuestAction(ctx, extra, {
      tool: "resize_disk",
      args,
      vmid: args.vmid,
      node: args.node,
      plan: async (g) => {
        const label = guestLabel(g);
        const config = await readConfig(ctx, g);
        const cur = parseVolume(config[args.disk]).bytes;
        const grow = args.size.startsWith("+");
        const wanted = grow ? cur + sizeBytes(args.size) : sizeBytes(args.size);
        const refuse = !(args.disk in config)
          ? missingDisk(label, args.disk, config, g.type)
          : wanted < cur
          ? `${args.disk} of ${label} is ${humanSize(cur)}; ${args.size} would shrink it to ` +
            `${humanSize(wanted)}. Shrinking is refused (PVE refuses it: data would be lost). ` +
            "Give a larger size or +N to grow."
          : undefined;
        return {
          verb: `resize ${args.disk} to ${humanSize(wanted)}`,
          destructive: false,
          unchanged: !refuse && wanted === cur
            ? `${args.disk} of ${label} is already ${humanSize(cur)}`
            : undefined,
          refuse,
          calls: [{
            method: "PUT",
            template: `/nodes/{node}/${g.type}/{vmid}/resize`,
            params: {
              node: g.node,
              vmid: g.vmid,
              disk: args.disk,
              size: args.size,
              digest: String(config.digest ?? "") || undefined,
            },
          }],
          expect: `${args.disk} of ${label} is ${humanSize(wanted)}`,
        };
      },
    });
  },
});

/** `move_disk`. */
export const moveDisk = defineTool({
  name: "move_disk",
  title: "Move a disk to another storage",
  description: "Moves a VM disk (also while running) or a stopped container's volume to " +
    "another storage of the same node. delete_source: false (default) keeps the old volume " +
    "as unusedN; true removes it after the copy.",
  toolset: "provisioning",
  privileges: ["VM.Config.Disk"],
  enabledWhen: optIn("provisioning"),
  annotations: mutating(false, false),
  input: {
    ...guestTarget,
    disk: diskKey.describe("Disk key, e.g. scsi0 or rootfs"),
    storage: z.string().regex(STORAGE_RE, { message: "must be a storage id" }),
    delete_source: z.boolean().default(false),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    return runGuestAction(ctx, extra, {
      tool: "move_disk",
      args,
      vmid: args.vmid,
      node: args.node,
      plan: async (g) => {
        const label = guestLabel(g);
        const config = await readConfig(ctx, g);
        const vol = parseVolume(config[args.disk]);
        const rows = await loadStorages(ctx, g.node);
        const content = g.type === "qemu" ? "images" : "rootdir";
        const refuse = !(args.disk in config)
          ? missingDisk(label, args.disk, config, g.type)
          : vol.storage === args.storage
          ? `${args.disk} of ${label} is already on ${args.storage}.`
          : g.type === "lxc" && g.status !== "stopped" && !args.disk.startsWith("unused")
          ? `${label} is running: PVE moves container volumes only while it is stopped.`
          : undefined;
        return {
          verb: `move ${args.disk} to ${args.storage}`,
          destructive: false,
          refuse,
          checks: [storageCheck(rows, g.node, args.storage, content, "storage", vol.bytes)],
          calls: [{
            method: "POST",
            template: g.type === "qemu"
              ? "/nodes/{node}/qemu/{vmid}/move_disk"
              : "/nodes/{node}/lxc/{vmid}/move_volume",
            params: {
              node: g.node,
              vmid: g.vmid,
              [g.type === "qemu" ? "disk" : "volume"]: args.disk,
              storage: args.storage,
              delete: args.delete_source || undefined,
              digest: String(config.digest ?? "") || undefined,
            },
          }],
          expect: `${args.disk} of ${label} on ${args.storage}`,
        };
      },
    });
  },
});
