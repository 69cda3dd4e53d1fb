/**
 * `get_storage`: every storage with its usage, in one request
 * (`GET /cluster/resources?type=storage`). A shared storage appears once with
 * the nodes that see it; a local one once per node.
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { nodeName, pageInfo, paging } from "../schemas.ts";
import { asArray, asBool, asNumber, asString } from "../../proxmox/lenient.ts";
import { ratio } from "../../format/units.ts";
import { formatStorageList } from "../../format/storage.ts";

const StorageItem = z.object({
  storage: z.string(),
  type: z.string().nullable().describe("plugin type: dir, lvmthin, zfspool, nfs, rbd, pbs..."),
  node: z.string().nullable().describe("the node, for local storage; null when shared"),
  nodes: z.array(z.string()).describe("nodes that see this storage"),
  shared: z.boolean(),
  active: z.boolean().describe("false when PVE reports it unavailable on some node"),
  content: z.array(z.string()),
  used: z.number().nullable(),
  total: z.number().nullable(),
  avail: z.number().nullable(),
  usage_ratio: z.number().nullable(),
});
type StorageItem = z.infer<typeof StorageItem>;

/** `get_storage`: storage pools and their usage. */
export const getStorage = defineTool({
  name: "get_storage",
  privileges: ["Datastore.Audit", "Datastore.AllocateSpace"],
  title: "List storage",
  description: "List storage across the cluster: type, content types, shared or per node, " +
    "used/total space and whether it is active. Filters: node, content (e.g. images, backup, " +
    "iso). One API call.",
  toolset: "core",
  annotations: READ_ONLY,
  input: {
    node: nodeName.optional().describe("Only storage visible on this node"),
    content: z.enum(["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"])
      .optional().describe("Only storage that holds this content type"),
    ...paging,
  },
  output: {
    storages: z.array(StorageItem),
    ...pageInfo,
    inactive: z.number().int().describe("Inactive storages among all that match"),
  },
  async run(args, ctx) {
    const rows = asArray(
      await ctx.pve.get("/cluster/resources", { type: "storage" }),
      "GET /cluster/resources",
    );
    const merged = new Map<string, StorageItem>();
    for (const r of rows) {
      if (r.type !== "storage") continue;
      const storage = asString(r.storage) ?? "?";
      const node = asString(r.node) ?? "?";
      const shared = asBool(r.shared);
      const key = shared ? storage : `${storage}@${node}`;
      const active = asString(r.status) === "available";
      const used = asNumber(r.disk);
      const total = asNumber(r.maxdisk);
      const item = merged.get(key);
      if (item) {
        item.nodes.push(node);
        item.active &&= active;
        if (item.total === null && active) {
          Object.assign(item, usage(used, total));
        }
        continue;
      }
      merged.set(key, {
        storage,
        type: asString(r.plugintype) ?? null,
        node: shared ? null : node,
        nodes: [node],
        shared,
        active,
        content: (asString(r.content) ?? "").split(",").filter(Boolean).sort(),
        ...(active ? usage(used, total) : usage(undefined, undefined)),
      });
    }
    const storages = [...merged.values()].filter((s) =>
      (!args.node || s.nodes.includes(args.node)) &&
      (!args.content || s.content.includes(args.content))
    ).sort((a, b) =>
      a.storage.localeCompare(b.storage) || (a.node ?? "").localeCompare(b.node ?? "")
    );
    for (const s of storages) s.nodes.sort();
    const page = storages.slice(args.offset, args.offset + args.limit);
    const end = args.offset + page.length;
    const structured = {
      storages: page,
      total: storages.length,
      returned: page.length,
      offset: args.offset,
      next_offset: end < storages.length ? end : null,
      inactive: storages.filter((s) => !s.active).length,
    };
    return { structured, text: formatStorageList(structured) };
  },
});

function usage(used: number | undefined, total: number | undefined) {
  return {
    used: used ?? null,
    total: total ?? null,
    avail: used !== undefined && total !== undefined ? Math.max(0, total - used) : null,
    usage_ratio: ratio(used, total),
  };
}
