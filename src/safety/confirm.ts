/**
 * Confirmation of destructive actions. When the client can ask its user (MCP
 * form elicitation: `input_required` in 2026, `elicitation/create` in 2025),
 * the user is asked, whatever the model passed: `confirm: true` is the
 * model's word, not the user's. Otherwise the call must carry `confirm:
 * true`, which the tool description tells the model to set only after the
 * user agreed. Asking throws {@linkcode NeedsConfirmation} after every other
 * check passed, so nothing is sent before the answer (src/core/confirm_channel.ts).
 *
 * @example
 * ```ts
 * import { confirmAction } from "./confirm.ts";
 * const c = confirmAction({ destructive: true, required: true, dryRun: false,
 *   confirmArg: undefined, channel: undefined, tool: "guest_power",
 *   question: "Hard-stop VM 100 (web01) on pve1?", title: "Stop VM 100" });
 * console.log(c.check.verdict); // "fail": the client cannot ask and confirm is absent
 * ```
 *
 * @module
 */

import type { CheckResult } from "./policy.ts";
import { type ConfirmChannel, NeedsConfirmation } from "../core/confirm_channel.ts";

/** What {@link confirmAction} decides from. */
export interface ConfirmInput {
  destructive: boolean;
  /** `safety.confirm_destructive`. */
  required: boolean;
  dryRun: boolean;
  confirmArg: boolean | undefined;
  /** How this request can reach the user (absent: it cannot). */
  channel: ConfirmChannel | undefined;
  tool: string;
  /** The full question, naming guest, node and consequence. */
  question: string;
  /** A short title for the checkbox. */
  title: string;
}

/** The verdict and how it was reached (for the answer and the audit line). */
export interface ConfirmOutcome {
  check: CheckResult;
  how: string;
  /** Who confirmed, for the audit trail: the user, the model's argument, or nobody. */
  by: "user" | "model" | "config" | "none";
}

/**
 * Decides whether a destructive action may go ahead; throws {@linkcode NeedsConfirmation} when
 * the user can be asked and has not answered this very question yet.
 */
export function confirmAction(c: ConfirmInput): ConfirmOutcome {
  if (!c.destructive) {
    return { check: pass("not a destructive action"), how: "not needed", by: "none" };
  }
  if (!c.required) {
    return {
      check: pass("confirmation switched off (safety.confirm_destructive: false)"),
      how: "disabled by configuration",
      by: "config",
    };
  }
  const canAsk = c.channel !== undefined;
  if (c.dryRun) {
    const how = canAsk
      ? "would ask the user (elicitation)"
      : c.confirmArg === true
      ? "confirm argument given"
      : "would be refused without confirm: true";
    return { check: { check: "confirmation", verdict: "ask", detail: how }, how, by: "none" };
  }
  if (c.channel?.kind === "answer" && c.channel.answer.question === c.question) {
    const answer = c.channel.answer;
    if (answer.confirmed) {
      return { check: pass("the user confirmed"), how: "asked the user (accepted)", by: "user" };
    }
    const said = answer.action === "accept" ? "did not tick confirm" : `answered ${answer.action}`;
    return {
      check: fail(`the user ${said} when asked "${c.question}": nothing was done.`),
      how: `asked the user (${answer.action === "accept" ? "not confirmed" : answer.action})`,
      by: "none",
    };
  }
  // The client can ask, and has no answer to this question (or the guest changed since).
  if (canAsk) throw new NeedsConfirmation(c.question, c.title);
  if (c.confirmArg === true) {
    return { check: pass("confirm: true given"), how: "confirm argument", by: "model" };
  }
  return {
    check: fail(
      `${c.tool} needs the user's confirmation for this destructive action: ${c.question} ` +
        "This client cannot ask the user itself (no MCP elicitation): ask them, and if they " +
        `agree call ${c.tool} again with the same arguments plus confirm: true. Nothing was done.`,
    ),
    how: "refused: confirm: true missing",
    by: "none",
  };
}

function pass(detail: string): CheckResult {
  return { check: "confirmation", verdict: "pass", detail };
}

function fail(detail: string): CheckResult {
  return { check: "confirmation", verdict: "fail", detail };
}
