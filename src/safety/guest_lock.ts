/**
 * One in-flight change per guest and server process: a second mutating call
 * on a guest while the first is still running (two stops racing, a stop
 * during a snapshot) is refused before anything is sent, instead of both
 * reading "running" and both sending. Dry runs take no claim. The claim is
 * per cluster (its API address) and VMID and lasts until the pipeline
 * answers; across processes PVE's own guest lock still applies.
 *
 * @example
 * ```ts
 * import { claimGuest } from "./guest_lock.ts";
 * const release = claimGuest("pve1:8006", 100, "guest_power stop");
 * try {
 *   claimGuest("pve1:8006", 100, "guest_power start");
 * } catch (e) {
 *   console.log((e as Error).message.startsWith("VMID 100 is busy")); // true
 * }
 * release();
 * claimGuest("pve1:8006", 100, "guest_power start")(); // free again
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import { ActionRefused } from "./target.ts";

const inFlight = new Map<string, { tool: string; since: number }>();

/** Claims the guest for one change; returns its release. Throws ActionRefused when busy. */
export function claimGuest(cluster: string, vmid: number, tool: string): () => void {
  const key = `${cluster}/${vmid}`;
  const busy = inFlight.get(key);
  if (busy) {
    const secs = Math.round((Date.now() - busy.since) / 1000);
    throw new ActionRefused(
      `VMID ${vmid} is busy: ${busy.tool} on it is still in progress (for ${secs} s) through ` +
        `this server, so ${tool} was not sent. Wait for it to finish, check the guest's state, ` +
        "then decide again.",
      "busy",
    );
  }
  const claim = { tool, since: Date.now() };
  inFlight.set(key, claim);
  return () => {
    if (inFlight.get(key) === claim) inFlight.delete(key);
  };
}

/** The claim's cluster part: the PVE API address the context talks to. */
export function clusterKey(ctx: ToolContext): string {
  return `${ctx.config.proxmox.host}:${ctx.config.proxmox.port}`;
}
