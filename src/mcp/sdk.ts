/**
 * One place for the MCP SDK (v2, `@modelcontextprotocol/server`) imports the
 * server uses, so an SDK upgrade touches one file.
 *
 * @module
 */

export {
  createMcpHandler,
  createRequestStateCodec,
  inputRequired,
  inputResponse,
  isLegacyRequest,
  McpServer,
  ProtocolError,
  ProtocolErrorCode,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
export type {
  CallToolResult,
  EventId,
  EventStore,
  InputRequiredResult,
  JSONRPCMessage,
  McpHttpHandler,
  McpRequestContext,
  RequestStateCodec,
  ServerContext,
  StreamId,
} from "@modelcontextprotocol/server";
export { serveStdio, StdioServerTransport } from "@modelcontextprotocol/server/stdio";
