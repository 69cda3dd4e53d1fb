/**
 * `get_firewall`: firewall options and rules of the cluster, a node or a
 * guest. Cost: 2 requests (3 for a guest: the lookup tells VM from container).
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { looseEnum, nodeName, vmid } from "../schemas.ts";
import { findGuest } from "./insight_common.ts";
import { asArray, asNumber, asObject, asString } from "../../proxmox/lenient.ts";
import { PveError } from "../../proxmox/errors.ts";
import { formatFirewall } from "../../format/insight.ts";

const Rule = z.object({
  pos: z.number().int(),
  enabled: z.boolean(),
  type: z.string().describe("in, out, forward or group"),
  action: z.string().describe("ACCEPT, DROP, REJECT or a security group name"),
  macro: z.string().nullable(),
  proto: z.string().nullable(),
  source: z.string().nullable(),
  dest: z.string().nullable(),
  sport: z.string().nullable(),
  dport: z.string().nullable(),
  iface: z.string().nullable(),
  log: z.string().nullable(),
  comment: z.string().nullable(),
});

// Where `enable` is absent PVE applies a default: off for the cluster and guests, on for nodes.
const DEFAULT_ENABLED = { cluster: false, node: true, guest: false } as const;

/** `get_firewall`. */
export const getFirewall = defineTool({
  name: "get_firewall",
  privileges: ["Sys.Audit", "VM.Audit"],
  title: "Firewall options and rules",
  description: "Firewall of the cluster (default), a node (scope node) or a guest (scope " +
    "guest): enabled, policies, rules in order.",
  toolset: "insight",
  annotations: READ_ONLY,
  input: {
    scope: looseEnum(["cluster", "node", "guest"], { vm: "guest", ct: "guest", container: "guest" })
      .default("cluster"),
    node: nodeName.optional(),
    vmid: vmid.optional(),
  },
  output: {
    scope: z.enum(["cluster", "node", "guest"]),
    target: z.string(),
    enabled: z.boolean().describe("Effective value of `enable` (PVE default applied)"),
    options: z.record(z.string(), z.union([z.string(), z.number()])),
    rules: z.array(Rule),
  },
  async run({ scope, node, vmid }, ctx) {
    let base: string;
    let params: Record<string, string | number> = {};
    let target = "cluster";
    if (scope === "cluster") {
      base = "/cluster/firewall";
    } else if (scope === "guest" && vmid !== undefined) {
      const g = await findGuest(ctx, node, vmid);
      base = `/nodes/{node}/${g.type}/{vmid}/firewall`;
      params = { node: g.node, vmid };
      target = `${g.type === "lxc" ? "CT" : "VM"} ${vmid}`;
    } else if (scope === "guest") {
      throw new PveError("bad-request", "scope guest needs vmid (the node is optional).");
    } else {
      if (!node) {
        throw new PveError("bad-request", `scope ${scope} needs node (get_nodes lists them).`);
      }
      base = "/nodes/{node}/firewall";
      params = { node };
      target = `node ${node}`;
    }
    const [opts, rules] = await Promise.all([
      ctx.pve.get(`${base}/options`, params),
      ctx.pve.get(`${base}/rules`, params),
    ]);
    const o = asObject(opts, `GET ${base}/options`);
    const options: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === "string" || typeof v === "number") options[k] = v;
    }
    const enable = asNumber(o.enable);
    const structured = {
      scope,
      target,
      enabled: enable === undefined ? DEFAULT_ENABLED[scope] : enable === 1,
      options,
      rules: asArray(rules, `GET ${base}/rules`).map((r) => ({
        pos: asNumber(r.pos) ?? 0,
        // PVE sends enable 0/1 (a '|' prefix in the rules file disables a rule).
        enabled: asNumber(r.enable) !== 0,
        type: asString(r.type) ?? "?",
        action: asString(r.action) ?? "?",
        macro: asString(r.macro) ?? null,
        proto: asString(r.proto) ?? null,
        source: asString(r.source) ?? null,
        dest: asString(r.dest) ?? null,
        sport: asString(r.sport) ?? null,
        dport: asString(r.dport) ?? null,
        iface: asString(r.iface) ?? null,
        log: asString(r.log) ?? null,
        comment: asString(r.comment) ?? null,
      })).sort((a, b) => a.pos - b.pos),
    };
    return { structured, text: formatFirewall(structured) };
  },
});
