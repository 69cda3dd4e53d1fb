/**
 * Confirmation of destructive actions. When the client can ask its user (MCP
 * form elicitation), the user is asked, whatever the model passed: `confirm:
 * true` is the model's word, not the user's. Otherwise the call must carry
 * `confirm: true`, which the tool description tells the model to set only
 * after the user agreed.
 *
 * @example
 * ```ts ignore
 * import { confirmAction } from "./confirm.ts";
 * const c = await confirmAction({ destructive: true, required: true, dryRun: false,
 *   confirmArg: undefined, ask: extra.elicitConfirm, tool: "stop_vm",
 *   question: "Hard-stop VM 100 (web01) on pve1?", title: "Stop VM 100" });
 * console.log(c.check.verdict); // "fail" when the client cannot ask and confirm is absent
 * ```
 *
 * @module
 */

import type { CheckResult } from "./policy.ts";
import type { ElicitAnswer } from "./client.ts";

/** What {@link confirmAction} decides from. */
export interface ConfirmInput {
  destructive: boolean;
  /** `safety.confirm_destructive`. */
  required: boolean;
  dryRun: boolean;
  confirmArg: boolean | undefined;
  ask?: (message: string, title: string) => Promise<ElicitAnswer>;
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
}

/** Decides whether a destructive action may go ahead; asks the user when the client can. */
export async function confirmAction(c: ConfirmInput): Promise<ConfirmOutcome> {
  if (!c.destructive) {
    return { check: pass("not a destructive action"), how: "not needed" };
  }
  if (!c.required) {
    return {
      check: pass("confirmation switched off (safety.confirm_destructive: false)"),
      how: "disabled by configuration",
    };
  }
  if (c.dryRun) {
    const how = c.ask
      ? "would ask the user (elicitation)"
      : c.confirmArg === true
      ? "confirm argument given"
      : "would be refused without confirm: true";
    return { check: { check: "confirmation", verdict: "ask", detail: how }, how };
  }
  if (c.ask) {
    let answer: ElicitAnswer;
    try {
      answer = await c.ask(c.question, c.title);
    } catch (e) {
      return {
        check: fail(
          `could not ask the user for confirmation (${(e as Error).message}); nothing was done.`,
        ),
        how: "elicitation failed",
      };
    }
    if (answer.confirmed) {
      return { check: pass("the user confirmed"), how: "asked the user (accepted)" };
    }
    const said = answer.action === "accept" ? "did not tick confirm" : `answered ${answer.action}`;
    return {
      check: fail(`the user ${said} when asked "${c.question}": nothing was done.`),
      how: `asked the user (${answer.action === "accept" ? "not confirmed" : answer.action})`,
    };
  }
  if (c.confirmArg === true) return { check: pass("confirm: true given"), how: "confirm argument" };
  return {
    check: fail(
      `${c.tool} needs the user's confirmation for this destructive action: ${c.question} ` +
        "This client cannot ask the user itself (no MCP elicitation): ask them, and if they " +
        `agree call ${c.tool} again with the same arguments plus confirm: true. Nothing was done.`,
    ),
    how: "refused: confirm: true missing",
  };
}

function pass(detail: string): CheckResult {
  return { check: "confirmation", verdict: "pass", detail };
}

function fail(detail: string): CheckResult {
  return { check: "confirmation", verdict: "fail", detail };
}
