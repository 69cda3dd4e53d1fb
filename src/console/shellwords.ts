/**
 * Splits a command line into an argument vector with POSIX shell quoting rules
 * (single quotes, double quotes, backslash escapes) and *no* expansion. No
 * shell ever sees the result, so anything a shell would have interpreted
 * (pipes, redirections, `;`, `&&`, `$VAR`, `$(...)`, backticks, comments) is
 * refused with a clear message instead of being passed on as a literal word
 * the model did not mean. Glob characters and `~` stay literal (noted). One
 * deliberate difference: a backslash before an ordinary character (letter,
 * digit, `.`, `-`...) is kept, so Windows paths work unquoted.
 *
 * @example
 * ```ts
 * import { splitShellWords } from "./shellwords.ts";
 * const { argv } = splitShellWords(`grep -i 'error|warn' "/var/log/my app.log"`);
 * console.log(argv); // ["grep", "-i", "error|warn", "/var/log/my app.log"]
 * ```
 *
 * @module
 */

/** A command line that cannot be turned into an argument vector. */
export class ShellWordsError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
    this.name = "ShellWordsError";
  }
}

/** The argument vector, plus notes on characters kept literally. */
export interface ShellWords {
  argv: string[];
  notes: string[];
}

const OPERATORS: Record<string, string> = {
  "|": "a pipe",
  "&": "'&' (background or &&)",
  ";": "a command separator ';'",
  "<": "a redirection '<'",
  ">": "a redirection '>'",
  "(": "a subshell '('",
  ")": "a subshell ')'",
  "`": "a command substitution (backticks)",
  "\n": "a newline (command separator)",
};

const NEEDS_SHELL = "No shell runs this command (it is executed directly as an argument vector), " +
  "so shell syntax would not work";

function operatorError(what: string, pos: number): ShellWordsError {
  return new ShellWordsError(
    `${NEEDS_SHELL}: found ${what} at position ${pos}. Run one program per call, ` +
      "quote the character if it is meant literally (e.g. grep 'a|b'), or use shell: true " +
      "if the console policy allows a shell.",
    pos,
  );
}

function expansionError(pos: number, inDouble: boolean): ShellWordsError {
  return new ShellWordsError(
    `${NEEDS_SHELL}: found a '$' expansion at position ${pos}${
      inDouble ? " inside double quotes" : ""
    }, which would not be expanded. Write the value itself, use single quotes for a ` +
      "literal '$', or use shell: true if the console policy allows a shell.",
    pos,
  );
}

// `$name`, `${`, `$(`, `$1`, `$?`… are expansions in a shell; a lone `$` (end, space) is not.
function isExpansion(next: string | undefined): boolean {
  return next !== undefined && /[A-Za-z0-9_{(?!#@*$-]/.test(next);
}

/**
 * Splits `line` into words. Throws {@link ShellWordsError} on an unterminated
 * quote, a trailing backslash, a NUL byte, or shell syntax outside quotes.
 */
export function splitShellWords(line: string): ShellWords {
  const argv: string[] = [];
  const notes = new Set<string>();
  let word = "";
  let inWord = false;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i];
    if (c === "\0") throw new ShellWordsError(`NUL byte at position ${i}`, i);
    if (c === " " || c === "\t") {
      if (inWord) argv.push(word);
      word = "";
      inWord = false;
      i++;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) {
        throw new ShellWordsError(
          `unterminated single quote starting at position ${i}: close it with '`,
          i,
        );
      }
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      inWord = true;
      for (;;) {
        if (i >= n) {
          throw new ShellWordsError(
            `unterminated double quote starting at position ${start}: close it with "`,
            start,
          );
        }
        const d = line[i];
        if (d === '"') break;
        if (d === "\0") throw new ShellWordsError(`NUL byte at position ${i}`, i);
        if (d === "\\" && i + 1 < n && '$`"\\\n'.includes(line[i + 1])) {
          // Backslash-newline is a line continuation: both characters vanish.
          if (line[i + 1] !== "\n") word += line[i + 1];
          i += 2;
          continue;
        }
        if (d === "`") throw operatorError(OPERATORS["`"], i);
        if (d === "$" && isExpansion(line[i + 1])) throw expansionError(i, true);
        word += d;
        i++;
      }
      i++;
      continue;
    }
    if (c === "\\") {
      if (i + 1 >= n) {
        throw new ShellWordsError(
          `trailing backslash at position ${i}: escape it as \\\\ or remove it`,
          i,
        );
      }
      const next = line[i + 1];
      // A backslash before an ordinary character means nothing to a POSIX shell; keeping it
      // lets Windows paths (C:\Windows\System32\ipconfig.exe) through unquoted.
      if (/[A-Za-z0-9_.,:%+=@-]/.test(next)) word += "\\";
      if (next !== "\n") word += next;
      if (next !== "\n") inWord = true;
      i += 2;
      continue;
    }
    if (c in OPERATORS) throw operatorError(OPERATORS[c], i);
    if (c === "$" && isExpansion(line[i + 1])) throw expansionError(i, false);
    if (c === "#" && !inWord) {
      throw new ShellWordsError(
        `${NEEDS_SHELL}: '#' at position ${i} starts a comment in a shell. Quote it ('#') ` +
          "if it is meant literally.",
        i,
      );
    }
    if (c === "*" || c === "?" || c === "[") {
      notes.add(`'${c}' is passed literally: no shell expands wildcards here`);
    }
    if (c === "~" && !inWord) notes.add("'~' is passed literally: no shell expands it here");
    word += c;
    inWord = true;
    i++;
  }
  if (inWord) argv.push(word);
  return { argv, notes: [...notes] };
}

/** Quotes an argument vector back into one line a POSIX shell would split the same way. */
export function joinShellWords(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}
