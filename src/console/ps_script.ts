/**
 * Shell mode on Windows guests: the script runs in `powershell.exe
 * -NoProfile -NonInteractive -Command`, so it must parse as the small subset
 * of PowerShell whose meaning the policy can see: pipelines (`|`) of
 * commands, statements separated by `;` or newlines, arguments that are bare
 * words, single-quoted strings, double-quoted strings without `$`, numbers,
 * comma lists, and `-Param` / `-Param:value` (`$true`, `$false`, `$null`
 * as values). Two expression forms are allowed as whole statements:
 * `(PIPELINE).Property…` and `$PSVersionTable.Property…`, optionally ending
 * in a zero-argument `.ToString()`, `.ToUpper()`, `.ToLower()` or `.Trim()`.
 *
 * Refused anywhere in the script, even inside quotes: backticks (the escape
 * character), `$(`, `@(`, `@{`, `{ }` (script blocks), `[ ]` (types),
 * `::` (static members), `&` (call operator), every redirection
 * (`>`, `>>`, `2>`, `*>`, `<`), `#` comments, `--%`, and any non-ASCII
 * character (PowerShell treats the dashes U+2013/U+2014/U+2015 as `-` and
 * the typographic quotes as quotes). Variables, method calls on anything
 * but the allowed forms, and every other construct are refused too.
 *
 * @example
 * ```ts
 * import { parsePsScript } from "./ps_script.ts";
 * console.log(parsePsScript("Get-Service W32Time | Select-Object Status"));
 * // [["Get-Service", "W32Time"], ["Select-Object", "Status"]]
 * ```
 *
 * @module
 */

/** A script outside the subset. */
export class PsScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PsScriptError";
  }
}

const SUBSET = "PowerShell shell mode runs pipelines of allowed cmdlets with plain arguments";

const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/`/, "a backtick (PowerShell's escape character)"],
  [/\$\(/, "a subexpression $( )"],
  [/@[({]/, "an array or hashtable literal @( ) / @{ }"],
  [/@/, "splatting (@name)"],
  [/[{}]/, "a script block { }"],
  [/[[\]]/, "a type literal or index [ ]"],
  [/::/, "a static member access ::"],
  [/&/, "the call operator & (or &&)"],
  [/[<>]/, "a redirection"],
  [/#/, "a comment #"],
  [/--%/, "the stop-parsing token --%"],
  [/[^\x20-\x7e\n\t]/u, "a non-ASCII or control character (PowerShell reads some as - or quotes)"],
];

const METHODS = /\.(ToString|ToUpper|ToLower|Trim)\(\)$/;
const MEMBERS = /^(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Splits a statement into pipeline elements and their words. */
function pipeline(stmt: string): string[][] {
  const elements: string[][] = [[]];
  let word = "";
  let inWord = false;
  const end = () => {
    if (inWord) elements[elements.length - 1].push(word);
    word = "";
    inWord = false;
  };
  for (let i = 0; i < stmt.length; i++) {
    const c = stmt[i];
    if (c === " " || c === "\t") {
      end();
      continue;
    }
    if (c === "|") {
      end();
      if (elements[elements.length - 1].length === 0) {
        throw new PsScriptError(`a | with no command before it: ${SUBSET}`);
      }
      elements.push([]);
      continue;
    }
    if ((c === "'" || c === '"') && !inWord && elements[elements.length - 1].length === 0) {
      throw new PsScriptError(`a quoted string in command position is an expression: ${SUBSET}`);
    }
    if (c === "'") {
      // '' inside single quotes is one quote.
      let j = i + 1;
      for (;;) {
        const close = stmt.indexOf("'", j);
        if (close < 0) throw new PsScriptError("an unterminated single quote");
        word += stmt.slice(j, close);
        if (stmt[close + 1] === "'") {
          word += "'";
          j = close + 2;
          continue;
        }
        i = close;
        break;
      }
      inWord = true;
      continue;
    }
    if (c === '"') {
      const close = stmt.indexOf('"', i + 1);
      if (close < 0) throw new PsScriptError("an unterminated double quote");
      const body = stmt.slice(i + 1, close);
      if (body.includes("$")) {
        throw new PsScriptError(
          "a $ inside double quotes (PowerShell expands it); use single quotes",
        );
      }
      word += body;
      inWord = true;
      i = close;
      continue;
    }
    if (c === "(" || c === ")") {
      throw new PsScriptError(`'${c}' outside the allowed (PIPELINE).Property form: ${SUBSET}`);
    }
    if (c === "$") {
      const v = /^\$(true|false|null)\b/i.exec(stmt.slice(i));
      if (!v || !/^-[A-Za-z]+:$/.test(word)) {
        throw new PsScriptError(
          "a variable (only -Switch:$true/$false/$null are allowed; variables cannot be checked)",
        );
      }
      word += v[0];
      i += v[0].length - 1;
      inWord = true;
      continue;
    }
    word += c;
    inWord = true;
  }
  end();
  if (elements[elements.length - 1].length === 0) {
    throw new PsScriptError(`a | with no command after it: ${SUBSET}`);
  }
  return elements.map(joinLists);
}

/** `Name, Status` is one array argument in PowerShell: join words around commas. */
function joinLists(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const last = out[out.length - 1];
    if (last !== undefined && (last.endsWith(",") || w.startsWith(","))) out[out.length - 1] += w;
    else out.push(w);
  }
  return out;
}

/** Pipeline elements whose first word is a plain command name (no paths, no expressions). */
function named(elements: string[][]): string[][] {
  for (const [name] of elements) {
    if (!/^[A-Za-z][A-Za-z0-9.-]*$/.test(name)) {
      throw new PsScriptError(
        `${
          JSON.stringify(name)
        } is not a command name (expressions and paths are refused): ${SUBSET}`,
      );
    }
  }
  return elements;
}

/**
 * The commands of the script (each a name and its argument words), in order; throws
 * {@link PsScriptError}. Command names must be bare words; the policy checks each command.
 */
export function parsePsScript(script: string): string[][] {
  for (const [re, what] of FORBIDDEN) {
    const m = re.exec(script);
    if (m) throw new PsScriptError(`${what} at position ${m.index} is not allowed: ${SUBSET}`);
  }
  const commands: string[][] = [];
  for (const raw of script.split(/[;\n]/)) {
    const stmt = raw.trim();
    if (stmt === "") continue;
    if (stmt.startsWith("$")) {
      const rest = stmt.replace(/^\$PSVersionTable/i, "");
      if (rest === stmt || !MEMBERS.test(rest.replace(METHODS, ""))) {
        throw new PsScriptError(
          "a statement starting with a variable (only $PSVersionTable.Property… is allowed)",
        );
      }
      continue;
    }
    if (stmt.startsWith("(")) {
      const close = stmt.indexOf(")");
      const tail = stmt.slice(close + 1).replace(METHODS, "");
      if (close < 0 || !MEMBERS.test(tail) || tail === "") {
        throw new PsScriptError(
          "a parenthesised expression that is not (PIPELINE).Property… (no nesting, no arguments)",
        );
      }
      commands.push(...named(pipeline(stmt.slice(1, close))));
      continue;
    }
    if (/\(|\)/.test(stmt)) {
      throw new PsScriptError(`parentheses outside the (PIPELINE).Property form: ${SUBSET}`);
    }
    commands.push(...named(pipeline(stmt)));
  }
  if (commands.length === 0 && !/\$PSVersionTable/i.test(script)) {
    throw new PsScriptError("the script is empty");
  }
  return commands;
}
