/**
 * The HTTP transport's own answers (errors before the MCP layer, health,
 * CORS headers), as JSON-RPC error bodies like the SDK's, so an MCP client
 * shows the message.
 *
 * @example
 * ```ts
 * import { rpcError } from "./responses.ts";
 * const res = rpcError(429, "too many requests in flight", { "Retry-After": "1" });
 * console.log(res.status, res.headers.get("retry-after")); // 429 "1"
 * ```
 *
 * @module
 */

/** A JSON-RPC error response with an HTTP status. */
export function rpcError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(
    JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }),
    { status, headers: { "Content-Type": "application/json", ...headers } },
  );
}

/** A plain JSON response. */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}

const ALLOW_HEADERS = "Authorization, Content-Type, Accept, Mcp-Session-Id, " +
  "Mcp-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID";

/** CORS headers for an allowed browser origin. */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": "Mcp-Session-Id, WWW-Authenticate",
    Vary: "Origin",
  };
}

/** The answer to a CORS preflight from an allowed origin. */
export function preflight(origin: string | null): Response {
  const headers: Record<string, string> = origin
    ? {
      ...corsHeaders(origin),
      "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
      "Access-Control-Allow-Headers": ALLOW_HEADERS,
      "Access-Control-Max-Age": "600",
    }
    : { Allow: "GET, POST, DELETE, OPTIONS" };
  return new Response(null, { status: 204, headers });
}

/** The response with extra headers (the SDK's responses keep their body and status). */
export function withHeaders(res: Response, extra: Record<string, string>): Response {
  if (!Object.keys(extra).length) return res;
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
