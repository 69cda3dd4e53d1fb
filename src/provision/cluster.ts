/**
 * Checks of provisioning arguments against the cluster, made with GETs only
 * before anything is sent: the node exists and is online, the VMID is free
 * (`GET /cluster/nextid?vmid=` answers 400 when taken), a storage exists on
 * the node, is active and holds the content type (and has room), a bridge
 * exists on the node. Each returns a check verdict naming the field, the value
 * and what to do.
 *
 * @example
 * ```ts ignore
 * import { loadStorages, storageCheck } from "./cluster.ts";
 * const rows = await loadStorages(ctx, "pve1");
 * const c = storageCheck(rows, "pve1", "local", "images", "disks[0].storage");
 * console.log(c.verdict); // "fail": local holds no VM disks
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import type { CheckResult } from "../safety/policy.ts";
import { asArray, asBool, asNumber, asString } from "../proxmox/lenient.ts";
import { PveError } from "../proxmox/errors.ts";
import { humanSize } from "./validate.ts";

/** A storage as one node reports it. */
export interface NodeStorage {
  storage: string;
  content: string[];
  active: boolean;
  enabled: boolean;
  shared: boolean;
  avail: number | undefined;
}

const pass = (check: string, detail: string): CheckResult => ({ check, verdict: "pass", detail });
const fail = (check: string, detail: string): CheckResult => ({ check, verdict: "fail", detail });

/** The storages of a node with their content types and free space (one GET). */
export async function loadStorages(ctx: ToolContext, node: string): Promise<NodeStorage[]> {
  const rows = asArray(
    await ctx.pve.get("/nodes/{node}/storage", { node }),
    "GET /nodes/{node}/storage",
  );
  return rows.map((r) => ({
    storage: asString(r.storage) ?? "?",
    content: (asString(r.content) ?? "").split(",").filter(Boolean),
    active: asBool(r.active),
    enabled: r.enabled === undefined ? true : asBool(r.enabled),
    shared: asBool(r.shared),
    avail: asNumber(r.avail),
  }));
}

const CONTENT_TEXT: Record<string, string> = {
  images: "VM disks (content 'images')",
  rootdir: "container volumes (content 'rootdir')",
  backup: "backups (content 'backup')",
  iso: "ISO images (content 'iso')",
  vztmpl: "container templates (content 'vztmpl')",
};

/** Whether `storage` on `node` can take `content` (and `bytes` more, when given). */
export function storageCheck(
  rows: readonly NodeStorage[],
  node: string,
  storage: string,
  content: string,
  field: string,
  bytes?: number,
): CheckResult {
  const check = `storage ${storage}`;
  const fit = rows.filter((r) => r.content.includes(content) && r.active).map((r) => r.storage);
  const options = fit.length
    ? `Storages on ${node} that hold ${CONTENT_TEXT[content]}: ${fit.join(", ")}.`
    : `No active storage on ${node} holds ${CONTENT_TEXT[content]}.`;
  const row = rows.find((r) => r.storage === storage);
  if (!row) {
    return fail(
      check,
      `${field}: storage "${storage}" does not exist on node ${node} (or the ` +
        `token lacks Datastore.Audit on /storage/${storage}). ${options}`,
    );
  }
  if (!row.content.includes(content)) {
    return fail(
      check,
      `${field}: storage "${storage}" does not hold ${CONTENT_TEXT[content]} ` +
        `(it holds: ${row.content.join(", ") || "nothing"}), so PVE would refuse it. ${options}`,
    );
  }
  if (!row.active || !row.enabled) {
    return fail(
      check,
      `${field}: storage "${storage}" is not active on node ${node} ` +
        `(unmounted, offline or disabled). ${options}`,
    );
  }
  if (bytes !== undefined && row.avail !== undefined && bytes > row.avail) {
    return fail(
      check,
      `${field}: storage "${storage}" has ${humanSize(row.avail)} free on ` +
        `${node}, less than the ${humanSize(bytes)} asked. ${options}`,
    );
  }
  return pass(check, `${storage} on ${node} holds ${content} and is active`);
}

/** Bridge interfaces of a node (one GET). */
export async function loadBridges(ctx: ToolContext, node: string): Promise<string[]> {
  const rows = asArray(
    await ctx.pve.get("/nodes/{node}/network", { node, type: "any_bridge" }),
    "GET /nodes/{node}/network",
  );
  return rows.map((r) => asString(r.iface)).filter((s): s is string => !!s);
}

/** Whether bridge `name` exists on the node. */
export function bridgeCheck(
  bridges: readonly string[],
  node: string,
  name: string,
  field: string,
): CheckResult {
  if (bridges.includes(name)) return pass(`bridge ${name}`, `${name} exists on ${node}`);
  return fail(
    `bridge ${name}`,
    `${field}: bridge "${name}" does not exist on node ${node} (bridges there: ` +
      `${bridges.join(", ") || "none"}). A guest on a missing bridge fails to start.`,
  );
}

/** The node exists and is online (one GET of /nodes). */
export async function nodeCheck(
  ctx: ToolContext,
  node: string,
  field = "node",
): Promise<CheckResult> {
  const rows = asArray(await ctx.pve.get("/nodes"), "GET /nodes");
  const row = rows.find((r) => r.node === node);
  const names = rows.map((r) => asString(r.node)).filter(Boolean).join(", ");
  if (!row) {
    return fail("node", `${field}: there is no node "${node}" in this cluster (nodes: ${names}).`);
  }
  if (row.status !== "online") {
    return fail(
      "node",
      `${field}: node ${node} is ${asString(row.status) ?? "not online"}: ` +
        "nothing can be created or moved there until it is back.",
    );
  }
  return pass("node", `node ${node} online`);
}

/**
 * A free VMID: the one asked if free (else a refusal naming who holds it), or
 * the cluster's next free one.
 */
export async function freeVmid(
  ctx: ToolContext,
  wanted: number | undefined,
  field = "vmid",
): Promise<{ vmid: number; check: CheckResult }> {
  if (wanted === undefined) {
    const n = Number(await ctx.pve.get("/cluster/nextid"));
    return { vmid: n, check: pass("vmid", `next free VMID ${n} (from /cluster/nextid)`) };
  }
  try {
    await ctx.pve.get("/cluster/nextid", { vmid: wanted });
    return { vmid: wanted, check: pass("vmid", `VMID ${wanted} is free`) };
  } catch (e) {
    if (!(e instanceof PveError) || e.status !== 400) throw e;
    const next = await ctx.pve.get("/cluster/nextid").catch(() => undefined);
    return {
      vmid: wanted,
      check: fail(
        "vmid",
        `${field}: VMID ${wanted} is already in use in this cluster` +
          (next !== undefined ? ` (the next free one is ${next})` : "") +
          ": choose another, or leave it out to take the next free one.",
      ),
    };
  }
}
