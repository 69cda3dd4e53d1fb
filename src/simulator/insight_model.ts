/**
 * Simulator data behind the insight endpoints (firewall, backup jobs and
 * backups, pending updates, storage growth) kept beside a {@link ClusterState}
 * without changing it: `insightOf(state)` creates PVE-like defaults on first
 * use, and scenarios or tests change them. RRD series are generated from the
 * live model, deterministic, with averages equal to the model's current values.
 *
 * @module
 */

import type { ClusterState, GuestModel, NodeModel, StorageModel } from "./state.ts";

/** A firewall rule as `.../firewall/rules` lists it. */
export interface FirewallRule {
  type: "in" | "out" | "forward" | "group";
  action: string;
  enable?: 0 | 1;
  macro?: string;
  proto?: string;
  source?: string;
  dest?: string;
  dport?: string;
  sport?: string;
  iface?: string;
  log?: string;
  comment?: string;
}

/** A backup job as `GET /cluster/backup` lists it (`id`, `type` added on read). */
export type BackupJob = Record<string, string | number>;

/** One backup archive on a storage. */
export interface BackupVolume {
  storage: string;
  vmid: number;
  type: "qemu" | "lxc";
  /** Unix seconds. */
  ctime: number;
  size: number;
}

/** One pending package update (`GET /nodes/{node}/apt/update`). */
export interface AptPackage {
  Package: string;
  OldVersion: string;
  Version: string;
  Origin: string;
  Section?: string;
  Priority?: string;
  Title?: string;
  Description?: string;
  Arch?: string;
}

/** The insight data of one simulated cluster. */
export interface InsightModel {
  clusterFirewall: Record<string, string | number>;
  clusterRules: FirewallRule[];
  /** Node firewall options (absent `enable` = on, as PVE defaults). */
  nodeFirewall: Record<string, Record<string, string | number>>;
  guestFirewall: Map<number, Record<string, string | number>>;
  backupJobs: BackupJob[];
  backups: BackupVolume[];
  apt: Record<string, AptPackage[]>;
  /** Storage growth in bytes per day, by storage id (RRD trend). */
  storageGrowthPerDay: Record<string, number>;
  /** Fixed "now" (unix seconds) for RRD and backup times; default: the wall clock. */
  now?: number;
}

const models = new WeakMap<ClusterState, InsightModel>();

/** The insight data of `state`, created with healthy defaults on first use. */
export function insightOf(state: ClusterState): InsightModel {
  let m = models.get(state);
  if (!m) {
    m = defaults(state);
    models.set(state, m);
  }
  return m;
}

/** Unix seconds "now" for this cluster's generated data. */
export function insightNow(state: ClusterState): number {
  return insightOf(state).now ?? Math.floor(Date.now() / 1000);
}

function defaults(state: ClusterState): InsightModel {
  const now = Math.floor(Date.now() / 1000);
  const store =
    [...state.storages.values()].find((s) => s.shared && s.content.includes("backup")) ??
      [...state.storages.values()].find((s) => s.content.includes("backup"));
  const guests = [...state.guests.values()].filter((g) => !g.template);
  return {
    clusterFirewall: { enable: 1, policy_in: "DROP", policy_out: "ACCEPT", ebtables: 1 },
    clusterRules: [
      { type: "in", action: "ACCEPT", macro: "SSH", source: "192.168.1.0/24", enable: 1 },
      {
        type: "in",
        action: "ACCEPT",
        proto: "tcp",
        dport: "8006",
        source: "192.168.1.0/24",
        enable: 1,
        comment: "web GUI and API",
      },
    ],
    nodeFirewall: {},
    guestFirewall: new Map(
      guests.map((g) => [g.vmid, { enable: 1, policy_in: "DROP", policy_out: "ACCEPT" }]),
    ),
    backupJobs: store
      ? [{
        id: "backup-7c1f0a2e-5d3b",
        schedule: "02:00",
        all: 1,
        enabled: 1,
        storage: store.id,
        mode: "snapshot",
        compress: "zstd",
        "next-run": now - (now % 86400) + 86400 + 7200,
      }]
      : [],
    backups: store
      ? guests.map((g) => ({
        storage: store.id,
        vmid: g.vmid,
        type: g.type,
        ctime: now - 86400 + (g.vmid % 600),
        size: Math.round(g.maxdisk * 0.21),
      }))
      : [],
    apt: {},
    storageGrowthPerDay: {},
  };
}

/** Whether a backup job selects the guest, as vzdump does. */
export function jobSelects(job: BackupJob, g: GuestModel): boolean {
  if (job.node && job.node !== g.node) return false;
  const list = (v: unknown) => String(v ?? "").split(/[,;\s]+/).filter(Boolean);
  if (job.vmid !== undefined) return list(job.vmid).includes(String(g.vmid));
  if (job.pool !== undefined) return g.pool === job.pool;
  if (Number(job.all) === 1) return !list(job.exclude).includes(String(g.vmid));
  return false;
}

/** RRD step (seconds) per timeframe, as PVE's RRAs have them; 70 rows each. */
export const RRD_STEP: Record<string, number> = {
  hour: 60,
  day: 1800,
  week: 10_800,
  month: 43_200,
  year: 604_800,
  decade: 6_048_000,
};
const POINTS = 70;

// A full sine period over the window: values swing ±20 % and average exactly the base.
const wave = (base: number, i: number) => base * (1 + 0.2 * Math.sin((2 * Math.PI * i) / POINTS));

function grid(now: number, timeframe: string): number[] {
  const step = RRD_STEP[timeframe] ?? 60;
  const end = Math.floor(now / step) * step;
  return Array.from({ length: POINTS }, (_, i) => end - (POINTS - 1 - i) * step);
}

/** RRD rows of a node. */
export function nodeRrd(state: ClusterState, n: NodeModel, timeframe: string) {
  return grid(insightNow(state), timeframe).map((time, i) => ({
    time,
    cpu: wave(n.cpu, i),
    iowait: 0.0012,
    loadavg: Number(n.loadavg[0]),
    maxcpu: n.maxcpu,
    memtotal: n.maxmem,
    memused: Math.round(wave(n.mem, i)),
    swaptotal: n.swap.total,
    swapused: n.swap.used,
    roottotal: n.rootfs.total,
    rootused: n.rootfs.used,
    netin: 125_000 + i * 10,
    netout: 98_000 + i * 10,
  }));
}

/** RRD rows of a guest; a stopped guest records zeros. */
export function guestRrd(state: ClusterState, g: GuestModel, timeframe: string) {
  const up = g.status !== "stopped";
  return grid(insightNow(state), timeframe).map((time, i) => ({
    time,
    cpu: up ? wave(g.cpu, i) : 0,
    maxcpu: g.cpus,
    mem: up ? Math.round(wave(g.mem, i)) : 0,
    maxmem: g.maxmem,
    disk: g.disk,
    maxdisk: g.maxdisk,
    netin: up ? 4_000 + i : 0,
    netout: up ? 3_000 + i : 0,
    diskread: up ? 12_000 + i : 0,
    diskwrite: up ? 8_000 + i : 0,
  }));
}

/** RRD rows of a storage on a node: `used` grows linearly at the model's rate. */
export function storageRrd(state: ClusterState, s: StorageModel, node: string, timeframe: string) {
  const now = insightNow(state);
  const u = s.usage[node] ?? { total: 0, used: 0, avail: 0 };
  const perDay = insightOf(state).storageGrowthPerDay[s.id] ?? 0;
  return grid(now, timeframe).map((time) => ({
    time,
    total: u.total,
    used: Math.max(0, Math.round(u.used - (perDay * (now - time)) / 86400)),
  }));
}
