/**
 * `/cluster/resources`, `/cluster/status` and `/cluster/nextid`.
 *
 * @module
 */

import { intParam } from "../params.ts";
import { paramError, type RouteTable } from "../routing.ts";
import { guestResource, nodeResource, storageResource } from "../views.ts";

/** Routes of this family. */
export const CLUSTER_ROUTES: RouteTable = {
  // Answered from the status cache in one round trip; each item is filtered by
  // the privilege PVE asks for it (VM.Audit, Datastore.*, Sys.Audit).
  "GET /cluster/resources": (ctx) => {
    const { state } = ctx;
    const type = ctx.params.type as string | undefined;
    const out: Record<string, unknown>[] = [];
    if (!type || type === "vm") {
      for (const g of [...state.guests.values()].sort((a, b) => a.vmid - b.vmid)) {
        if (!ctx.can(`/vms/${g.vmid}`, ["VM.Audit"])) continue;
        out.push(guestResource(g, state.nodes.get(g.node)?.online ?? false));
      }
    }
    if (!type || type === "node") {
      for (const n of state.nodes.values()) {
        if (ctx.can(`/nodes/${n.name}`, ["Sys.Audit"])) out.push(nodeResource(n));
      }
    }
    if (!type || type === "storage") {
      for (const n of state.nodes.values()) {
        for (const s of state.storagesOn(n.name)) {
          if (!s.enabled) continue;
          if (!ctx.can(`/storage/${s.id}`, ["Datastore.Audit", "Datastore.AllocateSpace"], true)) {
            continue;
          }
          out.push(storageResource(s, n.name, n.online));
        }
      }
    }
    if (!type) {
      for (const p of state.pools.values()) {
        if (ctx.can(`/pool/${p.poolid}`, ["Pool.Audit"])) {
          out.push({ id: `/pool/${p.poolid}`, type: "pool", pool: p.poolid });
        }
      }
    }
    return out;
  },

  "GET /cluster/status": ({ state }) => {
    const local = state.localNode;
    return [
      {
        type: "cluster",
        id: "cluster",
        name: state.name,
        nodes: state.nodes.size,
        quorate: state.quorate ? 1 : 0,
        version: state.version,
      },
      ...[...state.nodes.values()].map((n) => ({
        type: "node",
        id: `node/${n.name}`,
        name: n.name,
        nodeid: n.nodeid,
        ip: n.ip,
        online: n.online ? 1 : 0,
        local: n.name === local ? 1 : 0,
        level: n.level,
      })),
    ];
  },

  // Real PVE answers the id as a string ("data":"106") although the schema says integer.
  "GET /cluster/nextid": ({ state, params }) => {
    const wanted = intParam(params.vmid);
    if (wanted === undefined) return String(state.nextId());
    if (state.guests.has(wanted)) throw paramError("vmid", `VM ${wanted} already exists`);
    return String(wanted);
  },
};
