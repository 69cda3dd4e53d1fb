/**
 * The sentences every mutating tool's description shares, kept short: each
 * tool definition is read by the model on every turn. The long form lives once
 * in the server instructions (src/mcp/instructions.ts): vmid/node, protection,
 * wait/timeout_s, dry_run and confirm are explained there, so a guest action's
 * own description adds nothing but the destructive warning.
 *
 * @example
 * ```ts
 * import { ACTION_NOTE } from "./action_text.ts";
 * console.log(ACTION_NOTE.length < 200); // true
 * ```
 *
 * @module
 */

/** Behaviour common to guest actions: all said by the server instructions. */
export const ACTION_NOTE = "";

/** Behaviour common to destructive actions (the model must know which acts need the user). */
export const CONFIRM_NOTE = " Destructive: needs the user's agreement (asked, or confirm: true).";
