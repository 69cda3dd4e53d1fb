/**
 * What the provisioning and backup tools share: the opt-in rule (the toolsets
 * are offered only when `tools.enabled_toolsets` names them), annotations,
 * the guest target fields and the description sentences every mutating tool
 * ends with.
 *
 * @example
 * ```ts
 * import { optIn } from "./provisioning_common.ts";
 * const on = optIn("backups");
 * console.log(on({ tools: { enabled_toolsets: ["backups"] } } as never)); // true
 * ```
 *
 * @module
 */

import type { ToolAnnotations } from "../../core/tool.ts";
import type { Config } from "../../config/schema.ts";
import { nodeName, vmid } from "../schemas.ts";
import type { ToolContext } from "../../core/context.ts";
import { asObject } from "../../proxmox/lenient.ts";
import type { GuestTarget } from "../../safety/target.ts";
import { CONFIRM_NOTE } from "../action_text.ts";

/** Offered only when `tools.enabled_toolsets` lists the toolset. */
export function optIn(toolset: "provisioning" | "backups"): (c: Config) => boolean {
  return (c) => (c.tools.enabled_toolsets ?? []).includes(toolset);
}

/** Annotations of a mutating tool. */
export function mutating(destructive: boolean, idempotent: boolean): ToolAnnotations {
  return {
    readOnlyHint: false,
    destructiveHint: destructive,
    idempotentHint: idempotent,
    openWorldHint: false,
  };
}

/** `vmid` + optional `node` of an existing guest. */
export const guestTarget = {
  vmid,
  node: nodeName.optional(),
};

/** Ending of destructive tools' descriptions. */
export const CONFIRM = CONFIRM_NOTE;

/** The guest's config (with its `digest`). */
export async function readConfig(
  ctx: ToolContext,
  g: Pick<GuestTarget, "type" | "node" | "vmid">,
): Promise<Record<string, unknown>> {
  return asObject(
    await ctx.pve.get(`/nodes/{node}/${g.type}/{vmid}/config`, { node: g.node, vmid: g.vmid }),
    `GET /nodes/{node}/${g.type}/{vmid}/config`,
  );
}

/** Keys of a config that hold volumes (cd-roms excluded). */
export function volumeKeys(type: "qemu" | "lxc", config: Record<string, unknown>): string[] {
  const re = type === "qemu" ? /^(scsi|virtio|sata|ide|efidisk|tpmstate)\d+$/ : /^(rootfs|mp\d+)$/;
  return Object.keys(config).filter((k) =>
    re.test(k) && !String(config[k]).includes("media=cdrom")
  );
}

/** `local-lvm:vm-100-disk-0,size=32G` → storage, volume and size in bytes. */
export function parseVolume(value: unknown): { storage: string; volid: string; bytes: number } {
  const s = String(value ?? "");
  const [vol, ...opts] = s.split(",");
  const size = opts.find((o) => o.startsWith("size="))?.slice(5) ?? "";
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(size);
  const bytes = m ? Math.round(Number(m[1]) * 1024 ** (" KMGT".indexOf(m[2] || " "))) : 0;
  return { storage: vol.includes(":") ? vol.split(":")[0] : "", volid: vol, bytes };
}

/** The first free index of `prefix0`, `prefix1`, ... in a config. */
export function freeIndex(config: Record<string, unknown>, prefix: string, max = 31): number {
  for (let i = 0; i <= max; i++) if (!(`${prefix}${i}` in config)) return i;
  return -1;
}
