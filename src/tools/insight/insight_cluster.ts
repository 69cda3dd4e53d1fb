/**
 * Cluster-wide insight reads: `get_ha_status` (HA resources and manager
 * status, 2 requests), `get_pools` (pools and members, 1 + 1 per pool) and
 * `get_backup_jobs` (jobs plus the guests no job covers, 2 requests).
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { asArray, asBool, asNumber, asObject, asString, guestVmid } from "../../proxmox/lenient.ts";
import { PveError } from "../../proxmox/errors.ts";
import { atLeast, POOL_QUERY_FROM, pveVersion } from "../../proxmox/version.ts";
import type { ToolContext } from "../../core/context.ts";
import { summariseJob } from "../../diagnostics/backup.ts";
import { formatBackupJobs, formatHa, formatPools } from "../../format/insight.ts";
import { POOL_RE } from "../../proxmox/params.ts";

const str = (v: unknown) => asString(v) ?? null;
const num = (v: unknown) => asNumber(v) ?? null;

/** `get_ha_status`. */
export const getHaStatus = defineTool({
  name: "get_ha_status",
  privileges: ["Sys.Audit"],
  title: "HA status",
  description: "HA resources (requested state, group, limits) and the HA manager's live status " +
    "(master, LRMs, services).",
  toolset: "insight",
  annotations: READ_ONLY,
  input: {},
  output: {
    resources: z.array(z.object({
      sid: z.string(),
      type: z.string().nullable(),
      state: z.string().nullable().describe("requested state: started, stopped, disabled, ignored"),
      group: z.string().nullable(),
      max_restart: z.number().nullable(),
      max_relocate: z.number().nullable(),
      comment: z.string().nullable(),
    })),
    quorate: z.boolean().nullable(),
    master: z.object({ node: z.string().nullable(), status: z.string().nullable() }).nullable(),
    lrm: z.array(z.object({ node: z.string(), status: z.string().nullable() })),
    services: z.array(z.object({
      sid: z.string(),
      node: z.string().nullable(),
      state: z.string().nullable().describe("actual state, e.g. started, error, fence"),
      request_state: z.string().nullable(),
      crm_state: z.string().nullable(),
    })),
  },
  async run(_args, ctx) {
    const [res, status] = await Promise.all([
      ctx.pve.get("/cluster/ha/resources"),
      ctx.pve.get("/cluster/ha/status/current"),
    ]);
    const st = asArray(status, "GET /cluster/ha/status/current");
    const quorum = st.find((s) => s.type === "quorum");
    const master = st.find((s) => s.type === "master");
    const structured = {
      resources: asArray(res, "GET /cluster/ha/resources").map((r) => ({
        sid: asString(r.sid) ?? "?",
        type: str(r.type),
        state: str(r.state) ?? "started",
        group: str(r.group),
        max_restart: num(r.max_restart),
        max_relocate: num(r.max_relocate),
        comment: str(r.comment),
      })),
      quorate: quorum ? asBool(quorum.quorate) : null,
      master: master ? { node: str(master.node), status: str(master.status) } : null,
      lrm: st.filter((s) => s.type === "lrm").map((s) => ({
        node: asString(s.node) ?? "?",
        status: str(s.status),
      })),
      services: st.filter((s) => s.type === "service").map((s) => ({
        sid: asString(s.sid) ?? asString(s.id) ?? "?",
        node: str(s.node),
        state: str(s.state),
        request_state: str(s.request_state),
        crm_state: str(s.crm_state),
      })),
    };
    return { structured, text: formatHa(structured) };
  },
});

const Member = z.object({
  id: z.string(),
  type: z.string(),
  node: z.string().nullable(),
  vmid: z.number().nullable(),
  storage: z.string().nullable(),
  name: z.string().nullable(),
  status: z.string().nullable(),
});

/**
 * One pool with its members: `GET /pools?poolid=` from PVE 8.1, `GET /pools/{poolid}` before
 * (version.ts). Either answer that is refused as unknown (400 parameter, 501 path) is tried
 * the other way once, since a proxy or a backport may blur the version line.
 */
async function poolDetail(ctx: ToolContext, id: string): Promise<Record<string, unknown>> {
  const byQuery = async () =>
    asArray(await ctx.pve.get("/pools", { poolid: id }), "GET /pools?poolid")[0] ?? {};
  const byPath = async () =>
    asObject(await ctx.pve.get("/pools/{poolid}", { poolid: id }), "GET /pools/{poolid}");
  const modern = atLeast(await pveVersion(ctx.pve), POOL_QUERY_FROM.major, POOL_QUERY_FROM.minor);
  const [first, second] = modern === false ? [byPath, byQuery] : [byQuery, byPath];
  try {
    return await first();
  } catch (e) {
    if (e instanceof PveError && (e.kind === "bad-request" || e.kind === "not-implemented")) {
      return await second();
    }
    throw e;
  }
}

/** `get_pools`. */
export const getPools = defineTool({
  name: "get_pools",
  privileges: ["Pool.Audit"],
  title: "Resource pools",
  description: "Resource pools with comment and members (guests, storages).",
  toolset: "insight",
  annotations: READ_ONLY,
  input: {
    poolid: z.string().regex(POOL_RE, { message: "must be a pool id (letters, digits, - _)" })
      .optional(),
  },
  output: {
    pools: z.array(z.object({
      poolid: z.string(),
      comment: z.string().nullable(),
      members: z.array(Member),
    })),
  },
  async run({ poolid }, ctx) {
    const list = poolid ? [{ poolid }] : asArray(await ctx.pve.get("/pools"), "GET /pools");
    // Members come only with `poolid`: PVE keeps the plain listing cheap.
    const pools = await Promise.all(list.map(async (p) => {
      const id = String(p.poolid);
      const one = await poolDetail(ctx, id);
      const members = Array.isArray(one.members) ? one.members as Record<string, unknown>[] : [];
      return {
        poolid: id,
        comment: str(one.comment ?? p.comment),
        members: members.map((m) => ({
          id: asString(m.id) ?? "?",
          type: asString(m.type) ?? "?",
          node: str(m.node),
          vmid: num(m.vmid),
          storage: str(m.storage),
          name: str(m.name),
          status: str(m.status),
        })),
      };
    }));
    const structured = { pools };
    return { structured, text: formatPools(structured) };
  },
});

/** `get_backup_jobs`. */
export const getBackupJobs = defineTool({
  name: "get_backup_jobs",
  privileges: ["Sys.Audit"],
  title: "Backup jobs",
  description: "Scheduled backup jobs (schedule, storage, selection, mode, next run) and the " +
    "guests no job covers.",
  toolset: "insight",
  annotations: READ_ONLY,
  input: {},
  output: {
    jobs: z.array(z.object({
      id: z.string(),
      enabled: z.boolean(),
      schedule: z.string().nullable(),
      storage: z.string().nullable(),
      selection: z.string(),
      mode: z.string().nullable(),
      next_run: z.number().nullable().describe("unix seconds"),
      comment: z.string().nullable(),
    })),
    not_backed_up: z.array(z.object({
      vmid: z.number().int(),
      type: z.string(),
      name: z.string().nullable(),
    })),
  },
  async run(_args, ctx) {
    const [jobs, missing] = await Promise.all([
      ctx.pve.get("/cluster/backup"),
      ctx.pve.get("/cluster/backup-info/not-backed-up"),
    ]);
    const structured = {
      jobs: asArray(jobs, "GET /cluster/backup").map((j) => ({
        ...summariseJob(j),
        mode: str(j.mode) ?? "snapshot",
        next_run: num(j["next-run"]),
        comment: str(j.comment),
      })),
      not_backed_up: asArray(missing, "GET /cluster/backup-info/not-backed-up").map((g) => ({
        vmid: guestVmid(g) ?? 0,
        type: asString(g.type) ?? "?",
        name: str(g.name),
      })).sort((a, b) => a.vmid - b.vmid),
    };
    return { structured, text: formatBackupJobs(structured) };
  },
});
