/**
 * The MCP task store (spec 2025-11-25 "tasks"): one table per process, seen
 * through one view per owner (the stdio client, or one HTTP bearer token).
 *
 * - Task ids are 128 random bits (hex): opaque and unguessable.
 * - A task belongs to the owner and the MCP session (HTTP stateful mode) that
 *   created it; any other owner or session gets "not found", exactly as for a
 *   task that never existed, so ids do not leak across sessions. Stateless
 *   HTTP has no session: there the bearer token is the owner.
 * - Retention (TTL) runs from creation, clamped to [1 s, 24 h] (1 h when the
 *   client names none). A task still working at its deadline is kept until it
 *   ends and then for one more TTL, so a long job's result is never lost
 *   before the client could read it.
 * - The table is bounded (`maxTasks`): when full, the oldest finished task is
 *   dropped; when every slot holds a working task, creation is refused.
 * - Timers are unref'd: retention never keeps the process alive.
 * - `tasks/cancel` only sets the status in the SDK (it never calls the tool):
 *   {@linkcode McpTaskStore.updateTaskStatus} fires the task's cancel hook so
 *   the runner can stop the PVE task.
 *
 * @example
 * ```ts
 * import { TaskTable } from "./store.ts";
 * const table = new TaskTable();
 * const store = table.forOwner("stdio");
 * const t = await store.createTask({ ttl: 60_000 }, 1, { method: "tools/call", params: {} });
 * console.log(t.status, t.taskId.length); // "working" 32
 * console.log(await table.forOwner("other").getTask(t.taskId)); // null
 * table.close();
 * ```
 *
 * @module
 */

import type { CreateTaskOptions, TaskStore } from "@modelcontextprotocol/sdk/experimental/tasks";
// @ts-types="@modelcontextprotocol/sdk/types"
import type { Request, RequestId, Result, Task } from "@modelcontextprotocol/sdk/types.js";

/** Bounds of the table. */
export interface TaskLimits {
  /** Retention when the client names none (ms). */
  defaultTtlMs: number;
  minTtlMs: number;
  maxTtlMs: number;
  /** Most tasks kept at once, all owners together. */
  maxTasks: number;
  /** Suggested polling interval for clients (ms). */
  pollIntervalMs: number;
}

/** The defaults: 1 h retention (1 s..24 h), 1000 tasks, 500 ms polls. */
export const DEFAULT_TASK_LIMITS: TaskLimits = {
  defaultTtlMs: 3_600_000,
  minTtlMs: 1_000,
  maxTtlMs: 86_400_000,
  maxTasks: 1_000,
  pollIntervalMs: 500,
};

// Internal tasks (a client without task support, served by the SDK's polling) are dropped once
// their result was read; this bounds them if it never is.
const INTERNAL_RETENTION_MS = 60_000;

interface Entry {
  task: Task;
  owner: string;
  sessionId: string | undefined;
  /** The client asked for a task (`params.task`); false when the SDK polls for a plain call. */
  augmented: boolean;
  result?: Result;
  /** The deadline passed while the task was still working. */
  overdue: boolean;
  timer?: number;
  onCancel?: () => void;
}

const terminal = (s: Task["status"]) => s === "completed" || s === "failed" || s === "cancelled";

/** Every MCP task of the process; hand each owner {@linkcode TaskTable.forOwner}. */
export class TaskTable {
  readonly #entries = new Map<string, Entry>();
  readonly limits: TaskLimits;

  constructor(limits: Partial<TaskLimits> = {}) {
    this.limits = { ...DEFAULT_TASK_LIMITS, ...limits };
  }

  /** Tasks held now (all owners). */
  get size(): number {
    return this.#entries.size;
  }

  /** The store one owner's MCP server uses. */
  forOwner(owner: string): McpTaskStore {
    return new McpTaskStore(this, owner);
  }

  /** Drops every task and timer (shutdown, tests). */
  close(): void {
    for (const e of this.#entries.values()) clearTimeout(e.timer);
    this.#entries.clear();
  }

  /** @internal */
  add(entry: Entry): void {
    if (this.#entries.size >= this.limits.maxTasks) this.#evict();
    this.#entries.set(entry.task.taskId, entry);
    const ttl = entry.task.ttl ?? this.limits.defaultTtlMs;
    this.#schedule(entry, entry.augmented ? ttl : Math.max(ttl, INTERNAL_RETENTION_MS));
  }

  /** @internal */
  entry(taskId: string): Entry | undefined {
    return this.#entries.get(taskId);
  }

  /** @internal */
  owned(owner: string, sessionId: string | undefined): Entry[] {
    return [...this.#entries.values()].filter((e) =>
      e.owner === owner && e.sessionId === sessionId
    );
  }

  /** @internal */
  delete(taskId: string): void {
    const e = this.#entries.get(taskId);
    if (e) clearTimeout(e.timer);
    this.#entries.delete(taskId);
  }

  /** @internal A task reached a terminal status: an overdue one now gets one more TTL. */
  ended(e: Entry): void {
    if (e.overdue) this.#schedule(e, e.task.ttl ?? this.limits.defaultTtlMs);
    else if (!e.augmented) this.#schedule(e, INTERNAL_RETENTION_MS);
  }

  #schedule(e: Entry, ms: number): void {
    clearTimeout(e.timer);
    // Deno's timers are numbers; the Node typings in scope say otherwise.
    const timer = setTimeout(() => {
      if (terminal(e.task.status)) this.delete(e.task.taskId);
      else e.overdue = true;
    }, ms) as unknown as number;
    Deno.unrefTimer(timer);
    e.timer = timer;
  }

  #evict(): void {
    let oldest: Entry | undefined;
    for (const e of this.#entries.values()) {
      if (terminal(e.task.status) && (!oldest || e.task.createdAt < oldest.task.createdAt)) {
        oldest = e;
      }
    }
    if (!oldest) {
      throw new Error(
        `too many MCP tasks are still working (${this.limits.maxTasks}): wait for some to ` +
          "finish (tasks/get) or cancel them (tasks/cancel), then try again",
      );
    }
    this.delete(oldest.task.taskId);
  }
}

/** One owner's view of the {@linkcode TaskTable}; implements the SDK's TaskStore. */
export class McpTaskStore implements TaskStore {
  constructor(private readonly table: TaskTable, readonly owner: string) {}

  #find(taskId: string, sessionId: string | undefined): Entry | undefined {
    const e = this.table.entry(taskId);
    return e && e.owner === this.owner && e.sessionId === sessionId ? e : undefined;
  }

  #get(taskId: string, sessionId: string | undefined): Entry {
    const e = this.#find(taskId, sessionId);
    if (!e) throw new Error(`Task ${taskId} not found (it expired, or belongs to another session)`);
    return e;
  }

  createTask(
    params: CreateTaskOptions,
    _requestId: RequestId,
    request: Request,
    sessionId?: string,
  ): Promise<Task> {
    const { minTtlMs, maxTtlMs, defaultTtlMs, pollIntervalMs } = this.table.limits;
    const asked = typeof params.ttl === "number" && params.ttl > 0 ? params.ttl : defaultTtlMs;
    const now = new Date().toISOString();
    const task: Task = {
      taskId: randomId(),
      status: "working",
      ttl: Math.min(maxTtlMs, Math.max(minTtlMs, Math.round(asked))),
      createdAt: now,
      lastUpdatedAt: now,
      pollInterval: params.pollInterval ?? pollIntervalMs,
    };
    const augmented = !!(request.params as Record<string, unknown> | undefined)?.task;
    return attempt(() => {
      this.table.add({ task, owner: this.owner, sessionId, augmented, overdue: false });
      return { ...task };
    });
  }

  getTask(taskId: string, sessionId?: string): Promise<Task | null> {
    const e = this.#find(taskId, sessionId);
    return Promise.resolve(e ? { ...e.task } : null);
  }

  storeTaskResult(
    taskId: string,
    status: "completed" | "failed",
    result: Result,
    sessionId?: string,
  ): Promise<void> {
    return attempt(() => {
      const e = this.#get(taskId, sessionId);
      if (terminal(e.task.status)) {
        throw new Error(`Task ${taskId} already ended (${e.task.status})`);
      }
      e.result = result;
      this.#set(e, status);
    });
  }

  getTaskResult(taskId: string, sessionId?: string): Promise<Result> {
    return attempt(() => {
      const e = this.#get(taskId, sessionId);
      if (!e.result) throw new Error(`Task ${taskId} has no result yet`);
      // A plain call served through a task: its one reader has it now.
      if (!e.augmented) this.table.delete(taskId);
      return e.result;
    });
  }

  updateTaskStatus(
    taskId: string,
    status: Task["status"],
    statusMessage?: string,
    sessionId?: string,
  ): Promise<void> {
    return attempt(() => {
      const e = this.#get(taskId, sessionId);
      if (terminal(e.task.status)) {
        throw new Error(
          `Task ${taskId} already ended (${e.task.status}): its status cannot change`,
        );
      }
      if (statusMessage) e.task.statusMessage = statusMessage;
      this.#set(e, status);
      if (status === "cancelled") e.onCancel?.();
    });
  }

  listTasks(cursor?: string, sessionId?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const PAGE = 50;
    const all = this.table.owned(this.owner, sessionId).filter((e) => e.augmented);
    let start = 0;
    if (cursor) {
      const i = all.findIndex((e) => e.task.taskId === cursor);
      if (i < 0) return Promise.reject(new Error(`Invalid cursor: ${cursor}`));
      start = i + 1;
    }
    const page = all.slice(start, start + PAGE);
    return Promise.resolve({
      tasks: page.map((e) => ({ ...e.task })),
      nextCursor: start + PAGE < all.length ? page[page.length - 1].task.taskId : undefined,
    });
  }

  /** Whether the client asked for this task itself (not a plain call the SDK polls for). */
  isAugmented(taskId: string): boolean {
    return this.table.entry(taskId)?.augmented ?? false;
  }

  /** Runs `fn` once when the client cancels the task. */
  onCancel(taskId: string, fn: () => void): void {
    const e = this.table.entry(taskId);
    if (e) e.onCancel = fn;
  }

  /** The task's status, whoever owns it (for its own runner). */
  statusOf(taskId: string): Task["status"] | undefined {
    return this.table.entry(taskId)?.task.status;
  }

  /** Keeps the final result of a cancelled task, so tasks/result can still explain it. */
  attachResult(taskId: string, result: Result): void {
    const e = this.table.entry(taskId);
    if (e && e.task.status === "cancelled" && !e.result) e.result = result;
  }

  /** Updates the human status line of a working task (no status change). */
  setMessage(taskId: string, message: string): void {
    const e = this.table.entry(taskId);
    if (!e || terminal(e.task.status)) return;
    e.task.statusMessage = message;
    e.task.lastUpdatedAt = new Date().toISOString();
  }

  #set(e: Entry, status: Task["status"]): void {
    e.task.status = status;
    e.task.lastUpdatedAt = new Date().toISOString();
    if (terminal(status)) this.table.ended(e);
  }
}

/** Runs `fn`, turning a throw into a rejected promise (the TaskStore methods are async). */
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
