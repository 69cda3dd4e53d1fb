/**
 * One registry shape for every tool: name, toolset, zod input and output,
 * annotations, and a `run` that returns structured data plus a short text.
 * The same wrapper serves MCP calls and the `call` CLI command, so errors,
 * redaction and logging behave identically in both.
 *
 * @example
 * ```ts ignore
 * import { defineTool, READ_ONLY } from "./registry.ts";
 * import { z } from "zod";
 * export const ping = defineTool({
 *   name: "ping", title: "Ping", description: "Answers pong.", toolset: "core",
 *   annotations: READ_ONLY, input: {}, output: { pong: z.boolean() },
 *   run: () => Promise.resolve({ structured: { pong: true }, text: "pong" }),
 * });
 * ```
 *
 * @module
 */

import { z } from "zod";
import type {
  CallToolResult,
  McpServer,
  ServerNotification,
  ServerRequest,
  ToolAnnotations,
} from "../sdk.ts";
import type { RequestHandlerExtra } from "../sdk.ts";
import type { ToolContext } from "./context.ts";
import type { Config } from "../config/schema.ts";
import { PveError } from "../proxmox/errors.ts";
import { clusterShapes, inCluster } from "./cluster_scope.ts";
import { type ClientSide, withClientSide } from "../safety/client.ts";
import type { ToolHandle } from "../safety/tool_visibility.ts";
import type { McpTaskLink } from "../mcp_tasks/link.ts";
import type { McpTaskStore } from "../mcp_tasks/store.ts";
import { registerTaskTool } from "../mcp_tasks/runner.ts";

/**
 * The MCP request context a tool receives (signal, progress token, notifications), plus what
 * the client can do (ask its user: `elicitConfirm`) and its name (src/safety/client.ts), and,
 * when the call runs as an MCP task, the link to that task (src/mcp_tasks/link.ts).
 */
export type ToolExtra =
  & RequestHandlerExtra<ServerRequest, ServerNotification>
  & ClientSide
  & { mcpTask?: McpTaskLink };

/** What a tool's `run` returns. */
export interface ToolOutput<O> {
  structured: O;
  text: string;
}

/** A tool: metadata, schemas and behaviour. */
export interface ToolDef<
  I extends z.ZodRawShape = z.ZodRawShape,
  O extends z.ZodRawShape = z.ZodRawShape,
> {
  name: string;
  title: string;
  description: string;
  /** Toolset name; toolsets can be switched off in the configuration. */
  toolset: string;
  annotations: ToolAnnotations;
  /**
   * Privileges of which the token must hold at least one somewhere for the tool to be of
   * any use (empty: open to every token). Drives `check` and the permission-aware tool list.
   */
  privileges: readonly string[];
  /**
   * Starts PVE tasks, so it is offered as an MCP task tool (`taskSupport: "optional"`).
   * Default: any mutating tool whose output has a `upid` field (see {@linkcode isLongRunning}).
   */
  longRunning?: boolean;
  /** Opt-in tools: offered only when this says yes for the configuration (see selectTools). */
  enabledWhen?: (config: Config) => boolean;
  input: I;
  output: O;
  run(
    args: z.infer<z.ZodObject<I>>,
    ctx: ToolContext,
    extra?: ToolExtra,
  ): Promise<ToolOutput<z.infer<z.ZodObject<O>>>>;
}

/** Any tool, whatever its schemas. */
// deno-lint-ignore no-explicit-any
export type AnyTool = ToolDef<any, any>;

/** Identity function that lets TypeScript infer a tool's argument and output types. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  def: ToolDef<I, O>,
): ToolDef<I, O> {
  return def;
}

/** Annotations of a tool that only reads. */
export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** Whether a tool changes anything (read-only mode removes these). */
export function isMutating(tool: AnyTool): boolean {
  return tool.annotations.readOnlyHint !== true;
}

/**
 * Whether a tool runs as an MCP task when the client asks: its `longRunning` flag, else any
 * mutating tool whose answer carries a UPID (every tool on the action pipeline).
 */
export function isLongRunning(tool: AnyTool): boolean {
  return tool.longRunning ?? (isMutating(tool) && "upid" in (tool.output as z.ZodRawShape));
}

/** Turns a thrown error into the text the model sees, without secrets. */
export function errorText(e: unknown, ctx: ToolContext): string {
  if (e instanceof PveError) return ctx.redactor.redact(e.message);
  if (e instanceof z.ZodError) {
    return "invalid arguments: " +
      e.issues.map((i) => `${i.path.join(".") || "(arguments)"}: ${i.message}`).join("; ");
  }
  const message = e instanceof Error ? e.message : String(e);
  return ctx.redactor.redact(message);
}

/** Runs a tool with already-validated arguments and shapes the MCP result. */
export async function invokeTool(
  tool: AnyTool,
  args: Record<string, unknown>,
  ctx: ToolContext,
  extra?: ToolExtra,
): Promise<CallToolResult> {
  const started = performance.now();
  try {
    // withCall: the read cache lives while tool calls run (src/proxmox/cache.ts).
    const out = await ctx.pve.withCall(() => tool.run(args, ctx, extra));
    ctx.logger.debug("tool ok", { tool: tool.name, ms: Math.round(performance.now() - started) });
    return {
      content: [{ type: "text", text: ctx.redactor.redact(out.text) }],
      structuredContent: JSON.parse(ctx.redactor.redact(JSON.stringify(out.structured))),
    };
  } catch (e) {
    const text = errorText(e, ctx);
    ctx.logger.warn("tool failed", { tool: tool.name, error: text });
    return { content: [{ type: "text", text }], isError: true };
  }
}

/** Validates raw arguments against a tool's input schema (for the `call` command). */
export function parseArgs(tool: AnyTool, raw: unknown): Record<string, unknown> {
  return z.strictObject(tool.input).parse(raw ?? {}) as Record<string, unknown>;
}

/**
 * Registers tools on an MCP server; returns their handles by name. With a task store,
 * long-running tools (see {@linkcode isLongRunning}) are registered as MCP task tools.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyTool[],
  ctx: ToolContext,
  tasks?: McpTaskStore,
): Map<string, ToolHandle> {
  const handles = new Map<string, ToolHandle>();
  for (const tool of tools) {
    // Several clusters: a `cluster` argument and `cluster` output fields (cluster_scope.ts).
    const shapes = clusterShapes(tool, ctx);
    const meta = {
      title: tool.title,
      description: tool.description,
      inputSchema: shapes.input,
      outputSchema: shapes.output,
      annotations: { title: tool.title, ...tool.annotations },
    };
    const run = (args: Record<string, unknown>, extra: ToolExtra) => {
      const full = withClientSide(server, extra);
      return inCluster(tool, args, ctx, (a, c) => invokeTool(tool, a, c, full));
    };
    const handle = tasks && isLongRunning(tool)
      ? registerTaskTool(server, tool.name, meta, tasks, ctx.logger, run)
      : server.registerTool(tool.name, meta, run);
    handles.set(tool.name, { tool, handle });
  }
  return handles;
}
