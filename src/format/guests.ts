/**
 * Human text for guest listings.
 *
 * @example
 * ```ts
 * import { formatGuestList } from "./guests.ts";
 * const empty = { guests: [], total: 0, returned: 0, offset: 0, next_offset: null,
 *   counts: { running: 0, stopped: 0, other: 0 } };
 * console.log(formatGuestList("VM", empty)); // "No VMs match."
 * ```
 *
 * @module
 */

import { formatBytes, formatDuration, formatPercent } from "./units.ts";

interface Guest {
  vmid: number;
  type?: "qemu" | "lxc";
  name: string | null;
  node: string;
  status: string;
  template: boolean;
  cpus: number | null;
  cpu: number | null;
  mem: number | null;
  maxmem: number | null;
  uptime: number | null;
  tags: string[];
  lock: string | null;
}

interface Listing {
  guests: Guest[];
  total: number;
  returned: number;
  offset: number;
  next_offset: number | null;
  counts: { running: number; stopped: number; other: number; vms?: number; containers?: number };
}

/** A header with counts, one line per guest, and a paging hint. */
export function formatGuestList(kind: "VM" | "container" | "guest", r: Listing): string {
  const plural = `${kind}s`;
  if (!r.total) return `No ${plural} match.`;
  const head = `${r.total} ${r.total === 1 ? kind : plural}: ${r.counts.running} running, ` +
    `${r.counts.stopped} stopped` + (r.counts.other ? `, ${r.counts.other} other` : "") +
    (kind === "guest" && r.counts.containers !== undefined
      ? ` (${r.counts.vms} VMs, ${r.counts.containers} containers)`
      : "");
  const lines = r.guests.map((g) => {
    const what = kind === "guest" && g.type ? (g.type === "lxc" ? " CT" : " VM") : "";
    const bits = [`${g.vmid}${what} ${g.name ?? "(no name)"} on ${g.node}: ${g.status}`];
    if (g.template) bits.push("template");
    if (g.status === "running") {
      bits.push(`CPU ${formatPercent(g.cpu ?? undefined)} of ${g.cpus ?? "?"}`);
      bits.push(`RAM ${formatBytes(g.mem ?? undefined)} / ${formatBytes(g.maxmem ?? undefined)}`);
      bits.push(`up ${formatDuration(g.uptime ?? undefined)}`);
    } else if (g.maxmem) bits.push(`RAM ${formatBytes(g.maxmem)}`);
    if (g.lock) bits.push(`LOCKED (${g.lock})`);
    if (g.tags.length) bits.push(`tags ${g.tags.join(",")}`);
    return `- ${bits.join(" · ")}`;
  });
  const tail = r.next_offset !== null
    ? [`(${r.total - r.offset - r.returned} more: ask again with offset ${r.next_offset})`]
    : [];
  return [head, ...lines, ...tail].join("\n");
}
