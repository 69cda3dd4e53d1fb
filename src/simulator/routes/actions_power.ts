/**
 * Power actions of VMs and containers, with PVE's state rules: QEMU checks
 * most states inside the worker (start of a running VM is a task that fails
 * `VM 101 already running`; stop/shutdown of a stopped VM a task that ends
 * OK), but refuses reset/reboot/suspend/resume of a stopped VM at once (500
 * `VM 101 not running`) and shutdown of a paused one. Containers refuse wrong
 * states at once (`CT 200 already running` / `CT 200 not running`). Locks are
 * checked by the worker (`VM is locked (backup)`).
 *
 * @module
 */

import { boolParam } from "../params.ts";
import { guestAt, PveError, type RouteContext, type RouteTable } from "../routing.ts";
import { markRunning, markStopped, startGuestTask } from "../actions.ts";
import type { GuestModel } from "../state.ts";

const notRunning = (g: GuestModel) =>
  new PveError(500, `${g.type === "qemu" ? "VM" : "CT"} ${g.vmid} not running`);

function qemu(ctx: RouteContext, action: string): string {
  const g = guestAt(ctx, "qemu");
  const up = g.status !== "stopped";
  const type = `qm${action}`;
  switch (action) {
    case "start":
      return startGuestTask(ctx, g, {
        type,
        allowLocks: ["suspended"],
        fail: g.template
          ? "you can't start a vm if it's a template"
          : up
          ? `VM ${g.vmid} already running`
          : undefined,
        apply: () => markRunning(g),
      });
    case "stop":
      return startGuestTask(ctx, g, { type, apply: () => markStopped(g) });
    case "shutdown":
      if (g.status === "paused" && !boolParam(ctx.params.forceStop)) {
        throw new PveError(500, "VM is paused - cannot shutdown");
      }
      return startGuestTask(ctx, g, { type, apply: () => markStopped(g) });
    case "reboot":
    case "reset":
      if (!up) throw notRunning(g);
      return startGuestTask(ctx, g, { type, apply: () => markRunning(g) });
    case "suspend":
      if (!up) throw notRunning(g);
      return startGuestTask(ctx, g, { type, apply: () => (g.status = "paused") });
    case "resume":
      if (!up) throw notRunning(g);
      return startGuestTask(ctx, g, { type, apply: () => (g.status = "running") });
  }
  throw new PveError(501, `Method 'POST ${action}' not implemented`);
}

function lxc(ctx: RouteContext, action: string): string {
  const g = guestAt(ctx, "lxc");
  const up = g.status !== "stopped";
  const type = `vz${action}`;
  if (action === "start") {
    if (up) throw new PveError(500, `CT ${g.vmid} already running`);
    if (g.template) throw new PveError(500, "you can't start a CT if it's a template");
    return startGuestTask(ctx, g, { type, apply: () => markRunning(g) });
  }
  if (!up) throw notRunning(g);
  switch (action) {
    case "stop":
    case "shutdown":
      return startGuestTask(ctx, g, { type, apply: () => markStopped(g) });
    case "reboot":
      return startGuestTask(ctx, g, { type, apply: () => markRunning(g) });
    default: // suspend / resume: a frozen container still lists as running
      return startGuestTask(ctx, g, { type });
  }
}

const ACTIONS = ["start", "stop", "shutdown", "reboot", "reset", "suspend", "resume"];

/** Routes of this family. */
export const POWER_ROUTES: RouteTable = Object.fromEntries([
  ...ACTIONS.map((a) => [
    `POST /nodes/{node}/qemu/{vmid}/status/${a}`,
    (ctx: RouteContext) => qemu(ctx, a),
  ]),
  ...ACTIONS.filter((a) => a !== "reset").map((a) => [
    `POST /nodes/{node}/lxc/{vmid}/status/${a}`,
    (ctx: RouteContext) => lxc(ctx, a),
  ]),
]);
