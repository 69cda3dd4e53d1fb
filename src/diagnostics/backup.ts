/**
 * Which backup jobs cover a guest, evaluated as vzdump selects guests
 * (`vmid` list, `pool`, or `all` minus `exclude`, optionally limited to one
 * `node`), plus the newest backup among storage content entries.
 *
 * @example
 * ```ts
 * import { jobsCovering } from "./backup.ts";
 * const jobs = [{ id: "daily", all: 1, exclude: "101" }, { id: "db", vmid: "101,102" }];
 * console.log(jobsCovering(jobs, { vmid: 101, node: "pve1" }).map((j) => j.id)); // ["db"]
 * ```
 *
 * @module
 */

import { asBool, asNumber, asString } from "../proxmox/lenient.ts";
import type { Row } from "./common.ts";

/** A backup job reduced to what selection needs. */
export interface JobSummary {
  id: string;
  enabled: boolean;
  schedule: string | null;
  storage: string | null;
  selection: string;
}

const ids = (v: unknown) => new Set((asString(v) ?? "").split(/[,;\s]+/).filter(Boolean));

/** Whether a job (as `GET /cluster/backup` lists it) selects the guest. */
export function jobCovers(job: Row, g: { vmid: number; node: string; pool?: string | null }) {
  const node = asString(job.node);
  if (node && node !== g.node) return false;
  if (asString(job.vmid)) return ids(job.vmid).has(String(g.vmid));
  if (asString(job.pool)) return !!g.pool && job.pool === g.pool;
  if (asBool(job.all)) return !ids(job.exclude).has(String(g.vmid));
  return false;
}

/** The jobs that select the guest, summarised. */
export function jobsCovering(
  jobs: Row[],
  g: { vmid: number; node: string; pool?: string | null },
): JobSummary[] {
  return jobs.filter((j) => jobCovers(j, g)).map(summariseJob);
}

/** A job's id, state, schedule, target and selection in one line. */
export function summariseJob(j: Row): JobSummary {
  const selection = asString(j.vmid)
    ? `vmid ${j.vmid}`
    : asString(j.pool)
    ? `pool ${j.pool}`
    : asBool(j.all)
    ? `all${asString(j.exclude) ? ` except ${j.exclude}` : ""}`
    : "nothing";
  return {
    id: asString(j.id) ?? "?",
    // PVE leaves `enabled` out when it is the default (1).
    enabled: j.enabled === undefined ? true : asBool(j.enabled),
    schedule: asString(j.schedule) ?? asString(j.starttime) ?? null,
    storage: asString(j.storage) ?? null,
    selection: `${selection}${asString(j.node) ? ` on ${j.node}` : ""}`,
  };
}

/** The newest backup of `vmid` among storage content rows, or `undefined`. */
export function newestBackup(
  content: Array<Row & { _storage?: string }>,
  vmid: number,
): { volid: string; ctime: number; storage: string } | undefined {
  let best: { volid: string; ctime: number; storage: string } | undefined;
  for (const c of content) {
    if (asNumber(c.vmid) !== vmid) continue;
    const ctime = asNumber(c.ctime) ?? 0;
    if (!best || ctime > best.ctime) {
      best = { volid: asString(c.volid) ?? "?", ctime, storage: c._storage ?? "?" };
    }
  }
  return best;
}
