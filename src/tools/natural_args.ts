/**
 * Arguments as a model naturally gives them, made exact before a tool runs: a
 * guest named where a VMID is asked (`vmid: "web01"`) becomes its VMID, and a
 * node name in the wrong case (`"PVE1"`) becomes the cluster's spelling (one
 * `GET /nodes`, remembered 30 s; lower-case names cost nothing). An
 * ambiguous guest name or an unknown node is refused with the candidates, so
 * nothing runs against a guessed target. Runs inside the tool call (and its
 * cluster, and its read cache), for MCP calls and the CLI alike.
 *
 * @example
 * ```ts ignore
 * import { resolveNaturalArgs } from "./natural_args.ts";
 * const args = await resolveNaturalArgs(getGuest, { vmid: "web01", node: "PVE1" }, ctx);
 * console.log(args); // { vmid: 100, node: "pve1" }
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import type { AnyTool } from "../core/tool.ts";
import { closest } from "../config/errors.ts";
import { asArray, asString, guestKind, guestVmid } from "../proxmox/lenient.ts";
import { rememberGuests } from "../safety/guest_locator.ts";
import { isGuestRef, isNodeRef } from "./schemas.ts";
import type { z } from "zod/v4";

/** A refused argument: names the field, the value and what would be accepted. */
export class ArgumentError extends Error {
  constructor(field: string, message: string) {
    super(`invalid arguments: ${field}: ${message}. Nothing was done.`);
    this.name = "ArgumentError";
  }
}

/** How long a node list read for this check is trusted (nodes join or leave rarely). */
const NODES_TTL_MS = 30_000;
const nodeLists = new WeakMap<object, { at: number; names: string[] }>();

async function clusterNodes(ctx: ToolContext, fresh: boolean): Promise<string[] | undefined> {
  const memo = nodeLists.get(ctx.pve);
  if (!fresh && memo && Date.now() - memo.at < NODES_TTL_MS) return memo.names;
  try {
    const names = asArray(await ctx.pve.get("/nodes"), "GET /nodes")
      .map((n) => asString(n.node)).filter((n): n is string => !!n).sort();
    nodeLists.set(ctx.pve, { at: Date.now(), names });
    return names;
  } catch {
    return undefined; // Cannot check (e.g. the token may not list nodes): the tool will tell.
  }
}

/**
 * The cluster's spelling of `node`, or an {@linkcode ArgumentError} naming the nodes. Only a name
 * with capitals is looked up (PVE node names are host names, lower case in practice): an exact
 * name costs no request, and a wrong one is named by the tool's own error.
 */
export async function canonicalNode(
  ctx: ToolContext,
  field: string,
  node: string,
): Promise<string> {
  if (node === node.toLowerCase()) return node;
  const known = await clusterNodes(ctx, false);
  if (known?.includes(node)) return node;
  const names = await clusterNodes(ctx, true);
  if (!names?.length || names.includes(node)) return node;
  const same = names.filter((n) => n.toLowerCase() === node.toLowerCase());
  if (same.length === 1) return same[0];
  throw new ArgumentError(field, `no node "${node}": ${nodeHint(node, names)}`);
}

/** The VMID of the guest called `name`, or an {@linkcode ArgumentError} listing candidates. */
export async function vmidOfName(ctx: ToolContext, field: string, name: string): Promise<number> {
  const rows = asArray(
    await ctx.pve.get("/cluster/resources", { type: "vm" }),
    "GET /cluster/resources",
  ).filter((r) => guestKind(r) !== undefined);
  rememberGuests(ctx.pve, rows);
  const named = (exact: boolean) =>
    rows.filter((r) => {
      const n = asString(r.name);
      return n !== undefined && (exact ? n === name : n.toLowerCase() === name.toLowerCase());
    });
  const found = named(true).length ? named(true) : named(false);
  const label = (r: Record<string, unknown>) =>
    `${guestVmid(r)} (${r.type === "lxc" ? "CT" : "VM"} ${asString(r.name)} on ${
      asString(r.node) ?? "?"
    })`;
  if (found.length === 1) return guestVmid(found[0])!;
  if (found.length > 1) {
    throw new ArgumentError(
      field,
      `${found.length} guests are named "${name}": ${found.map(label).join(", ")}; ` +
        "give the VMID",
    );
  }
  const hint = closest(name, rows.map((r) => asString(r.name) ?? "").filter(Boolean));
  throw new ArgumentError(
    field,
    `no guest named "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}: give its VMID or ` +
      "name as get_vms lists them (the token may also lack VM.Audit on it)",
  );
}

/** `args` with guest names turned into VMIDs and node names into the cluster's spelling. */
export async function resolveNaturalArgs(
  tool: AnyTool,
  args: Record<string, unknown>,
  ctx: ToolContext,
): Promise<Record<string, unknown>> {
  let out = args;
  for (const [field, schema] of Object.entries(tool.input as Record<string, z.ZodType>)) {
    const value = args[field];
    if (typeof value !== "string") continue;
    let exact: unknown = value;
    if (isGuestRef(schema)) exact = await vmidOfName(ctx, field, value);
    else if (isNodeRef(schema)) exact = await canonicalNode(ctx, field, value);
    if (exact !== value) out = { ...out, [field]: exact };
  }
  return out;
}

/** `did you mean "pve1"? nodes are pve1, pve2` for an unknown node name (no final stop). */
export function nodeHint(node: string, names: readonly string[]): string {
  if (!names.length) return "get_nodes lists the node names";
  const hint = closest(node, names);
  return `${hint ? `did you mean "${hint}"? ` : ""}nodes are ${names.join(", ")}`;
}

/** {@linkcode nodeHint} with the cluster's nodes read now (for an error already happening). */
export async function nodeList(ctx: ToolContext, node: string): Promise<string> {
  return nodeHint(node, await clusterNodes(ctx, true) ?? []);
}
