/**
 * The reference for cold start: a one-tool MCP server on the same SDK (v2)
 * and the same flags, served the same way (both eras from one factory over
 * stdio). Our server's start-up is measured against this floor.
 *
 * @module
 */

import { z } from "zod/v4";
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";

serveStdio(() => {
  const server = new McpServer({ name: "minimal", version: "0.0.0" });
  server.registerTool("echo", {
    description: "Echoes its text.",
    inputSchema: z.object({ text: z.string() }),
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
  }, ({ text }) => ({ content: [{ type: "text", text }] }));
  return server;
});
