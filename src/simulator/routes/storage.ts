/**
 * `/storage` (storage.cfg) and `/nodes/{node}/storage` (per-node status).
 *
 * @module
 */

import { boolParam } from "../params.ts";
import type { RouteContext, RouteTable } from "../routing.ts";
import { nodeStorage, storageConfig } from "../views.ts";

// Both listings show only storages with Datastore.Audit or Datastore.AllocateSpace.
const visible = (ctx: RouteContext, id: string) =>
  ctx.can(`/storage/${id}`, ["Datastore.Audit", "Datastore.AllocateSpace"], true);

/** Routes of this family. */
export const STORAGE_ROUTES: RouteTable = {
  "GET /storage": (ctx) => {
    const type = ctx.params.type as string | undefined;
    return [...ctx.state.storages.values()]
      .filter((s) => (!type || s.type === type) && visible(ctx, s.id))
      .map(storageConfig);
  },

  "GET /nodes/{node}/storage": (ctx) => {
    const { node } = ctx.pathParams;
    const content = (ctx.params.content as string | undefined)?.split(/[,;\s]+/).filter(Boolean);
    const enabled = boolParam(ctx.params.enabled);
    const only = ctx.params.storage as string | undefined;
    const target = ctx.params.target as string | undefined;
    return ctx.state.storagesOn(node)
      .filter((s) => visible(ctx, s.id))
      .filter((s) => !only || s.id === only)
      .filter((s) => !enabled || (s.enabled && s.active))
      .filter((s) => !content || content.some((c) => s.content.includes(c)))
      .filter((s) =>
        !target || target === node || (s.shared && (!s.nodes || s.nodes.includes(target)))
      )
      .map((s) => nodeStorage(s, node));
  },
};
