/**
 * The reads behind each diagnostic, kept apart from the analysis so the
 * analysis stays pure. Each gatherer states its request cost: a fixed handful
 * of cluster-wide reads plus bounded per-node or per-guest fan-out (the client
 * caps concurrency at 8).
 *
 * @example
 * ```ts ignore
 * const probe = new Probe(ctx.pve);
 * const data = await gatherClusterHealth(ctx, probe);
 * const { findings } = analyzeClusterHealth(data, thresholdsOf(ctx.config));
 * ```
 *
 * @module
 */

import { PveError } from "../proxmox/errors.ts";
import { asString, guestVmid } from "../proxmox/lenient.ts";
import { mapLimit, type Probe } from "./fetch.ts";
import type { ClusterHealthData } from "./cluster_health.ts";
import type { GuestData } from "./vm_issues.ts";
import { fullStorages, type OptimizationData, rrdCandidates } from "./optimization.ts";
import { guestsOf, type Row } from "./common.ts";
import type { Thresholds } from "./thresholds.ts";

/** The rows of a list answer, or `undefined` when it was not readable. */
export const rows = (v: unknown): Row[] | undefined =>
  Array.isArray(v) ? v.filter((x) => x && typeof x === "object") as Row[] : undefined;
/** An object answer, or `undefined` when it was not readable. */
export const obj = (v: unknown): Row | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? v as Row : undefined;
const now = () => Math.floor(Date.now() / 1000);

/** `GET /cluster/resources` (all types, or one), tolerant. */
export async function resources(probe: Probe, check: string, type?: string): Promise<Row[]> {
  return rows(await probe.get(check, "/cluster/resources", type ? { type } : {})) ?? [];
}

/** Cost: 4 cluster-wide reads + 1 `GET /nodes/{node}/status` per online node. */
export async function gatherClusterHealth(probe: Probe): Promise<ClusterHealthData> {
  const [res, status, tasks, ha] = await Promise.all([
    resources(probe, "cluster.resources"),
    probe.get("cluster.quorum", "/cluster/status"),
    probe.get("tasks.failed", "/cluster/tasks"),
    probe.get("ha.error", "/cluster/ha/status/current"),
  ]);
  const nodes = res.filter((r) => r.type === "node");
  if (!nodes.length) {
    probe.skip(
      "node.pressure",
      "not checked: no node is visible to the token (missing privilege Sys.Audit on /nodes)",
      "Sys.Audit",
      "/nodes",
    );
  }
  if (!res.some((r) => r.type === "storage")) {
    probe.skip(
      "storage.usage",
      "not checked: no storage is visible to the token (missing privilege Datastore.Audit on /storage)",
      "Datastore.Audit",
      "/storage",
    );
  }
  const online = nodes.filter((n) => n.status === "online").map((n) => String(n.node));
  const statuses = await mapLimit(
    online,
    8,
    (node) => probe.get("node.swap", "/nodes/{node}/status", { node }),
  );
  return {
    now: now(),
    resources: res,
    clusterStatus: rows(status),
    tasks: rows(tasks),
    haStatus: rows(ha),
    nodeStatus: Object.fromEntries(online.map((n, i) => [n, obj(statuses[i])])),
  };
}

/**
 * Cost: `/cluster/resources`, status, config, snapshots, `/cluster/tasks`, `/cluster/backup`,
 * one agent read for a running VM with the agent on, one content read per backup storage.
 */
export async function gatherGuest(
  probe: Probe,
  given: string | undefined,
  vmid: number,
): Promise<GuestData> {
  const res = await resources(probe, "guest.state");
  const guest = guestsOf(res).find((g) => guestVmid(g) === vmid);
  if (!guest) {
    throw new PveError(
      "not-found",
      `guest ${vmid} does not exist or is not visible to the token (needs VM.Audit on ` +
        `/vms/${vmid}); get_vms lists the guests.`,
    );
  }
  if (given !== undefined && guest.node !== given) {
    throw new PveError(
      "bad-request",
      `guest ${vmid} is on node ${guest.node}, not ${given}: call again with node "${guest.node}".`,
    );
  }
  const node = String(guest.node);
  const host = res.find((r) => r.type === "node" && r.node === node);
  const base: GuestData = { now: now(), vmid, guest, host };
  if (guest.status === "unknown") return base;
  const type = guest.type === "lxc" ? "lxc" : "qemu";
  const p = { node, vmid };
  const [status, config, snaps, tasks, jobs] = await Promise.all([
    probe.get("guest.status", `/nodes/{node}/${type}/{vmid}/status/current`, p),
    probe.get("guest.config", `/nodes/{node}/${type}/{vmid}/config`, p),
    probe.get("guest.snapshots", `/nodes/{node}/${type}/{vmid}/snapshot`, p),
    probe.get("tasks.failed", "/cluster/tasks"),
    probe.get("guest.backup", "/cluster/backup"),
  ]);
  const data: GuestData = {
    ...base,
    status: obj(status),
    config: obj(config),
    snapshots: rows(snaps),
    tasks: rows(tasks),
    jobs: rows(jobs),
  };
  const agentOn = /^(1|enabled=1)|(^|,)enabled=1/.test(asString(data.config?.agent) ?? "");
  if (type === "qemu" && agentOn && guest.status === "running") {
    data.agent = await agentProbe(probe, node, vmid);
  }
  const stores = res.filter((r) =>
    r.type === "storage" && r.node === node && r.status === "available" &&
    (asString(r.content) ?? "").split(",").includes("backup")
  ).map((r) => String(r.storage));
  if (data.jobs) {
    const lists = await mapLimit(
      stores,
      8,
      (storage) =>
        probe.get("guest.backup", "/nodes/{node}/storage/{storage}/content", {
          node,
          storage,
          content: "backup",
          vmid,
        }),
    );
    data.backups = lists.flatMap((l, i) =>
      (rows(l) ?? []).map((r) => ({ ...r, _storage: stores[i] }))
    );
    data.backupStorages = stores;
  }
  return data;
}

async function agentProbe(probe: Probe, node: string, vmid: number): Promise<GuestData["agent"]> {
  try {
    const r = await probe.get(
      "guest.agent",
      "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces",
      {
        node,
        vmid,
      },
    );
    return r === undefined ? undefined : { ok: true };
  } catch (e) {
    if (e instanceof PveError && (e.kind === "server" || e.kind === "timeout")) {
      const m = /: ([^:]+?)\.?$/.exec(e.message);
      return { ok: false, error: m ? m[1] : e.message };
    }
    throw e;
  }
}

/** Cost: `/cluster/resources` + 1 RRD read per analysed guest (capped) + 1 per nearly full storage. */
export async function gatherOptimization(
  probe: Probe,
  t: Thresholds,
  opts: { timeframe: string; node?: string },
): Promise<OptimizationData & { analysed: number; candidates: number }> {
  const res = await resources(probe, "guest.usage");
  const all = rrdCandidates(res, opts.node);
  const picked = all.slice(0, t.max_rrd_guests);
  if (all.length > picked.length) {
    probe.skip(
      "guest.usage",
      `not checked: ${all.length - picked.length} running guest(s) beyond ` +
        `diagnostics.max_rrd_guests (${t.max_rrd_guests}); the largest by memory were analysed. ` +
        "Pass node to analyse one node's guests, or raise the limit.",
    );
  }
  const guestRrd = new Map<number, Row[]>();
  const got = await mapLimit(
    picked,
    8,
    (g) =>
      probe.get(
        "guest.usage",
        `/nodes/{node}/${g.type === "lxc" ? "lxc" : "qemu"}/{vmid}/rrddata`,
        {
          node: String(g.node),
          vmid: guestVmid(g),
          timeframe: opts.timeframe,
          cf: "AVERAGE",
        },
      ),
  );
  picked.forEach((g, i) => {
    const r = rows(got[i]);
    if (r) guestRrd.set(guestVmid(g)!, r);
  });
  const storageRrd = new Map<string, Row[]>();
  const full = fullStorages(res, t);
  const srrd = await mapLimit(
    full,
    8,
    (s) =>
      probe.get("storage.growth", "/nodes/{node}/storage/{storage}/rrddata", {
        node: String(s.node),
        storage: String(s.storage),
        timeframe: opts.timeframe,
        cf: "AVERAGE",
      }),
  );
  full.forEach((s, i) => {
    const r = rows(srrd[i]);
    if (r) storageRrd.set(`${s.node}/${s.storage}`, r);
  });
  return {
    timeframe: opts.timeframe,
    resources: res,
    guestRrd,
    storageRrd,
    analysed: guestRrd.size,
    candidates: all.length,
  };
}
