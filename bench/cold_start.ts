/**
 * Cold start: spawn → `initialize` answer → first `tools/list`, for our
 * server (against a small simulated cluster) and for the minimal one-tool
 * server, alternating runs so both see the same machine load.
 *
 * @example
 * ```ts ignore
 * import { coldStart } from "./cold_start.ts";
 * const r = await coldStart(7);
 * console.log(r.ours.init / r.min.init);
 * ```
 *
 * @module
 */

import { configFor } from "../tests/support/harness.ts";
import { buildCluster, startSimulator } from "../src/simulator/mod.ts";
import { percentile } from "./stats.ts";
import { peakRssKb, type Spawned, spawnMinimal, spawnOurs } from "./spawn.ts";

interface Figures {
  init: number;
  list: number;
  rssKb: number;
}

/** One spawn's figures, read before it is closed. */
async function once(spawn: () => Promise<Spawned>): Promise<Figures> {
  const s = await spawn();
  const fig = { init: s.initMs, list: s.listMs, rssKb: peakRssKb(s.pid) };
  await s.close();
  return fig;
}

/** Medians over `runs` alternating spawns; also the PVE requests made before any tool call. */
export async function coldStart(runs: number) {
  const sim = await startSimulator({ cluster: buildCluster({ nodes: 8, guests: 100 }) });
  const doc = configFor(sim, undefined, { logging: { level: "WARNING" } });
  const ours: Figures[] = [];
  const min: Figures[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      ours.push(await once(() => spawnOurs(doc)));
      min.push(await once(spawnMinimal));
    }
  } finally {
    await sim.close();
  }
  const median = (list: Figures[]): Figures => ({
    init: percentile(list.map((f) => f.init), 50),
    list: percentile(list.map((f) => f.list), 50),
    rssKb: percentile(list.map((f) => f.rssKb), 50),
  });
  // Every spawn listed its tools and made no call: any request here is start-up network I/O.
  const before = [...new Set(sim.requests.map((q) => `${q.method} ${q.path}`))];
  return {
    runs,
    ours: median(ours),
    min: median(min),
    requestsBeforeCall: sim.requests.length / runs,
    pathsBeforeCall: before,
  };
}
