/**
 * QEMU guest agent endpoints as PVE implements them (PVE/QemuServer/Agent.pm):
 * every call first asserts the agent is available — `No QEMU guest agent
 * configured` (no `agent` key in the config), `VM N is not running`, `QEMU
 * guest agent is not running` — then talks to the agent. `exec` answers
 * `{pid}`; `exec-status` answers `{exited: 0}` while the process runs, then
 * once `{exited: 1, exitcode, out-data, err-data, out-truncated,
 * err-truncated}` (decoded text; booleans as 0/1; absent when empty), after
 * which the agent forgets the pid (`Agent error: Invalid parameter 'pid'`).
 * Agent failures read `Agent error: <qemu-ga's description>`.
 *
 * @module
 */

import { guestAt, PveError, type RouteContext, type RouteTable } from "../routing.ts";
import type { ClusterState, GuestModel } from "../state.ts";
import { type ProgramResult, runLinux, SpawnError } from "./agent_programs.ts";
import { LINUX_OSINFO, runWindows, WINDOWS_OSINFO } from "./agent_windows.ts";

/** qemu-ga keeps at most this much of each stream (GUEST_EXEC_MAX_OUTPUT). */
export const AGENT_MAX_OUTPUT = 16 * 1024 * 1024;

interface Proc {
  started: number;
  result: ProgramResult;
}

interface AgentState {
  nextPid: number;
  procs: Map<number, Proc>;
}

// Per cluster and VM, without adding fields to the shared model.
const agents = new WeakMap<ClusterState, Map<number, AgentState>>();

function agentOf(state: ClusterState, vmid: number): AgentState {
  let byVm = agents.get(state);
  if (!byVm) agents.set(state, byVm = new Map());
  let a = byVm.get(vmid);
  if (!a) byVm.set(vmid, a = { nextPid: 1000 + (vmid % 97) * 10, procs: new Map() });
  return a;
}

// `agent: 1`, `enabled=1,fstrim_cloned_disks=1`; `0` or `type=virtio` alone leave it off.
function configEnabled(value: string | number | undefined): boolean {
  for (const part of String(value ?? "").split(",")) {
    if (!part.includes("=")) return part.trim() === "1";
    const [k, v] = part.split("=");
    if (k.trim() === "enabled") return v.trim() === "1";
  }
  return false;
}

/** assert_agent_available: the same checks, in the same order, with PVE's words. */
function availableAgent(ctx: RouteContext): GuestModel {
  const g = guestAt(ctx, "qemu");
  if (g.config.agent === undefined) throw new PveError(500, "No QEMU guest agent configured");
  if (g.status === "stopped") throw new PveError(500, `VM ${g.vmid} is not running`);
  // No agent device (disabled in config), agent not started, or a paused VM: guest-ping fails.
  const answers = configEnabled(g.config.agent) && g.agent?.running === true &&
    g.status === "running";
  if (!answers) throw new PveError(500, "QEMU guest agent is not running");
  return g;
}

function commandOf(ctx: RouteContext): string[] {
  const c = ctx.params.command;
  // pve-http-server wraps a scalar sent for an array parameter into an array.
  return c === undefined ? [] : Array.isArray(c) ? c.map(String) : [String(c)];
}

function exec(ctx: RouteContext) {
  const g = availableAgent(ctx);
  const argv = commandOf(ctx);
  const input = ctx.params["input-data"] as string | undefined;
  if (argv.length === 0 && input === undefined) {
    throw new PveError(500, "command or input-data (or both) required");
  }
  let result: ProgramResult;
  try {
    result = g.agent?.os === "windows"
      ? runWindows(g, argv, input ?? "")
      : runLinux(g, argv, input ?? "");
  } catch (e) {
    if (e instanceof SpawnError) throw new PveError(500, `Agent error: ${e.message}`);
    throw e;
  }
  const agent = agentOf(ctx.state, g.vmid);
  const pid = agent.nextPid++;
  agent.procs.set(pid, { started: performance.now(), result });
  return { pid };
}

function capped(text: string): { data: string; truncated: boolean } {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= AGENT_MAX_OUTPUT) return { data: text, truncated: false };
  return { data: new TextDecoder().decode(bytes.subarray(0, AGENT_MAX_OUTPUT)), truncated: true };
}

function execStatus(ctx: RouteContext) {
  const g = availableAgent(ctx);
  const pid = Number(ctx.params.pid);
  const agent = agentOf(ctx.state, g.vmid);
  const proc = agent.procs.get(pid);
  if (!proc) throw new PveError(500, "Agent error: Invalid parameter 'pid'");
  if (performance.now() - proc.started < proc.result.durationMs) return { exited: 0 };
  agent.procs.delete(pid); // qemu-ga drops a process once its final status was read
  const out = capped(proc.result.out);
  const err = capped(proc.result.err);
  const res: Record<string, unknown> = { exited: 1, exitcode: proc.result.exitcode };
  if (out.data !== "") res["out-data"] = out.data;
  if (err.data !== "") res["err-data"] = err.data;
  if (out.truncated) res["out-truncated"] = 1;
  if (err.truncated) res["err-truncated"] = 1;
  return res;
}

function osInfo(ctx: RouteContext) {
  const g = availableAgent(ctx);
  return { result: g.agent?.os === "windows" ? WINDOWS_OSINFO : LINUX_OSINFO };
}

/** Routes of this family. */
export const AGENT_ROUTES: RouteTable = {
  "POST /nodes/{node}/qemu/{vmid}/agent/exec": exec,
  "GET /nodes/{node}/qemu/{vmid}/agent/exec-status": execStatus,
  "GET /nodes/{node}/qemu/{vmid}/agent/get-osinfo": osInfo,
};
