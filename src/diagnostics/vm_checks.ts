/**
 * The per-topic rules of the guest diagnosis: guest agent, memory and disk
 * pressure, backups.
 *
 * @example
 * ```ts
 * import { agentChecks } from "./vm_checks.ts";
 * const f = agentChecks({ now: 0, vmid: 100, guest: {}, config: { agent: "0" } },
 *   "VM 100", { type: "vm", id: "100" }, "running", "pve1");
 * console.log(f[0].id); // "guest.agent.disabled"
 * ```
 *
 * @module
 */

import { asNumber, asString } from "../proxmox/lenient.ts";
import { type Finding, finding, pct } from "./types.ts";
import type { Thresholds } from "./thresholds.ts";
import { jobsCovering, type JobSummary } from "./backup.ts";
import type { GuestData } from "./vm_issues.ts";

/** Guest agent disabled in the config, or enabled but not answering. */
export function agentChecks(
  d: GuestData,
  label: string,
  res: Finding["resource"],
  status: string,
  node: string,
): Finding[] {
  if (!d.config) return [];
  const raw = asString(d.config.agent) ?? "0";
  const enabled = /^(1|enabled=1)/.test(raw) || /(^|,)enabled=1/.test(raw);
  const path = `/nodes/${node}/qemu/${d.vmid}`;
  if (!enabled) {
    return [finding({
      id: "guest.agent.disabled",
      severity: "warning",
      resource: res,
      summary: `${label} has the QEMU guest agent disabled: no IPs, fs-freeze or clean shutdown`,
      source: `GET ${path}/config`,
      values: { agent: raw },
      recommendation: `'qm set ${d.vmid} --agent enabled=1', install qemu-guest-agent in the ` +
        `guest, then restart the VM (a reboot inside the guest is not enough).`,
    })];
  }
  if (status === "running" && d.agent && !d.agent.ok) {
    return [finding({
      id: "guest.agent.not_responding",
      severity: "warning",
      resource: res,
      summary: `${label}: the guest agent is enabled but does not answer (${d.agent.error})`,
      source: `GET ${path}/agent/network-get-interfaces`,
      values: { agent: raw, error: d.agent.error },
      recommendation: `Inside the guest: 'systemctl enable --now qemu-guest-agent' ` +
        `(Windows: install the VirtIO guest tools).`,
    })];
  }
  return [];
}

/** Memory and (containers) disk pressure inside, and memory pressure of the host node. */
export function pressure(
  d: GuestData,
  t: Thresholds,
  label: string,
  res: Finding["resource"],
  node: string,
  isCt: boolean,
): Finding[] {
  const out: Finding[] = [];
  const s = d.status ?? d.guest;
  const src = d.status
    ? `GET /nodes/${node}/${isCt ? "lxc" : "qemu"}/${d.vmid}/status/current`
    : "GET /cluster/resources";
  const mem = asNumber(s.mem) ?? 0;
  const maxmem = asNumber(s.maxmem) ?? 0;
  if (maxmem > 0 && pct(mem, maxmem) >= t.guest_memory_warning_pct) {
    out.push(finding({
      id: "guest.memory.pressure",
      severity: "warning",
      resource: res,
      summary: `${label} uses ${pct(mem, maxmem)}% of its memory`,
      source: src,
      values: { mem_used_bytes: mem, mem_total_bytes: maxmem, mem_used_pct: pct(mem, maxmem) },
      thresholds: { guest_memory_warning_pct: t.guest_memory_warning_pct },
      recommendation: `Give it more memory ('${isCt ? "pct" : "qm"} set ${d.vmid} --memory MiB') ` +
        `or find the consumer inside the guest.`,
    }));
  }
  const disk = asNumber(s.disk) ?? 0;
  const maxdisk = asNumber(s.maxdisk) ?? 0;
  // QEMU reports disk 0: PVE cannot see inside the image, so only containers are measured.
  if (isCt && maxdisk > 0 && pct(disk, maxdisk) >= t.guest_disk_warning_pct) {
    out.push(finding({
      id: "guest.disk.pressure",
      severity: "warning",
      resource: res,
      summary: `${label}'s root disk is ${pct(disk, maxdisk)}% full`,
      source: src,
      values: {
        disk_used_bytes: disk,
        disk_total_bytes: maxdisk,
        disk_used_pct: pct(disk, maxdisk),
      },
      thresholds: { guest_disk_warning_pct: t.guest_disk_warning_pct },
      recommendation: `Clean up inside, or grow it: 'pct resize ${d.vmid} rootfs +10G'.`,
    }));
  }
  const h = d.host;
  const hmem = asNumber(h?.mem) ?? 0;
  const hmax = asNumber(h?.maxmem) ?? 0;
  if (hmax > 0 && pct(hmem, hmax) >= t.node_memory_warning_pct) {
    out.push(finding({
      id: "guest.host.memory.pressure",
      severity: "warning",
      resource: { type: "node", id: node },
      summary: `${label}'s node ${node} is at ${pct(hmem, hmax)}% memory`,
      source: "GET /cluster/resources",
      values: { mem_used_bytes: hmem, mem_total_bytes: hmax, mem_used_pct: pct(hmem, hmax) },
      thresholds: { node_memory_warning_pct: t.node_memory_warning_pct },
      recommendation: `Migrate this or other guests to a less loaded node: 'qm migrate ${d.vmid} ` +
        `TARGET --online' (containers: 'pct migrate ${d.vmid} TARGET --restart').`,
    }));
  }
  return out;
}

/** Backup job coverage and the age of the newest backup. */
export function backupChecks(
  d: GuestData,
  t: Thresholds,
  label: string,
  res: Finding["resource"],
  node: string,
): Finding[] {
  const g = { vmid: d.vmid, node, pool: asString(d.guest.pool) ?? null };
  const jobs: JobSummary[] = jobsCovering(d.jobs ?? [], g);
  const enabled = jobs.filter((j) => j.enabled);
  const tool = d.guest.type === "lxc" ? "pct" : "qm";
  if (!enabled.length) {
    return [finding({
      id: "guest.backup.no_job",
      severity: "warning",
      resource: res,
      summary: jobs.length
        ? `${label} is only in disabled backup job(s): ${jobs.map((j) => j.id).join(", ")}`
        : `No backup job covers ${label}`,
      source: "GET /cluster/backup",
      values: { jobs_covering: jobs.map((j) => j.id), enabled_jobs: 0 },
      recommendation: `Add it to a job (Datacenter > Backup) or back it up now: 'vzdump ` +
        `${d.vmid} --storage STORAGE --mode snapshot'.`,
    })];
  }
  if (!d.backups) return [];
  const mine = d.backups.filter((b) => asNumber(b.vmid) === d.vmid)
    .sort((a, b) => (asNumber(b.ctime) ?? 0) - (asNumber(a.ctime) ?? 0));
  const last = mine[0];
  const age = last ? Math.floor((d.now - (asNumber(last.ctime) ?? 0)) / 86400) : null;
  if (last && age! <= t.backup_max_age_days) return [];
  return [finding({
    id: last ? "guest.backup.stale" : "guest.backup.none_found",
    severity: "warning",
    resource: res,
    summary: last
      ? `${label}'s last backup is ${age} days old (${asString(last.volid)})`
      : `No backup of ${label} found on ${(d.backupStorages ?? []).join(", ") || "any storage"}`,
    source: (d.backupStorages ?? []).map((st) =>
      `GET /nodes/${node}/storage/${st}/content?content=backup&vmid=${d.vmid}`
    ).join(", ") || "GET /cluster/resources (no backup storage on this node)",
    values: {
      last_backup_volid: asString(last?.volid) ?? null,
      last_backup_ctime: asNumber(last?.ctime) ?? null,
      last_backup_age_days: age,
      storages_checked: d.backupStorages ?? [],
      jobs_covering: enabled.map((j) =>
        j.id
      ),
    },
    thresholds: { backup_max_age_days: t.backup_max_age_days },
    recommendation: `Check the job's last run (Datacenter > Backup, and ${node} > Task History ` +
      `for vzdump), or run one now: 'vzdump ${d.vmid} --storage ${
        enabled[0].storage ?? "STORAGE"
      }' (${tool} guests are backed up with vzdump).`,
  })];
}
