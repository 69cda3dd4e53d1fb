/**
 * Talking to the QEMU guest agent through PVE: find the guest (one
 * `/cluster/resources` read), learn its OS when a shell is wanted (cached per
 * VMID), start the command (`POST .../agent/exec`, never retried), then poll
 * `GET .../agent/exec-status` until it exits or the timeout passes.
 *
 * Polling: the first status request goes out at once (most diagnostic
 * commands have finished by the time it arrives, so they cost one poll), then
 * after 100 ms, growing by 1.5x to at most 1 s. A long command thus costs at
 * most about one request per second on PVE's protected daemon, and its result
 * arrives at most ~1 s late.
 *
 * @example
 * ```ts ignore
 * import { resolveGuest, startCommand, waitForExit } from "./agent.ts";
 * const guest = await resolveGuest(ctx.pve, "pve1", 100);
 * const pid = await startCommand(ctx.pve, guest, ["uptime"]);
 * const status = await waitForExit(ctx.pve, guest, pid, { timeoutMs: 30_000 });
 * ```
 *
 * @module
 */

import type { PveClient } from "../proxmox/client.ts";
import { PveError } from "../proxmox/errors.ts";
import { agentError, GuestError } from "./agent_errors.ts";
import {
  agentReplyError,
  asArray,
  asBool,
  asNumber,
  asObject,
  asString,
  asTags,
  guestVmid,
} from "../proxmox/lenient.ts";
import type { GuestOs } from "./shell_check.ts";

export { GuestError };

/** A running QEMU VM that commands can be sent to. */
export interface GuestTarget {
  node: string;
  vmid: number;
  name: string | null;
  tags: string[];
}

/** Finds the guest in `/cluster/resources` and checks it can take a command. */
export async function resolveGuest(pve: PveClient, node: string | undefined, vmid: number) {
  const rows = asArray(await pve.get("/cluster/resources", { type: "vm" }), "/cluster/resources");
  const row = rows.find((r) => guestVmid(r) === vmid);
  if (!row) {
    throw new GuestError(
      `VM ${vmid} does not exist in this cluster (or this API token cannot see it: it needs ` +
        "VM.Audit on the guest). get_vms lists the VMs.",
    );
  }
  const where = asString(row.node) ?? "?";
  if (row.type === "lxc") {
    throw new GuestError(
      `${vmid} is an LXC container, not a VM: PVE has no API to run commands inside ` +
        `containers (the guest agent exists only for QEMU VMs). On the node ${where}, an ` +
        `administrator can run 'pct exec ${vmid} -- COMMAND'.`,
    );
  }
  if (node !== undefined && where !== node) {
    throw new GuestError(
      `VM ${vmid} is on node ${where}, not ${node}: call again with node "${where}".`,
    );
  }
  if (asBool(row.template)) {
    throw new GuestError(
      `VM ${vmid} is a template; templates never run, so nothing can run in it.`,
    );
  }
  const status = asString(row.status) ?? "unknown";
  if (status === "stopped") {
    throw new GuestError(
      `VM ${vmid} is stopped: commands run through the guest agent inside a running VM. ` +
        "Start it first, then wait for the guest to boot.",
    );
  }
  if (status === "paused" || status === "suspended") {
    throw new GuestError(
      `VM ${vmid} is ${status}: its guest agent cannot answer. Resume the VM first.`,
    );
  }
  if (status !== "running") {
    throw new GuestError(
      `VM ${vmid} is in state "${status}"` +
        (status === "unknown" ? ` (node ${where} is probably offline)` : "") +
        ": its guest agent cannot be reached now.",
    );
  }
  return { node: where, vmid, name: asString(row.name) ?? null, tags: asTags(row.tags) };
}

// Per client (one per cluster: VMIDs repeat across clusters), then per VMID.
const osCache = new WeakMap<PveClient, Map<number, GuestOs>>();

/** The guest's OS family from `agent/get-osinfo` (cached per cluster and VMID for the process lifetime). */
export async function guestOs(pve: PveClient, guest: GuestTarget): Promise<GuestOs> {
  let cache = osCache.get(pve);
  if (!cache) osCache.set(pve, cache = new Map());
  const known = cache.get(guest.vmid);
  if (known) return known;
  let info: Record<string, unknown>;
  try {
    const data = asObject(
      await pve.get("/nodes/{node}/qemu/{vmid}/agent/get-osinfo", {
        node: guest.node,
        vmid: guest.vmid,
      }),
      "agent/get-osinfo",
    );
    // An agent that cannot answer says so inside a 200: {result: {error: {class, desc}}}.
    // Like an agent older than get-osinfo, it gets the Linux default below.
    info = agentReplyError(data) ? {} : asObject(data.result ?? {}, "agent/get-osinfo result");
  } catch (e) {
    // Agents older than get-osinfo (qemu-ga < 2.10) answer "Agent error: ...": assume Linux,
    // whose /bin/sh simply fails to start on Windows rather than doing anything else.
    const old = e instanceof PveError && /Agent error/i.test(e.message) &&
      !/not running|not configured/i.test(e.message);
    if (!old) throw await agentError(pve, guest, e);
    info = {};
  }
  const id = asString(info.id) ?? "";
  const os: GuestOs = id === "mswindows" || /windows/i.test(asString(info.name) ?? "")
    ? "windows"
    : "linux";
  cache.set(guest.vmid, os);
  return os;
}

/** Starts `argv` in the guest; returns the agent's pid. Never retried. */
export async function startCommand(
  pve: PveClient,
  guest: GuestTarget,
  argv: readonly string[],
  input?: string,
): Promise<number> {
  let data: Record<string, unknown>;
  try {
    data = asObject(
      await pve.post("/nodes/{node}/qemu/{vmid}/agent/exec", {
        node: guest.node,
        vmid: guest.vmid,
        command: argv,
        "input-data": input,
      }),
      "agent/exec",
    );
  } catch (e) {
    throw await agentError(pve, guest, e, argv[0]);
  }
  const pid = asNumber(data.pid);
  const refused = agentReplyError(data);
  if (refused) {
    throw new GuestError(
      `The guest agent of VM ${guest.vmid} refused to start the command (${refused}); ` +
        "nothing ran. The agent may be too old or have guest-exec disabled (qemu-ga --block-rpcs).",
    );
  }
  if (pid === undefined) {
    throw new PveError("bad-response", "PVE answered agent/exec without a pid");
  }
  return pid;
}

/** What `exec-status` reported at the end. */
export interface ExitStatus {
  exited: boolean;
  timed_out: boolean;
  cancelled: boolean;
  exitcode: number | null;
  signal: number | null;
  out: string;
  err: string;
  out_truncated: boolean;
  err_truncated: boolean;
  polls: number;
}

/** Polling options. */
export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called after each poll that found the command still running. */
  onPoll?: (elapsedMs: number) => void;
}

/** First poll at once, then 100 ms growing by 1.5x up to 1 s. */
export function pollDelay(poll: number): number {
  return poll === 0 ? 0 : Math.min(1000, Math.round(100 * 1.5 ** (poll - 1)));
}

/** Polls `exec-status` until the command exits, the timeout passes or `signal` aborts. */
export async function waitForExit(
  pve: PveClient,
  guest: GuestTarget,
  pid: number,
  opts: WaitOptions,
): Promise<ExitStatus> {
  const started = performance.now();
  const deadline = started + opts.timeoutMs;
  const base = { exitcode: null, signal: null, out: "", err: "" };
  const flags = { out_truncated: false, err_truncated: false };
  for (let polls = 0;; polls++) {
    const wait = Math.min(pollDelay(polls), Math.max(0, deadline - performance.now()));
    if (wait > 0) await sleep(wait, opts.signal);
    if (opts.signal?.aborted) {
      return { ...base, ...flags, exited: false, timed_out: false, cancelled: true, polls };
    }
    let s: Record<string, unknown>;
    try {
      s = asObject(
        await pve.get("/nodes/{node}/qemu/{vmid}/agent/exec-status", {
          node: guest.node,
          vmid: guest.vmid,
          pid,
        }),
        "agent/exec-status",
      );
    } catch (e) {
      throw await agentError(pve, guest, e, undefined, pid);
    }
    if (asBool(s.exited)) {
      return {
        exited: true,
        timed_out: false,
        cancelled: false,
        exitcode: asNumber(s.exitcode) ?? null,
        signal: asNumber(s.signal) ?? null,
        out: typeof s["out-data"] === "string" ? s["out-data"] : "",
        err: typeof s["err-data"] === "string" ? s["err-data"] : "",
        out_truncated: asBool(s["out-truncated"]),
        err_truncated: asBool(s["err-truncated"]),
        polls: polls + 1,
      };
    }
    const now = performance.now();
    if (now >= deadline) {
      return {
        ...base,
        ...flags,
        exited: false,
        timed_out: true,
        cancelled: false,
        polls: polls + 1,
      };
    }
    opts.onPoll?.(now - started);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
