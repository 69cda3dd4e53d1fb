/**
 * Finding the guest an action is about: one `GET /cluster/resources?type=vm`
 * gives its node, type, state, lock, tags and template flag, whatever the
 * cluster size. A wrong node or the wrong tool for the guest's type is refused
 * with the right one named.
 *
 * @example
 * ```ts ignore
 * import { resolveGuest } from "./target.ts";
 * const g = await resolveGuest(ctx, { vmid: 100, node: "pve1" });
 * console.log(g.node, g.status); // "pve1" "running"
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import {
  asArray,
  asBool,
  asNumber,
  asString,
  asTags,
  guestKind,
  guestVmid,
} from "../proxmox/lenient.ts";
import { locateGuest, rememberGuests } from "./guest_locator.ts";

/** A guest as the cluster's status cache knows it. */
export interface GuestTarget {
  vmid: number;
  node: string;
  type: "qemu" | "lxc";
  name: string | null;
  /** running, stopped, paused (QEMU, where PVE reports it) or unknown (node offline). */
  status: string;
  lock: string | null;
  tags: string[];
  template: boolean;
  /** Seconds since start (running guests), for the plan's "uptime ends" sentence. */
  uptime?: number;
}

/** A refusal the model can act on: nothing was sent to PVE. */
export class ActionRefused extends Error {
  constructor(message: string, readonly code = "refused") {
    super(message);
    this.name = "ActionRefused";
  }
}

/** "VM 100 (web01)" or "CT 200 (dns01)". */
export function guestLabel(g: Pick<GuestTarget, "type" | "vmid" | "name">): string {
  return `${g.type === "qemu" ? "VM" : "CT"} ${g.vmid}${g.name ? ` (${g.name})` : ""}`;
}

/** What {@link resolveGuest} needs. */
export interface ResolveOptions {
  vmid: number;
  /** The node the caller named, if any: must match. */
  node?: string;
  /** The guest type the tool handles; undefined for tools that serve both. */
  expect?: "qemu" | "lxc";
  /** The tool asking, to name its counterpart for the other type. */
  tool?: string;
}

/** Names the tool for the other guest type: start_vm <-> start_container. */
export function counterpart(tool: string): string {
  if (tool.endsWith("_vm")) return tool.replace(/_vm$/, "_container");
  if (tool.endsWith("_container")) return tool.replace(/_container$/, "_vm");
  return tool;
}

/**
 * With the node and type known, the guest's own status is a small read where the cluster-wide
 * list is megabytes on a big cluster. Any failure (wrong node or type, node offline) falls back
 * to the cluster-wide lookup, which names the problem precisely.
 */
async function directLookup(
  ctx: ToolContext,
  vmid: number,
  node: string,
  type: "qemu" | "lxc",
): Promise<GuestTarget | undefined> {
  let raw: unknown;
  try {
    raw = await ctx.pve.get(`/nodes/{node}/${type}/{vmid}/status/current`, { node, vmid });
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== "object") return undefined;
  const r = raw as Record<string, unknown>;
  const status = asString(r.status) ?? "unknown";
  return {
    vmid,
    node,
    type,
    name: asString(r.name) ?? null,
    // The list shows a paused VM as "paused"; its own status says running + qmpstatus.
    status: status === "running" && r.qmpstatus === "paused" ? "paused" : status,
    lock: asString(r.lock) ?? null,
    tags: asTags(r.tags),
    template: asBool(r.template),
    uptime: asNumber(r.uptime),
  };
}

/** Looks the guest up cluster-wide; refuses a wrong node, wrong type or unknown VMID. */
export async function resolveGuest(ctx: ToolContext, opts: ResolveOptions): Promise<GuestTarget> {
  // Seen in the last seconds: its own status confirms node and type (guest_locator.ts).
  const seen = locateGuest(ctx.pve, opts.vmid);
  if (opts.node !== undefined) {
    // The node is known: the guest's own status, of the expected or last seen kind, else of
    // both kinds at once (one round trip; the wrong kind's read fails and is dropped).
    const kind = opts.expect ?? (seen?.node === opts.node ? seen.type : undefined);
    const kinds = kind ? [kind] : (["qemu", "lxc"] as const);
    const found = await Promise.all(kinds.map((k) => directLookup(ctx, opts.vmid, opts.node!, k)));
    const direct = found.find((g) => g !== undefined);
    if (direct) return direct;
  } else if (seen && (!opts.expect || opts.expect === seen.type)) {
    const direct = await directLookup(ctx, opts.vmid, seen.node, seen.type);
    if (direct) return direct;
  }
  const rows = asArray(
    await ctx.pve.get("/cluster/resources", { type: "vm" }),
    "GET /cluster/resources",
  );
  rememberGuests(ctx.pve, rows);
  const row = rows.find((r) => guestVmid(r) === opts.vmid && guestKind(r) !== undefined);
  if (!row) {
    throw new ActionRefused(
      `No VM or container with VMID ${opts.vmid} in this cluster (or the token lacks ` +
        `VM.Audit on /vms/${opts.vmid}, which hides it). get_vms lists the ` +
        "guests this token can see.",
      "not-found",
    );
  }
  const g: GuestTarget = {
    vmid: opts.vmid,
    node: asString(row.node) ?? "?",
    type: guestKind(row)!,
    name: asString(row.name) ?? null,
    status: asString(row.status) ?? "unknown",
    lock: asString(row.lock) ?? null,
    tags: asTags(row.tags),
    template: asBool(row.template),
    uptime: asNumber(row.uptime),
  };
  if (opts.node !== undefined && opts.node !== g.node) {
    throw new ActionRefused(
      `${guestLabel(g)} is on node ${g.node}, not ${opts.node}: call again with node ` +
        `"${g.node}" (or leave node out).`,
      "wrong-node",
    );
  }
  if (opts.expect && opts.expect !== g.type) {
    const other = opts.tool ? counterpart(opts.tool) : undefined;
    throw new ActionRefused(
      `${opts.vmid} is ${g.type === "lxc" ? "an LXC container" : "a QEMU VM"}, not ` +
        `${opts.expect === "lxc" ? "a container" : "a VM"}` +
        (other && other !== opts.tool ? `: use ${other} instead.` : "."),
      "wrong-type",
    );
  }
  return g;
}
