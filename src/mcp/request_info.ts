/**
 * What one request says about its client, in either protocol era: the
 * 2026-07-28 per-request envelope (`_meta` keys `io.modelcontextprotocol/*`)
 * or, for 2025 connections, what the client declared at `initialize`.
 * Negotiation is per request in the modern era: an extension counts only
 * when this very request declares it.
 *
 * @example
 * ```ts
 * import { declaresExtension, TASKS_EXTENSION } from "./request_info.ts";
 * const envelope = {
 *   "io.modelcontextprotocol/clientCapabilities": { extensions: { [TASKS_EXTENSION]: {} } },
 * };
 * console.log(declaresExtension(envelope, TASKS_EXTENSION)); // true
 * console.log(declaresExtension(undefined, TASKS_EXTENSION)); // false
 * ```
 *
 * @module
 */

import type { McpServer, ServerContext } from "./sdk.ts";

/** The tasks extension (SEP-2663). */
export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

/** MCP Apps (the `ui://` views). */
export const APPS_EXTENSION = "io.modelcontextprotocol/ui";

const CAPS = "io.modelcontextprotocol/clientCapabilities";
const INFO = "io.modelcontextprotocol/clientInfo";

type Envelope = Record<string, unknown> | undefined;

interface Capabilities {
  elicitation?: { form?: unknown; url?: unknown };
  extensions?: Record<string, unknown>;
}

/** The request's envelope (the SDK's published type says `{}`: read it as a record). */
export function envelopeOf(ctx: ServerContext): Envelope {
  return ctx.mcpReq.envelope as Envelope;
}

/** Whether the request is of the 2026-07-28 era (it carries the envelope). */
export function isModern(ctx: ServerContext): boolean {
  const env = envelopeOf(ctx);
  return env !== undefined && CAPS in env;
}

function capsOf(env: Envelope): Capabilities | undefined {
  const caps = env?.[CAPS];
  return caps && typeof caps === "object" ? caps as Capabilities : undefined;
}

/** Whether the envelope declares the extension `name`. */
export function declaresExtension(env: Envelope, name: string): boolean {
  const ext = capsOf(env)?.extensions;
  return !!ext && typeof ext === "object" && Object.hasOwn(ext, name);
}

/** Whether a 2025 client declared the extension `name` at initialize. */
export function legacyDeclares(server: McpServer, name: string): boolean {
  const caps = server.server.getClientCapabilities() as Capabilities | undefined;
  const ext = caps?.extensions;
  return !!ext && typeof ext === "object" && Object.hasOwn(ext, name);
}

/** Whether a form elicitation declaration (`{}` means form, as the spec says) is present. */
function formElicitation(e: Capabilities["elicitation"]): boolean {
  if (!e || typeof e !== "object") return false;
  return e.form !== undefined || e.url === undefined;
}

/**
 * Whether the user can be asked on this request: a modern request that declares form
 * elicitation, or a 2025 connection (stdio, or a stateful HTTP session) that declared it at
 * initialize. A 2025 request on stateless HTTP cannot be asked: there is no way back to it.
 */
export function canAskUser(ctx: ServerContext, server: McpServer, legacyCanAsk: boolean): boolean {
  if (isModern(ctx)) return formElicitation(capsOf(envelopeOf(ctx))?.elicitation);
  if (!legacyCanAsk) return false;
  return formElicitation(server.server.getClientCapabilities()?.elicitation as never);
}

/** `name/version` of the client, from the envelope or the 2025 handshake. */
export function clientNameOf(ctx: ServerContext, server: McpServer): string | undefined {
  const info = (envelopeOf(ctx)?.[INFO] ?? server.server.getClientVersion()) as
    | { name?: unknown; version?: unknown }
    | undefined;
  if (!info || typeof info.name !== "string") return undefined;
  return `${info.name}/${typeof info.version === "string" ? info.version : "?"}`;
}
