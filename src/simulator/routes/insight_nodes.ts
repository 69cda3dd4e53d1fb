/**
 * Node and storage insight endpoints: node RRD, node firewall, pending
 * updates, storage RRD and backup content listings.
 *
 * @module
 */

import { compact, PveError, type RouteTable } from "../routing.ts";
import { nodeOrThrow } from "../views.ts";
import { insightOf, nodeRrd, storageRrd } from "../insight_model.ts";
import { intParam } from "../params.ts";

const pad = (n: number) => String(n).padStart(2, "0");
const fileTime = (t: number) => {
  const d = new Date(t * 1000);
  return `${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}-` +
    `${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}`;
};

/** Routes of this family. */
export const INSIGHT_NODE_ROUTES: RouteTable = {
  "GET /nodes/{node}/rrddata": (ctx) =>
    nodeRrd(ctx.state, nodeOrThrow(ctx.state, ctx.pathParams.node), String(ctx.params.timeframe)),

  "GET /nodes/{node}/firewall/options": (ctx) => ({
    ...(insightOf(ctx.state).nodeFirewall[ctx.pathParams.node] ?? {}),
  }),

  "GET /nodes/{node}/firewall/rules": () => [],

  "GET /nodes/{node}/apt/update": (ctx) =>
    (insightOf(ctx.state).apt[ctx.pathParams.node] ?? []).map((p) => ({
      Arch: "amd64",
      Priority: "optional",
      Section: "admin",
      Title: p.Package,
      Description: `${p.Package} package`,
      ...p,
    })),

  "GET /nodes/{node}/storage/{storage}/rrddata": (ctx) => {
    const { node, storage } = ctx.pathParams;
    const s = ctx.state.storages.get(storage);
    if (!s || (s.nodes && !s.nodes.includes(node))) {
      throw new PveError(500, `storage '${storage}' does not exist`);
    }
    return storageRrd(ctx.state, s, node, String(ctx.params.timeframe));
  },

  // Backup archives only: other content types are not modelled.
  "GET /nodes/{node}/storage/{storage}/content": (ctx) => {
    const { node, storage } = ctx.pathParams;
    const s = ctx.state.storages.get(storage);
    if (!s || (s.nodes && !s.nodes.includes(node))) {
      throw new PveError(500, `storage '${storage}' does not exist`);
    }
    if (!s.active) throw new PveError(500, `storage '${storage}' is not online`);
    const content = ctx.params.content as string | undefined;
    if (content && content !== "backup") return [];
    const vmid = intParam(ctx.params.vmid);
    return insightOf(ctx.state).backups
      .filter((b) => b.storage === storage && (vmid === undefined || b.vmid === vmid))
      .filter((b) =>
        ctx.can(`/vms/${b.vmid}`, ["VM.Audit"]) ||
        ctx.can(`/storage/${storage}`, ["Datastore.Allocate"])
      )
      .sort((a, b) => a.vmid - b.vmid || a.ctime - b.ctime)
      .map((b) => {
        const ext = b.type === "qemu" ? "vma.zst" : "tar.zst";
        return compact({
          volid: `${storage}:backup/vzdump-${b.type}-${b.vmid}-${fileTime(b.ctime)}.${ext}`,
          content: "backup",
          format: ext,
          size: b.size,
          ctime: b.ctime,
          vmid: b.vmid,
          subtype: b.type,
          notes: ctx.state.guests.get(b.vmid)?.name,
        });
      });
  },
};
