/**
 * What the simulator's live model says about its guests, for tests that check a listing
 * against it (not against copies of its data).
 */

import type { Simulator } from "../../src/simulator/mod.ts";

/** The simulator's guests in VMID order, of one kind or both. */
export function expectedGuests(sim: Simulator, type?: "qemu" | "lxc") {
  return [...sim.state.guests.values()].filter((g) => !type || g.type === type).sort((a, b) =>
    a.vmid - b.vmid
  );
}

/** A guest's status as PVE lists it: "unknown" while its node is offline. */
export function liveStatus(sim: Simulator, g: { node: string; status: string }) {
  return sim.state.nodes.get(g.node)?.online ? g.status : "unknown";
}
