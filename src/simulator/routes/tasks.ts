/**
 * Task endpoints: lists, status, log and stop. Owners see their own tasks;
 * others need `Sys.Audit` (read) or `Sys.Modify` (stop) on `/nodes/{node}`.
 *
 * @module
 */

import { boolParam, intParam } from "../params.ts";
import { PveError, type RouteContext, type RouteTable } from "../routing.ts";
import type { SimTask } from "../tasks.ts";
import { parseUpid } from "../tasks.ts";

const isOwner = (ctx: RouteContext, t: SimTask) =>
  t.user === ctx.tokenId || t.user === ctx.token.user;

function listEntry(t: SimTask): Record<string, unknown> {
  const e: Record<string, unknown> = {
    upid: t.upid,
    node: t.node,
    pid: t.pid,
    pstart: t.pstart,
    starttime: t.starttime,
    type: t.type,
    id: t.id,
    user: t.user,
  };
  if (!t.running) {
    e.endtime = t.endtime;
    e.status = t.exitstatus;
  }
  return e;
}

function taskOf(ctx: RouteContext, priv: "Sys.Audit" | "Sys.Modify"): SimTask {
  const { node, upid } = ctx.pathParams;
  const parsed = parseUpid(upid);
  if (!parsed) throw new PveError(500, `unable to parse worker upid '${upid}'`);
  const t = ctx.state.tasks.get(upid);
  if (!t || t.node !== node) {
    throw new PveError(500, `can't open file '/var/log/pve/tasks/active' - no such task '${upid}'`);
  }
  if (!isOwner(ctx, t) && !ctx.can(`/nodes/${node}`, [priv])) {
    throw new PveError(403, `Permission check failed (/nodes/${node}, ${priv})`);
  }
  return t;
}

/** Routes of this family. */
export const TASK_ROUTES: RouteTable = {
  "GET /cluster/tasks": (ctx) =>
    ctx.state.tasks.list()
      .filter((t) => isOwner(ctx, t) || ctx.can(`/nodes/${t.node}`, ["Sys.Audit"]))
      .slice(0, 200) // pvestatd keeps the most recent ones
      .map((t) => ({ ...listEntry(t), saved: t.running ? "0" : "1" })),

  "GET /nodes/{node}/tasks": (ctx) => {
    const { node } = ctx.pathParams;
    const p = ctx.params;
    const source = (p.source as string | undefined) ?? "archive";
    const vmid = p.vmid as string | undefined;
    const statuses = (p.statusfilter as string | undefined)?.split(/[,;\s]+/).filter(Boolean);
    const since = intParam(p.since);
    const until = intParam(p.until);
    const audit = ctx.can(`/nodes/${node}`, ["Sys.Audit"]);
    const all = ctx.state.tasks.list().filter((t) =>
      t.node === node &&
      (audit || isOwner(ctx, t)) &&
      (source === "all" || (source === "active") === t.running) &&
      (!boolParam(p.errors) || (!t.running && t.exitstatus !== "OK")) &&
      (!p.typefilter || t.type === p.typefilter) &&
      (!p.userfilter || t.user.includes(String(p.userfilter))) &&
      (!vmid || t.id === vmid) &&
      (since === undefined || t.starttime >= since) &&
      (until === undefined || t.starttime <= until) &&
      (!statuses || statuses.includes(taskState(t)))
    );
    ctx.setTotal(all.length);
    const start = intParam(p.start) ?? 0;
    return all.slice(start, start + (intParam(p.limit) ?? 50)).map(listEntry);
  },

  "GET /nodes/{node}/tasks/{upid}/status": (ctx) => {
    const t = taskOf(ctx, "Sys.Audit");
    const s: Record<string, unknown> = {
      ...listEntry(t),
      status: t.running ? "running" : "stopped",
    };
    delete s.endtime;
    if (!t.running) s.exitstatus = t.exitstatus;
    return s;
  },

  "GET /nodes/{node}/tasks/{upid}/log": (ctx) => {
    const t = taskOf(ctx, "Sys.Audit");
    const start = intParam(ctx.params.start) ?? 0;
    const limit = intParam(ctx.params.limit) ?? 50;
    ctx.setTotal(t.log.length);
    const lines = t.log.slice(start, start + limit).map((line, i) => ({
      n: start + i + 1,
      t: line,
    }));
    // An empty log still answers one line, as PVE's file reader does.
    return lines.length || start > 0 ? lines : [{ n: 1, t: "no content" }];
  },

  "DELETE /nodes/{node}/tasks/{upid}": (ctx) => {
    const t = taskOf(ctx, "Sys.Modify");
    ctx.state.tasks.stop(t.upid);
    return null;
  },
};

// statusfilter values: ok, error, warning, unknown (running tasks match none).
function taskState(t: SimTask): string {
  if (t.running) return "running";
  if (t.exitstatus === "OK") return "ok";
  if (t.exitstatus.startsWith("WARNINGS")) return "warning";
  return "error";
}
