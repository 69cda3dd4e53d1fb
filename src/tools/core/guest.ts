/**
 * `get_guest`: config and current status of one VM or container (toolset
 * "core"), what a model reads before acting on a guest. One tool for both
 * types: the type comes from the cluster's status cache.
 *
 * @example
 * ```ts
 * import { getGuest } from "./guest.ts";
 * console.log(getGuest.name, getGuest.annotations.readOnlyHint); // "get_guest" true
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { nodeName, vmid } from "../schemas.ts";
import { guestLabel, resolveGuest } from "../../safety/target.ts";
import { asBool, asNumber, asObject, asString } from "../../proxmox/lenient.ts";
import { formatGuest } from "../../format/guest.ts";

/** `get_guest`. */
export const getGuest = defineTool({
  name: "get_guest",
  title: "Guest detail",
  description: "Status and full config of a VM or container (disks, network, boot order, " +
    "agent, protection, HA). Read it before acting on a guest.",
  toolset: "core",
  privileges: ["VM.Audit"],
  annotations: READ_ONLY,
  input: {
    vmid,
    node: nodeName.optional(),
  },
  output: {
    vmid: z.number().int(),
    node: z.string(),
    type: z.enum(["qemu", "lxc"]),
    name: z.string().nullable(),
    status: z.string().describe("running, stopped, paused, or unknown (node offline)"),
    qmpstatus: z.string().nullable().describe("QEMU's own state (running, paused, ...)"),
    template: z.boolean(),
    lock: z.string().nullable(),
    tags: z.array(z.string()),
    uptime: z.number().nullable(),
    cpu: z.number().nullable().describe("Fraction of the allocated CPUs"),
    cpus: z.number().nullable(),
    mem: z.number().nullable(),
    maxmem: z.number().nullable(),
    disk: z.number().nullable(),
    maxdisk: z.number().nullable(),
    ha_managed: z.boolean(),
    ha_state: z.string().nullable(),
    protection: z.boolean().describe("PVE's protection flag (no deletion of guest or disks)"),
    config: z.record(z.string(), z.union([z.string(), z.number()]))
      .describe("The guest config as PVE returns it (digest included)"),
  },
  async run(args, ctx) {
    const g = await resolveGuest(ctx, { vmid: args.vmid, node: args.node });
    const path = { node: g.node, vmid: g.vmid };
    const [cfgRaw, stRaw] = await Promise.all([
      ctx.pve.get(`/nodes/{node}/${g.type}/{vmid}/config`, path),
      ctx.pve.get(`/nodes/{node}/${g.type}/{vmid}/status/current`, path),
    ]);
    const cfg = asObject(cfgRaw, "GET config");
    const st = asObject(stRaw, "GET status/current");
    const config: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(cfg)) {
      if (typeof v === "string" || typeof v === "number") config[k] = v;
    }
    const ha = st.ha && typeof st.ha === "object" ? st.ha as Record<string, unknown> : {};
    const qmp = asString(st.qmpstatus) ?? null;
    const structured = {
      vmid: g.vmid,
      node: g.node,
      type: g.type,
      name: asString(cfg.name) ?? asString(cfg.hostname) ?? g.name,
      status: qmp === "paused" ? "paused" : asString(st.status) ?? g.status,
      qmpstatus: qmp,
      template: asBool(st.template) || g.template,
      lock: asString(st.lock) ?? asString(cfg.lock) ?? g.lock,
      tags: g.tags,
      uptime: asNumber(st.uptime) ?? null,
      cpu: asNumber(st.cpu) ?? null,
      cpus: asNumber(st.cpus) ?? null,
      mem: asNumber(st.mem) ?? null,
      maxmem: asNumber(st.maxmem) ?? null,
      disk: asNumber(st.disk) ?? null,
      maxdisk: asNumber(st.maxdisk) ?? null,
      ha_managed: asBool(ha.managed),
      ha_state: asString(ha.state) ?? null,
      protection: asBool(cfg.protection),
      config,
    };
    return { structured, text: formatGuest(guestLabel(structured), structured) };
  },
});
