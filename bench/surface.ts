/**
 * `deno run -A bench/surface.ts`: the tool surface and process cost of
 * proxmox-mcp against the previous release (07d3b87, SDK v1) and a minimal
 * one-tool server (and, for the process figures, this tree bundled: see
 * bench/bundle.ts; `--no-bundle` leaves it out), all in one run: cold start
 * (spawn → initialize, → first tools/list), idle RSS, RSS after 30 listing
 * calls on a 10,000-guest simulated cluster, tools/list bytes (model-visible and whole, per toolset),
 * and what `listTools()` costs the v1 and v2 client libraries. Servers are
 * measured in alternating runs (medians); prints Markdown tables with ratios
 * and the targets, or JSON with `--json`. Part of `deno task bench`.
 *
 * @example
 * ```sh
 * deno run -A bench/surface.ts               # 7 runs, 15 fresh clients per library
 * deno run -A bench/surface.ts --quick       # 3 runs, 5 clients
 * deno run -A bench/surface.ts --runs 11 --json
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { configFor } from "../tests/support/harness.ts";
import type { CallToolResult } from "../tests/support/sdk_client.ts";
import { buildCluster, type Simulator, startSimulator } from "../src/simulator/mod.ts";
import { percentile } from "./stats.ts";
import { memoryKb, minimalSpec, oursSpec, type ServerSpec, spawnSpec } from "./spawn.ts";
import { previousRelease } from "./prev_release.ts";
import { bundledTree } from "./bundle.ts";
import { coldStart } from "./cold_start.ts";
import { describeCalls, listingCalls } from "./listing_load.ts";
import { CLIENT_LIBS, compileMs, listToolsMs, record, type Transcript } from "./client_cost.ts";
import { type ListBytes, listBytes, toolsetMap } from "./tools_list_bytes.ts";
import { printSurface } from "./surface_report.ts";

/** What to run. */
export interface SurfaceOptions {
  /** Alternating spawns per server (medians). */
  runs: number;
  /** Fresh clients per server and client library. */
  clients: number;
  /** Listing calls before the second RSS reading. */
  calls: number;
  /** Quiet time after the last call before the second reading (ms): memory kept, not the peak. */
  settleMs: number;
  nodes: number;
  guests: number;
  /** Also measure this tree bundled (bench/bundle.ts): what Deno's per-module cost is worth. */
  bundle: boolean;
}

export const DEFAULT_SURFACE: SurfaceOptions = {
  runs: 7,
  clients: 15,
  calls: 30,
  settleMs: 1000,
  nodes: 32,
  guests: 10_000,
  bundle: true,
};
export const QUICK_SURFACE: SurfaceOptions = { ...DEFAULT_SURFACE, runs: 3, clients: 5 };

/** The servers; `ours` is the current tree, `bundled` the same tree bundled (not shipped). */
export type ServerKey = "ours" | "bundled" | "previous" | "minimal";

/** Medians of one server's figures (ms, KiB, bytes); NaN where not measured. */
export interface ServerFigures {
  label: string;
  error?: string;
  initMs: number;
  listMs: number;
  /** Server CPU time (user + system) up to the first tools/list answer. */
  cpuMs: number;
  idleRssKb: number;
  idleHwmKb: number;
  /** VmRSS as the last listing's answer arrives. */
  lastAnswerRssKb: number;
  /** VmRSS `settleMs` after the last answer. */
  afterRssKb: number;
  afterHwmKb: number;
  /** Median over runs of after/idle VmRSS. */
  afterOverIdle: number;
  /** PVE requests between spawn and the first tools/list answer. */
  startRequests: number;
  listing: string;
  callErrors: string[];
  bytes?: ListBytes;
  client: Record<string, { listTools: number; compile: number }>;
}

/** Everything one run measured. */
export interface SurfaceResult {
  options: SurfaceOptions;
  previous: { commit?: string; skipped?: string };
  /** Why the bundled tree was not measured, when it was not. */
  bundleSkipped?: string;
  toolsetMapError?: string;
  /** 1-minute load average at the start and end, and the cores: absolute times depend on it. */
  load: { start: number; end: number; cores: number };
  servers: Partial<Record<ServerKey, ServerFigures>>;
}

interface Server {
  key: ServerKey;
  label: string;
  spec: ServerSpec;
  /** Whether it has PVE listing tools to call. */
  load: boolean;
}

interface Run {
  init: number;
  list: number;
  cpu: number;
  idle: { rss: number; hwm: number };
  lastAnswer: { rss: number; hwm: number };
  after: { rss: number; hwm: number };
  startRequests: number;
  listing: string;
  errors: string[];
  tools: Record<string, unknown>[];
  listJson: string;
}

async function runOnce(s: Server, sim: Simulator, o: SurfaceOptions): Promise<Run> {
  const start = await coldStart(s.spec, sim);
  const srv = start.srv;
  try {
    const plan = s.load ? listingCalls(srv.tools, o.calls) : [];
    const errors: string[] = [];
    for (const c of plan) {
      const r = await srv.client.callTool({ name: c.name, arguments: c.args }) as CallToolResult;
      if (r.isError) errors.push(`${c.name}: ${JSON.stringify(r.content).slice(0, 120)}`);
    }
    const none = { rss: NaN, hwm: NaN };
    const lastAnswer = plan.length ? memoryKb(srv.pid) : none;
    // What a server keeps between a model's turns, not the peak inside the last call.
    if (plan.length) await new Promise((r) => setTimeout(r, o.settleMs));
    const after = plan.length ? memoryKb(srv.pid) : none;
    return {
      init: start.initMs,
      list: start.listMs,
      cpu: start.cpuMs,
      idle: start.idle,
      lastAnswer,
      after,
      startRequests: start.startRequests,
      listing: s.load ? describeCalls(plan) || "no listing tool found" : "-",
      errors,
      tools: srv.tools as unknown as Record<string, unknown>[],
      listJson: srv.listJson,
    };
  } finally {
    await srv.close();
  }
}

const med = (xs: number[]) => percentile(xs.filter(Number.isFinite), 50);

function summarise(s: Server, runs: Run[], toolsets: Map<string, string>): ServerFigures {
  const first = runs[0];
  return {
    label: s.label,
    initMs: med(runs.map((r) => r.init)),
    listMs: med(runs.map((r) => r.list)),
    cpuMs: med(runs.map((r) => r.cpu)),
    idleRssKb: med(runs.map((r) => r.idle.rss)),
    idleHwmKb: med(runs.map((r) => r.idle.hwm)),
    lastAnswerRssKb: med(runs.map((r) => r.lastAnswer.rss)),
    afterRssKb: med(runs.map((r) => r.after.rss)),
    afterHwmKb: med(runs.map((r) => r.after.hwm)),
    afterOverIdle: med(runs.map((r) => r.after.rss / r.idle.rss)),
    startRequests: med(runs.map((r) => r.startRequests)),
    listing: first.listing,
    callErrors: [...new Set(runs.flatMap((r) => r.errors))].slice(0, 5),
    // Counted on the tools as sent, not as the client's schemas re-shaped them.
    bytes: listBytes(
      first.listJson ? JSON.parse(first.listJson).tools : first.tools,
      s.key === "ours" ? toolsets : new Map(),
      first.listJson || undefined,
    ),
    client: {},
  };
}

/** Fresh clients of both libraries against replays of each server's recorded session. */
async function clientCosts(all: Server[], figures: SurfaceResult["servers"], n: number) {
  const transcripts = new Map<string, Transcript>();
  const servers: Server[] = [];
  for (const s of all) {
    try {
      for (const lib of CLIENT_LIBS) transcripts.set(`${s.key}/${lib}`, await record(s.spec, lib));
      servers.push(s);
    } catch (e) {
      figures[s.key]!.error = `client-side listTools not measured: ${(e as Error).message}`;
    }
  }
  const samples = new Map<string, { listTools: number[]; compile: number[] }>();
  // Two untimed rounds first: the figure is a fresh client in a warmed-up process.
  for (let round = -2; round < n; round++) {
    for (const s of servers) {
      for (const lib of CLIENT_LIBS) {
        const t = transcripts.get(`${s.key}/${lib}`)!;
        const listTools = await listToolsMs(t, lib);
        const compile = compileMs(JSON.parse(t.list).tools, lib);
        if (round < 0) continue;
        const row = samples.get(`${s.key}/${lib}`) ?? { listTools: [], compile: [] };
        row.listTools.push(listTools);
        row.compile.push(compile);
        samples.set(`${s.key}/${lib}`, row);
      }
    }
  }
  for (const s of servers) {
    for (const lib of CLIENT_LIBS) {
      const row = samples.get(`${s.key}/${lib}`)!;
      // No output schema (the minimal server): nothing to compile, so no figure to divide by.
      const none = !JSON.parse(transcripts.get(`${s.key}/${lib}`)!.list).tools
        .some((t: { outputSchema?: unknown }) => t.outputSchema);
      figures[s.key]!.client[lib] = {
        listTools: med(row.listTools),
        compile: none ? NaN : med(row.compile),
      };
    }
  }
}

/** Runs the whole measurement. */
export async function measureSurface(
  opts: SurfaceOptions,
  progress: (s: string) => void = () => {},
): Promise<SurfaceResult> {
  const prev = await previousRelease();
  const bundled = opts.bundle ? await bundledTree() : { skipped: "--no-bundle" };
  const { map: toolsets, error: toolsetMapError } = await toolsetMap();
  const result: SurfaceResult = {
    options: opts,
    previous: "skipped" in prev ? { skipped: prev.skipped } : { commit: prev.commit.slice(0, 7) },
    bundleSkipped: "skipped" in bundled ? bundled.skipped : undefined,
    toolsetMapError,
    load: { start: loadAvg(), end: NaN, cores: navigator.hardwareConcurrency },
    servers: {},
  };
  const sim = await startSimulator({
    cluster: buildCluster({ nodes: opts.nodes, guests: opts.guests }),
  });
  const dir = await Deno.makeTempDir({ prefix: "pmcp-surface-" });
  try {
    const config = `${dir}/config.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify(configFor(sim, undefined, { logging: { level: "WARNING" } })),
    );
    let servers: Server[] = [
      { key: "ours", label: "proxmox-mcp (this tree)", spec: oursSpec(config), load: true },
      ...("spec" in bundled
        ? [{
          key: "bundled" as const,
          label: "this tree bundled (not shipped)",
          spec: bundled.spec(config),
          load: true,
        }]
        : []),
      ...("root" in prev
        ? [{
          key: "previous" as const,
          label: `previous release (${result.previous.commit})`,
          spec: oursSpec(config, prev.root),
          load: true,
        }]
        : []),
      { key: "minimal", label: "minimal one-tool server", spec: minimalSpec(), load: false },
    ];
    const labels = new Map(servers.map((s) => [s.key, s.label]));
    const runs = new Map<ServerKey, Run[]>(servers.map((s) => [s.key, []]));
    const failures = new Map<ServerKey, string>();
    // One untimed spawn each: Deno's transpile cache for a fresh checkout (or files just edited)
    // is filled here, not in the first timed run.
    for (const s of servers) await spawnSpec(s.spec).then((x) => x.close()).catch(() => {});
    for (let i = 0; i < opts.runs; i++) {
      progress(`surface: run ${i + 1}/${opts.runs}`);
      // Rotated order: no server always follows the heavy listing load of another.
      for (const s of servers.map((_, k) => servers[(k + i) % servers.length])) {
        try {
          runs.get(s.key)!.push(await runOnce(s, sim, opts));
        } catch (e) {
          failures.set(s.key, e instanceof Error ? e.message : String(e));
          // A server that never started is dropped; one that failed later keeps its runs.
          if (!runs.get(s.key)!.length) servers = servers.filter((x) => x !== s);
        }
      }
    }
    for (const s of servers) result.servers[s.key] = summarise(s, runs.get(s.key)!, toolsets);
    for (const [key, error] of failures) {
      result.servers[key] = { ...(result.servers[key] ?? emptyFigures(labels.get(key)!)), error };
      if (key === "previous" && !runs.get(key)!.length) {
        result.previous.skipped = `did not start: ${error}`;
      }
    }
    progress("surface: client-side listTools");
    // The bundle lists exactly what this tree lists: no client-side figure of its own.
    await clientCosts(servers.filter((s) => s.key !== "bundled"), result.servers, opts.clients);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    if ("release" in prev) await prev.release();
    if ("release" in bundled) await bundled.release();
  }
  result.load.end = loadAvg();
  return result;
}

function loadAvg(): number {
  try {
    return Deno.loadavg()[0];
  } catch {
    return NaN; // not available on this OS
  }
}

function emptyFigures(label: string): ServerFigures {
  return {
    label,
    initMs: NaN,
    listMs: NaN,
    cpuMs: NaN,
    idleRssKb: NaN,
    idleHwmKb: NaN,
    lastAnswerRssKb: NaN,
    afterRssKb: NaN,
    afterHwmKb: NaN,
    afterOverIdle: NaN,
    startRequests: NaN,
    listing: "-",
    callErrors: [],
    client: {},
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      "no-bundle": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      runs: { type: "string" },
      clients: { type: "string" },
    },
  });
  const opts = { ...(values.quick ? QUICK_SURFACE : DEFAULT_SURFACE) };
  if (values.runs) opts.runs = positive("--runs", values.runs);
  if (values.clients) opts.clients = positive("--clients", values.clients);
  if (values["no-bundle"]) opts.bundle = false;
  const r = await measureSurface(opts, (s) => console.error(s));
  if (values.json) console.log(JSON.stringify(r, null, 2));
  else printSurface(r, console.log);
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${flag} must be a whole number of at least 1, got "${v}"`);
    Deno.exit(2);
  }
  return n;
}
