/**
 * What a plan says beyond the tool's own checks: the token's privileges for
 * EACH planned PVE call (the schema's check against `/access/permissions`),
 * the config digest the change is pinned to, secrets masked in the shown
 * parameters, and one sentence of what would happen ("VM 101 (web02) on
 * pve1 goes from running to stopped; 3d 1h 2m of uptime ends").
 *
 * Used by every action (src/safety/action.ts): a call the token may not make
 * is refused before the user is asked to confirm anything.
 *
 * @example
 * ```ts
 * import { maskSecrets, outcomeText } from "./dry_run.ts";
 * const g = { vmid: 101, node: "pve1", type: "qemu" as const, name: "web02", status: "running",
 *   lock: null, tags: [], template: false, uptime: 7_500 };
 * console.log(outcomeText(g, { verb: "stop", expect: "VM 101 (web02) stopped" }));
 * // "VM 101 (web02) on pve1 goes from running to stopped; 2h 5m of uptime ends."
 * console.log(maskSecrets({ cipassword: "x", cores: 2 })); // { cipassword: "***", cores: 2 }
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import { endpoint } from "../proxmox/endpoints.ts";
import { buildPath } from "../proxmox/client.ts";
import { grantHint, type PermissionSnapshot } from "./permissions.ts";
import { RECHECK_AFTER_MS } from "./permission_watch.ts";
import type { CheckResult } from "./policy.ts";
import { guestLabel, type GuestTarget } from "./target.ts";
import { formatDuration } from "../format/units.ts";

/** A planned call as the pipeline holds it. */
export interface CallPlan {
  method: "POST" | "PUT" | "DELETE";
  template: string;
  params: Record<string, unknown>;
}

const SECRET_KEY = /pass(word)?|secret|token|private/i;

/** The parameters to show: values of secret-looking keys replaced by `***`. */
export function maskSecrets(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== undefined ? "***" : v]),
  );
}

/**
 * One check per planned call: does the token hold what the schema asks for it? Loads the
 * permission snapshot first when a dry run finds none yet. `skip` when nothing is known.
 */
export async function privilegeChecks(
  ctx: ToolContext,
  calls: readonly CallPlan[],
  dryRun: boolean,
): Promise<CheckResult[]> {
  const watch = ctx.permissions;
  if (watch && !watch.snapshot && dryRun) await watch.ensureFresh();
  const results = evaluate(ctx, calls, watch?.snapshot);
  // Before refusing a real call, make sure the refusal is not from an old snapshot.
  if (
    !dryRun && watch && watch.ageMs >= RECHECK_AFTER_MS && results.some((r) => r.verdict === "fail")
  ) {
    await watch.ensureFresh(0);
    return evaluate(ctx, calls, watch.snapshot);
  }
  return results;
}

function evaluate(
  ctx: ToolContext,
  calls: readonly CallPlan[],
  snap: PermissionSnapshot | undefined,
): CheckResult[] {
  return calls.map((c) => {
    const label = `${c.method} ${buildPath(c.template, c.params as never).path}`;
    const check = `privileges for ${label}`;
    const rule = endpoint(c.method, c.template).permissions?.check;
    if (!rule) return { check, verdict: "pass", detail: "no privilege check in the PVE schema" };
    if (!snap) {
      return { check, verdict: "skip", detail: "the token's privileges are not known yet" };
    }
    const missing = snap.missing(rule, c.params);
    if (!missing) return { check, verdict: "pass", detail: "the token holds what PVE checks" };
    const what = missing.privileges.join(missing.any ? " or " : " and ");
    return {
      check,
      verdict: "fail",
      detail: `the API token ${ctx.pve.tokenId} lacks ${what} on ${missing.path}; PVE would ` +
        `refuse ${label}. Grant it: ${grantHint(ctx.pve.tokenId, missing)}`,
    };
  });
}

/** The config digest a change is pinned to, when a planned call carries one. */
export function digestChecks(calls: readonly CallPlan[]): CheckResult[] {
  return calls.filter((c) => typeof c.params.digest === "string").map((c) => ({
    check: "config digest",
    verdict: "pass",
    detail: `config read now has digest ${String(c.params.digest).slice(0, 12)}…; the change ` +
      "is sent with it, so PVE refuses it if the config changes before it is applied",
  }));
}

const STATES = new Set(["running", "stopped", "paused", "frozen", "suspended"]);

/** One sentence: what the action would do to the guest. */
export function outcomeText(
  g: GuestTarget,
  draft: { verb: string; expect: string; unchanged?: string },
): string {
  if (draft.unchanged) return `${draft.unchanged}: nothing would change.`;
  const label = guestLabel(g);
  const where = `${label} on ${g.node}`;
  const rest = draft.expect.startsWith(label + " ") ? draft.expect.slice(label.length + 1) : "";
  const after = STATES.has(rest) ? rest : undefined;
  const up = g.uptime && g.status === "running" ? formatDuration(g.uptime) : undefined;
  if (draft.verb === "reboot" || draft.verb === "reset") {
    return `${where} restarts (${draft.verb})` + (up ? `; ${up} of uptime ends.` : ".");
  }
  if (after && after !== g.status) {
    const ends = up && after === "stopped" ? `; ${up} of uptime ends` : "";
    return `${where} goes from ${g.status} to ${after}${ends}.`;
  }
  return `${draft.verb} ${where} (now ${g.status}); afterwards: ${draft.expect}.`;
}
