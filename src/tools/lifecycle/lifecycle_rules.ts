/**
 * What each power action means in each guest state, as PVE decides it: the
 * already-done cases answered without a request, the states PVE refuses
 * named before anything is sent, and the one call to make otherwise. Pure:
 * guest in, plan out.
 *
 * @example
 * ```ts
 * import { powerDraft } from "./lifecycle_rules.ts";
 * const g = { vmid: 100, node: "pve1", type: "qemu" as const, name: "web01", status: "running",
 *   lock: null, tags: [], template: false };
 * console.log(powerDraft("start", g, {}).unchanged); // "VM 100 (web01) is already running"
 * ```
 *
 * @module
 */

import type { PlanDraft } from "../../safety/action.ts";
import { guestLabel, type GuestTarget } from "../../safety/target.ts";

/** The power actions PVE offers. */
export type PowerAction = "start" | "stop" | "shutdown" | "reboot" | "reset" | "suspend" | "resume";

/** Options some actions take. */
export interface PowerOptions {
  /** shutdown: seconds PVE waits for the guest before giving up (or force-stopping). */
  shutdownTimeout?: number;
  /** shutdown: hard-stop the guest if it has not shut down in time. */
  forceStop?: boolean;
}

/** Whether a QEMU VM is paused (needs `qmpstatus` when the listing only says running). */
export function isPaused(g: GuestTarget, qmpstatus?: string): boolean {
  return g.status === "paused" || qmpstatus === "paused" || qmpstatus === "suspended";
}

/** Builds the plan of one power action for a guest in its current state. */
export function powerDraft(
  action: PowerAction,
  g: GuestTarget,
  opts: PowerOptions,
  qmpstatus?: string,
): PlanDraft {
  const label = guestLabel(g);
  const vm = g.type === "qemu";
  const paused = vm && isPaused(g, qmpstatus);
  const stopped = g.status === "stopped";
  const params: Record<string, string | number | boolean | undefined> = {
    node: g.node,
    vmid: g.vmid,
  };
  const draft: PlanDraft = {
    verb: action,
    destructive: false,
    calls: [{
      method: "POST",
      template: `/nodes/{node}/${g.type}/{vmid}/status/${action}`,
      params,
    }],
    expect: `${label} running`,
  };
  const notRunning = `${label} is not running, so there is nothing to ${action}: ` +
    "start it (action start).";
  const pausedNoShutdown = `${label} is paused: PVE refuses to shut down a paused VM. ` +
    "Resume it first (action resume), or stop it hard (action stop, or force_stop: true).";
  switch (action) {
    case "start":
      draft.allowLocks = ["suspended"]; // starting a hibernated VM resumes it
      if (g.status === "running") draft.unchanged = `${label} is already running`;
      else if (paused) draft.refuse = `${label} is paused, not stopped: resume it (action resume).`;
      else if (g.template) {
        draft.refuse = `${label} is a template: templates cannot be started. Clone it into a ` +
          "new guest and start that.";
      }
      break;
    case "stop":
      draft.destructive = true;
      draft.expect = `${label} stopped`;
      draft.question = `Hard-stop ${label} on ${g.node}? This is like pulling the power plug: ` +
        "the guest OS does not shut down and unsaved data in it is lost.";
      if (stopped) draft.unchanged = `${label} is already stopped`;
      break;
    case "shutdown":
      draft.destructive = opts.forceStop === true;
      draft.expect = `${label} stopped`;
      params.timeout = opts.shutdownTimeout;
      params.forceStop = opts.forceStop ? true : undefined;
      draft.question = `Shut down ${label} on ${g.node}, and hard-stop it if it has not shut ` +
        `down after ${opts.shutdownTimeout ?? (vm ? 180 : 60)} s (force_stop)?`;
      if (stopped) draft.unchanged = `${label} is already stopped`;
      else if (paused && !opts.forceStop) draft.refuse = pausedNoShutdown;
      break;
    case "reboot":
      if (stopped) draft.refuse = notRunning;
      else if (paused) draft.refuse = pausedNoShutdown.replace("shut down", "reboot");
      break;
    case "reset":
      draft.destructive = true;
      if (!vm) {
        draft.refuse = `${label} is a container: PVE has no reset for containers. Use action ` +
          "reboot (clean), or stop then start.";
        draft.calls = []; // no such endpoint: a dry run must not look its privileges up
      }
      draft.question = `Reset ${label} on ${g.node}? Like pressing the reset button: the guest ` +
        "restarts at once without shutting down, and unsaved data in it is lost.";
      if (stopped && vm) draft.refuse = notRunning;
      break;
    case "suspend":
      draft.expect = vm ? `${label} paused` : `${label} frozen`;
      if (stopped) draft.refuse = notRunning;
      else if (paused || g.status === "paused") draft.unchanged = `${label} is already paused`;
      break;
    case "resume":
      draft.allowLocks = ["suspended"];
      if (stopped) {
        draft.refuse = `${label} is not running, so there is nothing to resume: start it ` +
          `(action start)${g.lock === "suspended" ? "; it is hibernated: start resumes it" : ""}.`;
      } else if (vm && !paused) draft.unchanged = `${label} is already running (not paused)`;
      break;
  }
  return draft;
}
