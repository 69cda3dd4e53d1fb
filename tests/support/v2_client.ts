/**
 * The v2 MCP client (`@modelcontextprotocol/client`) spawned against the real
 * server over stdio, pinned to one protocol era, for tests that prove both
 * eras work with the current client library.
 *
 * @module
 */

import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { childEnv, REPO_ROOT, startTaskFlags } from "./harness.ts";

export { Client };

/** Spawns the server with `configPath` and connects a v2 client in `era`. */
export async function v2Stdio(
  configPath: string,
  era: "legacy" | "modern",
  setup: (c: Client) => void = () => {},
): Promise<Client> {
  const client = new Client(
    { name: "v2-e2e", version: "1.0.0" },
    {
      capabilities: { elicitation: { form: {} } },
      ...(era === "modern"
        ? { versionNegotiation: { mode: { pin: "2026-07-28" } } }
        : { versionNegotiation: { mode: "legacy" } }),
    } as ConstructorParameters<typeof Client>[1],
  );
  setup(client);
  await client.connect(
    new StdioClientTransport({
      command: Deno.execPath(),
      args: ["run", ...startTaskFlags(), "src/main.ts", "--config", configPath],
      cwd: REPO_ROOT,
      env: childEnv(),
      stderr: "pipe",
    }),
  );
  return client;
}
