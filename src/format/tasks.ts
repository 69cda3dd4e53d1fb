/**
 * Human text for PVE tasks: one line per task, and a task's status with its
 * last log lines.
 *
 * @example
 * ```ts
 * import { formatTaskList } from "./tasks.ts";
 * console.log(formatTaskList([], 0)); // "No tasks match."
 * ```
 *
 * @module
 */

/** A task as the task tools return it. */
export interface TaskItem {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  status: "running" | "ok" | "warning" | "error";
  exitstatus: string | null;
  starttime: number;
  endtime: number | null;
  duration_s: number | null;
}

const when = (s: number) => new Date(s * 1000).toISOString().slice(0, 19).replace("T", " ");

function oneLine(t: TaskItem): string {
  const what = `${t.type}${t.id ? ` ${t.id}` : ""} on ${t.node}`;
  const state = t.status === "running"
    ? "RUNNING"
    : t.status === "ok"
    ? "OK"
    : t.status === "warning"
    ? t.exitstatus ?? "WARNINGS"
    : `ERROR: ${t.exitstatus}`;
  const took = t.duration_s !== null ? `, ${t.duration_s} s` : "";
  return `${when(t.starttime)} UTC ${what} by ${t.user}: ${state}${took}`;
}

/** A list of tasks, newest first. */
export function formatTaskList(tasks: TaskItem[], total: number): string {
  if (!tasks.length) return "No tasks match.";
  const head = `${total} task(s)${total > tasks.length ? `, newest ${tasks.length} shown` : ""}:`;
  return [head, ...tasks.map((t) => `- ${oneLine(t)}\n  ${t.upid}`)].join("\n");
}

/** One task's state and its last log lines. */
export function formatTaskStatus(t: TaskItem, log: string[]): string {
  const lines = [oneLine(t), `UPID: ${t.upid}`];
  if (t.status === "running") lines.push("Still running: ask again later.");
  if (log.length) lines.push("Last log lines:", ...log.map((l) => `  ${l}`));
  return lines.join("\n");
}
