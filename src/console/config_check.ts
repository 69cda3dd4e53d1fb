/**
 * Load-time checks of the `console` configuration that depend on the
 * grammar catalog: an `allow` entry must name programs that have a grammar
 * (a program whose arguments cannot be checked is never allowed, not even
 * without arguments: many programs read commands from standard input), and
 * `arg_rules: false` is no longer possible (grammars always apply).
 *
 * @example
 * ```ts
 * import { allowEntryProblem } from "./config_check.ts";
 * console.log(allowEntryProblem("systemctl"), allowEntryProblem("get-*")); // undefined undefined
 * console.log(allowEntryProblem("nmap")?.startsWith("has no grammar")); // true
 * ```
 *
 * @module
 */

import { PROGRAM_NAMES as GRAMMAR_PROGRAMS } from "./grammar/programs.ts";
import { globMatch } from "./names.ts";

/** Why an allow entry cannot be used, or `undefined` when it names at least one program. */
export function allowEntryProblem(entry: string): string | undefined {
  if (entry.includes("/") || entry.includes("\\")) {
    return "names a path: allow entries are program names (a program in a system directory may " +
      "still be called by its full path); a program at another path has no grammar";
  }
  if (GRAMMAR_PROGRAMS.some((p) => globMatch(entry, p))) return undefined;
  return `has no grammar: only programs whose arguments the console can check may be allowed ` +
    `(${GRAMMAR_PROGRAMS.join(", ")})`;
}

/** The message for `arg_rules: false`. */
export const ARG_RULES_FALSE =
  "can no longer be false: every allowed program runs under its grammar (see " +
  "docs/console-grammar.md); remove the key";
