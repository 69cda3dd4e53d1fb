/**
 * The tools/call handler, the same for both eras: look the tool up, validate
 * the arguments, build the call's {@linkcode ToolExtra} (cancellation,
 * progress, the confirmation channel, who acts), run it, and shape the
 * answer — a complete result, `input_required` when the user must confirm,
 * or an MCP task when the request declared the tasks extension and the tool
 * started a PVE job.
 *
 * @example
 * ```ts ignore
 * server.server.setRequestHandler("tools/call", (req, sctx) => callTool(deps, req.params, sctx));
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import type { ToolExtra } from "../core/tool.ts";
import { NeedsConfirmation } from "../core/confirm_channel.ts";
import { invokeTool, type ToolResult } from "../tools/invoke.ts";
import { inCluster } from "../tools/cluster_scope.ts";
import type { ActionResult } from "../safety/result.ts";
import type { McpServer, ServerContext } from "./sdk.ts";
import { ProtocolError, ProtocolErrorCode } from "./sdk.ts";
import type { ToolCatalog } from "./catalog.ts";
import type { Confirmation } from "./confirmation.ts";
import { canAskUser, clientNameOf } from "./request_info.ts";
import { requestsTasks, taskAnswer, type TaskKind } from "./tasks/protocol.ts";
import type { TaskIds } from "./tasks/ids.ts";
import { pveJobData } from "./tasks/pve_jobs.ts";
import {
  AliasConflict,
  resolveAlias,
  type ResolvedCall,
  sameOnceParsed,
} from "../tools/aliases.ts";

/** Who calls. */
export interface Principal {
  /** The HTTP bearer token's name, or "stdio". */
  name: string;
  readOnly: boolean;
}

/** What the handler needs. */
export interface CallDeps {
  ctx: ToolContext;
  catalog: ToolCatalog;
  principal: Principal;
  confirmation: Confirmation;
  ids: TaskIds;
  pveKind: TaskKind;
  server: McpServer;
  /** A 2025 request can be asked through elicitation (stdio, stateful HTTP). */
  legacyCanAsk: boolean;
}

function unknownTool(name: string, d: CallDeps, resolved = name): ProtocolError {
  const off = d.ctx.config.tools.disabled_tools ?? [];
  const why = off.includes(name) || off.includes(resolved)
    ? " (switched off in tools.disabled_tools)"
    : d.principal.readOnly || d.ctx.config.tools.read_only
    ? " (read-only: tools that change anything are not offered)"
    : "";
  return new ProtocolError(
    ProtocolErrorCode.InvalidParams,
    `Unknown tool: ${JSON.stringify(name).slice(0, 140)}${why}; tools/list shows what is offered`,
  );
}

/** Answers one tools/call. */
export async function callTool(
  d: CallDeps,
  params: { name?: unknown; arguments?: unknown },
  sctx: ServerContext,
): Promise<Record<string, unknown>> {
  const called = typeof params.name === "string" ? params.name : "";
  let resolved: ResolvedCall;
  try {
    // An old tool name (stop_vm) is the merged tool with fixed arguments (src/tools/aliases.ts).
    resolved = resolveAlias(
      called,
      params.arguments,
      sameOnceParsed((tool) => d.catalog.get(tool)?.tool),
    );
  } catch (e) {
    if (!(e instanceof AliasConflict)) throw e;
    return { content: [{ type: "text", text: e.message }], isError: true };
  }
  const name = resolved.name;
  const entry = d.catalog.get(name);
  if (!entry) throw unknownTool(called, d, name);
  const parsed = entry.validator.safeParse(resolved.args ?? {});
  if (!parsed.success) {
    // Strict on purpose: a misspelt `dry_run` must not be dropped and the action run.
    const takes = Object.keys(entry.validator.shape).join(", ");
    const text = "invalid arguments: " + parsed.error.issues.map((i) =>
      i.code === "unrecognized_keys"
        ? `unknown argument ${
          i.keys.map((k) => JSON.stringify(k)).join(", ")
        } ` +
          `(${name} takes: ${takes})`
        : `${i.path.join(".") || "(arguments)"}: ${i.message}`
    ).join("; ") + ". Nothing was done.";
    return { content: [{ type: "text", text }], isError: true };
  }
  const args = parsed.data as Record<string, unknown>;
  const asTask = entry.longRunning && requestsTasks(sctx) && args.dry_run !== true;
  const canAsk = canAskUser(sctx, d.server, d.legacyCanAsk);
  const confirm = await d.confirmation.channel(sctx, name, args, d.principal.name, canAsk);
  const token = sctx.mcpReq._meta?.progressToken;
  const extra: ToolExtra = {
    signal: sctx.mcpReq.signal,
    confirm,
    clientName: clientNameOf(sctx, d.server),
    actor: d.principal.name,
    asTask,
    progress: token === undefined ? undefined : (step) =>
      sctx.mcpReq.notify({
        method: "notifications/progress",
        params: { progressToken: token, ...step },
      }),
  };
  let result: ToolResult;
  try {
    result = await inCluster(
      entry.tool,
      args,
      d.ctx,
      (a, c) => invokeTool(entry.tool, a, c, extra),
    );
  } catch (e) {
    if (e instanceof NeedsConfirmation) {
      return await d.confirmation.ask(e, name, args, d.principal.name) as unknown as Record<
        string,
        unknown
      >;
    }
    throw e;
  }
  const s = result.structuredContent as (ActionResult & { cluster?: string }) | undefined;
  if (asTask && !result.isError && s?.result === "started" && typeof s.upid === "string") {
    const cluster = typeof args.cluster === "string" ? args.cluster : undefined;
    const data = pveJobData(name, cluster, { ...s, upid: s.upid });
    return await taskAnswer(
      d.ids,
      { kind: "pve", owner: d.principal.name, data: data as unknown as Record<string, unknown> },
      d.pveKind,
      { status: "working", statusMessage: `${s.action}: PVE task ${s.upid} started` },
    );
  }
  return result as unknown as Record<string, unknown>;
}
