/**
 * Human text for a command run in a guest: one line saying what ran and how
 * it ended, then stdout and stderr as the guest wrote them (already capped).
 *
 * @example
 * ```ts
 * import { formatCommandResult } from "./console.ts";
 * console.log(formatCommandResult({
 *   vmid: 100, name: "web01", node: "pve1", argv: ["uptime"], shell: false, pid: 7,
 *   exited: true, timed_out: false, cancelled: false, exitcode: 0, signal: null,
 *   stdout: " 10:00 up 3 days\n", stderr: "", stdout_bytes: 17, stderr_bytes: 0,
 *   duration_ms: 40, notes: [],
 * }).split("\n")[0]); // "VM 100 (web01) on pve1: uptime exited with code 0 in 40 ms."
 * ```
 *
 * @module
 */

import { joinShellWords } from "../console/shellwords.ts";
import { formatBytes } from "./units.ts";

/** The fields the text needs. */
export interface CommandResultView {
  vmid: number;
  name: string | null;
  node: string;
  argv: string[];
  shell: boolean;
  pid: number;
  exited: boolean;
  timed_out: boolean;
  cancelled: boolean;
  exitcode: number | null;
  signal: number | null;
  stdout: string;
  stderr: string;
  stdout_bytes: number;
  stderr_bytes: number;
  duration_ms: number;
  notes: string[];
}

function ms(n: number): string {
  return n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(1)} s`;
}

/** The summary line plus the output streams. */
export function formatCommandResult(r: CommandResultView): string {
  const who = `VM ${r.vmid}${r.name ? ` (${r.name})` : ""} on ${r.node}`;
  const what = r.shell ? `shell script ${JSON.stringify(r.argv.at(-1))}` : joinShellWords(r.argv);
  let head: string;
  if (r.exited) {
    const how = r.exitcode !== null
      ? `exited with code ${r.exitcode}`
      : r.signal !== null
      ? `was killed by signal ${r.signal}`
      : "ended";
    head = `${who}: ${what} ${how} in ${ms(r.duration_ms)}.`;
  } else {
    const why = r.cancelled ? "the call was cancelled" : `timed out after ${ms(r.duration_ms)}`;
    head = `${who}: ${what} is still running (${why}). PVE has no API to stop a process ` +
      `started through the guest agent: it keeps running in the guest as pid ${r.pid}, and its ` +
      "output is only available once it exits.";
  }
  const lines = [head];
  for (const n of r.notes) lines.push(`Note: ${n}.`);
  if (r.exited) {
    lines.push(`--- stdout (${formatBytes(r.stdout_bytes)}) ---`);
    lines.push(r.stdout === "" ? "(empty)" : r.stdout.replace(/\n$/, ""));
    if (r.stderr_bytes > 0 || r.stderr !== "") {
      lines.push(`--- stderr (${formatBytes(r.stderr_bytes)}) ---`);
      lines.push(r.stderr.replace(/\n$/, ""));
    }
  }
  return lines.join("\n");
}
