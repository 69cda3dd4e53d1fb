/**
 * `clone_guest`, `convert_to_template` and `set_cloudinit` (toolset
 * "provisioning"), on the safety pipeline of existing guests.
 *
 * @example
 * ```ts
 * import { cloneGuest } from "./provisioning_clone.ts";
 * console.log(cloneGuest.name); // "clone_guest"
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool } from "../../core/tool.ts";
import { newVmid, nodeName } from "../schemas.ts";
import { actionInput, actionOutput } from "../../safety/result.ts";
import { runGuestAction } from "../../safety/action.ts";
import { guestLabel } from "../../safety/target.ts";
import { freeVmid, loadStorages, nodeCheck, storageCheck } from "../../provision/cluster.ts";
import {
  encodeSshKeys,
  guestName,
  ipConfig,
  ipConfigValue,
  sshKeys,
} from "../../provision/validate.ts";
import {
  CONFIRM,
  guestTarget,
  mutating,
  optIn,
  parseVolume,
  readConfig,
  volumeKeys,
} from "./provisioning_common.ts";
import { STORAGE_RE } from "../../proxmox/params.ts";

/** `clone_guest`. */
export const cloneGuest = defineTool({
  name: "clone_guest",
  title: "Clone VM or container",
  description: "Clones a template or guest to a new VMID with a new name: full (independent " +
    "copy, any storage) or linked (only from a template, shares its base disks, same storage). " +
    "target_node places the clone on another node (needs shared storage). The source is only " +
    "read.",
  toolset: "provisioning",
  privileges: ["VM.Clone"],
  enabledWhen: optIn("provisioning"),
  annotations: mutating(false, false),
  input: {
    ...guestTarget,
    newid: newVmid.optional().describe("VMID of the clone (default: next free)"),
    name: guestName.describe("Name (host name for containers) of the clone, e.g. web-03"),
    full: z.boolean().optional().describe(
      "Full copy (default for guests); false = linked clone (default for templates)",
    ),
    target_node: nodeName.optional().describe("Node for the clone (default: the source's)"),
    storage: z.string().regex(STORAGE_RE).optional().describe("Storage for a full clone's disks"),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    return runGuestAction(ctx, extra, {
      tool: "clone_guest",
      args,
      vmid: args.vmid,
      node: args.node,
      plan: async (g) => {
        const full = args.full ?? !g.template;
        const target = args.target_node ?? g.node;
        const { vmid: newid, check } = await freeVmid(ctx, args.newid, "newid");
        const checks = [check];
        if (target !== g.node) checks.push(await nodeCheck(ctx, target, "target_node"));
        const config = await readConfig(ctx, g);
        const rows = await loadStorages(ctx, target);
        const content = g.type === "qemu" ? "images" : "rootdir";
        const used = new Set(volumeKeys(g.type, config).map((k) => parseVolume(config[k]).storage));
        let refuse: string | undefined;
        if (!full && !g.template) {
          refuse =
            `${guestLabel(g)} is not a template: a linked clone needs one. Use full: true, ` +
            "or convert_to_template first.";
        } else if (!full && args.storage) {
          refuse = "storage applies to full clones only: a linked clone stays on its template's " +
            "storage. Leave storage out or set full: true.";
        }
        for (const s of args.storage ? [args.storage] : used) {
          checks.push(
            storageCheck(rows, target, s, content, args.storage ? "storage" : "source disks"),
          );
        }
        const nameKey = g.type === "qemu" ? "name" : "hostname";
        return {
          verb: `${full ? "full" : "linked"} clone to ${newid} (${args.name})`,
          destructive: false,
          readsGuest: true,
          // A template may be cloned while others clone it too; PVE locks the source otherwise.
          allowLocks: [],
          refuse,
          checks,
          calls: [{
            method: "POST",
            template: `/nodes/{node}/${g.type}/{vmid}/clone`,
            params: {
              node: g.node,
              vmid: g.vmid,
              newid,
              [nameKey]: args.name,
              full: g.type === "qemu" || full ? full : undefined,
              target: target !== g.node ? target : undefined,
              storage: full ? args.storage : undefined,
            },
          }],
          expect:
            `${g.type === "qemu" ? "VM" : "CT"} ${newid} (${args.name}) exists on ${target}, ` +
            "stopped",
        };
      },
    });
  },
});

/** `convert_to_template`. */
export const convertToTemplate = defineTool({
  name: "convert_to_template",
  title: "Convert to template",
  description: "Turns a stopped VM or container into a template (its disks become read-only " +
    "base images for clones). One way: PVE cannot turn a template back into a guest." +
    CONFIRM,
  toolset: "provisioning",
  privileges: ["VM.Allocate"],
  enabledWhen: optIn("provisioning"),
  annotations: mutating(true, true),
  input: { ...guestTarget, ...actionInput },
  output: actionOutput,
  run(args, ctx, extra) {
    return runGuestAction(ctx, extra, {
      tool: "convert_to_template",
      args,
      vmid: args.vmid,
      node: args.node,
      plan: (g) =>
        Promise.resolve({
          verb: "convert to template",
          destructive: true,
          unchanged: g.template ? `${guestLabel(g)} is already a template` : undefined,
          refuse: g.status !== "stopped"
            ? `${guestLabel(g)} is ${g.status}: shut it down first (shutdown_${
              g.type === "qemu" ? "vm" : "container"
            }).`
            : undefined,
          question: `Convert ${guestLabel(g)} on ${g.node} into a template? It can then only be ` +
            "cloned, never started again, and PVE cannot undo this.",
          calls: [{
            method: "POST",
            template: `/nodes/{node}/${g.type}/{vmid}/template`,
            params: { node: g.node, vmid: g.vmid },
          }],
          expect: `${guestLabel(g)} is a template`,
        }),
    });
  },
});

/** `set_cloudinit`. */
export const setCloudinit = defineTool({
  name: "set_cloudinit",
  title: "Set cloud-init",
  description: "Sets a VM's cloud-init user, SSH public keys and IP configuration (net0, or " +
    "nic_index) and regenerates the cloud-init drive; the guest reads it at next boot. The " +
    "config digest guards against concurrent edits.",
  toolset: "provisioning",
  privileges: ["VM.Config.Cloudinit"],
  enabledWhen: optIn("provisioning"),
  annotations: mutating(false, true),
  input: {
    ...guestTarget,
    user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).optional(),
    ssh_keys: sshKeys.optional(),
    ipconfig: ipConfig.optional(),
    nic_index: z.number().int().min(0).max(31).default(0),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    return runGuestAction(ctx, extra, {
      tool: "set_cloudinit",
      args,
      vmid: args.vmid,
      node: args.node,
      expect: "qemu",
      plan: async (g) => {
        const config = await readConfig(ctx, g);
        const hasDrive = Object.values(config).some((v) => String(v).includes("cloudinit"));
        const nothing = !args.user && !args.ssh_keys && !args.ipconfig;
        return {
          verb: "set cloud-init",
          destructive: false,
          refuse: !hasDrive
            ? `${guestLabel(g)} has no cloud-init drive: add one with reconfigure_guest ` +
              "(cloudinit_storage) first."
            : nothing
            ? "Nothing to set: give user, ssh_keys and/or ipconfig."
            : undefined,
          calls: [
            {
              // The synchronous PUT: the drive is regenerated only after the config is written.
              method: "PUT",
              template: "/nodes/{node}/qemu/{vmid}/config",
              params: {
                node: g.node,
                vmid: g.vmid,
                ciuser: args.user,
                sshkeys: args.ssh_keys ? encodeSshKeys(args.ssh_keys) : undefined,
                [`ipconfig${args.nic_index}`]: args.ipconfig
                  ? ipConfigValue(args.ipconfig)
                  : undefined,
                digest: String(config.digest ?? "") || undefined,
              },
            },
            {
              method: "PUT",
              template: "/nodes/{node}/qemu/{vmid}/cloudinit",
              params: { node: g.node, vmid: g.vmid },
            },
          ],
          expect: `${guestLabel(g)} gets the new cloud-init settings at next boot`,
        };
      },
    });
  },
});
