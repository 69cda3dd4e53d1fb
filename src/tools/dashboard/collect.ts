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
import {
  asArray,
  asBool,
  asNumber,
  asString,
  asTags,
  guestKind,
  guestVmid,
} from "../../proxmox/lenient.ts";
import { membership } from "../core/cluster_rows.ts";
import { PveError } from "../../proxmox/errors.ts";
import { listTasks } from "../tasks/tasks.ts";
import { getHaStatus } from "../insight/insight_cluster.ts";
import { checkProtected } from "../../safety/policy.ts";
import { guestPower } from "../lifecycle/lifecycle.ts";
import { guestSnapshot } from "../snapshots/snapshots.ts";
import type { Picture } from "./picture.ts";
import type { AnyTool } from "../../core/tool.ts";
import { disabledActions } from "../aliases.ts";

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

/** The tool an action runs through (what the model would call), and its fixed arguments. */
export function delegateOf(action: AppAction): { tool: AnyTool; args: { action: string } } {
  return action === "snapshot"
    ? { tool: guestSnapshot, args: { action: "create" } }
    : { tool: guestPower, args: { action } };
}

/**
 * Actions the configuration offers at all: read-only mode, a disabled toolset and a disabled
 * tool (`tools.disabled_tools`) remove the actions of the tool that does them.
 */
export function offeredActions(ctx: ToolContext): AppAction[] {
  const off = new Set(ctx.config.tools.disabled_toolsets);
  const offTools = new Set(ctx.config.tools.disabled_tools ?? []);
  if (ctx.config.tools.read_only || off.has("dashboard")) return [];
  return (Object.keys(APP_ACTIONS) as AppAction[]).filter((a) => {
    const { tool, args } = delegateOf(a);
    return !off.has(tool.toolset) && !offTools.has(tool.name) &&
      !disabledActions(tool.name, [...offTools]).has(args.action);
  });
}

/** Reads the whole picture (about 5 requests, whatever the cluster size). */
export async function collectCluster(ctx: ToolContext): Promise<Picture> {
  const [res, status, tasks, ha] = await Promise.allSettled([
    ctx.pve.get("/cluster/resources"),
    ctx.pve.get("/cluster/status"),
    listTasks.run({ limit: 500 }, ctx),
    getHaStatus.run({}, ctx),
  ]);
  if (res.status === "rejected") throw res.reason;
  const rows = asArray(res.value, "GET /cluster/resources");
  const warnings: string[] = [];
  // Quorum from /cluster/status, read beside the one resource list the picture is drawn from.
  const st = status.status === "fulfilled"
    ? membership(asArray(status.value, "GET /cluster/status"), rows)
    : undefined;
  if (status.status === "rejected") {
    warnings.push(
      status.reason instanceof PveError && status.reason.kind === "permission"
        ? "quorum not checked: the token lacks Sys.Audit on /"
        : `cluster status not read: ${reason(status.reason)}`,
    );
  }

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
  // Real answers may carry only `id: "qemu/100"` (lenient.ts): kind and VMID from there too.
  const guests = rows.filter((r) => guestKind(r) !== undefined).map((r) => {
    const type = guestKind(r)!;
    const vmid = guestVmid(r) ?? 0;
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
