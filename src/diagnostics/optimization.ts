/**
 * `suggest_resource_optimization` as a pure function: RRD history of guests
 * and nearly full storages, plus the allocations in `/cluster/resources`, in;
 * findings out. Idle and oversized guests, memory/CPU overcommit per node,
 * storage filling up (with a growth trend), and large disks held by stopped
 * guests and templates.
 *
 * @example
 * ```ts
 * import { analyzeOptimization } from "./optimization.ts";
 * import { DEFAULT_THRESHOLDS } from "./thresholds.ts";
 * const r = analyzeOptimization({ timeframe: "week", resources: [], guestRrd: new Map(),
 *   storageRrd: new Map() }, DEFAULT_THRESHOLDS);
 * console.log(r.findings.length); // 0
 * ```
 *
 * @module
 */

import { asNumber, asString, guestVmid } from "../proxmox/lenient.ts";
import { type Finding, finding, level, pct } from "./types.ts";
import type { Thresholds } from "./thresholds.ts";
import { gib, guestsOf, guestTool, type Row } from "./common.ts";
import { span, summariseRrd } from "./rrd.ts";

/** What the optimisation check reads. */
export interface OptimizationData {
  timeframe: string;
  resources: Row[];
  /** RRD rows per analysed guest vmid. */
  guestRrd: Map<number, Row[]>;
  /** RRD rows per storage key `node/storage`. */
  storageRrd: Map<string, Row[]>;
}

const MiB = 1024 ** 2;

/** Running, non-template guests worth an RRD read, biggest memory first. */
export function rrdCandidates(resources: Row[], node?: string): Row[] {
  return guestsOf(resources).filter((g) =>
    g.status === "running" && asNumber(g.template) !== 1 && (!node || g.node === node)
  ).sort((a, b) =>
    (asNumber(b.maxmem) ?? 0) - (asNumber(a.maxmem) ?? 0) ||
    (guestVmid(a) ?? 0) - (guestVmid(b) ?? 0)
  );
}

/** Storages at or above the warning threshold (one entry per shared storage). */
export function fullStorages(resources: Row[], t: Thresholds): Row[] {
  const seen = new Set<string>();
  return resources.filter((r) => {
    if (r.type !== "storage" || r.status !== "available") return false;
    const total = asNumber(r.maxdisk) ?? 0;
    if (total <= 0 || pct(asNumber(r.disk) ?? 0, total) < t.storage_warning_pct) return false;
    const key = asNumber(r.shared) === 1 ? String(r.storage) : `${r.node}/${r.storage}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Findings of the optimisation check, plus the check ids that ran. */
export function analyzeOptimization(d: OptimizationData, t: Thresholds) {
  const out: Finding[] = [];
  const checks = ["guest.idle", "guest.memory.oversized", "node.overcommit", "storage.growth"];
  checks.push("guest.large_disk");
  const byId = new Map(guestsOf(d.resources).map((g) => [guestVmid(g), g]));
  for (const [vmid, rows] of d.guestRrd) {
    const g = byId.get(vmid);
    if (g) out.push(...guestUsage(g, rows, d.timeframe, t));
  }
  out.push(...overcommit(d.resources, t));
  for (const s of fullStorages(d.resources, t)) {
    out.push(storageTrend(s, d.storageRrd.get(`${s.node}/${s.storage}`), d.timeframe, t));
  }
  out.push(...largeDisks(d.resources, t));
  return { findings: out, checks };
}

function guestUsage(g: Row, rows: Row[], timeframe: string, t: Thresholds): Finding[] {
  const out: Finding[] = [];
  const s = summariseRrd(rows);
  const vmid = guestVmid(g)!;
  const node = asString(g.node) ?? "?";
  const isCt = g.type === "lxc";
  const res = { type: isCt ? "ct" : "vm", id: String(vmid) } as const;
  const tool = guestTool(g);
  const source = `GET /nodes/${node}/${
    isCt ? "lxc" : "qemu"
  }/${vmid}/rrddata?timeframe=${timeframe}`;
  const cores = asNumber(g.maxcpu) ?? 1;
  if (s.cpu) {
    const avg = Math.round(s.cpu.avg * 1000) / 10;
    const max = Math.round(s.cpu.max * 1000) / 10;
    if (avg < t.idle_cpu_pct) {
      const suggested = Math.max(1, Math.ceil((cores * s.cpu.max) / 0.7));
      out.push(finding({
        id: "guest.cpu.idle",
        severity: "info",
        resource: res,
        summary:
          `${isCt ? "CT" : "VM"} ${vmid} averaged ${avg}% CPU of ${cores} core(s) over the ` +
          `last ${timeframe} (peak ${max}%)`,
        source,
        values: {
          cpu_avg_pct: avg,
          cpu_max_pct: max,
          cores,
          samples: s.cpu.samples,
          timeframe,
          suggested_cores: suggested,
        },
        thresholds: { idle_cpu_pct: t.idle_cpu_pct },
        recommendation: suggested < cores
          ? `Reduce its vCPUs: '${tool} set ${vmid} --cores ${suggested}' (applies after a restart), ` +
            `or shut it down if it is no longer needed.`
          : `Check whether it is still needed; if not, shut it down ('${tool} shutdown ${vmid}').`,
      }));
    }
  }
  const maxmem = asNumber(g.maxmem) ?? 0;
  const memSeries = s.mem;
  if (memSeries && maxmem > 0) {
    const avg = pct(memSeries.avg, maxmem);
    if (avg < t.oversized_memory_pct) {
      const suggestedMiB = Math.max(512, Math.ceil((memSeries.max * 1.3) / (512 * MiB)) * 512);
      const allocatedMiB = Math.round(maxmem / MiB);
      if (suggestedMiB < allocatedMiB) {
        out.push(finding({
          id: "guest.memory.oversized",
          severity: "info",
          resource: res,
          summary: `${isCt ? "CT" : "VM"} ${vmid} used ${avg}% of its ${allocatedMiB} MiB on ` +
            `average over the last ${timeframe}`,
          source,
          values: {
            mem_avg_bytes: Math.round(memSeries.avg),
            mem_max_bytes: Math.round(memSeries.max),
            mem_allocated_bytes: maxmem,
            mem_avg_pct: avg,
            timeframe,
            suggested_memory_mib: suggestedMiB,
          },
          thresholds: { oversized_memory_pct: t.oversized_memory_pct },
          recommendation: `Lower it to peak + 30%: '${tool} set ${vmid} --memory ${suggestedMiB}'` +
            (isCt ? "" : " (or keep it and enable ballooning: --balloon " + suggestedMiB + ")") +
            `; frees ${allocatedMiB - suggestedMiB} MiB on ${node}.`,
        }));
      }
    }
  }
  return out;
}

function overcommit(resources: Row[], t: Thresholds): Finding[] {
  const out: Finding[] = [];
  const running = guestsOf(resources).filter((g) => g.status === "running");
  for (const n of resources.filter((r) => r.type === "node" && r.status === "online")) {
    const node = asString(n.node) ?? "?";
    const on = running.filter((g) => g.node === node);
    const mem = on.reduce((s, g) => s + (asNumber(g.maxmem) ?? 0), 0);
    const vcpus = on.reduce((s, g) => s + (asNumber(g.maxcpu) ?? 0), 0);
    const maxmem = asNumber(n.maxmem) ?? 0;
    const threads = asNumber(n.maxcpu) ?? 0;
    if (maxmem > 0 && pct(mem, maxmem) > t.memory_overcommit_pct) {
      out.push(finding({
        id: "node.memory.overcommit",
        severity: "warning",
        resource: { type: "node", id: node },
        summary: `Running guests on ${node} are allocated ${pct(mem, maxmem)}% of its RAM`,
        source: "GET /cluster/resources",
        values: {
          guests_running: on.length,
          guest_memory_allocated_bytes: mem,
          node_memory_bytes: maxmem,
          allocated_pct: pct(mem, maxmem),
        },
        thresholds: { memory_overcommit_pct: t.memory_overcommit_pct },
        recommendation: `If all guests use their allocation the node swaps or the OOM killer ` +
          `strikes: migrate guests ('qm migrate VMID TARGET --online') or shrink oversized ones.`,
      }));
    }
    if (threads > 0 && vcpus / threads > t.cpu_overcommit_ratio) {
      const ratio = Math.round((vcpus / threads) * 100) / 100;
      out.push(finding({
        id: "node.cpu.overcommit",
        severity: "warning",
        resource: { type: "node", id: node },
        summary: `Running guests on ${node} have ${vcpus} vCPUs on ${threads} threads (${ratio}:1)`,
        source: "GET /cluster/resources",
        values: { guests_running: on.length, vcpus, host_threads: threads, ratio },
        thresholds: { cpu_overcommit_ratio: t.cpu_overcommit_ratio },
        recommendation: `Expect CPU steal under load: reduce idle guests' cores or migrate some.`,
      }));
    }
  }
  return out;
}

function storageTrend(s: Row, rows: Row[] | undefined, timeframe: string, t: Thresholds): Finding {
  const id = asString(s.storage) ?? "?";
  const node = asString(s.node) ?? "?";
  const used = asNumber(s.disk) ?? 0;
  const total = asNumber(s.maxdisk) ?? 0;
  const p = pct(used, total);
  const trend = rows ? span(rows, "used") : undefined;
  const perDay = trend && trend.to > trend.from
    ? Math.round(((trend.last - trend.first) / (trend.to - trend.from)) * 86400)
    : null;
  const daysToFull = perDay && perDay > 0 ? Math.floor((total - used) / perDay) : null;
  const sev = daysToFull !== null && daysToFull < 7
    ? "critical"
    : level(p, t.storage_warning_pct, t.storage_critical_pct) ?? "warning";
  const shared = asNumber(s.shared) === 1;
  return finding({
    id: "storage.nearly_full",
    severity: sev,
    resource: { type: "storage", id: shared ? id : `${node}/${id}` },
    summary: `Storage ${id}${shared ? "" : ` on ${node}`} is ${p}% full` +
      (perDay === null
        ? ""
        : perDay > 0
        ? `, growing ${gib(perDay)} GiB/day: full in about ${daysToFull} days`
        : ", not growing over the window"),
    source:
      `GET /cluster/resources, GET /nodes/${node}/storage/${id}/rrddata?timeframe=${timeframe}`,
    values: {
      used_bytes: used,
      total_bytes: total,
      used_pct: p,
      growth_bytes_per_day: perDay,
      days_to_full: daysToFull,
      timeframe,
    },
    thresholds: {
      storage_warning_pct: t.storage_warning_pct,
      storage_critical_pct: t.storage_critical_pct,
    },
    recommendation: `Prune backups ('pvesm prune-backups ${id} --keep-last N'), delete unused ` +
      `disks and old snapshots, or extend the storage before it fills.`,
  });
}

function largeDisks(resources: Row[], t: Thresholds): Finding[] {
  const limit = t.large_disk_gib * 1024 ** 3;
  return guestsOf(resources).filter((g) =>
    (g.status === "stopped" || asNumber(g.template) === 1) && (asNumber(g.maxdisk) ?? 0) >= limit
  ).map((g) => {
    const vmid = guestVmid(g)!;
    const template = asNumber(g.template) === 1;
    const isCt = g.type === "lxc";
    return finding({
      id: template ? "template.large_disk" : "guest.stopped.large_disk",
      severity: "info",
      resource: { type: isCt ? "ct" : "vm", id: String(vmid) },
      summary: `${template ? "Template" : "Stopped guest"} ${vmid} (${asString(g.name) ?? "?"}) ` +
        `holds ${gib(asNumber(g.maxdisk) ?? 0)} GiB of disk`,
      source: "GET /cluster/resources",
      values: {
        maxdisk_bytes: asNumber(g.maxdisk) ?? 0,
        template,
        status: asString(g.status) ?? null,
        node: asString(g.node) ?? null,
      },
      thresholds: { large_disk_gib: t.large_disk_gib },
      recommendation: template
        ? `Keep it only if clones are still made from it (linked clones depend on it).`
        : `If it is no longer needed, back it up ('vzdump ${vmid}') and remove it ` +
          `('${guestTool(g)} destroy ${vmid}') to free the space.`,
    });
  });
}
