/**
 * The sentences every mutating tool's description shares, kept short: each
 * tool definition is read by the model on every turn. The long form lives once
 * in the server instructions (src/mcp/server.ts).
 *
 * @example
 * ```ts
 * import { ACTION_NOTE } from "./action_text.ts";
 * console.log(ACTION_NOTE.length < 200); // true
 * ```
 *
 * @module
 */

/** Behaviour common to guest actions. */
export const ACTION_NOTE = " Takes vmid (node optional). Protected and locked guests are " +
  "refused. Waits for the PVE task (wait, timeout_s); dry_run: true shows the plan only.";

/** Behaviour common to destructive actions. */
export const CONFIRM_NOTE = " Destructive: the user must confirm (asked via elicitation; " +
  "otherwise pass confirm: true only after the user agreed).";
