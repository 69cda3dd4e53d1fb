/**
 * What the coreutils grammars share: the source line, help options, common
 * value shapes and path checks (coreutils.ts, coreutils_text.ts).
 *
 * @example
 * ```ts
 * import { src } from "./coreutils_common.ts";
 * console.log(src("sort").includes("src/sort.c")); // true
 * ```
 *
 * @module
 */

import { checkPath } from "./paths.ts";
import type { WordCheck } from "./types.ts";
import { oneOf, shaped } from "./words.ts";

export const SRC =
  "GNU coreutils 9.1 (Debian 12): PROG --help and long_options[] in src/PROG.c (v9.1)";
export const src = (p: string) => SRC.replaceAll("PROG", p);
export const HELP = ["--help", "--version"];
export const WHEN = oneOf([
  "always",
  "auto",
  "never",
  "yes",
  "no",
  "force",
  "none",
  "tty",
  "if-tty",
]);
export const SIZE = shaped(/^\d*[A-Za-z%]{0,3}$/, "a size such as 1K, 1M, 1G or 1%");
export const readFile: WordCheck = (w, what) => checkPath(w, "read", what);
export const metaFile: WordCheck = (w, what) => checkPath(w, "meta", what);
export const NO_FOLLOW = "never ends: it keeps waiting for new lines after the tool has returned";
export const FILES0 = "reads the names of the files to open from a file or standard input, " +
  "where the path checks cannot see them";
