/**
 * Runs a tool the same way for MCP calls and the `call` CLI command, so
 * errors, redaction and logging behave identically in both.
 *
 * @example
 * ```ts ignore
 * import { invokeTool, parseArgs } from "./invoke.ts";
 * const result = await invokeTool(getNodes, parseArgs(getNodes, {}), ctx);
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import type { ToolContext } from "../core/context.ts";
import type { AnyTool, ToolExtra } from "../core/tool.ts";
import { NeedsConfirmation } from "../core/confirm_channel.ts";
import { PveError } from "../proxmox/errors.ts";
import { resolveNaturalArgs } from "./natural_args.ts";
import { disabledActions } from "./aliases.ts";

/** A tool's answer, shaped as MCP's CallToolResult (without any SDK type). */
export interface ToolResult {
  content: Array<{ type: "text"; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
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

/**
 * Runs a tool with already-validated arguments and shapes the result. A
 * {@linkcode NeedsConfirmation} passes through: the MCP layer asks the user.
 */
export async function invokeTool(
  tool: AnyTool,
  args: Record<string, unknown>,
  ctx: ToolContext,
  extra?: ToolExtra,
): Promise<ToolResult> {
  const started = performance.now();
  const off = disabledActions(tool.name, ctx.config.tools.disabled_tools ?? []);
  if (typeof args.action === "string" && off.has(args.action)) {
    return {
      content: [{
        type: "text",
        text: `${tool.name} action ${args.action} is switched off on this server ` +
          "(tools.disabled_tools). Nothing was done.",
      }],
      isError: true,
    };
  }
  try {
    // withCall: the read cache lives while tool calls run (src/proxmox/cache.ts).
    // Guest names and node spellings become exact here, inside the call's cluster and cache.
    const out = await ctx.pve.withCall(async () =>
      tool.run(await resolveNaturalArgs(tool, args, ctx), ctx, extra)
    );
    ctx.logger.debug("tool ok", { tool: tool.name, ms: Math.round(performance.now() - started) });
    return {
      content: [{ type: "text", text: ctx.redactor.redact(out.text) }],
      structuredContent: JSON.parse(ctx.redactor.redact(JSON.stringify(out.structured))),
    };
  } catch (e) {
    if (e instanceof NeedsConfirmation) throw e;
    const text = errorText(e, ctx);
    ctx.logger.warn("tool failed", { tool: tool.name, error: text });
    return { content: [{ type: "text", text }], isError: true };
  }
}

/** Validates raw arguments against a tool's input schema (for the `call` command). */
export function parseArgs(tool: AnyTool, raw: unknown): Record<string, unknown> {
  return z.strictObject(tool.input).parse(raw ?? {}) as Record<string, unknown>;
}
