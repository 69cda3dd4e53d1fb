/**
 * `get_storage`: every storage with its usage, in one request
 * (`GET /cluster/resources?type=storage`). A shared storage appears once with
 * the nodes that see it and its state on each ("active on pve1, pve2; unknown on
 * pve3 (offline)"); a local one once per node.
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { looseEnum, nodeName, pageInfo, paging } from "../schemas.ts";
import { asArray, asBool, asNumber, asString } from "../../proxmox/lenient.ts";
import { ratio } from "../../format/units.ts";
import { formatStorageList } from "../../format/storage.ts";
import { assertNodeExists } from "./guest_list.ts";
import type { ToolContext } from "../../core/context.ts";

const NodeState = z.object({
  node: z.string(),
  state: z.string().describe("active, or PVE's status there (unknown...)"),
  node_offline: z.boolean().describe("the node is offline, so its state says nothing"),
});
type NodeState = z.infer<typeof NodeState>;

const StorageItem = z.object({
  storage: z.string(),
  type: z.string().nullable().describe("plugin type: dir, lvmthin, zfspool, nfs, rbd, pbs..."),
  node: z.string().nullable().describe("the node, for local storage; null when shared"),
  nodes: z.array(z.string()).describe("nodes that see this storage"),
  states: z.array(NodeState).describe("the storage's state on each node that sees it"),
  shared: z.boolean(),
  active: z.boolean().describe(
    "available on every online node that sees it (with `node`: on that node); offline nodes " +
      "do not count",
  ),
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
  description: "Storage: type, content types, shared or per node, used/total, state on each " +
    "node. node and content filter.",
  toolset: "core",
  annotations: READ_ONLY,
  input: {
    node: nodeName.optional(),
    content: looseEnum(["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"], {
      template: "vztmpl",
      templates: "vztmpl",
      backups: "backup",
      disk: "images",
    })
      .optional(),
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
    ).filter((r) => r.type === "storage" && (!args.node || asString(r.node) === args.node));
    // A storage not "available" on a node may only mean the node is offline: ask /nodes
    // (open to every token) then, and only then, so the healthy case stays one request.
    const offline = rows.some((r) => asString(r.status) !== "available")
      ? await offlineNodes(ctx)
      : new Set<string>();
    const merged = new Map<string, StorageItem>();
    for (const r of rows) {
      const storage = asString(r.storage) ?? "?";
      const node = asString(r.node) ?? "?";
      const shared = asBool(r.shared);
      const key = shared ? storage : `${storage}@${node}`;
      const available = asString(r.status) === "available";
      const state: NodeState = {
        node,
        state: available ? "active" : asString(r.status) ?? "unknown",
        node_offline: offline.has(node),
      };
      const item = merged.get(key) ?? {
        storage,
        type: asString(r.plugintype) ?? null,
        node: shared ? null : node,
        nodes: [],
        states: [],
        shared,
        active: false,
        content: (asString(r.content) ?? "").split(",").filter(Boolean).sort(),
        ...usage(undefined, undefined),
      };
      item.nodes.push(node);
      item.states.push(state);
      // Usage from the first node that sees the storage active (shared: the same figures).
      if (available && item.total === null) {
        Object.assign(item, usage(asNumber(r.disk), asNumber(r.maxdisk)));
      }
      merged.set(key, item);
    }
    for (const s of merged.values()) {
      // Active when available on every online node that sees it: an offline node says
      // nothing about a shared storage the others use.
      const online = s.states.filter((x) => !x.node_offline);
      s.active = online.length > 0 && online.every((x) => x.state === "active");
    }
    const storages = [...merged.values()].filter((s) =>
      !args.content || s.content.includes(args.content)
    ).sort((a, b) =>
      a.storage.localeCompare(b.storage) || (a.node ?? "").localeCompare(b.node ?? "")
    );
    for (const s of storages) {
      s.nodes.sort();
      s.states.sort((a, b) => a.node.localeCompare(b.node));
    }
    if (args.node && storages.length === 0) await assertNodeExists(args.node, ctx);
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

/** Nodes `/nodes` reports offline (empty when it cannot be read: then nothing is excused). */
async function offlineNodes(ctx: ToolContext): Promise<Set<string>> {
  try {
    const nodes = asArray(await ctx.pve.get("/nodes"), "GET /nodes");
    return new Set(
      nodes.filter((n) => asString(n.status) !== "online").map((n) => asString(n.node) ?? "?"),
    );
  } catch {
    return new Set();
  }
}

function usage(used: number | undefined, total: number | undefined) {
  return {
    used: used ?? null,
    total: total ?? null,
    avail: used !== undefined && total !== undefined ? Math.max(0, total - used) : null,
    usage_ratio: ratio(used, total),
  };
}
