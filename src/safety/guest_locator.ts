/**
 * Where each guest was last seen (VMID → node and type), per PVE client, for 10 minutes: an action
 * without `node` then reads the guest's own `status/current` (a few hundred bytes) instead of
 * the cluster-wide list (megabytes on a big cluster). The entry is a hint, never the answer:
 * the guest's own status must confirm it (PVE answers it only from the node holding the
 * config), and any failure there (migrated, destroyed, node offline) goes back to the list,
 * which refreshes every entry.
 *
 * @example
 * ```ts
 * import { locateGuest, rememberGuests } from "./guest_locator.ts";
 * const pve = {}; // any object standing for one PveClient
 * rememberGuests(pve, [{ vmid: 100, node: "pve1", type: "qemu" }], 0);
 * console.log(locateGuest(pve, 100, 1_000)); // { node: "pve1", type: "qemu" }
 * console.log(locateGuest(pve, 100, 601_000)); // undefined (expired)
 * ```
 *
 * @module
 */

import { asString, guestKind, guestVmid } from "../proxmox/lenient.ts";

/**
 * How long a sighting is used. Long on purpose: a sighting is only ever a hint that the
 * guest's own status confirms, so a stale one (migrated, destroyed) costs one small failed read
 * before the list, and a VMID the map lacks (a new guest) goes to the list, which refreshes it.
 */
export const LOCATOR_TTL_MS = 600_000;

interface Sighting {
  node: string;
  type: "qemu" | "lxc";
}

const maps = new WeakMap<object, { at: number; byVmid: Map<number, Sighting> }>();

/** Replaces the map of `pve` with the guests of a `/cluster/resources` answer. */
export function rememberGuests(
  pve: object,
  rows: readonly Record<string, unknown>[],
  now = Date.now(),
): void {
  const byVmid = new Map<number, Sighting>();
  for (const r of rows) {
    const vmid = guestVmid(r);
    const node = asString(r.node);
    const type = guestKind(r);
    if (vmid === undefined || !node || !type) continue;
    byVmid.set(vmid, { node, type });
  }
  maps.set(pve, { at: now, byVmid });
}

/** The last sighting of `vmid` if fresh; `undefined` otherwise. */
export function locateGuest(pve: object, vmid: number, now = Date.now()): Sighting | undefined {
  const m = maps.get(pve);
  if (!m || now - m.at > LOCATOR_TTL_MS || now < m.at) return undefined;
  const s = m.byVmid.get(vmid);
  return s && { ...s };
}
