/**
 * PVE tasks (UPIDs): parsing, following a task to its end with progress,
 * cancellation and a time bound, and reading the tail of its log.
 *
 * Waiting only ever sends GETs: a task is never stopped from here (stopping
 * is an explicit, separate decision).
 *
 * @example
 * ```ts ignore
 * import { parseUpid, waitForTask } from "./tasks.ts";
 * const upid = await pve.post<string>("/nodes/{node}/qemu/{vmid}/status/start", { node, vmid });
 * const end = await waitForTask(pve, upid, { timeoutMs: 60_000 });
 * console.log(end.state, end.exitstatus); // "stopped" "OK"
 * console.log(parseUpid(upid)?.type); // "qmstart"
 * ```
 *
 * @module
 */

import type { PveClient } from "./client.ts";
import { asArray, asNumber, asObject, asString } from "./lenient.ts";
import { UPID_RE } from "./params.ts";

/** The fields of a UPID. */
export interface Upid {
  node: string;
  pid: number;
  pstart: number;
  /** Unix seconds. */
  starttime: number;
  /** Worker type: qmstart, vzshutdown, qmsnapshot, vzdump, ... */
  type: string;
  /** Object id, usually the VMID; "" for node-wide tasks. */
  id: string;
  /** `user@realm` or `user@realm!token`. */
  user: string;
}

/**
 * Parses `UPID:node:pid:pstart:starttime:type:id:user:`; `undefined` when it is not one.
 *
 * @example
 * ```ts
 * import { parseUpid } from "./tasks.ts";
 * const u = parseUpid("UPID:pve1:0000A1B2:0012F3C4:6745A0B1:qmstart:100:mcp@pve!mcp:");
 * console.log(u?.node, u?.type, u?.id); // "pve1" "qmstart" "100"
 * ```
 */
export function parseUpid(upid: string): Upid | undefined {
  if (!UPID_RE.test(upid)) return undefined;
  const [, node, pid, pstart, start, type, id, user] = upid.split(":");
  return {
    node,
    pid: parseInt(pid, 16),
    pstart: parseInt(pstart, 16),
    starttime: parseInt(start, 16),
    type,
    id,
    user,
  };
}

/** Whether a finished task's exit status means success (`OK` or `WARNINGS: n`). */
export function exitOk(exitstatus: string | undefined): boolean {
  return exitstatus === "OK" || (exitstatus?.startsWith("WARNINGS") ?? false);
}

/** A task's status as `GET /nodes/{node}/tasks/{upid}/status` reports it, normalised. */
export interface TaskStatus {
  upid: string;
  node: string;
  status: "running" | "stopped";
  /** Only once stopped: `OK`, `WARNINGS: n`, or the error text. */
  exitstatus: string | null;
  type: string;
  id: string;
  user: string;
  /** Unix seconds. */
  starttime: number;
}

/** Reads a task's status once. */
export async function getTaskStatus(
  pve: PveClient,
  upid: string,
  signal?: AbortSignal,
): Promise<TaskStatus> {
  const u = parseUpid(upid);
  if (!u) {
    throw new Error(`"${upid}" is not a PVE task id (UPID:node:pid:pstart:time:type:id:user:)`);
  }
  const raw = asObject(
    await pve.get("/nodes/{node}/tasks/{upid}/status", { node: u.node, upid }, { signal }),
    "GET /nodes/{node}/tasks/{upid}/status",
  );
  const running = asString(raw.status) === "running";
  return {
    upid,
    node: u.node,
    status: running ? "running" : "stopped",
    exitstatus: running ? null : asString(raw.exitstatus) ?? "unknown",
    type: asString(raw.type) ?? u.type,
    id: asString(raw.id) ?? u.id,
    user: asString(raw.user) ?? u.user,
    starttime: asNumber(raw.starttime) ?? u.starttime,
  };
}

/** Log lines (`[{n, t}]`) from `start`, at most `limit`. */
export async function getTaskLog(
  pve: PveClient,
  upid: string,
  opts: { start?: number; limit?: number; signal?: AbortSignal } = {},
): Promise<Array<{ n: number; t: string }>> {
  const u = parseUpid(upid);
  if (!u) throw new Error(`"${upid}" is not a PVE task id`);
  const rows = asArray(
    await pve.get(
      "/nodes/{node}/tasks/{upid}/log",
      { node: u.node, upid, start: opts.start ?? 0, limit: opts.limit ?? 50 },
      { signal: opts.signal },
    ),
    "GET /nodes/{node}/tasks/{upid}/log",
  );
  return rows.map((r, i) => ({
    n: asNumber(r.n) ?? (opts.start ?? 0) + i + 1,
    t: String(r.t ?? ""),
  }));
}

// The log endpoint reads from the start and the client does not see `total`:
// one bounded read, then the tail. Action logs are short; vzdump logs stay far below this.
const LOG_READ_LIMIT = 1000;

/** The last `n` log lines of a task (one request). */
export async function taskLogTail(
  pve: PveClient,
  upid: string,
  n = 20,
  signal?: AbortSignal,
): Promise<string[]> {
  const lines = await getTaskLog(pve, upid, { start: 0, limit: LOG_READ_LIMIT, signal });
  return lines.slice(-n).map((l) => l.t);
}

/** How {@link waitForTask} ended. */
export interface TaskWaitResult {
  /** stopped: the task ended; timeout: still running at the bound; cancelled: the caller gave up. */
  state: "stopped" | "timeout" | "cancelled";
  /** Final exit status (stopped only). */
  exitstatus: string | null;
  /** Time spent waiting, ms. */
  waitedMs: number;
  /** Status polls made. */
  polls: number;
}

/** Options of {@link waitForTask}. */
export interface WaitOptions {
  /** Give up waiting (not the task) after this long. */
  timeoutMs: number;
  /** Stop waiting when aborted (MCP cancellation). */
  signal?: AbortSignal;
  /** Called after each poll that found the task still running. */
  onPoll?: (info: { elapsedMs: number; polls: number }) => void | Promise<void>;
  /** First poll interval (default 250 ms); grows ×1.5 up to `maxIntervalMs`. */
  intervalMs?: number;
  /** Longest poll interval (default 1000 ms). */
  maxIntervalMs?: number;
}

/**
 * Polls a task until it stops, the time bound passes, or the signal aborts.
 * Short first intervals catch the many actions that end within a second;
 * growing to 1 s keeps long tasks from costing more than one GET per second.
 */
export async function waitForTask(
  pve: PveClient,
  upid: string,
  opts: WaitOptions,
): Promise<TaskWaitResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let interval = opts.intervalMs ?? 250;
  const maxInterval = opts.maxIntervalMs ?? 1000;
  let polls = 0;
  for (;;) {
    if (opts.signal?.aborted) {
      return { state: "cancelled", exitstatus: null, waitedMs: elapsed(), polls };
    }
    let status: TaskStatus;
    try {
      status = await getTaskStatus(pve, upid, opts.signal);
    } catch (e) {
      if (opts.signal?.aborted) {
        return { state: "cancelled", exitstatus: null, waitedMs: elapsed(), polls };
      }
      throw e;
    }
    polls++;
    if (status.status === "stopped") {
      return { state: "stopped", exitstatus: status.exitstatus, waitedMs: elapsed(), polls };
    }
    const left = opts.timeoutMs - elapsed();
    if (left <= 0) return { state: "timeout", exitstatus: null, waitedMs: elapsed(), polls };
    await opts.onPoll?.({ elapsedMs: elapsed(), polls });
    await sleep(Math.min(interval, left), opts.signal);
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
