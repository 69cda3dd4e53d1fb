/**
 * Node tools: `get_nodes` (one request: `GET /nodes`) and `get_node_status`
 * (one request: `GET /nodes/{node}/status`).
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { nodeName } from "../schemas.ts";
import { asArray, asNumber, asObject, asString } from "../../proxmox/lenient.ts";
import { ratio } from "../../format/units.ts";
import { formatNodeList, formatNodeStatus } from "../../format/nodes.ts";
import { PveError } from "../../proxmox/errors.ts";
import { nodeList } from "../natural_args.ts";

const NodeItem = z.object({
  node: z.string(),
  status: z.enum(["online", "offline", "unknown"]),
  cpu: z.number().nullable().describe("CPU use, fraction 0..1"),
  maxcpu: z.number().nullable(),
  mem: z.number().nullable().describe("bytes used"),
  maxmem: z.number().nullable(),
  mem_ratio: z.number().nullable(),
  uptime: z.number().nullable().describe("seconds"),
  level: z.string().nullable().describe("subscription level"),
});

/** `get_nodes`: every node with its state and load. */
export const getNodes = defineTool({
  name: "get_nodes",
  privileges: [],
  title: "List nodes",
  description: "Nodes: online state, CPU, memory, uptime.",
  toolset: "core",
  annotations: READ_ONLY,
  input: {},
  output: {
    nodes: z.array(NodeItem),
    total: z.number().int(),
    online: z.number().int(),
    offline: z.number().int(),
  },
  async run(_args, ctx) {
    const rows = asArray(await ctx.pve.get("/nodes"), "GET /nodes");
    const nodes = rows.map((r) => {
      const raw = asString(r.status);
      const status: "online" | "offline" | "unknown" = raw === "online" || raw === "offline"
        ? raw
        : "unknown";
      const online = status === "online";
      const mem = online ? asNumber(r.mem) : undefined;
      const maxmem = online ? asNumber(r.maxmem) : undefined;
      return {
        node: asString(r.node) ?? "?",
        status,
        cpu: online ? asNumber(r.cpu) ?? null : null,
        maxcpu: asNumber(r.maxcpu) ?? null,
        mem: mem ?? null,
        maxmem: maxmem ?? null,
        mem_ratio: ratio(mem, maxmem),
        uptime: online ? asNumber(r.uptime) ?? null : null,
        level: asString(r.level) ?? null,
      };
    }).sort((a, b) => a.node.localeCompare(b.node, "en", { numeric: true }));
    const structured = {
      nodes,
      total: nodes.length,
      online: nodes.filter((n) => n.status === "online").length,
      offline: nodes.filter((n) => n.status !== "online").length,
    };
    return { structured, text: formatNodeList(structured) };
  },
});

const Usage = z.object({
  used: z.number().nullable(),
  total: z.number().nullable(),
  free: z.number().nullable(),
  ratio: z.number().nullable(),
});

function usage(v: unknown) {
  const o = v && typeof v === "object" ? v as Record<string, unknown> : {};
  const used = asNumber(o.used);
  const total = asNumber(o.total);
  const free = asNumber(o.free) ?? asNumber(o.avail);
  return {
    used: used ?? null,
    total: total ?? null,
    free: free ?? null,
    ratio: ratio(used, total),
  };
}

/** `get_node_status`: one node's detail. */
export const getNodeStatus = defineTool({
  name: "get_node_status",
  privileges: ["Sys.Audit"],
  title: "Node status",
  description: "One node in detail: CPU model and load, memory, swap, root disk, kernel, PVE " +
    "version, uptime.",
  toolset: "core",
  annotations: READ_ONLY,
  input: { node: nodeName },
  output: {
    node: z.string(),
    uptime: z.number().nullable(),
    cpu: z.number().nullable().describe("CPU use, fraction 0..1"),
    cpuinfo: z.object({
      model: z.string().nullable(),
      sockets: z.number().nullable(),
      cores: z.number().nullable(),
      cpus: z.number().nullable(),
    }),
    loadavg: z.array(z.number()).describe("1, 5 and 15 minute load averages"),
    wait: z.number().nullable().describe("IO wait, fraction"),
    memory: Usage,
    swap: Usage,
    rootfs: Usage,
    kernel: z.string().nullable(),
    pve_version: z.string().nullable(),
    boot_mode: z.string().nullable(),
  },
  async run({ node }, ctx) {
    let raw;
    try {
      raw = await ctx.pve.get("/nodes/{node}/status", { node });
    } catch (e) {
      // PVE reports an unknown node as a failed host name lookup.
      if (e instanceof PveError && /hostname lookup|no such node|does not exist/i.test(e.message)) {
        throw new PveError(
          "not-found",
          `node "${node}" is not part of this cluster: ${await nodeList(ctx, node)}.`,
          e.details,
        );
      }
      throw e;
    }
    const s = asObject(raw, "GET /nodes/{node}/status");
    const cpuinfo = (s.cpuinfo ?? {}) as Record<string, unknown>;
    const kernel = (s["current-kernel"] ?? {}) as Record<string, unknown>;
    const boot = (s["boot-info"] ?? {}) as Record<string, unknown>;
    const structured = {
      node,
      uptime: asNumber(s.uptime) ?? null,
      cpu: asNumber(s.cpu) ?? null,
      cpuinfo: {
        model: asString(cpuinfo.model) ?? null,
        sockets: asNumber(cpuinfo.sockets) ?? null,
        cores: asNumber(cpuinfo.cores) ?? null,
        cpus: asNumber(cpuinfo.cpus) ?? null,
      },
      loadavg: Array.isArray(s.loadavg)
        ? s.loadavg.map(asNumber).filter((n): n is number => n !== undefined)
        : [],
      wait: asNumber(s.wait) ?? null,
      memory: usage(s.memory),
      swap: usage(s.swap),
      rootfs: usage(s.rootfs),
      kernel: asString(kernel.release) ?? asString(s.kversion) ?? null,
      pve_version: asString(s.pveversion) ?? null,
      boot_mode: asString(boot.mode) ?? null,
    };
    return { structured, text: formatNodeStatus(structured) };
  },
});
