/**
 * Cold start of one server: spawn → `initialize` answer → first `tools/list`
 * answer, the resident set right after that listing (the idle figure), the
 * CPU time the server used until then, and the PVE requests it made meanwhile. The server stays up for the
 * caller (bench/surface.ts loads it with listing calls, then closes it).
 *
 * @example
 * ```ts ignore
 * import { coldStart } from "./cold_start.ts";
 * const c = await coldStart(minimalSpec());
 * console.log(c.initMs, c.listMs, c.idle.rss);
 * await c.srv.close();
 * ```
 *
 * @module
 */

import type { Simulator } from "../src/simulator/mod.ts";
import { cpuMs, memoryKb, type ServerSpec, type Spawned, spawnSpec } from "./spawn.ts";

/** One start's figures (ms, KiB) and the running server. */
export interface ColdStart {
  initMs: number;
  listMs: number;
  /** VmRSS and VmHWM right after the first tools/list. */
  idle: { rss: number; hwm: number };
  /** CPU time the server used up to the first tools/list answer. */
  cpuMs: number;
  /** PVE requests seen by `sim` from spawn to the first tools/list answer. */
  startRequests: number;
  srv: Spawned;
}

/** Spawns `spec` and takes its start-up figures; `sim` is the simulator it talks to, if any. */
export async function coldStart(spec: ServerSpec, sim?: Simulator): Promise<ColdStart> {
  const before = sim?.requests.length ?? 0;
  const srv = await spawnSpec(spec);
  // Read before anything else happens in the child: this is the idle figure.
  const idle = memoryKb(srv.pid);
  const cpu = cpuMs(srv.pid);
  return {
    initMs: srv.initMs,
    listMs: srv.listMs,
    idle,
    cpuMs: cpu,
    startRequests: sim ? sim.requests.length - before : NaN,
    srv,
  };
}
