/**
 * Registers a tool that starts PVE tasks as an MCP task tool
 * (`execution.taskSupport: "optional"`).
 *
 * - A client that asks for a task (`params.task`) gets it once the PVE task
 *   is running: the checks, the confirmation (elicitation, while the
 *   `tools/call` is still open) and the POST happen first, so a refusal or a
 *   dry run comes back as an already finished task. One MCP task = one UPID.
 *   Its status follows the PVE task (`statusMessage` says how long it runs),
 *   its result is the same structured result as the blocking call, and
 *   `tasks/cancel` stops the PVE task (see link.ts). A tool error ends the
 *   task `failed`, with the error result kept for `tasks/result`.
 * - A client that does not (or a plain call) is served the blocking way,
 *   unchanged: progress notifications, cancellation, the `timeout_s` bound.
 *   The SDK routes it through a task too, which this module runs to the end
 *   before handing it back, so the SDK's polling adds no delay.
 *
 * @example
 * ```ts ignore
 * registerTaskTool(server, "stop_vm", meta, store, logger, (args, extra) => runBlocking(args, extra));
 * ```
 *
 * @module
 */

import type { CallToolResult, McpServer, RegisteredTool, ToolAnnotations } from "../sdk.ts";
import type { CreateTaskRequestHandlerExtra } from "@modelcontextprotocol/sdk/experimental/tasks";
import type { z } from "zod";
import type { Logger } from "../log.ts";
import type { McpTaskStore } from "./store.ts";
import { type McpTaskLink, TaskLink } from "./link.ts";

/** The metadata a task tool is registered with. */
export interface TaskToolMeta {
  title: string;
  description: string;
  inputSchema: z.ZodRawShape;
  outputSchema: z.ZodRawShape;
  annotations: ToolAnnotations;
}

/** The request context the tool's runner receives. */
export type TaskRunExtra = CreateTaskRequestHandlerExtra & { mcpTask?: McpTaskLink };

/** Runs the tool the blocking way; the result ends the MCP task. */
export type TaskRun = (
  args: Record<string, unknown>,
  extra: TaskRunExtra,
) => Promise<CallToolResult>;

/** Registers `name` as a task-capable tool; see the module doc. */
export function registerTaskTool(
  server: McpServer,
  name: string,
  meta: TaskToolMeta,
  store: McpTaskStore,
  logger: Logger,
  run: TaskRun,
): RegisteredTool {
  const finish = async (id: string, result: CallToolResult, extra: TaskRunExtra) => {
    const status = store.statusOf(id);
    if (status === "cancelled") return store.attachResult(id, result);
    if (status === undefined) return; // expired meanwhile: nobody can read it any more
    const final = result.isError ? "failed" : "completed";
    try {
      // Through the request's store: the client also gets notifications/tasks/status.
      await extra.taskStore.storeTaskResult(id, final, result);
    } catch (e) {
      // The notification fails once the request's transport is gone (stateless HTTP); the
      // store itself was updated first, unless this very call failed before it.
      if (store.statusOf(id) === "working") {
        await store.storeTaskResult(id, final, result, extra.sessionId).catch(() => {});
      }
      logger.debug("task result stored without notification", { error: (e as Error).message });
    }
  };

  const handler = {
    async createTask(args: Record<string, unknown>, extra: CreateTaskRequestHandlerExtra) {
      // Created first: whatever happens next ends as this task's result, never as a lost task.
      const task = await extra.taskStore.createTask({ ttl: extra.taskRequestedTtl });
      const id = task.taskId;
      if (!store.isAugmented(id)) {
        await finish(id, await run(args, extra), extra);
        return { task: (await store.getTask(id, extra.sessionId)) ?? task };
      }
      const link = new TaskLink(logger, extra.signal, (m) => store.setMessage(id, m));
      store.onCancel(id, () => link.cancel());
      const taskExtra: TaskRunExtra = { ...extra, signal: link.signal, mcpTask: link };
      const work = run(args, taskExtra).then((r) => finish(id, r, taskExtra));
      await Promise.race([work, link.started]);
      link.handedBack();
      if (link.upid) store.setMessage(id, `PVE task ${link.upid} running`);
      logger.info("MCP task", { tool: name, task: id, upid: link.upid });
      return { task: (await store.getTask(id, extra.sessionId)) ?? task };
    },
    // tasks/get and tasks/result are answered from the store by the SDK; these are not called.
    async getTask(_args: unknown, extra: { taskId: string; sessionId?: string }) {
      const t = await store.getTask(extra.taskId, extra.sessionId);
      if (!t) throw new Error(`Task ${extra.taskId} not found`);
      return t;
    },
    async getTaskResult(_args: unknown, extra: { taskId: string; sessionId?: string }) {
      return await store.getTaskResult(extra.taskId, extra.sessionId) as CallToolResult;
    },
  };

  // The SDK's generic signature cannot follow a shape chosen at run time.
  // deno-lint-ignore no-explicit-any
  const tasks = server.experimental.tasks as any;
  return tasks.registerToolTask(name, {
    ...meta,
    execution: { taskSupport: "optional" },
  }, handler) as RegisteredTool;
}
