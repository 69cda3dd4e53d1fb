/**
 * Checks on single words: which characters may appear, and the common value
 * shapes (numbers, names, one of a list). Control characters are refused
 * everywhere; non-ASCII is refused wherever a program (or Windows' ANSI
 * "best fit" conversion, which turns U+FF0F into `/` and U+FF02 into `"`)
 * could read it as something else, i.e. everywhere except free text such as
 * a grep pattern.
 *
 * @example
 * ```ts
 * import { ascii, number } from "./words.ts";
 * ascii("nginx.service", "unit"); // fine
 * try { number("1e9", "count"); } catch (e) { console.log((e as Error).message); }
 * ```
 *
 * @module
 */

import { GrammarRefusal, type WordCheck } from "./types.ts";

/** U+ code of a character, for messages. */
export function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

// C0 controls (tab and newline included: no program here needs them in an argument), DEL,
// C1 controls, and the invisible format characters that make text read differently from what it
// is: zero-width spaces and joiners, bidirectional overrides and isolates, the BOM.
const UNTRUSTED = new RegExp(
  "[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064" +
    "\\u2066-\\u2069\\ufeff]",
  "u",
);

// Characters that look like '-' or '/' (or become them under Windows' best-fit mapping).
const LOOKALIKE_START =
  /^[\u2010-\u2015\u2212\u2043\u02d7\u2796\u1806\ufe58\ufe63\uff0d\uff0f\u2215\u2044\u29f8\u2571\u29f5\uff3c\u2216]/u;

/** Refuses control and invisible format characters (every word, every program). */
export function trustedCharacters(word: string, what: string): void {
  const m = UNTRUSTED.exec(word);
  if (m) {
    throw new GrammarRefusal(
      "characters",
      `${what} contains the control or invisible character ${codePoint(m[0])}`,
    );
  }
}

/** Refuses a word that starts with a lookalike of '-' or '/' (U+2010, U+2212, U+FF0F...). */
export function noLookalikeStart(word: string, what: string): void {
  const m = LOOKALIKE_START.exec(word);
  if (m) {
    throw new GrammarRefusal(
      "characters",
      `${what} ${JSON.stringify(word)} starts with ${codePoint(m[0])}, which looks like an ` +
        "option character but is not one; type an ASCII '-' or '/'",
    );
  }
}

/** Printable ASCII only (space included). */
export const ascii: WordCheck = (word, what) => {
  trustedCharacters(word, what);
  const m = /[^\x20-\x7e]/u.exec(word);
  if (m) {
    throw new GrammarRefusal(
      "characters",
      `${what} ${JSON.stringify(word)} contains the non-ASCII character ${codePoint(m[0])}; ` +
        "only ASCII is accepted here",
    );
  }
};

/** Free text (patterns, echo): any printable character, but no lookalike option start. */
export const text: WordCheck = (word, what) => {
  trustedCharacters(word, what);
  noLookalikeStart(word, what);
};

/** A check that the word matches `re` (after the ASCII check); `shape` names the form. */
export function shaped(re: RegExp, shape: string): WordCheck {
  return (word, what) => {
    ascii(word, what);
    if (!re.test(word)) {
      throw new GrammarRefusal("arguments", `${what} ${JSON.stringify(word)} is not ${shape}`);
    }
  };
}

/** A whole number with an optional sign and size suffix (head -c 1K, tail -n +5). */
export const number: WordCheck = shaped(/^[+-]?\d{1,12}[A-Za-z]{0,3}$/, "a number");

/** A plain non-negative integer. */
export const integer: WordCheck = shaped(/^\d{1,9}$/, "a whole number");

/** A name or list of names: letters, digits and `_.,:@+=%-` (units, columns, fields, types). */
export const names: WordCheck = shaped(
  /^[A-Za-z0-9_.,:@+=%*-]+$/,
  "a name or comma-separated list of names",
);

/** One of `choices` (case-sensitive, as the programs compare them). */
export function oneOf(choices: readonly string[]): WordCheck {
  return (word, what) => {
    ascii(word, what);
    if (!choices.includes(word)) {
      throw new GrammarRefusal(
        "arguments",
        `${what} ${JSON.stringify(word)} is not one of ${choices.join(", ")}`,
      );
    }
  };
}
