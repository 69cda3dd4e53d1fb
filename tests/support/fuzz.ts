/**
 * A small seeded property-based generator for tool arguments. From a tool's
 * input JSON schema (as tools/list publishes it) it derives valid values,
 * boundary values and hostile ones (wrong types, huge and odd strings, path
 * and query metacharacters, bad VMIDs), plus `conforms`, a validator for the
 * JSON-schema subset zod emits, so a test knows whether the server must refuse
 * an argument set before any API request.
 *
 * Deterministic: the same seed gives the same cases; tests print the seed on
 * failure (`FUZZ_SEED=... deno test ...` replays a run).
 *
 * @example
 * ```ts
 * import { fuzzCases, Rng } from "./fuzz.ts";
 * const schema = {
 *   type: "object",
 *   properties: { node: { type: "string", pattern: "^[a-z0-9]+$" } },
 *   required: ["node"],
 * };
 * const cases = fuzzCases(schema, new Rng(42), 20, { node: ["pve1"] });
 * console.log(cases.length, cases[0].valid); // 20 true
 * ```
 *
 * @module
 */

import { conforms, type JsonSchema } from "./json_schema.ts";
import { HOSTILE_NUMBERS, HOSTILE_STRINGS, type Rng, WRONG_TYPES } from "./fuzz_values.ts";

export { conforms, type JsonSchema } from "./json_schema.ts";
export {
  HOSTILE_NUMBERS,
  HOSTILE_STRINGS,
  HUGE,
  Rng,
  runSeed,
  WRONG_TYPES,
} from "./fuzz_values.ts";

/** One generated argument set. */
export interface FuzzCase {
  args: Record<string, unknown>;
  /** What was done, for failure messages. */
  label: string;
  /** Whether `args` conforms to the schema (undefined: the validator cannot tell). */
  valid: boolean | undefined;
}

/** Known-good values by property name (e.g. live node names), preferred for valid values. */
export type Hints = Record<string, readonly unknown[]>;

/** Generates `n` cases: valid first (minimal, full), then one or more mutated properties. */
export function fuzzCases(schema: JsonSchema, rng: Rng, n: number, hints: Hints = {}): FuzzCase[] {
  const props = schema.properties ?? {};
  const names = Object.keys(props);
  const required = new Set(schema.required ?? []);
  const valid = (all: boolean) => {
    const args: Record<string, unknown> = {};
    for (const k of names) {
      if (all || required.has(k)) {
        const v = validValue(props[k], rng, hints[k]);
        if (v !== undefined) args[k] = v;
      }
    }
    return args;
  };
  const out: FuzzCase[] = [];
  const push = (args: Record<string, unknown>, label: string) =>
    out.push({ args, label, valid: conforms(schema, args) });
  push(valid(false), "valid: required only");
  if (out.length < n) push(valid(true), "valid: every property");
  while (out.length < n) {
    const args = valid(rng.chance(0.5));
    const roll = rng.next();
    if (names.length === 0 || roll < 0.08) {
      const key = rng.pick(["__proto__x", "extra", "node/../x", "constructor", "a".repeat(300)]);
      args[key] = rng.pick(HOSTILE_STRINGS);
      push(args, `unknown key ${JSON.stringify(key.slice(0, 20))}`);
      continue;
    }
    if (roll < 0.14 && required.size) {
      const k = rng.pick([...required]);
      delete args[k];
      push(args, `missing required ${k}`);
      continue;
    }
    const muts = rng.chance(0.8) ? 1 : rng.int(2, Math.max(2, names.length));
    const labels: string[] = [];
    for (let i = 0; i < muts; i++) {
      const k = rng.pick(names);
      const [v, what] = hostileValue(props[k], rng);
      args[k] = v;
      labels.push(`${k}=${what}`);
    }
    push(args, labels.join(", "));
  }
  return out;
}

function typesOf(s: JsonSchema): string[] {
  if (s.type) return Array.isArray(s.type) ? s.type : [s.type];
  if (s.enum) return [...new Set(s.enum.map((v) => (v === null ? "null" : typeof v)))];
  const alt = s.anyOf ?? s.oneOf;
  return alt ? alt.flatMap(typesOf) : [];
}

/** A value that conforms to `s` (from `hints` when one fits), or undefined if none is found. */
export function validValue(s: JsonSchema, rng: Rng, hints?: readonly unknown[]): unknown {
  const fitting = (hints ?? []).filter((h) => conforms(s, h) === true);
  if (fitting.length && rng.chance(0.85)) return rng.pick(fitting);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return rng.pick(s.enum);
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return validValue(rng.pick(alt), rng, hints);
  if (s.default !== undefined && rng.chance(0.3)) return s.default;
  const type = rng.pick(typesOf(s).length ? typesOf(s) : ["string"]);
  switch (type) {
    case "boolean":
      return rng.chance(0.5);
    case "null":
      return null;
    case "integer":
    case "number": {
      const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
      const hi = Math.min(
        s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : lo + 1000),
        lo + 1000,
      );
      // Bounds matter most: pick them often.
      return rng.pick([lo, hi, rng.int(lo, Math.max(lo, hi))]);
    }
    case "array": {
      const len = rng.int(s.minItems ?? 0, Math.min(s.maxItems ?? 3, (s.minItems ?? 0) + 3));
      const items = Array.from({ length: len }, () => validValue(s.items ?? {}, rng));
      return items.every((v) => v !== undefined) ? items : undefined;
    }
    case "object": {
      const args: Record<string, unknown> = {};
      for (const k of s.required ?? []) args[k] = validValue(s.properties?.[k] ?? {}, rng);
      return args;
    }
    default:
      return validString(s, rng);
  }
}

const STRING_POOL = ["pve1", "local", "snap1", "web", "abc", "a1", "test-1", "x", "prod", "ok"];

function validString(s: JsonSchema, rng: Rng): string | undefined {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 64;
  const candidates = [...STRING_POOL];
  for (let i = 0; i < 40; i++) {
    const len = rng.int(Math.max(1, min), Math.max(1, Math.min(max, min + 12)));
    const alpha = "abcdefghijklmnopqrstuvwxyz";
    let str = alpha[rng.int(0, 25)];
    while (str.length < len) str += rng.pick([...alpha, ..."0123456789-_."]);
    candidates.push(str);
  }
  const ok = candidates.filter((c) => conforms(s, c) === true);
  return ok.length ? rng.pick(ok) : undefined;
}

/** A value chosen to break `s` (or sit right at its edge), with a short description. */
export function hostileValue(s: JsonSchema, rng: Rng): [unknown, string] {
  const types = typesOf(s);
  const roll = rng.next();
  if (roll < 0.2) {
    const v = rng.pick(WRONG_TYPES);
    return [v, `wrong type ${JSON.stringify(v)}`];
  }
  if (types.includes("integer") || types.includes("number")) {
    if (roll < 0.35) {
      const v = rng.pick(HOSTILE_STRINGS);
      return [v, `string ${preview(v)}`];
    }
    const edges = [s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum]
      .filter((x): x is number => typeof x === "number")
      .flatMap((x) => [x - 1, x, x + 1, x + 0.5]);
    const v = rng.pick([...HOSTILE_NUMBERS, ...edges]);
    return [v, `number ${v}`];
  }
  if (types.includes("boolean")) {
    const v = rng.pick(["true", "false", 1, 0, "yes", null, "1"]);
    return [v, `not a boolean ${JSON.stringify(v)}`];
  }
  if (types.includes("array")) {
    const pick = rng.int(0, 3);
    const v = pick === 0
      ? rng.pick(HOSTILE_STRINGS)
      : pick === 1
      ? Array.from({ length: 10_000 }, (_, i) => `item${i}`)
      : pick === 2
      ? [rng.pick(HOSTILE_STRINGS), rng.pick(WRONG_TYPES)]
      : [[["deep"]]];
    return [v, `bad array (${pick})`];
  }
  if (s.enum && roll < 0.5) {
    const first = String(s.enum[0] ?? "x");
    // Case variants are accepted (looseEnum, src/tools/schemas.ts): only true misses here.
    const v = rng.pick([`${first.toUpperCase()}X`, ` ${first}`, `${first}\n`, "other", ""]);
    return [v, `not in enum ${preview(v)}`];
  }
  const v = rng.pick(HOSTILE_STRINGS);
  return [v, `string ${preview(v)}`];
}

function preview(v: unknown): string {
  const t = JSON.stringify(v) ?? String(v);
  return t.length > 24 ? `${t.slice(0, 21)}...(${t.length})` : t;
}
