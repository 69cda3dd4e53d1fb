/**
 * `reconfigure_guest` (toolset "provisioning"): cores, memory, name, NICs
 * (add / update / remove), disks and mount points (add / detach), a cloud-init
 * drive. The change carries the config `digest` (given, or read just before)
 * so PVE refuses it if someone else changed the guest meanwhile instead of
 * silently overwriting their edit.
 *
 * @example
 * ```ts
 * import { reconfigureGuest } from "./provisioning_config.ts";
 * console.log(reconfigureGuest.annotations.destructiveHint); // true (it can detach disks)
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool } from "../../core/tool.ts";
import { actionInput, actionOutput } from "../../safety/result.ts";
import { runGuestAction } from "../../safety/action.ts";
import { ActionRefused, guestLabel } from "../../safety/target.ts";
import { nicParams, volumeParams } from "../../provision/parts.ts";
import { diskSize, guestName, memory, memoryMiB, nicSpec } from "../../provision/validate.ts";
import {
  CONFIRM,
  freeIndex,
  guestTarget,
  mutating,
  optIn,
  readConfig,
} from "./provisioning_common.ts";
import { STORAGE_RE } from "../../proxmox/params.ts";

const storageId = z.string().regex(STORAGE_RE, { message: "must be a storage id" });

/** `reconfigure_guest`. */
export const reconfigureGuest = defineTool({
  name: "reconfigure_guest",
  title: "Reconfigure VM or container",
  description: "Changes a guest's hardware: cores, memory, name; add_nics / update_nics / " +
    "remove_nics (by index N of netN); add_disks (VM disks, or container mount points with " +
    "path) and remove_disks (detached: a VM disk becomes unusedN, delete unusedN to destroy " +
    "it); cloudinit_storage adds a cloud-init drive. Sends the config digest: if the guest " +
    "changed since it was read (digest argument, e.g. from get_guest), PVE refuses. Grow " +
    "disks with resize_disk." + " Removing NICs or disks is destructive:" +
    CONFIRM.replace(" Destructive:", ""),
  toolset: "provisioning",
  privileges: ["VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Disk"],
  enabledWhen: optIn("provisioning"),
  annotations: mutating(true, false),
  input: {
    ...guestTarget,
    digest: z.string().regex(/^[0-9a-f]{40,64}$/, { message: "must be the config digest" })
      .optional().describe("Config digest read earlier (get_guest); default: read now"),
    cores: z.number().int().min(1).max(512).optional(),
    memory: memory.optional().describe("4G, 512M or MiB"),
    name: guestName.optional().describe("New name (host name for containers)"),
    add_nics: z.array(nicSpec).max(8).default([]),
    update_nics: z.array(nicSpec.extend({ index: z.number().int().min(0).max(31) })).max(8)
      .default([]).describe("Replace netN (index) with this NIC"),
    remove_nics: z.array(z.number().int().min(0).max(31)).max(8).default([]),
    add_disks: z.array(z.strictObject({
      storage: storageId,
      size: diskSize,
      bus: z.enum(["scsi", "virtio", "sata"]).optional().describe("VMs (default scsi)"),
      path: z.string().regex(/^\/[^\s,;=]*$/).optional()
        .describe("Containers: mount point path, e.g. /data (required)"),
    })).max(8).default([]),
    remove_disks: z.array(
      z.string().regex(/^(scsi|virtio|sata|ide|mp|unused)\d+$/, {
        message: "must be a disk key such as scsi1, mp0 or unused0",
      }),
    ).max(8).default([]),
    cloudinit_storage: storageId.optional().describe("VMs: add a cloud-init drive (ide2) here"),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    return runGuestAction(ctx, extra, {
      tool: "reconfigure_guest",
      args,
      vmid: args.vmid,
      node: args.node,
      plan: async (g) => {
        const label = guestLabel(g);
        const config = await readConfig(ctx, g);
        const bad = (m: string) => {
          throw new ActionRefused(`${m} Nothing was changed.`, "bad-argument");
        };
        if (g.type === "lxc" && args.cloudinit_storage) bad("cloudinit_storage: VMs only.");
        for (const i of [...args.remove_nics, ...args.update_nics.map((n) => n.index)]) {
          if (!(`net${i}` in config)) bad(`net${i} does not exist on ${label}.`);
        }
        for (const k of args.remove_disks) {
          if (!(k in config)) bad(`remove_disks: ${k} does not exist on ${label}.`);
        }
        const taken = { ...config };
        const nicIdx = args.add_nics.map(() => {
          const i = freeIndex(taken, "net");
          taken[`net${i}`] = "x";
          return i;
        });
        const vols = args.add_disks.map((d, i) => {
          const field = `add_disks[${i}]`;
          if (g.type === "lxc" && !d.path) bad(`${field}.path: containers need a mount path.`);
          if (g.type === "qemu" && d.path) bad(`${field}.path: VMs take disks, not mount paths.`);
          const prefix = g.type === "qemu" ? d.bus ?? "scsi" : "mp";
          const key = `${prefix}${freeIndex(taken, prefix)}`;
          taken[key] = "x";
          const opts = g.type === "lxc" ? [`mp=${d.path}`] : d.bus === "sata" ? [] : ["iothread=1"];
          return { key, storage: d.storage, size: d.size, opts, field };
        });
        if (args.cloudinit_storage) {
          if ("ide2" in config && !String(config.ide2).startsWith("none")) {
            bad("cloudinit_storage: ide2 is in use; remove it first (remove_disks ide2).");
          }
          vols.push({
            key: "ide2",
            storage: args.cloudinit_storage,
            size: "4M",
            opts: [],
            field: "cloudinit_storage",
          });
        }
        const disks = await volumeParams(ctx, g.node, g.type, vols);
        if (args.cloudinit_storage) disks.params.ide2 = `${args.cloudinit_storage}:cloudinit`;
        const added = await nicParams(ctx, g.node, g.type, args.add_nics, nicIdx, "add_nics");
        const updated = await nicParams(
          ctx,
          g.node,
          g.type,
          args.update_nics.map(({ index: _i, ...n }) => n),
          args.update_nics.map((n) => n.index),
          "update_nics",
        );
        const del = [...args.remove_nics.map((i) => `net${i}`), ...args.remove_disks];
        const set = {
          cores: args.cores,
          memory: args.memory === undefined
            ? undefined
            : g.type === "qemu"
            ? String(memoryMiB(args.memory))
            : memoryMiB(args.memory),
          [g.type === "qemu" ? "name" : "hostname"]: args.name,
          ...disks.params,
          ...added.params,
          ...updated.params,
        };
        const changes = Object.entries(set).filter(([, v]) => v !== undefined);
        const what = [...changes.map(([k]) => k), ...del.map((k) => `-${k}`)].join(", ");
        return {
          verb: `reconfigure (${what || "nothing"})`,
          destructive: del.length > 0,
          refuse: !changes.length && !del.length ? "Nothing to change was given." : undefined,
          checks: [...disks.checks, ...added.checks, ...updated.checks],
          question: `Change ${label} on ${g.node}: ${what}? Removed NICs are gone; removed disks ` +
            (g.type === "qemu"
              ? "are detached (kept as unusedN; removing unusedN destroys them)."
              : "are detached."),
          calls: [{
            method: g.type === "qemu" ? "POST" : "PUT",
            template: `/nodes/{node}/${g.type}/{vmid}/config`,
            params: {
              node: g.node,
              vmid: g.vmid,
              ...Object.fromEntries(changes),
              delete: del.length ? del.join(",") : undefined,
              digest: args.digest ?? (String(config.digest ?? "") || undefined),
            },
          }],
          expect: `${label} with ${what}`,
        };
      },
    });
  },
});
