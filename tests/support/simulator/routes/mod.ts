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
};
