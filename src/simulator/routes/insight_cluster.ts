/**
 * Cluster-wide insight endpoints: HA resources and status, backup jobs and
 * the not-backed-up list, pools with members, cluster firewall.
 *
 * @module
 */

import { guestResource } from "../views.ts";
import { compact, PveError, type RouteContext, type RouteTable } from "../routing.ts";
import type { GuestModel } from "../state.ts";
import { insightNow, insightOf, jobSelects } from "../insight_model.ts";

const sid = (g: GuestModel) => `${g.type === "lxc" ? "ct" : "vm"}:${g.vmid}`;
const haGuests = (ctx: RouteContext) =>
  [...ctx.state.guests.values()].filter((g) => g.hastate).sort((a, b) => a.vmid - b.vmid);
const stamp = (t: number) => new Date(t * 1000).toUTCString().replace(" GMT", "");

function poolMembers(ctx: RouteContext, poolid: string, type?: string) {
  return [...ctx.state.guests.values()]
    .filter((g) => g.pool === poolid && (!type || g.type === type))
    .sort((a, b) => a.vmid - b.vmid)
    .map((g) => guestResource(g, ctx.state.nodes.get(g.node)?.online ?? false));
}

// Before 8.1 `GET /pools` had no parameters and `additionalProperties: 0`.
function refuseUnknownParams(ctx: RouteContext, names: string[]): void {
  const errors: Record<string, string> = {};
  for (const n of names) {
    if (ctx.params[n] !== undefined) {
      errors[n] = "property is not defined in schema and the schema does not allow additional " +
        "properties";
    }
  }
  if (Object.keys(errors).length) throw new PveError(400, "Parameter verification failed.", errors);
}

/** Routes of this family. */
export const INSIGHT_CLUSTER_ROUTES: RouteTable = {
  "GET /cluster/ha/resources": (ctx) => {
    const type = ctx.params.type as string | undefined;
    return haGuests(ctx)
      .filter((g) => !type || (type === "ct") === (g.type === "lxc"))
      .map((g) => ({
        sid: sid(g),
        type: g.type === "lxc" ? "ct" : "vm",
        // The requested state; "error" is a live state, the request stays "started".
        state: g.hastate === "stopped" || g.hastate === "disabled" ? g.hastate : "started",
        max_restart: 1,
        max_relocate: 1,
        failback: 1,
        digest: "3f2c1b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
      }));
  },

  "GET /cluster/ha/status/current": (ctx) => {
    const { state } = ctx;
    const local = state.localNode ?? "";
    const now = insightNow(state);
    const out: Record<string, unknown>[] = [{
      id: "quorum",
      type: "quorum",
      node: local,
      quorate: state.quorate ? 1 : 0,
      status: state.quorate ? "OK" : `No quorum on node '${local}'!`,
    }];
    const guests = haGuests(ctx);
    if (!guests.length) return out;
    out.push({
      id: "master",
      type: "master",
      node: local,
      status: `${local} (active, ${stamp(now - 4)})`,
      timestamp: now - 4,
    });
    for (const n of state.nodes.values()) {
      out.push({
        id: `lrm:${n.name}`,
        type: "lrm",
        node: n.name,
        status: n.online
          ? `${n.name} (active, ${stamp(now - 6)})`
          : `${n.name} (old timestamp - dead?, ${stamp(now - 3600)})`,
        timestamp: n.online ? now - 6 : now - 3600,
      });
    }
    for (const g of guests) {
      out.push({
        id: `service:${sid(g)}`,
        type: "service",
        sid: sid(g),
        node: g.node,
        state: g.hastate,
        crm_state: g.hastate,
        request_state: g.hastate === "error" ? "started" : g.hastate,
        status: `${sid(g)} (${g.node}, ${g.hastate})`,
        max_restart: 1,
        max_relocate: 1,
        failback: 1,
      });
    }
    return out;
  },

  "GET /cluster/backup": (ctx) =>
    insightOf(ctx.state).backupJobs.map((j) => ({ type: "vzdump", ...j })),

  // As PVE: every job counts, enabled or not; templates are listed too.
  "GET /cluster/backup-info/not-backed-up": (ctx) => {
    const jobs = insightOf(ctx.state).backupJobs;
    return [...ctx.state.guests.values()]
      .filter((g) => !jobs.some((j) => jobSelects(j, g)))
      .sort((a, b) => a.vmid - b.vmid)
      .map((g) => ({ vmid: g.vmid, type: g.type, name: g.name }));
  },

  "GET /pools": (ctx) => {
    const poolid = ctx.params.poolid as string | undefined;
    const type = ctx.params.type as string | undefined;
    if (!ctx.state.pveRelease.poolQuery) refuseUnknownParams(ctx, ["poolid", "type"]);
    if (type !== undefined && poolid === undefined) {
      throw new PveError(400, "Parameter verification failed.", {
        type: "missing property 'poolid' - required by 'type'",
      });
    }
    const pools = [...ctx.state.pools.values()]
      .filter((p) => ctx.can(`/pool/${p.poolid}`, ["Pool.Audit"]));
    if (poolid === undefined) {
      return pools.map((p) => compact({ poolid: p.poolid, comment: p.comment }));
    }
    const p = ctx.state.pools.get(poolid);
    if (!p) throw new PveError(500, `pool '${poolid}' does not exist`);
    if (!ctx.can(`/pool/${poolid}`, ["Pool.Audit"])) {
      throw new PveError(403, `Permission check failed (/pool/${poolid}, Pool.Audit)`);
    }
    return [compact({ poolid, comment: p.comment, members: poolMembers(ctx, poolid, type) })];
  },

  // Deprecated since 8.1 (no nested pools) but still served; the only way to members before.
  "GET /pools/{poolid}": (ctx) => {
    const poolid = String(ctx.params.poolid);
    const p = ctx.state.pools.get(poolid);
    if (!p) throw new PveError(500, `pool '${poolid}' does not exist`);
    const type = ctx.params.type as string | undefined;
    return compact({ comment: p.comment, members: poolMembers(ctx, poolid, type) });
  },

  "GET /cluster/firewall/options": (ctx) => ({ ...insightOf(ctx.state).clusterFirewall }),

  "GET /cluster/firewall/rules": (ctx) =>
    insightOf(ctx.state).clusterRules.map((r, pos) => compact({ pos, ...r })),
};
