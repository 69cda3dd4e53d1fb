/**
 * The floor for this stack: a minimal Deno MCP server over stdio with one
 * tool, nothing else. The benchmark compares our cold start with this one.
 *
 * @example
 * ```sh
 * deno run bench/minimal_server.ts   # speaks MCP on stdin/stdout
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const server = new McpServer({ name: "minimal", version: "0.0.0" });
server.registerTool("echo", {
  description: "Echoes its text.",
  inputSchema: { text: z.string() },
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
}, ({ text }) => ({ content: [{ type: "text", text }] }));
await server.connect(new StdioServerTransport());
