/**
 * Operand rules shared by the grammars: none at all, files to read, paths
 * whose metadata is shown, a bounded count. Each throws GrammarRefusal.
 *
 * @example
 * ```ts
 * import { readFiles } from "./operands.ts";
 * readFiles("cat")(["/etc/os-release", "-"]); // fine
 * try { readFiles("cat")(["/etc/shadow"]); } catch (e) { console.log((e as Error).name); }
 * ```
 *
 * @module
 */

import { checkPath, checkRecursiveRoot } from "./paths.ts";
import { GrammarRefusal } from "./types.ts";

/** No operands at all. */
export function noOperands(program: string) {
  return (operands: readonly string[]): void => {
    if (operands.length) {
      throw new GrammarRefusal(
        "arguments",
        `${program}: takes no operands, but got ${JSON.stringify(operands[0])}`,
      );
    }
  };
}

/** Files whose content the program reads (`-` is standard input). */
export function readFiles(program: string, max = Infinity) {
  return (operands: readonly string[]): void => {
    if (operands.length > max) {
      throw new GrammarRefusal(
        "arguments",
        `${program}: takes at most ${max} file operand${max === 1 ? "" : "s"}; ` +
          `${JSON.stringify(operands[max])} would be ${max === 1 ? "written to" : "one too many"}`,
      );
    }
    for (const f of operands) checkPath(f, "read", `${program}: the file`);
  };
}

/** Paths whose metadata the program shows (ls, stat, du, df). */
export function metaPaths(program: string) {
  return (operands: readonly string[]): void => {
    for (const f of operands) checkPath(f, "meta", `${program}: the path`);
  };
}

/** Starting points of a recursive walk; with none, the program walks `.` (which is `/`). */
export function recursiveRoots(program: string, operands: readonly string[]): void {
  if (operands.length === 0) checkRecursiveRoot("/", `${program}: the default starting point (.)`);
  for (const f of operands) checkRecursiveRoot(f, `${program}: the starting point`);
}
