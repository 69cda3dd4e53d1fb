/**
 * End-to-end harness: spawns the real server (`deno run` with exactly the
 * permission flags of the `start` task) over stdio, connected to a simulator,
 * and hands back an MCP SDK client.
 *
 * @example
 * ```ts ignore
 * const sim = await startSimulator();
 * const srv = await startServer({ sim });
 * const r = await srv.client.callTool({ name: "get_nodes", arguments: {} });
 * await srv.close(); await sim.close();
 * ```
 *
 * @module
 */

import { Client, StdioClientTransport } from "./sdk_client.ts";
import type { CallToolResult } from "./sdk_client.ts";
import type { SimToken, Simulator } from "../../src/simulator/mod.ts";
import { DEMO_TOKEN } from "../../src/simulator/mod.ts";
import { startFlags } from "../../scripts/compile.ts";
import { childEnv } from "./child_env.ts";

export { childEnv };

const ROOT = new URL("../../", import.meta.url);
/** Absolute path of the repository root. */
export const REPO_ROOT = decodeURIComponent(ROOT.pathname).replace(/\/$/, "");

/** The flags of the `start` task in deno.json of the tree at `root` (what users run). */
export function startTaskFlags(root = REPO_ROOT): string[] {
  // The same reading the compile tasks build the binary with.
  return startFlags(root);
}

/** A configuration document pointing at the simulator. */
export function configFor(
  sim: Simulator,
  token: SimToken = DEMO_TOKEN,
  extra: Record<string, unknown> = {},
) {
  return {
    proxmox: { host: sim.hostname, port: sim.port, verify_ssl: true, ca_file: sim.caFile },
    auth: { user: token.user, token_name: token.tokenid, token_value: token.secret },
    logging: { level: "DEBUG" },
    ...extra,
  };
}

/** A running server under test. */
export interface ServerUnderTest {
  client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  configPath: string;
  dir: string;
  close(): Promise<void>;
}

/** Options for {@linkcode startServer}. */
export interface StartOptions {
  sim?: Simulator;
  token?: SimToken;
  /** Extra or replacing top-level config sections. */
  config?: Record<string, unknown>;
  /** A complete config document instead of one built from `sim`. */
  rawConfig?: unknown;
  args?: string[];
  env?: Record<string, string>;
  clientCapabilities?: Record<string, unknown>;
}

/** Spawns the server and connects an SDK client to it. */
export async function startServer(opts: StartOptions): Promise<ServerUnderTest> {
  const dir = await Deno.makeTempDir({ prefix: "pmcp-e2e-" });
  const configPath = `${dir}/config.json`;
  const doc = opts.rawConfig ?? configFor(opts.sim!, opts.token, opts.config);
  await Deno.writeTextFile(configPath, JSON.stringify(doc, null, 2));
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", ...startTaskFlags(), "src/main.ts", "--config", configPath, ...(opts.args ?? [])],
    cwd: REPO_ROOT,
    env: childEnv(opts.env),
    stderr: "pipe",
  });
  let err = "";
  const decoder = new TextDecoder();
  transport.stderr?.on("data", (c: Uint8Array) => (err += decoder.decode(c)));
  const client = new Client(
    { name: "e2e-test", version: "1.0.0" },
    { capabilities: opts.clientCapabilities ?? {} },
  );
  await client.connect(transport);
  // As real clients do: list the tools first. The server reads the token's privileges once
  // after the handshake; listing waits for that, so request counts taken later are exact.
  await client.listTools();
  return {
    client,
    stderr: () => err,
    configPath,
    dir,
    close: async () => {
      await client.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** The text of a tool result. */
export function textOf(r: unknown): string {
  const content = (r as CallToolResult).content ?? [];
  return content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** Calls a tool and returns its result, typed. */
export async function call(
  srv: ServerUnderTest,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return await srv.client.callTool({ name, arguments: args }) as CallToolResult;
}

/** Runs the CLI once (not as a server) and captures its output. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...startTaskFlags(), "src/main.ts", ...args],
    cwd: REPO_ROOT,
    env: childEnv(env),
    clearEnv: true,
    stdin: "null",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}
