/**
 * PVE tasks (toolset "tasks", read-only): one task's status, its log, and
 * the recent tasks of the cluster. The node of a task comes from its UPID.
 *
 * @example
 * ```ts
 * import { TASK_TOOLS } from "./tasks.ts";
 * console.log(TASK_TOOLS.map((t) => t.name).join(" ")); // "get_task_status get_task_log list_tasks"
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import { type AnyTool, defineTool, READ_ONLY } from "../../core/tool.ts";
import { looseEnum, nodeName, vmid } from "../schemas.ts";
import { UPID_RE } from "../../proxmox/params.ts";
import { asArray, asNumber, asString } from "../../proxmox/lenient.ts";
import { exitOk, getTaskLog, getTaskStatus, parseUpid, taskLogTail } from "../../proxmox/tasks.ts";
import { formatTaskList, formatTaskStatus, type TaskItem } from "../../format/tasks.ts";

const upid = z.string().max(512).regex(UPID_RE, {
  message: "must be a PVE task id as tools return it: UPID:node:pid:pstart:starttime:type:id:user:",
}).describe("Task id (UPID) as returned by an action or list_tasks");

const TaskItemSchema = z.object({
  upid: z.string(),
  node: z.string(),
  type: z.string().describe("Worker type, e.g. qmstart, vzshutdown, qmsnapshot, vzdump"),
  id: z.string().describe("Object id, usually the VMID"),
  user: z.string(),
  status: z.enum(["running", "ok", "warning", "error"]),
  exitstatus: z.string().nullable(),
  starttime: z.number().describe("Unix seconds"),
  endtime: z.number().nullable(),
  duration_s: z.number().nullable(),
});

function errorLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

function taskState(running: boolean, exitstatus: string | null): TaskItem["status"] {
  if (running) return "running";
  if (exitstatus === "OK") return "ok";
  if (exitOk(exitstatus ?? undefined)) return "warning";
  return "error";
}

/** `get_task_status`. */
export const getTaskStatusTool = defineTool({
  name: "get_task_status",
  title: "Task status",
  description: "Status of one PVE task by UPID: running or ended, exit status (OK, WARNINGS, or " +
    "the error), and its last log lines. Use it to follow an action that was started with " +
    "wait: false or that timed out.",
  toolset: "tasks",
  privileges: [],
  annotations: READ_ONLY,
  input: {
    upid,
    log_lines: z.number().int().min(0).max(200).default(10)
      .describe("How many of the last log lines to include (default 10)"),
  },
  output: {
    ...TaskItemSchema.shape,
    log: z.array(z.string()),
    log_error: z.string().nullable().describe("why the log could not be read (the status stands)"),
  },
  async run(args, ctx) {
    // Status and log in parallel; the status is the answer, the log only garnish: a log that
    // cannot be read (its own privilege, a rotated file, a proxy error) must not hide it.
    const [s, tail] = await Promise.all([
      getTaskStatus(ctx.pve, args.upid),
      args.log_lines
        ? taskLogTail(ctx.pve, args.upid, args.log_lines).then(
          (lines) => ({ lines, error: null }),
          (e: unknown) => ({ lines: [] as string[], error: errorLine(e) }),
        )
        : Promise.resolve({ lines: [] as string[], error: null }),
    ]);
    const log = tail.lines;
    const running = s.status === "running";
    const item: TaskItem = {
      upid: s.upid,
      node: s.node,
      type: s.type,
      id: s.id,
      user: s.user,
      status: taskState(running, s.exitstatus),
      exitstatus: s.exitstatus,
      starttime: s.starttime,
      endtime: null,
      duration_s: running ? Math.max(0, Math.round(Date.now() / 1000 - s.starttime)) : null,
    };
    const text = formatTaskStatus(item, log) +
      (tail.error ? `\n(The log could not be read: ${tail.error})` : "");
    return { structured: { ...item, log, log_error: tail.error }, text };
  },
});

/** `get_task_log`. */
export const getTaskLogTool = defineTool({
  name: "get_task_log",
  title: "Task log",
  description: "Log lines of one PVE task by UPID, from line `start` (0-based), at most `limit`.",
  toolset: "tasks",
  privileges: [],
  annotations: READ_ONLY,
  input: {
    upid,
    start: z.number().int().min(0).default(0).describe("First line, 0-based (default 0)"),
    limit: z.number().int().min(1).max(1000).default(50).describe("Most lines (default 50)"),
  },
  output: {
    upid: z.string(),
    lines: z.array(z.object({ n: z.number().int(), t: z.string() })),
    next_start: z.number().int().nullable().describe("start for the next page, or null"),
  },
  async run(args, ctx) {
    const lines = await getTaskLog(ctx.pve, args.upid, { start: args.start, limit: args.limit });
    // PVE answers an empty or exhausted log with one "no content" line.
    const real = lines.filter((l) => !(lines.length === 1 && l.t === "no content"));
    const next = real.length === args.limit ? args.start + real.length : null;
    const text = real.length
      ? real.map((l) => `${l.n}: ${l.t}`).join("\n") +
        (next !== null ? `\n(more: ask again with start ${next})` : "")
      : `No log lines from line ${args.start}.`;
    return { structured: { upid: args.upid, lines: real, next_start: next }, text };
  },
});

/** `list_tasks`. */
export const listTasks = defineTool({
  name: "list_tasks",
  title: "Recent tasks",
  description: "Recent PVE tasks cluster-wide (newest first), from one request: backups, " +
    "starts, stops, snapshots, migrations. Filters: vmid, type (e.g. vzdump, qmstart), status " +
    "(running, ok, error), node; limit.",
  toolset: "tasks",
  privileges: [],
  annotations: READ_ONLY,
  input: {
    vmid: vmid.optional().describe("Only tasks about this guest"),
    type: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, {
      message: "must be a task type such as qmstart",
    })
      .optional().describe("Only tasks of this type, e.g. vzdump, qmstart, qmsnapshot"),
    status: looseEnum(["running", "ok", "error"], { failed: "error", success: "ok" }).optional()
      .describe("running, ok (including warnings) or error"),
    node: nodeName.optional().describe("Only tasks on this node"),
    limit: z.number().int().min(1).max(500).default(50).describe("Most tasks (default 50)"),
  },
  output: { tasks: z.array(TaskItemSchema), total: z.number().int(), returned: z.number().int() },
  async run(args, ctx) {
    const rows = asArray(await ctx.pve.get("/cluster/tasks"), "GET /cluster/tasks");
    const all = rows.map(toItem).filter((t): t is TaskItem => t !== undefined).filter((t) =>
      (args.vmid === undefined || t.id === String(args.vmid)) &&
      (!args.type || t.type === args.type) &&
      (!args.node || t.node === args.node) &&
      (!args.status || t.status === args.status ||
        (args.status === "ok" && t.status === "warning"))
    ).sort((a, b) => b.starttime - a.starttime);
    const tasks = all.slice(0, args.limit);
    return {
      structured: { tasks, total: all.length, returned: tasks.length },
      text: formatTaskList(tasks, all.length),
    };
  },
});

function toItem(r: Record<string, unknown>): TaskItem | undefined {
  const id = asString(r.upid);
  const u = id ? parseUpid(id) : undefined;
  if (!id || !u) return undefined;
  const endtime = asNumber(r.endtime) ?? null;
  // /cluster/tasks: `status` is absent while running, else the exit status text.
  const exitstatus = endtime === null && r.status === undefined ? null : asString(r.status) ?? null;
  const running = exitstatus === null;
  const starttime = asNumber(r.starttime) ?? u.starttime;
  return {
    upid: id,
    node: asString(r.node) ?? u.node,
    type: asString(r.type) ?? u.type,
    id: asString(r.id) ?? u.id,
    user: asString(r.user) ?? u.user,
    status: taskState(running, exitstatus),
    exitstatus,
    starttime,
    endtime,
    duration_s: endtime !== null ? endtime - starttime : null,
  };
}

/** The task tools in listing order. */
export const TASK_TOOLS: readonly AnyTool[] = [getTaskStatusTool, getTaskLogTool, listTasks];
