/**
 * RRD rows reduced to what a small chart needs: at most {@linkcode MAX_POINTS}
 * points (averaged buckets, gaps kept as null), CPU and memory as fractions,
 * network and disk I/O in bytes/s. The raw week of a node is ~70 rows of 20
 * fields; the chart gets 6 short arrays.
 *
 * @example
 * ```ts
 * import { chartSeries } from "./series.ts";
 * const s = chartSeries([{ time: 60, cpu: 0.5, memused: 1, memtotal: 4 }, { time: 120, cpu: 0.1 }]);
 * console.log(s.t, s.cpu, s.mem); // [60, 120] [0.5, 0.1] [0.25, null]
 * ```
 *
 * @module
 */

import { asNumber } from "../../proxmox/lenient.ts";

/** Most points per series. */
export const MAX_POINTS = 72;

/** The series of one chart, aligned on `t` (unix seconds). */
export interface ChartSeries {
  t: number[];
  cpu: (number | null)[];
  mem: (number | null)[];
  netin: (number | null)[];
  netout: (number | null)[];
  diskread: (number | null)[];
  diskwrite: (number | null)[];
}

const FIELDS = ["cpu", "mem", "netin", "netout", "diskread", "diskwrite"] as const;

function memFraction(r: Record<string, unknown>): number | undefined {
  // Nodes report memused/memtotal, guests mem/maxmem.
  const used = asNumber(r.memused) ?? asNumber(r.mem);
  const total = asNumber(r.memtotal) ?? asNumber(r.maxmem);
  return used !== undefined && total ? used / total : undefined;
}

const round = (v: number) => Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1e4) / 1e4;

/** Buckets `rows` into at most `max` points, each the mean of the values present. */
export function chartSeries(
  rows: readonly Record<string, unknown>[],
  max = MAX_POINTS,
): ChartSeries {
  const sorted = rows.filter((r) => asNumber(r.time) !== undefined)
    .sort((a, b) => asNumber(a.time)! - asNumber(b.time)!);
  const size = Math.max(1, Math.ceil(sorted.length / max));
  const out: ChartSeries = {
    t: [],
    cpu: [],
    mem: [],
    netin: [],
    netout: [],
    diskread: [],
    diskwrite: [],
  };
  for (let i = 0; i < sorted.length; i += size) {
    const bucket = sorted.slice(i, i + size);
    out.t.push(asNumber(bucket.at(-1)!.time)!);
    for (const f of FIELDS) {
      const vals = bucket.map((r) => f === "mem" ? memFraction(r) : asNumber(r[f]))
        .filter((v): v is number => v !== undefined && Number.isFinite(v));
      out[f].push(vals.length ? round(vals.reduce((a, b) => a + b, 0) / vals.length) : null);
    }
  }
  return out;
}
