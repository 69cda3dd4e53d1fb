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
import { metaPaths, noOperands, readFiles, recursiveRoots } from "./operands.ts";
import { checkPath } from "./paths.ts";
import { type Grammar, GrammarRefusal, type WordCheck } from "./types.ts";
import { integer, names, number, oneOf, shaped, text } from "./words.ts";

const SRC = "GNU coreutils 9.1 (Debian 12): PROG --help and long_options[] in src/PROG.c (v9.1)";
const src = (p: string) => SRC.replaceAll("PROG", p);
const HELP = ["--help", "--version"];
const WHEN = oneOf(["always", "auto", "never", "yes", "no", "force", "none", "tty", "if-tty"]);
const SIZE = shaped(/^\d*[A-Za-z%]{0,3}$/, "a size such as 1K, 1M, 1G or 1%");
const readFile: WordCheck = (w, what) => checkPath(w, "read", what);
const metaFile: WordCheck = (w, what) => checkPath(w, "meta", what);
const NO_FOLLOW = "never ends: it keeps waiting for new lines after the tool has returned";
const FILES0 = "reads the names of the files to open from a file or standard input, " +
  "where the path checks cannot see them";

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

const uname = getoptGrammar({
  program: "uname",
  source: src("uname"),
  synopsis: "uname [-asnrvmpio]",
  options: [
    "-a, --all",
    "-s, --kernel-name",
    "-n, --nodename",
    "-r, --kernel-release",
    "-v, --kernel-version",
    "-m, --machine",
    "-p, --processor",
    "-i, --hardware-platform",
    "-o, --operating-system",
    ...HELP,
  ],
  operands: noOperands("uname"),
});

const USER = shaped(/^[A-Za-z0-9_.][A-Za-z0-9_.@-]{0,63}\$?$/, "a user name or id");

const id = getoptGrammar({
  program: "id",
  source: src("id"),
  synopsis: "id [-aZgGnruz] [USER]...",
  options: [
    "-a",
    "-Z, --context",
    "-g, --group",
    "-G, --groups",
    "-n, --name",
    "-r, --real",
    "-u, --user",
    "-z, --zero",
    ...HELP,
  ],
  operands(operands) {
    for (const u of operands) USER(u, "id: the user");
  },
});

/**
 * Windows' sort.exe reads `/O[UTPUT] file` (writes it) and `/T[EMPORARY] dir`: on a Windows
 * guest a GNU-looking file operand such as `/o…` or `/t…` would be one of those.
 */
function notWindowsSortSwitch(operands: readonly string[]): void {
  const sw = operands.find((o) => /^\/[oOtT]/.test(o));
  if (sw) {
    throw new GrammarRefusal(
      "arguments",
      `sort: ${JSON.stringify(sw)} would be Windows sort's /OUTPUT or /TEMPORARY switch (writes ` +
        "a file) on a Windows guest; on Linux give the path relative to / instead (e.g. " +
        `${JSON.stringify(sw.slice(1))})`,
    );
  }
}

const sort = getoptGrammar({
  program: "sort",
  source: src("sort") + "; Windows sort.exe switches from Microsoft's Windows Commands " +
    "reference (sort.md)",
  synopsis: "sort [-bdfgiMhnRrVcCmsuz] [-k KEYDEF]... [-t SEP] [--sort=WORD] [--debug] " +
    "[FILE|-]...  (no -o, -T, -S, --compress-program, --files0-from, --random-source)",
  options: [
    "-b, --ignore-leading-blanks",
    "-d, --dictionary-order",
    "-f, --ignore-case",
    "-g, --general-numeric-sort",
    "-i, --ignore-nonprinting",
    "-M, --month-sort",
    "-h, --human-numeric-sort",
    "-n, --numeric-sort",
    "-R, --random-sort",
    "-r, --reverse",
    "--sort=WORD",
    "-V, --version-sort",
    "-c, --check[=HOW]",
    "-C",
    "--debug",
    "-k KEYDEF, --key=KEYDEF",
    "-m, --merge",
    "-s, --stable",
    "-t SEP, --field-separator=SEP",
    "-u, --unique",
    "-z, --zero-terminated",
    ...HELP,
  ],
  values: {
    WORD: oneOf(["general-numeric", "human-numeric", "month", "numeric", "random", "version"]),
    HOW: oneOf(["diagnose-first", "quiet", "silent"]),
    KEYDEF: shaped(/^[0-9][0-9.,a-zA-Z]*$/, "a key definition such as 2,2n or 3.1"),
  },
  refused: {
    "-o, --output": "writes the result into a file",
    "--compress-program": "runs a program on the data",
    "-T, --temporary-directory": "writes temporary files",
    "-S, --buffer-size": "not needed for reading",
    "--batch-size": "not needed for reading",
    "--parallel": "not needed for reading",
    "--files0-from": FILES0,
    "--random-source": "reads an arbitrary file",
  },
  operands(operands) {
    notWindowsSortSwitch(operands);
    readFiles("sort")(operands);
  },
});

const uniq = getoptGrammar({
  program: "uniq",
  source: src("uniq"),
  synopsis: "uniq [-cdDiuz] [--all-repeated[=METHOD]] [--group[=METHOD]] [-f N] [-s N] [-w N] " +
    "[INPUT]  (one operand: a second one is a file uniq would overwrite)",
  options: [
    "-c, --count",
    "-d, --repeated",
    "-D",
    "--all-repeated[=METHOD]",
    "-f N, --skip-fields=N",
    "--group[=METHOD]",
    "-i, --ignore-case",
    "-s N, --skip-chars=N",
    "-u, --unique",
    "-z, --zero-terminated",
    "-w N, --check-chars=N",
    ...HELP,
  ],
  values: {
    N: integer,
    METHOD: oneOf(["none", "prepend", "separate", "append", "both"]),
  },
  operands: readFiles("uniq", 1),
});

const cut = getoptGrammar({
  program: "cut",
  source: src("cut"),
  synopsis: "cut (-b LIST|-c LIST|-f LIST) [-d DELIM] [-nsz] [--complement] " +
    "[--output-delimiter=STRING] [FILE|-]...",
  options: [
    "-b LIST, --bytes=LIST",
    "-c LIST, --characters=LIST",
    "-d DELIM, --delimiter=DELIM",
    "-f LIST, --fields=LIST",
    "-n",
    "--complement",
    "-s, --only-delimited",
    "--output-delimiter=STRING",
    "-z, --zero-terminated",
    ...HELP,
  ],
  values: { LIST: shaped(/^[0-9,-]+$/, "a list such as 1,3-5") },
  operands: readFiles("cut"),
});

const tr = getoptGrammar({
  program: "tr",
  source: src("tr"),
  synopsis: "tr [-cCdst] SET1 [SET2]  (reads standard input only)",
  options: [
    "-c",
    "-C",
    "--complement",
    "-d, --delete",
    "-s, --squeeze-repeats",
    "-t, --truncate-set1",
    ...HELP,
  ],
  operands(operands) {
    if (operands.length > 2) {
      throw new GrammarRefusal("arguments", "tr: takes at most two sets");
    }
    for (const s of operands) text(s, "tr: the set");
  },
});

const date = getoptGrammar({
  program: "date",
  source: src("date"),
  synopsis: "date [-Ru] [-d STRING] [-f DATEFILE] [-r FILE] [-I[FMT]] [--rfc-3339=FMT] " +
    "[+FORMAT]  (no -s, no MMDDhhmm operand: they set the clock)",
  options: [
    "-d STRING, --date=STRING",
    "--debug",
    "-f DATEFILE, --file=DATEFILE",
    "-I[FMT], --iso-8601[=FMT]",
    "-r FILE, --reference=FILE",
    "--resolution",
    "-R, --rfc-email",
    "--rfc-822",
    "--rfc-2822",
    "--rfc-3339=FMT3339",
    "-u, --utc",
    "--uct",
    "--universal",
    ...HELP,
  ],
  values: {
    STRING: text,
    DATEFILE: readFile,
    FILE: metaFile,
    FMT: oneOf(["date", "hours", "minutes", "seconds", "ns"]),
    FMT3339: oneOf(["date", "seconds", "ns"]),
  },
  refused: { "-s, --set": "sets the system clock" },
  operands(operands) {
    if (operands.length > 1) throw new GrammarRefusal("arguments", "date: takes one +FORMAT");
    const op = operands[0];
    if (op === undefined) return;
    if (!op.startsWith("+")) {
      throw new GrammarRefusal(
        "arguments",
        `date: the operand ${JSON.stringify(op)} would set the clock (MMDDhhmm[[CC]YY][.ss]); ` +
          "only +FORMAT is allowed",
      );
    }
    text(op, "date: the format");
  },
});

const NUMBER = shaped(/^[+-]?\d{1,12}(\.\d{1,9})?$/, "a decimal number");

const seq = getoptGrammar({
  program: "seq",
  source: src("seq"),
  synopsis:
    "seq [-w] [-f FORMAT] [-s STRING] [FIRST [INCREMENT]] LAST  (at most 10,000,000 numbers)",
  options: [
    "-f FORMAT, --format=FORMAT",
    "-s STRING, --separator=STRING",
    "-w, --equal-width",
    ...HELP,
  ],
  values: { FORMAT: shaped(/^[^%]*%[-+ #0'.\d]*[aAeEfFgG][^%]*$/, "one %f/%g/%e conversion") },
  // seq stops option parsing at a negative number: "-5" is an operand.
  operandWord: /^-[.\d]/,
  operands(operands) {
    if (operands.length < 1 || operands.length > 3) {
      throw new GrammarRefusal("arguments", "seq: takes LAST, FIRST LAST or FIRST INCREMENT LAST");
    }
    for (const n of operands) NUMBER(n, "seq: the number");
    const [first, step, last] = operands.length === 1
      ? [1, 1, Number(operands[0])]
      : operands.length === 2
      ? [Number(operands[0]), 1, Number(operands[1])]
      : operands.map(Number);
    const count = step === 0 ? Infinity : (last - first) / step + 1;
    if (count > 10_000_000) {
      throw new GrammarRefusal("arguments", "seq: would print more than 10,000,000 numbers");
    }
  },
});

const sleep = getoptGrammar({
  program: "sleep",
  source: src("sleep"),
  synopsis: "sleep NUMBER[s|m|h|d]...  (at most 3600 seconds in all; never infinity)",
  options: HELP,
  operands(operands) {
    if (operands.length === 0) throw new GrammarRefusal("arguments", "sleep: needs a duration");
    const unit: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600, d: 86_400 };
    let total = 0;
    for (const o of operands) {
      const m = /^(\d{1,9}(?:\.\d{1,9})?)([smhd]?)$/.exec(o);
      if (!m) {
        throw new GrammarRefusal(
          "arguments",
          `sleep: ${JSON.stringify(o)} is not a duration such as 5, 2.5s or 1m (infinity never ` +
            "ends, and the process would outlive the tool call)",
        );
      }
      total += Number(m[1]) * unit[m[2]];
    }
    if (total > 3600) {
      throw new GrammarRefusal("arguments", `sleep: ${total} seconds is more than 3600`);
    }
  },
});

/**
 * echo takes no getopt options: only leading words made of n, e and E are options, and
 * everything from the first other word on is printed (coreutils 9.1 src/echo.c). It reads
 * nothing and writes only to standard output, so any text is fine.
 */
const echo: Grammar = {
  program: "echo",
  source: "GNU coreutils 9.1 src/echo.c (Debian 12): leading -[neE]+ words are options",
  synopsis: "echo [-neE] [TEXT]...",
  check(args) {
    for (const a of args) text(a, "echo: the text");
  },
};

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
  uname,
  id,
  sort,
  uniq,
  cut,
  tr,
  date,
  seq,
  sleep,
  echo,
];
