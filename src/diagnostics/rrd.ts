/**
 * RRD answers (`.../rrddata`) summarised per series: min, avg, max, last and
 * sample count, so a model gets the shape of a week without 70 raw points.
 * Gaps (PVE leaves a field out, or sends NaN, where no data was recorded) are
 * skipped, not counted as zero.
 *
 * @example
 * ```ts
 * import { summariseRrd } from "./rrd.ts";
 * const s = summariseRrd([{ time: 1, cpu: 0.1 }, { time: 2, cpu: 0.3 }, { time: 3 }]);
 * console.log(s.cpu); // { min: 0.1, avg: 0.2, max: 0.3, last: 0.3, samples: 2 }
 * ```
 *
 * @module
 */

import { asNumber } from "../proxmox/lenient.ts";

/** Summary of one series. */
export interface SeriesSummary {
  min: number;
  avg: number;
  max: number;
  last: number;
  samples: number;
}

const round = (v: number) => (Math.abs(v) >= 1000 ? Math.round(v) : Math.round(v * 1e6) / 1e6);

/** Summaries of every numeric series except `time`, in name order. */
export function summariseRrd(
  rows: readonly Record<string, unknown>[],
): Record<string, SeriesSummary> {
  const acc = new Map<string, { min: number; max: number; sum: number; n: number; last: number }>();
  const sorted = [...rows].sort((a, b) => (asNumber(a.time) ?? 0) - (asNumber(b.time) ?? 0));
  for (const row of sorted) {
    for (const [k, raw] of Object.entries(row)) {
      if (k === "time") continue;
      const v = asNumber(raw);
      if (v === undefined) continue;
      const a = acc.get(k);
      if (!a) acc.set(k, { min: v, max: v, sum: v, n: 1, last: v });
      else {
        a.min = Math.min(a.min, v);
        a.max = Math.max(a.max, v);
        a.sum += v;
        a.n++;
        a.last = v;
      }
    }
  }
  const out: Record<string, SeriesSummary> = {};
  for (const k of [...acc.keys()].sort()) {
    const a = acc.get(k)!;
    out[k] = {
      min: round(a.min),
      avg: round(a.sum / a.n),
      max: round(a.max),
      last: round(a.last),
      samples: a.n,
    };
  }
  return out;
}

/** First and last sample time (unix seconds) with a value for `field`. */
export function span(
  rows: readonly Record<string, unknown>[],
  field: string,
): { from: number; to: number; first: number; last: number } | undefined {
  const pts = rows.map((r) => ({ t: asNumber(r.time), v: asNumber(r[field]) }))
    .filter((p): p is { t: number; v: number } => p.t !== undefined && p.v !== undefined)
    .sort((a, b) => a.t - b.t);
  if (pts.length < 2) return undefined;
  return { from: pts[0].t, to: pts.at(-1)!.t, first: pts[0].v, last: pts.at(-1)!.v };
}
