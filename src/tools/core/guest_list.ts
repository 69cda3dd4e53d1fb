/**
 * Listing guests (VMs and containers) from one `GET /cluster/resources?type=vm`
 * (one round trip whatever the cluster size), filtered, sorted and paged here.
 *
 * @example
 * ```ts
 * import { toGuestItem } from "./guest_list.ts";
 * console.log(toGuestItem({ id: "lxc/105", type: "lxc", node: "pve2" }).vmid); // 105
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { looseEnum, nodeName, pageInfo, paging } from "../schemas.ts";
import type { ToolContext } from "../../core/context.ts";
import {
  asArray,
  asBool,
  asNumber,
  asString,
  asTags,
  guestKind,
  guestVmid,
} from "../../proxmox/lenient.ts";
import { ratio } from "../../format/units.ts";
import { PveError } from "../../proxmox/errors.ts";
import { nodeHint } from "../natural_args.ts";
import { rememberGuests } from "../../safety/guest_locator.ts";

/** The guest kinds PVE has. */
export type GuestType = "qemu" | "lxc";

/** How a listing can be ordered: the busiest first for usage, else ascending. */
export const GUEST_SORTS = ["vmid", "name", "cpu", "mem", "disk", "uptime"] as const;
type GuestSort = typeof GUEST_SORTS[number];

/** Filters, sorting and paging of the guest listing. */
export const guestListInput = {
  // Filters named as PVE names them need no prose; `name` matches differently, so it says how.
  type: looseEnum(["qemu", "lxc"], {
    vm: "qemu",
    vms: "qemu",
    kvm: "qemu",
    container: "lxc",
    containers: "lxc",
    ct: "lxc",
  }).optional(),
  node: nodeName.optional(),
  status: looseEnum(["running", "stopped", "paused", "unknown"], { up: "running", down: "stopped" })
    .optional(),
  tag: z.string().max(128).optional(),
  name: z.string().max(128).optional().describe("Substring, any case; * and ? wildcards"),
  pool: z.string().max(128).optional(),
  include_templates: z.boolean().default(true),
  sort: looseEnum(GUEST_SORTS, { memory: "mem", ram: "mem", id: "vmid" }).optional()
    .describe("cpu, mem, disk, uptime: highest first"),
  ...paging,
};

export const GuestItem = z.object({
  vmid: z.number().int(),
  type: z.enum(["qemu", "lxc"]),
  name: z.string().nullable(),
  node: z.string(),
  status: z.string().describe("running, stopped, paused, or unknown (node offline)"),
  template: z.boolean(),
  cpus: z.number().nullable(),
  cpu: z.number().nullable().describe("CPU use, fraction of the allocated CPUs"),
  mem: z.number().nullable(),
  maxmem: z.number().nullable(),
  mem_ratio: z.number().nullable(),
  disk: z.number().nullable(),
  maxdisk: z.number().nullable(),
  uptime: z.number().nullable(),
  tags: z.array(z.string()),
  pool: z.string().nullable(),
  lock: z.string().nullable().describe("config lock (backup, migrate, snapshot...), if any"),
  hastate: z.string().nullable(),
});
export type GuestItem = z.infer<typeof GuestItem>;

/** Output shape of a guest listing. */
export const guestListOutput = {
  guests: z.array(GuestItem),
  ...pageInfo,
  counts: z.object({
    running: z.number().int(),
    stopped: z.number().int(),
    other: z.number().int(),
    vms: z.number().int(),
    containers: z.number().int(),
  }).describe("All guests matching the filters (not only this page)"),
};

type ListArgs = {
  type?: GuestType;
  sort?: GuestSort;
  node?: string;
  status?: string;
  tag?: string;
  name?: string;
  pool?: string;
  include_templates: boolean;
  limit: number;
  offset: number;
};

function namePredicate(pattern: string): (name: string) => boolean {
  const p = pattern.toLowerCase();
  if (!/[*?]/.test(p)) return (n) => n.toLowerCase().includes(p);
  const re = new RegExp(
    "^" + p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$",
  );
  return (n) => re.test(n.toLowerCase());
}

/** Normalises one `/cluster/resources` guest row. */
export function toGuestItem(r: Record<string, unknown>): GuestItem {
  const mem = asNumber(r.mem);
  const maxmem = asNumber(r.maxmem);
  return {
    vmid: guestVmid(r) ?? 0,
    type: guestKind(r) ?? "qemu",
    name: asString(r.name) ?? null,
    node: asString(r.node) ?? "?",
    status: asString(r.status) ?? "unknown",
    template: asBool(r.template),
    cpus: asNumber(r.maxcpu) ?? null,
    cpu: asNumber(r.cpu) ?? null,
    mem: mem ?? null,
    maxmem: maxmem ?? null,
    mem_ratio: ratio(mem, maxmem),
    disk: asNumber(r.disk) ?? null,
    maxdisk: asNumber(r.maxdisk) ?? null,
    uptime: asNumber(r.uptime) ?? null,
    tags: asTags(r.tags),
    pool: asString(r.pool) ?? null,
    lock: asString(r.lock) ?? null,
    hastate: asString(r.hastate) ?? null,
  };
}

/** The sort key of a row; undefined (no figure, e.g. stopped) sorts last. */
function sortKey(sort: GuestSort, r: Record<string, unknown>): number | string | undefined {
  switch (sort) {
    case "name":
      return (asString(r.name) ?? "").toLowerCase();
    case "vmid":
      return guestVmid(r) ?? 0;
    default:
      return asNumber(r[sort]);
  }
}

function compareBy(sort: GuestSort) {
  const descending = sort !== "vmid" && sort !== "name";
  return (a: Entry, b: Entry): number => {
    const x = sortKey(sort, a.r), y = sortKey(sort, b.r);
    if (x === y) return a.vmid - b.vmid;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    const order = typeof x === "string"
      ? x.localeCompare(String(y), "en", { numeric: true })
      : x - (y as number);
    return (descending ? -order : order) || a.vmid - b.vmid;
  };
}

interface Entry {
  vmid: number;
  r: Record<string, unknown>;
}

/**
 * Lists guests with filters, sorting and paging. Filters, sorting and counts work on the raw
 * rows; only the page is normalised, so a 20,000-guest cluster costs one pass, not 20,000 objects.
 */
export async function listGuests(args: ListArgs, ctx: ToolContext) {
  const rows = asArray(
    await ctx.pve.get("/cluster/resources", { type: "vm" }),
    "GET /cluster/resources",
  );
  // The whole list was read anyway: the next action on one of these guests finds its node
  // without reading it again (safety/guest_locator.ts).
  rememberGuests(ctx.pve, rows);
  const byName = args.name ? namePredicate(args.name) : undefined;
  const tag = args.tag?.toLowerCase();
  // Same accessors as toGuestItem, so a filter sees exactly what the item will show.
  const all: Entry[] = rows.filter((r) =>
    guestKind(r) !== undefined && (!args.type || guestKind(r) === args.type) &&
    (!args.node || (asString(r.node) ?? "?") === args.node) &&
    (!args.status || (asString(r.status) ?? "unknown") === args.status) &&
    (!tag || asTags(r.tags).some((t) => t.toLowerCase() === tag)) &&
    (!byName || byName(asString(r.name) ?? "")) &&
    (!args.pool || asString(r.pool) === args.pool) &&
    (args.include_templates || !asBool(r.template))
  ).map((r) => ({ vmid: guestVmid(r) ?? 0, r })).sort(compareBy(args.sort ?? "vmid"));
  if (args.node && all.length === 0) await assertNodeExists(args.node, ctx);
  const page = all.slice(args.offset, args.offset + args.limit).map((x) => toGuestItem(x.r));
  const next = args.offset + page.length < all.length ? args.offset + page.length : null;
  let running = 0, stopped = 0, containers = 0;
  for (const { r } of all) {
    const status = asString(r.status) ?? "unknown";
    if (status === "running") running++;
    else if (status === "stopped") stopped++;
    if (guestKind(r) === "lxc") containers++;
  }
  return {
    guests: page,
    total: all.length,
    returned: page.length,
    offset: args.offset,
    next_offset: next,
    counts: {
      running,
      stopped,
      other: all.length - running - stopped,
      vms: all.length - containers,
      containers,
    },
  };
}

/** An empty listing for a node that does not exist is a mistake worth naming. */
export async function assertNodeExists(node: string, ctx: ToolContext) {
  const nodes = asArray(await ctx.pve.get("/nodes"), "GET /nodes").map((n) => asString(n.node));
  if (!nodes.includes(node)) {
    throw new PveError(
      "not-found",
      `node "${node}" is not part of this cluster: ` +
        `${nodeHint(node, nodes.filter((n): n is string => !!n))}.`,
    );
  }
}
