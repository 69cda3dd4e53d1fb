/**
 * Snapshots of VMs and containers (toolset "snapshots"): `list_snapshots`
 * reads the tree; `guest_snapshot` creates, rolls back or deletes one, through
 * the safety pipeline. Both take a VMID and find the guest's node and type
 * themselves.
 *
 * @example
 * ```ts
 * import { SNAPSHOT_TOOLS } from "./snapshots.ts";
 * console.log(SNAPSHOT_TOOLS.map((t) => t.name).join(" ")); // "list_snapshots guest_snapshot"
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { type AnyTool, defineTool, READ_ONLY } from "../../core/tool.ts";
import { looseEnum } from "../schemas.ts";
import type { ToolContext } from "../../core/context.ts";
import { nodeName, vmid } from "../schemas.ts";
import { asArray, asObject } from "../../proxmox/lenient.ts";
import { SNAPNAME_RE } from "../../proxmox/params.ts";
import { type PlanDraft, runGuestAction } from "../../safety/action.ts";
import { type ActionArgs, actionInput, actionOutput } from "../../safety/result.ts";
import { guestLabel, type GuestTarget, resolveGuest } from "../../safety/target.ts";
import { checkProtectionFlag } from "../../safety/policy.ts";
import { formatSnapshotTree, type SnapshotNode, snapshotTree } from "../../format/snapshots.ts";

/** A snapshot name as PVE's `pve-configid` accepts it. */
export const snapname = z.string().regex(SNAPNAME_RE, {
  message: "must start with a letter, then letters, digits, '_' or '-' (2-40 characters), " +
    "e.g. pre_upgrade",
}).refine((s) => s !== "current" && s !== "pending", {
  message: "'current' and 'pending' are reserved by PVE: choose another name",
});

const target = {
  vmid,
  node: nodeName.optional(),
};

async function readTree(ctx: ToolContext, g: GuestTarget) {
  return snapshotTree(asArray(
    await ctx.pve.get(`/nodes/{node}/${g.type}/{vmid}/snapshot`, { node: g.node, vmid: g.vmid }),
    `GET /nodes/{node}/${g.type}/{vmid}/snapshot`,
  ));
}

const SnapshotItem = z.object({
  name: z.string(),
  description: z.string(),
  snaptime: z.number().nullable().describe("Unix seconds"),
  time: z.string().nullable().describe("ISO 8601"),
  parent: z.string().nullable(),
  vmstate: z.boolean().describe("RAM state included (VMs)"),
  children: z.array(z.string()),
  depth: z.number().int().describe("Depth in the tree, 0 for roots"),
});

/** `list_snapshots`: the snapshot tree of one guest. */
export const listSnapshots = defineTool({
  name: "list_snapshots",
  title: "List snapshots",
  description: "Snapshot tree of a VM or container (oldest first): time, description, RAM " +
    "saved, and current.parent (where the live state hangs).",
  toolset: "snapshots",
  privileges: ["VM.Audit"],
  annotations: READ_ONLY,
  input: target,
  output: {
    vmid: z.number().int(),
    node: z.string(),
    type: z.enum(["qemu", "lxc"]),
    name: z.string().nullable(),
    snapshots: z.array(SnapshotItem),
    current: z.object({
      parent: z.string().nullable().describe("Snapshot the current state derives from"),
      running: z.boolean().nullable(),
    }),
  },
  async run(args, ctx) {
    const g = await resolveGuest(ctx, { vmid: args.vmid, node: args.node });
    const tree = await readTree(ctx, g);
    return {
      structured: { vmid: g.vmid, node: g.node, type: g.type, name: g.name, ...tree },
      text: formatSnapshotTree(guestLabel(g), tree),
    };
  },
});

function missing(g: GuestTarget, name: string, have: SnapshotNode[]): string {
  return `${guestLabel(g)} has no snapshot "${name}"` +
    (have.length ? ` (it has: ${have.map((s) => s.name).join(", ")}).` : " (it has none).") +
    " list_snapshots shows the tree.";
}

const snapCall = (g: GuestTarget, suffix: string) =>
  `/nodes/{node}/${g.type}/{vmid}/snapshot${suffix}`;

/** The snapshot changes. */
export const SNAPSHOT_ACTIONS = ["create", "rollback", "delete"] as const;
type SnapAction = typeof SNAPSHOT_ACTIONS[number];

interface SnapArgs extends ActionArgs {
  action: SnapAction;
  vmid: number;
  node?: string;
  snapname: string;
  description?: string;
  vmstate?: boolean;
  start?: boolean;
  [k: string]: unknown;
}

/** Options of one action only: given with another, the call is refused (nothing is sent). */
const ONLY_FOR: Record<string, SnapAction> = {
  description: "create",
  vmstate: "create",
  start: "rollback",
};

async function createPlan(g: GuestTarget, a: SnapArgs, ctx: ToolContext): Promise<PlanDraft> {
  const tree = await readTree(ctx, g);
  const label = guestLabel(g);
  const running = g.status === "running" || g.status === "paused";
  const draft: PlanDraft = {
    verb: `create snapshot ${a.snapname}`,
    destructive: false,
    isSnapshot: true,
    calls: [{
      method: "POST",
      template: snapCall(g, ""),
      params: {
        node: g.node,
        vmid: g.vmid,
        snapname: a.snapname,
        description: a.description,
        // PVE saves RAM only of a running VM; asking for it on a stopped one changes nothing.
        vmstate: g.type === "qemu" && a.vmstate && running ? true : undefined,
      },
    }],
    expect: `snapshot ${a.snapname} of ${label} exists, child of ` +
      `${tree.current.parent ?? "nothing (first snapshot)"}`,
  };
  if (a.vmstate && g.type === "lxc") {
    draft.refuse = `${label} is a container: containers have no RAM state to save. ` +
      "Call again without vmstate.";
  } else if (tree.snapshots.some((s) => s.name === a.snapname)) {
    draft.refuse = `${label} already has a snapshot named "${a.snapname}": choose another ` +
      "name (or delete the old one first).";
  }
  return draft;
}

async function rollbackPlan(g: GuestTarget, a: SnapArgs, ctx: ToolContext): Promise<PlanDraft> {
  const tree = await readTree(ctx, g);
  const snap = tree.snapshots.find((s) => s.name === a.snapname);
  const label = guestLabel(g);
  const after = snap?.vmstate ? "running (RAM restored)" : a.start ? "running" : "stopped";
  return {
    verb: `roll back to snapshot ${a.snapname}`,
    destructive: true,
    question: `Roll ${label} on ${g.node} back to snapshot "${a.snapname}"` +
      (snap?.time ? ` (taken ${snap.time.slice(0, 16).replace("T", " ")} UTC)` : "") +
      "? Everything changed since then (disk contents and configuration) is lost.",
    calls: [{
      method: "POST",
      template: snapCall(g, "/{snapname}/rollback"),
      params: { node: g.node, vmid: g.vmid, snapname: a.snapname, start: a.start || undefined },
    }],
    refuse: snap ? undefined : missing(g, a.snapname, tree.snapshots),
    expect: `${label} back at snapshot ${a.snapname}, ${after}`,
  };
}

async function deletePlan(g: GuestTarget, a: SnapArgs, ctx: ToolContext): Promise<PlanDraft> {
  const [tree, config] = await Promise.all([
    readTree(ctx, g),
    ctx.pve.get(`/nodes/{node}/${g.type}/{vmid}/config`, { node: g.node, vmid: g.vmid })
      .then((c) => asObject(c, "GET config")),
  ]);
  const snap = tree.snapshots.find((s) => s.name === a.snapname);
  const label = guestLabel(g);
  return {
    verb: `delete snapshot ${a.snapname}`,
    destructive: true,
    isSnapshot: true,
    question: `Delete snapshot "${a.snapname}" of ${label} on ${g.node}? It cannot be ` +
      "restored afterwards" +
      (snap?.children.length ? ` (its children ${snap.children.join(", ")} stay)` : "") + ".",
    calls: [{
      method: "DELETE",
      template: snapCall(g, "/{snapname}"),
      params: { node: g.node, vmid: g.vmid, snapname: a.snapname },
    }],
    refuse: snap ? undefined : missing(g, a.snapname, tree.snapshots),
    checks: [checkProtectionFlag(g, config)],
    expect: `${label} without snapshot ${a.snapname}`,
  };
}

const PLANS = { create: createPlan, rollback: rollbackPlan, delete: deletePlan };

/** `guest_snapshot`: create, roll back to, or delete one snapshot. */
export const guestSnapshot = defineTool({
  name: "guest_snapshot",
  title: "Change snapshots",
  description: "create (disks and config; vmstate: true adds a running VM's RAM), rollback " +
    "(everything since is lost; start: true starts the guest after) or delete one snapshot " +
    "of a VM or container. rollback and delete are destructive: the user must agree.",
  toolset: "snapshots",
  // PVE accepts either privilege for a rollback; the pipeline checks each call's own.
  privileges: ["VM.Snapshot", "VM.Snapshot.Rollback"],
  safetyKeys: ["rollback"],
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  input: {
    action: looseEnum(SNAPSHOT_ACTIONS, { take: "create", revert: "rollback", remove: "delete" }),
    ...target,
    snapname,
    description: z.string().max(8192).optional(),
    vmstate: z.boolean().optional(),
    start: z.boolean().optional(),
    ...actionInput,
  },
  output: actionOutput,
  run(args, ctx, extra) {
    const a = args as SnapArgs;
    for (const [key, only] of Object.entries(ONLY_FOR)) {
      if (a[key] !== undefined && a.action !== only) {
        return Promise.reject(
          new Error(`${key} applies to action ${only} only, not ${a.action}. Nothing was done.`),
        );
      }
    }
    return runGuestAction(ctx, extra, {
      tool: "guest_snapshot",
      op: a.action,
      args: a,
      vmid: a.vmid,
      node: a.node,
      plan: (g) => PLANS[a.action](g, a, ctx),
    });
  },
});

/** The snapshot tools in listing order. */
export const SNAPSHOT_TOOLS: readonly AnyTool[] = [listSnapshots, guestSnapshot];
