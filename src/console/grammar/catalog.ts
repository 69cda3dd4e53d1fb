/**
 * Every program the console can run, each with its grammar. `console.allow`
 * picks among these names (globs allowed); a program without a grammar
 * cannot be allowed at all (the configuration is refused at load time),
 * because its arguments could not be checked.
 *
 * @example
 * ```ts
 * import { grammarFor, GRAMMAR_PROGRAMS } from "./catalog.ts";
 * console.log(GRAMMAR_PROGRAMS.includes("systemctl"), grammarFor("nmap")); // true undefined
 * ```
 *
 * @module
 */

import { COREUTILS } from "./coreutils.ts";
import { IPROUTE2 } from "./iproute2.ts";
import { NETTOOLS } from "./nettools.ts";
import { POWERSHELL } from "./powershell.ts";
import { PROCPS } from "./procps.ts";
import { SEARCH } from "./search.ts";
import { SYSTEMD } from "./systemd.ts";
import type { Grammar } from "./types.ts";
import { UTIL_LINUX } from "./util_linux.ts";
import { WINDOWS } from "./windows.ts";

const ALL: readonly Grammar[] = [
  ...COREUTILS,
  ...SEARCH,
  ...PROCPS,
  ...UTIL_LINUX,
  ...SYSTEMD,
  ...IPROUTE2,
  ...NETTOOLS,
  ...WINDOWS,
  ...POWERSHELL,
];

const BY_NAME = new Map(ALL.map((g) => [g.program, g]));
if (BY_NAME.size !== ALL.length) throw new Error("two grammars for one program");

/** The names of all programs that have a grammar (lower case). */
export const GRAMMAR_PROGRAMS: readonly string[] = [...BY_NAME.keys()];

/** The names that are PowerShell cmdlets (only reachable in Windows shell mode). */
export const CMDLET_PROGRAMS: readonly string[] = POWERSHELL.map((g) => g.program);

/** The grammar for a program name (as {@link programName} gives it), if there is one. */
export function grammarFor(name: string): Grammar | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** All grammars, for documentation and tests. */
export function allGrammars(): readonly Grammar[] {
  return ALL;
}
