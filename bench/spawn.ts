/**
 * Spawns an MCP server over stdio exactly as a client would (`deno run` with
 * the `start` task's flags) and times its start: spawn → `initialize` answer
 * → first `tools/list`. Also reads the child's peak RSS from /proc.
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
  stderr(): string;
  close(): Promise<void>;
}

async function spawn(args: string[], cleanup?: () => Promise<void>): Promise<Spawned> {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args,
    cwd: REPO_ROOT,
    env: childEnv(),
    stderr: "pipe",
  });
  let err = "";
  const decoder = new TextDecoder();
  transport.stderr?.on("data", (c: Uint8Array) => (err += decoder.decode(c)));
  const client = new Client({ name: "bench", version: "1.0.0" }, { capabilities: {} });
  const t0 = performance.now();
  await client.connect(transport);
  const initMs = performance.now() - t0;
  const { tools } = await client.listTools();
  const listMs = performance.now() - t0;
  return {
    client,
    pid: transport.pid ?? 0,
    initMs,
    listMs,
    tools,
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
  return spawn(["run", ...startTaskFlags(), "bench/minimal_server.ts"]);
}

/** Peak resident set size (VmHWM) of a process in KiB; NaN where /proc is unavailable. */
export function peakRssKb(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const m = status.match(/^VmHWM:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}
