/**
 * Shared machinery of the simulated guest actions (power and snapshots):
 * task durations, test hooks that make the next task fail or never end, the
 * lock check PVE's workers make, and locks held while a task runs.
 *
 * @example
 * ```ts ignore
 * import { simActions } from "./actions.ts";
 * simActions(sim.state).durationMs = 50;            // quick tasks for tests
 * simActions(sim.state).next.push({ durationMs: Infinity }); // the next action never ends
 * simActions(sim.state).next.push({ exitstatus: "command 'qm' failed" }); // and this one fails
 * ```
 *
 * @module
 */

import type { RouteContext } from "./routing.ts";
import type { ClusterState, GuestModel } from "./state.ts";
import type { SimTask } from "./tasks.ts";

/** One-shot override of the next action task. */
export interface NextTask {
  durationMs?: number;
  /** Makes the task fail with this text (state changes are then not applied). */
  exitstatus?: string;
  log?: string[];
}

/** Per-cluster settings of the action routes. */
export interface ActionSettings {
  /** Run time of action tasks in ms (default 300: realistic order, fast tests). */
  durationMs: number;
  /** Overrides consumed by the next action tasks, in order. */
  next: NextTask[];
}

const settings = new WeakMap<ClusterState, ActionSettings>();

/** The (mutable) action settings of a simulated cluster. */
export function simActions(state: ClusterState): ActionSettings {
  let s = settings.get(state);
  if (!s) {
    s = { durationMs: 300, next: [] };
    settings.set(state, s);
  }
  return s;
}

/** What a route asks {@link startGuestTask} to do. */
export interface GuestTaskSpec {
  /** Worker type, e.g. qmstart, vzshutdown, qmsnapshot. */
  type: string;
  /** Error the worker dies with in this state (checked when the task starts). */
  fail?: string;
  /** Locks this worker accepts (e.g. `suspended` for qmstart). */
  allowLocks?: string[];
  /** Lock held while the task runs (snapshot, rollback, snapshot-delete). */
  holdLock?: string;
  log?: string[];
  /** State change applied when the task ends OK. */
  apply?: () => void;
}

/** PVE's check_lock text: "VM is locked (backup)" / "CT is locked (backup)". */
export function lockError(g: GuestModel, allow: string[] = []): string | undefined {
  if (!g.lock || allow.includes(g.lock)) return undefined;
  return `${g.type === "qemu" ? "VM" : "CT"} is locked (${g.lock})`;
}

/** Starts the worker of a guest action and returns its UPID (the API's answer). */
export function startGuestTask(ctx: RouteContext, g: GuestModel, spec: GuestTaskSpec): string {
  const s = simActions(ctx.state);
  const next = s.next.shift() ?? {};
  const fail = spec.fail ?? lockError(g, spec.allowLocks) ?? next.exitstatus;
  const held = !fail && spec.holdLock ? spec.holdLock : undefined;
  if (held) setLock(g, held);
  const task = ctx.state.startTask({
    node: g.node,
    type: spec.type,
    id: String(g.vmid),
    user: ctx.tokenId,
    durationMs: next.durationMs ?? s.durationMs,
    log: next.log ?? (fail ? [] : spec.log ?? []),
    exitstatus: fail ?? "OK",
    onFinish: (t: SimTask) => {
      if (held && g.lock === held) setLock(g, undefined);
      if (t.exitstatus === "OK") spec.apply?.();
    },
  });
  return task.upid;
}

/** Sets or clears a guest's lock (listing and config agree, as in PVE). */
export function setLock(g: GuestModel, lock: string | undefined): void {
  if (lock) {
    g.lock = lock;
    g.config.lock = lock;
  } else {
    delete g.lock;
    delete g.config.lock;
  }
}

/** Live figures of a guest that has just started (or restarted). */
export function markRunning(g: GuestModel): void {
  g.status = "running";
  g.uptime = 0;
  g.cpu = 0.02;
  g.mem = Math.round(g.maxmem * 0.2);
}

/** A stopped guest shows no usage. */
export function markStopped(g: GuestModel): void {
  g.status = "stopped";
  g.uptime = 0;
  g.cpu = 0;
  g.mem = 0;
  g.netin =
    g.netout =
    g.diskread =
    g.diskwrite =
      0;
}
