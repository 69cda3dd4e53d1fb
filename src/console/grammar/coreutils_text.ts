/**
 * Grammars for the GNU coreutils programs that transform or print text and
 * identity: uname, id, sort, uniq, cut, tr, date, seq, sleep, echo. Same
 * source and rules as coreutils.ts.
 *
 * @example
 * ```ts
 * import { COREUTILS_TEXT } from "./coreutils_text.ts";
 * console.log(COREUTILS_TEXT.map((g) => g.program).includes("sort")); // true
 * ```
 *
 * @module
 */

import { getoptGrammar } from "./getopt.ts";
import { noOperands, readFiles } from "./operands.ts";
import { type Grammar, GrammarRefusal } from "./types.ts";
import { integer, oneOf, shaped, text } from "./words.ts";

import { FILES0, HELP, metaFile, readFile, src } from "./coreutils_common.ts";

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

/** The text and identity grammars. */
export const COREUTILS_TEXT: readonly Grammar[] = [
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
