/**
 * Guest lookup shared by the insight tools: one `GET /cluster/resources?type=vm`
 * tells whether a VMID is a VM or a container and where it runs, so a wrong
 * node or VMID is refused with a message that names the right one.
 *
 * @example
 * ```ts ignore
 * const g = await findGuest(ctx, "pve1", 100); // { type: "qemu", node: "pve1", status: "running", ... }
 * ```
 *
 * @module
 */

import type { ToolContext } from "../../core/context.ts";
import { asArray, asString, guestVmid } from "../../proxmox/lenient.ts";
import { PveError } from "../../proxmox/errors.ts";

/** A guest as the insight tools need it. */
export interface FoundGuest {
  vmid: number;
  type: "qemu" | "lxc";
  node: string;
  name: string | null;
  status: string;
}

/** Finds a guest and checks it is on `node` when one is given; throws a clear error otherwise. */
export async function findGuest(
  ctx: ToolContext,
  node: string | undefined,
  vmid: number,
): Promise<FoundGuest> {
  const rows = asArray(
    await ctx.pve.get("/cluster/resources", { type: "vm" }),
    "GET /cluster/resources",
  );
  const r = rows.find((x) => (x.type === "qemu" || x.type === "lxc") && guestVmid(x) === vmid);
  if (!r) {
    throw new PveError(
      "not-found",
      `guest ${vmid} does not exist or is not visible to the token (needs VM.Audit on /vms/${vmid}); ` +
        "get_vms lists the guests.",
    );
  }
  const at = asString(r.node) ?? "?";
  if (node !== undefined && at !== node) {
    throw new PveError(
      "bad-request",
      `guest ${vmid} is on node ${at}, not ${node}: call again with node "${at}".`,
    );
  }
  return {
    vmid,
    type: r.type === "lxc" ? "lxc" : "qemu",
    node: at,
    name: asString(r.name) ?? null,
    status: asString(r.status) ?? "unknown",
  };
}
