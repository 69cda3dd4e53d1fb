/**
 * The input fields every mutating tool accepts (confirm, dry_run, wait,
 * timeout_s) and the output shape every one of them returns, so the model
 * reads one format for all actions.
 *
 * @example
 * ```ts
 * import { actionInput } from "./result.ts";
 * import { z } from "zod/v4";
 * const args = z.object(actionInput).parse({});
 * console.log(args.wait, args.timeout_s, args.dry_run); // true 50 false
 * ```
 *
 * @module
 */

import { z } from "zod/v4";

/**
 * Default wait: under the 60 s request timeout most MCP clients use, so the
 * answer (with the UPID) arrives before the client gives up on the call.
 */
export const DEFAULT_WAIT_S = 50;

/** Arguments shared by every mutating tool. */
export const actionInput = {
  // Undescribed on purpose: they repeat in every action tool the model reads each turn, so the
  // server instructions (src/mcp/instructions.ts) explain them once.
  confirm: z.boolean().optional(),
  dry_run: z.boolean().default(false),
  wait: z.boolean().default(true),
  timeout_s: z.number().int().min(1).max(3600).default(DEFAULT_WAIT_S),
  safety_snapshot: z.boolean().optional(),
};

/** What the common arguments look like once parsed. */
export interface ActionArgs {
  confirm?: boolean;
  dry_run: boolean;
  wait: boolean;
  timeout_s: number;
  safety_snapshot?: boolean;
}

const check = z.object({
  check: z.string(),
  verdict: z.enum(["pass", "fail", "ask", "skip"]),
  detail: z.string(),
});

/** Output of every mutating tool. */
export const actionOutput = {
  tool: z.string(),
  action: z.string().describe("What was asked, e.g. 'start', 'create snapshot pre_upgrade'"),
  target: z.object({
    vmid: z.number().int(),
    node: z.string(),
    type: z.enum(["qemu", "lxc"]),
    name: z.string().nullable(),
  }),
  result: z.enum(["done", "unchanged", "started", "timeout", "cancelled", "dry-run"]).describe(
    "done: task ended OK; unchanged: already in the wanted state, nothing sent; started: " +
      "wait was false; timeout: still running (follow the UPID); dry-run: nothing sent",
  ),
  message: z.string(),
  upid: z.string().nullable(),
  exitstatus: z.string().nullable().describe("OK, WARNINGS: n, or the task's error text"),
  duration_ms: z.number().nullable(),
  log: z.array(z.string()).describe("Last lines of the task log"),
  plan: z.array(z.object({
    method: z.string(),
    path: z.string(),
    params: z.record(z.string(), z.unknown()),
  })).describe("The PVE calls made (or, for a dry run, that would be made)"),
  checks: z.array(check),
  confirmation: z.string().describe(
    "not needed, asked the user (accepted), confirm argument, or for a dry run what would happen",
  ),
  expected: z.string().describe("The state the guest should be in afterwards"),
  // Kept terse: this shape is repeated in every action tool's entry of tools/list.
  verdict: z.enum(["would run", "would be refused", "nothing to do"]).optional(),
  safety_snapshot: z.object({
    name: z.string(),
    upid: z.string().nullable(),
    rollback: z.string(),
  }).optional(),
};

/** The structured answer of a mutating tool. */
export type ActionResult = z.infer<z.ZodObject<typeof actionOutput>>;
