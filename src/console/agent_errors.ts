/**
 * PVE's guest agent errors turned into messages that say what is wrong and
 * what to do: agent not configured, disabled, not running in the guest, VM
 * stopped, program missing, exec blocked by the agent, result already read.
 *
 * @example
 * ```ts
 * import { agentEnabled } from "./agent_errors.ts";
 * console.log(agentEnabled("enabled=1,fstrim_cloned_disks=1"), agentEnabled("0")); // true false
 * ```
 *
 * @module
 */

import type { PveClient } from "../proxmox/client.ts";
import { PveError } from "../proxmox/errors.ts";

/** A refusal or failure that is not a policy decision (wrong target, agent problems). */
export class GuestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GuestError";
  }
}

/** The guest a failed agent call was about. */
interface Target {
  node: string;
  vmid: number;
}

/** Whether a VM config's `agent` value (`1`, `enabled=1,...`, `0`, `type=virtio`) enables it. */
export function agentEnabled(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  const parts = String(value).split(",").map((p) => p.trim());
  for (const p of parts) {
    if (!p.includes("=")) return p === "1";
    const [k, v] = p.split("=", 2);
    if (k === "enabled") return v === "1";
  }
  return false;
}

const ENABLE_HINT = (vmid: number) =>
  `Enable it with 'qm set ${vmid} --agent 1' on the node (or VM > Options > QEMU Guest Agent), ` +
  "install and start qemu-guest-agent inside the guest (Linux: 'apt install qemu-guest-agent' " +
  "or 'dnf install qemu-guest-agent', then 'systemctl enable --now qemu-guest-agent'; Windows: " +
  "the virtio-win guest tools), then power the VM off and on again: the agent device is only " +
  "added at VM start.";

/** Turns PVE's agent errors into messages that say what is wrong and what to do. */
export async function agentError(
  pve: PveClient,
  guest: Target,
  e: unknown,
  program?: string,
  pid?: number,
): Promise<Error> {
  if (!(e instanceof PveError) || e.status !== 500) return e as Error;
  const msg = e.message;
  const vmid = guest.vmid;
  if (/No QEMU guest agent configured/i.test(msg)) {
    return new GuestError(
      `The QEMU guest agent is not enabled for VM ${vmid}. ${ENABLE_HINT(vmid)}`,
    );
  }
  if (/QEMU guest agent is not running/i.test(msg)) {
    const config = await pve.get("/nodes/{node}/qemu/{vmid}/config", {
      node: guest.node,
      vmid,
    }).catch(() => undefined) as Record<string, unknown> | undefined;
    if (config && !agentEnabled(config.agent)) {
      return new GuestError(
        `The QEMU guest agent is disabled in VM ${vmid}'s config (agent: ${
          String(config.agent)
        }). ${ENABLE_HINT(vmid)}`,
      );
    }
    return new GuestError(
      `The QEMU guest agent is enabled for VM ${vmid} but not running inside the guest ` +
        "(PVE: QEMU guest agent is not running). Install or start qemu-guest-agent in the " +
        "guest ('systemctl enable --now qemu-guest-agent'; Windows: the 'QEMU Guest Agent' " +
        "service), or wait if the guest is still booting.",
    );
  }
  if (/VM \d+ (is )?not running/i.test(msg)) {
    return new GuestError(`VM ${vmid} is not running (it stopped meanwhile). Start it first.`);
  }
  if (pid !== undefined && /Invalid parameter 'pid'/i.test(msg)) {
    return new GuestError(
      `The guest agent no longer knows process ${pid}: it forgets a command once its final ` +
        "status has been read (or the agent restarted), so the result is lost. The command did " +
        "run; run it again if you need its output.",
    );
  }
  if (/disabled|not allowed|blocked/i.test(msg) && /Agent error/i.test(msg)) {
    return new GuestError(
      `The guest agent in VM ${vmid} refuses this command (${reasonOf(msg)}): its exec support ` +
        "is disabled in the agent's own configuration (qemu-ga --block-rpcs / allow-rpcs).",
    );
  }
  if (/Agent error/i.test(msg)) {
    const notFound = /No such file|not found|cannot find/i.test(msg);
    return new GuestError(
      `The guest agent could not run ${program ?? "the command"} in VM ${vmid}: ${reasonOf(msg)}.` +
        (notFound
          ? " The program does not exist in the guest (check the name, or give its full path)."
          : ""),
    );
  }
  return e;
}

function reasonOf(msg: string): string {
  const m = /Agent error: (.*?)(\.?\s*)$/s.exec(msg);
  return (m ? m[1] : msg).trim();
}
