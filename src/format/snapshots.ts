/**
 * Snapshot trees: PVE lists snapshots flat with `parent` links plus a
 * `current` entry ("You are here!"); this builds the tree (oldest first) and
 * draws it as text.
 *
 * @example
 * ```ts
 * import { snapshotTree } from "./snapshots.ts";
 * const t = snapshotTree([
 *   { name: "a", snaptime: 1 }, { name: "b", parent: "a", snaptime: 2 },
 *   { name: "current", parent: "b" },
 * ]);
 * console.log(t.snapshots.map((s) => `${s.name}@${s.depth}`).join(" ")); // "a@0 b@1"
 * console.log(t.current.parent); // "b"
 * ```
 *
 * @module
 */

import { asBool, asNumber, asString } from "../proxmox/lenient.ts";

/** One snapshot in tree order. */
export interface SnapshotNode {
  name: string;
  description: string;
  /** Unix seconds. */
  snaptime: number | null;
  time: string | null;
  parent: string | null;
  vmstate: boolean;
  children: string[];
  depth: number;
}

/** The tree: snapshots in pre-order, and where the current state hangs. */
export interface SnapshotTree {
  snapshots: SnapshotNode[];
  current: { parent: string | null; running: boolean | null };
}

/** Builds the tree from PVE's flat list (children ordered by time). */
export function snapshotTree(rows: Record<string, unknown>[]): SnapshotTree {
  const cur = rows.find((r) => r.name === "current");
  const items = rows.filter((r) => r.name !== "current").map((r) => {
    const snaptime = asNumber(r.snaptime) ?? null;
    return {
      name: asString(r.name) ?? "?",
      description: (asString(r.description) ?? "").trim(),
      snaptime,
      time: snaptime === null ? null : new Date(snaptime * 1000).toISOString(),
      parent: asString(r.parent) ?? null,
      vmstate: asBool(r.vmstate),
      children: [] as string[],
      depth: 0,
    };
  });
  const byName = new Map(items.map((s) => [s.name, s]));
  const order = (a: SnapshotNode, b: SnapshotNode) =>
    (a.snaptime ?? 0) - (b.snaptime ?? 0) || a.name.localeCompare(b.name);
  for (const s of [...items].sort(order)) {
    if (s.parent && byName.has(s.parent)) byName.get(s.parent)!.children.push(s.name);
  }
  const out: SnapshotNode[] = [];
  const seen = new Set<string>();
  const visit = (s: SnapshotNode, depth: number) => {
    if (seen.has(s.name)) return; // a parent cycle in a hand-edited config must not loop
    seen.add(s.name);
    s.depth = depth;
    out.push(s);
    for (const c of s.children) visit(byName.get(c)!, depth + 1);
  };
  for (const s of [...items].sort(order)) {
    if (!s.parent || !byName.has(s.parent)) visit(s, 0);
  }
  for (const s of items) visit(s, 0);
  return {
    snapshots: out,
    current: {
      parent: cur ? asString(cur.parent) ?? null : null,
      running: cur && cur.running !== undefined ? asBool(cur.running) : null,
    },
  };
}

/** The tree as indented text, with "current" under its parent. */
export function formatSnapshotTree(label: string, t: SnapshotTree): string {
  if (!t.snapshots.length) return `${label} has no snapshots.`;
  const lines = [`${label}: ${t.snapshots.length} snapshot(s)`];
  const indent = (d: number) => "  ".repeat(d);
  const depthOf = new Map(t.snapshots.map((s) => [s.name, s.depth]));
  for (const s of t.snapshots) {
    const bits = [s.name, s.time ? s.time.slice(0, 16).replace("T", " ") : "no date"];
    if (s.vmstate) bits.push("with RAM");
    if (s.description) bits.push(JSON.stringify(s.description));
    lines.push(`${indent(s.depth)}- ${bits.join(" · ")}`);
    if (s.name === t.current.parent) lines.push(`${indent(s.depth + 1)}- current (you are here)`);
  }
  if (!t.current.parent || !depthOf.has(t.current.parent)) {
    lines.push("- current (you are here; not derived from any snapshot)");
  }
  return lines.join("\n");
}
