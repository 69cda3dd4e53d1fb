/**
 * `get_metrics`: RRD history of a node or guest, summarised per series
 * (min/avg/max/last), never raw arrays. Cost: 1 request for a node, 2 for a
 * guest (the lookup tells VM from container).
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { looseEnum, nodeName, rrdTimeframe, vmid } from "../schemas.ts";
import { PveError } from "../../proxmox/errors.ts";
import { findGuest } from "./insight_common.ts";
import { asArray, asNumber } from "../../proxmox/lenient.ts";
import { summariseRrd } from "../../diagnostics/rrd.ts";
import { formatMetrics } from "../../format/insight.ts";

const Series = z.object({
  min: z.number(),
  avg: z.number(),
  max: z.number(),
  last: z.number(),
  samples: z.number().int(),
});

/** What each RRD field means, for the model. */
const UNITS: Record<string, string> = {
  cpu: "fraction of all CPUs (0..1)",
  iowait: "fraction of time (0..1)",
  loadavg: "1-minute load average",
  maxcpu: "CPU count",
  mem: "bytes",
  maxmem: "bytes",
  memused: "bytes",
  memtotal: "bytes",
  memavailable: "bytes",
  swapused: "bytes",
  swaptotal: "bytes",
  rootused: "bytes",
  roottotal: "bytes",
  disk: "bytes",
  maxdisk: "bytes",
  netin: "bytes/s",
  netout: "bytes/s",
  diskread: "bytes/s",
  diskwrite: "bytes/s",
  pressurecpusome: "PSI fraction",
  pressureiosome: "PSI fraction",
  pressurememorysome: "PSI fraction",
};

/** `get_metrics`. */
export const getMetrics = defineTool({
  name: "get_metrics",
  privileges: ["Sys.Audit", "VM.Audit"],
  title: "Metrics history",
  description: "RRD history of a node (omit vmid) or a guest, per series min/avg/max/last. " +
    "timeframe default hour, cf default AVERAGE.",
  toolset: "insight",
  annotations: READ_ONLY,
  input: {
    node: nodeName.optional(),
    vmid: vmid.optional(),
    // looseEnum's JSON Schema cannot carry a default (zod drops it under a preprocess): say it.
    timeframe: rrdTimeframe.default("hour"),
    cf: looseEnum(["AVERAGE", "MAX"], { avg: "AVERAGE", mean: "AVERAGE", maximum: "MAX" })
      .default("AVERAGE"),
  },
  output: {
    target: z.object({
      node: z.string(),
      vmid: z.number().int().nullable(),
      type: z.enum(["node", "qemu", "lxc"]),
    }),
    timeframe: z.string(),
    cf: z.string(),
    from: z.number().nullable().describe("First sample, unix seconds"),
    to: z.number().nullable().describe("Last sample, unix seconds"),
    samples: z.number().int(),
    series: z.record(z.string(), Series),
    units: z.record(z.string(), z.string()),
  },
  async run({ node: given, vmid, timeframe, cf }, ctx) {
    let node = given ?? "";
    let type: "node" | "qemu" | "lxc" = "node";
    let raw: unknown;
    if (vmid === undefined) {
      if (given === undefined) {
        throw new PveError("bad-request", "give node (a node's history) or vmid (a guest's).");
      }
      raw = await ctx.pve.get("/nodes/{node}/rrddata", { node, timeframe, cf });
    } else {
      const g = await findGuest(ctx, given, vmid);
      type = g.type;
      node = g.node;
      raw = await ctx.pve.get(`/nodes/{node}/${g.type}/{vmid}/rrddata`, {
        node,
        vmid,
        timeframe,
        cf,
      });
    }
    const rows = asArray(raw, "rrddata");
    const times = rows.map((r) => asNumber(r.time)).filter((t): t is number => t !== undefined);
    const series = summariseRrd(rows);
    const structured = {
      target: { node, vmid: vmid ?? null, type },
      timeframe,
      cf,
      from: times.length ? Math.min(...times) : null,
      to: times.length ? Math.max(...times) : null,
      samples: rows.length,
      series,
      units: Object.fromEntries(
        Object.keys(series).filter((k) => UNITS[k]).map((k) => [k, UNITS[k]]),
      ),
    };
    return { structured, text: formatMetrics(structured) };
  },
});
