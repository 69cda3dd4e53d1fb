/**
 * Grammars for GNU coreutils programs: cat, head, tail, wc, ls, stat, df,
 * du, uname, id, sort, uniq, cut, tr, date, seq, sleep, echo.
 *
 * Source of every table: GNU coreutils 9.1 (Debian 12), each program's
 * `--help` and the `long_options[]`/short-option strings in src/PROG.c at
 * tag v9.1; checked against 8.32 (RHEL 9, Ubuntu 22.04 has 8.32) and 9.4
 * (Ubuntu 24.04): options missing from a version only make that version
 * fail, since long options are matched exactly.
 *
 * Left out on purpose (refused): anything that writes (`sort -o`, a second
 * `uniq` operand, `date -s`, `df --sync`), runs a program
 * (`sort --compress-program`), reads a list of files from a file or stdin
 * past the path checks (`--files0-from`), or never ends (`tail -f`).
 *
 * @example
 * ```ts
 * import { COREUTILS } from "./coreutils.ts";
 * const sort = COREUTILS.find((g) => g.program === "sort")!;
 * sort.check(["-rn", "-k", "2", "/var/log/dpkg.log"]); // fine
 * try { sort.check(["--compress-prog=sh"]); } catch (e) { console.log((e as Error).message); }
 * ```
 *
 * @module
 */

import { getoptGrammar, has } from "./getopt.ts";
import { metaPaths, readFiles, recursiveRoots } from "./operands.ts";
import { type Grammar, GrammarRefusal } from "./types.ts";
import { integer, names, number, oneOf, shaped } from "./words.ts";

import { FILES0, HELP, NO_FOLLOW, SIZE, src, WHEN } from "./coreutils_common.ts";
import { COREUTILS_TEXT } from "./coreutils_text.ts";

const cat = getoptGrammar({
  program: "cat",
  source: src("cat"),
  synopsis: "cat [-AbeEnstTuv] [FILE|-]...",
  options: [
    "-A, --show-all",
    "-b, --number-nonblank",
    "-e",
    "-E, --show-ends",
    "-n, --number",
    "-s, --squeeze-blank",
    "-t",
    "-T, --show-tabs",
    "-u",
    "-v, --show-nonprinting",
    ...HELP,
  ],
  operands: readFiles("cat"),
});

const headOptions = [
  "-c N, --bytes=N",
  "-n N, --lines=N",
  "-q, --quiet, --silent",
  "-v, --verbose",
  "-z, --zero-terminated",
  ...HELP,
];

const head = getoptGrammar({
  program: "head",
  source: src("head"),
  synopsis: "head [-c N|-n N|-NUM] [-qvz] [FILE|-]...",
  options: headOptions,
  values: { N: number },
  specialWord: { pattern: /^-\d{1,9}$/, key: "lines" },
  operands: readFiles("head"),
});

const tail = getoptGrammar({
  program: "tail",
  source: src("tail"),
  synopsis: "tail [-c N|-n N|-NUM] [-qvz] [FILE|-]...  (no -f/-F: they never end)",
  options: headOptions,
  values: { N: number },
  specialWord: { pattern: /^-\d{1,9}$/, key: "lines" },
  refused: {
    "-f, --follow": NO_FOLLOW,
    "-F": NO_FOLLOW,
    "--retry": NO_FOLLOW,
    "-s, --sleep-interval": "only matters with -f",
    "--pid": "only matters with -f",
  },
  operands(operands) {
    // tail's obsolete first-argument form +NUM[bcl][f] is honoured by default builds: +5f
    // would follow the file forever.
    const plus = operands.find((o) => o.startsWith("+"));
    if (plus) {
      throw new GrammarRefusal(
        "arguments",
        `tail: ${JSON.stringify(plus)} is the obsolete +NUM form (with f it follows forever); ` +
          "write -n +NUM",
      );
    }
    readFiles("tail")(operands);
  },
});

const wc = getoptGrammar({
  program: "wc",
  source: src("wc"),
  synopsis: "wc [-cmlLw] [FILE|-]...",
  options: [
    "-c, --bytes",
    "-m, --chars",
    "-l, --lines",
    "-L, --max-line-length",
    "-w, --words",
    ...HELP,
  ],
  refused: { "--files0-from": FILES0 },
  operands: readFiles("wc"),
});

const ls = getoptGrammar({
  program: "ls",
  source: src("ls"),
  synopsis: "ls [-aAbBcCdDfFgGhHiklLmnNopqQrRsStTuUvwxXZ1] [--LONG-OPTION]... [PATH]...  " +
    "(-R not over /, /etc, /root, /home, /proc…)",
  options: [
    "-a, --all",
    "-A, --almost-all",
    "--author",
    "-b, --escape",
    "--block-size=SIZE",
    "-B, --ignore-backups",
    "-c",
    "-C",
    "--color[=WHEN]",
    "-d, --directory",
    "-D, --dired",
    "-f",
    "-F, --classify[=WHEN]",
    "--file-type",
    "--format=WORD",
    "--full-time",
    "-g",
    "--group-directories-first",
    "-G, --no-group",
    "-h, --human-readable",
    "--si",
    "-H, --dereference-command-line",
    "--dereference-command-line-symlink-to-dir",
    "--hide=PATTERN",
    "--hyperlink[=WHEN]",
    "--indicator-style=WORD",
    "-i, --inode",
    "-I PATTERN, --ignore=PATTERN",
    "-k, --kibibytes",
    "-l",
    "-L, --dereference",
    "-m",
    "-n, --numeric-uid-gid",
    "-N, --literal",
    "-o",
    "-p",
    "-q, --hide-control-chars",
    "--show-control-chars",
    "-Q, --quote-name",
    "--quoting-style=WORD",
    "-r, --reverse",
    "-R, --recursive",
    "-s, --size",
    "-S",
    "--sort=WORD",
    "--time=WORD",
    "--time-style=STYLE",
    "-t",
    "-T COLS, --tabsize=COLS",
    "-u",
    "-U",
    "-v",
    "-w COLS, --width=COLS",
    "-x",
    "-X",
    "-Z, --context",
    "--zero",
    "-1",
    ...HELP,
  ],
  values: { SIZE, WHEN, WORD: names, COLS: integer },
  operands(operands, parsed) {
    if (has(parsed, "recursive")) recursiveRoots("ls -R", operands);
    else metaPaths("ls")(operands);
  },
});

const stat = getoptGrammar({
  program: "stat",
  source: src("stat"),
  synopsis: "stat [-Lft] [-c FORMAT|--printf=FORMAT] [--cached=MODE] PATH...",
  options: [
    "-L, --dereference",
    "-f, --file-system",
    "--cached=MODE",
    "-c FORMAT, --format=FORMAT",
    "--printf=FORMAT",
    "-t, --terse",
    ...HELP,
  ],
  values: { MODE: oneOf(["always", "never", "default"]) },
  operands: metaPaths("stat"),
});

const df = getoptGrammar({
  program: "df",
  source: src("df"),
  synopsis: "df [-ahHiklPTv] [-B SIZE] [-t TYPE] [-x TYPE] [--output[=FIELDS]] [--total] [PATH]...",
  options: [
    "-a, --all",
    "-B SIZE, --block-size=SIZE",
    "-h, --human-readable",
    "-H, --si",
    "-i, --inodes",
    "-k",
    "-l, --local",
    "--no-sync",
    "--output[=FIELDS]",
    "-P, --portability",
    "--total",
    "-t TYPE, --type=TYPE",
    "-T, --print-type",
    "-x TYPE, --exclude-type=TYPE",
    "-v",
    ...HELP,
  ],
  values: { SIZE, TYPE: names, FIELDS: names },
  refused: { "--sync": "makes every file system flush its buffers first" },
  operands: metaPaths("df"),
});

const du = getoptGrammar({
  program: "du",
  source: src("du"),
  synopsis: "du [-0abcDHhklmPSsx] [-d N] [-B SIZE] [-t SIZE] [--time[=WORD]] [--exclude=PATTERN] " +
    "[PATH]...",
  options: [
    "-0, --null",
    "-a, --all",
    "--apparent-size",
    "-B SIZE, --block-size=SIZE",
    "-b, --bytes",
    "-c, --total",
    "-D, --dereference-args",
    "-d N, --max-depth=N",
    "-H",
    "-h, --human-readable",
    "--inodes",
    "-k",
    "-l, --count-links",
    "-m",
    "-P, --no-dereference",
    "-S, --separate-dirs",
    "--si",
    "-s, --summarize",
    "-t SIZE, --threshold=SIZE",
    "--time[=WORD]",
    "--time-style=STYLE",
    "--exclude=PATTERN",
    "-x, --one-file-system",
    ...HELP,
  ],
  values: { SIZE: shaped(/^-?\d*[A-Za-z%]{0,3}$/, "a size"), N: integer, WORD: names },
  refused: {
    "--files0-from": FILES0,
    "-X, --exclude-from": "reads patterns from a file",
    "-L, --dereference": "follows symbolic links out of the tree",
  },
  operands: metaPaths("du"),
});

/** The coreutils grammars. */
export const COREUTILS: readonly Grammar[] = [
  cat,
  head,
  tail,
  wc,
  ls,
  stat,
  df,
  du,
  ...COREUTILS_TEXT,
];
