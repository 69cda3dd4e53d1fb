/**
 * Raw JSON-RPC for the 2026-07-28 era, as a modern client sends it: the
 * per-request `_meta` envelope over stdio, and over HTTP the same body plus
 * the `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers.
 *
 * @module
 */

import type { RawServer, RpcMessage } from "../robustness/raw_stdio.ts";

export const MODERN = "2026-07-28";
export const TASKS = "io.modelcontextprotocol/tasks";

/** What the client declares on one request. */
export interface Declared {
  tasks?: boolean;
  elicitation?: boolean;
  /** MCP Apps (`io.modelcontextprotocol/ui`): the client renders views. */
  apps?: boolean;
}

/** The envelope keys of one request. */
export function envelope(d: Declared = {}): Record<string, unknown> {
  return {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {
      ...(d.elicitation ? { elicitation: { form: {} } } : {}),
      ...(d.tasks || d.apps
        ? {
          extensions: {
            ...(d.tasks ? { [TASKS]: {} } : {}),
            ...(d.apps ? { "io.modelcontextprotocol/ui": {} } : {}),
          },
        }
        : {}),
    },
    "io.modelcontextprotocol/clientInfo": { name: "modern-e2e", version: "1.0.0" },
  };
}

function withEnvelope(params: Record<string, unknown>, d: Declared) {
  const meta = (params._meta ?? {}) as Record<string, unknown>;
  return { ...params, _meta: { ...meta, ...envelope(d) } };
}

/** One modern request over stdio. */
export function stdioCall(
  srv: RawServer,
  method: string,
  params: Record<string, unknown>,
  d: Declared = {},
): Promise<RpcMessage> {
  return srv.request(method, withEnvelope(params, d), 15_000);
}

let nextId = 1;

/** One modern request over HTTP; resolves with the final JSON-RPC answer and the status. */
export async function httpCall(
  url: string,
  token: string | undefined,
  method: string,
  params: Record<string, unknown>,
  d: Declared = {},
): Promise<{ status: number; message: RpcMessage; messages: RpcMessage[] }> {
  const name = typeof params.name === "string"
    ? params.name
    : typeof params.taskId === "string"
    ? params.taskId
    : typeof params.uri === "string"
    ? params.uri
    : undefined;
  const id = nextId++;
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      "MCP-Protocol-Version": MODERN,
      "Mcp-Method": method,
      ...(name && /^(tools\/call|prompts\/get|resources\/read|tasks\/)/.test(method)
        ? { "Mcp-Name": name }
        : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id, method, params: withEnvelope(params, d) }),
  });
  const text = await res.text();
  const messages: RpcMessage[] = (res.headers.get("content-type") ?? "").includes(
      "text/event-stream",
    )
    ? text.split("\n").filter((l) => l.startsWith("data: ") && l.length > 7).map((l) =>
      JSON.parse(l.slice(6))
    )
    : [JSON.parse(text)];
  const message = messages.find((m) => m.id === id) ?? messages[messages.length - 1];
  return { status: res.status, message, messages };
}
