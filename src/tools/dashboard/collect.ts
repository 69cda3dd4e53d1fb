/**
 * The dashboard's picture of a cluster, gathered in one round of reads:
 * `/cluster/resources` (nodes, guests, storage), the cluster status (quorum,
 * membership), `/cluster/tasks` and the HA manager. A part the token may not
 * read becomes a warning, not a failure: the rest still shows. Which buttons
 * the view may offer is decided here, from read-only mode, toolsets,
 * protection and the token's privilege on each guest, so the page never
 * offers what the pipeline would refuse.
 *
 * @example
 * ```ts ignore
 * const picture = await collectCluster(ctx);
 * console.log(picture.nodes.length, picture.guests.length);
 * ```
 *
 * @module
 */

import type { ToolContext } from "../../core/context.ts";
import { asArray, asBool, asNumber, asString, asTags } from "../../proxmox/lenient.ts";
import { getClusterStatus } from "../core/cluster.ts";
import { listTasks } from "../tasks/tasks.ts";
import { getHaStatus } from "../insight/insight_cluster.ts";
import { checkProtected } from "../../safety/policy.ts";
import { LIFECYCLE_TOOLS } from "../lifecycle/lifecycle.ts";
import { createSnapshot } from "../snapshots/snapshots.ts";
import type { Picture } from "./picture.ts";

/** The actions the view offers, and the privilege PVE checks for each on /vms/{vmid}. */
export const APP_ACTIONS = {
  start: "VM.PowerMgmt",
  shutdown: "VM.PowerMgmt",
  reboot: "VM.PowerMgmt",
  snapshot: "VM.Snapshot",
} as const;
export type AppAction = keyof typeof APP_ACTIONS;

/** How many finished tasks the picture keeps (newest first); running ones are all kept. */
const RECENT_FAILED = 10;

const num = (v: unknown) => asNumber(v) ?? 0;
const reason = (e: unknown) => e instanceof Error ? e.message : String(e);

/** The delegate tool of an action for a guest type (what the pipeline really runs). */
export function delegateOf(action: AppAction, type: "qemu" | "lxc") {
  if (action === "snapshot") return createSnapshot;
  const name = `${action}_${type === "qemu" ? "vm" : "container"}`;
  return LIFECYCLE_TOOLS.find((t) => t.name === name)!;
}

/**
 * Actions the configuration offers at all: read-only mode and disabled toolsets remove them, and
 * so does disabling the tool doing the action for both guest types (`tools.disabled_tools`).
 */
export function offeredActions(ctx: ToolContext, type?: "qemu" | "lxc"): AppAction[] {
  const off = new Set(ctx.config.tools.disabled_toolsets);
  const offTools = new Set(ctx.config.tools.disabled_tools ?? []);
  if (ctx.config.tools.read_only || off.has("dashboard")) return [];
  const types = type ? [type] : ["qemu", "lxc"] as const;
  return (Object.keys(APP_ACTIONS) as AppAction[]).filter((a) =>
    !off.has(delegateOf(a, "qemu").toolset) &&
    types.some((t) => !offTools.has(delegateOf(a, t).name))
  );
}

/** Reads the whole picture (about 5 requests, whatever the cluster size). */
export async function collectCluster(ctx: ToolContext): Promise<Picture> {
  const [res, status, tasks, ha] = await Promise.allSettled([
    ctx.pve.get("/cluster/resources"),
    getClusterStatus.run({}, ctx),
    listTasks.run({ limit: 500 }, ctx),
    getHaStatus.run({}, ctx),
  ]);
  if (res.status === "rejected") throw res.reason;
  const rows = asArray(res.value, "GET /cluster/resources");
  const warnings: string[] = [];
  const st = status.status === "fulfilled" ? status.value.structured : undefined;
  if (status.status === "rejected") {
    warnings.push(`cluster status not read: ${reason(status.reason)}`);
  } else warnings.push(...status.value.structured.warnings);

  const nodes = rows.filter((r) => r.type === "node").map((r) => ({
    name: asString(r.node) ?? "?",
    online: asString(r.status) === "online",
    cpu: num(r.cpu),
    maxcpu: num(r.maxcpu),
    mem: num(r.mem),
    maxmem: num(r.maxmem),
    uptime: num(r.uptime),
  })).sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));

  const offered = offeredActions(ctx);
  // A guest on an offline node cannot be acted on: the pipeline would refuse it.
  const down = new Set(nodes.filter((n) => !n.online).map((n) => n.name));
  const snap = ctx.permissions?.snapshot;
  const guests = rows.filter((r) => r.type === "qemu" || r.type === "lxc").map((r) => {
    const type = r.type as "qemu" | "lxc";
    const vmid = num(r.vmid);
    const tags = asTags(r.tags);
    const template = asBool(r.template);
    const name = asString(r.name) ?? null;
    const guarded = template || down.has(asString(r.node) ?? "") ||
      checkProtected({ vmid, type, name, tags }, ctx.config.safety).verdict === "fail";
    // Unknown privileges (not read yet) leave the decision to the pipeline.
    const actions = guarded
      ? []
      : offered.filter((a) => !snap || snap.has(`/vms/${vmid}`, APP_ACTIONS[a]));
    return {
      vmid,
      type,
      name,
      node: asString(r.node) ?? "?",
      status: asString(r.status) ?? "unknown",
      tags,
      template,
      lock: asString(r.lock) ?? null,
      cpu: num(r.cpu),
      maxcpu: num(r.maxcpu),
      mem: num(r.mem),
      maxmem: num(r.maxmem),
      disk: num(r.disk),
      maxdisk: num(r.maxdisk),
      uptime: num(r.uptime),
      actions,
    };
  }).sort((a, b) => a.vmid - b.vmid);

  const storage = rows.filter((r) => r.type === "storage").map((r) => ({
    storage: asString(r.storage) ?? "?",
    node: asString(r.node) ?? "?",
    status: asString(r.status) ?? "unknown",
    shared: asBool(r.shared),
    used: num(r.disk),
    total: num(r.maxdisk),
  })).sort((a, b) => a.storage.localeCompare(b.storage) || a.node.localeCompare(b.node));

  let running: Picture["tasks"]["running"] = [];
  let failed: Picture["tasks"]["failed"] = [];
  if (tasks.status === "fulfilled") {
    const all = tasks.value.structured.tasks;
    const brief = (t: (typeof all)[number]) => ({
      upid: t.upid,
      node: t.node,
      type: t.type,
      id: t.id,
      user: t.user,
      starttime: t.starttime,
      exitstatus: t.exitstatus,
    });
    running = all.filter((t) => t.status === "running").map(brief);
    failed = all.filter((t) => t.status === "error").slice(0, RECENT_FAILED).map(brief);
  } else warnings.push(`tasks not read: ${reason(tasks.reason)}`);

  let haPart: Picture["ha"] = null;
  if (ha.status === "fulfilled") {
    const h = ha.value.structured;
    haPart = {
      master: h.master?.node ?? null,
      services: h.services.length,
      error: h.services.filter((s) => s.state === "error" || s.state === "fence").map((s) => s.sid),
    };
  } else warnings.push(`HA not read: ${reason(ha.reason)}`);

  return {
    overview: {
      name: st?.cluster.name ?? null,
      quorate: st?.cluster.quorate ?? null,
      nodes_online: nodes.filter((n) => n.online).length,
      nodes_total: nodes.length,
    },
    nodes,
    guests,
    storage,
    tasks: { running, failed },
    ha: haPart,
    read_only: ctx.config.tools.read_only,
    actions: offered,
    warnings,
  };
}
