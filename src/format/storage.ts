/**
 * Human text for storage listings.
 *
 * @example
 * ```ts
 * import { formatStorageList } from "./storage.ts";
 * console.log(formatStorageList({ storages: [], total: 0, inactive: 0 })); // "No storage visible to this token."
 * ```
 *
 * @module
 */

import { formatUsage } from "./units.ts";

interface Row {
  storage: string;
  type: string | null;
  node: string | null;
  nodes: string[];
  states?: Array<{ node: string; state: string; node_offline: boolean }>;
  active: boolean;
  content: string[];
  used: number | null;
  total: number | null;
}

/** " · active on pve1, pve2; unknown on pve3 (offline)" when the nodes disagree or one is down. */
function perNode(states: Array<{ node: string; state: string; node_offline: boolean }>): string {
  if (states.every((s) => s.state === "active" && !s.node_offline)) return "";
  const groups = new Map<string, string[]>();
  for (const s of states) {
    const label = s.node_offline ? `${s.node} (offline)` : s.node;
    groups.set(s.state, [...(groups.get(s.state) ?? []), label]);
  }
  return " · " + [...groups].map(([state, nodes]) => `${state} on ${nodes.join(", ")}`).join("; ");
}

/** One line per storage (per node for local storage). */
export function formatStorageList(
  r: {
    storages: Row[];
    total: number;
    inactive: number;
    offset?: number;
    next_offset?: number | null;
  },
): string {
  if (!r.total) return "No storage visible to this token.";
  const head = `${r.total} storage${r.total === 1 ? "" : "s"}` +
    (r.inactive ? `, ${r.inactive} INACTIVE` : "");
  const lines = r.storages.map((s) =>
    `- ${s.storage} (${s.type ?? "?"}) ${
      s.node ? `on ${s.node}` : `shared by ${s.nodes.join(", ")}`
    }: ` +
    (s.active ? formatUsage(s.used ?? undefined, s.total ?? undefined) : "INACTIVE") +
    ` · ${s.content.join(",") || "no content"}` + perNode(s.states ?? [])
  );
  const more = r.next_offset != null
    ? [`(${r.total - r.next_offset} more: ask again with offset ${r.next_offset})`]
    : [];
  return [head, ...lines, ...more].join("\n");
}
