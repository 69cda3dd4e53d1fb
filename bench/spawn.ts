/**
 * Spawns an MCP server over stdio exactly as a client would (`deno run` with
 * the `start` task's flags) and times its start: spawn → `initialize` answer
 * → first `tools/list`. Also reads the child's RSS from /proc. A server is a
 * {@linkcode ServerSpec} (directory and `deno` arguments), so an older checkout
 * runs under the same flags as the current tree.
 *
 * @example
 * ```ts ignore
 * import { spawnOurs } from "./spawn.ts";
 * const s = await spawnOurs(configDoc);
 * console.log(s.initMs, s.listMs, s.tools.length, peakRssKb(s.pid));
 * await s.close();
 * ```
 *
 * @module
 */

import { Client, StdioClientTransport, type Tool } from "../tests/support/sdk_client.ts";
import { childEnv, REPO_ROOT, startTaskFlags } from "../tests/support/harness.ts";

/** A spawned server with its start-up timings. */
export interface Spawned {
  client: Client;
  pid: number;
  /** Spawn → `initialize` answered (the SDK's `connect`). */
  initMs: number;
  /** Spawn → first `tools/list` answered. */
  listMs: number;
  tools: Tool[];
  /** The first `tools/list` result exactly as it came over the wire, as compact JSON. */
  listJson: string;
  stderr(): string;
  close(): Promise<void>;
}

/** How to start one server: the directory it runs in and the `deno` arguments. */
export interface ServerSpec {
  cwd: string;
  args: string[];
}

/** The current tree's server with the config file at `configPath`. */
export function oursSpec(configPath: string, root = REPO_ROOT): ServerSpec {
  // Each tree with its own `start` task's flags: a release is measured as it was run.
  return {
    cwd: root,
    args: ["run", ...startTaskFlags(root), "src/main.ts", "--config", configPath],
  };
}

/** The one-tool reference server (bench/minimal_server.ts). */
export function minimalSpec(): ServerSpec {
  return { cwd: REPO_ROOT, args: ["run", ...startTaskFlags(), "bench/minimal_server.ts"] };
}

/** Spawns `spec` and times initialize and the first tools/list. */
export function spawnSpec(spec: ServerSpec): Promise<Spawned> {
  return spawn(spec.args, undefined, spec.cwd);
}

async function spawn(
  args: string[],
  cleanup?: () => Promise<void>,
  cwd = REPO_ROOT,
): Promise<Spawned> {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args,
    cwd,
    env: childEnv(),
    stderr: "pipe",
  });
  let listJson = "";
  // The SDK chains a handler set before connect(): this one sees each message first, unparsed
  // by the client's schemas, so the bytes are the server's own.
  transport.onmessage = (m) => {
    const result = (m as { result?: { tools?: unknown } }).result;
    if (!listJson && Array.isArray(result?.tools)) listJson = JSON.stringify(result);
  };
  let err = "";
  const decoder = new TextDecoder();
  transport.stderr?.on("data", (c: Uint8Array) => (err += decoder.decode(c)));
  const client = new Client({ name: "bench", version: "1.0.0" }, { capabilities: {} });
  const t0 = performance.now();
  try {
    await client.connect(transport);
  } catch (e) {
    // "Connection closed" alone does not say why: the server's own words are on stderr,
    // which may still be draining when the close is reported.
    await new Promise((r) => setTimeout(r, 100));
    await cleanup?.();
    const why = err.trim().split("\n").slice(-3).join(" / ") || String(e);
    throw new Error(`${args.join(" ")} (in ${cwd}) did not start: ${why}`);
  }
  const initMs = performance.now() - t0;
  const { tools } = await client.listTools();
  const listMs = performance.now() - t0;
  return {
    client,
    pid: transport.pid ?? 0,
    initMs,
    listMs,
    tools,
    listJson,
    stderr: () => err,
    close: async () => {
      await client.close();
      await cleanup?.();
    },
  };
}

/** Our server, configured by `doc` (written to a temporary file). */
export async function spawnOurs(doc: unknown): Promise<Spawned> {
  const dir = await Deno.makeTempDir({ prefix: "pmcp-bench-" });
  const path = `${dir}/config.json`;
  await Deno.writeTextFile(path, JSON.stringify(doc));
  return await spawn(
    ["run", ...startTaskFlags(), "src/main.ts", "--config", path],
    () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  );
}

/** The one-tool reference server (bench/minimal_server.ts), with the same flags. */
export function spawnMinimal(): Promise<Spawned> {
  return spawnSpec(minimalSpec());
}

/** Peak resident set size (VmHWM) of a process in KiB; NaN where /proc is unavailable. */
export function peakRssKb(pid: number): number {
  return memoryKb(pid).hwm;
}

/** Current (VmRSS) and peak (VmHWM) resident set size in KiB; NaN where /proc is unavailable. */
export function memoryKb(pid: number): { rss: number; hwm: number } {
  let status = "";
  try {
    status = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch { /* not Linux, or the process is gone */ }
  const field = (name: string) =>
    Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN);
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

/**
 * CPU time (user + system, all threads) a process has used so far in ms; NaN where /proc is
 * unavailable. Unlike wall time it barely moves with machine load. Resolution: one clock tick,
 * taken as 10 ms (USER_HZ is 100 on Linux).
 */
export function cpuMs(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}
