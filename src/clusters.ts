/**
 * Several clusters at run time: one {@linkcode ToolContext} per configured
 * cluster, each with its own PVE client, sharing the logger, redactor and
 * audit sink of the main context (one audit chain, one log).
 *
 * @example
 * ```ts ignore
 * import { contextFor } from "./clusters.ts";
 * const lab = contextFor(ctx, "lab"); // ctx from createContext(config)
 * await lab.pve.get("/nodes");
 * ```
 *
 * @module
 */

import type { ClusterConfig } from "./config/schema.ts";
import { clusterNames } from "./config/clusters.ts";
import type { PveClient } from "./proxmox/client.ts";
import type { ToolContext } from "./core/context.ts";

/** Builds one context per cluster; the default cluster reuses `ctx.pve`. */
export async function clusterContexts(
  ctx: ToolContext,
  makeClient: (cluster: ClusterConfig, name: string) => Promise<PveClient>,
): Promise<Map<string, ToolContext>> {
  const out = new Map<string, ToolContext>();
  for (const name of clusterNames(ctx.config)) {
    const cluster = ctx.config.clusters[name];
    const pve = name === ctx.config.default_cluster ? ctx.pve : await makeClient(cluster, name);
    // `proxmox`/`auth` of the copy are this cluster's, so a tool reading them sees its own.
    out.set(name, {
      ...ctx,
      pve,
      config: { ...ctx.config, proxmox: cluster.proxmox, auth: cluster.auth },
    });
  }
  return out;
}

/** The context of cluster `name` (the default cluster when `name` is undefined). */
export function contextFor(ctx: ToolContext, name?: string): ToolContext {
  if (name === undefined || name === ctx.config.default_cluster || !ctx.clusters) return ctx;
  const found = ctx.clusters.get(name);
  if (!found) {
    throw new Error(
      `unknown cluster "${name}": configured clusters are ${[...ctx.clusters.keys()].join(", ")}`,
    );
  }
  return found;
}

/** Every cluster's context, default first (just `ctx` with one cluster). */
export function allContexts(ctx: ToolContext): Array<[string, ToolContext]> {
  return ctx.clusters ? [...ctx.clusters] : [[ctx.config.default_cluster, ctx]];
}

/** Closes every cluster's PVE client. */
export function closeClients(ctx: ToolContext): void {
  const clients = new Set([ctx.pve, ...[...(ctx.clusters?.values() ?? [])].map((c) => c.pve)]);
  for (const c of clients) c.close();
}
