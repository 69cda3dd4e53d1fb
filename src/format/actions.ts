/**
 * Human text for the answers of mutating tools: the outcome first, then the
 * UPID, the last log lines and, for a dry run, the checks and the plan.
 *
 * @example
 * ```ts
 * import { formatAction } from "./actions.ts";
 * console.log(formatAction({
 *   result: "unchanged", message: "VM 100 (web01) is already running; nothing was sent.",
 *   upid: null, log: [], plan: [], checks: [],
 * })); // "VM 100 (web01) is already running; nothing was sent."
 * ```
 *
 * @module
 */

interface ActionView {
  result: string;
  message: string;
  upid: string | null;
  log: string[];
  plan: Array<{ method: string; path: string; params: Record<string, unknown> }>;
  checks: Array<{ check: string; verdict: string; detail: string }>;
  safety_snapshot?: { name: string; upid: string | null; rollback: string } | null;
}

/** The message, then details that help the next step. */
export function formatAction(r: ActionView): string {
  const lines = [r.message];
  if (r.result === "dry-run") {
    for (const c of r.checks) lines.push(`- check ${c.check}: ${c.verdict} (${c.detail})`);
    for (const p of r.plan) {
      const params = Object.entries(p.params).map(([k, v]) => `${k}=${String(v)}`).join(" ");
      lines.push(`- would send ${p.method} ${p.path}${params ? ` ${params}` : ""}`);
    }
  }
  if (r.upid && !r.message.includes(r.upid)) lines.push(`Task: ${r.upid}`);
  const safe = r.safety_snapshot;
  if (safe && r.result !== "dry-run") {
    lines.push(`Safety snapshot ${safe.name} was taken first. To undo: ${safe.rollback}.`);
  } else if (safe) lines.push(`A safety snapshot ${safe.name} would be taken first.`);
  if (r.log.length) lines.push("Last log lines:", ...r.log.map((l) => `  ${l}`));
  return lines.join("\n");
}
