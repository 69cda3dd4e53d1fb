/**
 * Human text for one guest's detail: state line, resources, then the config
 * keys that matter before acting (disks, network, boot, agent, protection).
 *
 * @example
 * ```ts
 * import { formatGuest } from "./guest.ts";
 * console.log(formatGuest("VM 100 (web01)", {
 *   node: "pve1", status: "stopped", lock: null, tags: [], template: false, uptime: null,
 *   cpu: null, cpus: 2, mem: null, maxmem: 2147483648, ha_managed: false, ha_state: null,
 *   protection: false, config: { cores: 2 },
 * }).split("\n")[0]); // "VM 100 (web01) on pve1: stopped"
 * ```
 *
 * @module
 */

import { formatBytes, formatDuration, formatPercent } from "./units.ts";

interface GuestView {
  node: string;
  status: string;
  lock: string | null;
  tags: string[];
  template: boolean;
  uptime: number | null;
  cpu: number | null;
  cpus: number | null;
  mem: number | null;
  maxmem: number | null;
  ha_managed: boolean;
  ha_state: string | null;
  protection: boolean;
  config: Record<string, string | number>;
}

// Config keys worth a line of their own; the rest is in the structured output.
const KEY =
  /^(cores|sockets|memory|balloon|swap|ostype|boot|onboot|agent|startup|hostname|(scsi|virtio|sata|ide|efidisk|tpmstate|mp|rootfs|net)\d*)$/;

/** Several lines: state, resources, notable config. */
export function formatGuest(label: string, g: GuestView): string {
  const head = [`${label} on ${g.node}: ${g.status}`];
  if (g.template) head.push("template");
  if (g.lock) head.push(`LOCKED (${g.lock})`);
  if (g.protection) head.push("protection on");
  if (g.ha_managed) head.push(`HA ${g.ha_state ?? "managed"}`);
  if (g.tags.length) head.push(`tags ${g.tags.join(",")}`);
  const lines = [head.join(" · ")];
  if (g.status === "running" || g.status === "paused") {
    lines.push(
      `CPU ${formatPercent(g.cpu ?? undefined)} of ${g.cpus ?? "?"} · RAM ` +
        `${formatBytes(g.mem ?? undefined)} / ${formatBytes(g.maxmem ?? undefined)} · up ` +
        formatDuration(g.uptime ?? undefined),
    );
  }
  for (const [k, v] of Object.entries(g.config)) {
    if (KEY.test(k)) lines.push(`  ${k}: ${v}`);
  }
  return lines.join("\n");
}
