/**
 * The simulator's task (UPID) registry: asynchronous PVE actions return a UPID
 * at once and finish later. Status is computed lazily from the wall clock, so
 * no timers run and nothing leaks into Deno's test sanitizers.
 *
 * Lifecycle actions (start, stop, snapshot, …) build on {@link TaskRegistry.start}:
 * answer the HTTP call with the UPID, and apply the state change in `onFinish`.
 *
 * @module
 */

/** Options of {@link TaskRegistry.start} (and `ClusterState.startTask`). */
export interface StartTaskOptions {
  /** Node that runs the task (first UPID field). */
  node: string;
  /** Worker type as PVE names it: `qmstart`, `qmstop`, `vzstart`, `vzdump`, `qmsnapshot`, … */
  type: string;
  /** Object id, usually the vmid as a string; `""` for node-wide tasks. */
  id?: string;
  /** Who started it: `user@realm` or a full token id `user@realm!token`. */
  user: string;
  /** Run time; default 0 (finished at the next look). `Infinity` never finishes on its own. */
  durationMs?: number;
  /** Log lines written by the worker (shown at once); the final `TASK …` line is added at the end. */
  log?: string[];
  /** `"OK"` (default), `"WARNINGS: n"` or an error text such as `VM 101 already running`. */
  exitstatus?: string;
  /**
   * Called exactly once when the task ends, naturally or by a stop request
   * (then `task.exitstatus` is `"received interrupt"`). Apply state changes here,
   * and check `task.exitstatus === "OK"` first where they depend on success.
   */
  onFinish?: (task: SimTask) => void;
  /** Start time in ms since the epoch (default now); past values seed task history. */
  startedAt?: number;
}

/** One task as the registry keeps it. */
export interface SimTask {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  /** Unix seconds. */
  starttime: number;
  type: string;
  id: string;
  user: string;
  startedAt: number;
  durationMs: number;
  log: string[];
  /** Planned exit status; final once `running` is false. */
  exitstatus: string;
  running: boolean;
  /** Unix seconds, once finished. */
  endtime?: number;
  onFinish?: (task: SimTask) => void;
}

const hex8 = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, "0");

/** Formats a UPID exactly as PVE does (hex fields upper case, 8 digits). */
export function formatUpid(
  t: Pick<SimTask, "node" | "pid" | "pstart" | "starttime" | "type" | "id" | "user">,
): string {
  return `UPID:${t.node}:${hex8(t.pid)}:${hex8(t.pstart)}:${
    hex8(t.starttime)
  }:${t.type}:${t.id}:${t.user}:`;
}

/** Parses a UPID; `undefined` when it is not one (PVE then answers `unable to parse worker upid`). */
export function parseUpid(upid: string):
  | {
    node: string;
    pid: number;
    pstart: number;
    starttime: number;
    type: string;
    id: string;
    user: string;
  }
  | undefined {
  const m =
    /^UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/
      .exec(upid);
  if (!m) return undefined;
  return {
    node: m[1],
    pid: parseInt(m[3], 16),
    pstart: parseInt(m[4], 16),
    starttime: parseInt(m[5], 16),
    type: m[6],
    id: m[7],
    user: m[8],
  };
}

/** Keeps every task of the simulated cluster; see the module doc. */
export class TaskRegistry {
  readonly #tasks = new Map<string, SimTask>();
  readonly #running = new Set<SimTask>();
  // Deterministic, realistic-looking pids and process start times.
  #nextPid = 0x1a2b0;
  #now: () => number;

  /** `now` is injectable so tests can drive time without sleeping. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Starts a task and returns it (its `upid` is what the API answers). */
  start(opts: StartTaskOptions): SimTask {
    const startedAt = opts.startedAt ?? this.#now();
    const pid = this.#nextPid++;
    const base = {
      node: opts.node,
      pid,
      pstart: 0x12f3c4 + (pid & 0xffff) * 7,
      starttime: Math.floor(startedAt / 1000),
      type: opts.type,
      id: opts.id ?? "",
      user: opts.user,
    };
    const task: SimTask = {
      ...base,
      upid: formatUpid(base),
      startedAt,
      durationMs: Math.max(0, opts.durationMs ?? 0),
      log: [...(opts.log ?? [])],
      exitstatus: opts.exitstatus ?? "OK",
      running: true,
      onFinish: opts.onFinish,
    };
    this.#tasks.set(task.upid, task);
    this.#running.add(task);
    this.settle();
    return task;
  }

  /** Finishes every task whose time has come; the server calls this before each request. */
  settle(): void {
    const now = this.#now();
    for (const t of this.#running) {
      if (now - t.startedAt >= t.durationMs) {
        this.#finish(t, t.exitstatus, t.startedAt + t.durationMs);
      }
    }
  }

  /** Looks a task up by UPID (settled first). */
  get(upid: string): SimTask | undefined {
    this.settle();
    return this.#tasks.get(upid);
  }

  /** All tasks, newest first (settled first). */
  list(): SimTask[] {
    this.settle();
    return [...this.#tasks.values()].sort((a, b) => b.startedAt - a.startedAt);
  }

  /** Stops a running task as `DELETE /nodes/{node}/tasks/{upid}` does; false if not running. */
  stop(upid: string): boolean {
    const t = this.get(upid);
    if (!t || !t.running) return false;
    this.#finish(t, "received interrupt", this.#now());
    return true;
  }

  #finish(t: SimTask, exitstatus: string, endMs: number): void {
    t.running = false;
    t.exitstatus = exitstatus;
    t.endtime = Math.floor(endMs / 1000);
    t.log.push(
      exitstatus === "OK"
        ? "TASK OK"
        : exitstatus.startsWith("WARNINGS:")
        ? `TASK ${exitstatus}`
        : `TASK ERROR: ${exitstatus}`,
    );
    this.#running.delete(t);
    t.onFinish?.(t);
  }
}
