/**
 * A grammar for programs that parse their arguments with GNU getopt_long,
 * with the same semantics, so the policy sees the arguments exactly as the
 * program will:
 *
 * - short options cluster (`-tlnp`); an option that takes a value takes the
 *   rest of the word (`-n50`) or else the next word (`-n 50`, even `-n -5`);
 *   one with an optional value takes only the rest of the word (`-I[FMT]`);
 * - long options are matched EXACTLY: `--ou` is refused even though
 *   getopt_long would take it as `--output` (any unambiguous prefix works
 *   there), which refuses every abbreviation of a refused option at once;
 *   `--opt=VALUE` and, for a required value, `--opt VALUE`;
 * - `--` ends the options; `-` alone is an operand (standard input);
 * - GNU permutes, so every other word starting with `-` is an option
 *   wherever it stands (even after operands, as if POSIXLY_CORRECT were
 *   unset: the stricter reading).
 *
 * Options are written as in `--help`, one entry per option:
 * `"-n N, --lines=N"` (required value), `"--color[=WHEN]"` (optional,
 * attached only), `"-T[COL], --tree[=COL]"`, `"-b"` (none). journalctl's
 * `-n`/`-b` take the next word only when it parses as their value; write
 * that as `"-n[+N], --lines[+=N]"`. The value placeholder names the check
 * applied to it (`values`), printable ASCII by default.
 *
 * @example
 * ```ts
 * import { getoptGrammar } from "./getopt.ts";
 * import { integer } from "./words.ts";
 * const head = getoptGrammar({
 *   program: "head", source: "example", synopsis: "head [-n N] [FILE]...",
 *   options: ["-n N, --lines=N", "-q, --quiet"], values: { N: integer },
 *   operands: () => {},
 * });
 * head.check(["-qn5", "/var/log/syslog"]); // fine
 * try { head.check(["--li=5"]); } catch (e) { console.log((e as Error).message); }
 * ```
 *
 * @module
 */

import { type Grammar, GrammarRefusal, type WordCheck } from "./types.ts";
import { ascii, codePoint, noLookalikeStart } from "./words.ts";

/** How an option takes its value. */
type Arity = "none" | "required" | "optional" | "peek";

interface OptionDef {
  /** The key the parse result uses: the long name, else the short letter. */
  key: string;
  arity: Arity;
  placeholder?: string;
  /** How the option is written in messages (`-n N, --lines=N`). */
  spelling: string;
}

/** One option as it was given. */
export interface GivenOption {
  key: string;
  value?: string;
  /** The word(s) as typed, for messages. */
  word: string;
}

/** The arguments split the way getopt_long splits them. */
export interface Parsed {
  options: GivenOption[];
  operands: string[];
}

/** Whether `parsed` holds the option `key`. */
export function has(parsed: Parsed, ...keys: string[]): boolean {
  return parsed.options.some((o) => keys.includes(o.key));
}

/** What a getopt grammar is built from. */
export interface GetoptSpec {
  program: string;
  source: string;
  synopsis: string;
  /** The allowed options, one entry each (see the module notes for the notation). */
  options: readonly string[];
  /** Value checks by placeholder name; unknown placeholders get printable ASCII. */
  values?: Readonly<Record<string, WordCheck>>;
  /** Options refused with a reason that helps (documentation, not the safety net). */
  refused?: Readonly<Record<string, string>>;
  /** Words that are operands even though they start with '-' (seq's negative numbers). */
  operandWord?: RegExp;
  /** Words that are an option of their own shape, e.g. head's obsolete `-NUM`. */
  specialWord?: { pattern: RegExp; key: string };
  /** Checks the operands, with the options in view; throws GrammarRefusal. */
  operands(operands: readonly string[], parsed: Parsed): void;
}

const SPEC_PART =
  /^(?:-([A-Za-z0-9?])|--([a-z0-9][a-z0-9-]*))(?: ([A-Z][A-Z0-9_]*)|=([A-Z][A-Z0-9_]*)|\[(\+)?=?([A-Z][A-Z0-9_]*)\])?$/;

/** Parses the option notation into short and long tables. */
function compile(options: readonly string[]) {
  const shorts = new Map<string, OptionDef>();
  const longs = new Map<string, OptionDef>();
  for (const entry of options) {
    const parts = entry.split(", ");
    const parsedParts = parts.map((p) => {
      const m = SPEC_PART.exec(p);
      if (!m) {
        throw new Error(`bad option notation ${JSON.stringify(p)} in ${JSON.stringify(entry)}`);
      }
      const [, short, long, spaced, eq, peek, opt] = m;
      const arity: Arity = spaced || eq ? "required" : opt ? (peek ? "peek" : "optional") : "none";
      return { short, long, arity, placeholder: spaced ?? eq ?? opt };
    });
    const key = parsedParts.find((p) => p.long)?.long ?? parsedParts[0].short!;
    for (const p of parsedParts) {
      const def = { key, arity: p.arity, placeholder: p.placeholder, spelling: entry };
      if (p.short) shorts.set(p.short, def);
      else longs.set(p.long!, def);
    }
  }
  return { shorts, longs };
}

/** Builds a {@link Grammar} from a getopt_long option table. */
export function getoptGrammar(
  spec: GetoptSpec,
): Grammar & { parse(args: readonly string[]): Parsed } {
  const { shorts, longs } = compile(spec.options);
  const refusedLongs = new Map<string, string>();
  const refusedShorts = new Map<string, string>();
  for (const [names, why] of Object.entries(spec.refused ?? {})) {
    for (const n of names.split(", ")) {
      if (n.startsWith("--")) refusedLongs.set(n.slice(2), why);
      else refusedShorts.set(n.slice(1), why);
    }
  }
  const refuse = (msg: string): never => {
    throw new GrammarRefusal("arguments", `${spec.program}: ${msg}`);
  };

  function value(def: OptionDef, v: string, word: string): void {
    const check = (def.placeholder && spec.values?.[def.placeholder]) || ascii;
    check(v, `the value of ${word}`);
  }

  function parse(args: readonly string[]): Parsed {
    const options: GivenOption[] = [];
    const operands: string[] = [];
    let endOfOptions = false;
    for (let i = 0; i < args.length; i++) {
      const w = args[i];
      if (endOfOptions || w === "-" || !w.startsWith("-") || spec.operandWord?.test(w)) {
        if (!endOfOptions) noLookalikeStart(w, "the argument");
        operands.push(w);
        continue;
      }
      if (w === "--") {
        endOfOptions = true;
        continue;
      }
      const nonAscii = /[^\x20-\x7e]/u.exec(w);
      if (nonAscii) {
        throw new GrammarRefusal(
          "characters",
          `${spec.program}: the option word ${JSON.stringify(w)} contains ${
            codePoint(nonAscii[0])
          }` +
            "; options are plain ASCII",
        );
      }
      if (spec.specialWord?.pattern.test(w)) {
        options.push({ key: spec.specialWord.key, word: w });
        continue;
      }
      if (w.startsWith("--")) {
        const eq = w.indexOf("=");
        const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
        const def = longs.get(name);
        if (name === "") refuse(`${JSON.stringify(w)} is not an option`);
        if (!def) {
          const why = refusedLongs.get(name);
          if (why) refuse(`option --${name} is not allowed (${why})`);
          const full = [...longs.keys(), ...refusedLongs.keys()].filter((l) => l.startsWith(name));
          refuse(
            `option --${name} is not allowed` +
              (full.length
                ? ` (long options must be spelled out exactly; --${name} abbreviates ${
                  full.map((f) => `--${f}`).join(" or ")
                })`
                : ""),
          );
        }
        let v: string | undefined = eq < 0 ? undefined : w.slice(eq + 1);
        if (def!.arity === "none" && v !== undefined) refuse(`option --${name} takes no value`);
        if (def!.arity === "required" && v === undefined) {
          if (i + 1 >= args.length) refuse(`option --${name} needs a value`);
          v = args[++i];
        }
        if (def!.arity === "peek" && v === undefined && i + 1 < args.length) {
          const next = args[i + 1];
          if (peekAccepts(def!, next)) v = args[++i];
        }
        if (v !== undefined) value(def!, v, `--${name}`);
        options.push({ key: def!.key, value: v, word: v === undefined ? w : `--${name}=${v}` });
        continue;
      }
      // A cluster of short options.
      for (let j = 1; j < w.length; j++) {
        const c = w[j];
        const def = shorts.get(c);
        if (!def) {
          const why = refusedShorts.get(c);
          refuse(
            `option -${c}${w.length > 2 ? ` (in ${w})` : ""} is not allowed${
              why ? ` (${why})` : ""
            }`,
          );
        }
        if (def!.arity === "none") {
          options.push({ key: def!.key, word: `-${c}` });
          continue;
        }
        let v: string | undefined = w.slice(j + 1) || undefined;
        if (def!.arity === "required" && v === undefined) {
          if (i + 1 >= args.length) refuse(`option -${c} needs a value`);
          v = args[++i];
        }
        if (def!.arity === "peek" && v === undefined && i + 1 < args.length) {
          if (peekAccepts(def!, args[i + 1])) v = args[++i];
        }
        if (v !== undefined) value(def!, v, `-${c}`);
        options.push({ key: def!.key, value: v, word: `-${c}${v === undefined ? "" : ` ${v}`}` });
        break;
      }
    }
    return { options, operands };
  }

  // journalctl's -n/-b take the next word only if it parses as their value.
  function peekAccepts(def: OptionDef, next: string): boolean {
    const check = def.placeholder ? spec.values?.[def.placeholder] : undefined;
    if (!check) return false;
    try {
      check(next, "");
      return true;
    } catch {
      return false;
    }
  }

  return {
    program: spec.program,
    source: spec.source,
    synopsis: spec.synopsis,
    parse,
    check(args) {
      const parsed = parse(args);
      spec.operands(parsed.operands, parsed);
    },
  };
}
