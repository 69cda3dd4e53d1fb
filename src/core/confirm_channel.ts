/**
 * How a destructive action gets the user's confirmation on one request,
 * whatever the protocol era: the MCP layer (src/mcp/confirmation.ts) fills
 * it in, the safety pipeline (src/safety/confirm.ts) reads it.
 *
 * - `ask`: the client can ask its user (MCP form elicitation). The pipeline
 *   runs every check first, then throws {@linkcode NeedsConfirmation}; the
 *   MCP layer turns that into `input_required` (2026) or an
 *   `elicitation/create` request (2025), and the call comes back with
 * - `answer`: the user's answer to exactly the question named in it. A
 *   pipeline that now asks a different question (the guest changed) asks
 *   again instead of using it.
 * - absent: nobody can be asked; the call must carry `confirm: true`.
 *
 * @example
 * ```ts
 * import { NeedsConfirmation } from "./confirm_channel.ts";
 * const e = new NeedsConfirmation("Hard-stop VM 100 (web01) on pve1?", "Stop VM 100");
 * console.log(e.question); // "Hard-stop VM 100 (web01) on pve1?"
 * ```
 *
 * @module
 */

/** The user's answer to a yes/no question. */
export interface ConfirmAnswer {
  action: "accept" | "decline" | "cancel";
  /** True only when the user accepted and ticked "confirm". */
  confirmed: boolean;
  /** The question the user answered. */
  question: string;
}

/** See the module doc. */
export type ConfirmChannel =
  | { kind: "ask" }
  | { kind: "answer"; answer: ConfirmAnswer };

/** Thrown by the pipeline when the user must be asked before anything is sent. */
export class NeedsConfirmation extends Error {
  constructor(readonly question: string, readonly title: string) {
    super(`the user must confirm: ${question}`);
    this.name = "NeedsConfirmation";
  }
}
