/**
 * What a tool is, independent of MCP: name, toolset, zod input and output,
 * annotations, required privileges, and a `run` that returns structured data
 * plus a short text. The MCP layer (src/mcp/) adapts these to the SDK; the
 * `call` CLI runs them directly; the safety pipeline (src/safety/) sees only
 * {@linkcode ToolExtra}, never an SDK type.
 *
 * @example
 * ```ts
 * import { defineTool, isMutating, READ_ONLY } from "./tool.ts";
 * import { z } from "zod/v4";
 * const ping = defineTool({
 *   name: "ping", title: "Ping", description: "Answers pong.", toolset: "core",
 *   annotations: READ_ONLY, privileges: [], input: {}, output: { pong: z.boolean() },
 *   run: () => Promise.resolve({ structured: { pong: true }, text: "pong" }),
 * });
 * console.log(isMutating(ping)); // false
 * ```
 *
 * @module
 */

import type { z } from "zod/v4";
import type { Config } from "../config/schema.ts";
import type { ToolContext } from "./context.ts";
import type { ConfirmChannel } from "./confirm_channel.ts";

/** MCP tool annotations (the spec's hints), kept here so tools need no SDK type. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** One progress step of a running call (MCP `notifications/progress` in both eras). */
export interface ProgressStep {
  progress: number;
  total?: number;
  message?: string;
}

/**
 * What a call knows about the request it serves: cancellation, progress, how the user can be
 * asked to confirm, who is acting (for the audit trail) and whether the answer will be an MCP
 * task.
 */
export interface ToolExtra {
  /** Aborted when the client cancels the request. */
  signal?: AbortSignal;
  /** Sends progress when the request asked for it (absent otherwise). */
  progress?: (step: ProgressStep) => Promise<void>;
  /** How a destructive action gets the user's confirmation on this request. */
  confirm?: ConfirmChannel;
  /** `name/version` of the client, for the audit log. */
  clientName?: string;
  /** Who acted: the HTTP bearer token's name, or "stdio". */
  actor?: string;
  /**
   * The answer will be an MCP task (src/mcp/tasks/): return as soon as the PVE job started,
   * with its UPID; the task follows it from there.
   */
  asTask?: boolean;
  /**
   * Where the call came from when not from the model: "app" for a button in the dashboard
   * view (MCP Apps); the audit trail records it.
   */
  origin?: "app";
}

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
   * Starts a PVE job (one UPID), so a request that declares the tasks extension gets an MCP
   * task. Default: any mutating tool whose output has a `upid` field ({@linkcode isLongRunning}).
   */
  longRunning?: boolean;
  /**
   * `_meta` of the tools/list entry, e.g. MCP Apps' `{ ui: { resourceUri, visibility } }`.
   */
  meta?: Record<string, unknown>;
  /**
   * The action keys `safety.snapshot_before` may name for this tool, when one tool does several
   * acts (`guest_power`: start, stop, …). Default: the tool's name without its type suffix.
   */
  safetyKeys?: readonly string[];
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
 * Whether a tool starts a PVE job: its `longRunning` flag, else any mutating tool whose answer
 * carries a UPID (every tool on the action pipeline).
 */
export function isLongRunning(tool: AnyTool): boolean {
  return tool.longRunning ?? (isMutating(tool) && "upid" in (tool.output as z.ZodRawShape));
}
