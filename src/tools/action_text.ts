/**
 * The sentence every destructive tool's description ends with, kept short:
 * each tool definition is read by the model on every turn, and the rest of
 * what mutating tools share (vmid/node, protection, wait/timeout_s, dry_run,
 * confirm) is said once in the server instructions (src/mcp/instructions.ts).
 *
 * @example
 * ```ts
 * import { CONFIRM_NOTE } from "./action_text.ts";
 * console.log(CONFIRM_NOTE.includes("confirm: true")); // true
 * ```
 *
 * @module
 */

/** Behaviour common to destructive actions (the model must know which acts need the user). */
export const CONFIRM_NOTE = " Destructive: needs the user's agreement (asked, or confirm: true).";
