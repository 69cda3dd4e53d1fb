/**
 * Grammars for the searchers: GNU grep and GNU find. Both can read a whole
 * tree, so their starting points are kept out of the trees that hold
 * secrets (`/`, `/etc`, `/root`, `/home`, `/proc`, … see paths.ts).
 *
 * Sources: GNU grep 3.8 (Debian 12) `grep --help` and the long_options[] /
 * short_options in src/grep.c; GNU findutils 4.9.0 (Debian 12) `find --help`
 * and find(1) (primaries are matched exactly by find itself; there are no
 * abbreviations).
 *
 * @example
 * ```ts
 * import { SEARCH } from "./search.ts";
 * const grep = SEARCH.find((g) => g.program === "grep")!;
 * grep.check(["-i", "error", "/var/log/syslog"]); // fine
 * try { grep.check(["-r", "root", "/etc"]); } catch (e) { console.log((e as Error).message); }
 * ```
 *
 * @module
 */

import { getoptGrammar, has } from "./getopt.ts";
import { readFiles, recursiveRoots } from "./operands.ts";
import { checkPath } from "./paths.ts";
import { type Grammar, GrammarRefusal, type WordCheck } from "./types.ts";
import { ascii, integer, names, oneOf, shaped, text } from "./words.ts";

const readFile: WordCheck = (w, what) => checkPath(w, "read", what);

const grep = getoptGrammar({
  program: "grep",
  source: "GNU grep 3.8 (Debian 12): grep --help and long_options[]/short_options in src/grep.c",
  synopsis: "grep [-EFGPiwxzsvVbnHhoqaIlLcTZU] [-e PATTERNS]... [-f FILE] [-m NUM] " +
    "[-A|-B|-C NUM] [-NUM] [--color[=WHEN]] [-r [--include=GLOB] [--exclude=GLOB] " +
    "[--exclude-dir=GLOB]] PATTERNS [FILE|-]...  (-r not over /, /etc, /root, /home, /proc…; " +
    "no -R)",
  options: [
    "-E, --extended-regexp",
    "-F, --fixed-strings",
    "-G, --basic-regexp",
    "-P, --perl-regexp",
    "-e PATTERNS, --regexp=PATTERNS",
    "-f FILE, --file=FILE",
    "-i, --ignore-case",
    "-y",
    "--no-ignore-case",
    "-w, --word-regexp",
    "-x, --line-regexp",
    "-z, --null-data",
    "-s, --no-messages",
    "-v, --invert-match",
    "-V, --version",
    "--help",
    "-m NUM, --max-count=NUM",
    "-b, --byte-offset",
    "-n, --line-number",
    "--line-buffered",
    "-H, --with-filename",
    "-h, --no-filename",
    "--label=LABEL",
    "-o, --only-matching",
    "-q, --quiet, --silent",
    "--binary-files=TYPE",
    "-a, --text",
    "-I",
    "-d DIRACTION, --directories=DIRACTION",
    "-D DEVACTION, --devices=DEVACTION",
    "-r, --recursive",
    "--include=GLOB",
    "--exclude=GLOB",
    "--exclude-dir=GLOB",
    "-L, --files-without-match",
    "-l, --files-with-matches",
    "-c, --count",
    "-T, --initial-tab",
    "-Z, --null",
    "-B NUM, --before-context=NUM",
    "-A NUM, --after-context=NUM",
    "-C NUM, --context=NUM",
    // -NUM is context: each digit is an option letter of its own in grep's getopt string.
    ..."0123456789".split("").map((d) => `-${d}`),
    "--group-separator=SEP",
    "--no-group-separator",
    "--color[=WHEN], --colour[=WHEN]",
    "-U, --binary",
  ],
  values: {
    PATTERNS: text,
    FILE: readFile,
    NUM: integer,
    LABEL: ascii,
    TYPE: oneOf(["binary", "text", "without-match"]),
    DIRACTION: oneOf(["read", "skip", "recurse"]),
    DEVACTION: oneOf(["read", "skip"]),
    GLOB: ascii,
    SEP: ascii,
    WHEN: oneOf(["always", "never", "auto"]),
  },
  refused: {
    "-R, --dereference-recursive": "follows symbolic links out of the tree; use -r",
    "--exclude-from": "reads patterns from a file",
    "-X": "undocumented matcher selection",
  },
  operands(operands, parsed) {
    const patternGiven = has(parsed, "regexp", "file");
    const files = patternGiven ? operands : operands.slice(1);
    if (!patternGiven) {
      if (operands.length === 0) throw new GrammarRefusal("arguments", "grep: needs PATTERNS");
      text(operands[0], "grep: the pattern");
    }
    const recursive = has(parsed, "recursive") ||
      parsed.options.some((o) => o.key === "directories" && o.value === "recurse");
    if (recursive) recursiveRoots("grep -r", files);
    else readFiles("grep")(files);
  },
});

// find's primaries and how many words each takes, from find --help and find(1) (4.9.0).
const FIND_NO_ARG = new Set([
  "-empty",
  "-false",
  "-true",
  "-nouser",
  "-nogroup",
  "-readable",
  "-writable",
  "-executable",
  "-daystart",
  "-depth",
  "-d",
  "-ignore_readdir_race",
  "-noignore_readdir_race",
  "-mount",
  "-xdev",
  "-noleaf",
  "-warn",
  "-nowarn",
  "-print",
  "-print0",
  "-ls",
  "-prune",
  "-quit",
  "-not",
  "-a",
  "-and",
  "-o",
  "-or",
  "(",
  ")",
  "!",
  ",",
]);
const FIND_PATTERN = ["-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename"];
const FIND_ONE_ARG: Record<string, WordCheck> = {
  ...Object.fromEntries(FIND_PATTERN.map((p) => [p, ascii])),
  "-regex": ascii,
  "-iregex": ascii,
  "-lname": ascii,
  "-ilname": ascii,
  "-regextype": names,
  "-amin": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-atime": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-cmin": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-ctime": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-mmin": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-mtime": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-used": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-links": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-inum": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-uid": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-gid": shaped(/^[+-]?\d+$/, "N, +N or -N"),
  "-size": shaped(/^[+-]?\d+[bcwkMG]?$/, "N[bcwkMG]"),
  "-maxdepth": integer,
  "-mindepth": integer,
  "-type": shaped(/^[bcdpflsD](,[bcdpflsD])*$/, "a type letter (f, d, l, …)"),
  "-xtype": shaped(/^[bcdpfls](,[bcdpfls])*$/, "a type letter (f, d, l, …)"),
  "-perm": shaped(/^[-/]?[0-7ugoa+=,rwxXst-]+$/, "a mode"),
  "-user": names,
  "-group": names,
  "-fstype": names,
  "-context": ascii,
  "-printf": ascii,
  "-anewer": (w, what) => checkPath(w, "meta", what),
  "-cnewer": (w, what) => checkPath(w, "meta", what),
  "-newer": (w, what) => checkPath(w, "meta", what),
  "-samefile": (w, what) => checkPath(w, "meta", what),
};
const FIND_REFUSED: Record<string, string> = {
  "-exec": "runs a program",
  "-execdir": "runs a program",
  "-ok": "runs a program",
  "-okdir": "runs a program",
  "-delete": "deletes files",
  "-fprint": "writes a file",
  "-fprint0": "writes a file",
  "-fprintf": "writes a file",
  "-fls": "writes a file",
  "-files0-from": "reads the starting points from a file, past the path checks",
  "-follow": "follows symbolic links out of the tree",
};

const FIND_SYNOPSIS = "find [-H|-P] [PATH]... [EXPRESSION]  with tests (-name -iname -path " +
  "-regex -type -size -mtime -mmin -newer -user -perm -empty …), options (-maxdepth -mindepth " +
  "-xdev -depth), actions -print -print0 -printf -ls -prune -quit and ( ) ! -a -o ,  (no -exec, " +
  "-delete, -fprint*, -fls, -files0-from, -L; not over /, /etc, /root, /home, /proc…)";

/** find: leading -H/-P, starting points, then an expression of allowed primaries. */
const find: Grammar = {
  program: "find",
  source: "GNU findutils 4.9.0 (Debian 12): find --help and find(1); primaries are exact words",
  synopsis: FIND_SYNOPSIS,
  check(args) {
    const refuse = (msg: string): never => {
      throw new GrammarRefusal("arguments", `find: ${msg}`);
    };
    let i = 0;
    while (i < args.length && /^-[HLPDO]/.test(args[i])) {
      const w = args[i];
      if (w === "-H" || w === "-P") i++;
      else if (w === "-L") refuse("-L follows symbolic links out of the tree");
      else refuse(`the leading option ${w} is not allowed (only -H and -P)`);
    }
    const roots: string[] = [];
    while (i < args.length && !/^[-(!),]/.test(args[i])) roots.push(args[i++]);
    recursiveRoots("find", roots);
    for (; i < args.length; i++) {
      const w = args[i];
      ascii(w, "find: the expression word");
      if (FIND_NO_ARG.has(w)) continue;
      const check = FIND_ONE_ARG[w] ??
        (/^-newer[aBcm][aBcm]$/.test(w)
          ? (v: string, what: string) => checkPath(v, "meta", what)
          : /^-newer[aBcm]t$/.test(w)
          ? text
          : undefined);
      if (check) {
        if (i + 1 >= args.length) refuse(`${w} needs a value`);
        check(args[++i], `find: the value of ${w}`);
        continue;
      }
      if (FIND_REFUSED[w]) refuse(`${w} is not allowed (${FIND_REFUSED[w]})`);
      refuse(
        w.startsWith("-")
          ? `the primary ${w} is not allowed`
          : `${JSON.stringify(w)} is not a primary (starting points come before the expression)`,
      );
    }
  },
};

/** The searcher grammars. */
export const SEARCH: readonly Grammar[] = [grep, find];
