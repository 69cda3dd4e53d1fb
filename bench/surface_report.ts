/**
 * Markdown tables for bench/surface.ts: start and memory, tools/list bytes
 * (whole list and per toolset), client-side listTools cost, each with the
 * ratios ours/previous and ours/minimal from the same run, then the issue's
 * targets marked ✓ or ✗.
 *
 * @example
 * ```ts ignore
 * import { printSurface } from "./surface_report.ts";
 * printSurface(await measureSurface(DEFAULT_SURFACE), console.log);
 * ```
 *
 * @module
 */

import { ms, table } from "./stats.ts";
import type { ServerFigures, ServerKey, SurfaceResult } from "./surface.ts";

/** The targets (issue 17). */
export const TARGETS = {
  modelVisibleBytes: 10_377,
  wholeBytes: 31_131,
  coldStartOverPrevious: 0.6,
  listToolsMs: 20,
  afterOverIdle: 1.2,
};

const KEYS: ServerKey[] = ["ours", "previous", "minimal"];
/** The process table also shows this tree bundled (bench/bundle.ts). */
const PROCESS_KEYS: ServerKey[] = ["ours", "bundled", "previous", "minimal"];
const mib = (kb: number) => (Number.isFinite(kb) ? (kb / 1024).toFixed(1) : "-");
const num = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) ? n.toLocaleString("en") : "-";
/** Token estimate: bytes / 4 (a rule of thumb for English and JSON; no tokenizer is run). */
const tokens = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) ? `~${Math.round(n / 4).toLocaleString("en")}` : "-";
const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && Number.isFinite(a / b) && b > 0
    ? `${(a / b).toFixed(2)}x`
    : "-";

/** Rows for the present servers, then ratio rows ours/previous and ours/minimal. */
function rows(
  r: SurfaceResult,
  cells: (f: ServerFigures) => (number | undefined)[],
  show: ((n: number) => string)[],
  keys = KEYS,
): string[][] {
  // Only servers that ran at least once (a failed start leaves figures without bytes).
  const present = keys.filter((k) => r.servers[k]?.bytes);
  const out = present.map((k) => {
    const f = r.servers[k]!;
    return [f.label, ...cells(f).map((v, i) => show[i](v ?? NaN))];
  });
  const ours = r.servers.ours?.bytes ? r.servers.ours : undefined;
  for (const k of ["previous", "minimal"] as const) {
    const other = r.servers[k]?.bytes ? r.servers[k] : undefined;
    if (!ours || !other) continue;
    const a = cells(ours);
    out.push([`ours/${k}`, ...cells(other).map((b, i) => ratio(a[i], b))]);
  }
  const bundled = keys.includes("bundled") && r.servers.bundled?.bytes;
  const previous = r.servers.previous?.bytes ? r.servers.previous : undefined;
  if (bundled && previous) {
    const a = cells(r.servers.bundled!);
    out.push(["bundled/previous", ...cells(previous).map((b, i) => ratio(a[i], b))]);
  }
  return out;
}

function check(label: string, value: number | undefined, limit: number, unit = ""): string {
  if (value === undefined || !Number.isFinite(value)) return `- ${label}: not measured`;
  const v = unit === "x" ? value.toFixed(2) : unit === " ms" ? ms(value) : num(value);
  const l = unit === "x" ? limit.toFixed(2) : limit.toLocaleString("en");
  return `- ${label} ${v}${unit === "x" ? "" : unit} (target ≤ ${l}${unit === "x" ? "" : unit}) ${
    value <= limit ? "✓" : "✗"
  }`;
}

/** Prints the surface tables and the target checks. */
export function printSurface(r: SurfaceResult, say: (s?: string) => void) {
  const o = r.options;
  const { ours, previous } = r.servers;
  say(`### Tool surface and process cost, median of ${o.runs} alternating runs`);
  say();
  say(
    `Load average (1 min) ${r.load.start.toFixed(2)} at the start, ${r.load.end.toFixed(2)} at ` +
      `the end, ${r.load.cores} cores: absolute times move with it, ratios much less.`,
  );
  if (r.previous.skipped) say(`previous release: skipped (${r.previous.skipped})`);
  if (r.bundleSkipped) say(`this tree bundled: skipped (${r.bundleSkipped})`);
  for (const k of PROCESS_KEYS) {
    const e = r.servers[k]?.error;
    if (e) say(`${r.servers[k]!.label}: ${e}`);
  }
  say();
  say(table(
    [
      "server",
      "→ initialize ms",
      "→ first tools/list ms",
      "CPU ms to it",
      "idle RSS MiB",
      "idle HWM MiB",
      `RSS at the ${o.calls}th listing's answer MiB`,
      `RSS ${o.settleMs / 1000} s later MiB`,
      "HWM MiB",
      "after/idle RSS",
    ],
    rows(r, (f) => [
      f.initMs,
      f.listMs,
      f.cpuMs,
      f.idleRssKb,
      f.idleHwmKb,
      f.lastAnswerRssKb,
      f.afterRssKb,
      f.afterHwmKb,
      f.afterOverIdle,
    ], [
      ms,
      ms,
      ms,
      mib,
      mib,
      mib,
      mib,
      mib,
      (v) => (Number.isFinite(v) ? v.toFixed(2) : "-"),
    ], PROCESS_KEYS),
  ));
  say();
  say(
    `Cluster: ${o.nodes} nodes, ${o.guests.toLocaleString("en")} guests (simulated, no added ` +
      "latency); same generated config file for ours and the previous release; each tree runs " +
      "with its own `start` task's flags (the previous release's have no V8 setting), the " +
      "minimal server with ours. CPU = the server's user + system time from /proc (10 ms ticks), " +
      "which machine load disturbs far less than wall time. Idle = VmRSS/VmHWM right after the " +
      "first tools/list; after = VmRSS " + `${o.settleMs} ms after the last listing's answer ` +
      "(what a server keeps between a model's turns; the HWM column is the peak). " +
      `Listing calls: ours ${ours?.listing ?? "-"}; previous ${previous?.listing ?? "-"}; ` +
      "the minimal server has no PVE tools (-). The after/idle column is the median of per-run " +
      "ratios. Bundled = this tree through `deno bundle` (npm packages external), run with " +
      "ours' flags: the same code in a few chunks instead of 47 local modules before " +
      "`initialize`; a measurement of Deno's per-module cost, not what ships. " +
      "PVE requests from spawn to the first tools/list answer: " +
      PROCESS_KEYS.filter((k) => k !== "minimal" && r.servers[k])
        .map((k) => `${k} ${num(r.servers[k]!.startRequests)}`).join(", ") +
      ".",
  );
  for (const k of PROCESS_KEYS) {
    for (const e of r.servers[k]?.callErrors ?? []) say(`Error from ${k}: ${e}`);
  }
  say();
  say("#### tools/list bytes (≈ tokens = bytes / 4, an estimate: no tokenizer is run)");
  say();
  say(table(
    ["server", "tools", "model-visible B", "≈ tokens", "whole JSON B", "≈ tokens"],
    rows(r, (f) => [
      f.bytes?.tools,
      f.bytes?.modelVisible,
      f.bytes?.modelVisible,
      f.bytes?.whole,
      f.bytes?.whole,
    ], [num, num, tokens, num, tokens]),
  ));
  say();
  say(
    "Model-visible: name + description + inputSchema of each listed tool (what hosts put in the " +
      "prompt); whole: the tools/list result as sent. Default configuration, a token with every " +
      "privilege, a client without MCP Apps.",
  );
  say();
  if (ours?.bytes) {
    if (r.toolsetMapError) say(`Toolset names unavailable (${r.toolsetMapError}): shown as "?".`);
    say(table(
      ["toolset (ours)", "tools", "model-visible B", "≈ tokens", "whole JSON B"],
      Object.entries(ours.bytes.toolsets).map(([set, t]) => [
        set,
        num(t.tools),
        num(t.modelVisible),
        tokens(t.modelVisible),
        num(t.whole),
      ]),
    ));
    say();
  }
  say(`#### Client-side listTools, median of ${o.clients} fresh clients per library`);
  say();
  const cost = (f: ServerFigures, lib: string, part: "listTools" | "compile") =>
    f.client[lib]?.[part];
  // NaN validators = no output schema to compile: the total is then listTools alone.
  const v2Total = (f: ServerFigures) => {
    const compile = cost(f, "v2", "compile");
    const extra = compile === undefined ? NaN : Number.isNaN(compile) ? 0 : compile;
    return (cost(f, "v2", "listTools") ?? NaN) + extra;
  };
  say(table(
    [
      "server",
      "v1 listTools ms",
      "v2 listTools ms",
      "v2 validators ms",
      "v2 total ms",
      "v1 validators ms",
    ],
    rows(r, (f) => [
      cost(f, "v1", "listTools"),
      cost(f, "v2", "listTools"),
      cost(f, "v2", "compile"),
      v2Total(f),
      cost(f, "v1", "compile"),
    ], [ms, ms, ms, ms, ms]),
  ));
  say();
  say(
    "In-process, against a replay of each server's recorded session (the recorded text is " +
      "parsed anew per answer), so neither the server nor the pipe is timed; fresh client each " +
      "time in a warmed-up process. v1 = `@modelcontextprotocol/sdk` 1.x Client, whose " +
      "listTools() compiles an Ajv validator per output schema; v2 = `@modelcontextprotocol/client` " +
      '2.x, which defers that compile to the first callTool: "v2 validators" times it alone ' +
      '(each SDK\'s AjvJsonSchemaValidator over every outputSchema; "-" for a server without ' +
      'any), "v2 total" adds it.',
  );
  say();
  say("#### Targets (issue 17)");
  say();
  const vsPrev = (a?: number, b?: number) => (a !== undefined && b ? a / b : undefined);
  for (
    const line of [
      check("model-visible tools/list bytes", ours?.bytes?.modelVisible, TARGETS.modelVisibleBytes),
      check("whole tools/list JSON bytes", ours?.bytes?.whole, TARGETS.wholeBytes),
      check(
        "cold start → initialize ours/previous",
        vsPrev(ours?.initMs, previous?.initMs),
        TARGETS.coldStartOverPrevious,
        "x",
      ),
      // Issue 17 times its cold start to the first answer (`initialize`, above); the first
      // tools/list waits for the token's privileges over a new TLS connection: followed, not scored.
      `- (tracked, not the issue's cold start) cold start → first tools/list ours/previous ${
        ratio(ours?.listMs ?? NaN, previous?.listMs ?? NaN)
      }`,
      `- (not a target: less sensitive to load) server CPU to first tools/list ours/previous ${
        ratio(ours?.cpuMs ?? NaN, previous?.cpuMs ?? NaN)
      }`,
      `- (not a target: not what ships) cold start → initialize bundled/previous ${
        ratio(r.servers.bundled?.initMs ?? NaN, previous?.initMs ?? NaN)
      }, → first tools/list ${ratio(r.servers.bundled?.listMs ?? NaN, previous?.listMs ?? NaN)}`,
      check(
        "client-side listTools, v1 client",
        ours?.client.v1?.listTools,
        TARGETS.listToolsMs,
        " ms",
      ),
      check(
        "client-side listTools + validators, v2 client",
        ours ? v2Total(ours) : undefined,
        TARGETS.listToolsMs,
        " ms",
      ),
      check(
        `RSS after ${o.calls} listings / idle`,
        ours?.afterOverIdle,
        TARGETS.afterOverIdle,
        "x",
      ),
    ]
  ) say(line);
  say();
}
