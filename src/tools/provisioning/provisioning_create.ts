/**
 * `create_vm` and `create_container` (toolset "provisioning"): every argument
 * is checked against the cluster before the one POST — node online, VMID
 * free, storages that hold the content and have room, bridges on the node,
 * the ISO image or container template present — then the create task is
 * followed like any action.
 *
 * @example
 * ```ts
 * import { createVm } from "./provisioning_create.ts";
 * console.log(createVm.annotations.destructiveHint); // false
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool } from "../../core/tool.ts";
import { newVmid, nodeName } from "../schemas.ts";
import { actionInput, actionOutput } from "../../safety/result.ts";
import { runProvision } from "../../safety/provision.ts";
import type { PlanDraft } from "../../safety/action.ts";
import type { CheckResult } from "../../safety/policy.ts";
import { freeVmid, nodeCheck } from "../../provision/cluster.ts";
import { fileCheck, nicParams, volumeParams } from "../../provision/parts.ts";
import {
  diskSize,
  encodeSshKeys,
  guestName,
  ipConfig,
  ipConfigValue,
  memory,
  memoryMiB,
  nicSpec,
  sshKeys,
} from "../../provision/validate.ts";
import { mutating, optIn } from "./provisioning_common.ts";
import { ActionRefused } from "../../safety/target.ts";
import { STORAGE_RE } from "../../proxmox/params.ts";

const storageId = z.string().regex(STORAGE_RE, {
  message: "must be a storage id such as local-lvm",
});
const volid = (what: string) =>
  z.string().regex(/^[A-Za-z][A-Za-z0-9\-_.]*[A-Za-z0-9]:(iso|vztmpl)\/[^\s/]+$/, {
    message: `must be a volume id like ${what}`,
  });
const tags = z.array(
  z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_\-+.]*$/, {
    message: "must be a PVE tag: letters, digits, _ - + .",
  }),
).max(16);

const common = {
  node: nodeName.describe("Node to create the guest on, e.g. pve1"),
  vmid: newVmid.optional().describe("VMID (default: the next free one); must be free"),
  cores: z.number().int().min(1).max(512).default(2).describe("CPU cores"),
  memory: memory.default("2G").describe("Memory: 4G, 512M or MiB (default 2G)"),
  description: z.string().max(8192).optional(),
  tags: tags.optional(),
  start: z.boolean().default(false).describe("Start it once created"),
};

/** What a create plan needs besides the checks. */
function createDraft(
  type: "qemu" | "lxc",
  node: string,
  id: number,
  name: string,
  params: Record<string, string | number | boolean | undefined>,
  checks: CheckResult[],
  start: boolean,
): PlanDraft {
  const noun = type === "qemu" ? "VM" : "CT";
  return {
    verb: `create ${type === "qemu" ? "VM" : "container"} ${name}`,
    destructive: false,
    checks,
    calls: [{
      method: "POST",
      template: `/nodes/{node}/${type}`,
      params: { node, vmid: id, ...params },
    }],
    expect: `${noun} ${id} (${name}) exists on ${node}, ${start ? "running" : "stopped"}`,
  };
}

/** `create_vm`. */
export const createVm = defineTool({
  name: "create_vm",
  title: "Create VM",
  description: "Creates a QEMU VM: cores, memory, disks on storages, NICs on bridges (optional " +
    "VLAN), an ISO image to install from or a cloud-init drive (user, SSH keys, IP). Refused " +
    "when the VMID is taken, a storage lacks room or does not hold VM disks, a bridge or the " +
    "ISO is missing.",
  toolset: "provisioning",
  privileges: ["VM.Allocate"],
  enabledWhen: optIn("provisioning"),
  annotations: mutating(false, false),
  input: {
    ...common,
    name: guestName.describe("VM name (DNS name), e.g. web-03"),
    disks: z.array(z.strictObject({
      storage: storageId,
      size: diskSize.describe("e.g. 32G"),
      bus: z.enum(["scsi", "virtio", "sata"]).default("scsi"),
    })).min(1).max(8).describe("Disks; the first is the boot disk"),
    nics: z.array(nicSpec).max(8).default([{ bridge: "vmbr0", firewall: true }])
      .describe("NICs (default one virtio NIC on vmbr0)"),
    iso: volid("local:iso/debian-12.iso").optional()
      .describe("ISO image to boot the installer from (list_storage_content content=iso)"),
    cloudinit: z.strictObject({
      storage: storageId.describe("Storage for the cloud-init drive (holds VM disks)"),
      user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).optional(),
      ssh_keys: sshKeys.optional(),
      ipconfig: ipConfig.optional().describe("For net0; default dhcp"),
    }).optional(),
    ostype: z.enum(["l26", "win11", "win10", "other"]).default("l26"),
    agent: z.boolean().default(true).describe("Enable the QEMU guest agent option"),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    return runProvision(ctx, extra, {
      tool: "create_vm",
      args,
      prepare: async () => {
        if (args.iso && args.cloudinit) {
          throw new ActionRefused("iso and cloudinit both use ide2: give one of them.");
        }
        const node = await nodeCheck(ctx, args.node);
        if (node.verdict === "fail") throw new ActionRefused(node.detail);
        const { vmid: id, check } = await freeVmid(ctx, args.vmid);
        const counts: Record<string, number> = {};
        const vols = args.disks.map((d, i) => ({
          key: `${d.bus}${counts[d.bus] = (counts[d.bus] ?? -1) + 1}`,
          storage: d.storage,
          size: d.size,
          opts: d.bus === "sata" ? [] : ["iothread=1"],
          field: `disks[${i}]`,
        }));
        if (args.cloudinit) {
          vols.push({
            key: "ide2",
            storage: args.cloudinit.storage,
            size: "4M",
            opts: [],
            field: "cloudinit.storage",
          });
        }
        const disks = await volumeParams(ctx, args.node, "qemu", vols);
        if (args.cloudinit) disks.params.ide2 = `${args.cloudinit.storage}:cloudinit`;
        const nics = await nicParams(ctx, args.node, "qemu", args.nics, 0, "nics");
        const checks = [node, check, ...disks.checks, ...nics.checks];
        if (args.iso) checks.push(await fileCheck(ctx, args.node, args.iso, "iso", "iso"));
        const ci = args.cloudinit;
        return {
          target: { vmid: id, node: args.node, type: "qemu", name: args.name },
          draft: createDraft(
            "qemu",
            args.node,
            id,
            args.name,
            {
              name: args.name,
              cores: args.cores,
              memory: String(memoryMiB(args.memory)),
              ostype: args.ostype,
              agent: args.agent ? "1" : undefined,
              scsihw: "virtio-scsi-single",
              ...disks.params,
              ...nics.params,
              ide2: args.iso ? `${args.iso},media=cdrom` : disks.params.ide2,
              boot: `order=${vols[0].key}${args.iso ? ";ide2" : ""}${
                args.nics.length ? ";net0" : ""
              }`,
              ciuser: ci?.user,
              sshkeys: ci?.ssh_keys ? encodeSshKeys(ci.ssh_keys) : undefined,
              ipconfig0: ci ? ipConfigValue(ci.ipconfig ?? { ip: "dhcp" }) : undefined,
              description: args.description,
              tags: args.tags?.join(";"),
              start: args.start || undefined,
            },
            checks,
            args.start,
          ),
        };
      },
    });
  },
});

/** `create_container`. */
export const createContainer = defineTool({
  name: "create_container",
  title: "Create container",
  description: "Creates an LXC container from a container template (list_storage_content " +
    "content=vztmpl): root disk size and storage, optional mount points, cores, memory, NICs " +
    "on bridges, SSH public keys for root; unprivileged unless privileged: true. No password " +
    "is taken: log in with the SSH keys.",
  toolset: "provisioning",
  privileges: ["VM.Allocate"],
  enabledWhen: optIn("provisioning"),
  annotations: mutating(false, false),
  input: {
    ...common,
    cores: z.number().int().min(1).max(512).default(1).describe("CPU cores"),
    memory: memory.default("512M").describe("Memory: 1G, 512M or MiB (default 512M)"),
    hostname: guestName.describe("Host name (DNS name), e.g. dns-02"),
    template: volid("local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst")
      .describe("Container template volume"),
    rootfs: z.strictObject({ storage: storageId, size: diskSize.default("8G") }),
    mount_points: z.array(z.strictObject({
      storage: storageId,
      size: diskSize,
      path: z.string().regex(/^\/[^\s,;=]*$/, { message: "must be an absolute path like /data" }),
    })).max(8).default([]),
    swap_mib: z.number().int().min(0).max(1024 * 1024).default(512),
    nics: z.array(nicSpec).max(8).default([{ bridge: "vmbr0", firewall: true }])
      .describe("NICs (default eth0 on vmbr0 with DHCP)"),
    ssh_keys: sshKeys.optional().describe("SSH public keys for root"),
    privileged: z.boolean().default(false).describe(
      "Create a privileged container (root inside is root on the host; needs Sys.Modify on /)",
    ),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    return runProvision(ctx, extra, {
      tool: "create_container",
      args,
      prepare: async () => {
        const node = await nodeCheck(ctx, args.node);
        if (node.verdict === "fail") throw new ActionRefused(node.detail);
        const { vmid: id, check } = await freeVmid(ctx, args.vmid);
        const vols = [
          { key: "rootfs", storage: args.rootfs.storage, size: args.rootfs.size, field: "rootfs" },
          ...args.mount_points.map((m, i) => ({
            key: `mp${i}`,
            storage: m.storage,
            size: m.size,
            opts: [`mp=${m.path}`],
            field: `mount_points[${i}]`,
          })),
        ];
        const disks = await volumeParams(ctx, args.node, "lxc", vols);
        const nics = await nicParams(ctx, args.node, "lxc", args.nics, 0, "nics");
        const tmpl = await fileCheck(ctx, args.node, args.template, "vztmpl", "template");
        return {
          target: { vmid: id, node: args.node, type: "lxc", name: args.hostname },
          draft: createDraft(
            "lxc",
            args.node,
            id,
            args.hostname,
            {
              hostname: args.hostname,
              ostemplate: args.template,
              cores: args.cores,
              memory: memoryMiB(args.memory),
              swap: args.swap_mib,
              ...disks.params,
              ...nics.params,
              unprivileged: !args.privileged,
              // PVE's own default for new unprivileged containers: systemd needs nesting.
              features: args.privileged ? undefined : "nesting=1",
              "ssh-public-keys": args.ssh_keys?.join("\n"),
              description: args.description,
              tags: args.tags?.join(";"),
              start: args.start || undefined,
            },
            [node, check, tmpl, ...disks.checks, ...nics.checks],
            args.start,
          ),
        };
      },
    });
  },
});
