/**
 * Input shapes of the provisioning tools, checked before any request: names
 * as PVE accepts them (DNS names), sizes with units (`32G`, `+10G`), memory
 * (`4G`, `512M` or MiB), NICs on a bridge with an optional VLAN, SSH public
 * keys. Each turns into the exact string PVE expects.
 *
 * @example
 * ```ts
 * import { diskGiB, memoryMiB, nicValue } from "./validate.ts";
 * console.log(diskGiB("32G"), memoryMiB("4G")); // 32 4096
 * console.log(nicValue("qemu", { bridge: "vmbr0", vlan: 10, firewall: true })); // "virtio,bridge=vmbr0,tag=10,firewall=1"
 * ```
 *
 * @module
 */

import { z } from "zod/v4";

/** PVE's `dns-name` format (VM names, container host names). */
export const DNS_NAME_RE =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** A guest name / host name. */
export const guestName = z.string().regex(DNS_NAME_RE, {
  message: "must be a DNS name: letters, digits and '-' (not at the start or end), dots between " +
    "labels, e.g. web-03",
});

/** A new disk's size: `32G`, `512M`, `1.5T`. */
export const diskSize = z.string().regex(/^\d+(\.\d+)?[MGT]$/, {
  message: "must be a size with a unit M, G or T, e.g. 32G",
});

/** A resize: absolute `40G` or relative `+10G` (K, M, G or T). */
export const resizeSize = z.string().regex(/^\+?\d+(\.\d+)?[KMGT]$/, {
  message: "must be a size with a unit, absolute (40G) or added (+10G)",
});

/** Memory: `4G`, `512M`, or a number of MiB. */
export const memory = z.union([
  z.number().int().min(16).max(4 * 1024 * 1024),
  z.string().regex(/^\d+(\.\d+)?[MG]$/, {
    message: "must be like 4G or 512M (or a number of MiB)",
  }),
]);

/** A Linux bridge name (an interface name: at most 15 characters). */
export const bridgeName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,14}$/, {
  message: "must be a bridge interface name such as vmbr0",
});

const MAC_RE = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
const CIDR4 = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const IP4 = /^(\d{1,3}\.){3}\d{1,3}$/;

/** One NIC; fields that do not apply to the guest type are refused by {@link nicValue}. */
export const nicSpec = z.strictObject({
  bridge: bridgeName.describe("Bridge on the node, e.g. vmbr0 (checked)"),
  vlan: z.number().int().min(1).max(4094).optional().describe("VLAN tag"),
  model: z.enum(["virtio", "e1000", "vmxnet3", "rtl8139"]).optional()
    .describe("VMs: NIC model (default virtio)"),
  firewall: z.boolean().default(true),
  mac: z.string().regex(MAC_RE, { message: "must be a MAC address like BC:24:11:00:00:01" })
    .optional(),
  name: z.string().regex(/^[a-z][a-z0-9]{0,14}$/).optional()
    .describe("Containers: interface name inside (default eth<index>)"),
  ip: z.string().refine((s) => s === "dhcp" || s === "manual" || CIDR4.test(s), {
    message: "must be dhcp, manual or an IPv4 address with prefix, e.g. 10.0.0.5/24",
  }).optional().describe("Containers: dhcp or 10.0.0.5/24 (default dhcp)"),
  gw: z.string().regex(IP4, { message: "must be an IPv4 address" }).optional()
    .describe("Containers: gateway"),
});

/** A parsed NIC. */
export type NicSpec = z.infer<typeof nicSpec>;

/** SSH public keys, one per line, as OpenSSH writes them. */
export const sshKeys = z.array(
  z.string().regex(
    /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/=]+( [^\n\r]*)?$/,
    { message: "must be one OpenSSH public key line, e.g. 'ssh-ed25519 AAAA... user@host'" },
  ),
).min(1).max(32);

/** GiB (PVE's unit for new volumes, `storage:SIZE`) of a `32G`-style size. */
export function diskGiB(size: string): number {
  const n = Number(size.slice(0, -1));
  const unit = size.slice(-1);
  const gib = unit === "T" ? n * 1024 : unit === "M" ? n / 1024 : n;
  return Math.round(gib * 1000) / 1000;
}

/** Bytes of a `32G` / `+10G` / `512M` size. */
export function sizeBytes(size: string): number {
  const m = /^\+?(\d+(?:\.\d+)?)([KMGT])$/.exec(size);
  if (!m) return NaN;
  return Math.round(Number(m[1]) * 1024 ** ("KMGT".indexOf(m[2]) + 1));
}

/** MiB of a memory argument. */
export function memoryMiB(m: number | string): number {
  if (typeof m === "number") return m;
  const n = Number(m.slice(0, -1));
  return Math.round(m.endsWith("G") ? n * 1024 : n);
}

/** Human size: `40 GiB`, `512 MiB`. */
export function humanSize(bytes: number): string {
  if (bytes >= 1024 ** 4 && bytes % 1024 ** 4 === 0) return `${bytes / 1024 ** 4} TiB`;
  if (bytes >= 1024 ** 3) return `${Math.round((bytes / 1024 ** 3) * 100) / 100} GiB`;
  return `${Math.round((bytes / 1024 ** 2) * 100) / 100} MiB`;
}

/** The `netN` value PVE expects for the guest type, or an error naming the field. */
export function nicValue(type: "qemu" | "lxc", n: NicSpec, index = 0, field = "nic"): string {
  if (type === "qemu") {
    for (const k of ["name", "ip", "gw"] as const) {
      if (n[k] !== undefined) {
        throw new Error(
          `${field}.${k}: only containers take ${k} on a NIC; a VM's address comes from its OS ` +
            "or from cloud-init (set_cloudinit ipconfig).",
        );
      }
    }
    return [
      n.mac ? `${n.model ?? "virtio"}=${n.mac.toUpperCase()}` : n.model ?? "virtio",
      `bridge=${n.bridge}`,
      ...(n.vlan ? [`tag=${n.vlan}`] : []),
      ...(n.firewall !== false ? ["firewall=1"] : []),
    ].join(",");
  }
  if (n.model) {
    throw new Error(`${field}.model: containers have veth NICs only; leave model out.`);
  }
  if (n.gw && (!n.ip || !CIDR4.test(n.ip))) {
    throw new Error(`${field}.gw: a gateway needs a static ip such as 10.0.0.5/24.`);
  }
  return [
    `name=${n.name ?? `eth${index}`}`,
    `bridge=${n.bridge}`,
    ...(n.vlan ? [`tag=${n.vlan}`] : []),
    ...(n.firewall !== false ? ["firewall=1"] : []),
    ...(n.mac ? [`hwaddr=${n.mac.toUpperCase()}`] : []),
    `ip=${n.ip ?? "dhcp"}`,
    ...(n.gw ? [`gw=${n.gw}`] : []),
    "type=veth",
  ].join(",");
}

/** `ip=dhcp` / `ip=10.0.0.5/24,gw=10.0.0.1` for cloud-init's ipconfigN. */
export const ipConfig = z.strictObject({
  ip: z.string().refine((s) => s === "dhcp" || CIDR4.test(s), {
    message: "must be dhcp or an IPv4 address with prefix, e.g. 10.0.0.5/24",
  }),
  gw: z.string().regex(IP4, { message: "must be an IPv4 address" }).optional(),
});

/** The ipconfigN value. */
export function ipConfigValue(c: z.infer<typeof ipConfig>): string {
  if (c.gw && c.ip === "dhcp") throw new Error("ipconfig.gw: a gateway needs a static ip.");
  return [`ip=${c.ip}`, ...(c.gw ? [`gw=${c.gw}`] : [])].join(",");
}

/**
 * The `sshkeys` value of a VM: PVE wants it URL-encoded (format `urlencoded`),
 * spaces as %20, one key per line.
 */
export function encodeSshKeys(keys: readonly string[]): string {
  return encodeURIComponent(keys.join("\n"));
}

/** A backup volume id: `storage:backup/vzdump-qemu-100-....vma.zst`. */
export const backupVolid = z.string().regex(/^[a-z][a-z0-9\-_.]*[a-z0-9]:backup\/[^\s?#]+$/i, {
  message:
    "must be a backup volume id like nas-backup:backup/vzdump-qemu-100-2026_11_25-10_00_00.vma.zst",
});
