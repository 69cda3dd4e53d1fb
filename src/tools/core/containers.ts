/**
 * `get_containers`: LXC containers, cluster-wide or on one node, in one request.
 *
 * @module
 */

import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { guestListInput, guestListOutput, listGuests } from "./guest_list.ts";
import { formatGuestList } from "../../format/guests.ts";

/** `get_containers`: filterable, paged list of LXC containers. */
export const getContainers = defineTool({
  name: "get_containers",
  privileges: ["VM.Audit"],
  title: "List containers",
  description: "List LXC containers across the cluster (or on one node) with state, CPU, " +
    "memory, uptime, tags and locks. Filters: node, status, tag, name, pool; paged " +
    "(limit/offset). One API call whatever the cluster size.",
  toolset: "core",
  annotations: READ_ONLY,
  input: guestListInput,
  output: guestListOutput,
  async run(args, ctx) {
    const structured = await listGuests("lxc", args, ctx);
    return { structured, text: formatGuestList("container", structured) };
  },
});
