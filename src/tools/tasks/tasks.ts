/**
 * PVE tasks (toolset "tasks", read-only): one task's status with its log
 * (the tail, or a page from any line), and the recent tasks of the cluster.
 * The node of a task comes from its UPID.
 *
 * @example
 * ```ts
 * import { TASK_TOOLS } from "./tasks.ts";
 * console.log(TASK_TOOLS.map((t) => t.name).join(" ")); // "get_task_status list_tasks"
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
import type { ToolContext } from "../../core/context.ts";
import { formatTaskList, formatTaskStatus, type TaskItem } from "../../format/tasks.ts";

const upid = z.string().max(512).regex(UPID_RE, {
  message: "must be a PVE task id as tools return it: UPID:node:pid:pstart:starttime:type:id:user:",
});

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
  description: "A PVE task by UPID: running or ended, exit status, and its log: the last " +
    "log_lines lines, or with log_start the log_lines lines from that line (paging).",
  toolset: "tasks",
  privileges: [],
  annotations: READ_ONLY,
  input: {
    upid,
    log_lines: z.number().int().min(0).max(1000).default(10),
    log_start: z.number().int().min(0).optional(),
  },
  output: {
    ...TaskItemSchema.shape,
    log: z.array(z.string()),
    log_start: z.number().int().nullable().describe("line number of log[0] when paging"),
    next_start: z.number().int().nullable().describe("log_start of the next page, or null"),
    log_error: z.string().nullable().describe("why the log could not be read (the status stands)"),
  },
  async run(args, ctx) {
    // Status and log in parallel; the status is the answer, the log only garnish: a log that
    // cannot be read (its own privilege, a rotated file, a proxy error) must not hide it.
    const [s, tail] = await Promise.all([
      getTaskStatus(ctx.pve, args.upid),
      readLog(ctx, args.upid, args.log_lines, args.log_start).catch(
        (e: unknown) => ({ lines: [] as string[], next: null, error: errorLine(e) }),
      ),
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
      (tail.next !== null ? `\n(more log: ask again with log_start ${tail.next})` : "") +
      (tail.error ? `\n(The log could not be read: ${tail.error})` : "");
    const structured = {
      ...item,
      log,
      log_start: args.log_start ?? null,
      next_start: tail.next,
      log_error: tail.error,
    };
    return { structured, text };
  },
});

/** The log's tail, or (with `start`) one page of it from that line. */
async function readLog(
  ctx: ToolContext,
  upid: string,
  lines: number,
  start: number | undefined,
): Promise<{ lines: string[]; next: number | null; error: string | null }> {
  if (start === undefined) {
    return { lines: lines ? await taskLogTail(ctx.pve, upid, lines) : [], next: null, error: null };
  }
  if (!lines) return { lines: [], next: null, error: null };
  const page = await getTaskLog(ctx.pve, upid, { start, limit: lines });
  // PVE answers an empty or exhausted log with one "no content" line.
  const real = page.filter((l) => !(page.length === 1 && l.t === "no content"));
  return {
    lines: real.map((l) => l.t),
    next: real.length === lines ? start + real.length : null,
    error: null,
  };
}

/** `list_tasks`. */
export const listTasks = defineTool({
  name: "list_tasks",
  title: "Recent tasks",
  description: "Recent PVE tasks cluster-wide, newest first (backups, starts, migrations…). " +
    "type is PVE's worker type, e.g. vzdump, qmstart.",
  toolset: "tasks",
  privileges: [],
  annotations: READ_ONLY,
  input: {
    vmid: vmid.optional(),
    type: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, {
      message: "must be a task type such as qmstart",
    }).optional(),
    // ok includes tasks that ended with warnings.
    status: looseEnum(["running", "ok", "error"], { failed: "error", success: "ok" }).optional(),
    node: nodeName.optional(),
    limit: z.number().int().min(1).max(500).default(50),
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
export const TASK_TOOLS: readonly AnyTool[] = [getTaskStatusTool, listTasks];
