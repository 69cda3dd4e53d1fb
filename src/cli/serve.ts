/**
 * `serve`: MCP over stdio until stdin closes or SIGINT/SIGTERM arrives.
 *
 * @module
 */

import process from "node:process";
import { serveStdio as serveMcpStdio } from "../mcp/sdk.ts";
import { McpService } from "../mcp/server.ts";
import { BoundedStdioTransport, MAX_STDIO_MESSAGE_BYTES } from "../mcp/stdio_bounded.ts";
import type { Setup } from "./setup.ts";
import { SERVER_NAME, VERSION } from "../version.ts";

// Only for a person at a terminal: the tool list is imported then, not when a client starts us.
async function banner(s: Setup): Promise<string> {
  const { selectTools } = await import("../tools/index.ts");
  const { ToolCatalog } = await import("../mcp/catalog.ts");
  const c = s.ctx.config;
  const selected = selectTools(c);
  const sets = [...new Set(selected.map((t) => t.toolset))];
  // What a model is handed each turn (name, description, input schema), as an MCP host lists it.
  const listed = ToolCatalog.for(s.ctx).list(new Set());
  const bytes = new TextEncoder().encode(JSON.stringify(listed.map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: t.inputSchema,
  })))).length;
  const self = s.demo ? "deno task demo" : "proxmox-mcp";
  const target = s.demo
    ? "the built-in SIMULATED cluster (demo mode, no Proxmox needed)"
    : `${c.auth.user}!${c.auth.token_name} at ${c.proxmox.host}:${c.proxmox.port}`;
  return [
    `${SERVER_NAME} ${VERSION}: serving MCP over stdio for ${target}.`,
    `${listed.length} tools in toolsets ${sets.join(", ")}: about ` +
    `${(bytes / 4 / 1000).toFixed(1)}k tokens of a model's context (list them: ${self} tools).`,
    "This process speaks JSON-RPC on stdin/stdout and is meant to be started by an MCP client",
    "(Claude Desktop, Claude Code, Cursor): see the README for the client configuration.",
    `To try one tool from a shell instead:  ${self} call get_cluster_status`,
    "Press Ctrl+C to stop.",
    "",
  ].join("\n");
}

/**
 * Serves until the client goes away; resolves when shut down cleanly. One connection, either
 * era: the SDK pins the instance the opening message asks for (`initialize`: 2025;
 * `server/discover` or an enveloped request: 2026-07-28).
 */
export async function serveStdio(s: Setup): Promise<void> {
  const service = await McpService.create(s.ctx);
  if (Deno.stdin.isTerminal()) Deno.stderr.writeSync(new TextEncoder().encode(await banner(s)));
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const stop = () => resolveDone();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const sig of signals) Deno.addSignalListener(sig, stop);
  // The SDK's stdio entry does not report end of input: watch for it here.
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  const handle = serveMcpStdio(
    service.factory({ name: "stdio", readOnly: false }, { legacyCanAsk: true, longLived: true }),
    {
      onerror: (e) => s.ctx.logger.debug("mcp stdio", { error: e.message }),
      // One oversized message is refused and logged; the SDK's own transport would close.
      transport: new BoundedStdioTransport({
        onOversized: (m) =>
          s.ctx.logger.warn("stdio message refused: too large", {
            bytes: m.bytes,
            limit: MAX_STDIO_MESSAGE_BYTES,
            id: m.id,
          }),
      }),
    },
  );
  s.ctx.logger.info("serving over stdio", { demo: s.demo });
  await done;
  for (const sig of signals) Deno.removeSignalListener(sig, stop);
  await handle.close().catch(() => {});
  s.ctx.logger.info("stopped");
}
