/**
 * Several clusters in one configuration: the normal form every consumer sees.
 * A single-cluster file (`proxmox` + `auth`) becomes one cluster named
 * `default`; a `clusters` file keeps its names, and the top-level
 * `proxmox`/`auth` mirror the default cluster so single-cluster code keeps
 * working unchanged.
 *
 * @example
 * ```ts
 * import { normalizeClusters } from "./clusters.ts";
 * import { ConfigSchema } from "./schema.ts";
 * const auth = { user: "mcp@pve", token_name: "mcp", token_value: "secret-1" };
 * const cfg = normalizeClusters(ConfigSchema.parse({
 *   clusters: { lab: { proxmox: { host: "lab.lan" }, auth }, prod: { proxmox: { host: "p.lan" }, auth } },
 *   default_cluster: "prod",
 * }));
 * console.log(cfg.default_cluster, cfg.proxmox.host, Object.keys(cfg.clusters)); // prod p.lan [lab, prod]
 * ```
 *
 * @module
 */

import type { ClusterConfig, Config, ConfigSchema } from "./schema.ts";
import type { Infer } from "./spec.ts";

/** Name of the one cluster of a single-cluster configuration. */
export const SINGLE_CLUSTER_NAME = "default";

/** Turns a schema-valid document into the normal form (see the module doc). */
export function normalizeClusters(parsed: Infer<typeof ConfigSchema>): Config {
  const { proxmox, auth, clusters, default_cluster, ...rest } = parsed;
  if (!clusters) {
    // The schema's refinement guarantees both are present without `clusters`.
    const only: ClusterConfig = { proxmox: proxmox!, auth: auth! };
    return {
      ...rest,
      ...only,
      clusters: { [SINGLE_CLUSTER_NAME]: only },
      default_cluster: SINGLE_CLUSTER_NAME,
    };
  }
  const name = default_cluster ?? Object.keys(clusters)[0];
  return { ...rest, ...clusters[name], clusters, default_cluster: name };
}

/** The configured cluster names, default first. */
export function clusterNames(config: Pick<Config, "clusters" | "default_cluster">): string[] {
  const names = Object.keys(config.clusters);
  return [config.default_cluster, ...names.filter((n) => n !== config.default_cluster)];
}

/** Whether more than one cluster is configured (tools then take a `cluster` argument). */
export function isMultiCluster(config: Pick<Config, "clusters">): boolean {
  return Object.keys(config.clusters).length > 1;
}
