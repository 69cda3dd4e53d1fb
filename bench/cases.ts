/**
 * Which calls the benchmark makes: one per tool the server lists (one per
 * action and guest kind for `guest_power` and `guest_snapshot`), with
 * arguments filled from the simulated cluster (a node, a running guest).
 * Mutating tools run only with `dry_run: true`; a tool needing an argument
 * that cannot be filled is skipped and reported, never guessed.
 *
 * @example
 * ```ts ignore
 * import { toolCases } from "./cases.ts";
 * const { cases, skipped } = toolCases(tools, sim.state);
 * ```
 *
 * @module
 */

import type { Tool } from "../tests/support/sdk_client.ts";
import type { ClusterState, GuestModel } from "../src/simulator/mod.ts";

/** One benchmarked call. */
export interface ToolCase {
  label: string;
  tool: string;
  args: Record<string, unknown>;
}

/** A running, non-template guest of `type` on an online node, for per-guest tools. */
function sampleGuest(state: ClusterState, type: "qemu" | "lxc"): GuestModel | undefined {
  for (const g of state.guests.values()) {
    if (
      g.type === type && g.status === "running" && !g.template && state.nodes.get(g.node)?.online
    ) {
      return g;
    }
  }
  return undefined;
}

/** A finished task in the simulated cluster, for the task-reading tools. */
function benchTask(state: ClusterState, guest: GuestModel | undefined): string {
  const node = guest?.node ?? state.localNode ?? "pve1";
  return state.startTask({
    node,
    type: "qmstart",
    id: String(guest?.vmid ?? 100),
    user: "mcp@pve!mcp",
    durationMs: 0,
    log: ["starting", "done"],
  }).upid;
}

/** One call shape of a tool: its label, the guest kind it acts on, arguments it fixes. */
interface Variant {
  label: string;
  kind: "qemu" | "lxc";
  fixed: Record<string, unknown>;
}

/**
 * The calls of one tool: each `action` of the merged action tools (on VMs and containers for
 * guest_power, except reset, which PVE has only for VMs), else the tool once.
 */
function variantsOf(tool: Tool, kind: "qemu" | "lxc"): Variant[] {
  const actions = ((tool.inputSchema.properties ?? {}) as Record<string, { enum?: unknown[] }>)
    .action?.enum?.map(String) ?? [];
  if (tool.name === "guest_power") {
    return (["qemu", "lxc"] as const).flatMap((k) =>
      actions.filter((a) => k === "qemu" || a !== "reset").map((a) => ({
        label: `guest_power ${a} (${k === "qemu" ? "VM" : "CT"})`,
        kind: k,
        fixed: { action: a },
      }))
    );
  }
  if (tool.name === "guest_snapshot") {
    return actions.map((a) => ({ label: `guest_snapshot ${a}`, kind, fixed: { action: a } }));
  }
  return [{ label: tool.name, kind, fixed: {} }];
}

/** Calls to make for `tools` against `state`, and the tools left out (with why). */
export function toolCases(
  tools: readonly Tool[],
  state: ClusterState,
): { cases: ToolCase[]; skipped: Array<{ tool: string; why: string }> } {
  const cases: ToolCase[] = [];
  const skipped: Array<{ tool: string; why: string }> = [];
  for (const tool of [...tools].sort((a, b) => a.name.localeCompare(b.name))) {
    const props = (tool.inputSchema.properties ?? {}) as Record<string, { enum?: unknown[] }>;
    const required = new Set(tool.inputSchema.required ?? []);
    const mutating = tool.annotations?.readOnlyHint !== true;
    if (mutating && !("dry_run" in props)) {
      skipped.push({ tool: tool.name, why: "mutating, no dry_run" });
      continue;
    }
    const lxc = /container|lxc|(^|_)ct(_|$)/.test(tool.name);
    for (const variant of variantsOf(tool, lxc ? "lxc" : "qemu")) {
      let missing: string | undefined;
      const guest = sampleGuest(state, variant.kind);
      const args: Record<string, unknown> = { ...variant.fixed };
      if (mutating) args.dry_run = true;
      for (const key of required) {
        if (key in args) continue;
        if (key === "vmid" && guest) args.vmid = guest.vmid;
        else if (key === "node") args.node = guest?.node ?? state.localNode;
        else if (props[key]?.enum?.length) args[key] = props[key].enum![0];
        else if (key === "snapname" && guest) {
          // An existing snapshot where the guest has one; a new name to create.
          args.snapname = args.action === "create"
            ? "bench_snap"
            : guest.snapshots[0]?.name ?? "bench_snap";
        } else if (key === "upid") args.upid = benchTask(state, guest);
        else missing = key;
      }
      // A tool that takes a vmid and a node gets the guest's own node.
      if (args.vmid !== undefined && "node" in props && guest) args.node = guest.node;
      if (missing) {
        // One action may lack its guest (no container in a small cluster): the others still run.
        const which = variant.label === tool.name ? "" : ` for ${variant.label}`;
        skipped.push({
          tool: tool.name,
          why: `cannot fill required argument "${missing}"${which}`,
        });
        continue;
      }
      cases.push({ label: variant.label, tool: tool.name, args });
    }
    // Whole listings, a top N, one kind: the shapes get_vms answers besides its first page.
    if (tool.name === "get_vms") {
      cases.push({ label: "get_vms limit=1000", tool: "get_vms", args: { limit: 1000 } });
      cases.push({
        label: "get_vms sort=cpu limit=10",
        tool: "get_vms",
        args: { sort: "cpu", limit: 10 },
      });
      cases.push({ label: "get_vms type=lxc", tool: "get_vms", args: { type: "lxc" } });
    }
    // A page of the log from a given line, beside the default tail.
    if (tool.name === "get_task_status") {
      const upid = cases.find((c) => c.tool === tool.name)!.args.upid;
      cases.push({
        label: "get_task_status log_start=1",
        tool: tool.name,
        args: { upid, log_start: 1, log_lines: 50 },
      });
    }
    // The opt-in guest counts read every guest: timed apart from the default answer.
    if (tool.name === "get_cluster_status") {
      cases.push({ label: "get_cluster_status guests", tool: tool.name, args: { guests: true } });
    }
  }
  return { cases, skipped };
}
