/**
 * Which calls the benchmark makes: one per tool the server lists, with
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
    const guest = sampleGuest(state, lxc ? "lxc" : "qemu");
    const args: Record<string, unknown> = {};
    if (mutating) args.dry_run = true;
    let missing: string | undefined;
    for (const key of required) {
      if (key === "vmid" && guest) args.vmid = guest.vmid;
      else if (key === "node") args.node = guest?.node ?? state.localNode;
      else if (key === "dry_run") args.dry_run = true;
      else if (props[key]?.enum?.length) args[key] = props[key].enum![0];
      else if (key === "snapname" && guest) {
        // An existing snapshot where the guest has one; a new name for create_snapshot.
        args.snapname = tool.name === "create_snapshot"
          ? "bench_snap"
          : guest.snapshots[0]?.name ?? "bench_snap";
      } else if (key === "upid") args.upid = benchTask(state, guest);
      else missing = key;
    }
    // A tool that takes a vmid and a node gets the guest's own node.
    if (args.vmid !== undefined && "node" in props && guest) args.node = guest.node;
    if (missing) {
      skipped.push({ tool: tool.name, why: `cannot fill required argument "${missing}"` });
      continue;
    }
    cases.push({ label: tool.name, tool: tool.name, args });
    if (tool.name === "get_vms") {
      cases.push({ label: "get_vms limit=1000", tool: "get_vms", args: { limit: 1000 } });
    }
  }
  return { cases, skipped };
}
