/**
 * `get_vms`: every guest — QEMU VMs and LXC containers — cluster-wide or on one
 * node, in one request; `type` narrows to one kind, `sort` with `limit` gives
 * the top N by CPU, memory, disk or uptime.
 *
 * @example
 * ```ts
 * import { getVms } from "./vms.ts";
 * console.log(Object.keys(getVms.input).includes("sort")); // true
 * ```
 *
 * @module
 */

import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { guestListInput, guestListOutput, listGuests } from "./guest_list.ts";
import { formatGuestList } from "../../format/guests.ts";

/** `get_vms`: filterable, sortable, paged list of guests. */
export const getVms = defineTool({
  name: "get_vms",
  privileges: ["VM.Audit"],
  title: "List guests",
  description: "VMs and containers cluster-wide: state, CPU, memory, disk, uptime, tags, " +
    "lock. type narrows to qemu or lxc; name matches a substring or * ? pattern. One request.",
  toolset: "core",
  annotations: READ_ONLY,
  input: guestListInput,
  output: guestListOutput,
  async run(args, ctx) {
    const structured = await listGuests(args, ctx);
    const kind = args.type === "lxc" ? "container" : args.type === "qemu" ? "VM" : "guest";
    return { structured, text: formatGuestList(kind, structured) };
  },
});
