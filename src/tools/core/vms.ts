/**
 * `get_vms`: QEMU virtual machines, cluster-wide or on one node, in one request.
 *
 * @module
 */

import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { guestListInput, guestListOutput, listGuests } from "./guest_list.ts";
import { formatGuestList } from "../../format/guests.ts";

/** `get_vms`: filterable, paged list of VMs. */
export const getVms = defineTool({
  name: "get_vms",
  privileges: ["VM.Audit"],
  title: "List VMs",
  description: "List QEMU VMs across the cluster (or on one node) with state, CPU, memory, " +
    "uptime, tags and locks. Filters: node, status, tag, name, pool; paged (limit/offset). " +
    "One API call whatever the cluster size.",
  toolset: "core",
  annotations: READ_ONLY,
  input: guestListInput,
  output: guestListOutput,
  async run(args, ctx) {
    const structured = await listGuests("qemu", args, ctx);
    return { structured, text: formatGuestList("VM", structured) };
  },
});
