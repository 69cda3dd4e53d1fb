/**
 * Human text for the insight tools: metrics, guest IPs, HA, pools,
 * firewall, backup jobs.
 *
 * @example
 * ```ts
 * import { formatPools } from "./insight.ts";
 * console.log(formatPools({ pools: [] })); // "No pools visible to this token."
 * ```
 *
 * @module
 */

import { formatBytes, formatPercent } from "./units.ts";

type Series = { min: number; avg: number; max: number; last: number };

const BYTES =
  /^(mem|maxmem|memused|memtotal|memavailable|swapused|swaptotal|rootused|roottotal|disk|maxdisk)$/;
const RATE = /^(netin|netout|diskread|diskwrite)$/;

function show(k: string, v: number): string {
  if (k === "cpu" || k === "iowait") return formatPercent(v);
  if (BYTES.test(k)) return formatBytes(v);
  if (RATE.test(k)) return `${formatBytes(v)}/s`;
  return String(Math.round(v * 100) / 100);
}

/** Metrics summary, one line per series. */
export function formatMetrics(r: {
  target: { node: string; vmid: number | null; type: string };
  timeframe: string;
  cf: string;
  samples: number;
  series: Record<string, Series>;
}): string {
  const what = r.target.vmid === null
    ? `Node ${r.target.node}`
    : `${r.target.type === "lxc" ? "CT" : "VM"} ${r.target.vmid} on ${r.target.node}`;
  const head = `${what}, last ${r.timeframe} (${r.cf}, ${r.samples} samples):`;
  const lines = Object.entries(r.series).map(([k, s]) =>
    `- ${k}: avg ${show(k, s.avg)}, min ${show(k, s.min)}, max ${show(k, s.max)}, last ${
      show(k, s.last)
    }`
  );
  return lines.length
    ? [head, ...lines].join("\n")
    : `${what}: no data for the last ${r.timeframe}.`;
}

/** Guest addresses by interface. */
export function formatGuestIps(r: {
  vmid: number;
  type: string;
  addresses: string[];
  interfaces: { name: string; mac: string | null; ipv4: string[]; ipv6: string[] }[];
}): string {
  const kind = r.type === "lxc" ? "CT" : "VM";
  if (!r.addresses.length) return `${kind} ${r.vmid} reports no address outside loopback.`;
  return [
    `${kind} ${r.vmid}: ${r.addresses.join(", ")}`,
    ...r.interfaces.filter((i) => i.name !== "lo").map((i) =>
      `- ${i.name} (${i.mac ?? "no MAC"}): ${[...i.ipv4, ...i.ipv6].join(", ") || "no address"}`
    ),
  ].join("\n");
}

/** HA resources and service states. */
export function formatHa(r: {
  resources: { sid: string; state: string | null }[];
  quorate: boolean | null;
  master: { node: string | null; status: string | null } | null;
  services: { sid: string; node: string | null; state: string | null }[];
}): string {
  if (!r.resources.length && !r.services.length) return "No HA resources are configured.";
  const bad = r.services.filter((s) => s.state === "error" || s.state === "fence");
  return [
    `HA: ${r.resources.length} resource(s); quorum ${
      r.quorate === null ? "unknown" : r.quorate ? "OK" : "LOST"
    }; ` +
    `master ${r.master?.status ?? "none"}` + (bad.length ? `; ${bad.length} in error/fence` : ""),
    ...r.services.map((s) => `- ${s.sid}: ${s.state ?? "?"} on ${s.node ?? "?"}`),
  ].join("\n");
}

/** Pools and member counts. */
export function formatPools(r: {
  pools: { poolid: string; comment: string | null; members: { id: string }[] }[];
}): string {
  if (!r.pools.length) return "No pools visible to this token.";
  return r.pools.map((p) =>
    `- ${p.poolid}${p.comment ? ` (${p.comment})` : ""}: ${p.members.length} member(s)` +
    (p.members.length ? ` - ${p.members.map((m) => m.id).join(", ")}` : "")
  ).join("\n");
}

/** Firewall state and rules. */
export function formatFirewall(r: {
  target: string;
  enabled: boolean;
  options: Record<string, string | number>;
  rules: {
    pos: number;
    enabled: boolean;
    type: string;
    action: string;
    macro: string | null;
    proto: string | null;
    source: string | null;
    dport: string | null;
    comment: string | null;
  }[];
}): string {
  const pol = ["policy_in", "policy_out"].filter((k) => r.options[k] !== undefined)
    .map((k) => `${k} ${r.options[k]}`).join(", ");
  return [
    `Firewall of ${r.target}: ${r.enabled ? "enabled" : "DISABLED"}${pol ? ` (${pol})` : ""}, ` +
    `${r.rules.length} rule(s)`,
    ...r.rules.map((x) =>
      `${x.pos}. ${x.enabled ? "" : "(off) "}${x.type.toUpperCase()} ${x.action}` +
      `${x.macro ? ` ${x.macro}` : ""}${x.proto ? ` ${x.proto}` : ""}` +
      `${x.source ? ` from ${x.source}` : ""}${x.dport ? ` port ${x.dport}` : ""}` +
      `${x.comment ? ` # ${x.comment}` : ""}`
    ),
  ].join("\n");
}

/** Backup jobs and uncovered guests. */
export function formatBackupJobs(r: {
  jobs: {
    id: string;
    enabled: boolean;
    schedule: string | null;
    storage: string | null;
    selection: string;
  }[];
  not_backed_up: { vmid: number; name: string | null }[];
}): string {
  const jobs = r.jobs.map((j) =>
    `- ${j.id}${j.enabled ? "" : " (DISABLED)"}: ${j.selection} -> ${j.storage ?? "?"} at ` +
    `${j.schedule ?? "?"}`
  );
  const missing = r.not_backed_up.length
    ? `Not covered by any job: ${
      r.not_backed_up.map((g) => `${g.vmid}${g.name ? ` (${g.name})` : ""}`).join(", ")
    }`
    : "Every guest is covered by a job.";
  return [`${r.jobs.length} backup job(s)`, ...jobs, missing].join("\n");
}
