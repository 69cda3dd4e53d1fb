/**
 * All route families merged into one table. To add endpoints (e.g. lifecycle
 * actions), write a `routes/<family>.ts` exporting a `RouteTable` and list it here.
 *
 * @module
 */

import type { RouteTable } from "../routing.ts";
import { ACCESS_ROUTES } from "./access.ts";
import { AGENT_ROUTES } from "./agent.ts";
import { POWER_ROUTES } from "./actions_power.ts";
import { SNAPSHOT_ROUTES } from "./actions_snapshot.ts";
import { CLUSTER_ROUTES } from "./cluster.ts";
import { GUEST_ROUTES } from "./guests.ts";
import { INSIGHT_CLUSTER_ROUTES } from "./insight_cluster.ts";
import { INSIGHT_GUEST_ROUTES } from "./insight_guests.ts";
import { INSIGHT_NODE_ROUTES } from "./insight_nodes.ts";
import { NODE_ROUTES } from "./nodes.ts";
import { STORAGE_ROUTES } from "./storage.ts";
import { TASK_ROUTES } from "./tasks.ts";
import { PROVISION_CREATE_ROUTES } from "./provision_create.ts";
import { PROVISION_GUEST_ROUTES } from "./provision_guests.ts";
import { PROVISION_CONFIG_ROUTES } from "./provision_config.ts";
import { BACKUP_ROUTES } from "./backups_vzdump.ts";

/** Every implemented endpoint, by `"METHOD /template"`. */
export const ROUTES: RouteTable = {
  ...ACCESS_ROUTES,
  ...CLUSTER_ROUTES,
  ...NODE_ROUTES,
  ...STORAGE_ROUTES,
  ...TASK_ROUTES,
  ...GUEST_ROUTES,
  ...INSIGHT_CLUSTER_ROUTES,
  ...INSIGHT_NODE_ROUTES,
  ...INSIGHT_GUEST_ROUTES,
  ...POWER_ROUTES,
  ...SNAPSHOT_ROUTES,
  ...AGENT_ROUTES,
  ...PROVISION_CREATE_ROUTES,
  ...PROVISION_GUEST_ROUTES,
  ...PROVISION_CONFIG_ROUTES,
  // Last: its content listing (every content type) replaces insight_nodes.ts' backup-only one.
  ...BACKUP_ROUTES,
};
