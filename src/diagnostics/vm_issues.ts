/**
 * `diagnose_vm_issues` as a pure function: one guest's state, config,
 * agent answer, snapshots, tasks and backups in; findings out.
 *
 * @example
 * ```ts
 * import { diagnoseGuest } from "./vm_issues.ts";
 * import { DEFAULT_THRESHOLDS } from "./thresholds.ts";
 * const { findings } = diagnoseGuest({
 *   now: 1_700_000_000, vmid: 100,
 *   guest: { type: "qemu", vmid: 100, node: "pve1", status: "paused" },
 * }, DEFAULT_THRESHOLDS);
 * console.log(findings.map((f) => f.id)); // ["guest.paused"]
 * ```
 *
 * @module
 */

import { asNumber, asString } from "../proxmox/lenient.ts";
import { type Finding, finding } from "./types.ts";
import type { Thresholds } from "./thresholds.ts";
import { failedTasks, type Row } from "./common.ts";
import { agentChecks, backupChecks, pressure } from "./vm_checks.ts";

/** What the guest diagnosis reads; `undefined` = not readable or not applicable. */
export interface GuestData {
  now: number;
  vmid: number;
  /** The guest's `/cluster/resources` row. */
  guest: Row;
  /** The host node's `/cluster/resources` row. */
  host?: Row;
  status?: Row;
  config?: Row;
  /** Agent probe: `ok`, or PVE's error text. */
  agent?: { ok: true } | { ok: false; error: string };
  snapshots?: Row[];
  tasks?: Row[];
  jobs?: Row[];
  /** Backup content rows of the storages read (`_storage` names the storage). */
  backups?: Row[];
  backupStorages?: string[];
}

/** Findings for one guest, plus the check ids that ran. */
export function diagnoseGuest(d: GuestData, t: Thresholds) {
  const out: Finding[] = [];
  const checks: string[] = ["guest.state"];
  const g = d.guest;
  const isCt = g.type === "lxc";
  const kind = isCt ? "ct" : "vm";
  const tool = isCt ? "pct" : "qm";
  const label = `${isCt ? "CT" : "VM"} ${d.vmid}`;
  const res = { type: kind, id: String(d.vmid) } as const;
  const node = asString(g.node) ?? "?";
  const status = asString(g.status) ?? "unknown";
  const qmp = asString(d.status?.qmpstatus);
  const since = d.now - t.task_window_hours * 3600;
  const failed = d.tasks
    ? failedTasks(d.tasks.filter((x) => asString(x.id) === String(d.vmid)), since)
    : [];
  const add = (f: Parameters<typeof finding>[0]) => out.push(finding(f));

  if (status === "unknown") {
    add({
      id: "guest.node.offline",
      severity: "critical",
      resource: res,
      summary: `${label} cannot be reached: its node ${node} is offline`,
      source: "GET /cluster/resources",
      values: { status, node },
      recommendation: `Bring ${node} back (check power/network), or if it is lost for good and ` +
        `the disks are on shared storage, move the config: 'mv /etc/pve/nodes/${node}/` +
        `${isCt ? "lxc" : "qemu-server"}/${d.vmid}.conf /etc/pve/nodes/OTHER/...'.`,
    });
    return { findings: out, checks };
  }
  const template = asNumber(g.template) === 1;
  if (status === "stopped" && !template) {
    const onboot = asNumber(d.config?.onboot) === 1;
    const start = failed.find((f) => /start/.test(f.type));
    add({
      id: "guest.stopped",
      severity: start || onboot ? "warning" : "info",
      resource: res,
      summary: `${label} is stopped` +
        (start ? `; its last start failed: ${start.lastError}` : "") +
        (onboot && !start ? " although it is set to start at boot" : ""),
      source: "GET /cluster/resources" + (d.config ? ", config" : "") +
        (start ? ", GET /cluster/tasks" : ""),
      values: {
        status,
        onboot,
        last_start_error: start?.lastError ?? null,
        hastate: asString(g.hastate) ?? null,
      },
      recommendation: start
        ? `Fix the start error, then '${tool} start ${d.vmid}' (log: 'pvesh get /nodes/${node}` +
          `/tasks/${start.upid}/log').`
        : `Start it if it should run: '${tool} start ${d.vmid}'.`,
    });
  }
  if (status === "paused" || qmp === "paused" || qmp === "io-error") {
    const io = qmp === "io-error";
    add({
      id: "guest.paused",
      severity: "warning",
      resource: res,
      summary: `${label} is paused${io ? " after a disk I/O error (storage full?)" : ""}`,
      source: d.status
        ? `GET /nodes/${node}/${isCt ? "lxc" : "qemu"}/${d.vmid}/status/current`
        : "GET /cluster/resources",
      values: { status, qmpstatus: qmp ?? null, lock: asString(g.lock) ?? null },
      recommendation: io
        ? `Free space on the VM's storage first (get_storage), then '${tool} resume ${d.vmid}'.`
        : `Resume it if the pause was not intended: '${tool} resume ${d.vmid}'.`,
    });
  }
  if (g.lock) {
    add({
      id: "guest.locked",
      severity: "warning",
      resource: res,
      summary: `${label} is locked (${g.lock}); most actions are refused until it is released`,
      source: "GET /cluster/resources",
      values: { lock: asString(g.lock) ?? null },
      recommendation: `If no ${g.lock} task is running (${node} > Task History), ` +
        `'${tool} unlock ${d.vmid}'.`,
    });
  }
  if (g.hastate === "error") {
    add({
      id: "ha.service.error",
      severity: "critical",
      resource: res,
      summary: `HA resource ${kind}:${d.vmid} is in error state`,
      source: "GET /cluster/resources",
      values: { hastate: "error" },
      recommendation: `Fix the cause, then 'ha-manager set ${kind}:${d.vmid} --state disabled' ` +
        `and '--state started'.`,
    });
  }
  if (!isCt && !template) {
    checks.push("guest.agent");
    out.push(...agentChecks(d, label, res, status, node));
  }
  if (status === "running") {
    checks.push("guest.memory", "guest.disk", "guest.host");
    out.push(...pressure(d, t, label, res, node, isCt));
  }
  if (d.tasks) {
    checks.push("tasks.failed");
    for (const f of failed.filter((f) => !/start/.test(f.type) || status !== "stopped")) {
      add({
        id: "tasks.failed",
        severity: "warning",
        resource: res,
        summary: `${f.count} failed ${f.type} task(s) for ${label} in the last ` +
          `${t.task_window_hours} h: ${f.lastError}`,
        source: "GET /cluster/tasks",
        values: { failed_count: f.count, last_error: f.lastError, last_upid: f.upid },
        thresholds: { task_window_hours: t.task_window_hours },
        recommendation: `Read the log: 'pvesh get /nodes/${f.node}/tasks/${f.upid}/log'.`,
      });
    }
  }
  if (d.jobs) {
    checks.push("guest.backup");
    out.push(...backupChecks(d, t, label, res, node));
  }
  if (d.snapshots) {
    checks.push("guest.snapshots");
    const old = d.snapshots.filter((s) =>
      s.name !== "current" &&
      (asNumber(s.snaptime) ?? d.now) < d.now - t.snapshot_max_age_days * 86400
    ).sort((a, b) => (asNumber(a.snaptime) ?? 0) - (asNumber(b.snaptime) ?? 0));
    if (old.length) {
      const oldestDays = Math.floor((d.now - (asNumber(old[0].snaptime) ?? d.now)) / 86400);
      add({
        id: "guest.snapshots.old",
        severity: "warning",
        resource: res,
        summary: `${label} has ${old.length} snapshot(s) older than ${t.snapshot_max_age_days} ` +
          `days (oldest: ${old[0].name}, ${oldestDays} days)`,
        source: `GET /nodes/${node}/${isCt ? "lxc" : "qemu"}/${d.vmid}/snapshot`,
        values: { old_snapshots: old.map((s) => String(s.name)), oldest_age_days: oldestDays },
        thresholds: { snapshot_max_age_days: t.snapshot_max_age_days },
        recommendation: `Old snapshots grow and slow disks; delete those no longer needed: ` +
          `'${tool} delsnapshot ${d.vmid} ${old[0].name}'.`,
      });
    }
  }
  return { findings: out, checks };
}
