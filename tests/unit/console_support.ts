/**
 * Helpers for the console policy tests: the shipped policy (optionally with
 * changes), and assertions that a command runs or is refused by a given rule.
 *
 * @module
 */

import { assertEquals } from "../support/assert.ts";
import { ConsoleSchema } from "../../src/config/schema.ts";
import {
  checkCommand,
  type ConsolePolicy,
  PolicyRefusal,
  type PolicyRule,
} from "../../src/console/policy.ts";
import { checkShellScript, type GuestOs } from "../../src/console/shell_check.ts";
import { grammarFor } from "../../src/console/grammar/catalog.ts";
import { GrammarRefusal, type RefusalKind } from "../../src/console/grammar/types.ts";

/** The policy as loaded from a configuration with `console.enabled` and `extra`. */
export function policy(extra: Record<string, unknown> = {}): ConsolePolicy {
  return ConsoleSchema.parse({ enabled: true, ...extra });
}

/** Asserts the command passes the policy (no shell). */
export function accepts(p: ConsolePolicy, command: string): void {
  try {
    checkCommand(p, command);
  } catch (e) {
    throw new Error(`${command} should run: ${e instanceof Error ? e.message : e}`);
  }
}

/** Asserts the command is refused (no shell), by `rule` if given; returns the refusal. */
export function refuses(p: ConsolePolicy, command: string, rule?: PolicyRule): PolicyRefusal {
  const e = refusal(() => checkCommand(p, command), command);
  if (rule) assertEquals(e.rule, rule, `${command}: ${e.message}`);
  return e;
}

/** The PolicyRefusal `fn` throws; fails the test when it passes or throws something else. */
export function refusal(fn: () => unknown, what: string): PolicyRefusal {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof PolicyRefusal)) {
    throw new Error(`${what} should be refused, but ${caught ? `threw ${caught}` : "it passed"}`);
  }
  return caught;
}

/** Asserts the shell script passes the policy on `os`. */
export function acceptsScript(p: ConsolePolicy, script: string, os: GuestOs): void {
  try {
    checkShellScript(p, script, os);
  } catch (e) {
    throw new Error(`${script} should run: ${e instanceof Error ? e.message : e}`);
  }
}

/** Asserts the shell script is refused on `os`, by `rule` if given. */
export function refusesScript(
  p: ConsolePolicy,
  script: string,
  os: GuestOs,
  rule?: PolicyRule,
): PolicyRefusal {
  const e = refusal(() => checkShellScript(p, script, os), script);
  if (rule) assertEquals(e.rule, rule, `${script}: ${e.message}`);
  return e;
}

/** A program's grammar (fails the test when there is none). */
export function grammar(program: string) {
  const g = grammarFor(program);
  if (!g) throw new Error(`no grammar for ${program}`);
  return g;
}

/** Asserts a grammar accepts each argument vector. */
export function grammarAccepts(program: string, ...argvs: string[][]): void {
  const g = grammar(program);
  for (const args of argvs) {
    try {
      g.check(args);
    } catch (e) {
      throw new Error(`${program} ${args.join(" ")} should pass: ${(e as Error).message}`);
    }
  }
}

/** Asserts a grammar refuses each argument vector (with `kind`, if given). */
export function grammarRefuses(
  program: string,
  kind: RefusalKind | undefined,
  ...argvs: string[][]
) {
  const g = grammar(program);
  for (const args of argvs) {
    let caught: unknown;
    try {
      g.check(args);
    } catch (e) {
      caught = e;
    }
    if (!(caught instanceof GrammarRefusal)) {
      throw new Error(
        `${program} ${JSON.stringify(args)} should be refused, got ${caught ?? "a pass"}`,
      );
    }
    if (kind) assertEquals(caught.kind, kind, `${program} ${args.join(" ")}: ${caught.message}`);
  }
}
