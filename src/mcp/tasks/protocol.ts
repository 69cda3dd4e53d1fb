/**
 * The tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663) on the
 * SDK's hooks: negotiated per request (only a request that declares it gets
 * a task, or may call `tasks/*`), advertised in `server/discover` only on
 * the modern era, with `tasks/get`, `tasks/update` and `tasks/cancel`.
 *
 * Jobs come in kinds ({@linkcode TaskKind}): the server's own is a PVE task
 * (pve_jobs.ts), whose state is read from PVE on every `tasks/get`; a test
 * server adds in-process kinds. An id that is forged, altered, expired or
 * another owner's is "not found" (-32602), exactly alike, and nothing is
 * sent anywhere.
 *
 * @example
 * ```ts ignore
 * installTasks(server, { ids, owner: "ops", kinds: { pve: pveKind(ctx) } });
 * return await taskAnswer(ids, { kind: "pve", owner: "ops", data }, kinds.pve);
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import type { McpServer, ServerContext } from "../sdk.ts";
import { ProtocolError, ProtocolErrorCode } from "../sdk.ts";
import { declaresExtension, envelopeOf, TASKS_EXTENSION } from "../request_info.ts";
import type { TaskFacts, TaskIds } from "./ids.ts";

/** A task's status (the spec's five). */
export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

/** What a kind reports of one job. */
export interface TaskState {
  status: TaskStatus;
  statusMessage?: string;
  /** When the state last changed, if the job knows (else now). */
  lastUpdatedAt?: string;
  /** The tool result, for `completed`. */
  result?: Record<string, unknown>;
  /** The protocol error, for `failed`. */
  error?: { code: number; message: string; data?: unknown };
  /** Open questions, for `input_required`. */
  inputRequests?: Record<string, unknown>;
}

/** One kind of job behind tasks. */
export interface TaskKind {
  /** Suggested polling interval (ms). */
  pollIntervalMs: number;
  get(facts: TaskFacts): Promise<TaskState>;
  /** Asks the job to stop (cooperative); idempotent for ended jobs. */
  cancel(facts: TaskFacts): Promise<void>;
  /** Answers open questions (`tasks/update`); absent: the job never asks. */
  update?(facts: TaskFacts, responses: Record<string, unknown>): Promise<void>;
}

/** What {@linkcode installTasks} needs. */
export interface TasksSetup {
  ids: TaskIds;
  /** Who is asking on this instance: the HTTP token's name, or "stdio". */
  owner: string;
  kinds: Readonly<Record<string, TaskKind>>;
}

/** Whether this request declared the tasks extension. */
export function requestsTasks(ctx: ServerContext): boolean {
  return declaresExtension(envelopeOf(ctx), TASKS_EXTENSION);
}

/** -32021: the method needs the tasks extension, which this request did not declare. */
export function missingTasksCapability(): ProtocolError {
  return new ProtocolError(
    -32021 as ProtocolErrorCode,
    `this request needs the ${TASKS_EXTENSION} extension: declare it in ` +
      "_meta io.modelcontextprotocol/clientCapabilities.extensions",
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
  );
}

function notFound(): ProtocolError {
  // One answer for forged, altered, expired and foreign ids: nothing tells them apart.
  return new ProtocolError(
    ProtocolErrorCode.InvalidParams,
    "Failed to retrieve task: Task not found (unknown, expired or not yours)",
  );
}

function envelope(id: string, f: TaskFacts, kind: TaskKind, s: TaskState) {
  return {
    taskId: id,
    status: s.status,
    ...(s.statusMessage !== undefined ? { statusMessage: s.statusMessage } : {}),
    createdAt: new Date(f.created).toISOString(),
    lastUpdatedAt: s.lastUpdatedAt ?? new Date().toISOString(),
    ttlMs: f.ttlMs,
    pollIntervalMs: kind.pollIntervalMs,
  };
}

/** The flat `resultType: "task"` answer to a tools/call whose job now exists. */
export async function taskAnswer(
  ids: TaskIds,
  f: { kind: string; owner: string; data: Record<string, unknown> },
  kind: TaskKind,
  first: TaskState = { status: "working" },
): Promise<Record<string, unknown>> {
  const { id, facts } = await ids.mint(f);
  return { resultType: "task", ...envelope(id, facts, kind, first) };
}

const TaskIdParams = z.object({ taskId: z.string().max(4096) }).loose();

/** Installs the capability and the `tasks/*` methods on one instance (call it for modern-era instances only). */
export function installTasks(mcp: McpServer, setup: TasksSetup): void {
  const server = mcp.server;
  server.registerCapabilities({ extensions: { [TASKS_EXTENSION]: {} } });
  const resolve = async (params: { taskId: string }, ctx: ServerContext) => {
    if (!requestsTasks(ctx)) throw missingTasksCapability();
    const facts = await setup.ids.open(params.taskId, setup.owner);
    const kind = facts ? setup.kinds[facts.kind] : undefined;
    if (!facts || !kind) throw notFound();
    return { facts, kind };
  };

  server.setRequestHandler("tasks/get", { params: TaskIdParams }, async (p, ctx) => {
    const { facts, kind } = await resolve(p, ctx);
    const s = await kind.get(facts);
    return {
      ...envelope(p.taskId, facts, kind, s),
      ...(s.status === "completed" && s.result ? { result: s.result } : {}),
      ...(s.status === "failed" && s.error ? { error: s.error } : {}),
      ...(s.status === "input_required" && s.inputRequests
        ? { inputRequests: s.inputRequests }
        : {}),
    };
  });

  server.setRequestHandler("tasks/update", { params: TaskIdParams }, async (p, ctx) => {
    const { facts, kind } = await resolve(p, ctx);
    // The SDK lifts `inputResponses` out of every request's params into the context.
    const responses = ctx.mcpReq.inputResponses ?? {};
    if (kind.update) await kind.update(facts, responses);
    return {};
  });

  server.setRequestHandler("tasks/cancel", { params: TaskIdParams }, async (p, ctx) => {
    const { facts, kind } = await resolve(p, ctx);
    await kind.cancel(facts);
    return {};
  });
}
