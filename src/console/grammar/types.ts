/**
 * What every program grammar shares: the refusal it throws and the shape the
 * catalog holds. A grammar is an allow-list: it accepts exactly the argument
 * vectors of the forms it describes and throws {@link GrammarRefusal} for
 * anything else, naming the rule and showing the allowed form.
 *
 * @example
 * ```ts
 * import { GrammarRefusal } from "./types.ts";
 * const e = new GrammarRefusal("arguments", 'option "--output" is not allowed');
 * console.log(e.kind, e.message); // arguments option "--output" is not allowed
 * ```
 *
 * @module
 */

/**
 * Which policy rule a grammar refusal falls under: the grammar itself
 * (`arguments`), a protected path (`secret`), or characters that cannot be
 * trusted (`characters`: control characters, non-ASCII where a program
 * could read it as something else).
 */
export type RefusalKind = "arguments" | "secret" | "characters";

/** Arguments a grammar does not accept. */
export class GrammarRefusal extends Error {
  constructor(readonly kind: RefusalKind, message: string) {
    super(message);
    this.name = "GrammarRefusal";
  }
}

/** The grammar of one program: what it accepts, and where its tables came from. */
export interface Grammar {
  /** The program name (argv[0] basename, lower case, no `.exe`). */
  readonly program: string;
  /** Where the option table was derived from (program version, file, man page). */
  readonly source: string;
  /** The allowed forms, shown with every refusal. */
  readonly synopsis: string;
  /** Accepts the arguments (argv without argv[0]) or throws {@link GrammarRefusal}. */
  check(args: readonly string[]): void;
}

/** Checks one word (an option's value or an operand); throws {@link GrammarRefusal}. */
export type WordCheck = (word: string, what: string) => void;
