/**
 * `deno task bench`: how fast the server is at any cluster size, measured
 * through a real MCP client over stdio against the simulator with injected
 * round-trip latency. Prints Markdown tables: per tool the API requests, the
 * sequential round trips, wall time p50/p95, the floor (round trips × RTT)
 * and the ratio to it, bytes returned to the model; peak RSS; and first the
 * tool surface and process cost (bench/surface.ts: cold start, RSS, tools/list
 * bytes, client-side listTools) against the previous release and a minimal
 * one-tool server.
 *
 * @example
 * ```sh
 * deno task bench            # default matrix (about five minutes)
 * deno task bench --quick    # small matrix (well under a minute)
 * deno task bench --full     # every cluster at every latency (long)
 * deno task bench --clusters 32x2000 --latencies 20 --tools get_vms,get_nodes --reps 20
 * deno task bench --skip-surface   # only the per-tool tables
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { configFor } from "../tests/support/harness.ts";
import type { CallToolResult } from "../tests/support/sdk_client.ts";
import { buildCluster, type Simulator, startSimulator } from "../src/simulator/mod.ts";
import { type ToolCase, toolCases } from "./cases.ts";
import { bytes, ms, percentile, table, waves } from "./stats.ts";
import { peakRssKb, type Spawned, spawnOurs } from "./spawn.ts";
import { DEFAULT_SURFACE, measureSurface, QUICK_SURFACE } from "./surface.ts";
import { printSurface } from "./surface_report.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean", default: false },
    full: { type: "boolean", default: false },
    reps: { type: "string" },
    clusters: { type: "string" },
    latencies: { type: "string" },
    tools: { type: "string" },
    cost: { type: "string", default: "2" },
    out: { type: "string" },
    surface: { type: "boolean", default: false },
    "skip-surface": { type: "boolean", default: false },
  },
});

interface Cell {
  nodes: number;
  guests: number;
  latencies: number[];
}

const QUICK = flags.quick;
const ALL_LATENCIES = [0, 5, 20, 50];
/**
 * Default: every latency on the 32-node cluster (the reference table), 0 and 20 ms elsewhere, so
 * the run stays near five minutes with ~45 tools. `--full` runs every latency everywhere.
 */
function matrix(): Cell[] {
  const lat = flags.latencies?.split(",").map(Number);
  if (flags.clusters) {
    return flags.clusters.split(",").map((c) => {
      const [nodes, guests] = c.split("x").map(Number);
      return { nodes, guests, latencies: lat ?? ALL_LATENCIES };
    });
  }
  if (QUICK) {
    return [{ nodes: 1, guests: 10 }, { nodes: 8, guests: 500 }].map((c) => ({
      ...c,
      latencies: lat ?? [0, 20],
    }));
  }
  const some = flags.full ? ALL_LATENCIES : [0, 20];
  return [
    { nodes: 1, guests: 10, latencies: lat ?? some },
    { nodes: 8, guests: 500, latencies: lat ?? some },
    { nodes: 32, guests: 2000, latencies: lat ?? ALL_LATENCIES },
    { nodes: 128, guests: 20_000, latencies: lat ?? some },
  ];
}
const ONLY = flags.tools ? new Set(flags.tools.split(",")) : undefined;
const COST_MS = Number(flags.cost);
const repsFor = (guests: number) =>
  flags.reps ? Number(flags.reps) : QUICK || guests >= 10_000 ? 5 : 9;
/** Latency used to tell sequential round trips apart from parallel requests. */
const PROBE_LATENCY = 40;

const out: string[] = [];
const say = (s = "") => {
  console.log(s);
  out.push(s);
};

function machine(): string {
  let cpu = "unknown CPU";
  try {
    cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpu;
  } catch { /* not Linux */ }
  const mem = Deno.systemMemoryInfo();
  return `${cpu}, ${navigator.hardwareConcurrency} cores, ${
    Math.round(mem.total / 2 ** 30)
  } GiB RAM, ${Deno.build.os}/${Deno.build.arch}, Deno ${Deno.version.deno}`;
}

function resultBytes(r: CallToolResult): number {
  return new TextEncoder().encode(JSON.stringify(r)).length;
}

interface Row {
  c: ToolCase;
  requests: number;
  roundTrips: number;
  times: number[];
  bytes: number;
  error?: string;
}

async function timeCall(srv: Spawned, sim: Simulator, c: ToolCase) {
  const before = sim.requests.length;
  const t0 = performance.now();
  const r = await srv.client.callTool({ name: c.tool, arguments: c.args }) as CallToolResult;
  const wall = performance.now() - t0;
  const reqs = sim.requests.slice(before);
  const text = r.isError ? (r.content?.[0] as { text?: string })?.text ?? "error" : undefined;
  return { wall, reqs, r, error: text };
}

async function benchCluster(spec: Cell) {
  const sim = await startSimulator({ cluster: buildCluster(spec), costMs: COST_MS });
  const srv = await spawnOurs(configFor(sim, undefined, { logging: { level: "WARNING" } }));
  try {
    const all = toolCases(srv.tools, sim.state);
    const cases = all.cases.filter((c) => !ONLY || ONLY.has(c.tool));
    const skipped = all.skipped.filter((x) => !ONLY || ONLY.has(x.tool));
    // Round trips: at a clear latency, requests of one wave arrive together.
    sim.setLatency(PROBE_LATENCY);
    const probe = new Map<string, { requests: number; roundTrips: number }>();
    for (const c of cases) {
      const { reqs } = await timeCall(srv, sim, c);
      probe.set(c.label, {
        requests: reqs.length,
        roundTrips: waves(reqs.map((q) => q.at), PROBE_LATENCY / 2),
      });
    }
    const rows = new Map<number, Row[]>();
    for (const latency of spec.latencies) {
      sim.setLatency(latency);
      const list: Row[] = [];
      for (const c of cases) {
        await timeCall(srv, sim, c); // warm-up
        const row: Row = { c, ...probe.get(c.label)!, times: [], bytes: 0 };
        for (let i = 0; i < repsFor(spec.guests); i++) {
          const { wall, reqs, r, error } = await timeCall(srv, sim, c);
          row.times.push(wall);
          row.bytes = resultBytes(r);
          row.requests = Math.max(row.requests, reqs.length);
          row.error ??= error;
        }
        list.push(row);
      }
      rows.set(latency, list);
    }
    return { rows, skipped, rssKb: peakRssKb(srv.pid) };
  } finally {
    await srv.close();
    await sim.close();
  }
}

function printCluster(
  spec: Cell,
  res: Awaited<ReturnType<typeof benchCluster>>,
) {
  say(`### ${spec.nodes} node(s), ${spec.guests.toLocaleString("en")} guests`);
  say();
  const body: string[][] = [];
  for (const [latency, list] of res.rows) {
    for (const row of list) {
      const p50 = percentile(row.times, 50);
      const floor = row.roundTrips * latency;
      body.push([
        String(latency),
        row.c.label + (row.error ? " (error)" : ""),
        String(row.requests),
        String(row.roundTrips),
        ms(p50),
        ms(percentile(row.times, 95)),
        floor ? ms(floor) : "0",
        floor ? `${(p50 / floor).toFixed(2)}x` : "-",
        bytes(row.bytes),
      ]);
    }
  }
  say(table(
    [
      "RTT ms",
      "tool",
      "requests",
      "round trips",
      "p50 ms",
      "p95 ms",
      "floor ms",
      "p50/floor",
      "bytes to model",
    ],
    body,
  ));
  say();
  say(`Peak RSS of the server (VmHWM): ${(res.rssKb / 1024).toFixed(0)} MiB.`);
  for (const s of res.skipped) say(`Skipped ${s.tool}: ${s.why}.`);
  const errors = [...res.rows.values()].flat().filter((r) => r.error);
  for (const e of errors.slice(0, 5)) say(`Error from ${e.c.label}: ${e.error}`);
  say();
}

async function main() {
  const started = performance.now();
  say(
    `## Benchmark (${QUICK ? "quick" : flags.full ? "full" : "default"} run, ${
      new Date().toISOString().slice(0, 10)
    })`,
  );
  say();
  say(`Machine: ${machine()}.`);
  say(
    `Simulated PVE: round-trip latency per request as listed, ${COST_MS} ms server cost per ` +
      "request (protected endpoints on 3 daemon workers). Each tool: one warm-up call, then " +
      "the timed calls through the MCP SDK client over stdio; floor = sequential round trips × RTT.",
  );
  say();
  // Targeted runs (--clusters, --tools) skip the surface unless asked: it takes minutes.
  const targeted = flags.clusters !== undefined || flags.tools !== undefined;
  if (!flags["skip-surface"] && (flags.surface || !targeted)) {
    const surface = await measureSurface(QUICK ? QUICK_SURFACE : DEFAULT_SURFACE, console.error);
    printSurface(surface, say);
  }
  for (const spec of matrix()) printCluster(spec, await benchCluster(spec));
  say(`Total bench time: ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  if (flags.out) await Deno.writeTextFile(flags.out, out.join("\n") + "\n");
}

await main();
