/**
 * Shell mode on Linux guests: the script runs in `/bin/sh -c`, so before it
 * is sent it must parse as the small subset of sh whose meaning the policy
 * can see completely: simple commands (words, POSIX quoting) joined by `|`,
 * `&&`, `||`, `;` and newlines, with only the harmless redirections
 * `>/dev/null`, `2>/dev/null`, `2>&1` and `>&2`. Every command's argument
 * vector then goes through the same checks as a command without a shell.
 *
 * Refused, wherever they appear: command substitution (`$(`, backticks,
 * even inside quotes), every other expansion (`$VAR`, `${…}`, `$'…'`,
 * unquoted globs `* ? [`, `~`, brace expansion `{a,b}`), every other
 * redirection (`<`, `<<`, `<<<`, `<>`, `>|`, `>>`, `>&word`, `&>`, `N>file`),
 * subshells and groups (`( )`, `{ }`), background `&`, `|&`, comments,
 * `!`, leading `NAME=value` assignments (`LD_PRELOAD=…`, `PATH=…`) and
 * reserved words (`if`, `for`, `while`, `case`, `function`…).
 *
 * @example
 * ```ts
 * import { parseShScript } from "./sh_script.ts";
 * console.log(parseShScript("ps aux | grep 'qemu-ga' 2>/dev/null && uptime"));
 * // [["ps", "aux"], ["grep", "qemu-ga"], ["uptime"]]
 * ```
 *
 * @module
 */

/** A script outside the subset, with what was found where. */
export class ShScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShScriptError";
  }
}

const RESERVED = new Set([
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "do",
  "done",
  "case",
  "esac",
  "while",
  "until",
  "for",
  "in",
  "function",
  "select",
  "time",
  "coproc",
  "[[",
  "]]",
]);

const SUBSET = "shell mode runs simple commands joined by |, &&, || and ; (redirections only " +
  ">/dev/null, 2>/dev/null, 2>&1, >&2)";

interface Word {
  text: string;
  /** The word as written (quotes included), for assignment detection. */
  raw: string;
}

type Token = { word: Word } | { op: "|" | "&&" | "||" | ";" };

function fail(what: string, pos: number): never {
  throw new ShScriptError(`${what} at position ${pos} is not allowed: ${SUBSET}`);
}

/** Splits the script into tokens, refusing everything outside the subset. */
function tokenize(script: string): Token[] {
  const subst = /\$\(|`/.exec(script);
  if (subst) fail(`command substitution ${subst[0] === "`" ? "(backtick)" : "$("}`, subst.index);
  const tokens: Token[] = [];
  let text = "";
  let raw = "";
  let inWord = false;
  const end = () => {
    if (inWord) tokens.push({ word: { text, raw } });
    text = "";
    raw = "";
    inWord = false;
  };
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i];
    if (c === "\0") fail("a NUL byte", i);
    if (c === " " || c === "\t") {
      end();
      i++;
      continue;
    }
    if (c === "\n") {
      end();
      tokens.push({ op: ";" });
      i++;
      continue;
    }
    if (c === "'") {
      const close = script.indexOf("'", i + 1);
      if (close < 0) fail("an unterminated single quote", i);
      text += script.slice(i + 1, close);
      raw += script.slice(i, close + 1);
      inWord = true;
      i = close + 1;
      continue;
    }
    if (c === '"') {
      const start = i++;
      for (;;) {
        if (i >= n) fail("an unterminated double quote", start);
        const d = script[i];
        if (d === '"') break;
        if (d === "$") fail("a $ expansion inside double quotes", i);
        if (d === "\\" && i + 1 < n && '\\"\n'.includes(script[i + 1])) {
          if (script[i + 1] !== "\n") text += script[i + 1];
          i += 2;
          continue;
        }
        text += d;
        i++;
      }
      raw += script.slice(start, i + 1);
      inWord = true;
      i++;
      continue;
    }
    if (c === "\\") {
      if (i + 1 >= n) fail("a trailing backslash", i);
      if (script[i + 1] === "$") fail("an escaped $", i);
      if (script[i + 1] !== "\n") {
        text += script[i + 1];
        raw += script.slice(i, i + 2);
        inWord = true;
      }
      i += 2;
      continue;
    }
    if (c === "$") fail("a $ expansion (variables cannot be checked)", i);
    if (c === "|") {
      end();
      if (script[i + 1] === "&") fail("|&", i);
      const two = script[i + 1] === "|";
      tokens.push({ op: two ? "||" : "|" });
      i += two ? 2 : 1;
      continue;
    }
    if (c === "&") {
      end();
      if (script[i + 1] === "&") {
        tokens.push({ op: "&&" });
        i += 2;
        continue;
      }
      fail(script[i + 1] === ">" ? "the redirection &>" : "a background &", i);
    }
    if (c === ";") {
      end();
      if (script[i + 1] === ";") fail(";;", i);
      tokens.push({ op: ";" });
      i++;
      continue;
    }
    if (c === "<" || c === ">") {
      // An all-digit unquoted word written right before the operator is its file descriptor.
      let fd = "";
      if (inWord && /^\d+$/.test(raw)) {
        fd = raw;
        text = "";
        raw = "";
        inWord = false;
      }
      end();
      const start = i;
      let op = c;
      i++;
      while (i < n && "<>&|-".includes(script[i]) && op.length < 3) op += script[i++];
      while (i < n && (script[i] === " " || script[i] === "\t")) i++;
      let target = "";
      while (i < n && !/[\s|&;<>()]/.test(script[i])) target += script[i++];
      const ok = (op === ">" && ["", "1", "2"].includes(fd) && target === "/dev/null") ||
        (op === ">&" && fd === "2" && target === "1") ||
        (op === ">&" && ["", "1"].includes(fd) && target === "2");
      if (!ok) fail(`the redirection ${fd}${op}${target ? ` ${target}` : ""}`, start);
      continue;
    }
    if ("(){}".includes(c)) fail(`'${c}' (subshells, groups and brace expansion)`, i);
    if ("*?[".includes(c)) fail(`the unquoted wildcard '${c}' (quote it if it is literal)`, i);
    if (c === "~") fail("an unquoted ~ (home directory expansion)", i);
    if (c === "!") fail("an unquoted !", i);
    if (c === "#" && !inWord) fail("a comment", i);
    text += c;
    raw += c;
    inWord = true;
    i++;
  }
  end();
  return tokens;
}

/** The argument vectors of the script's commands, in order; throws {@link ShScriptError}. */
export function parseShScript(script: string): string[][] {
  const groups: Word[][] = [[]];
  const ops: string[] = [];
  for (const t of tokenize(script)) {
    if ("word" in t) groups[groups.length - 1].push(t.word);
    else {
      ops.push(t.op);
      groups.push([]);
    }
  }
  const commands: string[][] = [];
  groups.forEach((words, k) => {
    if (words.length === 0) {
      // Empty lines and a trailing ; are fine; |, && and || need a command on both sides.
      const around = [ops[k - 1], ops[k]].filter((o) => o !== undefined && o !== ";");
      if (around.length) {
        throw new ShScriptError(
          `the operator ${around[0]} needs a command on both sides: ${SUBSET}`,
        );
      }
      return;
    }
    const first = words[0];
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first.raw)) {
      throw new ShScriptError(
        `the assignment ${first.raw.split("=")[0]}= before a command changes its environment ` +
          "(LD_PRELOAD=, PATH=…) and is not allowed",
      );
    }
    if (first.raw === first.text && RESERVED.has(first.text)) {
      throw new ShScriptError(`the reserved word ${JSON.stringify(first.text)}: ${SUBSET}`);
    }
    commands.push(words.map((w) => w.text));
  });
  if (commands.length === 0) throw new ShScriptError("the script is empty");
  return commands;
}
