/**
 * Snapshots of VMs and containers (toolset "snapshots"): list as a tree,
 * create, roll back, delete. The tools take a VMID and find the guest's node
 * and type themselves; the three changes run through the safety pipeline.
 *
 * @example
 * ```ts
 * import { SNAPSHOT_TOOLS } from "./snapshots.ts";
 * console.log(SNAPSHOT_TOOLS.map((t) => t.name).join(" "));
 * // "list_snapshots create_snapshot rollback_snapshot delete_snapshot"
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { type AnyTool, defineTool, READ_ONLY } from "../../core/tool.ts";
import type { ToolContext } from "../../core/context.ts";
import { nodeName, vmid } from "../schemas.ts";
import { asArray, asObject } from "../../proxmox/lenient.ts";
import { SNAPNAME_RE } from "../../proxmox/params.ts";
import { type PlanDraft, runGuestAction } from "../../safety/action.ts";
import { type ActionArgs, actionInput, actionOutput } from "../../safety/result.ts";
import { guestLabel, type GuestTarget, resolveGuest } from "../../safety/target.ts";
import { checkProtectionFlag } from "../../safety/policy.ts";
import { formatSnapshotTree, type SnapshotNode, snapshotTree } from "../../format/snapshots.ts";
import { ACTION_NOTE, CONFIRM_NOTE } from "../action_text.ts";

/** A snapshot name as PVE's `pve-configid` accepts it. */
export const snapname = z.string().regex(SNAPNAME_RE, {
  message: "must start with a letter, then letters, digits, '_' or '-' (2-40 characters), " +
    "e.g. pre_upgrade",
}).refine((s) => s !== "current" && s !== "pending", {
  message: "'current' and 'pending' are reserved by PVE: choose another name",
}).describe("Snapshot name: a letter, then letters, digits, '_' or '-' (2-40), e.g. pre_upgrade");

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
  description: "Snapshots of one VM or container as a tree (parent/child, oldest first) with " +
    "time, description and whether RAM was saved, and where the current state hangs " +
    "(`current.parent`). Takes vmid; node optional.",
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

function snapshotTool(
  name: string,
  title: string,
  description: string,
  destructive: boolean,
  idempotent: boolean,
  privileges: string[],
  extraInput: z.ZodRawShape,
  plan: (g: GuestTarget, args: SnapArgs, ctx: ToolContext) => Promise<PlanDraft>,
): AnyTool {
  return defineTool({
    name,
    title,
    description,
    toolset: "snapshots",
    privileges,
    annotations: {
      readOnlyHint: false,
      destructiveHint: destructive,
      idempotentHint: idempotent,
      openWorldHint: false,
    },
    input: { ...target, snapname, ...extraInput, ...actionInput },
    output: actionOutput,
    run(args, ctx, extra) {
      const a = args as SnapArgs;
      return runGuestAction(ctx, extra, {
        tool: name,
        args: a,
        vmid: a.vmid,
        node: a.node,
        plan: (g) => plan(g, a, ctx),
      });
    },
  });
}

interface SnapArgs extends ActionArgs {
  vmid: number;
  node?: string;
  snapname: string;
  description?: string;
  vmstate?: boolean;
  start?: boolean;
  [k: string]: unknown;
}

const CONFIRM = CONFIRM_NOTE;
const COMMON = ACTION_NOTE.replace("vmid", "vmid (VM or container)");

/** `create_snapshot`. */
export const createSnapshot = snapshotTool(
  "create_snapshot",
  "Create snapshot",
  "Takes a snapshot of a VM or container (disks and config; with vmstate: true also a running " +
    "VM's RAM, so a rollback resumes it running). Do this before risky changes." + COMMON,
  false,
  false,
  ["VM.Snapshot"],
  {
    description: z.string().max(8192).optional().describe("Free text stored with the snapshot"),
    vmstate: z.boolean().optional().describe("VMs only: include the RAM of a running VM"),
  },
  async (g, a, ctx) => {
    const tree = await readTree(ctx, g);
    const label = guestLabel(g);
    const running = g.status === "running" || g.status === "paused";
    const draft: PlanDraft = {
      verb: `create snapshot ${a.snapname}`,
      destructive: false,
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
  },
);

/** `rollback_snapshot`. */
export const rollbackSnapshot = snapshotTool(
  "rollback_snapshot",
  "Roll back to snapshot",
  "Rolls a VM or container back to a snapshot: disks and config return to that point and " +
    "everything changed since is lost. A VM snapshot with RAM resumes running; otherwise the " +
    "guest ends up stopped (start: true starts it after)." + COMMON + CONFIRM,
  true,
  true,
  // PVE accepts either privilege for a rollback.
  ["VM.Snapshot", "VM.Snapshot.Rollback"],
  { start: z.boolean().optional().describe("Start the guest after the rollback") },
  async (g, a, ctx) => {
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
  },
);

/** `delete_snapshot`. */
export const deleteSnapshot = snapshotTool(
  "delete_snapshot",
  "Delete snapshot",
  "Deletes one snapshot of a VM or container (the guest itself is untouched; the snapshot " +
    "cannot be restored afterwards). Refused when PVE's protection flag is set." + COMMON +
    CONFIRM,
  true,
  true,
  ["VM.Snapshot"],
  {},
  async (g, a, ctx) => {
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
  },
);

/** The snapshot tools in listing order. */
export const SNAPSHOT_TOOLS: readonly AnyTool[] = [
  listSnapshots,
  createSnapshot,
  rollbackSnapshot,
  deleteSnapshot,
];
